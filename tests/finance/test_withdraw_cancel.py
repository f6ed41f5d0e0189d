"""Withdrawing a draft round or project; cancelling a call for payment before any receipt."""

import json
from decimal import Decimal

import pytest
from django.test import Client

from xietong.accounts.scope import OutOfScope
from xietong.audit.models import AuditEntry
from xietong.finance import ledger, services
from xietong.finance.models import Charge, EntryKind, JournalEntry, Stage
from xietong.regions.models import Jurisdiction

from .conftest import AH, JS, SH, ZJ, D


def _client(user=None):
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def _post(c, url, data=None):
    return c.post(url, json.dumps(data or {}), content_type="application/json")


def _draft_round(fund):
    return services.round_create(
        fund=fund, title="draft", year=2025, total="100.00", mix={"equal": 100}, actor=None
    )


def _draft_project(fund):
    return services.project_create(
        fund=fund,
        title="lab",
        programme="joint_project",
        rule="proportional",
        participants=[SH, JS],
        inputs={"weights": {SH: 1, JS: 3}},
        total="400.00",
        actor=None,
    )


def _called_project(fund):
    p = services.project_freeze(project=_draft_project(fund), actor=None)
    for c in p.charges.all():
        services.charge_approve(charge=c, actor=None)
    return services.project_call(project=p, actor=None, date=D)


# ---- withdrawing a draft -------------------------------------------------------------------


def test_withdraw_draft_round_and_project(world, fund, bureaus):
    r, p = _draft_round(fund), _draft_project(fund)
    with pytest.raises(OutOfScope):  # a member's bureau does not manage the fund
        services.draft_withdraw(source=r, actor=bureaus[SH])
    n_entries, n_audit = JournalEntry.objects.count(), AuditEntry.objects.count()
    r = services.draft_withdraw(source=r, actor=world["users"]["yrd-sec"], reason="typo")
    p = services.draft_withdraw(source=p, actor=None)
    assert r.status == p.status == Stage.WITHDRAWN
    assert JournalEntry.objects.count() == n_entries  # a draft posted nothing
    assert AuditEntry.objects.count() == n_audit + 2
    a = AuditEntry.objects.filter(action="finance.round_withdraw").get()
    assert a.after["reason"] == "typo"
    # a withdrawn draft is finished: no weights, no freezing, no second withdrawal
    with pytest.raises(ValueError, match="frozen"):
        services.round_weights_set(
            round=r,
            member=Jurisdiction.objects.get(code=JS),
            values={"students": 1},
            actor=None,
        )
    with pytest.raises(ValueError, match="already frozen"):
        services.round_freeze(round=r, actor=None)
    with pytest.raises(ValueError, match="already frozen"):
        services.project_freeze(project=p, actor=None)
    with pytest.raises(ValueError, match="already withdrawn"):
        services.draft_withdraw(source=r, actor=None)


def test_withdraw_refused_once_frozen(world, fund, called_round):
    p = services.project_freeze(project=_draft_project(fund), actor=None)
    for source in (p, called_round):
        with pytest.raises(ValueError, match="Only a draft"):
            services.draft_withdraw(source=source, actor=None)
    assert Charge.objects.filter(project=p).count() == 2


# ---- cancelling a call ---------------------------------------------------------------------


def test_cancel_call_reverses_it_and_allows_a_new_call(world, fund, called_round, bureaus):
    r = called_round
    call = JournalEntry.objects.get(kind=EntryKind.CALL)
    with pytest.raises(OutOfScope):
        services.call_cancel(source=r, actor=bureaus[SH])
    r = services.call_cancel(source=r, actor=world["users"]["yrd-sec"], reason="wrong date")
    assert r.status == Stage.FROZEN and r.due_date is None
    rev = JournalEntry.objects.get(kind=EntryKind.REVERSAL)
    assert rev.reverses_id == call.pk and rev.total_debit == call.total_debit
    for code in (SH, JS, ZJ, AH):
        assert ledger.balance(fund, f"recv:{code}") == 0
    assert ledger.balance(fund, "income:contributions") == 0
    assert ledger.trial_balance(fund)["balanced"]
    charges = list(r.charges.all())
    assert all(c.call_entry_id is None and c.approved_at for c in charges)  # still approved
    a = AuditEntry.objects.get(action="finance.round_call_cancel")
    assert a.after["reversals"] == [rev.number] and a.after["reason"] == "wrong date"
    with pytest.raises(ValueError, match="not been called"):
        services.payment_record(charge=charges[0], amount="1.00", date=D, actor=None)
    with pytest.raises(ValueError, match="Only a call"):
        services.call_cancel(source=r, actor=None)
    r = services.round_call(round=r, actor=None, date=D)  # called again
    assert r.status == Stage.CALLED
    assert ledger.balance(fund, "income:contributions") == Decimal("1000000.00")


def test_cancel_call_refused_after_a_receipt(world, fund, called_round):
    charge = called_round.charges.first()
    pay = services.payment_record(charge=charge, amount="10.00", date=D, actor=None)
    n = JournalEntry.objects.count()
    with pytest.raises(ValueError, match="already been received"):
        services.call_cancel(source=called_round, actor=None)
    assert JournalEntry.objects.count() == n
    called_round.refresh_from_db()
    assert called_round.status == Stage.CALLED
    # once the receipt is reversed (recorded in error), the call may be cancelled
    services.entry_reverse(entry=pay.entry, actor=None)
    assert services.call_cancel(source=called_round, actor=None).status == Stage.FROZEN
    assert ledger.trial_balance(fund)["balanced"]


def test_cancel_project_call(world, fund):
    p = services.call_cancel(source=_called_project(fund), actor=None)
    assert p.status == Stage.FROZEN
    assert ledger.balance(fund, "income:projects") == 0


# ---- through the forms and the API ---------------------------------------------------------


def test_forms_and_api(world, fund, called_round, bureaus):
    sec = _client(world["users"]["yrd-sec"])
    r = _draft_round(fund)
    page = sec.get(f"/finance/yrd/rounds/{r.pk}/").content.decode()
    assert 'id="withdraw"' in page
    assert (
        'id="withdraw"'
        not in _client(bureaus[SH]).get(f"/finance/yrd/rounds/{r.pk}/").content.decode()
    )
    resp = _client(bureaus[SH]).post(f"/finance/yrd/rounds/{r.pk}/withdraw/", follow=True)
    assert "may not" in resp.content.decode()
    r.refresh_from_db()
    assert r.status == Stage.DRAFT
    resp = sec.post(f"/finance/yrd/rounds/{r.pk}/withdraw/", {"reason": "x"}, follow=True)
    assert "Draft withdrawn" in resp.content.decode()
    r.refresh_from_db()
    assert r.status == Stage.WITHDRAWN
    # the called round: button shown; a receipt makes the cancellation refused with a message
    page = sec.get(f"/finance/yrd/rounds/{called_round.pk}/").content.decode()
    assert 'id="cancel-call"' in page
    charge = called_round.charges.first()
    services.payment_record(charge=charge, amount="1.00", date=D, actor=None)
    resp = sec.post(f"/finance/yrd/rounds/{called_round.pk}/cancel-call/", follow=True)
    assert "already been received" in resp.content.decode()
    # projects through the API
    p = _draft_project(fund)
    api = _client(world["users"]["yrd-sec"])
    resp = _post(_client(bureaus[SH]), f"/api/finance/funds/yrd/projects/{p.pk}/withdraw")
    assert resp.status_code == 403
    resp = _post(api, f"/api/finance/funds/yrd/projects/{p.pk}/withdraw", {"reason": "dup"})
    assert resp.status_code == 200 and resp.json()["status"] == "withdrawn"
    p2 = _called_project(fund)
    resp = _post(api, f"/api/finance/funds/yrd/projects/{p2.pk}/cancel-call")
    assert resp.status_code == 200 and resp.json()["status"] == "frozen"
    resp = _post(api, f"/api/finance/funds/yrd/projects/{p2.pk}/cancel-call")
    assert resp.status_code in (400, 422)
    resp = _post(api, f"/api/finance/funds/yrd/rounds/{called_round.pk}/cancel-call")
    assert resp.status_code in (400, 422) and "received" in resp.content.decode()
