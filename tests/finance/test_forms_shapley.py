"""The Shapley project form: participants first, then one cost per group of them."""

from decimal import Decimal

import pytest
from django.test import Client

from xietong.audit.models import AuditEntry
from xietong.finance import ledger
from xietong.finance.models import JointProject, JournalEntry, ProjectRule

from .conftest import JS, SH, ZJ

URL = "/finance/yrd/projects/new/shapley/"


def _client(user=None):
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


@pytest.fixture
def sec(world):
    return _client(world["users"]["yrd-sec"])


def _bits(fund, codes):
    """Bit of each code: the form orders the participants as the area lists its members."""
    order = [m.code for m in ledger.fund_members(fund) if m.code in codes]
    return {c: 1 << i for i, c in enumerate(order)}


def _costs(fund, table):
    """{(codes...): yuan} -> POST fields cost_<mask>."""
    codes = {c for group in table for c in group}
    bit = _bits(fund, codes)
    return {f"cost_{sum(bit[c] for c in group)}": v for group, v in table.items()}


# A textbook 3-member cost game (A, B symmetric; C bigger). By hand, with the weights 2/6, 1/6,
# 1/6, 2/6 of the orders in which A can join:
#   phi_A = 2/6*300 + 1/6*(480-300) + 1/6*(720-600) + 2/6*(900-720) = 100 + 30 + 20 + 60 = 210
#   phi_B = 210 by symmetry, phi_C = 900 - 420 = 480.
GAME = {
    (SH,): "300",
    (JS,): "300",
    (ZJ,): "600",
    (SH, JS): "480",
    (SH, ZJ): "720",
    (JS, ZJ): "720",
    (SH, JS, ZJ): "900.00",
}
BASE = {"title": "Shared lab", "programme": "joint_project"}


def _counts():
    return JointProject.objects.count(), JournalEntry.objects.count(), AuditEntry.objects.count()


def test_shapley_form_happy_path(world, fund, sec):
    page = sec.get("/finance/yrd/projects/new/").content.decode()
    assert URL in page  # the project form points to the Shapley form
    page = sec.get(URL).content.decode()
    assert 'name="participants"' in page and "cost_" not in page and "/api/docs" in page
    # step 1: the participants -> 2**3 - 1 = 7 cost fields, labelled with the members' names
    resp = sec.post(URL, {**BASE, "participants": [SH, JS, ZJ]})
    html = resp.content.decode()
    assert resp.status_code == 200
    assert all(f'name="cost_{m}"' in html for m in range(1, 8)) and 'name="cost_8"' not in html
    assert "Cost of Shanghai + Jiangsu Province + Zhejiang Province (yuan)" in html
    assert "Cost of Jiangsu Province (yuan)" in html
    # the chosen participants, title and programme are carried to step 2
    for code in (SH, JS, ZJ):
        assert f'type="hidden" name="participants" value="{code}"' in html
    assert 'name="step" value="costs"' in html and 'value="Shared lab"' in html
    assert JointProject.objects.count() == 0
    # step 2, check: the shares are shown, the game is subadditive and Shapley is in the core
    data = {**BASE, "participants": [SH, JS, ZJ], "step": "costs", **_costs(fund, GAME)}
    resp = sec.post(URL, {**data, "action": "check"})
    html = resp.content.decode()
    assert resp.status_code == 200 and 'id="shapley-preview"' in html
    assert "210.00" in html and "480.00" in html
    assert "are subadditive" in html and "core is not empty" in html
    assert "Shapley value is in the core" in html
    assert JointProject.objects.count() == 0  # checking writes nothing
    # save
    resp = sec.post(URL, {**data, "action": "save"}, follow=True)
    assert "Project created" in resp.content.decode()
    p = JointProject.objects.get()
    assert p.rule == ProjectRule.SHAPLEY and p.total == Decimal("900.00")
    assert sorted(p.participants) == sorted([SH, JS, ZJ])
    resp = sec.post(f"/finance/yrd/projects/{p.pk}/freeze/", follow=True)
    amounts = {c.member_id: c.amount for c in p.charges.all()}
    assert amounts == {SH: Decimal("210.00"), JS: Decimal("210.00"), ZJ: Decimal("480.00")}


def test_shapley_form_warns_when_not_subadditive(world, fund, sec):
    game = {(SH,): "100", (JS,): "100", (SH, JS): "300"}
    data = {**BASE, "participants": [SH, JS], "step": "costs", **_costs(fund, game)}
    html = sec.post(URL, {**data, "action": "check"}).content.decode()
    assert "not subadditive" in html and "core is empty" in html
    # a warning, not a refusal: monotonicity and subadditivity are not required
    resp = sec.post(URL, {**data, "action": "save"}, follow=True)
    html = resp.content.decode()
    assert "Project created" in html and "core is empty" in html
    assert JointProject.objects.get().total == 300


def test_shapley_form_wrong_user(world, fund, bureaus, sec):
    before = _counts()
    data = {**BASE, "participants": [SH, JS, ZJ], "step": "costs", **_costs(fund, GAME)}
    # a member's bureau is refused; a bureau below a member does not even see the fund's forms
    for user, status in ((bureaus[SH], 403), (bureaus["320100000000"], 404)):
        assert _client(user).get(URL).status_code == status
        assert _client(user).post(URL, {**data, "action": "save"}).status_code == status
        assert _client(user).post(URL, {**BASE, "participants": [SH, JS]}).status_code == status
    resp = _client().get(URL)
    assert resp.status_code == 302  # to the login page
    assert _counts() == before


@pytest.mark.parametrize(
    "change, message",
    [
        ({"drop": (SH, JS)}, "This field is required"),
        ({"drop": (SH, JS, ZJ)}, "This field is required"),
        ({(JS,): "-1"}, "greater than or equal to 0"),
        ({(ZJ,): "600.001"}, "2 decimal places"),
        ({(SH, JS, ZJ): "0"}, "must be positive"),
        ({(ZJ,): "abc"}, "Enter a number"),
    ],
)
def test_shapley_form_bad_costs(world, fund, sec, change, message):
    game = dict(GAME)
    if "drop" in change:
        del game[change["drop"]]
    else:
        game.update(change)
    before = _counts()
    data = {**BASE, "participants": [SH, JS, ZJ], "step": "costs", **_costs(fund, game)}
    for action in ("check", "save"):
        resp = sec.post(URL, {**data, "action": action})
        html = resp.content.decode()
        assert resp.status_code == 400 and message in html and "nothing was saved" in html
    assert _counts() == before


def test_shapley_form_bad_participants(world, fund, sec):
    before = _counts()
    resp = sec.post(URL, {**BASE, "participants": [SH]})
    assert resp.status_code == 400 and "between two and 6" in resp.content.decode()
    resp = sec.post(URL, {**BASE, "participants": [SH, "110000000000"]})
    assert resp.status_code == 400
    assert _counts() == before
