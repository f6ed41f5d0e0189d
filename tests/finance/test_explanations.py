"""Explanations are stored as codes and numbers and rendered in the reader's language: a zh-Hans
page names criteria and members in Chinese and shows no raw code; amounts carry thousands
separators."""

import re

from django.test import Client

from xietong.finance import explain

from .conftest import AH, SH

RAW_CODES = re.compile(r"\b(students|population|gdp|fiscal_revenue|equal)\b")


def test_round_page_in_chinese(called_round, world):
    c = Client()
    c.force_login(world["users"]["yrd-sec"])
    html = c.get(f"/finance/yrd/rounds/{called_round.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = html.content.decode()
    why = html[html.index('id="explanation"') :]
    why = why[: why.index("</ul>")]
    assert not RAW_CODES.search(why), why
    assert "在校生" in why and "上海市" in why and "元" in why
    # no English words left in the explanation (numbers, separators and Chinese only)
    assert not re.search(r"[A-Za-z]{3,}", why.replace('id="explanation"', "")), why
    # the rule in words, not "students 40.00 / population 30.00"
    assert "在校生 40% / 人口 30% / 地区生产总值 30%" in html
    # thousands separators on amounts: the total 1,000,000.00
    assert "1,000,000.00" in html


def test_api_returns_the_record_and_the_text_in_the_readers_language(called_round, world):
    c = Client()
    c.force_login(world["users"]["yrd-sec"])
    items = c.get("/api/finance/funds/yrd/charges?limit=10", HTTP_ACCEPT_LANGUAGE="zh-hans")
    charge = next(i for i in items.json()["items"] if i["member"] == AH)
    assert charge["explanation"]["member"] == AH and charge["explanation"]["rule"] == "share"
    assert (
        charge["explanation_text"].startswith("安徽省") and "在校生" in charge["explanation_text"]
    )
    en = c.get("/api/finance/funds/yrd/charges?limit=10", HTTP_ACCEPT_LANGUAGE="en").json()
    text = next(i for i in en["items"] if i["member"] == AH)["explanation_text"]
    assert text.startswith("Anhui") and "Students" in text and "pays" in text


def test_every_rule_renders(world):
    """Records of the three project rules render to sentences with formatted amounts."""
    from xietong.algorithms import cost_sharing

    shapley = cost_sharing.shapley_detailed([0, 300, 300, 480, 600, 720, 720, 900])
    lines = explain.lines(shapley.record(labels=[SH, AH, "330000000000"]))
    assert len(lines) == 4 and "210.00" in lines[1]  # Shanghai's Shapley value, 210
    airport = cost_sharing.airport_detailed([10000, 20000, 30000], [1, 1, 1]).record()
    lines = explain.lines(airport)
    assert "300.00" in lines[0] and "183.33" in lines[3]  # 100/3 + 100/2 + 100
    alloc = cost_sharing.proportional_shares(100000000, [1, 3], labels=[SH, AH])
    lines = explain.lines(alloc.record())
    assert "1,000,000.00" in lines[0] and "750,000.00" in lines[2]
    assert explain.lines({}) == [] and explain.lines({"rule": "unknown"}) == []
