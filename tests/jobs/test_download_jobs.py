"""The downloads that can be long go through ``web.downloads.download_or_job``: up to
XIETONG_EXPORT_JOB_ROWS rows the page answers at once, past it an export job writes the file
and the page sends its requester to the job's page; the job's file holds the same bytes the
page would have answered (CSV; an XLSX the same cells), read as its requester."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from tests.resources.conftest import SEED, make, publish
from tests.talent.conftest import run_to, talent_world
from xietong.jobs.models import Job
from xietong.jobs.worker import run_pending

JS = "320000000000"


@pytest.fixture
def store(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


def _client(user) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def _inline(c: Client, url: str, settings) -> bytes:
    settings.XIETONG_EXPORT_JOB_ROWS = 1_000_000
    before = Job.objects.count()
    r = c.get(url)
    assert r.status_code == 200, (url, r.status_code)
    assert Job.objects.count() == before  # no job below the threshold
    return r.content


def _as_job(c: Client, url: str, settings, *, export: str) -> tuple[Job, object]:
    settings.XIETONG_EXPORT_JOB_ROWS = 0
    r = c.get(url)
    job = Job.objects.get(kind="jobs.export", status="queued")
    assert job.params["export"] == export
    assert r.status_code == 302 and r["Location"] == f"/jobs/{job.pk}/"
    run_pending()
    job.refresh_from_db()
    assert job.status == "succeeded", (job.error_code, job.error_params)
    got = c.get(f"/jobs/{job.pk}/file/")
    assert got.status_code == 200
    return job, got


def _same_file(c: Client, url: str, settings, *, export: str, filename: str) -> bytes:
    inline = _inline(c, url, settings)
    job, got = _as_job(c, url, settings, export=export)
    assert f'filename="{filename}"' in got["Content-Disposition"]
    assert b"".join(got.streaming_content) == inline
    return inline


def test_round_results_short_inline_long_a_job_with_the_same_bytes(world, store, settings):
    tw = talent_world(world)
    rnd = run_to(tw, "published")
    c = _client(world["users"]["jjj-sec"])
    url = f"/talent/rounds/{rnd.pk}/results/?format=csv"
    data = _same_file(
        c, url, settings, export="talent.round_results", filename=f"round-{rnd.pk}-results.csv"
    )
    lines = data.decode().splitlines()
    assert lines[0] == "teacher,home_school,post,host_school,choice_rank,stays_home,why_not"
    assert len(lines) - 1 == rnd.placements.count() > 0
    # the same query again while it is queued is that job, not a second one
    settings.XIETONG_EXPORT_JOB_ROWS = 0
    c.get(url)
    c.get(url)
    assert Job.objects.filter(kind="jobs.export", status="queued").count() == 1


def test_the_job_reads_as_its_requester_and_fails_when_the_round_is_not_theirs(
    world, store, settings
):
    tw = talent_world(world)
    rnd = run_to(tw, "published")
    c = _client(world["users"]["jjj-sec"])
    settings.XIETONG_EXPORT_JOB_ROWS = 0
    c.get(f"/talent/rounds/{rnd.pk}/results/?format=csv")
    job = Job.objects.get(kind="jobs.export")
    job.params = {**job.params, "args": {"round": rnd.pk + 999, "q": ""}}
    job.save(update_fields=["params"])
    run_pending()
    job.refresh_from_db()
    assert (job.status, job.error_code) == ("failed", "not_found")
    assert c.get(f"/jobs/{job.pk}/file/").status_code == 404


def test_evaluation_school_results_inline_and_as_a_job(world, store, settings):
    from xietong.evaluation.services import evaluation_run
    from xietong.regions.models import Jurisdiction

    _schools(world)
    lf = Jurisdiction.objects.get(code="131000000000")
    run = evaluation_run(
        standard="quality-balance-2017", stage="primary", year=2024, jurisdiction=lf, actor=None
    )
    assert run.shortfalls.exists()
    c = _client(world["users"]["langfang"])
    url = f"/evaluation/runs/{run.pk}/counties/131002000000/?format=csv"
    data = _same_file(
        c,
        url,
        settings,
        export="evaluation.county_shortfalls",
        filename=f"evaluation-{run.pk}-131002000000.csv",
    )
    lines = data.decode().splitlines()
    assert lines[0].startswith("school_code,school,indicator") and len(lines) - 1 == (
        run.shortfalls.filter(school__county_id="131002000000").count()
    )


def _schools(world):
    """Five primary schools in Langfang's Anci district with 2024 statistics (the evaluation
    tests' worked example)."""
    from decimal import Decimal

    from xietong.schools.models import School
    from xietong.schools.services import statistics_set

    for i, (students, books) in enumerate(
        zip([45, 37, 89, 76, 55], [279, 137, 935, 160, 402], strict=True)
    ):
        s = School.objects.create(
            code=f"131002900{i}",
            name_zh=f"示例小学{i}",
            stage="primary",
            county_id="131002000000",
            location="rural",
            ownership="public",
        )
        values = {
            "students": students,
            "teachers": 10 + i,
            "teachers_qualified": 5 + i,
            "teachers_backbone": 1,
            "teachers_pe_arts": 2,
            "teachers_mid_senior_title": 4 + i,
            "building_area": 300 * (i + 1),
            "sports_area": 500 + 40 * i,
            "instrument_value": Decimal(100000 + 5000 * i),
            "multimedia_classrooms": 2,
            "computers": 10 + i,
            "library_books": books,
            "classes": 3,
        }
        statistics_set(school=s, year=2024, actor=None, values=values)


def test_member_statement_csv_and_xlsx_inline_and_as_a_job(world, store, settings):
    from xietong.finance.demo import finance_demo_load

    finance_demo_load()
    c = _client(world["users"]["jiangsu"])
    url = f"/finance/yrd/statements/{JS}/?period=2024&format=csv"
    data = _same_file(
        c,
        url,
        settings,
        export="finance.member_statement",
        filename=f"statement-yrd-{JS}-2024.csv",
    )
    lines = data.decode().splitlines()
    assert lines[0].startswith("date,number,kind") and ",opening," in lines[1]
    assert ",closing," in lines[-1]
    # XLSX: the workbook has its own timestamps; its cells are the same
    url = url.replace("format=csv", "format=xlsx")
    inline = load_workbook(io.BytesIO(_inline(c, url, settings))).active
    _job, got = _as_job(c, url, settings, export="finance.member_statement")
    made = load_workbook(io.BytesIO(b"".join(got.streaming_content))).active
    cells = [list(r) for r in inline.iter_rows(values_only=True)]
    assert cells == [list(r) for r in made.iter_rows(values_only=True)] and len(cells) >= 4
    # another member's statement is a 404 on the page and never becomes a job
    assert c.get("/finance/yrd/statements/310000000000/?period=2024&format=csv").status_code == 404


def test_resource_flows_inline_and_as_a_job_but_always_inline_for_the_public(
    world, store, settings
):
    from xietong.resources.services import collection_import, vocabulary_load

    settings.STORAGES = {
        **settings.STORAGES,
        "resources": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(store / "store")},
        },
    }
    vocabulary_load(data=SEED.read_bytes(), name=SEED.name, actor=None)
    r = publish(world, make(world, visibility="public"))  # school A, Langfang (13)
    collection_import(resource=r, actor=world["users"]["tongzhou"])  # Tongzhou (11)
    c = _client(world["users"]["jjj-sec"])
    data = _same_file(
        c,
        "/resources/flows/?format=csv",
        settings,
        export="resources.flows",
        filename="resource-flows.csv",
    )
    assert data.decode().splitlines() == ["source_member,consumer_member,events", "13,11,1"]
    # a reader who is not signed in could never fetch a job's file: answered at once
    settings.XIETONG_EXPORT_JOB_ROWS = 0
    before = Job.objects.count()
    pub = Client().get("/resources/flows/?format=csv")
    assert pub.status_code == 200 and pub.content.decode().splitlines()[1] == "13,11,"
    assert Job.objects.count() == before
