"""Fund pages: position, contributions, round, project, settlement, statement with CSV/XLSX."""

import io

import pytest
from django.test import Client

from xietong.finance.demo import finance_demo_load
from xietong.finance.models import Charge, ContributionRound, JointProject, Settlement

from .conftest import JS, SH


@pytest.fixture
def demo(world):
    return finance_demo_load()


def _client(user=None):
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def test_secretariat_sees_everything(demo, world):
    c = _client(world["users"]["yrd-sec"])
    assert c.get("/finance/").status_code == 200
    html = c.get("/finance/yrd/").content.decode()
    assert 'id="trial-balance"' in html and 'id="donations"' in html and "plotly" in html.lower()
    html = c.get("/finance/yrd/contributions/").content.decode()
    assert 'id="contributions"' in html
    csv = c.get("/finance/yrd/contributions/?format=csv")
    assert csv["Content-Type"] == "text/csv" and SH in csv.content.decode()
    r = ContributionRound.objects.get()
    assert "pays" in c.get(f"/finance/yrd/rounds/{r.pk}/").content.decode()
    p = JointProject.objects.get()
    assert "Shapley" in c.get(f"/finance/yrd/projects/{p.pk}/").content.decode()
    s = Settlement.objects.get()
    html = c.get(f"/finance/yrd/settlements/{s.pk}/").content.decode()
    assert "sankey" in html and 'id="transfers"' in html
    assert c.get(f"/finance/yrd/settlements/{s.pk}/?format=csv").status_code == 200
    st = c.get(f"/finance/yrd/statements/{SH}/?period=2024")
    assert st.status_code == 200 and 'id="closing"' in st.content.decode()


def test_statement_exports(demo, world):
    c = _client(world["users"]["jiangsu"])
    csv = c.get(f"/finance/yrd/statements/{JS}/?period=2024&format=csv").content.decode()
    assert csv.splitlines()[0].startswith("date,number") and "opening" in csv and "closing" in csv
    x = c.get(f"/finance/yrd/statements/{JS}/?period=2024&format=xlsx")
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(x.content)).active
    assert ws.cell(1, 1).value == "date" and ws.max_row >= 4
    # bad period: a message and the current year, not an error
    assert c.get(f"/finance/yrd/statements/{JS}/?period=someday").status_code == 200


def test_member_sees_fund_but_only_its_own_statement(demo, world):
    c = _client(world["users"]["jiangsu"])
    assert c.get("/finance/yrd/").status_code == 200
    assert c.get(f"/finance/yrd/statements/{JS}/").status_code == 200
    assert c.get(f"/finance/yrd/statements/{SH}/").status_code == 404


def test_public_sees_published_totals_only(demo, world):
    for c in (_client(), _client(world["users"]["public"]), _client(world["users"]["langfang"])):
        html = c.get("/finance/yrd/").content.decode()
        assert 'id="cash-public"' in html and 'id="trial-balance"' not in html
        assert c.get("/finance/yrd/contributions/").status_code == 404
        assert c.get(f"/finance/yrd/statements/{SH}/").status_code == 404
        assert c.get(f"/finance/yrd/settlements/{Settlement.objects.get().pk}/").status_code == 404
    assert _client().get("/finance/jjj/").status_code == 404  # no fund there


def test_approve_share_from_the_page(world, fund, bureaus):
    from xietong.finance import services

    r = services.round_create(
        fund=fund, title="r", year=2024, total="100", mix={"equal": 100}, actor=None
    )
    r = services.round_freeze(round=r, actor=None)
    charge = r.charges.get(member_id=SH)
    c = _client(bureaus[SH])
    html = c.get(f"/finance/yrd/rounds/{r.pk}/").content.decode()
    assert f"/finance/yrd/charges/{charge.pk}/approve/" in html  # Shanghai's button only
    assert f"/finance/yrd/charges/{r.charges.get(member_id=JS).pk}/approve/" not in html
    resp = c.post(f"/finance/yrd/charges/{charge.pk}/approve/")
    assert resp.status_code == 302
    assert Charge.objects.get(pk=charge.pk).approved_at is not None
    # the wrong member gets a message, nothing changes
    other = r.charges.get(member_id=JS)
    c.post(f"/finance/yrd/charges/{other.pk}/approve/")
    assert Charge.objects.get(pk=other.pk).approved_at is None
    # anonymous: redirected to log in
    assert _client().post(f"/finance/yrd/charges/{other.pk}/approve/").status_code == 302
    assert Charge.objects.get(pk=other.pk).approved_at is None
