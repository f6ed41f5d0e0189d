from decimal import Decimal

import pytest

from xietong.audit.models import AuditEntry
from xietong.schools.models import SchoolStatistic
from xietong.schools.services import statistics_import
from xietong.schools.tabular import ImportFailed, template_header, write_csv, write_xlsx

pytestmark = pytest.mark.usefixtures("english_messages")


def _csv(rows, header=None):
    return write_csv(
        rows, header or ["school_code", "year", "students", "teachers", "building_area"]
    )


def test_happy_path_csv(world):
    a = world["schools"]["A"]
    data = _csv([[a.code, 2023, 480, 28, "2150.5"], [a.code, 2022, 470, 27, ""]])
    r = statistics_import(data=data, filename="langfang.csv", actor=world["users"]["langfang"])
    assert (r.values, r.rows, r.schools, r.years) == (5, 2, 1, (2022, 2023))
    assert r.created == 5 and r.updated == 0
    got = dict(
        SchoolStatistic.objects.filter(school=a, year=2023).values_list("indicator_id", "value")
    )
    assert got == {
        "students": Decimal("480.00"),
        "teachers": Decimal("28.00"),
        "building_area": Decimal("2150.50"),
    }
    # an empty cell is "not reported", never zero
    assert not SchoolStatistic.objects.filter(
        school=a, year=2022, indicator_id="building_area"
    ).exists()
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "statistics.import"
    assert entry.after["values"] == 5 and entry.after["sha256"] == r.sha256


def test_happy_path_xlsx_and_long_layout(world):
    a = world["schools"]["A"]
    data = write_xlsx(
        [[a.code, 2023, 480, 28, 2150]],
        ["school_code", "year", "students", "teachers", "building_area"],
    )
    r = statistics_import(data=data, filename="langfang.xlsx", actor=world["users"]["langfang"])
    assert r.values == 3
    long = write_csv(
        [[a.code, 2021, "library_books", 9000]], ["school_code", "year", "indicator", "value"]
    )
    r2 = statistics_import(data=long, filename="push.csv", actor=world["users"]["school-a"])
    assert r2.values == 1
    assert (
        SchoolStatistic.objects.get(school=a, year=2021, indicator_id="library_books").value == 9000
    )


def test_reimport_updates_instead_of_duplicating(world):
    a = world["schools"]["A"]
    actor = world["users"]["langfang"]
    statistics_import(data=_csv([[a.code, 2023, 480, 28, 2150]]), filename="f.csv", actor=actor)
    n = SchoolStatistic.objects.count()
    r = statistics_import(data=_csv([[a.code, 2023, 490, 29, 2150]]), filename="f.csv", actor=actor)
    assert SchoolStatistic.objects.count() == n
    assert (r.created, r.updated) == (0, 3)
    assert SchoolStatistic.objects.get(school=a, year=2023, indicator_id="students").value == 490


def _problems(excinfo):
    return {(p.file, p.row, p.column) for p in excinfo.value.problems}


def test_every_problem_named_by_file_row_column_and_nothing_written(world):
    a = world["schools"]["A"]
    before = SchoolStatistic.objects.count()
    audit_before = AuditEntry.objects.count()
    data = _csv(
        [
            [a.code, 2023, 480, 28, 2150],  # row 2: fine
            [a.code, "twenty", 480, 28, 2150],  # row 3: year
            ["9999999999", 2023, 1, 1, 1],  # row 4: unknown school
            [a.code, 2022, "-5", 28, 2150],  # row 5: negative
            [a.code, 2021, "12.5", 28, 2150],  # row 6: fractional count
            [a.code, 2020, 480, "many", 2150],  # row 7: not a number
            [a.code, 2023, 480, 28, 2150],  # row 8: duplicate of row 2
        ]
    )
    with pytest.raises(ImportFailed) as exc:
        statistics_import(data=data, filename="bad.csv", actor=world["users"]["langfang"])
    assert _problems(exc) == {
        ("bad.csv", 3, "year"),
        ("bad.csv", 4, "school_code"),
        ("bad.csv", 5, "students"),
        ("bad.csv", 6, "students"),
        ("bad.csv", 7, "teachers"),
        ("bad.csv", 8, "students"),
        ("bad.csv", 8, "teachers"),
        ("bad.csv", 8, "building_area"),
    }
    assert "row 3, column year" in str(exc.value)
    assert SchoolStatistic.objects.count() == before
    assert AuditEntry.objects.count() == audit_before


def test_header_problems(world):
    with pytest.raises(ImportFailed) as exc:
        statistics_import(
            data=write_csv(
                [["x", 2023, 1, 1]], ["school_code", "year", "students", "pupils_per_class"]
            ),
            filename="h.csv",
            actor=world["users"]["langfang"],
        )
    assert ("h.csv", 1, "pupils_per_class") in _problems(exc)
    with pytest.raises(ImportFailed) as exc:
        statistics_import(
            data=write_csv([["x", 1]], ["school_code", "student_teacher_ratio"]),
            filename="h2.csv",
            actor=world["users"]["langfang"],
        )
    got = _problems(exc)
    assert ("h2.csv", 1, "year") in got and ("h2.csv", 1, "student_teacher_ratio") in got
    with pytest.raises(ImportFailed, match="empty"):
        statistics_import(data=b"", filename="empty.csv", actor=world["users"]["langfang"])
    with pytest.raises(ImportFailed, match="unsupported"):
        statistics_import(data=b"x", filename="data.pdf", actor=world["users"]["langfang"])


def test_out_of_scope_schools_are_refused_and_nothing_written(world):
    a, c = world["schools"]["A"], world["schools"]["C"]
    before = SchoolStatistic.objects.count()
    data = _csv([[a.code, 2023, 480, 28, 2150], [c.code, 2023, 480, 28, 2150]])
    with pytest.raises(ImportFailed) as exc:
        statistics_import(data=data, filename="mixed.csv", actor=world["users"]["langfang"])
    assert _problems(exc) == {("mixed.csv", 3, "school_code")}
    assert SchoolStatistic.objects.count() == before
    for who in ("teacher-a", "public", "yrd-sec", "twl-sec"):
        with pytest.raises(ImportFailed):
            statistics_import(
                data=_csv([[a.code, 2023, 1, 1, 1]]), filename="x.csv", actor=world["users"][who]
            )
    assert SchoolStatistic.objects.count() == before


def test_failure_during_write_rolls_back_everything(world, monkeypatch):
    from xietong.schools import services

    a = world["schools"]["A"]
    before = set(SchoolStatistic.objects.values_list("school_id", "year", "indicator_id", "value"))
    original = services._upsert

    def half_then_fail(values, progress):
        original(values[: len(values) // 2], progress)
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_upsert", half_then_fail)
    rows = [[a.code, y, 400 + y - 2000, 20, 1000] for y in range(2000, 2020)]
    with pytest.raises(RuntimeError):
        statistics_import(data=_csv(rows), filename="big.csv", actor=world["users"]["langfang"])
    after = set(SchoolStatistic.objects.values_list("school_id", "year", "indicator_id", "value"))
    assert after == before


def test_template_header_lists_every_raw_indicator():
    header = template_header()
    assert header[:2] == ["school_code", "year"]
    assert "teachers_backbone" in header and "student_teacher_ratio" not in header


def test_county_totals_follow_every_write(world):
    from django.db.models import Sum

    from xietong.schools.models import CountyStatistic

    a = world["schools"]["A"]
    actor = world["users"]["langfang"]

    def check():
        for cs in CountyStatistic.objects.all():
            expected = SchoolStatistic.objects.filter(
                school__county_id=cs.county_id, year=cs.year, indicator_id=cs.indicator_id
            ).aggregate(t=Sum("value"))["t"]
            assert cs.total == expected
        keys = set(CountyStatistic.objects.values_list("county_id", "year", "indicator_id"))
        school_keys = set(
            SchoolStatistic.objects.values_list("school__county_id", "year", "indicator_id")
        )
        assert keys == school_keys

    statistics_import(data=_csv([[a.code, 2023, 480, 28, 2150]]), filename="f.csv", actor=actor)
    check()
    statistics_import(data=_csv([[a.code, 2023, 400, 28, 2150]]), filename="f.csv", actor=actor)
    check()
    assert (
        CountyStatistic.objects.get(county_id=a.county_id, year=2023, indicator_id="students").total
        == 400
    )


def test_problems_are_told_in_the_readers_language(world):
    from django.utils import translation

    data = _csv([[world["schools"]["A"].code, "二〇二三", 480, 28, 2150]])
    with translation.override("zh-hans"), pytest.raises(ImportFailed) as exc:
        statistics_import(data=data, filename="zh.csv", actor=world["users"]["langfang"])
    with translation.override("zh-hans"):
        assert str(exc.value.problems[0]) == (
            "zh.csv：第 2 行，year 列：'二〇二三' 含有 二（U+4E8C，即数 2），"
            "这不是普通数字；请使用数字 0-9"
        )
