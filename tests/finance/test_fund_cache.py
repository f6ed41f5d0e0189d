"""The fund page's figures are computed once per ledger version: a read after no posting costs
few queries, and a posting (the next entry number) is seen on the next read."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from xietong.finance import selectors
from xietong.finance.demo import finance_demo_load
from xietong.finance.models import Donation, Fund
from xietong.finance.services.donations import donation_record


@pytest.fixture
def demo(world):
    return finance_demo_load()


def _get(c, url):
    with CaptureQueriesContext(connection) as ctx:
        r = c.get(url)
    assert r.status_code == 200
    return r.content.decode(), len(ctx.captured_queries)


def test_fund_page_cached_under_ledger_version(demo, world):
    c = Client()
    c.force_login(world["users"]["yrd-sec"])
    _html, cold = _get(c, "/finance/yrd/")
    _html, warm = _get(c, "/finance/yrd/")
    assert warm <= cold - 8  # the totals (one query per programme and more) come from the cache
    fund = Fund.objects.get(area__slug="yrd")
    before = selectors.public_totals(fund)
    assert before == selectors._public_totals(fund)
    old = Donation.objects.filter(fund=fund).select_related("donor").first()
    donation_record(
        donor=old.donor, amount=Decimal("1234.56"), date=old.date, actor=world["users"]["yrd-sec"]
    )
    after = selectors.public_totals(fund)  # the same Fund copy: the number is read afresh
    assert after == selectors._public_totals(fund)
    assert after["donations_received"] == before["donations_received"] + Decimal("1234.56")
    selectors.public_totals(fund)
    _html, warm2 = _get(c, "/finance/yrd/")
    assert warm2 <= warm + 1  # the new version's totals cached; the chart built once more
    _html, warm3 = _get(c, "/finance/yrd/")
    assert warm3 == warm
