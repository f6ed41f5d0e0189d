"""schools_bulk_load: many schools and their values at once, one audit entry per load; the
wrong user or one bad row writes nothing."""

from decimal import Decimal

import pytest

from xietong.accounts.scope import OutOfScope
from xietong.audit.models import AuditEntry
from xietong.schools.models import CountyStatistic, School, SchoolStatistic
from xietong.schools.services import schools_bulk_load

LANGFANG = "131002000000"  # 安次区
TONGZHOU = "110112000000"


def _row(code, county=LANGFANG, **extra):
    return {
        "code": code,
        "county_code": county,
        "name_zh": f"测试学校{code[-2:]}",
        "stage": "primary",
        "school_type": "211",
        "location": "rural",
        "ownership": "public",
        "longitude": 116.7,
        "latitude": 39.5,
        **extra,
    }


def _counts():
    return School.objects.count(), SchoolStatistic.objects.count(), AuditEntry.objects.count()


def test_a_load_registers_writes_totals_and_is_audited_once(world):
    before_entries = AuditEntry.objects.count()
    result = schools_bulk_load(
        schools=[_row("1310029901"), _row("1310029902")],
        values=[
            ("1310029901", 2024, "students", Decimal(300)),
            ("1310029902", 2024, "students", Decimal(200)),
            ("1310029902", 2024, "teachers", Decimal(20)),
        ],
        actor=world["users"]["langfang"],
        source="migration from the old registry",
        details={"batch": 1},
    )
    assert (result.schools, result.values) == (2, 3)
    assert School.objects.get(code="1310029902").county_id == LANGFANG
    entries = AuditEntry.objects.order_by("seq")[before_entries:]
    assert [e.action for e in entries] == ["schools.bulk_load"]
    assert entries[0].after["schools"] == 2 and entries[0].after["batch"] == 1
    # the county's total adds the new schools to the one the world already has there (500)
    total = CountyStatistic.objects.get(county_id=LANGFANG, year=2024, indicator_id="students")
    assert total.total == 1000 and total.schools == 3


def test_a_bureau_cannot_load_schools_outside_its_subtree(world):
    before = _counts()
    with pytest.raises(OutOfScope):
        schools_bulk_load(
            schools=[_row("1310029903"), _row("1101129901", county=TONGZHOU)],
            values=[],
            actor=world["users"]["langfang"],
            source="x",
        )
    assert _counts() == before


@pytest.mark.parametrize(
    "rows, message",
    [
        ([_row("1310029904"), _row("1310029904")], "1310029904"),
        ([_row("1310029905", stage="space")], "1310029905"),
        ([_row("1310029906", county="330103000000")], "330103000000"),  # 下城区, abolished
    ],
)
def test_one_bad_row_writes_nothing(world, english_messages, rows, message):
    before = _counts()
    with pytest.raises(ValueError, match=message):
        schools_bulk_load(schools=rows, values=[], actor=None, source="x")
    assert _counts() == before


def test_a_code_already_taken_is_refused(world, english_messages):
    taken = world["schools"]["A"].code
    before = _counts()
    with pytest.raises(ValueError, match=taken):
        schools_bulk_load(schools=[_row(taken)], values=[], actor=None, source="x")
    assert _counts() == before
