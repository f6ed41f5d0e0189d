"""The results and round pages read one index range per page (keyset pagination on the
placement's copied staff number and the post code), with a fixed number of queries."""

import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from xietong.talent.models import Placement
from xietong.talent.views import applications

from .conftest import run_to


def _get(c, url):
    with CaptureQueriesContext(connection) as ctx:
        r = c.get(url)
    assert r.status_code == 200
    return r.content.decode(), len(ctx.captured_queries), ctx.captured_queries


def _walk(c, url):
    """Follow the "next page" links; the staff numbers shown and the queries of each page."""
    seen, counts = [], []
    next_url = url
    while next_url:
        html, n, _q = _get(c, next_url)
        seen += re.findall(r"\((T[A-Z0-9]+)\)</td>", html)
        counts.append(n)
        m = re.search(r'href="\?after=([^"&]+)&(?:amp;)?q=[^"]*" rel="next"', html)
        next_url = f"{url}?after={m.group(1)}" if m else None
    return seen, counts


def test_results_pages_follow_the_staff_numbers(tw, monkeypatch):
    rnd = run_to(tw, "published")
    codes = sorted(Placement.objects.filter(round=rnd).values_list("teacher__code", flat=True))
    assert len(codes) >= 4
    # each placement carries its teacher's staff number
    assert (
        sorted(Placement.objects.filter(round=rnd).values_list("teacher_code", flat=True)) == codes
    )
    monkeypatch.setattr(applications, "RESULTS_PAGE", 2)
    c = Client()
    c.force_login(tw["users"]["jjj-sec"])
    url = f"/talent/rounds/{rnd.pk}/results/"
    seen, counts = _walk(c, url)
    assert seen == codes  # every placement once, in staff-number order
    assert len(counts) == (len(codes) + 1) // 2
    assert len(set(counts)) == 1 and counts[0] <= 12  # the same few queries on every page
    # a later page starts after the given staff number; a prefix search still works
    html, _n, _q = _get(c, f"{url}?after={codes[1]}")
    assert f"({codes[2]})" in html and f"({codes[0]})" not in html
    html, _n, _q = _get(c, f"{url}?q={codes[-1]}")
    assert f"({codes[-1]})" in html and f"({codes[0]})" not in html


def test_results_page_query_is_an_index_range(tw):
    rnd = run_to(tw, "published")
    c = Client()
    c.force_login(tw["users"]["jjj-sec"])
    _html, _n, queries = _get(c, f"/talent/rounds/{rnd.pk}/results/?after=TA")
    sql = next(q["sql"] for q in queries if 'FROM "talent_placement"' in q["sql"])
    assert "OFFSET" not in sql.upper() and "COUNT(" not in sql.upper()
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("EXPLAIN QUERY PLAN " + sql)
            plan = " ".join(str(row[-1]) for row in cur.fetchall())
        assert "placement_round_code" in plan and "TEMP B-TREE" not in plan


def test_round_page_posts_keyset(tw):
    rnd = run_to(tw, "reviewed")
    c = Client()
    c.force_login(tw["users"]["jjj-sec"])
    url = f"/talent/rounds/{rnd.pk}/"
    first, n_first, _q = _get(c, url)
    codes = sorted(rnd.posts.values_list("code", flat=True))
    after, n_after, _q = _get(c, f"{url}?after={codes[0]}")
    assert f"<td>{codes[0]}</td>" in first and f"<td>{codes[0]}</td>" not in after
    assert f"<td>{codes[1]}</td>" in after
    assert n_after == n_first


def _api_walk(c, url):
    """Follow the results API's ``next`` links: the staff numbers, counts and SQL of each page."""
    seen, counts, sqls = [], [], []
    while url:
        with CaptureQueriesContext(connection) as ctx:
            r = c.get(url)
        assert r.status_code == 200, r.content
        body = r.json()
        seen += [i["teacher"] for i in body["items"]]
        counts.append(body["count"])
        sqls.append(
            [q["sql"] for q in ctx.captured_queries if 'FROM "talent_placement"' in q["sql"]]
        )
        url = body["next"]
    return seen, counts, sqls


def _results_api(tw):
    """The round's managers' client, the results API of the published round and its staff
    numbers in order."""
    rnd = run_to(tw, "published")
    codes = sorted(Placement.objects.filter(round=rnd).values_list("teacher_code", flat=True))
    c = Client()
    c.force_login(tw["users"]["jjj-sec"])
    return c, f"/api/talent/rounds/{rnd.pk}/results", codes


def test_results_api_follows_a_keyset_cursor(tw):
    c, url, codes = _results_api(tw)
    seen, counts, sqls = _api_walk(c, f"{url}?limit=2")
    assert seen == codes  # every result once, in staff-number order
    assert len(counts) == (len(codes) + 1) // 2
    # the first page (no cursor) counts as limit/offset does; the keyset pages count nothing
    # and read one index range: no OFFSET, no COUNT
    assert counts[0] == len(codes) and set(counts[1:]) == {None}
    for page in sqls[1:]:
        assert len(page) == 1
        assert "OFFSET" not in page[0].upper() and "COUNT(" not in page[0].upper()
    body = c.get(f"{url}?limit=2&after={codes[1]}&teacher={codes[2]}").json()
    assert [i["teacher"] for i in body["items"]] == [codes[2]] and body["next"] is None


def test_results_api_keeps_limit_offset(tw):
    c, url, codes = _results_api(tw)
    body = c.get(f"{url}?limit=2&offset=2").json()
    assert [i["teacher"] for i in body["items"]] == codes[2:4]
    assert body["count"] == len(codes)
    # the next link moves on by cursor from this page's last staff number, offset dropped
    assert body["next"] == f"{url}?limit=2&after={codes[3]}"
    last = c.get(f"{url}?limit=2&offset={len(codes) - 1}").json()
    assert [i["teacher"] for i in last["items"]] == codes[-1:] and last["next"] is None


def test_results_api_refuses_bad_cursors(tw):
    c, url, _codes = _results_api(tw)
    r = c.get(f"{url}?after=TA0&offset=1")
    assert r.status_code == 422 and "offset" in r.json()["detail"]
    r = c.get(f"{url}?after={'T' * 65}")
    assert r.status_code == 422
    assert [e["loc"][-1] for e in r.json()["detail"]] == ["after"]


def test_results_api_schema_documents_the_cursor(db):
    from xietong.api import api

    op = api.get_openapi_schema()["paths"]["/api/talent/rounds/{pk}/results"]["get"]
    params = {p["name"]: p for p in op["parameters"]}
    assert {"after", "limit", "offset", "teacher"} <= set(params)
    assert params["after"]["schema"]["anyOf"][0]["maxLength"] == 64
    ref = op["responses"][200]["content"]["application/json"]["schema"]["$ref"]
    schema = api.get_openapi_schema()["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    assert {"items", "count", "next"} <= set(schema["properties"])
