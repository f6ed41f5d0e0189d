"""Funding adequacy, government-guarantee item 6 of 教督〔2017〕6号: public operating funds
against the per-pupil base rates of 国发〔2015〕67号, rural schools under 100 pupils counted as
100 (algorithms/funding.py, evaluation/guarantee.py)."""

import json

import numpy as np
import pytest
from django.test import Client

from xietong.algorithms.funding import (
    evaluate_funding,
    load_base_rates,
    school_requirement,
)
from xietong.evaluation.guarantee import rates_for
from xietong.evaluation.services import evaluation_run
from xietong.regions.models import Jurisdiction
from xietong.schools.services import school_create, statistics_set

from .test_teaching_points import _values

RATES = load_base_rates("compulsory-operating-2016")


def test_rates_by_region_and_year():
    # Hebei is an eastern province, Anhui a central one (2016 rates: 650/850 and 600/800)
    assert RATES.rate("13", "primary") == 650 and RATES.rate("13", "junior") == 850
    assert RATES.rate("34", "primary") == 600 and RATES.rate("34", "junior") == 800
    assert rates_for(2015) is None
    assert rates_for(2024).id == "compulsory-operating-2016"


def test_a_30_pupil_rural_teaching_point_is_funded_as_100():
    # Anhui: 100 * 600 = 60,000 yuan due, not 30 * 600 = 18,000
    r = school_requirement(RATES, province="34", primary=30, junior=0, boarding=0, rural=True)
    assert (r.counted_pupils, r.required, r.floor_applied) == (100.0, 60000.0, True)
    # an urban school of 30 pupils is funded on its real enrolment
    r = school_requirement(RATES, province="34", primary=30, junior=0, boarding=0, rural=False)
    assert (r.counted_pupils, r.required, r.floor_applied) == (30.0, 18000.0, False)
    # a rural school of 100 or more is never raised
    r = school_requirement(RATES, province="34", primary=120, junior=0, boarding=0, rural=True)
    assert r.required == 72000.0 and not r.floor_applied


def test_nine_year_school_boarding_and_province_rate(tmp_path):
    # Jiangsu nine-year school, 300 primary + 200 junior pupils, 80 boarders:
    # 300 * 650 + 200 * 850 + 80 * 200 = 195,000 + 170,000 + 16,000 = 381,000
    r = school_requirement(RATES, province="32", primary=300, junior=200, boarding=80, rural=True)
    assert r.required == 381000.0 and not r.floor_applied
    # a deployment's file with Shanghai's own higher primary rate
    spec = json.loads(
        (
            __import__("pathlib").Path(__import__("xietong").algorithms.funding.__file__).parent
            / "data/funding/compulsory-operating-2016.json"
        ).read_text("utf-8")
    )
    spec["id"] = "sh-2024"
    spec["province_rates"] = {"31": {"primary": 1500}}
    path = tmp_path / "sh.json"
    path.write_text(json.dumps(spec), "utf-8")
    sh = load_base_rates(path)
    assert sh.rate("31", "primary") == 1500 and sh.rate("31", "junior") == 850
    spec["province_rates"] = {"31": {"primary": -5}}
    path.write_text(json.dumps(spec), "utf-8")
    with pytest.raises(ValueError, match="province_rates.31.primary"):
        load_base_rates(path)


def _table(**cols):
    n = len(cols["school_id"])
    base = {
        "students_primary": np.full(n, np.nan),
        "students_junior": np.full(n, np.nan),
        "boarding_students": np.full(n, np.nan),
    }
    return {
        k: np.asarray(v, dtype=object if k in ("school_id", "county", "stage") else None)
        for k, v in {**base, **cols}.items()
    }


def test_county_status_meets_short_and_incomplete():
    t = _table(
        school_id=["a", "b", "c", "d"],
        county=["340100000000", "340100000000", "340200000000", "340200000000"],
        stage=["primary", "junior", "primary", "primary"],
        rural=[True, False, False, False],
        teaching_point=[False, False, False, False],
        students=[60.0, 500.0, 400.0, 300.0],
        # a: 60 rural pupils -> counted 100 -> 60,000 due, receives exactly that
        # b: 500 * 800 = 400,000 due, receives 400,000; county 3401 meets
        # c: 400 * 600 = 240,000 due, receives 239,000 -> short; d has no figure -> incomplete
        public_operating_funds=[60000.0, 400000.0, 239000.0, np.nan],
    )
    res = {c.county: c for c in evaluate_funding(RATES, t).counties}
    assert res["340100000000"].status == "meets" and res["340100000000"].n_floor == 1
    assert res["340100000000"].required == 460000.0
    c2 = res["340200000000"]
    assert c2.status == "incomplete" and c2.short_schools == ("c",)
    assert c2.missing_schools == ("d",)
    # with d's funds reported, the county is short because of c
    t["public_operating_funds"][3] = 180000.0
    assert {c.county: c.status for c in evaluate_funding(RATES, t).counties}[
        "340200000000"
    ] == "short"


@pytest.mark.django_db
def test_evaluation_run_stores_item_6_and_the_county_page_shows_it(world):
    langfang = Jurisdiction.objects.get(code="131000000000")
    actor = world["users"]["langfang"]
    # Hebei (east): the fixture's school A, 400 pupils -> 400 * 650 = 260,000 due
    statistics_set(
        school=world["schools"]["A"],
        year=2024,
        actor=actor,
        values=_values(400) | {"public_operating_funds": 260000},
    )
    tp = school_create(
        code="1310029902",
        county_code="131002000000",
        name_zh="示例村教学点",
        school_type="218",
        location="rural",
        actor=actor,
    )
    # 30 pupils funded on their real number: 30 * 650 = 19,500 against 65,000 due
    statistics_set(
        school=tp, year=2024, actor=actor, values=_values(30) | {"public_operating_funds": 19500}
    )
    run = evaluation_run(
        standard="quality-balance-2017",
        stage="primary",
        year=2024,
        jurisdiction=langfang,
        actor=actor,
    )
    f = run.counties.get(county_id="131002000000").funding
    assert f["status"] == "short" and f["short_schools"] == ["1310029902"]
    assert f["required"] == 260000 + 65000 and f["received"] == 279500 and f["n_floor"] == 1
    c = Client()
    c.force_login(actor)
    page = c.get(
        f"/evaluation/runs/{run.pk}/counties/131002000000/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert 'id="funding"' in page and "示例村教学点" in page
    assert "325,000" in page and "279,500" in page
    # the API gives the county result without school rows
    api = c.get(f"/api/evaluations/{run.pk}/counties").json()
    row = next(r for r in api if r["county"] == "131002000000")
    assert row["funding"]["status"] == "short" and "short_schools" not in row["funding"]
