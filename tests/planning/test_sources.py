"""The other measured sources: counties meeting a standard in the latest published run, and the
fund's disbursements of a year, each equal to what its app reports directly."""

import datetime as dt
from decimal import Decimal

import pytest

from tests.planning.conftest import JS, adopt_consultation
from xietong.accounts.scope import scope_for
from xietong.planning import services
from xietong.planning.models import Actual

pytestmark = pytest.mark.django_db


def _indicator(plan, sec, **kw):
    return services.indicator_create(
        plan=plan,
        goal=plan.goals.get(),
        name_zh=kw.pop("code"),
        code=kw["kind"] + kw.pop("s", ""),
        baseline_year=2023,
        source="measured",
        actor=sec,
        **kw,
    )


def test_counties_meeting(plan, sec, stats, world):
    from xietong.evaluation.services import evaluation_publish, evaluation_run

    area = plan.body.area
    whole = _indicator(
        plan,
        sec,
        code="c",
        kind="counties_meeting",
        direction="up",
        baseline=0,
        params={"standard": "basic-balance-2012", "stage": "primary"},
    )
    mine = _indicator(
        plan,
        sec,
        code="c-js",
        s="-js",
        kind="counties_meeting",
        direction="up",
        baseline=0,
        member=JS,
        params={"standard": "basic-balance-2012", "stage": "primary"},
    )
    from xietong.planning.sources import SOURCES

    fn = SOURCES["counties_meeting"].fn
    scope = scope_for(sec)
    assert fn(whole, 2024, scope)[0] is None  # no published run yet
    run = evaluation_run(
        standard="basic-balance-2012", stage="primary", year=2024, area=area, actor=None
    )
    assert fn(whole, 2024, scope)[0] is None  # not published: not counted
    evaluation_publish(run=run, actor=None)
    value, inputs = fn(whole, 2024, scope)
    assert value == run.n_passing and inputs["run"] == run.pk
    assert inputs["counties"] == run.n_counties
    js_passing = run.counties.filter(status="pass", county__code__startswith="32").count()
    assert fn(mine, 2024, scope)[0] == js_passing
    with pytest.raises(ValueError, match="standard"):
        _indicator(
            plan,
            sec,
            code="bad",
            s="-bad",
            kind="counties_meeting",
            direction="up",
            baseline=0,
            params={"standard": "none", "stage": "primary"},
        )


def test_fund_disbursed(plan, body, sec, world):
    from xietong.finance import selectors as fs
    from xietong.finance import services as fin

    ind = services.indicator_create(
        plan=plan,
        goal=plan.goals.get(),
        code="fund",
        name_zh="基金支出",
        direction="up",
        baseline=0,
        baseline_year=2023,
        source="measured",
        kind="fund_disbursed",
        actor=None,
    )
    assert ind.member is None
    adopt_consultation(body, sec, plan)
    adopted = services.plan_adopt(plan=plan, actor=sec)
    services.planning_actuals_compute(plan=adopted, year=2024, actor=sec)
    assert not Actual.objects.filter(indicator=ind).exists()  # no fund: no value
    fund = fin.fund_open(area=adopted.body.area, actor=None)
    d = dt.date(2024, 3, 1)
    fin.entry_post_manual(
        fund=fund,
        date=d,
        memo="opening",
        lines=[
            {"account": "cash:public", "debit": "1000.00"},
            {"account": "income:contributions", "credit": "1000.00"},
        ],
        actor=None,
    )
    for amount, day in (
        ("400.00", d),
        ("150.50", dt.date(2024, 11, 2)),
        ("99.00", dt.date(2025, 1, 5)),
    ):
        fin.disbursement_record(
            fund=fund,
            programme="teacher_exchange",
            function_code="2050801",
            label="交流",
            amount=amount,
            date=day,
            actor=None,
        )
    services.planning_actuals_compute(plan=adopted, year=2024, actor=sec)
    a = Actual.objects.get(indicator=ind, year=2024)
    report = fs.fund_report(fund, date_from=dt.date(2024, 1, 1), date_to=dt.date(2024, 12, 31))
    assert a.value == report["expenditure_total"] == Decimal("550.50")
    assert a.inputs["expenditure_total"] == "550.50"
