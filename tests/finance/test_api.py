"""The finance API: a whole cycle through HTTP, scope and bad input."""

import json

from django.test import Client

from .conftest import AH, JS, SH, ZJ


def _client(user=None):
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def _post(c, url, data=None):
    return c.post(url, json.dumps(data or {}), content_type="application/json")


def test_cycle_through_the_api(world, bureaus):
    sec = _client(world["users"]["yrd-sec"])
    assert _post(sec, "/api/finance/funds", {"area": "yrd"}).status_code == 201
    assert _post(sec, "/api/finance/funds", {"area": "yrd"}).status_code == 422  # already open
    r = _post(
        sec,
        "/api/finance/funds/yrd/rounds",
        {"title": "2024", "year": 2024, "total": "1000.00", "mix": {"students": 50, "equal": 50}},
    )
    assert r.status_code == 201, r.content
    rid = r.json()["id"]
    for code, n in ((SH, 1), (JS, 2), (ZJ, 3), (AH, 4)):
        resp = _post(
            _client(bureaus[code]),
            f"/api/finance/funds/yrd/rounds/{rid}/weights",
            {"member": code, "values": {"students": n}},
        )
        assert resp.status_code == 200, resp.content
    assert _post(sec, f"/api/finance/funds/yrd/rounds/{rid}/freeze").json()["status"] == "frozen"
    charges = sec.get("/api/finance/funds/yrd/charges?limit=10").json()
    assert charges["count"] == 4
    assert sum(float(c["amount"]) for c in charges["items"]) == 1000.0
    for ch in charges["items"]:
        resp = _post(
            _client(bureaus[ch["member"]]), f"/api/finance/funds/yrd/charges/{ch['id']}/approve"
        )
        assert resp.json()["approved"] is True
    assert (
        _post(sec, f"/api/finance/funds/yrd/rounds/{rid}/call", {"date": "2024-03-01"}).json()[
            "status"
        ]
        == "called"
    )
    sh = next(c for c in charges["items"] if c["member"] == SH)
    resp = _post(
        _client(bureaus[SH]),
        f"/api/finance/funds/yrd/charges/{sh['id']}/payments",
        {"amount": "10.00", "date": "2024-04-01"},
    )
    assert resp.status_code == 201
    rows = {r["member"]: r for r in sec.get("/api/finance/funds/yrd/contributions").json()}
    assert rows[SH]["paid"] == "10.00"
    tb = sec.get("/api/finance/funds/yrd/trial-balance").json()
    assert tb["balanced"] is True
    entries = sec.get("/api/finance/funds/yrd/entries?limit=1").json()
    assert entries["count"] == 2 and len(entries["items"]) == 1
    st = _client(bureaus[SH]).get(f"/api/finance/funds/yrd/statements/{SH}?period=2024").json()
    assert float(st["closing"]) == float(sh["amount"]) - 10.0
    # agreement, flows, settlement
    a = _post(
        _client(bureaus[AH]),
        "/api/finance/funds/yrd/agreements",
        {
            "kind": "tuition",
            "title": "AH in ZJ",
            "payer": AH,
            "payee": ZJ,
            "rates": {"primary": "6000"},
        },
    )
    assert a.status_code == 201
    aid = a.json()["id"]
    _post(_client(bureaus[AH]), f"/api/finance/funds/yrd/agreements/{aid}/approve")
    assert _post(_client(bureaus[ZJ]), f"/api/finance/funds/yrd/agreements/{aid}/approve").json()[
        "active"
    ]
    assert (
        _post(
            _client(bureaus[ZJ]),
            f"/api/finance/funds/yrd/agreements/{aid}/flows",
            {"period": "2024", "stage": "primary", "count": 2},
        ).status_code
        == 201
    )
    s = _post(sec, "/api/finance/funds/yrd/settlements", {"period": "2024"}).json()
    assert s["transfers"] == [
        {
            "id": s["transfers"][0]["id"],
            "payer": AH,
            "payee": ZJ,
            "amount": "12000.00",
            "paid": False,
        }
    ]
    # donations and disbursements
    d = _post(sec, "/api/finance/funds/yrd/donors", {"name": "F", "kind": "foundation"}).json()
    assert (
        _post(
            sec,
            "/api/finance/funds/yrd/donations",
            {"donor": d["id"], "amount": "50.00", "date": "2024-05-01", "earmark": "training"},
        ).status_code
        == 201
    )
    x = _post(
        sec,
        "/api/finance/funds/yrd/disbursements",
        {
            "programme": "training",
            "function_code": "2050803",
            "label": "t",
            "amount": "5.00",
            "date": "2024-05-02",
        },
    )
    assert x.status_code == 201, x.content
    assert sec.get("/api/finance/funds/yrd/disbursements").json()["count"] == 1
    rev = _post(sec, f"/api/finance/funds/yrd/entries/{x.json()['entry']}/reverse")
    assert rev.status_code == 201 and rev.json()["reverses"] == x.json()["entry"]


def test_scope_and_bad_input(world, bureaus, fund):
    sec = _client(world["users"]["yrd-sec"])
    public = _client()
    assert public.get("/api/finance/funds").json() == []
    assert public.get("/api/finance/funds/yrd/totals").status_code == 404  # not published yet
    assert _post(sec, "/api/finance/funds/yrd/publish", {"published": True}).status_code == 200
    assert public.get("/api/finance/funds/yrd/totals").status_code == 200
    assert public.get("/api/finance/funds/yrd/trial-balance").status_code == 404
    assert public.get(f"/api/finance/funds/yrd/statements/{SH}?period=2024").status_code == 404
    assert _post(
        public,
        "/api/finance/funds/yrd/rounds",
        {"title": "x", "year": 2024, "total": "1", "mix": {"equal": 100}},
    ).status_code in (401, 403)
    # a member's bureau reads but may not create a round; another area's secretariat sees nothing
    js = _client(bureaus[JS])
    assert js.get("/api/finance/funds/yrd/trial-balance").status_code == 200
    assert (
        _post(
            js,
            "/api/finance/funds/yrd/rounds",
            {"title": "x", "year": 2024, "total": "1", "mix": {"equal": 100}},
        ).status_code
        == 403
    )
    assert js.get(f"/api/finance/funds/yrd/statements/{SH}?period=2024").status_code == 404
    assert (
        _client(world["users"]["jjj-sec"]).get("/api/finance/funds/yrd/trial-balance").status_code
        == 404
    )
    # bad input: 422 with a message
    r = _post(
        sec,
        "/api/finance/funds/yrd/rounds",
        {"title": "x", "year": 2024, "total": "1.001", "mix": {"equal": 100}},
    )
    assert r.status_code == 422 and "decimal places" in r.json()["detail"]
    r = _post(
        sec,
        "/api/finance/funds/yrd/entries",
        {
            "date": "2024-01-01",
            "memo": "m",
            "lines": [
                {"account": "cash:public", "debit": "1"},
                {"account": "income:contributions", "credit": "2"},
            ],
        },
    )
    assert r.status_code == 422 and "does not balance" in r.json()["detail"]
    assert sec.get(f"/api/finance/funds/yrd/statements/{SH}?period=nope").status_code == 422
