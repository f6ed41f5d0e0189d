"""A supported school's own capacity: worked examples, policy lines and properties."""

from __future__ import annotations

import math
from dataclasses import replace
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from xietong.algorithms.capacity import (
    COMPONENTS,
    Activity,
    CapacityInputs,
    CapacityParams,
    ExitRule,
    Obligation,
    capacity_index,
    dependence_trend,
    did_estimate,
    exit_ready,
    obligation_compliance,
)

FAST = settings(max_examples=150, deadline=None, database=None)


# --- 1. Obligation compliance ------------------------------------------------------------------


def test_compliance_counts_only_the_required_levels_and_keeps_them_apart():
    """Zhejiang's per-pair minimums: >= 20 synchronous lessons (partner-confirmed) and >= 4
    offline teaching-research sessions (authority-verified), in 2024 and 2025.
    2024 lessons: 10 confirmed + 6 verified + 9 self-reported -> 16 count, 4 short.
    2025 lessons: 15 confirmed + 5 verified -> 20 count, met exactly.
    2024 sessions: 3 confirmed + 2 verified -> only 2 count, 2 short.
    2025 sessions: no activity -> 0 count, 4 short."""
    quota = [
        Obligation("sync", "2024", 20, "lessons", "partner_confirmed"),
        Obligation("sync", "2025", 20, "lessons", "partner_confirmed"),
        Obligation("offline", "2024", 4, "sessions", "authority_verified"),
        Obligation("offline", "2025", 4, "sessions", "authority_verified"),
    ]
    acts = [
        Activity("sync", "2024", 10, "partner_confirmed"),
        Activity("sync", "2024", 6, "authority_verified"),
        Activity("sync", "2024", 9, "self_reported"),
        Activity("sync", "2025", 15, "partner_confirmed"),
        Activity("sync", "2025", 5, "authority_verified"),
        Activity("offline", "2024", 3, "partner_confirmed"),
        Activity("offline", "2024", 2, "authority_verified"),
    ]
    res = obligation_compliance(quota, acts)
    # ordered by period, then code
    assert [(r.period, r.code) for r in res] == [
        ("2024", "offline"),
        ("2024", "sync"),
        ("2025", "offline"),
        ("2025", "sync"),
    ]
    by = {(r.code, r.period): r for r in res}
    s24 = by["sync", "2024"]
    assert s24.totals == {
        "self_reported": 9,
        "partner_confirmed": 10,
        "authority_verified": 6,
    }
    assert (s24.counted, s24.met, s24.shortfall) == (16, False, 4)
    s25 = by["sync", "2025"]
    assert (s25.counted, s25.met, s25.shortfall) == (20, True, 0)
    o24 = by["offline", "2024"]
    assert (o24.counted, o24.met, o24.shortfall) == (2, False, 2)
    o25 = by["offline", "2025"]
    assert (o25.counted, o25.met, o25.shortfall) == (0, False, 4)
    assert o25.measure == "sessions" and o25.standard == "authority_verified"


def test_compliance_self_reported_standard_counts_everything_and_hours_are_exact():
    quota = [Obligation("training", "2025", "37.5", "hours", "self_reported")]
    acts = [
        Activity("training", "2025", "12.5"),
        Activity("training", "2025", 25, "authority_verified"),
    ]
    (r,) = obligation_compliance(quota, acts)
    # 12.5 + 25 = 37.5: exactly the quota
    assert r.counted == Fraction(75, 2) and r.met and r.shortfall == 0


def test_compliance_custom_levels():
    quota = [Obligation("t", "2025", 2, "teachers", "b")]
    acts = [Activity("t", "2025", 1, "a"), Activity("t", "2025", 1, "c")]
    (r,) = obligation_compliance(quota, acts, verified_levels=("a", "b", "c"))
    assert r.counted == 1 and r.shortfall == 1


@pytest.mark.parametrize(
    ("quota", "acts", "match"),
    [
        ([Obligation("s", "2025", 1)], [Activity("s", "2024", 1)], "no obligation 's' in period"),
        ([Obligation("s", "2025", 1)] * 2, [], "appears twice"),
        ([Obligation("s", "2025", 1, "visits")], [], "measure 'visits'"),
        ([Obligation("s", "2025", 1, standard="rumour")], [], "standard 'rumour'"),
        ([Obligation("s", "2025", -1)], [], r"quota\[0\].quota: must not be negative"),
        ([Obligation("s", "2025", 1)], [Activity("s", "2025", 1, "x")], "level 'x'"),
        ([Obligation("s", "2025", 1)], [Activity("s", "2025", -2)], "delivered.0..amount"),
        ([Obligation("s", "2025", "lots")], [], "is not a number"),
    ],
)
def test_compliance_refuses_bad_input(quota, acts, match):
    with pytest.raises(ValueError, match=match):
        obligation_compliance(quota, acts)


@FAST
@given(
    st.lists(
        st.tuples(
            st.integers(0, 30),
            st.sampled_from(["self_reported", "partner_confirmed", "authority_verified"]),
        ),
        max_size=12,
    ),
    st.integers(0, 60),
)
def test_raising_an_activitys_level_never_lowers_what_counts(acts, need):
    quota = [Obligation("s", "p", need, standard="partner_confirmed")]
    base = obligation_compliance(quota, [Activity("s", "p", a, lv) for a, lv in acts])[0]
    up = obligation_compliance(
        quota, [Activity("s", "p", a, "authority_verified") for a, lv in acts]
    )[0]
    assert up.counted >= base.counted
    assert sum(base.totals.values()) == sum(a for a, _ in acts)
    assert base.met == (base.shortfall == 0)
    assert base.counted + base.shortfall >= need


# --- 2. Capacity index -------------------------------------------------------------------------

FULL = CapacityInputs(
    2025,
    own_lessons=720,
    partner_lessons=480,
    seconded_fte="2.5",
    students=500,
    backbone_teachers=4,
    trained_1y=10,
    retained_1y=9,
    trained_3y=8,
    retained_3y=6,
    reused_resources=3,
    satisfaction="0.765",
    transfers_out=10,
)


def test_capacity_index_worked_example_with_every_component():
    """own teaching 720 / (720 + 480) = 3/5
    backbone 100 * 4 / 500 = 0.8 per 100, line 1 -> 4/5 (below the 2017 line)
    retention 1 year 9/10; 3 years 6/8 = 3/4
    reuse 3 resources / target 5 = 3/5
    satisfaction 0.765 / 0.85 = 9/10 (below the 85 % line)
    transfers out 10 / 500 = 2 %, cap 5 % -> 1 - 2/5 = 3/5
    weights 3, 2, 1, 1, 1, 1, 1 (sum 10):
    3*0.6 + 2*0.8 + 0.9 + 0.75 + 0.6 + 0.9 + 0.6 = 1.8 + 1.6 + 4.35 = 7.15 -> 7.15 / 10 = 143/200
    """
    (r,) = capacity_index([FULL])
    values = {c.code: c.value for c in r.components}
    assert values == {
        "own_teaching": Fraction(3, 5),
        "backbone": Fraction(4, 5),
        "retention_1y": Fraction(9, 10),
        "retention_3y": Fraction(3, 4),
        "reuse": Fraction(3, 5),
        "satisfaction": Fraction(9, 10),
        "transfers_out": Fraction(3, 5),
    }
    assert r.component("backbone").ratio == Fraction(4, 5)
    assert r.component("transfers_out").ratio == Fraction(1, 50)
    assert r.component("backbone").meets_line is False
    assert r.component("satisfaction").meets_line is False
    assert r.component("own_teaching").meets_line is None
    assert r.weight_counted == 10
    assert r.index == Fraction(143, 200)
    assert r.seconded_fte == Fraction(5, 2)
    assert all(c.formula for c in r.components)


def test_missing_components_do_not_count_and_the_rest_are_reweighted():
    """Without a survey and without a 3-year cohort the weights left are 3+2+1+1+1 = 8:
    (1.8 + 1.6 + 0.9 + 0.6 + 0.6) / 8 = 5.5 / 8 = 11/16."""
    x = replace(FULL, satisfaction=None, trained_3y=None, retained_3y=None)
    (r,) = capacity_index([x])
    assert r.component("satisfaction").state == "missing"
    assert r.component("satisfaction").value is None
    assert r.component("retention_3y").state == "missing"
    assert r.weight_counted == 8
    assert r.index == Fraction(11, 16)


def test_a_zero_denominator_is_missing_and_nothing_recorded_has_no_index():
    # no teacher trained three years ago: retention is undefined, not 0
    (r,) = capacity_index([replace(FULL, trained_3y=0, retained_3y=0)])
    assert r.component("retention_3y").state == "missing"
    (empty,) = capacity_index([CapacityInputs(2025)])
    assert empty.index is None and empty.weight_counted == 0


def test_weights_and_lines_are_parameters():
    """Only own teaching (w 1) and reuse (w 3) weighted; reuse target 2 so 3 resources cap at 1:
    (1 * 3/5 + 3 * 1) / 4 = 3.6 / 4 = 9/10. Other components are shown but do not count."""
    (r,) = capacity_index(
        [FULL], weights={"own_teaching": 1, "reuse": 3}, params=CapacityParams(reuse_target=2)
    )
    assert r.component("reuse").value == 1
    assert r.component("backbone").state == "counted" and r.component("backbone").weight == 0
    assert r.weight_counted == 4
    assert r.index == Fraction(9, 10)


def test_years_come_back_in_order():
    res = capacity_index([replace(FULL, year=2025), replace(FULL, year=2023, own_lessons=0)])
    assert [r.year for r in res] == [2023, 2025]
    assert res[0].component("own_teaching").value == 0


@pytest.mark.parametrize(
    ("students", "meets", "value"),
    [
        (500, True, Fraction(1)),  # 5 per 500 = exactly 1 per 100: meets the line
        (499, True, Fraction(1)),  # 1.002 per 100, capped at 1
        (501, False, Fraction(500, 501)),  # 0.998 per 100
    ],
)
def test_backbone_line_of_2017_is_exact(students, meets, value):
    """教督〔2017〕6号, 资源配置 (二): 每百名学生拥有县级以上骨干教师数达到1人以上."""
    (r,) = capacity_index([CapacityInputs(2025, students=students, backbone_teachers=5)])
    c = r.component("backbone")
    assert c.meets_line is meets and c.value == value
    assert r.index == value  # the only component counted


@pytest.mark.parametrize(
    ("sat", "meets", "value"),
    [
        ("0.85", True, Fraction(1)),
        (0.85, True, Fraction(1)),  # a float is read exactly as 85/100
        ("17/20", True, Fraction(1)),
        ("0.8499", False, Fraction(8499, 8500)),
        ("0.93", True, Fraction(1)),
    ],
)
def test_satisfaction_line_of_2017_is_exact(sat, meets, value):
    """教督〔2017〕6号, 社会认可度: 社会认可度达到85%以上."""
    (r,) = capacity_index([CapacityInputs(2025, satisfaction=sat)])
    c = r.component("satisfaction")
    assert c.meets_line is meets and c.value == value


def test_transfers_at_the_cap_score_zero():
    # 25 of 500 = 5 %, the cap: 1 - 1 = 0; 30 of 500 = 6 % is floored at 0 too
    for out in (25, 30):
        (r,) = capacity_index([CapacityInputs(2025, students=500, transfers_out=out)])
        assert r.component("transfers_out").value == 0


@pytest.mark.parametrize(
    ("inputs", "kwargs", "match"),
    [
        ([replace(FULL, retained_1y=11)], {}, "retained_1y: 11 is more than the 10"),
        ([replace(FULL, transfers_out=501)], {}, "transfers_out"),
        ([replace(FULL, satisfaction="1.2")], {}, "satisfaction: a share at most 1"),
        ([replace(FULL, own_lessons=-1)], {}, r"inputs\[2025\].own_lessons: must not be negative"),
        ([FULL, FULL], {}, "one record per year"),
        ([FULL], {"weights": {"charisma": 1}}, "unknown components"),
        ([FULL], {"weights": {"own_teaching": 0}}, "at least one component"),
        ([FULL], {"weights": {"own_teaching": -1}}, "must not be negative"),
    ],
)
def test_capacity_refuses_bad_input(inputs, kwargs, match):
    with pytest.raises(ValueError, match=match):
        capacity_index(inputs, **kwargs)


def test_params_refuse_nonsense():
    with pytest.raises(ValueError, match="backbone_line: must be more than 0"):
        CapacityParams(backbone_line=0)
    with pytest.raises(ValueError, match="at most 1"):
        CapacityParams(satisfaction_line=2)


small = st.integers(0, 200)
maybe = st.none() | small


@st.composite
def capacity_inputs(draw):
    students = draw(st.none() | st.integers(1, 2000))
    trained1 = draw(maybe)
    trained3 = draw(maybe)
    return CapacityInputs(
        2025,
        own_lessons=draw(maybe),
        partner_lessons=draw(maybe),
        students=students,
        backbone_teachers=draw(maybe),
        trained_1y=trained1,
        retained_1y=None if trained1 is None else draw(st.integers(0, trained1)),
        trained_3y=trained3,
        retained_3y=None if trained3 is None else draw(st.integers(0, trained3)),
        reused_resources=draw(maybe),
        satisfaction=draw(st.none() | st.fractions(0, 1)),
        transfers_out=None if students is None else draw(st.none() | st.integers(0, students)),
    )


weights_st = st.dictionaries(st.sampled_from(COMPONENTS), st.integers(1, 5), min_size=1)


@FAST
@given(capacity_inputs(), weights_st)
def test_index_and_components_lie_in_the_unit_interval(x, w):
    (r,) = capacity_index([x], weights=w)
    for c in r.components:
        assert c.value is None or 0 <= c.value <= 1
    if r.index is not None:
        assert 0 <= r.index <= 1
        counted = [c.value for c in r.components if c.state == "counted" and c.weight > 0]
        assert min(counted) <= r.index <= max(counted)
    else:
        assert r.weight_counted == 0


@FAST
@given(capacity_inputs(), weights_st, st.integers(1, 500), small, small)
def test_more_own_lessons_never_lowers_the_index(x, w, extra, own, partner):
    # both lesson counts drawn present (filtering the strategy's None out with assume() kept a
    # quarter of the draws and tripped hypothesis's too-much-filtering check)
    x = replace(x, own_lessons=own, partner_lessons=partner)
    (before,) = capacity_index([x], weights=w)
    (after,) = capacity_index([replace(x, own_lessons=x.own_lessons + extra)], weights=w)
    if before.index is not None:
        assert after.index is not None and after.index >= before.index


# --- 3. Difference in differences --------------------------------------------------------------


def test_did_worked_example_welch():
    """Treated changes 70-60 = 10 and 74-62 = 12 (mean 11, variance 2);
    control changes 3, 2, 4 (mean 3, variance 1). DiD = 11 - 3 = 8.
    se = sqrt(2/2 + 1/3) = sqrt(4/3) = 1.1547;
    Welch df = (4/3)^2 / (1^2/1 + (1/3)^2/2) = (16/9) / (19/18) = 32/19."""
    r = did_estimate([60, 62], [70, 74], [60, 61, 59], [63, 63, 63])
    assert r.estimate == 8 and r.treated_change == 11 and r.control_change == 3
    assert r.se == pytest.approx(math.sqrt(4 / 3))
    assert r.df == pytest.approx(32 / 19)
    assert r.method == "welch" and (r.n_treated, r.n_control) == (2, 3)
    # the interval is symmetric about 8 and wider than +-1.96 se at so few df
    assert r.ci_low + r.ci_high == pytest.approx(16)
    assert r.ci_high - 8 > 1.96 * r.se


def test_did_one_treated_school_uses_the_control_variance():
    """One supported school changes 9; controls 3, 2, 4 (variance 1). DiD = 9 - 3 = 6;
    se = sqrt(1 * (1 + 1/3)) = 1.1547 with 3 - 1 = 2 df; t(0.975, 2) = 4.3027 (Student's
    table), so the 95 % interval is 6 +- 4.9683."""
    r = did_estimate([50], [59], [60, 61, 59], [63, 63, 63])
    assert r.estimate == 6 and r.method == "control_variance" and r.df == 2
    assert r.se == pytest.approx(math.sqrt(4 / 3))
    assert r.ci_high - 6 == pytest.approx(4.3027 * math.sqrt(4 / 3), abs=1e-3)
    assert r.ci_low == pytest.approx(6 - 4.3027 * math.sqrt(4 / 3), abs=1e-3)


def test_did_refuses_too_few_controls_and_unpaired_values():
    with pytest.raises(ValueError, match="2 comparable schools without a partner, at least 3"):
        did_estimate([1], [2], [1, 1], [2, 2])
    with pytest.raises(ValueError, match="before has 2 schools and after 1"):
        did_estimate([1, 2], [2], [1, 1, 1], [2, 2, 2])
    with pytest.raises(ValueError, match="no supported school"):
        did_estimate([], [], [1, 1, 1], [2, 2, 2])
    with pytest.raises(ValueError, match="level"):
        did_estimate([1], [2], [1, 1, 1], [2, 2, 2], level=95)
    with pytest.raises(ValueError, match="min_controls: at least 2"):
        did_estimate([1], [2], [1], [2], min_controls=1)
    with pytest.raises(ValueError, match="bootstrap: at least 100"):
        did_estimate([1], [2], [1, 1, 1], [2, 2, 2], bootstrap=10)
    # with min_controls lowered, 2 controls are accepted
    assert did_estimate([1], [2], [1, 1], [2, 3], min_controls=2).estimate == Fraction(-1, 2)


def test_did_bootstrap_is_reproducible_with_its_seed():
    args = ([60, 62, 61], [70, 74, 69], [60, 61, 59, 62], [63, 63, 63, 66])
    a = did_estimate(*args, bootstrap=2000, seed=7)
    b = did_estimate(*args, bootstrap=2000, seed=7)
    assert a == b and a.method == "bootstrap" and a.df is None
    # treated changes 10, 12, 8 (mean 10); controls 3, 2, 4, 4 (mean 13/4): DiD 27/4
    assert a.estimate == Fraction(27, 4)
    assert a.ci_low < float(a.estimate) < a.ci_high
    assert 0 < a.se < 3


values = st.lists(st.integers(-100, 100), min_size=3, max_size=8)


@FAST
@given(values, values)
def test_did_of_identical_groups_is_zero(before, after):
    n = min(len(before), len(after))
    b, a = before[:n], after[:n]
    r = did_estimate(b, a, b, a)
    assert r.estimate == 0
    assert r.ci_low <= 0 <= r.ci_high


@FAST
@given(values, values, values, values, st.integers(-1000, 1000), st.integers(-50, 50))
def test_adding_a_constant_leaves_did_unchanged(tb, ta, cb, ca, c, g):
    nt, nc = min(len(tb), len(ta)), min(len(cb), len(ca))
    tb, ta, cb, ca = tb[:nt], ta[:nt], cb[:nc], ca[:nc]
    r = did_estimate(tb, ta, cb, ca)
    # the same constant everywhere
    s = did_estimate(*([v + c for v in xs] for xs in (tb, ta, cb, ca)))
    assert s.estimate == r.estimate
    assert s.se == pytest.approx(r.se, rel=1e-9, abs=1e-9)
    # a group level (a fixed effect of the treated group) cancels too
    f = did_estimate([v + g for v in tb], [v + g for v in ta], cb, ca)
    assert f.estimate == r.estimate


# --- 4. Dependence trend and exit --------------------------------------------------------------


def test_dependence_trend_worked_example():
    """Partner shares 50/100, 45/100, 30/100, 25/100 in 2021-2024.
    Centred years -1.5, -0.5, 0.5, 1.5 (Sxx = 5); shares' mean 0.375, deviations
    0.125, 0.075, -0.075, -0.125; Sxy = -0.1875 - 0.0375 - 0.0375 - 0.1875 = -0.45;
    slope = -0.45 / 5 = -0.09 a year. Fitted 0.51, 0.42, 0.33, 0.24: residuals -0.01, 0.03,
    -0.03, 0.01, SSR = 0.002; se = sqrt(0.002 / 2 / 5) = sqrt(0.0002) = 0.014142.
    Seconded FTE 4, 3, 3, 2 (mean 3, deviations 1, 0, 0, -1): Sxy = -1.5 - 1.5 = -3, slope -3/5.
    Years are given out of order on purpose."""
    t = dependence_trend([2024, 2021, 2023, 2022], [2, 4, 3, 3], [25, 50, 30, 45], [75, 50, 70, 55])
    assert t.years == (2021, 2022, 2023, 2024)
    assert t.shares == (Fraction(1, 2), Fraction(9, 20), Fraction(3, 10), Fraction(1, 4))
    assert t.slope == Fraction(-9, 100)
    assert t.slope_se == pytest.approx(math.sqrt(0.0002))
    assert t.fte_slope == Fraction(-3, 5)
    # the line passes through the means: 0.375 at 2022.5
    assert t.intercept + t.slope * Fraction(4045, 2) == Fraction(3, 8)


def test_two_years_have_a_slope_but_no_standard_error():
    t = dependence_trend([2024, 2025], [1, 1], [30, 20], [70, 80])
    assert t.slope == Fraction(-1, 10) and t.slope_se is None


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (([2024], [1], [1], [1]), "at least 2 distinct years"),
        (([2024, 2024], [1, 1], [1, 1], [1, 1]), "at least 2 distinct years"),
        (([2024, 2025], [1], [1, 1], [1, 1]), "same length"),
        (([2024, 2025], [1, 1], [0, 1], [0, 1]), "year 2024: no lessons"),
        (([2024, 2025], [1, 1], [-1, 1], [3, 1]), r"partner_lessons\[2024\]"),
    ],
)
def test_dependence_trend_refuses_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        dependence_trend(*args)


@FAST
@given(
    st.lists(st.integers(1, 50), min_size=3, max_size=8),
    st.lists(st.integers(0, 50), min_size=3, max_size=8),
)
def test_dependence_slope_sign_follows_the_shares(steps, partner):
    """Own lessons rising while partner lessons fall (not all equal shares): slope < 0;
    the mirror image (partner rising, own falling): slope > 0."""
    n = min(len(steps), len(partner))
    years = list(range(2015, 2015 + n))
    own = [sum(steps[: i + 1]) for i in range(n)]  # strictly rising
    part = sorted(partner[:n], reverse=True)  # non-increasing
    assume(part[0] > 0)  # otherwise the share is 0 throughout
    t = dependence_trend(years, [0] * n, part, own)
    assert t.slope < 0
    # the mirror: the partner's lessons rise and the school's own fall
    m = dependence_trend(years, [0] * n, own, part)
    assert m.shares == tuple(1 - s for s in t.shares)
    assert m.slope == -t.slope > 0


def _cap(year=2025, **kw):
    return capacity_index([CapacityInputs(year, **kw)])[0]


FALLING = dependence_trend([2023, 2024, 2025], [3, 2, 1], [40, 25, 15], [60, 75, 85])


def test_exit_ready_when_targets_met_and_dependence_falls():
    """Capacity: own 85/100 = 0.85 >= 3/4; last share 15/100 <= 1/5; slope
    (0.4 -> 0.25 -> 0.15) = (0.15 - 0.4) / 2 = -1/8 < 0."""
    d = exit_ready(_cap(own_lessons=85, partner_lessons=15), FALLING)
    assert d.ready and d.failed == () and d.slope == Fraction(-1, 8)


def test_exit_refused_with_every_failed_condition_named():
    rising = dependence_trend([2023, 2024, 2025], [1, 2, 3], [10, 20, 30], [90, 80, 70])
    cap = _cap(
        own_lessons=70, partner_lessons=30, students=500, backbone_teachers=4, satisfaction="0.51"
    )
    d = exit_ready(cap, rising)
    # index (3*0.7 + 2*0.8 + 0.51/0.85) / 6 = (2.1 + 1.6 + 0.6) / 6 = 4.3/6 < 3/4;
    # share 0.3 > 0.2; slope +0.1; both 2017 lines missed
    assert cap.index == Fraction(43, 60)
    assert not d.ready
    assert d.failed == (
        "index_below_target",
        "share_above_max",
        "dependence_not_falling",
        "backbone_below_line",
        "satisfaction_below_line",
    )
    # the lines are not checked when the rule says so, nor is a missing component a failure
    lenient = ExitRule(index_target=0, max_share=1, max_slope=1, require_lines=False)
    assert exit_ready(cap, rising, rule=lenient).ready


def test_exit_thresholds_are_exact_at_the_boundary():
    # own share exactly 3/4 and last partner share exactly 1/5 meet the rule
    t = dependence_trend([2024, 2025], [1, 1], [25, 20], [75, 80])
    assert exit_ready(_cap(own_lessons=3, partner_lessons=1), t).ready
    # a flat trend (slope 0) is not falling
    flat = dependence_trend([2024, 2025], [1, 1], [20, 20], [80, 80])
    assert exit_ready(_cap(own_lessons=4, partner_lessons=1), flat).failed == (
        "dependence_not_falling",
    )
    assert exit_ready(_cap(own_lessons=None), t).failed == ("index_missing",)


def test_exit_with_z_requires_a_trend_beyond_its_noise():
    """Shares 0.30, 0.10, 0.20, 0.05 (2022-2025), mean 0.1625, deviations 0.1375, -0.0625,
    0.0375, -0.1125: Sxy = -0.20625 + 0.03125 + 0.01875 - 0.16875 = -0.325, slope -0.065.
    Residuals 0.04, -0.095, 0.07, -0.015: SSR = 0.01575, se = sqrt(0.01575 / 2 / 5) = 0.03969.
    With z = 2: -0.065 + 0.0794 > 0, uncertain; with z = 1: -0.065 + 0.0397 < 0."""
    noisy = dependence_trend([2022, 2023, 2024, 2025], [1] * 4, [30, 10, 20, 5], [70, 90, 80, 95])
    assert noisy.slope == Fraction(-13, 200)
    assert noisy.slope_se == pytest.approx(math.sqrt(0.001575))
    cap = _cap(own_lessons=95, partner_lessons=5)
    assert exit_ready(cap, noisy).ready
    assert exit_ready(cap, noisy, rule=ExitRule(z=2)).failed == ("trend_uncertain",)
    assert exit_ready(cap, noisy, rule=ExitRule(z=1)).ready
    short = dependence_trend([2024, 2025], [1, 1], [20, 10], [80, 90])
    assert exit_ready(_cap(own_lessons=9, partner_lessons=1), short, rule=ExitRule(z=2)).failed == (
        "trend_too_short",
    )


def test_exit_refuses_mismatched_years_and_bad_rules():
    with pytest.raises(ValueError, match="capacity index is of 2024 but the trend ends in 2025"):
        exit_ready(_cap(2024, own_lessons=1, partner_lessons=0), FALLING)
    with pytest.raises(ValueError, match="rule.max_share"):
        ExitRule(max_share=2)
    with pytest.raises(ValueError, match="rule.z"):
        ExitRule(z=-1)
