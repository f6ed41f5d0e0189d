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
