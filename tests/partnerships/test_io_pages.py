"""The import page (upload, preview, confirm), the export downloads, the command line and the
IATI-like JSON export of the portfolio."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.partnerships.test_io import _activities, _csv, _portfolio, imported  # noqa: F401
from xietong.tabular import read_table

pytestmark = pytest.mark.django_db


def _client(world, who):
    c = Client()
    c.force_login(world["users"][who])
    return c


def test_upload_preview_confirm(world):
    from xietong.audit.models import AuditEntry
    from xietong.partnerships.models import Cooperation

    c = _client(world, "tongzhou")
    assert c.get("/partnerships/import/").status_code == 200
    upload = SimpleUploadedFile("p.csv", _csv(_portfolio(world)), content_type="text/csv")
    r = c.post("/partnerships/import/", {"file": upload, "mode": "add"})
    assert r.status_code == 200
    assert r.context["preview"]["counts"] == {"add": 8, "update": 0, "unchanged": 0}
    assert 'id="confirm-form"' in r.content.decode()
    assert not Cooperation.objects.exists()
    sha = r.context["preview"]["sha256"]
    assert c.post("/partnerships/import/", {"confirm": "1", "sha256": "0" * 64}).status_code == 409
    r = c.post("/partnerships/import/", {"confirm": "1", "sha256": sha})
    assert r.status_code == 302
    assert set(Cooperation.objects.values_list("code", flat=True)) == {"TWL-IO-1", "TWL-IO-2"}
    assert AuditEntry.objects.filter(action="partnerships.import").count() == 1
    # the preview is used once
    assert c.post("/partnerships/import/", {"confirm": "1", "sha256": sha}).status_code == 409


def test_preview_problems_in_the_readers_language(world):
    rows = _portfolio(world)
    rows[0] = {**rows[0], "term_end": "2024-01-01"}
    c = _client(world, "admin")
    upload = SimpleUploadedFile("bad.csv", _csv(rows), content_type="text/csv")
    r = c.post("/partnerships/import/", {"file": upload, "mode": "add"}, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 422
    (err,) = r.context["preview"]["errors"]
    assert (err["file"], err["row"], err["column"], err["code"]) == (
        "bad.csv",
        2,
        "term_end",
        "term_order",
    )
    assert "ends before it starts" in err["message"]
    assert 'id="confirm-form"' not in r.content.decode()


def test_public_may_not_import_and_anonymous_logs_in(world):
    assert Client().get("/partnerships/import/").status_code == 302
    c = _client(world, "public")
    upload = SimpleUploadedFile("p.csv", _csv(_portfolio(world)), content_type="text/csv")
    assert c.post("/partnerships/import/", {"file": upload}).status_code == 403


def test_large_file_is_imported_as_a_job(world, settings):
    from xietong.jobs.models import Job

    settings.XIETONG_IMPORT_JOB_BYTES = 10
    c = _client(world, "admin")
    upload = SimpleUploadedFile("p.csv", _csv(_portfolio(world)), content_type="text/csv")
    r = c.post("/partnerships/import/", {"file": upload, "mode": "add"})
    assert r.status_code == 302
    job = Job.objects.get(kind="partnerships.import")
    assert job.params["mode"] == "add" and r["Location"].endswith(f"/jobs/{job.pk}/")


def test_export_downloads_are_scoped(world, imported):  # noqa: F811
    c = _client(world, "school-a")
    r = c.get("/partnerships/export.csv")
    assert r.status_code == 200 and r["Content-Disposition"].endswith('partnerships.csv"')
    rows = list(read_table(r.content, "x.csv").rows)
    assert rows[0][:2] == ["record", "cooperation"]
    assert {row[1] for row in rows[1:]} == {"TWL-IO-1", "TWL-IO-2"}
    r = _client(world, "jiangsu").get("/partnerships/export.xlsx")
    assert r.status_code == 200
    assert len(list(read_table(r.content, "x.xlsx").rows)) == 1  # the header only
    assert c.get("/partnerships/export.pdf").status_code == 404


def test_command_line_import_dry_run_and_modes(world, tmp_path, capsys):
    from xietong.cli import main
    from xietong.partnerships.models import Cooperation

    path = tmp_path / "p.csv"
    path.write_bytes(_csv(_portfolio(world)))
    assert main(["import", "partnerships", str(path), "--dry-run"]) == 0
    assert "Would import 8 records" in capsys.readouterr().out
    assert not Cooperation.objects.exists()
    assert main(["import", "partnerships", str(path), "--mode", "add"]) == 0
    assert "8 added" in capsys.readouterr().out
    assert main(["import", "partnerships", str(path), "--mode", "add"]) == 1
    err = capsys.readouterr().err
    assert "p.csv: row 2, column cooperation" in err and "already exists" in err
    out = tmp_path / "e.xlsx"
    assert main(["export", "partnerships", str(out)]) == 0
    assert main(["import", "partnerships", str(out), "--mode", "update"]) == 0
    assert "0 added, 0 updated, 8 unchanged" in capsys.readouterr().out


def test_iati_export(world, imported):  # noqa: F811
    from xietong.partnerships.services import compliance_compute

    compliance_compute(actor=world["users"]["admin"], cooperation=imported, period="2025")
    r = _client(world, "langfang").get("/api/partnerships/export/iati")
    assert r.status_code == 200
    body = r.json()
    assert body["version"] == "2.03"
    acts = {a["iati-identifier"]: a for a in body["iati-activity"]}
    assert set(acts) == {"XT-TWL-IO-1", "XT-TWL-IO-2"}
    a = acts["XT-TWL-IO-1"]
    assert a["activity-status"] == {"code": "2"}
    assert a["title"]["narrative"][0] == {"text": "通州一小—安次一小结对帮扶", "xml:lang": "zh"}
    assert a["activity-date"] == [
        {"type": "1", "iso-date": "2025-01-01"},
        {"type": "3", "iso-date": "2027-12-31"},
    ]
    roles = {o["ref"]: (o["role"], o["xietong-role"]) for o in a["participating-org"]}
    s = world["schools"]
    assert roles == {s["B"].code: ("1", "lead"), s["A"].code: (None, "supported")}
    (result,) = a["result"]
    (period,) = result["indicator"][0]["period"]
    # 2 lessons recorded, self-reported: the obligation counts partner-confirmed ones only
    assert period == {
        "period-start": "2025-01-01",
        "period-end": "2025-12-31",
        "target": {"value": "12.5"},
        "actual": {"value": "0"},
        "xietong-met": False,
    }
    assert acts["XT-TWL-IO-2"]["activity-status"] == {"code": "1"}
    assert (
        _client(world, "jiangsu").get("/api/partnerships/export/iati").json()["iati-activity"] == []
    )
    assert Client().get("/api/partnerships/export/iati").json()["iati-activity"] == []


def test_api_list_reads_only_the_page(world, imported, django_assert_max_num_queries):  # noqa: F811
    c = _client(world, "admin")
    c.get("/api/partnerships?limit=1")  # the session and the scope, read once
    with django_assert_max_num_queries(12):
        body = c.get("/api/partnerships?limit=1&offset=1").json()
    assert body["count"] == 2 and [x["code"] for x in body["items"]] == ["TWL-IO-2"]
    assert len(body["items"][0]["parties"]) == 3
