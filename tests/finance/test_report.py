"""The statement of a period groups expenditure by the government functional classification
(《2024年政府收支分类科目》, class 205 education) as a finance bureau's final accounts do."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client

from xietong.finance import selectors, services

from .conftest import D

YEAR = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))


@pytest.fixture
def spent(fund):
    """10,000.00 of contributions; 1,800.00 for primary schools (2050202), 1,200.00 for junior
    secondary schools (2050203), 500.00 for teachers' further education (2050801, reversed
    later) and a manual expense entry of 100.00 with no classification."""
    services.entry_post_manual(
        fund=fund,
        date=D,
        memo="contributions",
        lines=[
            {"account": "cash:public", "debit": "10000.00"},
            {"account": "income:contributions", "credit": "10000.00"},
        ],
        actor=None,
    )
    for code, amount in (("2050202", "1800.00"), ("2050203", "1200.00"), ("2050801", "500.00")):
        x = services.disbursement_record(
            fund=fund,
            programme="teacher_exchange",
            function_code=code,
            label=code,
            amount=amount,
            date=D,
            actor=None,
        )
    services.entry_reverse(entry=x.entry, date=D, actor=None)
    services.entry_post_manual(
        fund=fund,
        date=D,
        memo="bank fee",
        lines=[
            {"account": "expense:other", "debit": "100.00"},
            {"account": "cash:public", "credit": "100.00"},
        ],
        actor=None,
    )
    return fund


def test_expenditure_grouped_by_class_section_and_item(spent):
    rep = selectors.fund_report(spent, date_from=YEAR[0], date_to=YEAR[1])
    rows = [(r["code"], r["level"], r["amount"]) for r in rep["expenditure"]]
    # 1,800 + 1,200 = 3,000 in section 20502 and class 205; 2050801 is 500 - 500 = 0 (absent);
    # the manual 100 is not classified; 3,100 in all
    assert rows == [
        ("205", "class", Decimal("3000.00")),
        ("20502", "section", Decimal("3000.00")),
        ("2050202", "item", Decimal("1800.00")),
        ("2050203", "item", Decimal("1200.00")),
        ("", "item", Decimal("100.00")),
    ]
    assert rep["expenditure_total"] == Decimal("3100.00")
    assert [r["name"] for r in rep["expenditure"][:4]] == [
        "Education expenditure",
        "General education",
        "Primary education",
        "Junior secondary education",
    ]
    # income 10,000; net assets 10,000 - 3,100 = 6,900, all unrestricted (the year is open)
    assert rep["income_total"] == Decimal("10000.00")
    assert rep["net_assets"]["total"]["closing"] == Decimal("6900.00")
    assert rep["net_assets"]["unrestricted"]["closing"] == Decimal("6900.00")


def test_report_page_exports_and_api(spent, world):
    c = Client()
    c.force_login(world["users"]["jiangsu"])  # a member's bureau reads the fund's statement
    html = c.get("/finance/yrd/report/?period=2024").content.decode()
    assert 'id="expenditure"' in html and "2050202" in html and "1,800.00" in html
    assert 'id="close-period"' not in html  # only the secretariat closes periods
    data = c.get("/finance/yrd/report/?period=2024&format=csv").content.decode()
    rows = list(csv.reader(io.StringIO(data)))
    assert rows[0] == ["section", "code", "name", "opening", "amount"]
    assert ["expenditure", "2050203", "Junior secondary education", "", "1200.00"] in rows
    zh = c.get("/finance/yrd/report/?period=2024&format=csv", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "2050202,小学教育" in zh.content.decode()
    api = c.get("/api/finance/funds/yrd/report?period=2024").json()
    assert api["expenditure"][2] == {
        "code": "2050202",
        "level": "item",
        "name": "Primary education",
        "amount": "1800.00",
    }
    assert c.get("/api/finance/funds/yrd/report?period=later").status_code == 422
    sec = Client()
    sec.force_login(world["users"]["yrd-sec"])
    assert 'id="close-period"' in sec.get("/finance/yrd/report/?period=2024").content.decode()
    x = sec.get("/api/finance/funds/yrd/disbursements?limit=10").json()["items"]
    assert {(i["function_code"], i["function_name"]) for i in x} >= {
        ("2050202", "Primary education")
    }


def test_disbursement_form_offers_the_classification(fund, world):
    c = Client()
    c.force_login(world["users"]["yrd-sec"])
    html = c.get("/finance/yrd/disbursements/new/").content.decode()
    assert 'name="function_code"' in html and "2050203 Junior secondary education" in html
    resp = c.post(
        "/finance/yrd/disbursements/new/",
        {
            "programme": "training",
            "function_code": "9999999",
            "label": "x",
            "amount": "1.00",
            "date": "2024-05-01",
        },
    )
    assert resp.status_code == 400 and fund.disbursements.count() == 0
