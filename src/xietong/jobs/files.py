"""Files a job reads or makes: an import's upload (kept until the job ends) and an export's
result (kept for XIETONG_JOB_FILE_RETENTION_HOURS, for its requester only to download).

They live under XIETONG_DATA_DIR/jobs through Django's storage API (a FileSystemStorage; a
deployment of several machines points it at a shared volume). The job row lists the names it
owns (``Job.files``); the reaper's round deletes them (``jobs_files_clean``).
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from functools import cache

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.utils import timezone

from .models import Job, JobStatus

INPUT, OUTPUT = "in/", "out/"
_UNSAFE = re.compile(r"[^\w.\-]+")


@cache
def _storage(location: str) -> FileSystemStorage:
    return FileSystemStorage(location=location)


def storage() -> FileSystemStorage:
    return _storage(str(settings.DATA_DIR / "jobs"))


def retention() -> timedelta:
    return timedelta(hours=float(getattr(settings, "XIETONG_JOB_FILE_RETENTION_HOURS", 24)))


def _safe(filename: str) -> str:
    return _UNSAFE.sub("_", filename)[-100:] or "file"


def input_save(data: bytes, filename: str) -> str:
    """Keep an upload for the job that will read it; returns its storage name."""
    return storage().save(f"{INPUT}{uuid.uuid4().hex}-{_safe(filename)}", ContentFile(data))


def input_read(name: str) -> bytes:
    with storage().open(name, "rb") as f:
        return f.read()


def output_save(job: Job, data: bytes, filename: str) -> str:
    """Store what the job made (inside its run); the job row lists it for the cleaner."""
    name = storage().save(
        f"{OUTPUT}{job.pk}/{uuid.uuid4().hex[:8]}-{_safe(filename)}", ContentFile(data)
    )
    Job.objects.filter(pk=job.pk).update(files=[*(job.files or []), name])
    job.files = [*(job.files or []), name]
    return name


def output_open(name: str):
    return storage().open(name, "rb")


def output_exists(name: str) -> bool:
    return bool(name) and storage().exists(name)


def jobs_files_clean(*, now=None) -> dict:
    """Delete the uploads of jobs that ended and the results older than the retention period.
    Returns how many files went (telemetry, like progress: not audited)."""
    now = now or timezone.now()
    ended = Job.objects.filter(status__in=[JobStatus.SUCCEEDED, JobStatus.FAILED]).exclude(files=[])
    out = {"inputs": 0, "outputs": 0}
    cutoff = now - retention()
    for job in ended.only("pk", "files", "finished_at"):
        keep = []
        for name in job.files:
            expired = job.finished_at is None or job.finished_at < cutoff
            if name.startswith(INPUT) or expired:
                storage().delete(name)
                out["inputs" if name.startswith(INPUT) else "outputs"] += 1
            else:
                keep.append(name)
        if keep != job.files:
            Job.objects.filter(pk=job.pk).update(files=keep)
    return out
