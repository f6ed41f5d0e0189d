"""Cooperation services: set-up, hash-bound approvals, activities, compliance, links, expiry."""

import datetime as dt
from decimal import Decimal

import pytest

from xietong.accounts.scope import OutOfScope
from xietong.audit.models import AuditEntry
from xietong.partnerships.models import (
    Activity,
    Approval,
    ComplianceResult,
    Cooperation,
    ExpiryNotice,
    Status,
)
from xietong.partnerships.services import (
    LifecycleError,
    activities_link,
    activity_confirm,
    activity_record,
    activity_verify,
    agreement_approve,
    agreement_edit,
    canonical_json,
    compliance_compute,
    content_hash,
    cooperation_establish,
    cooperation_exit,
    cooperation_propose,
    cooperation_renew,
    cooperation_suspend,
    current_version,
    expiry_notices_send,
    missing_approvals,
    obligation_set,
)

from .conftest import approve_all


def test_propose_creates_parties_and_version_one(pairing):
    assert pairing.origin == "bottom_up" and pairing.status == Status.PROPOSED
    assert pairing.lead.role == "lead" and pairing.lead.jurisdiction_code == "110112000000"
    v = current_version(pairing)
    assert v.number == 1 and v.content_hash == content_hash(v.content)
    assert AuditEntry.objects.filter(action="partnerships.propose").count() == 1


def test_propose_refuses_another_school_and_bad_input(world):
    s, u = world["schools"], world["users"]
    fields = {
        "code": "X-1",
        "kind": "pairing",
        "title_zh": "x",
        "term_start": "2025-01-01",
        "term_end": "2026-01-01",
    }
    parties = [{"role": "lead", "school": s["B"]}, {"role": "supported", "school": s["A"]}]
    with pytest.raises(OutOfScope):
        cooperation_propose(actor=u["school-a"], school=s["B"], fields=fields, parties=parties)
    with pytest.raises(ValueError, match="kind: nonsense is not a known code"):
        cooperation_propose(
            actor=u["school-a"],
            school=s["A"],
            fields={**fields, "kind": "nonsense"},
            parties=parties,
        )
    with pytest.raises(ValueError, match="term end: before the term start"):
        cooperation_propose(
            actor=u["school-a"],
            school=s["A"],
            fields={**fields, "term_end": "2024-01-01"},
            parties=parties,
        )
    with pytest.raises(ValueError, match="at least two parties"):
        cooperation_propose(actor=u["school-a"], school=s["A"], fields=fields, parties=parties[1:])
    assert not Cooperation.objects.exists()


def test_establish_top_down_by_secretariat_not_by_other_area(world):
    s, u = world["schools"], world["users"]
    fields = {
        "code": "TWL-2025-010",
        "kind": "community_collab",
        "title_zh": "教共体",
        "area": world["areas"]["tongwulang"],
        "term_start": "2025-01-01",
        "term_end": "2027-12-31",
    }
    parties = [
        {"role": "lead", "school": s["B"]},
        {"role": "member", "school": s["D"]},
        {"role": "member", "school": s["A"]},
    ]
    with pytest.raises(OutOfScope):
        cooperation_establish(actor=u["yrd-sec"], fields=fields, parties=parties)
    c = cooperation_establish(actor=u["twl-sec"], fields=fields, parties=parties)
    assert c.origin == "top_down" and c.parties.count() == 3


def test_canonical_hash_ignores_key_order():
    assert canonical_json({"b": 1, "a": "通"}) == '{"a":"通","b":1}'
    assert content_hash({"b": 1, "a": 2}) == content_hash({"a": 2, "b": 1})


def test_active_only_when_every_party_and_bureau_approved(pairing, users):
    h = current_version(pairing).content_hash
    a = pairing.parties.get(role="supported")
    agreement_approve(actor=users["school-a"], cooperation=pairing, party=a, content_hash=h)
    pairing.refresh_from_db()
    assert pairing.status == Status.PROPOSED and len(missing_approvals(pairing)) == 3
    approve_all_rest = [p for p in missing_approvals(pairing)]
    assert {r for r, _p, _j in approve_all_rest} == {"party", "bureau"}
    with pytest.raises(OutOfScope):  # Tongzhou's bureau is not above a Langfang school
        agreement_approve(
            actor=users["tongzhou"], cooperation=pairing, party=a, content_hash=h, as_bureau=True
        )
    with pytest.raises(LifecycleError, match="Already approved"):
        agreement_approve(actor=users["school-a"], cooperation=pairing, party=a, content_hash=h)


def test_edit_voids_approvals_and_keeps_history(active, users):
    coop, a, b = active
    assert coop.status == Status.ACTIVE
    old = current_version(coop)
    content = {**old.content, "clause": "每学期同步课堂不少于10节"}
    v2 = agreement_edit(actor=users["school-a"], cooperation=coop, content=content)
    coop.refresh_from_db()
    assert v2.number == 2 and v2.content_hash != old.content_hash
    assert coop.status == Status.PROPOSED  # no longer in force
    assert Approval.objects.filter(version=old).count() == 4  # history kept, bound to v1
    assert set(Approval.objects.filter(version=old).values_list("content_hash", flat=True)) == {
        old.content_hash
    }
    assert len(missing_approvals(coop)) == 4
    with pytest.raises(LifecycleError, match="agreement changed"):
        agreement_approve(
            actor=users["school-a"], cooperation=coop, party=a, content_hash=old.content_hash
        )
    with pytest.raises(ValueError, match="unchanged"):
        agreement_edit(actor=users["school-a"], cooperation=coop, content=content)
    approve_all(coop, users)
    assert coop.status == Status.ACTIVE


def test_edit_refused_to_outsider(active, users):
    coop, _a, _b = active
    with pytest.raises(OutOfScope):
        agreement_edit(actor=users["jiangsu"], cooperation=coop, content={"x": 1})


def test_activity_three_levels_and_compliance_computed(active, users):
    coop, a, b = active
    ob = obligation_set(
        actor=users["twl-sec"],
        cooperation=coop,
        code="sync",
        measure="lessons",
        quota=20,
        standard="partner_confirmed",
    )
    acts = [
        activity_record(
            actor=users["tongzhou"],
            cooperation=coop,
            kind="sync_lesson",
            date=dt.date(2025, m, 10),
            amount=6,
            obligation=ob,
            provider=b,
            recipient=a,
            subject="math",
        )
        for m in (3, 4, 5, 10)
    ]
    assert all(x.level == "self_reported" for x in acts)
    for x in acts[:3]:
        activity_confirm(actor=users["school-a"], activity=x)  # the partner confirms
    activity_verify(actor=users["langfang"], activity=acts[0])  # the bureau above A verifies
    with pytest.raises(LifecycleError):
        activity_verify(actor=users["langfang"], activity=acts[3])  # not confirmed yet
    [r] = compliance_compute(actor=users["twl-sec"], cooperation=coop, period="2025")
    assert r.totals == {"self_reported": "6", "partner_confirmed": "12", "authority_verified": "6"}
    assert r.counted == Decimal(18) and r.met is False  # 18 of 20: the self-reported 6 do not count
    activity_confirm(actor=users["school-a"], activity=acts[3])
    [r] = compliance_compute(actor=users["twl-sec"], cooperation=coop, period="2025")
    assert r.counted == Decimal(24) and r.met is True
    assert ComplianceResult.objects.count() == 1  # recomputed in place


def test_confirm_refused_to_the_reporter_and_outsiders(active, users):
    coop, a, b = active
    act = activity_record(
        actor=users["tongzhou"],
        cooperation=coop,
        kind="visit",
        date="2025-06-01",
        amount=1,
        provider=b,
        recipient=a,
    )
    with pytest.raises(OutOfScope):
        activity_confirm(actor=users["tongzhou"], activity=act)
    with pytest.raises(OutOfScope):
        activity_confirm(actor=users["jiangsu"], activity=act)
    with pytest.raises(OutOfScope):
        activity_verify(actor=users["school-a"], activity=act)


def test_activity_bad_input(active, users):
    coop, a, b = active
    with pytest.raises(ValueError, match="quantity: -1 is out of range"):
        activity_record(
            actor=users["school-a"], cooperation=coop, kind="visit", date="2025-06-01", amount=-1
        )
    with pytest.raises(ValueError, match="date: 2030-01-01 is outside the term"):
        activity_record(
            actor=users["school-a"], cooperation=coop, kind="visit", date="2030-01-01", amount=1
        )
    with pytest.raises(ValueError, match="period: 2025-3"):
        compliance_compute(actor=users["twl-sec"], cooperation=coop, period="2025-3")
    assert not Activity.objects.exists()


def test_activity_before_in_force_refused(pairing, users):
    with pytest.raises(LifecycleError):
        activity_record(
            actor=users["school-a"], cooperation=pairing, kind="visit", date="2025-06-01", amount=1
        )


def test_suspend_exit_renew_with_reason(active, users):
    coop, _a, _b = active
    with pytest.raises(OutOfScope):
        cooperation_suspend(actor=users["jiangsu"], cooperation=coop, reason="obligations_unmet")
    with pytest.raises(ValueError, match="reason"):
        cooperation_suspend(actor=users["twl-sec"], cooperation=coop, reason="because")
    cooperation_suspend(actor=users["twl-sec"], cooperation=coop, reason="obligations_unmet")
    coop.refresh_from_db()
    assert (coop.status, coop.status_reason) == ("suspended", "obligations_unmet")
    cooperation_renew(actor=users["twl-sec"], cooperation=coop, term_end="2030-12-31")
    coop.refresh_from_db()
    assert coop.renewal_round == 1 and coop.status == "proposed"
    assert current_version(coop).number == 2
    cooperation_exit(actor=users["tongzhou"], cooperation=coop, reason="goals_met")
    coop.refresh_from_db()
    assert coop.status == "exited"
    with pytest.raises(LifecycleError):
        cooperation_suspend(actor=users["twl-sec"], cooperation=coop, reason="other")


def test_link_appointments_idempotent(active, users, world):
    from xietong.talent.models import Appointment, Teacher

    coop, a, b = active
    t = Teacher.objects.create(
        code="T-B-1", name="张老师", school=world["schools"]["B"], subject="math", stage="primary"
    )
    Appointment.objects.create(
        teacher=t, school=world["schools"]["A"], weekly_hours=20, starts=dt.date(2025, 9, 1)
    )
    assert activities_link(actor=users["twl-sec"], cooperation=coop) == 1
    assert activities_link(actor=users["twl-sec"], cooperation=coop) == 0
    [act] = Activity.objects.filter(source_app="talent.Appointment")
    assert act.quantity == Decimal("0.50") and act.provider == b and act.recipient == a
    with pytest.raises(OutOfScope):
        activities_link(actor=users["school-a"], cooperation=coop)


def test_expiry_notices_90_and_30_days_once_each(active):
    coop, _a, _b = active
    end = coop.term_end
    assert expiry_notices_send(end - dt.timedelta(days=120)) == 0
    assert expiry_notices_send(end - dt.timedelta(days=80)) == 1
    assert expiry_notices_send(end - dt.timedelta(days=70)) == 0
    assert expiry_notices_send(end - dt.timedelta(days=20)) == 1
    assert expiry_notices_send(end - dt.timedelta(days=10)) == 0
    assert sorted(ExpiryNotice.objects.values_list("days_before", flat=True)) == [30, 90]
