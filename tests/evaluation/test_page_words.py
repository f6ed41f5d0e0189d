"""Evaluation pages speak the reader's language: stages by their names, the coefficient of
variation and the standard's threshold named in tables and chart legends, counts grouped by
thousands."""

import json
import re

import pytest
from django.test import Client

from xietong.evaluation.services import evaluation_run
from xietong.regions.models import Jurisdiction

from .test_evaluation_run import worked_example  # noqa: F401  (fixture)


@pytest.fixture
def run(worked_example, world):  # noqa: F811
    return evaluation_run(
        standard="basic-balance-2012",
        stage="primary",
        year=2024,
        jurisdiction=Jurisdiction.objects.get(code="131000000000"),
        actor=world["users"]["langfang"],
    )


def _chart_names(html: str) -> list[str]:
    """Legend names and axis titles of every chart on the page (the figures' JSON)."""
    out = []
    for payload in re.findall(
        r'<script type="application/json" id="figure-\w+">(.*?)</script>', html
    ):
        fig = json.loads(payload)
        out += [t.get("name") for t in fig["data"] if t.get("name")]
        for key, axis in fig["layout"].items():
            if key.startswith(("xaxis", "yaxis")) and axis.get("title", {}).get("text"):
                out.append(axis["title"]["text"])
    return out


def test_run_and_county_pages_in_chinese(run, world, read_page):
    county = f"/evaluation/runs/{run.pk}/counties/131002000000/"
    for path in (f"/evaluation/runs/{run.pk}/", county):
        html = read_page(world["users"]["langfang"], path, "zh-hans")
        names = _chart_names(html)
        assert "差异系数" in names and "标准线" in names  # was "CV" and "threshold"
        assert "CV" not in names and "threshold" not in names
        assert ">CV" not in html  # table headings
    html = read_page(world["users"]["langfang"], county, "zh-hans")
    assert "2024 · 小学 ·" in html and "· primary ·" not in html  # the stage by its name
    home = read_page(world["users"]["langfang"], "/evaluation/", "zh-hans")
    assert "<td>小学</td>" in home and "<td>primary</td>" not in home
    # the standard by its document and title, not by its code
    assert ">教督〔2012〕3号 县域义务教育基本均衡" in home and ">basic-balance-2012 v" not in home


def test_run_pages_in_english(run, world, read_page):
    html = read_page(
        world["users"]["langfang"], f"/evaluation/runs/{run.pk}/counties/131002000000/", "en"
    )
    names = _chart_names(html)
    assert "Coefficient of variation" in names and "Threshold of the standard" in names
    assert "2024 · Primary ·" in html
    # 6 schools: the plural and the number together
    assert "6 schools" in html


def test_gap_table_headings_translated(db):
    from xietong.schools.demo import demo_load

    demo_load(scale=0.01, years=(2023, 2024))
    html = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get("/evaluation/gap/yrd/").content.decode()
    assert "泰尔指数 T" in html and "基尼系数" in html
    assert ">Theil T<" not in html and ">Gini<" not in html
    names = _chart_names(html)
    assert "差异系数" in names  # the convergence chart's axis
