"""The cooperation pages at a moderate size (issue 14, section 3): the portfolio page, the list
page and the API list read a fixed number of queries whatever the number of cooperations and
activities (a query back in a per-row loop fails here); the portfolio tree sums the activities
in SQL to the totals of the records rolled up one by one; the portfolio page is cached under
the portfolio token and a write is seen on the next request."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xietong.accounts.scope import scope_for
from xietong.algorithms.rollup import Node, rollup
from xietong.partnerships.models import (
    Activity,
    ComplianceResult,
    Cooperation,
    Obligation,
    Party,
)
from xietong.partnerships.portfolio import cooperations_visible, portfolio_version
from xietong.partnerships.portfolio_tree import activity_amounts, portfolio_tree

from .conftest import client_of

PORTFOLIO = "/partnerships/portfolio/tongwulang/"


def _add(world, start: int, n: int, per: int) -> None:
    """``n`` cooperations of Langfang A with Tongzhou B in 通武廊, ``per`` activities each (every
    other one against a lessons obligation, one funding activity without an obligation)."""
    s, area = world["schools"], world["areas"]["tongwulang"]
    for i in range(start, start + n):
        coop = Cooperation.objects.create(
            code=f"SPEED-{i:03d}",
            kind="pairing",
            title_zh=f"测速合作{i}",
            origin="bottom_up",
            area=area,
            status="active",
            term_start=dt.date(2025, 1, 1),
            term_end=dt.date(2027, 12, 31),
            subjects=["math"],
        )
        lead = Party.objects.create(
            cooperation=coop,
            kind="school",
            school=s["B"],
            role="lead",
            jurisdiction_code="110112000000",
        )
        Party.objects.create(
            cooperation=coop,
            kind="school",
            school=s["A"],
            role="supported",
            jurisdiction_code="131002000000",
        )
        coop.lead = lead
        coop.save(update_fields=["lead"])
        ob = Obligation.objects.create(cooperation=coop, code="sync", measure="lessons", quota=4)
        ComplianceResult.objects.create(
            obligation=ob, period="2025", quota=4, counted=3, met=i % 2 == 0
        )
        Activity.objects.bulk_create(
            Activity(
                cooperation=coop,
                obligation=ob if k % 2 == 0 else None,
                kind="sync_lesson",
                date=dt.date(2025, 3, 1) + dt.timedelta(days=k),
                quantity=Decimal(1 + k % 3) + Decimal("0.25"),
            )
            for k in range(per)
        )
    from xietong.partnerships.services import portfolio_changed

    portfolio_changed()  # bulk_create sends no signal


def _without_tokens(html: bytes) -> bytes:
    """The page without what changes on every request (the CSRF tokens)."""
    return re.sub(rb'(csrfmiddlewaretoken" value=|csrf-token" content=)"[^"]*"', rb"\1", html)


def _queries(client, path: str) -> tuple[int, bytes]:
    with CaptureQueriesContext(connection) as q:
        r = client.get(path)
    assert r.status_code == 200, (path, r.status_code)
    return len(q.captured_queries), r.content


@pytest.mark.parametrize(
    "path, warm",
    [(PORTFOLIO, 10), ("/partnerships/", None), ("/api/partnerships?limit=50", None)],
)
def test_queries_do_not_grow_with_the_portfolio(world, path, warm, django_assert_max_num_queries):
    """Cold (a new token): the same number of queries for 4 cooperations as for 60 with 20
    activities each; the portfolio page, warm, reads at most ``warm`` (session, user, roles,
    area, members, plans, outlines' fingerprint, the token)."""
    c = client_of(world["users"]["admin"])
    _add(world, 0, 4, 2)
    small, _ = _queries(c, path)
    _add(world, 4, 56, 20)
    large, content = _queries(c, path)
    assert large == small, (path, small, large)
    assert b"SPEED-" in content
    if warm is not None:
        with django_assert_max_num_queries(warm):
            again = c.get(path).content
        assert _without_tokens(again) == _without_tokens(content)  # the cached parts as drawn


def _one_by_one(qs, period: str) -> dict:
    """Per cooperation code: (records, amounts, valued, assessed, met) rolled up from one node
    per activity, the way the tree was built before the sums moved to SQL."""
    out = {}
    for coop in qs:
        results = dict(
            ComplianceResult.objects.filter(
                obligation__cooperation=coop, period=period
            ).values_list("obligation_id", "met")
        )
        acts = coop.activities.select_related("obligation").order_by("pk")
        node = Node(
            str(coop.pk),
            "cooperation",
            children=tuple(Node(f"a{a.pk}", "activity", amounts=activity_amounts(a)) for a in acts),
            obligations=tuple((o.code, results.get(o.pk)) for o in coop.obligations.all()),
        )
        r = rollup(node)
        out[coop.code] = (r.records, r.amounts, r.valued, r.assessed, r.met)
    return out


def test_the_tree_sums_in_sql_as_record_by_record(world, active):
    """The funded pairing of the fixtures and 12 generated cooperations: every cooperation
    node of the tree has the records, amounts (lessons, exact to the fen), valued counts and
    compliance of its activities rolled up one by one."""
    from xietong.partnerships.services import activity_record

    coop, a, b = active
    _add(world, 0, 12, 7)
    activity_record(
        actor=world["users"]["school-a"],
        cooperation=coop,
        kind="visit",
        date=dt.date(2025, 4, 1),
        amount=Decimal(2),
    )
    admin = world["users"]["admin"]
    scope = scope_for(admin)
    area = world["areas"]["tongwulang"]
    qs = cooperations_visible(scope).filter(area=area)
    tree, items = portfolio_tree(scope=scope, area=area, cooperations=qs, period="2025", user=admin)
    expected = _one_by_one(qs, "2025")
    found = {}
    stack = [tree]
    while stack:
        node = stack.pop()
        if node.level == "cooperation":
            code = items[node.key].cooperation.code
            found[code] = (node.records, node.amounts, node.valued, node.assessed, node.met)
        stack.extend(node.children)
    assert found == expected
    assert tree.records == sum(v[0] for v in expected.values()) == 12 * 7 + 1
    assert tree.amounts["lessons"] == sum(v[1].get("lessons", 0) for v in expected.values())


def test_a_write_is_seen_on_the_next_request(world, active):
    """The page is served from the cache until a write renews the token: an activity
    recorded through the service (in its transaction) shows at once."""
    from xietong.partnerships.services import activity_record

    coop, a, b = active
    c = client_of(world["users"]["twl-sec"])

    def records() -> int:
        page = c.get(PORTFOLIO).content.decode()
        root = re.search(r'id="node-area"><summary>.*?(\d+) records?', page, re.S)
        return int(root.group(1))

    before = records()
    token = portfolio_version()
    assert records() == before  # from the cache
    activity_record(
        actor=world["users"]["school-a"],
        cooperation=coop,
        kind="visit",
        date=dt.date(2025, 4, 1),
        amount=Decimal(1),
    )
    assert portfolio_version() != token
    assert records() == before + 1
