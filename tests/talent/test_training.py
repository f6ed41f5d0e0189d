import datetime as dt
from decimal import Decimal

import pytest

from xietong.accounts.scope import OutOfScope
from xietong.talent.circulation import credit_hours, enrol, enrolment_complete, programme_create


def _prog(tw, **kw):
    args = dict(
        area=tw["areas"]["jjj"],
        code="JJJ-1",
        title="京津冀数学骨干研修",
        credit_hours="24",
        starts=dt.date(2025, 7, 1),
        ends=dt.date(2025, 7, 10),
    )
    args.update(kw)
    return programme_create(actor=tw["users"]["jjj-sec"], **args)


def test_programme_enrol_complete_credits(tw):
    p = _prog(tw)
    e = enrol(programme=p, teacher=tw["teachers"]["a0"], actor=tw["users"]["teacher-a"])
    e2 = enrol(programme=p, teacher=tw["teachers"]["b0"], actor=tw["users"]["tongzhou"])
    enrolment_complete(enrolment=e, actor=tw["users"]["jjj-sec"])
    enrolment_complete(enrolment=e2, actor=tw["users"]["jjj-sec"])
    # the same hours count for a Hebei and a Beijing teacher alike
    assert credit_hours(tw["teachers"]["a0"]) == Decimal("24")
    assert credit_hours(tw["teachers"]["b0"]) == Decimal("24")


def test_wrong_user(tw):
    with pytest.raises(OutOfScope):
        programme_create(
            area=tw["areas"]["jjj"],
            code="X",
            title="t",
            credit_hours=1,
            starts=dt.date(2025, 1, 1),
            ends=dt.date(2025, 1, 2),
            actor=tw["users"]["langfang"],
        )
    p = _prog(tw)
    with pytest.raises(OutOfScope):
        enrol(programme=p, teacher=tw["teachers"]["b0"], actor=tw["users"]["teacher-a"])
    e = enrol(programme=p, teacher=tw["teachers"]["a0"], actor=tw["users"]["teacher-a"])
    with pytest.raises(OutOfScope):
        enrolment_complete(enrolment=e, actor=tw["users"]["school-a"])


def test_bad_input(tw):
    with pytest.raises(ValueError):
        _prog(tw, credit_hours="0")
    with pytest.raises(ValueError):
        _prog(tw, ends=dt.date(2025, 1, 1))
    p = _prog(tw, capacity=1)
    enrol(programme=p, teacher=tw["teachers"]["a0"], actor=None)
    with pytest.raises(ValueError, match="already"):
        enrol(programme=p, teacher=tw["teachers"]["a0"], actor=None)
    with pytest.raises(ValueError, match="full"):
        enrol(programme=p, teacher=tw["teachers"]["a1"], actor=None)


def test_teacher_outside_area_refused(tw):
    from xietong.talent.models import Teacher

    p = _prog(tw)
    t = Teacher.objects.create(
        code="TC", name="江苏教师", school=tw["schools"]["C"], subject="maths", stage="primary"
    )
    with pytest.raises(ValueError, match="not in"):
        enrol(programme=p, teacher=t, actor=None)
