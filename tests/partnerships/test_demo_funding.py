"""The demo's fund links: after the finance and partnerships demos, the fund pays two YRD
cooperations and a donor earmarks money for one; partnerships links them; both steps run
once."""

from decimal import Decimal

import pytest

pytestmark = pytest.mark.django_db


def test_demo_funds_two_cooperations_and_links_them_once(regions):
    from xietong.audit.services import verify_chain
    from xietong.finance import ledger
    from xietong.finance.demo import finance_demo_cooperation_funding, finance_demo_load
    from xietong.finance.models import Fund
    from xietong.partnerships.demo import partnerships_demo_link_funding, partnerships_demo_load
    from xietong.partnerships.models import Activity
    from xietong.schools.demo import demo_load

    demo_load(seed=2024, scale=0.01)
    assert finance_demo_cooperation_funding() == {"created": 0}  # no cooperations yet
    finance_demo_load()
    summary = partnerships_demo_load()
    assert {"YRD-2022-001", "YRD-2022-002"} <= set(summary["cooperations"]), summary
    out = finance_demo_cooperation_funding()
    assert out["created"] == 4
    linked = partnerships_demo_link_funding()["linked"]
    assert set(linked) == {"YRD-2022-001", "YRD-2022-002"}
    funding = Activity.objects.filter(kind="funding")
    by_coop = {
        code: sorted(a.quantity for a in funding.filter(cooperation__code=code)) for code in linked
    }
    assert by_coop == {
        "YRD-2022-001": [Decimal("80000.00"), Decimal("150000.00")],
        "YRD-2022-002": [Decimal("240000.00"), Decimal("360000.00")],
    }
    n = Activity.objects.count()
    assert finance_demo_cooperation_funding() == {"created": 0}
    assert partnerships_demo_link_funding()["linked"] == {"YRD-2022-001": 0, "YRD-2022-002": 0}
    assert Activity.objects.count() == n
    assert ledger.trial_balance(Fund.objects.get(area__slug="yrd"))["balanced"]
    assert verify_chain().ok
