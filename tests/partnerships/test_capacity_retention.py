"""Retention after 1 and 3 years of the teachers a supported school's partner trained, from
talent's training enrolments and school history (worked examples with known answers)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from xietong.accounts.scope import OutOfScope
from xietong.algorithms.capacity import capacity_index
from xietong.partnerships.capacity import Ref, capacity_inputs
from xietong.partnerships.services import training_programme_attach
from xietong.talent.circulation import enrol, enrolment_complete, programme_create
from xietong.talent.models import SchoolChange
from xietong.talent.selectors import school_histories
from xietong.talent.services import teacher_school_change

from ..talent.conftest import talent_world


def _programme(world, code, ends):
    return programme_create(
        area=world["areas"]["tongwulang"],
        code=code,
        title=code,
        credit_hours=24,
        starts=date(ends.year, 3, 1),
        ends=ends,
        actor=None,
    )


def _trained(programme, *teachers, complete=True):
    out = []
    for t in teachers:
        e = enrol(programme=programme, teacher=t, actor=None)
        out.append(enrolment_complete(enrolment=e, actor=None) if complete else e)
    return out


@pytest.fixture
def rw(world, active):
    """Pairing of Tongzhou B (lead) and Langfang A (supported). P1 (ended 15 July 2022) and
    P2 (ended 30 June 2024) are the cooperation's programmes; P3 is not linked to it.

    - b3 moved from B to A on 10 January 2022 and then took P1 as A's teacher;
    - a0, a1, a2, a3 completed P1; a3 left for Wuqing D on 1 March 2023 (within a year),
      a2 left for B on 1 September 2024 (after one year, within three);
    - P2: a0 completed, a1 enrolled but never completed; b0 (of the lead school B) completed;
    - P3: a1 completed (not the partner's training)."""
    tw = talent_world(world)
    coop, _, _ = active
    t, s = tw["teachers"], tw["schools"]
    teacher_school_change(teacher=t["b3"], to_school=s["A"], on=date(2022, 1, 10), actor=None)
    p1 = _programme(tw, "P1", date(2022, 7, 15))
    p2 = _programme(tw, "P2", date(2024, 6, 30))
    p3 = _programme(tw, "P3", date(2022, 7, 15))
    for p in (p1, p2):
        training_programme_attach(actor=None, cooperation=coop, programme=p)
    e1 = _trained(p1, t["a0"], t["a1"], t["a2"], t["a3"], t["b3"])
    e2 = _trained(p2, t["a0"], t["b0"])
    _trained(p2, t["a1"], complete=False)
    _trained(p3, t["a1"])
    m3 = teacher_school_change(teacher=t["a3"], to_school=s["D"], on=date(2023, 3, 1), actor=None)
    m2 = teacher_school_change(teacher=t["a2"], to_school=s["B"], on=date(2024, 9, 1), actor=None)
    return {**tw, "e1": e1, "e2": e2, "m2": m2, "m3": m3}


def test_retention_after_one_and_three_years(rw):
    """2023, one year after P1: 5 trained (a0-a3 and b3), 4 still at A (a3 left): 4/5.
    2025, three years after P1: 2 of them gone (a2, a3): 3/5; one year after P2: a0 only (b0
    is the lead school's, a1 never completed): 1/1. 2024 has no cohort: both stay empty."""
    t, a = rw["teachers"], rw["schools"]["A"]
    y23, y24, y25 = capacity_inputs(a, [2023, 2024, 2025])
    assert (y23.inputs.trained_1y, y23.inputs.retained_1y) == (5, 4)
    assert (y23.inputs.trained_3y, y23.inputs.retained_3y) == (None, None)
    assert (y24.inputs.trained_1y, y24.inputs.trained_3y) == (None, None)
    assert (y25.inputs.trained_1y, y25.inputs.retained_1y) == (1, 1)
    assert (y25.inputs.trained_3y, y25.inputs.retained_3y) == (5, 3)
    p1 = rw["e1"][0].programme_id
    assert set(y23.trace["trained_1y"]) == {Ref("talent.enrolment", e.pk, p1) for e in rw["e1"]}
    assert set(y25.trace["retained_3y"]) == {
        Ref("talent.teacher", t["a0"].pk),
        Ref("talent.teacher", t["a1"].pk),
        Ref("talent.teacher", t["b3"].pk),
        Ref("talent.schoolchange", rw["m2"].pk),
        Ref("talent.schoolchange", rw["m3"].pk),
    }
    r23, r25 = capacity_index([y23.inputs, y25.inputs])
    assert r23.component("retention_1y").value == Fraction(4, 5)
    assert r25.component("retention_3y").value == Fraction(3, 5)
    assert r25.component("retention_1y").value == 1


def test_the_school_a_teacher_left_does_not_count_her_later_training(rw):
    """a3 is at Wuqing D since March 2023: D's partner trained nobody, and A's 2023 cohort
    still counts her (she was A's when P1 ended)."""
    d = rw["schools"]["D"]
    (y23,) = capacity_inputs(d, [2023])
    assert y23.inputs.trained_1y is None


def test_a_cohort_whose_years_are_not_over_is_not_counted(rw, active):
    """A programme that ended last month has no one-year answer yet."""
    from django.utils import timezone

    coop, _, _ = active
    today = timezone.localdate()
    ends = date(today.year, today.month, 1) if today.day > 1 else date(today.year, 1, 1)
    p = _programme(rw, "P-now", ends)
    training_programme_attach(actor=None, cooperation=coop, programme=p)
    _trained(p, rw["teachers"]["a0"])
    (y,) = capacity_inputs(rw["schools"]["A"], [ends.year + 1])
    assert y.inputs.trained_1y is None


def test_capacity_page_links_the_enrolments_and_teachers(rw, client):
    client.force_login(rw["users"]["langfang"])
    a = rw["schools"]["A"]
    from xietong.schools.services import statistics_set

    statistics_set(school=a, year=2023, values={"students": 500}, actor=None)
    page = client.get(f"/schools/{a.code}/capacity/").content.decode()
    assert 'href="/talent/training/"' in page
    body = client.get(f"/api/schools/{a.code}/capacity").json()
    y23 = next(y for y in body["years"] if y["year"] == 2023)
    assert (y23["inputs"]["trained_1y"], y23["inputs"]["retained_1y"]) == ("5", "4")
    assert {r["model"] for r in y23["records"]["trained_1y"]} == {"talent.enrolment"}


# ---- the school history itself (talent) --------------------------------------------------------
def test_school_history_tells_the_school_on_a_date(rw):
    t, s = rw["teachers"], rw["schools"]
    h = school_histories(teacher_ids=[t["a2"].pk, t["a0"].pk])
    assert h[t["a2"].pk].school_on(date(2024, 8, 31)) == s["A"].pk
    assert h[t["a2"].pk].school_on(date(2024, 9, 1)) == s["B"].pk  # a move counts from its date
    assert h[t["a0"].pk].school_on(date(2000, 1, 1)) == s["A"].pk  # never moved
    t["a2"].refresh_from_db()
    assert (t["a2"].school_id, t["a2"].years_at_school) == (s["B"].pk, 0)


def test_school_change_is_scoped_audited_and_checked(rw):
    from xietong.audit.models import AuditEntry

    t, s, u = rw["teachers"], rw["schools"], rw["users"]
    with pytest.raises(OutOfScope):  # Tongzhou's bureau does not act for Langfang's school
        teacher_school_change(
            teacher=t["a0"], to_school=s["B"], on=date(2025, 1, 1), actor=u["tongzhou"]
        )
    with pytest.raises(ValueError, match="future"):
        teacher_school_change(teacher=t["a0"], to_school=s["B"], on=date(2999, 1, 1), actor=None)
    with pytest.raises(ValueError, match="already at"):
        teacher_school_change(teacher=t["a0"], to_school=s["A"], on=date(2025, 1, 1), actor=None)
    with pytest.raises(ValueError, match="2024-09-01"):  # a2 moved on 1 September 2024
        teacher_school_change(teacher=t["a2"], to_school=s["A"], on=date(2024, 1, 1), actor=None)
    m = teacher_school_change(
        teacher=t["a0"], to_school=s["B"], on=date(2025, 1, 1), actor=u["school-a"]
    )
    assert SchoolChange.objects.filter(teacher=t["a0"]).get() == m
    ev = AuditEntry.objects.filter(action="teacher.school_change", object_id=t["a0"].code).get()
    assert ev.before["school"] == s["A"].code and ev.after["school"] == s["B"].code
