"""The fund's form pages: happy path, the wrong user, bad input (message shown, nothing written)."""

from decimal import Decimal

import pytest
from django.test import Client

from xietong.audit.models import AuditEntry
from xietong.finance import services
from xietong.finance.models import (
    Agreement,
    Charge,
    ContributionRound,
    Disbursement,
    Donation,
    Donor,
    FlowRecord,
    JointProject,
    JournalEntry,
    Payment,
    RoundWeight,
    Settlement,
    SettlementStatus,
    SettlementTransfer,
    Stage,
)
from xietong.regions.models import Jurisdiction

from .conftest import AH, JS, SH, ZJ, D


def _client(user=None):
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def _text(resp) -> str:
    return resp.content.decode()


@pytest.fixture
def sec(world):
    return _client(world["users"]["yrd-sec"])


def _counts():
    return (
        JournalEntry.objects.count(),
        AuditEntry.objects.count(),
        ContributionRound.objects.count(),
        Agreement.objects.count(),
        Settlement.objects.count(),
        Donation.objects.count(),
        Donor.objects.count(),
        Disbursement.objects.count(),
        JointProject.objects.count(),
        Payment.objects.count(),
        FlowRecord.objects.count(),
        RoundWeight.objects.count(),
    )


# ---- links on the fund page ------------------------------------------------------------------


def test_fund_page_links_forms_only_for_those_who_may_use_them(world, fund, bureaus):
    html = _text(_client(world["users"]["yrd-sec"]).get("/finance/yrd/"))
    for url in ("rounds/new/", "projects/new/", "agreements/new/", "settlements/new/"):
        assert f"/finance/yrd/{url}" in html
    assert "/finance/yrd/donations/new/" in html and "/finance/yrd/disbursements/new/" in html
    html = _text(_client(bureaus[SH]).get("/finance/yrd/"))
    assert "/finance/yrd/agreements/new/" in html  # a member's bureau proposes agreements
    assert "/finance/yrd/rounds/new/" not in html and "/finance/yrd/donations/new/" not in html
    # a bureau below a member (Nanjing) sees no per-member figures and no forms
    assert "/finance/yrd/agreements/new/" not in _text(
        _client(bureaus["320100000000"]).get("/finance/yrd/")
    )
    # and the form pages refuse them
    assert _client(bureaus[SH]).get("/finance/yrd/rounds/new/").status_code == 403
    assert _client(bureaus["320100000000"]).get("/finance/yrd/rounds/new/").status_code == 404
    assert _client().get("/finance/yrd/rounds/new/").status_code == 302  # log in first


# ---- contribution rounds ---------------------------------------------------------------------


def test_round_workflow_through_the_forms(world, fund, bureaus, sec):
    assert sec.get("/finance/yrd/rounds/new/").status_code == 200
    resp = sec.post(
        "/finance/yrd/rounds/new/",
        {
            "title": "2025 contributions",
            "year": 2025,
            "total": "1000000.00",
            "mix_students": "40",
            "mix_population": "30",
            "mix_gdp": "30",
        },
        follow=True,
    )
    r = ContributionRound.objects.get()
    assert r.mix == {"students": "40.00", "population": "30.00", "gdp": "30.00"}
    assert "Round created" in _text(resp)
    html = _text(resp)
    assert 'id="weights"' in html and 'name="students"' in html
    weights = {
        SH: ("150", "2487", "47219"),
        JS: ("1100", "8526", "128222"),
        ZJ: ("800", "6627", "82553"),
        AH: ("900", "6121", "47050"),
    }
    # a member's bureau enters its own weights
    s, p, g = weights[SH]
    resp = _client(bureaus[SH]).post(
        f"/finance/yrd/rounds/{r.pk}/weights/",
        {"member": SH, "students": s, "population": p, "gdp": g},
        follow=True,
    )
    assert "Weights of" in _text(resp)
    # ...but not another member's
    before = _counts()
    resp = _client(bureaus[SH]).post(
        f"/finance/yrd/rounds/{r.pk}/weights/",
        {"member": JS, "students": "1", "population": "1", "gdp": "1"},
        follow=True,
    )
    assert "may not" in _text(resp) and _counts() == before
    # bad input: a message, nothing written
    resp = sec.post(
        f"/finance/yrd/rounds/{r.pk}/weights/",
        {"member": JS, "students": "many", "population": "1", "gdp": "1"},
        follow=True,
    )
    assert "not a number" in _text(resp) and _counts() == before
    for code in (JS, ZJ, AH):
        s, p, g = weights[code]
        sec.post(
            f"/finance/yrd/rounds/{r.pk}/weights/",
            {"member": code, "students": s, "population": p, "gdp": g},
        )
    assert RoundWeight.objects.filter(round=r).count() == 12
    # only the secretariat freezes
    resp = _client(bureaus[SH]).post(f"/finance/yrd/rounds/{r.pk}/freeze/", follow=True)
    assert "may not" in _text(resp) and ContributionRound.objects.get().status == Stage.DRAFT
    resp = sec.post(f"/finance/yrd/rounds/{r.pk}/freeze/", follow=True)
    assert "Rule frozen" in _text(resp)
    assert ContributionRound.objects.get().status == Stage.FROZEN
    # calling before the approvals: a message, nothing posted
    n = JournalEntry.objects.count()
    resp = sec.post(f"/finance/yrd/rounds/{r.pk}/call/", {"date": "2025-03-01"}, follow=True)
    assert "Waiting for the approval" in _text(resp) and JournalEntry.objects.count() == n
    for c in Charge.objects.filter(round=r):
        services.charge_approve(charge=c, actor=None)
    resp = sec.post(
        f"/finance/yrd/rounds/{r.pk}/call/",
        {"date": "2025-03-01", "due_date": "2025-06-30"},
        follow=True,
    )
    assert "called for payment" in _text(resp)
    r.refresh_from_db()
    assert r.status == Stage.CALLED and str(r.due_date) == "2025-06-30"
    assert "/pay/" in _text(sec.get(f"/finance/yrd/rounds/{r.pk}/"))


def test_round_create_bad_input_and_wrong_user(world, fund, bureaus, sec):
    before = _counts()
    # no rule at all: the service's message, nothing written
    resp = sec.post("/finance/yrd/rounds/new/", {"title": "x", "year": 2025, "total": "100"})
    assert resp.status_code == 400 and "Give the rule" in _text(resp)
    # more than two decimals: the form refuses it
    resp = sec.post(
        "/finance/yrd/rounds/new/",
        {"title": "x", "year": 2025, "total": "100.001", "mix_equal": "100"},
    )
    assert resp.status_code == 400 and "nothing was saved" in _text(resp)
    resp = _client(bureaus[SH]).post(
        "/finance/yrd/rounds/new/", {"title": "x", "year": 2025, "total": "100", "mix_equal": "100"}
    )
    assert resp.status_code == 403 and "may not" in _text(resp)
    assert _counts() == before


def test_payment_form(world, called_round, bureaus, sec):
    charge = called_round.charges.get(member_id=SH)
    page = _text(_client(bureaus[SH]).get(f"/finance/yrd/rounds/{called_round.pk}/"))
    assert f"/finance/yrd/charges/{charge.pk}/pay/" in page
    assert f"/finance/yrd/charges/{called_round.charges.get(member_id=JS).pk}/pay/" not in page
    resp = _client(bureaus[SH]).post(
        f"/finance/yrd/charges/{charge.pk}/pay/",
        {"amount": "1000.00", "date": "2024-04-01"},
        follow=True,
    )
    assert "Payment recorded" in _text(resp)
    assert services.charge_paid(charge) == 1000
    before = _counts()
    # the wrong member
    other = called_round.charges.get(member_id=JS)
    resp = _client(bureaus[SH]).post(
        f"/finance/yrd/charges/{other.pk}/pay/", {"amount": "10", "date": "2024-04-01"}, follow=True
    )
    assert "may not" in _text(resp)
    # bad input: more than is due, a negative amount, no date
    resp = sec.post(
        f"/finance/yrd/charges/{charge.pk}/pay/",
        {"amount": "99999999.00", "date": "2024-04-01"},
        follow=True,
    )
    assert "still due" in _text(resp)
    resp = sec.post(f"/finance/yrd/charges/{charge.pk}/pay/", {"amount": "-5"}, follow=True)
    assert "Give a positive amount" in _text(resp)
    assert _counts() == before
    # the secretariat records a payment for any member
    sec.post(f"/finance/yrd/charges/{other.pk}/pay/", {"amount": "10", "date": "2024-04-01"})
    assert services.charge_paid(other) == 10


# ---- agreements and settlements --------------------------------------------------------------


def test_agreement_settlement_workflow_through_the_forms(world, fund, bureaus, sec):
    a = _agreement_proposed_and_approved(bureaus)
    _flows_recorded(a, bureaus, sec)
    s, t = _settlement_approved(bureaus, sec)
    _transfer_paid(s, t, bureaus, sec)


def _agreement_proposed_and_approved(bureaus):
    # Shanghai's bureau proposes; the rates are typed one stage per line
    assert _client(bureaus[SH]).get("/finance/yrd/agreements/new/").status_code == 200
    resp = _client(bureaus[SH]).post(
        "/finance/yrd/agreements/new/",
        {
            "kind": "tuition",
            "title": "Shanghai pupils in Jiangsu",
            "payer": SH,
            "payee": JS,
            "rates": "primary 5000\nmiddle: 6000.50",
        },
        follow=True,
    )
    a = Agreement.objects.get()
    assert a.rates == {"primary": "5000.00", "middle": "6000.50"}
    assert "Agreement proposed" in _text(resp) and 'id="approve-agreement"' in _text(resp)
    # flows cannot be recorded before both sides approve: no flow form yet
    assert 'id="flow-form"' not in _text(resp)
    resp = _client(bureaus[SH]).post(f"/finance/yrd/agreements/{a.pk}/approve/", follow=True)
    assert "approved for your side" in _text(resp)
    # Zhejiang is not a side
    resp = _client(bureaus[ZJ]).post(f"/finance/yrd/agreements/{a.pk}/approve/", follow=True)
    assert "may not" in _text(resp)
    a.refresh_from_db()
    assert a.payee_approved_at is None
    _client(bureaus[JS]).post(f"/finance/yrd/agreements/{a.pk}/approve/")
    a.refresh_from_db()
    assert a.is_active
    page = _text(_client(bureaus[JS]).get(f"/finance/yrd/agreements/{a.pk}/"))
    assert 'id="flow-form"' in page and 'id="approve-agreement"' not in page
    return a


def _flows_recorded(a, bureaus, sec):
    resp = _client(bureaus[JS]).post(
        f"/finance/yrd/agreements/{a.pk}/flows/",
        {"period": "2024", "stage": "primary", "count": 10},
        follow=True,
    )
    assert "Flows recorded" in _text(resp)
    before = _counts()
    # bad input: unknown stage, bad period, negative count; wrong user
    for data in (
        {"period": "2024", "stage": "college", "count": 1},
        {"period": "2024", "stage": "primary", "count": -1},
    ):
        resp = sec.post(f"/finance/yrd/agreements/{a.pk}/flows/", data, follow=True)
        assert "Give a period" in _text(resp)
    resp = sec.post(
        f"/finance/yrd/agreements/{a.pk}/flows/",
        {"period": "someday", "stage": "primary", "count": 1},
        follow=True,
    )
    assert resp.redirect_chain and "someday" in _text(resp)
    resp = _client(bureaus[ZJ]).post(
        f"/finance/yrd/agreements/{a.pk}/flows/",
        {"period": "2024", "stage": "primary", "count": 1},
        follow=True,
    )
    assert "may not" in _text(resp)
    assert _counts() == before


def _settlement_approved(bureaus, sec):
    # the secretariat proposes the settlement of 2024
    assert _client(bureaus[SH]).get("/finance/yrd/settlements/new/").status_code == 403
    resp = sec.post(
        "/finance/yrd/settlements/new/", {"period": "2025", "method": "auto"}, follow=True
    )
    assert "no unsettled flows" in _text(resp) and Settlement.objects.count() == 0
    resp = _client(bureaus[SH]).post(
        "/finance/yrd/settlements/new/", {"period": "2024", "method": "auto"}
    )
    assert resp.status_code == 403 and Settlement.objects.count() == 0
    resp = sec.post(
        "/finance/yrd/settlements/new/", {"period": "2024", "method": "auto"}, follow=True
    )
    s = Settlement.objects.get()
    assert "Settlement proposed" in _text(resp)
    for code in (SH, JS):
        _client(bureaus[code]).post(f"/finance/yrd/settlements/{s.pk}/approve/")
    s.refresh_from_db()
    assert s.status == SettlementStatus.APPROVED
    t = SettlementTransfer.objects.get()
    assert t.payer_id == SH and t.amount == 50000
    return s, t


def _transfer_paid(s, t, bureaus, sec):
    # the payee cannot mark the payer's transfer paid, and sees no button
    page = _text(_client(bureaus[JS]).get(f"/finance/yrd/settlements/{s.pk}/"))
    assert f"/finance/yrd/transfers/{t.pk}/paid/" not in page
    resp = _client(bureaus[JS]).post(f"/finance/yrd/transfers/{t.pk}/paid/", follow=True)
    assert "may not" in _text(resp)
    t.refresh_from_db()
    assert t.paid_entry_id is None
    page = _text(_client(bureaus[SH]).get(f"/finance/yrd/settlements/{s.pk}/"))
    assert f"/finance/yrd/transfers/{t.pk}/paid/" in page
    resp = _client(bureaus[SH]).post(
        f"/finance/yrd/transfers/{t.pk}/paid/", {"date": "2024-12-31"}, follow=True
    )
    assert "recorded as paid" in _text(resp)
    s.refresh_from_db()
    assert s.status == SettlementStatus.SETTLED
    # twice: a message, nothing posted
    n = JournalEntry.objects.count()
    resp = sec.post(f"/finance/yrd/transfers/{t.pk}/paid/", follow=True)
    assert 'class="error"' in _text(resp) and JournalEntry.objects.count() == n


def test_agreement_bad_input_and_wrong_user(world, fund, bureaus, sec):
    before = _counts()
    base = {"kind": "tuition", "title": "x", "payer": SH, "payee": JS}
    resp = sec.post("/finance/yrd/agreements/new/", {**base, "rates": "primary"})
    assert resp.status_code == 400 and "write a name and a number" in _text(resp)
    resp = sec.post("/finance/yrd/agreements/new/", {**base, "rates": "primary -5"})
    assert resp.status_code == 400 and "Rates must be positive" in _text(resp)
    resp = sec.post("/finance/yrd/agreements/new/", {**base, "payee": SH, "rates": "a 1"})
    assert resp.status_code == 400 and "two different members" in _text(resp)
    # Zhejiang is neither side
    resp = _client(bureaus[ZJ]).post("/finance/yrd/agreements/new/", {**base, "rates": "a 1"})
    assert resp.status_code == 403 and "may not" in _text(resp)
    # a bureau outside the area does not even see the fund's pages
    langfang = _client(world["users"]["langfang"])
    assert (
        langfang.post("/finance/yrd/agreements/new/", {**base, "rates": "a 1"}).status_code == 404
    )
    assert _counts() == before


# ---- donations and disbursements -------------------------------------------------------------


def test_donation_form(world, fund, bureaus, sec):
    assert sec.get("/finance/yrd/donations/new/").status_code == 200
    resp = sec.post(
        "/finance/yrd/donations/new/",
        {
            "new_donor": "Jiangnan Foundation",
            "new_donor_kind": "foundation",
            "amount": "20000.00",
            "date": "2024-05-01",
            "earmark": "training",
        },
        follow=True,
    )
    assert "Donation recorded" in _text(resp)
    d = Donation.objects.get()
    assert d.earmark == "training" and d.donor.name == "Jiangnan Foundation"
    resp = sec.post(
        "/finance/yrd/donations/new/",
        {"donor": d.donor_id, "amount": "5.00", "date": "2024-05-02"},
        follow=True,
    )
    assert Donation.objects.count() == 2 and Donation.objects.first().earmark == ""
    before = _counts()
    # bad input: no donor, both donors, zero amount, unknown earmark; a new donor is not kept
    # when the donation fails
    for data, msg in (
        ({"amount": "5", "date": "2024-05-02"}, "Choose a donor"),
        (
            {"donor": d.donor_id, "new_donor": "Y", "amount": "5", "date": "2024-05-02"},
            "Choose a donor",
        ),
        ({"new_donor": "Z", "amount": "0", "date": "2024-05-02"}, "nothing was saved"),
        (
            {"new_donor": "Z", "amount": "5", "date": "2024-05-02", "earmark": "x"},
            "nothing was saved",
        ),
    ):
        resp = sec.post("/finance/yrd/donations/new/", data)
        assert resp.status_code == 400 and msg in _text(resp), data
    resp = _client(bureaus[SH]).post(
        "/finance/yrd/donations/new/", {"new_donor": "Z", "amount": "5", "date": "2024-05-02"}
    )
    assert resp.status_code == 403 and "may not" in _text(resp)
    assert _counts() == before


def test_disbursement_form(world, called_round, bureaus, sec):
    services.payment_record(
        charge=called_round.charges.get(member_id=SH), amount="1000.00", date=D, actor=None
    )
    assert sec.get("/finance/yrd/disbursements/new/").status_code == 200
    resp = sec.post(
        "/finance/yrd/disbursements/new/",
        {
            "programme": "training",
            "function_code": "2050801",
            "label": "Summer school",
            "amount": "400.00",
            "date": "2024-06-01",
            "beneficiary": JS,
        },
        follow=True,
    )
    assert "Disbursement recorded" in _text(resp)
    x = Disbursement.objects.get()
    assert x.beneficiary == Jurisdiction.objects.get(code=JS) and x.amount == 400
    before = _counts()
    base = {
        "programme": "training",
        "function_code": "2050801",
        "label": "More",
        "date": "2024-06-01",
    }
    resp = sec.post("/finance/yrd/disbursements/new/", {**base, "amount": "700.00"})
    assert resp.status_code == 400 and "Only 600.00 is available" in _text(resp)
    resp = sec.post("/finance/yrd/disbursements/new/", {**base, "amount": "abc"})
    assert resp.status_code == 400 and "nothing was saved" in _text(resp)
    resp = _client(bureaus[SH]).post("/finance/yrd/disbursements/new/", {**base, "amount": "1"})
    assert resp.status_code == 403 and "may not" in _text(resp)
    assert _counts() == before


# ---- joint projects --------------------------------------------------------------------------


def test_project_forms(world, fund, bureaus, sec):
    page = _text(sec.get("/finance/yrd/projects/new/"))
    assert 'id="shapley-note"' in page and "/api/docs" in page
    resp = sec.post(
        "/finance/yrd/projects/new/",
        {
            "title": "Shared platform",
            "programme": "shared_resources",
            "rule": "airport",
            "values": f"{SH} 100\n{JS} 300\n{ZJ} 300",
        },
        follow=True,
    )
    p = JointProject.objects.get()
    assert "Project created" in _text(resp) and p.total == 300
    resp = sec.post(f"/finance/yrd/projects/{p.pk}/freeze/", follow=True)
    assert "Shares computed" in _text(resp)
    amounts = {c.member_id: c.amount for c in p.charges.all()}
    assert sum(amounts.values()) == 300
    assert Decimal("33.33") <= amounts[SH] <= Decimal("33.34")
    assert Decimal("133.33") <= amounts[JS] <= Decimal("133.34")
    for c in p.charges.all():
        services.charge_approve(charge=c, actor=None)
    resp = sec.post(f"/finance/yrd/projects/{p.pk}/call/", {"date": "2024-07-01"}, follow=True)
    assert "called for payment" in _text(resp)
    p.refresh_from_db()
    assert p.status == Stage.CALLED
    # proportional
    sec.post(
        "/finance/yrd/projects/new/",
        {
            "title": "Joint research",
            "programme": "joint_project",
            "rule": "proportional",
            "total": "1000.00",
            "values": f"{SH} 1\n{AH} 3",
        },
    )
    assert JointProject.objects.get(title="Joint research").total == 1000
    before = _counts()
    # bad input: proportional without total, a non-member, one participant; the wrong user
    base = {"title": "x", "programme": "joint_project", "rule": "proportional"}
    resp = sec.post("/finance/yrd/projects/new/", {**base, "values": f"{SH} 1\n{JS} 1"})
    assert resp.status_code == 400 and "needs a total" in _text(resp)
    resp = sec.post(
        "/finance/yrd/projects/new/", {**base, "total": "10", "values": f"{SH} 1\n110000000000 1"}
    )
    assert resp.status_code == 400 and "not a member" in _text(resp)
    resp = sec.post("/finance/yrd/projects/new/", {**base, "total": "10", "values": f"{SH} 1"})
    assert resp.status_code == 400 and "at least two" in _text(resp)
    resp = _client(bureaus[SH]).post(
        "/finance/yrd/projects/new/", {**base, "total": "10", "values": f"{SH} 1\n{JS} 1"}
    )
    assert resp.status_code == 403
    resp = _client(bureaus[SH]).post(f"/finance/yrd/projects/{p.pk}/freeze/", follow=True)
    assert "may not" in _text(resp)
    assert _counts() == before
