"""The supported school against comparable schools without a partner (difference-in-
differences from the statistics), worked example with a known answer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from scipy import stats

from xietong.accounts.scope import SYSTEM, scope_for
from xietong.partnerships.capacity_did import school_did
from xietong.partnerships.models import Cooperation
from xietong.partnerships.services import cooperation_establish
from xietong.schools.models import School
from xietong.schools.services import statistics_set

ANCI = "131002000000"


def _school(code: str, stage: str = "primary", county: str = ANCI) -> School:
    return School.objects.create(
        code=code,
        name_zh=code,
        stage=stage,
        county_id=county,
        location="rural",
        ownership="public",
        longitude=116.6,
        latitude=39.5,
    )


def _stats(school, year, students, backbone):
    statistics_set(
        school=school,
        year=year,
        values={"students": Decimal(students), "teachers_backbone": Decimal(backbone)},
        actor=None,
    )


@pytest.fixture
def dw(world, active):
    """A (supported, pairing in force from 1 January 2025): backbone per 100 students 0.6 in
    2024 (3 of 500), 1.6 in 2025 (8 of 500): change +1. Comparison schools of Anci, primary,
    no partner: C1 0.5 -> 0.5 (0), C2 0.4 -> 0.6 (+0.2), C3 0.4 -> 0.8 (+0.4): mean +0.2.
    Left out: a junior school (other stage), a primary school with 2025 only, and a primary
    school in a cooperation in force (a partner, however large its change)."""
    a = world["schools"]["A"]
    _stats(a, 2024, 500, 3)
    _stats(a, 2025, 500, 8)
    for code, (b24, b25) in {"C1": (2, 2), "C2": (2, 3), "C3": (2, 4)}.items():
        s = _school(f"13100200{code}", county=ANCI)
        _stats(s, 2024, 400 if code == "C1" else 500, b24)
        _stats(s, 2025, 400 if code == "C1" else 500, b25)
    junior = _school("1310020J01", stage="junior")
    _stats(junior, 2024, 500, 1)
    _stats(junior, 2025, 500, 9)
    late = _school("1310020L01")
    _stats(late, 2025, 500, 9)
    partnered = _school("1310020P01")
    _stats(partnered, 2024, 500, 0)
    _stats(partnered, 2025, 500, 10)
    c = cooperation_establish(
        actor=None,
        fields={
            "code": "TWL-DID-1",
            "kind": "pairing",
            "title_zh": "结对",
            "area": world["areas"]["tongwulang"],
            "term_start": dt.date(2025, 1, 1),
            "term_end": dt.date(2026, 12, 31),
        },
        parties=[
            {"role": "lead", "school": world["schools"]["D"]},
            {"role": "supported", "school": partnered},
        ],
    )
    Cooperation.objects.filter(pk=c.pk).update(status="active")  # set up in force
    return world


def test_worked_example_estimate_and_uncertainty(dw):
    a = dw["schools"]["A"]
    backbone, transfers = school_did(scope=SYSTEM, school=a)
    assert (backbone.before, backbone.after, backbone.tier) == (2024, 2025, "county")
    assert (backbone.treated_before, backbone.treated_after) == (Fraction(3, 5), Fraction(8, 5))
    assert backbone.controls == ["13100200C1", "13100200C2", "13100200C3"]
    r = backbone.result
    assert (r.treated_change, r.control_change, r.estimate) == (1, Fraction(1, 5), Fraction(4, 5))
    # changes 0, 0.2, 0.4: s_c = 0.2; se = 0.2 * sqrt(1 + 1/3); t with 2 df
    se = 0.2 * (4 / 3) ** 0.5
    assert r.method == "control_variance" and r.df == 2
    assert r.se == pytest.approx(se)
    half = stats.t.ppf(0.975, 2) * se
    assert (r.ci_low, r.ci_high) == (pytest.approx(0.8 - half), pytest.approx(0.8 + half))
    assert transfers.result is None and transfers.reason == "no_values"


def test_comparison_limited_to_what_the_caller_reads(dw):
    """Langfang's bureau reads every Anci school; the school's own administrator only its
    own statistics, so it gets no comparison rather than figures it may not see."""
    a = dw["schools"]["A"]
    by_bureau = school_did(scope=scope_for(dw["users"]["langfang"]), school=a)[0]
    assert by_bureau.result.estimate == Fraction(4, 5)
    by_school = school_did(scope=scope_for(dw["users"]["school-a"]), school=a)[0]
    assert (by_school.result, by_school.reason) == (None, "too_few_controls")


def test_wider_tier_when_the_county_has_too_few(dw):
    """Without C3 only two Anci schools remain: the city (Langfang, 1310) is tried next, and
    with no others there either, the province (Hebei, 13) with E of Shijiazhuang is still too
    few: no estimate."""
    School.objects.filter(code="13100200C3").update(is_open=False)
    r = school_did(scope=SYSTEM, school=dw["schools"]["A"])[0]
    assert (r.result, r.reason) == (None, "too_few_controls")


def test_no_cooperation_no_estimate(world):
    r = school_did(scope=SYSTEM, school=world["schools"]["E"])[0]
    assert r.reason == "no_cooperation"


def test_page_and_api_show_the_estimate_and_formula(dw, client):
    a = dw["schools"]["A"]
    client.force_login(dw["users"]["langfang"])
    body = client.get(f"/api/schools/{a.code}/capacity").json()
    d = body["did"][0]
    assert (d["indicator"], d["estimate"], d["n_control"], d["tier"]) == (
        "backbone_per_100",
        "4/5",
        3,
        "county",
    )
    assert [c["pk"] for c in d["records"]["controls"]][0] == "13100200C1"
    assert len(d["records"]["treated"]) == 4  # students and backbone teachers, both years
    page = client.get(f"/schools/{a.code}/capacity/").content.decode()
    assert 'id="did-table"' in page and "mean_c(y[c, after] - y[c, before])" in page
    assert "0.800" in page and 'href="/schools/13100200C1/"' in page
    assert "The school lacks this indicator in one of the two years." in page
