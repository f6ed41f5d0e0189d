"""Metadata import and export of the catalogue: the file is checked whole, problems are codes with
their row and column, rows are written through the audited services or not at all, scope holds,
and an export imports back to identical records."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.resources.conftest import BASE
from xietong.audit.models import AuditEntry
from xietong.resources import metadata
from xietong.resources.models import Resource
from xietong.resources.services import resource_create, snapshot
from xietong.tabular import ImportFailed, read_rows, write_csv


def _standard(vocab):
    from xietong.resources.models import VocabularyNode

    return VocabularyNode.objects.filter(release=vocab, scheme="standard").first().code


def link(world, *, by="school-a", school="A", **fields):
    return resource_create(
        actor=world["users"][by] if by else None,
        owner_school=world["schools"][school],
        **{**BASE, "external_url": "https://example.org/lesson", **fields},
    )


def csv_of(rows: list[dict], header=metadata.COLUMNS) -> bytes:
    return write_csv([[r.get(h, "") for h in header] for r in rows], list(header))


def row(world, **over) -> dict:
    return {
        "title_zh": "有理数的减法",
        "kind": "lesson_design",
        "stage": "junior",
        "grade": "g7",
        "subject": "math",
        "edition": "pep",
        "volume": "pep-math-g7a",
        "unit": "pep-math-g7a-u1",
        "licence": "cc-by-4.0",
        "owner": world["schools"]["A"].code,
        "visibility": "school",
        "url": "https://example.org/sub",
        **over,
    }


def client(world, who) -> Client:
    c = Client()
    c.force_login(world["users"][who])
    return c


def test_import_adds_through_the_services_with_one_file_entry(resworld):
    w = resworld
    std = _standard(w["vocab"])
    data = csv_of([row(w, standards=std), row(w, title_zh="数轴", lesson="", url="http://x.cn/a")])
    r = metadata.resources_import(data=data, filename="r.csv", actor=w["users"]["school-a"])
    assert (r.created, r.updated, r.unchanged) == (2, 0, 0)
    made = Resource.objects.filter(title_zh="有理数的减法").get()
    assert made.licence == "CC-BY-4.0"  # normalised by licences.normalise
    assert [s.code for s in made.standards.all()] == [std]
    assert made.status == "draft" and made.version == 1 and made.visibility == "school"
    assert made.author == w["users"]["school-a"]
    assert AuditEntry.objects.filter(action="resources.create").count() == 2
    entry = AuditEntry.objects.get(action="resources.metadata_import")
    assert entry.object_id == r.sha256
    assert sorted(entry.after["created"]) == sorted(
        str(x.pk) for x in Resource.objects.filter(title_zh__in=["有理数的减法", "数轴"])
    )


def test_every_problem_is_named_and_nothing_is_written(resworld):
    w = resworld
    rows = [
        row(w, id="not-a-uuid"),
        row(w, kind="poster"),
        row(w, unit="pep-math-g8a-u1"),
        row(w, licence="CC-BY-9.9"),
        row(w, owner=w["schools"]["B"].code),
        row(w, visibility="world"),
        row(w, url="ftp://example.org/x"),
        row(w, title_zh=""),
        row(w, owner="nowhere"),
    ]
    with pytest.raises(ImportFailed) as exc:
        metadata.resources_import(
            data=csv_of(rows), filename="bad.csv", actor=w["users"]["school-a"]
        )
    plan = metadata.import_plan(data=csv_of(rows), filename="bad.csv", actor=w["users"]["school-a"])
    found = {(p.row, p.column, p.code) for p in plan.problems}
    assert {
        (2, "id", "bad_uuid"),
        (3, "kind", "not_in_vocabulary"),
        (4, "unit", "not_in_vocabulary"),
        (5, "licence", "licence_invalid"),
        (6, "owner", "owner_forbidden"),
        (7, "visibility", "visibility_invalid"),
        (8, "url", "url_invalid"),
        (9, "title_zh", "required"),
        (10, "owner", "owner_unknown"),
    } <= found
    text = str(exc.value)
    assert "bad.csv: row 3, column kind: “poster” is not in the current vocabulary" in text
    assert not Resource.objects.exists()
    assert (
        not AuditEntry.objects.filter(action__startswith="resources.")
        .exclude(action="resources.vocabulary_load")
        .exists()
    )


def test_chapter_must_hang_together_and_columns_are_checked(resworld):
    w = resworld
    # a unit of another volume: in the vocabulary, but not under the chosen volume
    from xietong.resources.models import VocabularyNode

    other = (
        VocabularyNode.objects.filter(release=w["vocab"], scheme="unit")
        .exclude(parent__code="pep-math-g7a")
        .first()
    )
    plan = metadata.import_plan(
        data=csv_of([row(w, unit=other.code)]), filename="f.csv", actor=w["users"]["school-a"]
    )
    assert [(p.row, p.column, p.code) for p in plan.problems] == [(2, "unit", "wrong_parent")]
    header = [c for c in metadata.COLUMNS if c != "licence"] + ["colour"]
    plan = metadata.import_plan(data=csv_of([row(w)], header=header), filename="f.csv", actor=None)
    assert {(p.column, p.code) for p in plan.problems} == {
        ("colour", "unknown_column"),
        ("licence", "missing_column"),
    }


def test_update_mode_changes_only_what_differs_and_respects_scope(resworld):
    w = resworld
    mine = link(w, title_zh="旧标题")
    theirs = link(w, by="teacher-b", school="B", title_zh="别人的", visibility="public")
    data = csv_of(
        [
            {"id": str(mine.pk), "title_zh": "新标题"},
            {"id": str(theirs.pk), "title_zh": "改掉"},
            {"id": "00000000-0000-0000-0000-000000000001", "title_zh": "无"},
        ],
        header=("id", "title_zh"),
    )
    plan = metadata.import_plan(
        data=data, filename="u.csv", actor=w["users"]["school-a"], mode="update"
    )
    # B's draft is not readable to school A's administrator: not found, like its page
    assert [(p.row, p.code) for p in plan.problems] == [(3, "not_found"), (4, "not_found")]
    ok = csv_of([{"id": str(mine.pk), "title_zh": "新标题"}], header=("id", "title_zh"))
    r = metadata.resources_import(
        data=ok, filename="u.csv", actor=w["users"]["school-a"], mode="update"
    )
    assert (r.created, r.updated) == (0, 1)
    mine.refresh_from_db()
    assert (mine.title_zh, mine.version, mine.licence) == ("新标题", 2, "CC-BY-4.0")
    assert AuditEntry.objects.filter(action="resources.update", object_id=str(mine.pk)).count() == 1
    # the same file again changes nothing: no version, no resource entry
    r = metadata.resources_import(
        data=ok, filename="u.csv", actor=w["users"]["school-a"], mode="update"
    )
    assert (r.updated, r.unchanged) == (0, 1)
    assert AuditEntry.objects.filter(action="resources.update", object_id=str(mine.pk)).count() == 1


def test_add_mode_refuses_known_ids_and_update_mode_needs_them(resworld):
    w = resworld
    mine = link(w)
    plan = metadata.import_plan(
        data=csv_of([row(w, id=str(mine.pk))]), filename="a.csv", actor=None, mode="add"
    )
    assert [(p.column, p.code) for p in plan.problems] == [("id", "exists")]
    plan = metadata.import_plan(data=csv_of([row(w)]), filename="a.csv", actor=None, mode="update")
    assert [(p.column, p.code) for p in plan.problems] == [("id", "required")]
    plan = metadata.import_plan(
        data=csv_of([row(w, owner="130102000000")]), filename="a.csv", actor=w["users"]["teacher-a"]
    )
    assert [(p.column, p.code) for p in plan.problems] == [("owner", "owner_forbidden")]


def test_round_trip_export_import_gives_identical_records(resworld):
    w = resworld
    std = _standard(w["vocab"])
    made = [
        link(w, title_zh="一", title_en="One", standards=[std], visibility="county"),
        link(w, title_zh="二", author_name="李老师", description_zh="说明\n第二行"),
        link(w, by="langfang", title_zh="三", licence="CC-BY-SA-4.0 OR MIT"),
    ]
    before = {r.pk: snapshot(r) for r in made}
    c = client(w, "school-a")
    exported = c.get("/resources/export.csv")
    assert exported.status_code == 200
    assert exported["Content-Disposition"] == 'attachment; filename="resources.csv"'
    data = exported.content
    # into the same catalogue: every row unchanged, nothing written
    r = metadata.resources_import(data=data, filename="resources.csv", actor=w["users"]["school-a"])
    assert (r.created, r.updated, r.unchanged) == (0, 0, 3)
    # into an emptied catalogue: the same records under the same ids
    Resource.objects.all().delete()
    r = metadata.resources_import(
        data=data, filename="resources.csv", actor=w["users"]["school-a"], mode="add"
    )
    assert r.created == 3
    after = {x.pk: snapshot(x) for x in Resource.objects.all()}
    assert after == before
    assert c.get("/resources/export.csv").content == data
    xlsx = c.get("/resources/export.xlsx")
    assert list(read_rows(xlsx.content, "r.xlsx")) == list(read_rows(data, "r.csv"))


def test_the_page_previews_then_imports_on_confirmation(resworld):
    w = resworld
    c = client(w, "school-a")
    assert c.get("/resources/import/").status_code == 200
    bad = c.post(
        "/resources/import/",
        {"mode": "add", "file": SimpleUploadedFile("m.csv", csv_of([row(w, kind="poster")]))},
    )
    assert bad.status_code == 400
    assert "“poster” is not in the current vocabulary" in bad.content.decode()
    assert c.post("/resources/import/", {"confirm": "1"}).status_code == 302
    assert not Resource.objects.exists()
    page = c.post(
        "/resources/import/",
        {"mode": "add", "file": SimpleUploadedFile("m.csv", csv_of([row(w)]))},
    )
    body = page.content.decode()
    assert page.status_code == 200 and "m.csv: 1 to add, 0 to update, 0 unchanged." in body
    assert not Resource.objects.exists()  # a preview writes nothing
    done = c.post("/resources/import/", {"confirm": "1"})
    assert done.status_code == 302
    assert Resource.objects.get().title_zh == "有理数的减法"
    # the checked file is used once
    c.post("/resources/import/", {"confirm": "1"})
    assert Resource.objects.count() == 1


def test_hostile_files_are_refused_before_a_row_is_checked(resworld, settings):
    w = resworld
    c = client(w, "school-a")
    settings.XIETONG_UPLOAD_MAX_BYTES = 1000
    big = c.post(
        "/resources/import/",
        {"mode": "add", "file": SimpleUploadedFile("big.csv", b"title_zh\n" + b"x" * 5000)},
    )
    assert big.status_code == 413
    settings.XIETONG_UPLOAD_MAX_BYTES = 20 * 1024 * 1024
    settings.XIETONG_IMPORT_MAX_ROWS = 3
    many = csv_of([row(w, title_zh=f"第{i}课") for i in range(5)])
    with pytest.raises(ImportFailed, match="more than 3 rows"):
        metadata.import_plan(data=many, filename="many.csv", actor=None)
    fake = c.post(
        "/resources/import/",
        {"mode": "add", "file": SimpleUploadedFile("x.xlsx", b"title_zh,kind\n")},
    )
    assert fake.status_code == 400 and "not an XLSX workbook" in fake.content.decode()
    assert not Resource.objects.exists()


def test_a_large_file_is_imported_by_a_worker(resworld, settings, tmp_path):
    from xietong.jobs.models import Job
    from xietong.jobs.worker import run_pending

    w = resworld
    settings.DATA_DIR = tmp_path
    settings.XIETONG_IMPORT_JOB_BYTES = 10
    c = client(w, "school-a")
    r = c.post(
        "/resources/import/",
        {"mode": "add-or-update", "file": SimpleUploadedFile("m.csv", csv_of([row(w)]))},
    )
    job = Job.objects.get(kind="resources.metadata_import")
    assert r.status_code == 302 and r["Location"] == f"/jobs/{job.pk}/"
    run_pending()
    job.refresh_from_db()
    assert job.status == "succeeded", job.error_code
    assert job.result["created"] == 1 and Resource.objects.get().author == w["users"]["school-a"]


def test_command_line_dry_run_and_import(resworld, tmp_path, capsys):
    from xietong.cli import main

    w = resworld
    path = tmp_path / "m.csv"
    path.write_bytes(csv_of([row(w)]))
    assert main(["import", "resources", str(path), "--dry-run", "--as", "school-a"]) == 0
    assert "Dry run: 1 to add" in capsys.readouterr().out
    assert not Resource.objects.exists()
    assert main(["import", "resources", str(path), "--mode", "add", "--as", "school-a"]) == 0
    assert Resource.objects.count() == 1
    assert main(["import", "resources", str(path), "--mode", "add", "--as", "teacher-b"]) == 1
    assert "column owner: you may not add resources for" in capsys.readouterr().err
    out = tmp_path / "out.xlsx"
    assert main(["export", "resources", str(out), "--as", "school-a"]) == 0
    rows = list(read_rows(out.read_bytes(), "out.xlsx"))
    assert rows[0] == list(metadata.COLUMNS) and len(rows) == 2


def test_cli_constants_follow_the_module():
    from xietong.resources import cli

    assert cli.IMPORT_MODES == metadata.MODES and cli.EXPORT_FILTERS == metadata.FILTERS
