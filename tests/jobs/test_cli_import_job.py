"""`xietong import statistics` with a file past XIETONG_IMPORT_JOB_BYTES: the import is a job
(queued, audited, all or nothing); the command follows it with a bar while a worker runs it, runs
the same job itself when no worker takes it, or imports at once with ``--inline``."""

from __future__ import annotations

import pytest

from xietong.audit.models import AuditEntry
from xietong.cli import main
from xietong.jobs.models import Job
from xietong.jobs.worker import run_pending
from xietong.schools.models import SchoolStatistic

KIND = "schools.statistics_import"


@pytest.fixture
def big(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.XIETONG_IMPORT_JOB_BYTES = 10  # every file is "large"
    return tmp_path


def _file(tmp_path, world, name: str, rows: str):
    path = tmp_path / name
    code = world["schools"]["A"].code
    path.write_text("school_code,year,students,teachers\n" + rows.format(a=code), encoding="utf-8")
    return path


def test_no_worker_the_command_runs_the_job_itself(world, big, capsys):
    path = _file(big, world, "stats.csv", "{a},2023,480,31\n")
    before = SchoolStatistic.objects.count()
    assert main(["import", "statistics", str(path), "--worker-wait", "0"]) == 0
    out = capsys.readouterr()
    job = Job.objects.get(kind=KIND)
    assert f"Job #{job.pk} queued" in out.err and "running it here" in out.err
    assert (job.status, job.result["values"], job.acts_as) == ("succeeded", 2, "system")
    assert f"Job #{job.pk} succeeded" in out.out
    assert job.stage == "import_checking" and job.done > 0  # its progress, as a worker's
    assert SchoolStatistic.objects.count() == before + 2
    assert AuditEntry.objects.filter(action="job.succeeded", object_id=str(job.pk)).count() == 1
    # the task it left queued: the worker that takes it later finds nothing to do
    run_pending()
    job.refresh_from_db()
    assert job.status == "succeeded" and job.attempts == 1
    assert SchoolStatistic.objects.count() == before + 2


def test_no_wait_queues_it_for_a_worker(world, big, capsys):
    path = _file(big, world, "stats.csv", "{a},2023,480,31\n")
    before = SchoolStatistic.objects.count()
    assert main(["import", "statistics", str(path), "--no-wait"]) == 0
    job = Job.objects.get(kind=KIND)
    assert job.status == "queued" and SchoolStatistic.objects.count() == before
    assert "a worker (`xietong worker`)" in capsys.readouterr().err
    run_pending()
    job.refresh_from_db()
    assert job.status == "succeeded" and SchoolStatistic.objects.count() == before + 2
    # following a job a worker has run gives its outcome and status
    from xietong.cli.common import follow_job

    assert follow_job(job) == 0


def test_a_failed_job_names_file_row_and_column_and_writes_nothing(world, big, capsys):
    path = _file(big, world, "bad.csv", "{a},2023,480,31\n{a},2022,12.5,3\nNOPE,2023,1,1\n")
    before = SchoolStatistic.objects.count()
    assert main(["import", "statistics", str(path), "--worker-wait", "0"]) == 1
    err = capsys.readouterr().err
    job = Job.objects.get(kind=KIND)
    assert (job.status, job.error_code) == ("failed", "import_failed")
    assert "The file has 2 problem(s); nothing was imported." in err
    assert "bad.csv: row 3, column students: 12.5 must be a whole number (a count)" in err
    assert "bad.csv: row 4, column school_code: no school with code 'NOPE' in the registry" in err
    assert SchoolStatistic.objects.count() == before


def test_inline_imports_at_once_without_a_job(world, big, capsys):
    path = _file(big, world, "stats.csv", "{a},2023,480,31\n")
    before = SchoolStatistic.objects.count()
    assert main(["import", "statistics", str(path), "--inline"]) == 0
    assert "Imported 2 values" in capsys.readouterr().out
    assert not Job.objects.exists() and SchoolStatistic.objects.count() == before + 2


def test_a_small_file_is_imported_at_once(world, settings, tmp_path, capsys):
    settings.DATA_DIR = tmp_path
    path = _file(tmp_path, world, "stats.csv", "{a},2023,480,31\n")
    assert main(["import", "statistics", str(path)]) == 0
    assert "Imported 2 values" in capsys.readouterr().out and not Job.objects.exists()
