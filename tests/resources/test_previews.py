"""Office documents previewed as PDF through a job where a converter (LibreOffice) is present:
a real .docx and .xlsx converted end to end, the PDF stored once by its hash and embedded in the
page, failures recorded (never a 500), and no converter meaning no preview, as before."""

from __future__ import annotations

import io
import os
import shutil

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.resources.conftest import make, publish
from xietong.jobs.models import Job
from xietong.jobs.worker import run_pending
from xietong.resources import previews
from xietong.resources.models import FilePreview, ResourceFile

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_soffice() -> None:
    if shutil.which("soffice") or shutil.which("libreoffice"):
        return
    if os.environ.get("XIETONG_REQUIRE_BROWSER"):
        raise RuntimeError(
            "LibreOffice is required for the preview tests (apt-get install "
            "libreoffice-writer-nogui libreoffice-calc-nogui libreoffice-impress-nogui)"
        )
    pytest.skip("LibreOffice (soffice) is not installed")


@pytest.fixture
def soffice(settings):
    _require_soffice()
    settings.XIETONG_OFFICE_CONVERTER = None  # found on PATH, the default
    settings.XIETONG_OFFICE_CONVERTER_TIMEOUT = 120


def docx_bytes(text: str = "有理数的加法") -> bytes:
    import docx

    d = docx.Document()
    d.add_heading(text, 1)
    d.add_paragraph("七年级上册第一章 教学设计：情境导入、合作探究、课堂练习。")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def xlsx_bytes() -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["题号", "答案", "分值"])
    for i in range(1, 11):
        ws.append([i, "A", 5])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def upload(data: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, "application/octet-stream")


def test_a_docx_is_converted_by_the_job_and_embedded_in_the_page(resworld, soffice, client):
    r = publish(
        resworld, make(resworld, visibility="public", upload=upload(docx_bytes(), "教案.docx"))
    )
    assert r.file.mime_type == DOCX and r.file.is_office
    job = Job.objects.get(kind="resources.preview", dedupe_key=r.file.sha256)
    assert job.status == "queued" and FilePreview.objects.get(source=r.file).status == "pending"
    page = client.get(f"/resources/{r.pk}/").content.decode()
    assert 'id="preview-pending"' in page and "/preview.pdf" not in page
    api = client.get(f"/api/resources/{r.pk}").json()
    assert (api["preview_status"], api["preview_pdf"]) == ("pending", "")
    assert run_pending() >= 1
    job.refresh_from_db()
    preview = FilePreview.objects.get(source=r.file)
    assert job.status == "succeeded", (job.error_code, job.error_params)
    assert preview.status == "ready" and preview.error == "" and preview.attempts == 1
    assert preview.pdf.mime_type == "application/pdf" and preview.seconds > 0
    assert job.result["pdf_sha256"] == preview.pdf.sha256
    page = client.get(f"/resources/{r.pk}/").content.decode()
    assert 'id="office-preview"' in page and f"/resources/{r.pk}/preview.pdf" in page
    api = client.get(f"/api/resources/{r.pk}").json()
    assert (api["preview_status"], api["preview_pdf"]) == (
        "ready",
        f"/resources/{r.pk}/preview.pdf",
    )
    pdf = client.get(f"/resources/{r.pk}/preview.pdf")
    body = b"".join(pdf.streaming_content)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert body.startswith(b"%PDF") and "inline" in pdf["Content-Disposition"]
    # the document itself is still a download, never served inline
    original = client.get(f"/resources/{r.pk}/file")
    assert "attachment" in original["Content-Disposition"]


def test_the_same_document_is_converted_once_and_its_pdf_stored_once(resworld, soffice):
    data = docx_bytes("同一份文档")
    first = make(resworld, upload=upload(data, "a.docx"))
    run_pending()
    files = ResourceFile.objects.count()
    second = make(resworld, title_zh="另一份资源", upload=upload(data, "b.docx"))
    assert second.file_id == first.file_id
    assert Job.objects.filter(kind="resources.preview").count() == 1  # ready: nothing to queue
    assert ResourceFile.objects.count() == files
    # a rebuild (xietong resources previews --all) replaces the row: one preview per document
    assert previews.preview_build(file=first.file).status == "ready"
    assert FilePreview.objects.filter(source=first.file).count() == 1


def soffice_convert(data: bytes, ext: str, to: str, infilter: str = "") -> bytes:
    """Another office format made from ``data`` by LibreOffice itself (the test's input)."""
    import subprocess
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / f"in.{ext}").write_bytes(data)
        args = [shutil.which("soffice") or shutil.which("libreoffice")]
        args += [f"-env:UserInstallation={(work / 'p').as_uri()}", "--headless"]
        args += [f"--infilter={infilter}"] if infilter else []
        args += ["--convert-to", to, "--outdir", str(work / "o"), str(work / f"in.{ext}")]
        subprocess.run(args, check=True, timeout=120, capture_output=True)
        return (work / "o" / f"in.{to.split(':')[0]}").read_bytes()


IMPRESS_FROM_PDF = "impress_pdf_import"


@pytest.mark.parametrize(
    ("fmt", "mime"),
    [
        ("doc", "application/msword"),
        ("odt", "application/vnd.oasis.opendocument.text"),
        ("xls", "application/vnd.ms-excel"),
        ("ods", "application/vnd.oasis.opendocument.spreadsheet"),
        ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
        ("ppt", "application/vnd.ms-powerpoint"),
        ("odp", "application/vnd.oasis.opendocument.presentation"),
    ],
)
def test_every_office_format_is_typed_by_content_and_converted(resworld, soffice, fmt, mime):
    if fmt in ("doc", "odt"):
        data = soffice_convert(docx_bytes(f"{fmt} 文档"), "docx", fmt)
    elif fmt in ("xls", "ods"):
        data = soffice_convert(xlsx_bytes(), "xlsx", fmt)
    else:  # a presentation: a slide made by Impress from a PDF of a Word document
        pdf = soffice_convert(docx_bytes(f"{fmt} 幻灯片"), "docx", "pdf")
        data = soffice_convert(pdf, "pdf", fmt, infilter=IMPRESS_FROM_PDF)
    r = make(resworld, upload=upload(data, "resource.bin"))  # the name says nothing
    assert r.file.mime_type == mime and r.file.extension == fmt
    run_pending()
    preview = FilePreview.objects.get(source=r.file)
    assert preview.status == "ready", preview.error
    with previews.storage.open_stored(preview.pdf.storage_name) as fh:
        assert fh.read(5) == b"%PDF-"


def test_a_spreadsheet_through_the_command(resworld, soffice, capsys):
    from xietong.cli import main

    r = make(resworld, upload=upload(xlsx_bytes(), "答案.xlsx"))
    assert r.file.mime_type == XLSX
    Job.objects.filter(kind="resources.preview").delete()  # as if stored before previews existed
    FilePreview.objects.all().delete()
    assert main(["resources", "previews", "--here", "--quiet"]) == 0
    assert "Previews made: 1 of 1" in capsys.readouterr().out
    preview = FilePreview.objects.get(source=r.file)
    assert preview.status == "ready" and preview.pdf.size > 0
    assert main(["resources", "previews"]) == 0  # nothing is missing now
    assert "0 preview job(s) queued for 0" in capsys.readouterr().out
    assert main(["resources", "previews", "--all"]) == 0  # redo every one, through a job
    assert "1 preview job(s) queued for 1" in capsys.readouterr().out
    run_pending()
    preview.refresh_from_db()
    assert preview.status == "ready" and preview.attempts == 2


def test_a_broken_document_is_recorded_as_failed_and_the_page_still_answers(
    resworld, soffice, client
):
    broken = docx_bytes()[:3000]  # a zip cut short: still typed as .docx by its first bytes
    r = publish(resworld, make(resworld, visibility="public", upload=upload(broken, "坏.docx")))
    assert r.file.mime_type == DOCX
    run_pending()
    job = Job.objects.get(kind="resources.preview")
    preview = FilePreview.objects.get(source=r.file)
    assert preview.status == "failed" and preview.error == "no_output" and preview.pdf is None
    assert job.status == "failed" and job.error_code == "preview_failed"
    assert job.error_params == {"reason": "no_output"}
    page = client.get(f"/resources/{r.pk}/")
    assert page.status_code == 200 and 'id="preview-failed"' in page.content.decode()
    assert client.get(f"/resources/{r.pk}/preview.pdf").status_code == 404
    client.force_login(resworld["users"]["school-a"])  # the job's owner reads why
    words = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "could not be converted to PDF (The converter wrote no PDF)" in words


def test_a_conversion_past_the_timeout_is_killed_and_recorded(resworld, soffice, settings):
    settings.XIETONG_OFFICE_CONVERTER_TIMEOUT = 0.05
    r = make(resworld, upload=upload(docx_bytes(), "慢.docx"))
    preview = previews.preview_build(file=r.file)
    assert preview.status == "failed" and preview.error == "timeout"


def test_a_converter_that_exits_with_an_error(resworld, soffice, settings):
    settings.XIETONG_OFFICE_CONVERTER = shutil.which("false")  # a real program that fails
    r = make(resworld, upload=upload(docx_bytes(), "x.docx"))
    run_pending()
    preview = FilePreview.objects.get(source=r.file)
    assert (preview.status, preview.error, preview.exit_status) == ("failed", "exit_status", 1)


def test_without_a_converter_nothing_is_queued_and_the_page_offers_the_download(
    resworld, settings, client
):
    settings.XIETONG_OFFICE_CONVERTER = ""  # previews off
    r = publish(
        resworld, make(resworld, visibility="public", upload=upload(docx_bytes(), "d.docx"))
    )
    assert not Job.objects.filter(kind="resources.preview").exists()
    assert not FilePreview.objects.exists()
    html = client.get(f"/resources/{r.pk}/").content.decode()
    assert "No preview for this type; download the file." in html
    assert previews.preview_build(file=r.file).error == "no_converter"
    html = client.get(f"/resources/{r.pk}/").content.decode()
    assert "No preview for this type; download the file." in html


def test_a_stored_preview_that_is_not_a_pdf_is_refused(resworld, settings):
    settings.XIETONG_OFFICE_CONVERTER = ""
    r = make(resworld, upload=upload(docx_bytes(), "e.docx"))
    assert previews.preview_store(file=r.file, pdf=b"\x89PNG\r\n\x1a\n" + b"\0" * 64).error == (
        "not_pdf"
    )
    pdf_file = make(resworld, title_zh="PDF")
    assert previews.preview_store(file=pdf_file.file, pdf=b"%PDF-1.4\n%%EOF\n").error == (
        "not_office"
    )


def test_the_preview_is_read_as_the_resource_is(resworld, soffice, client):
    r = make(resworld, visibility="school", upload=upload(docx_bytes(), "f.docx"))
    r = publish(resworld, r)
    run_pending()
    assert client.get(f"/resources/{r.pk}/preview.pdf").status_code == 404
    client.force_login(resworld["users"]["teacher-b"])
    assert client.get(f"/resources/{r.pk}/preview.pdf").status_code == 404
    client.force_login(resworld["users"]["teacher-a"])
    assert client.get(f"/resources/{r.pk}/preview.pdf").status_code == 200
