"""Bad input to the API is a 4xx that names the parameter or field, never a 500.

Each case here was a 500 (or an unbounded response) before: pages beyond 64 bits or of any size,
amounts of more than 28 digits, null in a PATCH, a second reversal of an entry; and the OpenAPI
document described talent rounds with finance's schema because two classes shared a name.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import translation

HUGE = "9" * 25  # beyond 64 bits


def _token(user) -> dict:
    from xietong.accounts.services import token_create

    _t, secret = token_create(user=user, name="t", actor=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}", "HTTP_ACCEPT_LANGUAGE": "en"}


def _send(method, url, auth, body=None):
    c = Client(raise_request_exception=False)
    kw = dict(auth)
    if body is not None:
        kw.update(data=json.dumps(body), content_type="application/json")
    return getattr(c, method)(url, **kw)


def _fields(resp) -> list[str]:
    """The last element of each validation error's location: the parameter or field named."""
    return [str(e["loc"][-1]) for e in resp.json()["detail"]]


# ---- pagination ----------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/jurisdictions", "/api/schools", "/api/statistics"])
@pytest.mark.parametrize(
    ("query", "param"),
    [
        (f"limit={HUGE}", "limit"),
        (f"offset={HUGE}", "offset"),
        ("limit=200000", "limit"),
        ("limit=0", "limit"),
        ("offset=-1", "offset"),
        (f"offset={10**9 + 1}", "offset"),
    ],
)
def test_page_out_of_bounds_is_422_naming_the_parameter(world, url, query, param):
    resp = _send("get", f"{url}?{query}", _token(world["users"]["jiangsu"]))
    assert resp.status_code == 422, resp.content
    assert _fields(resp) == [param]


def test_largest_page_is_served(world):
    resp = _send("get", "/api/jurisdictions?limit=1000", {})
    assert resp.status_code == 200
    body = resp.json()
    from xietong.regions.models import Jurisdiction

    assert body["count"] == len(body["items"]) == Jurisdiction.objects.count() > 600
    assert len(_send("get", "/api/jurisdictions", {}).json()["items"]) == 100  # default page


def test_every_paginated_operation_is_bounded(regions):
    from django.conf import settings

    from xietong.api import api

    paged = 0
    for path, ops in api.get_openapi_schema()["paths"].items():
        for method, op in ops.items():
            params = {p["name"]: p["schema"] for p in op.get("parameters", [])}
            if "limit" not in params:
                continue
            paged += 1
            where = f"{method.upper()} {path}"
            assert params["limit"].get("maximum") == settings.XIETONG_API_MAX_PAGE_SIZE, where
            assert params["offset"].get("maximum") == 10**9, where
    assert paged >= 20


# ---- numbers too large for a Decimal of 28 digits ------------------------------------------


@pytest.mark.parametrize("value", ["1" * 30, "1e30", "-" + "9" * 29, "1" * 27 + ".5"])
def test_money_too_large_names_the_amount(value):
    from xietong.finance.ledger import money

    with translation.override("en"), pytest.raises(ValueError, match="amount is too large"):
        money(value, "donation amount")
    with translation.override("zh-hans"), pytest.raises(ValueError, match="donation amount 过大"):
        money(value, "donation amount")


def test_money_with_too_many_places_is_refused():
    from xietong.finance.ledger import money

    with translation.override("en"), pytest.raises(ValueError, match="more than two decimal"):
        money("0." + "1" * 30)
    assert money("12.50") == Decimal("12.50")


@pytest.mark.parametrize("amount", ["1" * 30, "1e30"])
def test_api_amount_of_30_digits_is_422(world, amount):
    from xietong.finance import services

    fund = services.fund_open(area=world["areas"]["yrd"], actor=None)
    donor = services.donor_create(fund=fund, name="d", kind="company", actor=None)
    resp = _send(
        "post",
        "/api/finance/funds/yrd/donations",
        _token(world["users"]["yrd-sec"]),
        {"donor": donor.pk, "amount": amount, "date": "2024-01-01"},
    )
    assert resp.status_code == 422, resp.content
    assert "amount" in resp.json()["detail"]


def test_statistic_of_30_digits_is_422_naming_the_column(world):
    school = world["schools"]["C"]
    resp = _send(
        "put",
        f"/api/schools/{school.code}/statistics/2024",
        _token(world["users"]["jiangsu"]),
        {"values": {"students": "1" * 30}},
    )
    assert resp.status_code == 422, resp.content
    assert "students" in resp.json()["detail"]


BIG_INT = int("1" * 30)


@pytest.mark.parametrize(
    ("who", "method", "url", "body", "named"),
    [
        ("yrd-sec", "post", "/api/talent/rounds", {"seed": BIG_INT}, "seed"),
        ("yrd-sec", "patch", "/api/talent/rounds/{round}", {"school_cap": BIG_INT}, "school_cap"),
        (
            "yrd-sec",
            "patch",
            "/api/talent/rounds/{round}",
            {"balance_tolerance": BIG_INT},
            "balance_tolerance",
        ),
        ("yrd-sec", "post", "/api/finance/funds/yrd/rounds", {"year": BIG_INT}, "year"),
        ("jiangsu", "post", "/api/releases", {"jurisdiction": "320000000000"}, "year"),
        ("yrd-sec", "post", "/api/evaluations", {"area": "yrd"}, "year"),
    ],
)
def test_integer_beyond_64_bits_is_422_naming_the_field(world, who, method, url, body, named):
    from xietong.finance import services as finance

    finance.fund_open(area=world["areas"]["yrd"], actor=None)
    rnd = _teacher_and_round(world)
    defaults = {
        "/api/talent/rounds": {"name": "r2", "year": 2025, "area": "yrd"},
        "/api/finance/funds/yrd/rounds": {"title": "t", "total": "10.00", "mix": {"equal": 1}},
        "/api/releases": {"year": BIG_INT},
        "/api/evaluations": {
            "standard": "quality-balance-2017",
            "stage": "primary",
            "year": BIG_INT,
        },
    }.get(url, {})
    resp = _send(
        method, url.format(round=rnd.pk), _token(world["users"][who]), {**defaults, **body}
    )
    assert resp.status_code == 422, resp.content
    assert named in resp.json()["detail"]


# ---- PATCH with null -----------------------------------------------------------------------


def _teacher_and_round(world):
    from xietong.talent import services

    services.teacher_create(
        school=world["schools"]["C"],
        code="T1",
        name="t",
        subject="maths",
        stage="primary",
        actor=None,
    )
    return services.round_create(
        name="r", year=2025, area=world["areas"]["yrd"], jurisdiction=None, actor=None
    )


@pytest.mark.parametrize(
    ("who", "url", "field"),
    [
        ("yrd-sec", "/api/areas/yrd", "name_zh"),
        ("jiangsu", "/api/schools/{school}", "name_zh"),
        ("jiangsu", "/api/schools/{school}", "is_open"),
        ("jiangsu", "/api/talent/teachers/T1", "name"),
        ("jiangsu", "/api/talent/teachers/T1", "weekly_hours"),
        ("yrd-sec", "/api/talent/rounds/{round}", "name"),
        ("yrd-sec", "/api/talent/rounds/{round}", "member_caps"),
    ],
)
def test_patch_null_on_a_required_field_is_422_naming_it(world, who, url, field):
    rnd = _teacher_and_round(world)
    url = url.format(school=world["schools"]["C"].code, round=rnd.pk)
    resp = _send("patch", url, _token(world["users"][who]), {field: None})
    assert resp.status_code == 422, resp.content
    assert _fields(resp) == [field]
    assert field in resp.json()["detail"][0]["msg"]


def test_patch_null_where_the_field_may_be_empty_clears_it(world):
    rnd = _teacher_and_round(world)
    school = world["schools"]["C"]
    resp = _send(
        "patch",
        f"/api/schools/{school.code}",
        _token(world["users"]["jiangsu"]),
        {"longitude": None},
    )
    assert resp.status_code == 200, resp.content
    assert resp.json()["longitude"] is None
    auth = _token(world["users"]["yrd-sec"])
    assert (
        _send("patch", f"/api/talent/rounds/{rnd.pk}", auth, {"balance_tolerance": 2}).json()[
            "balance_tolerance"
        ]
        == 2
    )
    resp = _send("patch", f"/api/talent/rounds/{rnd.pk}", auth, {"balance_tolerance": None})
    assert resp.status_code == 200 and resp.json()["balance_tolerance"] is None


def test_patch_schema_says_which_fields_take_null(regions):
    from xietong.api import api

    schemas = api.get_openapi_schema()["components"]["schemas"]
    school = schemas["SchoolPatch"]["properties"]
    assert school["name_zh"]["type"] == "string" and "anyOf" not in school["name_zh"]
    assert {"type": "null"} in school["longitude"]["anyOf"]
    assert {"type": "null"} in schemas["ExchangeRoundPatch"]["properties"]["balance_tolerance"][
        "anyOf"
    ]


# ---- schema names --------------------------------------------------------------------------


def _schemas_by_name():
    from ninja import Schema

    import xietong.api  # noqa: F401 - imports every router and so every schema

    found, todo = defaultdict(set), [Schema]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("xietong."):
                found[sub.__name__].add(f"{sub.__module__}.{sub.__qualname__}")
    return found


def test_every_api_schema_name_is_unique():
    clashes = {n: sorted(c) for n, c in _schemas_by_name().items() if len(c) > 1}
    assert clashes == {}


def test_talent_and_finance_rounds_are_documented_by_their_own_schemas(regions):
    from xietong.api import api

    doc = api.get_openapi_schema()
    schemas = doc["components"]["schemas"]

    def response_schema(path):
        ref = doc["paths"][path]["get"]["responses"][200]["content"]["application/json"]
        return schemas[ref["schema"]["$ref"].rsplit("/", 1)[-1]]

    assert "tie_break" in response_schema("/api/talent/rounds/{pk}")["properties"]
    finance = response_schema("/api/finance/funds/{slug}/rounds")["properties"]["items"]
    assert "mix" in schemas[finance["items"]["$ref"].rsplit("/", 1)[-1]]["properties"]


# ---- reversals -----------------------------------------------------------------------------


def test_second_reversal_is_a_409_conflict(world):
    from xietong.finance import services

    fund = services.fund_open(area=world["areas"]["yrd"], actor=None)
    donor = services.donor_create(fund=fund, name="d", kind="company", actor=None)
    d = services.donation_record(donor=donor, amount="10.00", date=dt.date(2024, 1, 2), actor=None)
    auth = _token(world["users"]["yrd-sec"])
    url = f"/api/finance/funds/yrd/entries/{d.entry.number}/reverse"
    first = _send("post", url, auth, {})
    assert first.status_code == 201, first.content
    second = _send("post", url, auth, {})
    assert second.status_code == 409, second.content
    assert second.json()["detail"] == f"Entry #{d.entry.number} has already been reversed."
