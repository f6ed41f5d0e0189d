"""Schools of abolished counties follow the official division changes."""

from decimal import Decimal

import pytest
from django.utils import translation

from xietong.accounts.models import Role
from xietong.accounts.scope import OutOfScope
from xietong.accounts.services import role_grant, user_create
from xietong.audit.models import AuditEntry
from xietong.audit.services import verify_chain
from xietong.regions.models import Jurisdiction
from xietong.schools.division_changes import division_change_apply
from xietong.schools.models import CountyStatistic, School
from xietong.schools.services import (
    county_totals_refresh,
    school_create,
    schools_move_county,
    statistics_set,
)

XIACHENG, GONGSHU = "330103000000", "330105000000"  # 下城区 merged into 拱墅区 (2021)
JIANGGAN, SHANGCHENG, QIANTANG = "330104000000", "330102000000", "330114000000"  # split
YUHANG, LINPING = "330110000000", "330113000000"  # 临平区 carved out of 余杭区, which remains
HANDAN_COUNTY = "130421000000"  # 邯郸县, split in 2016


def _registered(code: str, county: str, students: int = 400) -> School:
    """A school registered before its county changed (the registry refuses new ones there)."""
    school = School.objects.create(
        code=code,
        name_zh=f"测试学校{code}",
        stage="primary",
        county_id=county,
        location="urban",
        ownership="public",
    )
    statistics_set(school=school, year=2020, values={"students": Decimal(students)}, actor=None)
    return school


def _students(county: str):
    row = CountyStatistic.objects.filter(county_id=county, year=2020, indicator_id="students")
    return row.values_list("total", "schools").first()


def _user(username: str, role=None, **scope):
    user = user_create(
        username=username,
        password="kestrel-harbour-42",
        is_superuser=role is None,
        actor=None,
    )
    if role is not None:
        role_grant(user=user, role=role, actor=None, **scope)
    return user


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def hangzhou(regions):
    return {
        "xiacheng": _registered("XC1", XIACHENG, 400),
        "xiacheng2": _registered("XC2", XIACHENG, 100),
        "gongshu": _registered("GS1", GONGSHU, 250),
        "jianggan": _registered("JG1", JIANGGAN, 300),
        "yuhang": _registered("YH1", YUHANG, 200),
        "bureau": _user(
            "hangzhou-bureau",
            Role.BUREAU,
            jurisdiction=Jurisdiction.objects.get(code="330100000000"),
        ),
    }


def test_schools_of_a_merged_county_move_to_its_successor(hangzhou):
    assert _students(GONGSHU) == (Decimal(250), 1)
    report = division_change_apply(actor=hangzhou["bureau"], change_id="2021-hangzhou-xiacheng")
    assert report.moved == (("XC1", XIACHENG, GONGSHU), ("XC2", XIACHENG, GONGSHU))
    assert report.to_assign == () and report.to_review == ()
    assert set(School.objects.filter(county_id=GONGSHU).values_list("code", flat=True)) == {
        "GS1",
        "XC1",
        "XC2",
    }
    # statistics of a year attach to the divisions valid that year: 下城区 ends with 2020, so
    # the 2020 values of its schools stay there (400 + 100), and 拱墅区's 2020 total is its own
    assert _students(GONGSHU) == (Decimal(250), 1)
    assert _students(XIACHENG) == (Decimal(500), 2)
    # from 2021 they count in 拱墅区: 250 + 420 = 670
    statistics_set(
        school=hangzhou["xiacheng"], year=2021, values={"students": Decimal(420)}, actor=None
    )
    statistics_set(
        school=hangzhou["gongshu"], year=2021, values={"students": Decimal(250)}, actor=None
    )
    row = CountyStatistic.objects.get(county_id=GONGSHU, year=2021, indicator_id="students")
    assert (row.total, row.schools) == (Decimal(670), 2)
    assert not CountyStatistic.objects.filter(county_id=XIACHENG, year=2021).exists()
    # the evaluation reads the same: 2020 in 下城区, 2021 in 拱墅区
    from xietong.evaluation.inputs import school_table

    assert list(school_table(prefixes=["330103"], year=2020)["school_id"]) == ["XC1", "XC2"]
    assert list(school_table(prefixes=["330103"], year=2021)["school_id"]) == []
    t = school_table(prefixes=["330105"], year=2021)
    assert list(t["school_id"]) == ["GS1", "XC1", "XC2"] and set(t["county"]) == {GONGSHU}
    t = school_table(prefixes=["3301"], year=2020)
    assert dict(zip(t["school_id"], t["county"], strict=True))["XC1"] == XIACHENG
    kept = set(CountyStatistic.objects.values_list("county_id", "year", "indicator_id", "total"))
    county_totals_refresh()
    assert (
        set(CountyStatistic.objects.values_list("county_id", "year", "indicator_id", "total"))
        == kept
    )
    moves = AuditEntry.objects.filter(action="school.move").order_by("seq")
    assert [(e.object_id, e.before["county"], e.after["county"]) for e in moves] == [
        ("XC1", XIACHENG, GONGSHU),
        ("XC2", XIACHENG, GONGSHU),
    ]
    summary = AuditEntry.objects.get(action="division_change.apply")
    assert summary.object_id == "2021-hangzhou-xiacheng" and len(summary.after["moved"]) == 2
    assert verify_chain().ok


def test_applying_again_changes_nothing(hangzhou):
    first = division_change_apply(actor=None)
    assert ("XC1", XIACHENG, GONGSHU) in first.moved
    entries = AuditEntry.objects.count()
    counties = dict(School.objects.values_list("code", "county_id"))
    second = division_change_apply(actor=None)
    assert second.moved == ()
    assert dict(School.objects.values_list("code", "county_id")) == counties
    assert AuditEntry.objects.count() == entries
    assert second.to_assign == first.to_assign  # the split still waits for a decision


def test_a_split_lists_its_schools_instead_of_guessing(hangzhou):
    report = division_change_apply(actor=hangzhou["bureau"], change_id="2021-hangzhou-jianggan")
    assert report.moved == ()
    assert [(s.school, s.county, s.candidates) for s in report.to_assign] == [
        ("JG1", JIANGGAN, (SHANGCHENG, QIANTANG))
    ]
    assert School.objects.get(code="JG1").county_id == JIANGGAN
    assigned = division_change_apply(
        actor=hangzhou["bureau"],
        change_id="2021-hangzhou-jianggan",
        assignments={"JG1": QIANTANG},
    )
    assert assigned.moved == (("JG1", JIANGGAN, QIANTANG),) and assigned.to_assign == ()
    assert School.objects.get(code="JG1").county_id == QIANTANG
    # 2020 is 江干区's last year: its value stays there; 钱塘区 starts with 2021
    assert _students(JIANGGAN) == (Decimal(300), 1) and _students(QIANTANG) is None


def test_a_carved_out_division_lists_the_remaining_one_for_review(hangzhou):
    report = division_change_apply(actor=None, change_id="2021-hangzhou-linping")
    assert [(s.school, s.county, s.candidates) for s in report.to_review] == [
        ("YH1", YUHANG, (YUHANG, LINPING))
    ]
    assert School.objects.get(code="YH1").county_id == YUHANG  # nothing guessed
    division_change_apply(
        actor=None, change_id="2021-hangzhou-linping", assignments={"YH1": LINPING}
    )
    assert School.objects.get(code="YH1").county_id == LINPING


def test_a_chain_of_changes_takes_schools_to_todays_division(regions):
    """邯郸县 (split in 2016) lists its schools against the three districts of today."""
    _registered("HD1", HANDAN_COUNTY)
    report = division_change_apply(actor=None, change_id="2016-handan-handan-county")
    assert report.to_assign[0].candidates == ("130402000000", "130403000000", "130404000000")
    dingzhou = _registered("DZ1", "139001000000")
    division_change_apply(actor=None, change_id="2019-dingzhou")
    dingzhou.refresh_from_db()
    assert dingzhou.county_id == "130682000000"  # recoded: same city, code under 保定市


def test_wrong_assignments_are_refused_and_nothing_moves(hangzhou):
    with pytest.raises(ValueError, match="330105000000 is not one of the counties"):
        division_change_apply(
            actor=None, change_id="2021-hangzhou-jianggan", assignments={"JG1": GONGSHU}
        )
    with pytest.raises(ValueError, match="NOPE"):
        division_change_apply(
            actor=None, change_id="2021-hangzhou-xiacheng", assignments={"NOPE": GONGSHU}
        )
    assert School.objects.get(code="XC1").county_id == XIACHENG  # all or nothing
    with pytest.raises(ValueError, match="Unknown division change 2099-nowhere"):
        division_change_apply(actor=None, change_id="2099-nowhere")


def test_a_bureau_elsewhere_may_not_apply_the_change(hangzhou):
    langfang = _user(
        "langfang-bureau",
        Role.BUREAU,
        jurisdiction=Jurisdiction.objects.get(code="131000000000"),
    )
    with pytest.raises(OutOfScope):
        division_change_apply(actor=langfang, change_id="2021-hangzhou-xiacheng")
    # without a change named, it looks only at the changes within its own subtree
    report = division_change_apply(actor=langfang)
    assert report.changes == () and report.moved == ()
    assert School.objects.get(code="XC1").county_id == XIACHENG
    public = _user("someone", Role.PUBLIC)
    with pytest.raises(OutOfScope):
        division_change_apply(actor=public, change_id="2021-hangzhou-xiacheng")


# ---- the registry refuses abolished counties ----------------------------------------------


def test_no_new_school_in_an_abolished_county(regions):
    with pytest.raises(
        ValueError, match=r"abolished after 2020.*Gongshu District \(330105000000\)"
    ):
        school_create(
            code="NEW1",
            county_code=XIACHENG,
            name_zh="新学校",
            stage="primary",
            location="urban",
            actor=None,
        )


def test_the_refusal_reads_in_chinese(regions):
    with (
        translation.override("zh-hans"),
        pytest.raises(
            ValueError,
            match="江干区（330104000000）已于 2020 年后撤销，其辖区现属 浙江省杭州市上城区（330102000000）、",
        ),
    ):
        schools_move_county(schools=[], county_code=JIANGGAN, actor=None)


def test_moving_a_school_keeps_totals_and_refuses_an_abolished_county(hangzhou):
    school = hangzhou["gongshu"]
    with pytest.raises(ValueError, match="abolished"):
        schools_move_county(schools=[school], county_code=JIANGGAN, actor=None)
    moved = schools_move_county(
        schools=[school], county_code=SHANGCHENG, actor=hangzhou["bureau"], reason="corrected"
    )
    assert [s.code for s in moved] == ["GS1"]
    assert _students(SHANGCHENG) == (Decimal(250), 1) and _students(GONGSHU) is None
    entry = AuditEntry.objects.filter(action="school.move").latest("seq")
    assert entry.after["reason"] == "corrected" and entry.actor_id == hangzhou["bureau"].pk
    assert schools_move_county(schools=[school], county_code=SHANGCHENG, actor=None) == []
    outside = _user(
        "langfang-bureau",
        Role.BUREAU,
        jurisdiction=Jurisdiction.objects.get(code="131000000000"),
    )
    with pytest.raises(OutOfScope):
        schools_move_county(schools=[school], county_code="131002000000", actor=outside)


def test_moves_in_years_keep_each_county_for_its_years(hangzhou):
    from xietong.schools.models import SchoolCountyHistory
    from xietong.schools.selectors import past_counties

    school = hangzhou["xiacheng"]
    schools_move_county(schools=[school], county_code=GONGSHU, actor=None, effective_year=2021)
    school.refresh_from_db()
    schools_move_county(schools=[school], county_code=SHANGCHENG, actor=None, effective_year=2023)
    rows = list(
        SchoolCountyHistory.objects.filter(school=school).values_list(
            "county_id", "from_year", "until_year"
        )
    )
    assert rows == [(XIACHENG, None, 2020), (GONGSHU, 2021, 2022)]
    past = past_counties([2019, 2021, 2022, 2023])
    assert past[2019][school.pk] == XIACHENG and past[2022][school.pk] == GONGSHU
    assert school.pk not in past[2023]  # 2023 on: where School.county says
    # a move cannot take effect before the last one
    school.refresh_from_db()
    with pytest.raises(ValueError, match="already moved in 2023"):
        schools_move_county(schools=[school], county_code=GONGSHU, actor=None, effective_year=2022)
    # a correction (no year) leaves no history: every year follows
    other = hangzhou["xiacheng2"]
    schools_move_county(schools=[other], county_code=GONGSHU, actor=None)
    assert not SchoolCountyHistory.objects.filter(school=other).exists()
