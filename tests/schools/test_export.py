from decimal import Decimal

from xietong.accounts.scope import scope_for
from xietong.schools.models import SchoolStatistic
from xietong.schools.selectors import export_rows
from xietong.schools.services import statistics_import
from xietong.schools.tabular import write_csv, write_xlsx


def test_export_round_trips_through_import(world):
    actor = world["users"]["langfang"]
    a = world["schools"]["A"]
    statistics_import(
        data=write_csv(
            [[a.code, 2023, 480, 28, "2150.25"]],
            ["school_code", "year", "students", "teachers", "building_area"],
        ),
        filename="in.csv",
        actor=actor,
    )
    header, rows = export_rows(scope=scope_for(actor))
    assert {r[0] for r in rows} == {a.code}  # only what the bureau may see
    snapshot = set(
        SchoolStatistic.objects.values_list("school_id", "year", "indicator_id", "value")
    )
    for data, name in (
        (write_csv(rows, header), "out.csv"),
        (write_xlsx(rows, header), "out.xlsx"),
    ):
        r = statistics_import(data=data, filename=name, actor=actor)
        assert r.created == 0 and r.updated == r.values
    assert (
        set(SchoolStatistic.objects.values_list("school_id", "year", "indicator_id", "value"))
        == snapshot
    )
    row2023 = next(r for r in rows if r[1] == 2023)
    assert row2023[header.index("building_area")] == Decimal("2150.25")
    assert row2023[header.index("students")] == 480  # numbers, so an XLSX export can be summed
