"""Restricted and unrestricted net assets: a joint project's money is spent only on it and only up
to what was received for it (专款专用); donations earmarked by donors likewise; closing a project
releases what is left (《民间非营利组织会计制度》, 3101/3102; 财会〔2020〕9号)."""

from decimal import Decimal

import pytest

from xietong.accounts.scope import OutOfScope
from xietong.finance import closing, ledger, selectors, services
from xietong.finance.ledger import RestrictedFundExceeded
from xietong.finance.models import Disbursement, JournalEntry
from xietong.regions.models import Jurisdiction

from .conftest import JS, SH, D

PROJECT_FUND = "net:restricted:project:{}"


def _opening_cash(fund, amount="1000000.00"):
    """Unrestricted public money already in the pool (members' contributions)."""
    services.entry_post_manual(
        fund=fund,
        date=D,
        memo="opening",
        lines=[
            {"account": "cash:public", "debit": amount},
            {"account": "income:contributions", "credit": amount},
        ],
        actor=None,
    )


def _paid_project(fund, total="300000.00"):
    """A proportional project of 300,000.00 shared 1:2 by Shanghai and Jiangsu (100,000.00 and
    200,000.00), called and paid in full."""
    p = services.project_create(
        fund=fund,
        title="shared lab",
        programme="shared_resources",
        rule="proportional",
        participants=[SH, JS],
        inputs={"weights": {SH: 1, JS: 2}},
        total=total,
        actor=None,
    )
    p = services.project_freeze(project=p, actor=None)
    for c in p.charges.all():
        services.charge_approve(charge=c, actor=None)
    services.project_call(project=p, actor=None, date=D)
    for c in p.charges.all():
        services.payment_record(charge=c, amount=c.amount, date=D, actor=None)
    return p


def _spend(fund, amount, *, project=None, programme="shared_resources", **kw):
    return services.disbursement_record(
        fund=fund,
        programme=programme,
        function_code=kw.pop("function_code", "2050299"),
        label="spend",
        amount=amount,
        date=kw.pop("date", D),
        project=project,
        actor=None,
        **kw,
    )


def _entries():
    return JournalEntry.objects.count(), Disbursement.objects.count()


def test_project_receipts_limit_its_disbursements(fund):
    # the pool holds 1,000,000.00 of unrestricted contributions and the project's 300,000.00
    _opening_cash(fund)
    p = _paid_project(fund)
    code = PROJECT_FUND.format(p.pk)
    assert ledger.balance(fund, code) == Decimal("300000.00")
    assert ledger.balance(fund, "cash:public") == Decimal("1300000.00")
    # 300,001.00 is more than the project received, though the pool has 1,300,000.00: refused,
    # with the fund and the amounts named, and nothing written
    before = _entries()
    with pytest.raises(RestrictedFundExceeded, match=r"shared lab holds 300,000.00; 300,001.00"):
        _spend(fund, "300001.00", project=p)
    assert _entries() == before
    # all of it may be spent on the project
    _spend(fund, "300000.00", project=p)
    assert ledger.balance(fund, code) == 0
    assert ledger.balance(fund, "cash:public") == Decimal("1000000.00")
    assert ledger.trial_balance(fund)["balanced"]


def test_other_spending_cannot_use_a_projects_money(fund):
    _opening_cash(fund)
    _paid_project(fund)
    # cash 1,300,000.00, of which 300,000.00 belongs to the project: 1,000,000.00 is free
    with pytest.raises(ValueError, match=r"Only 1,000,000.00 is available"):
        _spend(fund, "1000000.01", programme="teacher_exchange", function_code="2050801")
    _spend(fund, "1000000.00", programme="teacher_exchange", function_code="2050801")
    totals = selectors.public_totals(fund)
    assert totals["cash_public"] == totals["restricted_public"] == Decimal("300000.00")


def test_round_earmarked_for_a_project_feeds_its_fund(fund):
    p = _paid_project(fund, total="300.00")
    r = services.round_create(
        fund=fund,
        title="top-up",
        year=2024,
        total="400.00",
        mix={"equal": 100},
        project=p,
        actor=None,
    )
    r = services.round_freeze(round=r, actor=None)
    for c in r.charges.all():
        services.charge_approve(charge=c, actor=None)
    services.round_call(round=r, actor=None, date=D)
    services.payment_record(charge=r.charges.get(member_id=SH), amount="100.00", date=D, actor=None)
    # 300.00 of shares + 100.00 of Shanghai's earmarked contribution
    assert ledger.balance(fund, PROJECT_FUND.format(p.pk)) == Decimal("400.00")
    other = services.project_create(
        fund=fund,
        title="other",
        programme="training",
        rule="proportional",
        participants=[SH, JS],
        inputs={"weights": {SH: 1, JS: 1}},
        total="10.00",
        actor=None,
    )
    with pytest.raises(ValueError, match="another fund"):
        services.round_create(
            fund=services.fund_open(area=_other_area(), actor=None),
            title="x",
            year=2024,
            total="1",
            mix={"equal": 100},
            project=other,
            actor=None,
        )


def _other_area():
    from xietong.regions.models import CooperationArea

    return CooperationArea.objects.get(slug="jjj")


def test_a_receipt_already_spent_cannot_be_reversed(fund):
    p = _paid_project(fund, total="300.00")
    _spend(fund, "250.00", project=p)
    payment = p.charges.get(member_id=JS).payments.get()  # 200.00; the fund holds 50.00
    with pytest.raises(RestrictedFundExceeded, match="holds 50.00; 200.00"):
        services.entry_reverse(entry=payment.entry, actor=None)
    assert not JournalEntry.objects.filter(reverses=payment.entry).exists()


def test_closing_a_project_releases_what_is_left(fund, world):
    p = _paid_project(fund, total="300.00")
    _spend(fund, "120.00", project=p)
    with pytest.raises(OutOfScope):
        closing.project_close(project=p, actor=world["users"]["jiangsu"])
    p = closing.project_close(project=p, reason="built", actor=world["users"]["yrd-sec"])
    assert p.status == "closed"
    # 300 - 120 = 180 released: the project's fund is empty, unrestricted net assets hold it
    assert ledger.balance(fund, PROJECT_FUND.format(p.pk)) == 0
    release = JournalEntry.objects.filter(fund=fund, kind="release").get()
    assert release.total_debit == Decimal("180.00")
    na = ledger.net_assets(fund)
    assert na["restricted_total"] == 0 and na["unrestricted"] == Decimal("180.00")
    with pytest.raises(ValueError, match="is Closed"):
        _spend(fund, "1.00", project=p)
    with pytest.raises(ValueError, match="can be closed"):
        closing.project_close(project=p, actor=None)


def test_earmarks_are_ledger_accounts_and_can_be_released(fund, world):
    donor = services.donor_create(fund=fund, name="F", kind="foundation", actor=None)
    services.donation_record(donor=donor, amount="300.00", date=D, earmark="training", actor=None)
    services.donation_record(donor=donor, amount="100.00", date=D, actor=None)
    assert ledger.balance(fund, "net:restricted:earmark:training") == Decimal("300.00")
    # training draws first on its earmark: 350 = 300 earmarked + 50 unrestricted
    _spend(fund, "350.00", programme="training", function_code="2050801", from_society=True)
    assert ledger.balance(fund, "net:restricted:earmark:training") == 0
    services.donation_record(
        donor=donor, amount="40.00", date=D, earmark="teacher_exchange", actor=None
    )
    rows = {r["code"]: r for r in selectors.restricted_funds(fund)}
    assert rows["net:restricted:earmark:training"]["received"] == Decimal("300.00")
    assert rows["net:restricted:earmark:training"]["used"] == Decimal("300.00")
    assert rows["net:restricted:earmark:teacher_exchange"]["balance"] == Decimal("40.00")
    # releasing needs a reason and the secretariat
    with pytest.raises(ValueError, match="Say why"):
        closing.earmark_release(fund=fund, programme="teacher_exchange", reason=" ", actor=None)
    with pytest.raises(OutOfScope):
        closing.earmark_release(
            fund=fund, programme="teacher_exchange", reason="x", actor=world["users"]["jiangsu"]
        )
    with pytest.raises(RestrictedFundExceeded):
        closing.earmark_release(
            fund=fund, programme="teacher_exchange", reason="consent", amount="40.01", actor=None
        )
    closing.earmark_release(
        fund=fund, programme="teacher_exchange", reason="donor's consent", actor=None
    )
    assert ledger.balance(fund, "net:restricted:earmark:teacher_exchange") == 0
    with pytest.raises(ValueError, match="Nothing is earmarked"):
        closing.earmark_release(fund=fund, programme="teacher_exchange", reason="x", actor=None)


def test_manual_entry_cannot_drain_a_restricted_fund(fund):
    p = _paid_project(fund, total="300.00")
    with pytest.raises(RestrictedFundExceeded):
        services.entry_post_manual(
            fund=fund,
            date=D,
            memo="move",
            lines=[
                {"account": PROJECT_FUND.format(p.pk), "debit": "300.01"},
                {"account": "net:unrestricted", "credit": "300.01"},
            ],
            actor=None,
        )


def test_restricted_funds_over_the_api(fund, world):
    from django.test import Client

    p = _paid_project(fund, total="300.00")
    c = Client()
    c.force_login(world["users"]["yrd-sec"])
    rows = c.get("/api/finance/funds/yrd/restricted-funds").json()
    assert rows == [
        {
            "code": PROJECT_FUND.format(p.pk),
            "kind": "project",
            "name": "Restricted net assets: joint project shared lab",
            "project": p.pk,
            "programme": "shared_resources",
            "closed": False,
            "society": False,
            "received": "300.00",
            "used": "0.00",
            "balance": "300.00",
        }
    ]
    resp = c.post(
        "/api/finance/funds/yrd/disbursements",
        {
            "programme": "shared_resources",
            "function_code": "2050299",
            "label": "too much",
            "amount": "300.01",
            "date": "2024-05-01",
            "project": p.pk,
        },
        content_type="application/json",
    )
    assert resp.status_code == 422 and "holds 300.00" in resp.json()["detail"]
    resp = c.post(
        f"/api/finance/funds/yrd/projects/{p.pk}/close",
        {"reason": "done"},
        content_type="application/json",
    )
    assert resp.status_code == 200 and resp.json()["status"] == "closed"
    page = c.get(f"/finance/yrd/projects/{p.pk}/").content.decode()
    assert 'id="restricted-balance">0.00<' in page
    assert Jurisdiction.objects.get(code=SH).display_name in page
    assert c.get("/finance/yrd/").status_code == 200


def test_bad_function_code(fund):
    _opening_cash(fund)
    with pytest.raises(ValueError, match="functional classification"):
        _spend(fund, "1.00", programme="training", function_code="2050")
    with pytest.raises(ValueError, match="functional classification"):
        _spend(fund, "1.00", programme="training", function_code="2010101")  # not education
    assert Disbursement.objects.count() == 0
