"""``Obligation.min_subjects``: a quota in at least N subjects (Zhejiang's 教共体 minimum of 20
synchronous lessons in at least 2 subjects, docs/partnerships.md)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xietong.algorithms.capacity import LEVELS, Activity, Obligation, obligation_compliance

FAST = settings(max_examples=200, deadline=None, database=None)


def _one(ob, acts):
    (r,) = obligation_compliance([ob], acts)
    return r


def test_twenty_lessons_in_one_subject_are_unmet_in_two_they_are_met():
    """Worked example. Quota 20 lessons, partner-confirmed, in >= 2 subjects.
    A: 12 + 8 confirmed lessons of mathematics -> 20 counted, quota met, 1 subject: unmet.
    B: 12 confirmed mathematics + 8 verified Chinese -> 20 counted, 2 subjects: met.
    C: 19 confirmed mathematics + 5 self-reported Chinese -> 19 counted (self-reported does not
       count), and Chinese is not a counted subject: quota and subjects both unmet.
    D: 20 confirmed mathematics + 0 confirmed Chinese (no amount) -> Chinese does not count."""
    ob = Obligation("sync", "2025", 20, "lessons", "partner_confirmed", min_subjects=2)
    a = _one(
        ob,
        [
            Activity("sync", "2025", 12, "partner_confirmed", "math"),
            Activity("sync", "2025", 8, "partner_confirmed", "math"),
        ],
    )
    assert (a.counted, a.quota_met, a.subjects, a.subjects_met, a.met) == (
        Fraction(20),
        True,
        ("math",),
        False,
        False,
    )
    assert a.min_subjects == 2 and a.shortfall == 0
    b = _one(
        ob,
        [
            Activity("sync", "2025", 12, "partner_confirmed", "math"),
            Activity("sync", "2025", 8, "authority_verified", "chinese"),
        ],
    )
    assert (b.counted, b.subjects, b.quota_met, b.subjects_met, b.met) == (
        Fraction(20),
        ("chinese", "math"),
        True,
        True,
        True,
    )
    c = _one(
        ob,
        [
            Activity("sync", "2025", 19, "partner_confirmed", "math"),
            Activity("sync", "2025", 5, "self_reported", "chinese"),
        ],
    )
    assert (c.counted, c.subjects, c.quota_met, c.subjects_met, c.met) == (
        Fraction(19),
        ("math",),
        False,
        False,
        False,
    )
    d = _one(
        ob,
        [
            Activity("sync", "2025", 20, "partner_confirmed", "math"),
            Activity("sync", "2025", 0, "partner_confirmed", "chinese"),
        ],
    )
    assert d.subjects == ("math",) and not d.met


def test_no_minimum_and_activities_without_a_subject():
    ob = Obligation("sync", "2025", 2)
    r = _one(ob, [Activity("sync", "2025", 2, "partner_confirmed")])
    assert (r.met, r.subjects, r.subjects_met, r.min_subjects) == (True, (), True, 0)
    # a subject-less activity never counts as a subject
    r = _one(
        Obligation("sync", "2025", 2, min_subjects=1),
        [Activity("sync", "2025", 2, "partner_confirmed")],
    )
    assert (r.quota_met, r.subjects_met, r.met) == (True, False, False)


@pytest.mark.parametrize("bad", [-1, 1.5, "2", True])
def test_min_subjects_must_be_a_whole_non_negative_number(bad):
    with pytest.raises(ValueError, match=r"quota\[0\]\.min_subjects"):
        obligation_compliance([Obligation("sync", "2025", 20, min_subjects=bad)], [])


def test_subject_must_be_a_code():
    with pytest.raises(ValueError, match=r"delivered\[0\]\.subject"):
        obligation_compliance(
            [Obligation("sync", "2025", 1)], [Activity("sync", "2025", 1, subject=None)]
        )


SUBJECTS = st.sampled_from(["", "math", "chinese", "english", "science", "music"])
ACTS = st.lists(st.tuples(st.integers(0, 12), st.sampled_from(LEVELS), SUBJECTS), max_size=12)


@FAST
@given(
    acts=ACTS,
    quota=st.integers(0, 40),
    need=st.integers(0, 4),
    standard=st.sampled_from(LEVELS),
    extra=st.tuples(st.integers(0, 12), st.sampled_from(LEVELS), SUBJECTS),
)
def test_adding_a_lesson_never_turns_met_into_unmet(acts, quota, need, standard, extra):
    """Monotone: one more activity (in a new subject or not, at any level) never lowers the
    counted amount or the subjects covered, so a met obligation stays met."""
    ob = Obligation("sync", "2025", quota, standard=standard, min_subjects=need)
    before = _one(ob, [Activity("sync", "2025", n, lv, s) for n, lv, s in acts])
    after = _one(ob, [Activity("sync", "2025", n, lv, s) for n, lv, s in (*acts, extra)])
    assert after.counted >= before.counted
    assert set(before.subjects) <= set(after.subjects)
    if before.met:
        assert after.met
    assert before.met == (before.quota_met and before.subjects_met)


@FAST
@given(acts=ACTS, quota=st.integers(0, 40), standard=st.sampled_from(LEVELS))
def test_a_lesson_in_a_new_subject_at_the_standard_raises_the_subjects_by_one(
    acts, quota, standard
):
    ob = Obligation("sync", "2025", quota, standard=standard, min_subjects=3)
    rows = [Activity("sync", "2025", n, lv, s) for n, lv, s in acts]
    before = _one(ob, rows)
    after = _one(ob, [*rows, Activity("sync", "2025", 1, standard, "new-subject")])
    assert len(after.subjects) == len(before.subjects) + 1
    assert after.counted == before.counted + 1
