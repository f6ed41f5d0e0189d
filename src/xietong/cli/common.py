"""What the subcommands share: Django's setup, migrations, progress bars and the acting user."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def load_settings():
    """Django's settings, or a plain message and exit status 2 when they refuse to load (no
    SECRET_KEY in production)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xietong.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.INSTALLED_APPS  # noqa: B018 - loads the settings module
    except ImproperlyConfigured as exc:
        print(f"xietong: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    return settings


def django_setup() -> None:
    import django

    settings = load_settings()
    django.setup()
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        Path(db["NAME"]).parent.mkdir(parents=True, exist_ok=True)


def migrate(verbosity: int = 0) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


def in_english(command):
    """A command that sets Django up and speaks English, its problems too (the import commands:
    their messages are the catalogue's, rendered in the reader's language elsewhere)."""
    import functools

    @functools.wraps(command)
    def run(args) -> int:
        django_setup()
        from django.utils import translation

        with translation.override("en"):
            return command(args)

    return run


def import_file(name: str) -> tuple[Path, bytes] | int:
    """The file an import command was given and its bytes, or the exit status 2 (missing) or 1
    (larger than XIETONG_UPLOAD_MAX_BYTES) once the reason is printed: a file too large is
    refused before it is read."""
    from xietong.tabular import Limits

    path = Path(name)
    if not path.is_file():
        print(f"xietong: {path}: no such file", file=sys.stderr)
        return 2
    limit = Limits.from_settings().max_bytes
    if path.stat().st_size > limit:
        print(
            f"xietong: {path}: the file is {path.stat().st_size} bytes; files up to {limit} bytes "
            "can be imported (XIETONG_UPLOAD_MAX_BYTES); split it into smaller files",
            file=sys.stderr,
        )
        return 1
    return path, path.read_bytes()


def import_refused(exc, path: Path, *bars) -> int:
    """Close ``bars`` and list an all-or-nothing import's problems (file, row, column first);
    the exit status 1."""
    from xietong.tabular import refusal_lines

    for bar in bars:
        bar.close()
    print("\n".join(refusal_lines(path, exc.total, exc.problems)), file=sys.stderr)
    return 1


def progress_bar(total: int | None, desc: str):
    from tqdm import tqdm

    return tqdm(
        total=total, desc=desc, unit=" values", unit_scale=True, disable=None, file=sys.stderr
    )


def actor_named(username: str | None):
    if not username:
        return None
    from xietong.accounts.models import User

    user = User.objects.filter(username=username).first()
    if user is None:
        raise SystemExit(f"xietong: no user named {username!r}")
    return user


def follow_job(job, *, unit: str = " rows") -> int:
    """A progress bar of a job until it ends (a worker runs it); the exit status says how it
    ended (:func:`job_outcome`)."""
    import time

    from tqdm import tqdm

    from xietong.jobs import words
    from xietong.jobs.models import Job

    bar = tqdm(desc=job.kind, unit=unit, disable=None, file=sys.stderr)
    while True:
        job = Job.objects.get(pk=job.pk)
        bar.set_description(words.stage_label(job))
        if job.total is not None and bar.total != job.total:
            bar.reset(total=job.total)
        bar.n = job.done
        bar.refresh()
        if not job.active:
            break
        time.sleep(0.5)
    bar.close()
    return job_outcome(job)


def job_outcome(job) -> int:
    """Say how a job ended (its error, and a failed import's problems, file, row and column
    first) and give the exit status: 0 succeeded, 1 failed."""
    from xietong.jobs import words
    from xietong.tabular import Problem

    if job.status != "failed":
        print(f"Job #{job.pk} succeeded: {job.result}")
        return 0
    print(f"Job #{job.pk} failed: {words.error_message(job)}", file=sys.stderr)
    params = job.error_params or {}
    problems = words.problems_out(params.get("problems") or [])
    for p in problems:
        print(f"  {Problem(p['file'], p['row'], p['column'], p['message'])}", file=sys.stderr)
    if params.get("total", 0) > len(problems):
        print(f"  ... and {params['total'] - len(problems)} more", file=sys.stderr)
    return 1
