"""Large imports and exports as jobs: past XIETONG_IMPORT_JOB_BYTES an upload is imported by a
worker (the page follows the job, then shows the rows imported or the file's problems), past
XIETONG_EXPORT_JOB_ROWS an export is written by a worker into a file that only its requester
downloads from the job's page, until the retention period is over."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.test import Client
from openpyxl import load_workbook

from xietong.accounts.scope import scope_for
from xietong.audit.models import AuditEntry
from xietong.jobs import files
from xietong.jobs.files import jobs_files_clean
from xietong.jobs.models import Job
from xietong.jobs.worker import run_pending
from xietong.schools import selectors as school_selectors
from xietong.schools.models import SchoolStatistic
from xietong.talent.models import ExchangePost, Teacher


@pytest.fixture
def big(settings, tmp_path):
    """Every upload is "large" and every export "long": the job paths, on small files."""
    settings.DATA_DIR = tmp_path
    settings.XIETONG_IMPORT_JOB_BYTES = 10
    settings.XIETONG_EXPORT_JOB_ROWS = 0
    return tmp_path


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _upload(c: Client, url: str, name: str, text: str):
    f = io.BytesIO(text.encode("utf-8"))
    f.name = name
    return c.post(url, {"file": f})


def _stats(world, rows: str) -> str:
    return "school_code,year,students,teachers\n" + rows.format(a=world["schools"]["A"].code)


def test_a_large_statistics_import_runs_as_a_job_and_the_page_follows_it(world, big):
    c = _client(world["users"]["school-a"])
    before = SchoolStatistic.objects.count()
    r = _upload(c, "/statistics/import/", "big.csv", _stats(world, "{a},2023,480,31\n"))
    job = Job.objects.get(kind="schools.statistics_import")
    assert r.status_code == 302 and r["Location"] == f"/jobs/{job.pk}/"
    page = c.get(f"/jobs/{job.pk}/").content.decode()
    assert f'data-job-url="/api/jobs/{job.pk}"' in page  # jobs.js follows it
    assert SchoolStatistic.objects.count() == before  # nothing yet: a worker imports it
    [upload] = job.files
    assert files.storage().exists(upload)
    run_pending()
    job.refresh_from_db()
    assert job.status == "succeeded", (job.error_code, job.error_params)
    assert job.result["values"] == 2 and job.result["created"] == 2
    assert SchoolStatistic.objects.count() == before + 2
    page = c.get(f"/jobs/{job.pk}/").content.decode()
    assert 'id="result"' in page and "big.csv" in page and "data-job-url" not in page
    assert AuditEntry.objects.filter(action="statistics.import", object_id="big.csv").count() == 1
    jobs_files_clean()  # the upload goes once the job has ended
    assert not files.storage().exists(upload)


def test_a_large_file_with_problems_writes_nothing_and_names_file_row_and_column(world, big):
    c = _client(world["users"]["school-a"])
    before = SchoolStatistic.objects.count()
    text = _stats(world, "{a},2023,480,31\n{a},2022,12.5,3\nNOPE,2023,1,1\n")
    _upload(c, "/statistics/import/", "bad.csv", text)
    run_pending()
    job = Job.objects.get(kind="schools.statistics_import")
    assert (job.status, job.error_code) == ("failed", "import_failed")
    assert job.error_params["total"] == 2
    where = [(p["file"], p["row"], p["field"]) for p in job.error_params["problems"]]
    assert where == [("bad.csv", 3, "students"), ("bad.csv", 4, "school_code")]
    assert SchoolStatistic.objects.count() == before  # all or nothing
    page = c.get(f"/jobs/{job.pk}/").content.decode()
    assert 'id="problems"' in page and "12.5" in page and "NOPE" in page


def test_a_failed_imports_problems_are_stored_as_codes_and_read_in_each_language(world, big):
    """The job ran in Chinese (its requester's language); the row keeps codes and parameters,
    and the same stored row reads in English on an English page and in Chinese on a Chinese
    one, on the job's page and in the API."""
    c = _client(world["users"]["school-a"])
    text = _stats(world, "{a},2023,480,31\n{a},2022,12.5,3\nNOPE,2023,1,1\n")
    f = io.BytesIO(text.encode("utf-8"))
    f.name = "bad.csv"
    c.post("/statistics/import/", {"file": f}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    run_pending()
    job = Job.objects.get(kind="schools.statistics_import")
    assert (job.status, job.language) == ("failed", "zh-hans")
    stored = job.error_params["problems"]
    assert stored == [
        {
            "file": "bad.csv",
            "row": 3,
            "field": "students",
            "code": "%(v)s must be a whole number (a count)",
            "params": {"v": "12.5"},
        },
        {
            "file": "bad.csv",
            "row": 4,
            "field": "school_code",
            "code": "no school with code %(c)r in the registry",
            "params": {"c": "NOPE"},
        },
    ]
    assert "必须" not in json.dumps(job.error_params, ensure_ascii=False)  # no prose kept
    en = c.get(f"/jobs/{job.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    zh = c.get(f"/jobs/{job.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "12.5 must be a whole number (a count)" in en
    assert "no school with code &#x27;NOPE&#x27; in the registry" in en
    assert (
        "12.5 必须是整数（这是计数）" in zh and "登记册中没有代码为 &#x27;NOPE&#x27; 的学校" in zh
    )
    assert "must be a whole number" not in zh and "必须" not in en
    api = {
        lang: [
            p["message"]
            for p in c.get(f"/api/jobs/{job.pk}", HTTP_ACCEPT_LANGUAGE=lang).json()["error_params"][
                "problems"
            ]
        ]
        for lang in ("en", "zh-hans")
    }
    assert api["en"] == [
        "12.5 must be a whole number (a count)",
        "no school with code 'NOPE' in the registry",
    ]
    assert api["zh-hans"] == ["12.5 必须是整数（这是计数）", "登记册中没有代码为 'NOPE' 的学校"]
    job.refresh_from_db()
    assert job.error_params["problems"] == stored  # reading rendered nothing into the row


def test_the_job_and_its_problems_are_the_requesters_alone(world, big):
    _upload(
        _client(world["users"]["school-a"]),
        "/statistics/import/",
        "a.csv",
        _stats(world, "{a},2023,480,31\n"),
    )
    job = Job.objects.get(kind="schools.statistics_import")
    other = _client(world["users"]["langfang"])  # the school's own bureau, not the requester
    assert other.get(f"/jobs/{job.pk}/").status_code == 404
    assert other.get(f"/api/jobs/{job.pk}").status_code == 404
    assert Client().get(f"/jobs/{job.pk}/").status_code == 302  # to the login page


def test_a_large_teachers_import_is_a_job_and_a_posts_import_through_the_api_202(world, big, tw):
    sec = world["users"]["jjj-sec"]
    school = world["schools"]["A"].code
    text = f"code,name,school_code,subject,stage\nT900,新教师,{school},maths,primary\n"
    r = _upload(_client(world["users"]["school-a"]), "/talent/teachers/import/", "t.csv", text)
    job = Job.objects.get(kind="talent.teachers_import")
    assert r["Location"] == f"/jobs/{job.pk}/"
    c = _client(sec)
    f = io.BytesIO(f"code,school_code,subject,stage\nPX1,{school},maths,primary\n".encode())
    f.name = "posts.csv"
    r = c.post(f"/api/talent/rounds/{tw['round'].pk}/posts/import", {"file": f})
    assert r.status_code == 202 and r["Location"] == r.json()["url"]
    assert not Teacher.objects.filter(code="T900").exists()
    run_pending()
    assert Teacher.objects.get(code="T900").school.code == school
    posts = Job.objects.get(kind="talent.posts_import")
    assert posts.status == "succeeded" and posts.result["created"] == 1
    assert ExchangePost.objects.filter(round=tw["round"], code="PX1").exists()


def test_a_posts_import_refused_when_it_runs_leaves_the_round_as_it_was(world, big, tw):
    """The round closed between the upload and the run: the job fails naming why."""
    from xietong.talent.models import ExchangeRound

    school = world["schools"]["A"].code
    c = _client(world["users"]["jjj-sec"])
    f = io.BytesIO(f"code,school_code,subject,stage\nPX2,{school},maths,primary\n".encode())
    f.name = "posts.csv"
    c.post(f"/api/talent/rounds/{tw['round'].pk}/posts/import", {"file": f})
    ExchangeRound.objects.filter(pk=tw["round"].pk).update(status="ranking")
    run_pending()
    job = Job.objects.get(kind="talent.posts_import")
    assert (job.status, job.error_code) == ("failed", "import_failed")
    assert job.error_params["problems"][0]["row"] == 0
    assert not ExchangePost.objects.filter(code="PX2").exists()


def test_a_long_export_is_a_file_for_its_requester_only_until_it_expires(world, big):
    admin = world["users"]["admin"]
    c = _client(admin)
    r = c.get("/statistics/export.xlsx")
    job = Job.objects.get(kind="jobs.export")
    assert r.status_code == 302 and r["Location"] == f"/jobs/{job.pk}/"
    assert c.get(f"/jobs/{job.pk}/file/").status_code == 404  # not made yet
    run_pending()
    job.refresh_from_db()
    assert job.status == "succeeded", (job.error_code, job.error_params)
    page = c.get(f"/jobs/{job.pk}/").content.decode()
    assert f'href="/jobs/{job.pk}/file/"' in page and "xietong-statistics.xlsx" in page
    got = c.get(f"/jobs/{job.pk}/file/")
    assert got.status_code == 200
    assert "xietong-statistics.xlsx" in got["Content-Disposition"]
    ws = load_workbook(io.BytesIO(b"".join(got.streaming_content)), read_only=True)["statistics"]
    header, want = school_selectors.export_rows(scope=scope_for(admin))
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == header and len(rows) - 1 == len(want) > 0
    # nobody else, not even another administrator's session of another account
    for name in ("jjj-sec", "langfang"):
        assert _client(world["users"][name]).get(f"/jobs/{job.pk}/file/").status_code == 404
    jobs_files_clean(now=job.finished_at + timedelta(hours=23))
    assert c.get(f"/jobs/{job.pk}/file/").status_code == 200  # within the retention period
    jobs_files_clean(now=job.finished_at + timedelta(hours=25))
    assert c.get(f"/jobs/{job.pk}/file/").status_code == 404
    assert 'id="job-file-expired"' in c.get(f"/jobs/{job.pk}/").content.decode()


def test_a_short_export_is_answered_at_once(world, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    r = _client(world["users"]["admin"]).get("/statistics/export.csv")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    assert not Job.objects.exists()
    assert _client(world["users"]["admin"]).get("/statistics/export.pdf").status_code == 404


def test_a_hostile_large_file_is_refused_in_the_request_not_queued(world, big):
    from tests.schools.hostile_files import shared_strings_bomb

    c = _client(world["users"]["school-a"])
    code = world["schools"]["A"].code
    bomb = shared_strings_bomb([["school_code", "year", "students"], [code, 2023, 1]], 40)
    f = io.BytesIO(bomb)
    f.name = "bomb.xlsx"
    r = c.post("/api/statistics/import", {"file": f})
    assert r.status_code == 413 and "ZIP bomb" in r.json()["detail"]
    png = io.BytesIO(b"\x89PNG\r\n\x1a\n not a table")
    png.name = "photo.csv"
    r = c.post("/statistics/import/", {"file": png})
    assert r.status_code == 422 and "photo.csv" in r.content.decode()
    assert not Job.objects.exists() and not list((big / "jobs").glob("in/*"))
