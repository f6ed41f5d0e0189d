"""Fund links (issue 14): a finance disbursement, or a donation earmarked for a cooperation,
names the cooperation it funds; partnerships links it as a ``funding`` activity of its amount
in yuan (once), the portfolio adds the money up per cooperation / task / plan, the cooperation
page and API list it with links to the finance records."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from django.contrib.messages import get_messages

from xietong.accounts.scope import OutOfScope, scope_for
from xietong.audit.models import AuditEntry
from xietong.finance import services as finance
from xietong.finance.models import Disbursement, Donation, JournalEntry
from xietong.partnerships.models import Activity
from xietong.partnerships.services import activities_link, activity_record, cooperation_establish
from xietong.regions.models import Jurisdiction

from .conftest import client_of

JS, ZJ, SH = "320000000000", "330000000000", "310000000000"


@pytest.fixture
def yrd(world):
    """A YRD fund with 1,000,000.00 yuan of society's money (unearmarked) and 200,000.00
    earmarked for training; a Shanghai-Jiangsu pairing set up by the YRD secretariat, 2024-2026
    (school F in Huangpu, Shanghai, lead; school C in Nantong, Jiangsu, supported); a user of
    school C."""
    from xietong.accounts.models import Role
    from xietong.accounts.services import role_grant, user_create
    from xietong.schools.models import School

    u = world["users"]
    fund = finance.fund_open(area=world["areas"]["yrd"], actor=None)
    donor = finance.donor_create(fund=fund, name="某基金会", kind="foundation", actor=None)
    finance.donation_record(donor=donor, amount="1000000.00", date=dt.date(2024, 1, 5), actor=None)
    f = School.objects.create(
        code="310101000006",
        name_zh="黄浦区第一小学",
        stage="primary",
        county_id="310101000000",
        location="urban",
        ownership="public",
        longitude=121.5,
        latitude=31.2,
    )
    coop = cooperation_establish(
        actor=u["yrd-sec"],
        fields={
            "code": "YRD-T-1",
            "kind": "pairing",
            "title_zh": "沪苏结对",
            "area": world["areas"]["yrd"],
            "term_start": dt.date(2024, 1, 1),
            "term_end": dt.date(2026, 12, 31),
        },
        parties=[
            {"role": "lead", "school": f},
            {"role": "supported", "school": world["schools"]["C"]},
        ],
    )
    school_c = user_create(username="school-c", password="kestrel-harbour-42", actor=None)
    role_grant(user=school_c, role=Role.SCHOOL, school=world["schools"]["C"], actor=None)
    return {"fund": fund, "donor": donor, "coop": coop, "school_c": school_c}


def _disburse(yrd, actor, **kw):
    args = {
        "fund": yrd["fund"],
        "programme": "teacher_exchange",
        "function_code": "2050202",
        "label": "沪苏交流补助",
        "amount": "300000.00",
        "date": dt.date(2024, 9, 1),
        "from_society": True,
        "beneficiary": Jurisdiction.objects.get(code=JS),
        "cooperation": yrd["coop"],
        "actor": actor,
    }
    return finance.disbursement_record(**{**args, **kw})


def _give(yrd, actor, **kw):
    args = {
        "donor": yrd["donor"],
        "amount": "50000.00",
        "date": dt.date(2024, 10, 1),
        "earmark": "training",
        "cooperation": yrd["coop"],
        "actor": actor,
    }
    return finance.donation_record(**{**args, **kw})


def test_records_name_the_cooperation_and_the_link_adds_them_once(world, yrd):
    sec = world["users"]["yrd-sec"]
    d = _disburse(yrd, sec)
    g = _give(yrd, sec)
    assert (d.cooperation, g.cooperation) == (yrd["coop"], yrd["coop"])
    audit = AuditEntry.objects.get(action="finance.disbursement_record", object_id=str(d.pk))
    assert audit.after["cooperation"] == "YRD-T-1"
    audit = AuditEntry.objects.get(action="finance.donation_record", object_id=str(g.pk))
    assert audit.after["cooperation"] == "YRD-T-1"
    assert activities_link(actor=sec, cooperation=yrd["coop"]) == 2
    rows = {
        a.source_app: a for a in Activity.objects.filter(cooperation=yrd["coop"], kind="funding")
    }
    dis, don = rows["finance.Disbursement"], rows["finance.Donation"]
    assert (dis.source_id, dis.quantity, dis.date) == (str(d.pk), Decimal("300000.00"), d.date)
    assert dis.recipient.school == world["schools"]["C"]  # the one party in Jiangsu
    assert dis.obligation is None and dis.provider is None
    assert (don.source_id, don.quantity, don.date) == (str(g.pk), Decimal("50000.00"), g.date)
    links = AuditEntry.objects.filter(action="partnerships.activity_link").count()
    # idempotent: nothing is added, nothing audited, the second time
    assert activities_link(actor=sec, cooperation=yrd["coop"]) == 0
    assert Activity.objects.filter(cooperation=yrd["coop"], kind="funding").count() == 2
    assert AuditEntry.objects.filter(action="partnerships.activity_link").count() == links


def test_a_reversed_disbursement_is_not_linked_and_is_removed_once_reversed(world, yrd):
    sec = world["users"]["yrd-sec"]
    d = _disburse(yrd, sec)
    finance.entry_reverse(entry=d.entry, actor=sec, memo="wrong programme")
    assert activities_link(actor=sec, cooperation=yrd["coop"]) == 0
    assert not Activity.objects.filter(kind="funding").exists()
    # linked first, reversed afterwards: the next link removes it and says so in its audit entry
    g = _give(yrd, sec)
    assert activities_link(actor=sec, cooperation=yrd["coop"]) == 1
    finance.entry_reverse(entry=g.entry, actor=sec, memo="returned to the donor")
    assert activities_link(actor=sec, cooperation=yrd["coop"]) == 0
    assert not Activity.objects.filter(kind="funding").exists()
    last = AuditEntry.objects.filter(action="partnerships.activity_link").order_by("-pk").first()
    assert last.after["removed"] == [f"finance.Donation:{g.pk}"] and last.after["added"] == 0


def _counts():
    return (
        Disbursement.objects.count(),
        Donation.objects.count(),
        JournalEntry.objects.count(),
        AuditEntry.objects.count(),
    )


def test_wrong_user_and_wrong_cooperation_are_refused_with_nothing_written(world, yrd, active):
    u = world["users"]
    before = _counts()
    with pytest.raises(OutOfScope):  # a member's bureau does not manage the fund
        _disburse(yrd, u["jiangsu"])
    with pytest.raises(OutOfScope):  # a cooperation the fund's secretariat does not see (TWL)
        _disburse(yrd, u["yrd-sec"], cooperation=active[0])
    with pytest.raises(ValueError, match="has no party in"):  # no party in Zhejiang
        _disburse(yrd, u["yrd-sec"], beneficiary=Jurisdiction.objects.get(code=ZJ))
    with pytest.raises(ValueError, match="outside the term"):
        _disburse(yrd, u["yrd-sec"], date=dt.date(2023, 12, 31))
    with pytest.raises(ValueError, match="earmarked for a programme too"):
        _give(yrd, u["yrd-sec"], earmark="")
    with pytest.raises(OutOfScope):
        _give(yrd, u["yrd-sec"], cooperation=active[0])
    assert _counts() == before
    # only a manager of the cooperation links
    _disburse(yrd, u["yrd-sec"])
    with pytest.raises(OutOfScope):
        activities_link(actor=yrd["school_c"], cooperation=yrd["coop"])
    assert not Activity.objects.filter(kind="funding").exists()


def test_funding_is_not_typed_by_hand(world, yrd):
    with pytest.raises(ValueError, match="funding is linked"):
        activity_record(
            actor=None, cooperation=yrd["coop"], kind="funding", date="2024-05-01", amount=1
        )


def test_the_roll_up_adds_money_per_cooperation_apart_from_measures(world, yrd):
    from xietong.partnerships.portfolio import cooperations_visible
    from xietong.partnerships.portfolio_tree import portfolio_tree

    sec = world["users"]["yrd-sec"]
    _disburse(yrd, sec)
    _disburse(yrd, sec, amount="0.10", label="零头", date=dt.date(2025, 1, 2))
    _give(yrd, sec)
    activities_link(actor=sec, cooperation=yrd["coop"])
    scope = scope_for(sec)
    area = world["areas"]["yrd"]
    tree, _items = portfolio_tree(
        scope=scope,
        area=area,
        cooperations=cooperations_visible(scope).filter(area=area),
        period="2024",
        user=sec,
    )
    (unplanned,) = tree.children
    (coop,) = unplanned.children
    for node in (tree, unplanned, coop):
        assert node.amounts == {
            "disbursed": Fraction("300000.10"),
            "donated": Fraction(50000),
        }, node.key
        assert node.valued == {"disbursed": 2, "donated": 1}
        assert node.records == 3
    page = client_of(sec).get("/partnerships/portfolio/yrd/").content.decode()
    tree_html = page.split('<div id="tree">')[1]
    assert "Disbursed (yuan) 300,000.10" in tree_html
    assert "Donated, earmarked (yuan) 50,000.00" in tree_html


def test_cooperation_page_and_api_list_the_funding_with_links_for_fund_readers(world, yrd):
    sec = world["users"]["yrd-sec"]
    d = _disburse(yrd, sec)
    g = _give(yrd, sec)
    # the manager links from the page (one button, a message with the count)
    r = client_of(sec).post(f"/partnerships/{yrd['coop'].pk}/link/")
    assert r.status_code == 302
    assert [str(m) for m in get_messages(r.wsgi_request)] == ["2 records linked."]
    r = client_of(yrd["school_c"]).post(f"/partnerships/{yrd['coop'].pk}/link/")
    assert [m.level_tag for m in get_messages(r.wsgi_request)] == ["error"]
    html = client_of(sec).get(f"/partnerships/{yrd['coop'].pk}/").content.decode()
    table = html.split('<table id="funding">')[1].split("</table>")[0]
    assert f'href="/finance/yrd/#disbursement-{d.pk}"' in table
    assert f'href="/finance/yrd/#donation-{g.pk}"' in table
    assert "300,000.00" in table and "沪苏交流补助" in table and "某基金会" in table
    assert 'id="funding-disbursed">300,000.00' in table
    assert 'id="funding-donated">50,000.00' in table
    # a party school sees its cooperation's funding but not the fund's records
    html = client_of(yrd["school_c"]).get(f"/partnerships/{yrd['coop'].pk}/").content.decode()
    table = html.split('<table id="funding">')[1].split("</table>")[0]
    assert "300,000.00" in table and "/finance/" not in table
    api = client_of(sec).get(f"/api/partnerships/{yrd['coop'].pk}").json()
    assert api["funding_totals"] == {"disbursed": "300000.00", "donated": "50000.00"}
    by_kind = {f["kind"]: f for f in api["funding"]}
    assert by_kind["disbursement"]["record_url"] == f"/finance/yrd/#disbursement-{d.pk}"
    assert by_kind["disbursement"]["amount"] == "300000.00"
    assert by_kind["donation"]["source_id"] == str(g.pk)
    api = client_of(yrd["school_c"]).get(f"/api/partnerships/{yrd['coop'].pk}").json()
    assert {f["record_url"] for f in api["funding"]} == {None}
    # the IATI-like export: one transaction per linked record, 3 Disbursement / 1 Incoming Funds
    iati = client_of(sec).get("/api/partnerships/export/iati?area=yrd").json()
    (act,) = [x for x in iati["iati-activity"] if x["iati-identifier"].endswith("YRD-T-1")]
    assert [
        (t["transaction-type"]["code"], t["transaction-date"]["iso-date"], t["value"]["text"])
        for t in act["transaction"]
    ] == [("3", "2024-09-01", "300000"), ("1", "2024-10-01", "50000")]
    assert act["transaction"][0]["value"]["currency"] == "CNY"
    # the fund's page names the cooperation on the record's row
    fund_html = client_of(sec).get("/finance/yrd/").content.decode()
    row = fund_html.split(f'<tr id="disbursement-{d.pk}">')[1].split("</tr>")[0]
    assert f'href="/partnerships/{yrd["coop"].pk}/"' in row and "YRD-T-1" in row


def test_finance_api_and_form_take_the_cooperation_by_code(world, yrd, pairing):
    sec = world["users"]["yrd-sec"]
    c = client_of(sec)
    body = {
        "programme": "teacher_exchange",
        "function_code": "2050202",
        "label": "API",
        "amount": "1000.00",
        "date": "2024-09-02",
        "from_society": True,
        "beneficiary": JS,
        "cooperation": "YRD-T-1",
    }
    r = c.post("/api/finance/funds/yrd/disbursements", body, content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["cooperation"] == "YRD-T-1"
    listed = c.get("/api/finance/funds/yrd/disbursements").json()["items"]
    assert {x["cooperation"] for x in listed} == {"YRD-T-1"}
    for code in ("NOPE", pairing.code):  # unknown, and out of the secretariat's sight
        r = c.post(
            "/api/finance/funds/yrd/disbursements",
            {**body, "cooperation": code},
            content_type="application/json",
        )
        assert r.status_code == 422 and "no cooperation" in r.json()["detail"], r.content
    r = c.post(
        "/api/finance/funds/yrd/donations",
        {
            "donor": yrd["donor"].pk,
            "amount": "10.00",
            "date": "2024-10-02",
            "earmark": "training",
            "cooperation": "YRD-T-1",
        },
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["cooperation"] == "YRD-T-1", r.content
    form = c.get("/finance/yrd/disbursements/new/").content.decode()
    assert 'name="cooperation"' in form and "YRD-T-1" in form
    r = c.post(
        "/finance/yrd/disbursements/new/",
        {**body, "label": "表单", "from_society": "on", "date": "2024-09-03"},
    )
    assert r.status_code == 302, r.content.decode()[-800:]
    assert Disbursement.objects.get(label="表单").cooperation == yrd["coop"]
