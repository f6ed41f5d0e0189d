"""Office documents previewed as PDF, where a converter is present (issue 12 §1: "previewed in the
page (PDF, image, video, audio, office documents as PDF where a converter is present)").

The converter is LibreOffice run headless: ``soffice --headless --convert-to pdf``, the program
named by ``XIETONG_OFFICE_CONVERTER`` (default: ``soffice``, else ``libreoffice``, found on
``PATH``; an empty setting turns previews off). Each conversion runs in a temporary directory of
its own, with its own LibreOffice profile (``-env:UserInstallation=file://...``) so that two
conversions never share, lock or corrupt one profile, in its own process group so that a
conversion past ``XIETONG_OFFICE_CONVERTER_TIMEOUT`` seconds (default 120) is killed with every
child it started. The document is never opened by the web process: a job converts it
(``xietong.jobs``, kind ``resources.preview``), queued when a resource gets an office file (a new
resource, a new version, a remix) and by ``xietong resources previews`` for files stored before.

The PDF goes through the same storage as every file (``storage.inspect`` and ``storage.store``:
typed by content, named by its SHA-256, stored once) and is linked to the document by a
``FilePreview`` row. A failed conversion is recorded there with its code; the page then offers
the download only, as it does when no converter is installed.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from xietong.audit.services import audit_record
from xietong.audit.vocabulary import AuditAction, ObjectType

from . import storage
from .models import FilePreview, PreviewError, PreviewStatus, ResourceFile

PREVIEW_JOB = "resources.preview"
DEFAULT_TIMEOUT = 120.0


def converter() -> str | None:
    """The converter's path, or None when previews are off or no converter is installed."""
    configured = getattr(settings, "XIETONG_OFFICE_CONVERTER", None)
    if configured is not None:
        if not configured:
            return None
        return shutil.which(configured) or (configured if os.access(configured, os.X_OK) else None)
    return shutil.which("soffice") or shutil.which("libreoffice")


def timeout() -> float:
    return float(getattr(settings, "XIETONG_OFFICE_CONVERTER_TIMEOUT", DEFAULT_TIMEOUT))


class ConversionFailed(Exception):
    """A conversion that made no usable PDF: ``code`` is a ``PreviewError`` value."""

    def __init__(self, code: str, exit_status: int | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.exit_status = exit_status


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def convert_to_pdf(data: bytes, extension: str, *, program: str, limit: float) -> bytes:
    """The PDF LibreOffice makes of the document ``data`` (its type's ``extension``), run in a
    temporary directory with a profile of its own; raises ConversionFailed."""
    with tempfile.TemporaryDirectory(prefix="xietong-preview-") as tmp:
        work = Path(tmp)
        source = work / f"document.{extension}"
        source.write_bytes(data)
        out = work / "out"
        out.mkdir()
        args = [
            program,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(source),
        ]
        env = {**os.environ, "HOME": str(work)}
        proc = subprocess.Popen(
            args,
            cwd=work,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: a timeout kills every child
        )
        try:
            status = proc.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            _kill(proc)
            raise ConversionFailed(PreviewError.TIMEOUT) from None
        finally:
            if proc.poll() is None:
                _kill(proc)
        pdf = out / "document.pdf"
        if status != 0:
            raise ConversionFailed(PreviewError.EXIT_STATUS, exit_status=status)
        if not pdf.is_file() or pdf.stat().st_size == 0:
            raise ConversionFailed(PreviewError.NO_OUTPUT, exit_status=status)
        return pdf.read_bytes()


@dataclass(frozen=True)
class Outcome:
    status: str
    error: str = ""
    pdf_sha256: str = ""


def preview_wanted(rf: ResourceFile) -> bool:
    """Whether a preview of this file should be (re)made: an office document without a ready
    preview."""
    if not rf.is_office:
        return False
    return not FilePreview.objects.filter(source=rf, status=PreviewStatus.READY).exists()


def preview_submit(*, file: ResourceFile, actor=None, force: bool = False):
    """Queue the conversion of an office document, in the caller's transaction: ``(job,
    created)``, or None when there is nothing to do (not an office document, a preview is
    ready and ``force`` is off, or no converter is installed). The same file queued twice runs
    once (the job's key is its hash)."""
    from xietong.jobs.services import job_submit

    if not file.is_office or converter() is None:
        return None
    if not force and not preview_wanted(file):
        return None
    with transaction.atomic():
        FilePreview.objects.get_or_create(source=file)
        return job_submit(
            kind=PREVIEW_JOB,
            key=file.sha256,
            actor=actor,
            params={"sha256": file.sha256},
            object_type=ObjectType.RESOURCE_FILE,
            object_id=file.sha256,
        )


def _store_pdf(data: bytes) -> ResourceFile:
    upload = ContentFile(data, name="preview.pdf")
    found = storage.inspect(upload)  # typed by content, size-limited, like every upload
    if found.mime_type != "application/pdf":
        raise ConversionFailed(PreviewError.NOT_PDF)
    name = storage.store(upload, found)
    rf, _created = ResourceFile.objects.get_or_create(
        sha256=found.sha256,
        defaults={
            "size": found.size,
            "mime_type": found.mime_type,
            "extension": found.extension,
            "storage_name": name,
        },
    )
    return rf


def _record(rf: ResourceFile, *, status: str, pdf=None, error="", exit_status=None, seconds=None):
    with transaction.atomic():
        preview, _created = FilePreview.objects.select_for_update().get_or_create(source=rf)
        before = {"status": preview.status, "pdf": preview.pdf_id, "error": preview.error}
        preview.status = status
        preview.pdf = pdf
        preview.error = error
        preview.exit_status = exit_status
        preview.seconds = seconds
        preview.attempts += 1
        preview.save()
        audit_record(
            actor=None,
            action=AuditAction.RESOURCES_PREVIEW,
            object_type=ObjectType.RESOURCE_FILE,
            object_id=rf.sha256,
            before=before,
            after={"status": status, "pdf": preview.pdf_id, "error": error, "seconds": seconds},
        )
    return preview


def preview_store(*, file: ResourceFile, pdf: bytes, seconds: float | None = None) -> FilePreview:
    """Store ``pdf`` as the preview of the office document ``file`` (typed by content: anything
    but a PDF, or a PDF past the size limit, is recorded as a failure instead); audited."""
    if not file.is_office:
        return _record(file, status=PreviewStatus.FAILED, error=PreviewError.NOT_OFFICE)
    try:
        with transaction.atomic():
            stored = _store_pdf(pdf)
    except ConversionFailed as exc:
        return _record(file, status=PreviewStatus.FAILED, error=exc.code, seconds=seconds)
    except storage.FileRefused as exc:
        code = PreviewError.TOO_LARGE if exc.code == "size" else PreviewError.NOT_PDF
        return _record(file, status=PreviewStatus.FAILED, error=code, seconds=seconds)
    return _record(file, status=PreviewStatus.READY, pdf=stored, seconds=seconds)


def preview_build(*, file: ResourceFile) -> FilePreview:
    """Convert the office document ``file`` to PDF and store the preview, or record why not;
    never raises for a document the converter cannot read. The conversion runs outside any
    transaction (it may take a minute); only its record is written in one."""
    if not file.is_office:
        return _record(file, status=PreviewStatus.FAILED, error=PreviewError.NOT_OFFICE)
    program = converter()
    if program is None:
        return _record(file, status=PreviewStatus.FAILED, error=PreviewError.NO_CONVERTER)
    with storage.open_stored(file.storage_name) as fh:
        data = fh.read()
    started = time.monotonic()
    try:
        pdf = convert_to_pdf(data, file.extension, program=program, limit=timeout())
    except ConversionFailed as exc:
        return _record(
            file,
            status=PreviewStatus.FAILED,
            error=exc.code,
            exit_status=exc.exit_status,
            seconds=round(time.monotonic() - started, 3),
        )
    return preview_store(file=file, pdf=pdf, seconds=round(time.monotonic() - started, 3))


def preview_of(rf: ResourceFile | None) -> FilePreview | None:
    """The preview row of a file, if any (the page words its status)."""
    if rf is None or not rf.is_office:
        return None
    return FilePreview.objects.select_related("pdf").filter(source=rf).first()
