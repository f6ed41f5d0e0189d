"""Import and export of the cooperation portfolio (issue 14 section 3): preview, modes, row-level
problems, scope, and the import-export-import round trip."""

from decimal import Decimal

import pytest

from tests.partnerships.conftest import approve_all
from xietong.partnerships.io import COLUMNS, portfolio_import, portfolio_plan
from xietong.partnerships.io_export import export_rows
from xietong.tabular import ImportFailed, write_csv, xlsx_bytes

pytestmark = pytest.mark.django_db


def _csv(rows) -> bytes:
    header = sorted({k for r in rows for k in r}, key=COLUMNS.index)
    return write_csv([[r.get(h, "") for h in header] for r in rows], header)


def _portfolio(world) -> list[dict]:
    s = world["schools"]
    return [
        {
            "record": "cooperation",
            "cooperation": "TWL-IO-1",
            "kind": "pairing",
            "title_zh": "通州一小—安次一小结对帮扶",
            "title_en": "Tongzhou No. 1 - Anci No. 1",
            "area": "tongwulang",
            "subjects": "math chinese",
            "content": "teaching_research teacher_training",
            "term_start": "2025-01-01",
            "term_end": "2027-12-31",
        },
        {"record": "party", "cooperation": "TWL-IO-1", "party_kind": "school",
         "party": s["B"].code, "role": "lead"},
        {"record": "party", "cooperation": "TWL-IO-1", "party_kind": "school",
         "party": s["A"].code, "role": "supported"},
        {"record": "obligation", "cooperation": "TWL-IO-1", "obligation": "sync",
         "measure": "lessons", "quota": "12.5", "activity_kinds": "sync_lesson visit"},
        {
            "record": "cooperation",
            "cooperation": "TWL-IO-2",
            "kind": "alliance",
            "title_zh": "京津冀小学联盟",
            "area": "tongwulang",
            "term_start": "2025-09-01",
            "term_end": "2028-08-31",
        },
        {"record": "party", "cooperation": "TWL-IO-2", "party_kind": "school",
         "party": s["B"].code, "role": "lead"},
        {"record": "party", "cooperation": "TWL-IO-2", "party_kind": "school",
         "party": s["A"].code, "role": "member"},
        {"record": "party", "cooperation": "TWL-IO-2", "party_kind": "jurisdiction",
         "party": "120114000000", "role": "member"},
    ]  # fmt: skip


def _activities(world) -> list[dict]:
    s = world["schools"]
    return [
        {"record": "activity", "cooperation": "TWL-IO-1", "ref": "L-001", "kind": "sync_lesson",
         "date": "2025-03-04", "quantity": "2", "obligation": "sync", "subject": "math",
         "online": "1", "provider": s["B"].code, "recipient": s["A"].code},
        {"record": "activity", "cooperation": "TWL-IO-1", "ref": "V-001", "kind": "visit",
         "date": "2025-04-10", "quantity": "1.25", "online": "0"},
    ]  # fmt: skip


@pytest.fixture
def imported(world):
    from xietong.partnerships.models import Cooperation

    admin = world["users"]["admin"]
    r = portfolio_import(data=_csv(_portfolio(world)), filename="p.csv", actor=admin, mode="add")
    assert (r.added, r.updated, r.unchanged) == (8, 0, 0)
    coop = Cooperation.objects.get(code="TWL-IO-1")
    approve_all(coop, world["users"])
    r = portfolio_import(data=_csv(_activities(world)), filename="a.csv", actor=admin, mode="add")
    assert r.added == 2
    return coop


def test_import_writes_records_through_the_services(world, imported):
    from xietong.audit.models import AuditEntry
    from xietong.partnerships.models import Cooperation

    c2 = Cooperation.objects.get(code="TWL-IO-2")
    assert c2.title_zh == "京津冀小学联盟" and c2.origin == "top_down"
    assert {p.jurisdiction_code for p in c2.parties.all()} == {
        "131002000000",
        "110112000000",
        "120114000000",
    }
    ob = imported.obligations.get()
    assert ob.quota == Decimal("12.50") and ob.activity_kinds == ["sync_lesson", "visit"]
    lesson = imported.activities.get(source_id="L-001")
    assert (lesson.source_app, lesson.obligation, lesson.online) == ("import", ob, True)
    assert lesson.provider.school == world["schools"]["B"]
    assert imported.activities.get(source_id="V-001").quantity == Decimal("1.25")
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"partnerships.establish", "partnerships.obligation_set"} <= actions
    assert {"partnerships.activity_record", "partnerships.import"} <= actions


def _export(world, who="admin"):
    from xietong.accounts.scope import scope_for

    return export_rows(scope=scope_for(world["users"][who]))


def test_round_trip_changes_nothing_csv_and_xlsx(world, imported):
    from xietong.partnerships.models import Activity

    header, rows = _export(world)
    assert [r[:2] for r in rows if r[0] == "cooperation"] == [
        ["cooperation", "TWL-IO-1"],
        ["cooperation", "TWL-IO-2"],
    ]
    assert sum(r[0] == "party" for r in rows) == 5
    before = list(Activity.objects.order_by("pk").values())
    for data, name in (
        (write_csv(rows, header), "e.csv"),
        (xlsx_bytes([("partnerships", header, rows)]), "e.xlsx"),
    ):
        r = portfolio_import(data=data, filename=name, actor=world["users"]["admin"])
        assert (r.added, r.updated, r.unchanged) == (0, 0, len(rows)), name
    assert list(Activity.objects.order_by("pk").values()) == before
    assert _export(world) == (header, rows)
    text = write_csv(rows, header).decode("utf-8-sig")
    assert "通州一小—安次一小结对帮扶" in text and "12.50" in text and "2025-03-04" in text


def test_preview_says_add_update_unchanged_and_writes_nothing(world, imported):
    from xietong.accounts.scope import scope_for
    from xietong.partnerships.models import Activity, Cooperation

    header, rows = _export(world)
    rows = [list(r) for r in rows]
    col = {c: i for i, c in enumerate(header)}
    for r in rows:
        if r[0] == "cooperation" and r[1] == "TWL-IO-2":
            r[col["title_en"]] = "Beijing-Tianjin-Hebei alliance"
        if r[0] == "activity" and r[col["ref"]] == "V-001":
            r[col["quantity"]] = "3"
    rows.append(["activity", "TWL-IO-1"] + [""] * (len(header) - 2))
    rows[-1][col["ref"]], rows[-1][col["kind"]] = "T-9", "training"
    rows[-1][col["date"]], rows[-1][col["quantity"]] = "2026-05-01", "4"
    data = write_csv(rows, header)
    plan = portfolio_plan(
        data=data, filename="e.csv", mode="add-or-update", scope=scope_for(world["users"]["admin"])
    )
    assert plan.errors == []
    assert plan.counts() == {"add": 1, "update": 2, "unchanged": len(rows) - 3}
    changed = {(i.key, i.action) for i in plan.items if i.action != "unchanged"}
    assert changed == {
        ("TWL-IO-2", "update"),
        ("TWL-IO-1#V-001", "update"),
        ("TWL-IO-1#T-9", "add"),
    }
    assert Cooperation.objects.get(code="TWL-IO-2").title_en == ""
    assert portfolio_import(data=data, filename="e.csv", actor=None, dry_run=True).added == 1
    assert not Activity.objects.filter(source_id="T-9").exists()
    r = portfolio_import(data=data, filename="e.csv", actor=world["users"]["admin"])
    assert (r.added, r.updated) == (1, 2)
    assert Cooperation.objects.get(code="TWL-IO-2").title_en == "Beijing-Tianjin-Hebei alliance"
    assert imported.activities.get(source_id="V-001").quantity == Decimal("3.00")
    assert imported.activities.get(source_id="T-9").level == "self_reported"


def test_modes_refuse_what_exists_or_is_missing(world, imported):
    header, rows = _export(world)
    data = write_csv(rows, header)
    with pytest.raises(ImportFailed) as exc:
        portfolio_import(data=data, filename="e.csv", actor=world["users"]["admin"], mode="add")
    first = exc.value.problems[0]
    assert (first.file, first.row, first.column) == ("e.csv", 2, "cooperation")
    assert "already exists" in first.message
    new = [r for r in _portfolio(world) if r["cooperation"] == "TWL-IO-2"]
    new = [{**r, "cooperation": "TWL-IO-3"} for r in new]
    with pytest.raises(ImportFailed) as exc:
        portfolio_import(
            data=_csv(new), filename="n.csv", actor=world["users"]["admin"], mode="update"
        )
    assert "does not exist" in exc.value.problems[0].message


def test_row_problems_name_file_row_field_and_nothing_is_written(world):
    from xietong.partnerships.models import Cooperation

    rows = _portfolio(world)
    rows[0] = {**rows[0], "term_start": "2025-13-01", "kind": "pairs"}
    rows[3] = {**rows[3], "quota": "twelve"}
    rows[6] = {**rows[6], "party": "999"}
    with pytest.raises(ImportFailed) as exc:
        portfolio_import(data=_csv(rows), filename="bad.csv", actor=world["users"]["admin"])
    where = {(p.row, p.column) for p in exc.value.problems}
    assert {(2, "term_start"), (2, "kind"), (5, "quota"), (8, "party")} <= where
    assert all(p.file == "bad.csv" for p in exc.value.problems)
    assert not Cooperation.objects.exists()  # TWL-IO-2 had no problem but nothing was written


def test_problems_are_codes_rendered_in_the_readers_language(world):
    from django.utils import translation

    from xietong.accounts.scope import scope_for

    rows = _portfolio(world)
    rows[0] = {**rows[0], "term_start": "someday"}
    plan = portfolio_plan(
        data=_csv(rows), filename="x.csv", mode="add", scope=scope_for(world["users"]["admin"])
    )
    (err,) = plan.errors
    assert plan.as_dict()["errors"] == [
        {"row": 2, "column": "term_start", "code": "not_date", "params": {"v": "someday"}}
    ]
    assert "is not a date" in err.message
    with translation.override("zh-hans"):
        zh = err.message
    assert "someday" in zh


def test_activities_wait_until_the_cooperation_is_in_force(world):
    rows = _portfolio(world) + _activities(world)
    with pytest.raises(ImportFailed) as exc:
        portfolio_import(data=_csv(rows), filename="p.csv", actor=world["users"]["admin"])
    assert {p.row for p in exc.value.problems} == {10, 11}
    assert "in force" in exc.value.problems[0].message


def test_terms_and_parties_change_only_by_the_agreement(world, imported):
    header, rows = _export(world)
    rows = [list(r) for r in rows]
    col = {c: i for i, c in enumerate(header)}
    rows[0][col["term_end"]] = "2029-12-31"
    rows[2][col["role"]] = "supporting"
    with pytest.raises(ImportFailed) as exc:
        portfolio_import(data=write_csv(rows, header), filename="e.csv", actor=None)
    assert {(p.row, p.column) for p in exc.value.problems} == {(2, "term_end"), (3, "party")}


def test_confirmed_activity_is_not_amended(world, imported):
    from xietong.partnerships.services import activity_confirm

    act = imported.activities.get(source_id="V-001")
    activity_confirm(actor=world["users"]["tongzhou"], activity=act)
    rows = [dict(r, quantity="5") if r.get("ref") == "V-001" else r for r in _activities(world)]
    with pytest.raises(ImportFailed) as exc:
        portfolio_import(data=_csv(rows), filename="a.csv", actor=world["users"]["admin"])
    assert (
        exc.value.problems[0].row == 3 and "no longer be amended" in exc.value.problems[0].message
    )


def test_scope_of_the_importer(world, imported):
    from xietong.partnerships.models import Cooperation

    users = world["users"]
    # a bureau outside every party cannot see the code: refused without revealing the content
    with pytest.raises(ImportFailed) as exc:
        portfolio_import(data=_csv(_portfolio(world)), filename="p.csv", actor=users["jiangsu"])
    assert "outside your scope" in exc.value.problems[0].message
    # Langfang acts for school A, but the lead is Tongzhou's school B: it may not set this up
    new = [
        {**r, "cooperation": "TWL-IO-9"}
        for r in _portfolio(world)
        if r["cooperation"] == "TWL-IO-1" and r["record"] != "obligation"
    ]
    with pytest.raises(ImportFailed) as exc:
        portfolio_import(data=_csv(new), filename="n.csv", actor=users["langfang"])
    assert "may not set up" in exc.value.problems[0].message
    r = portfolio_import(data=_csv(new), filename="n.csv", actor=users["tongzhou"])
    assert r.added == 3 and Cooperation.objects.filter(code="TWL-IO-9").exists()
    # the export is scoped: Jiangsu sees none of it
    assert _export(world, "jiangsu")[1] == []
    # school A may record and amend activities, but not retitle the cooperation
    header, rows = _export(world, "school-a")
    rows = [list(r) for r in rows]
    rows[0][header.index("title_en")] = "renamed"
    with pytest.raises(ImportFailed) as exc:
        portfolio_import(data=write_csv(rows, header), filename="e.csv", actor=users["school-a"])
    assert "may not manage" in exc.value.problems[0].message


def test_unknown_columns_and_records(world):
    data = b"record,cooperation,colour\nthing,X,red\n"
    with pytest.raises(ImportFailed) as exc:
        portfolio_import(data=data, filename="u.csv", actor=None)
    assert [(p.row, p.column) for p in exc.value.problems] == [(1, "colour")]
    data = b"record,cooperation\nthing,X\n"
    with pytest.raises(ImportFailed) as exc:
        portfolio_import(data=data, filename="u.csv", actor=None)
    assert [(p.row, p.column) for p in exc.value.problems] == [(2, "record")]
