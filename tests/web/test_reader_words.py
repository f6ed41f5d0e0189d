"""Numbers grouped by thousands in every language, and problems with a file told without the
English of the libraries that read it."""

from decimal import Decimal

import pytest
from django.test import Client
from django.utils import translation

from xietong.schools.services import statistics_import, statistics_set
from xietong.schools.tabular import ImportFailed
from xietong.web.templatetags.humanize_cn import cn_int, cn_num


def test_number_filters():
    assert cn_int(1234567) == "1,234,567"
    assert cn_int(Decimal("1234567.5")) == "1,234,568"
    assert cn_int(None) == "—" and cn_int("") == "—"
    assert cn_num(Decimal("1234567.456"), 2) == "1,234,567.46"
    assert cn_num(1234.5, 0) == "1,234"  # half to even, as Decimal rounds
    assert cn_num("0.3", "3") == "0.300"
    assert cn_num(None) == "—"
    assert cn_int("lots") == "lots" and cn_int(float("inf")) == float("inf")  # left as it is


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_school_page_groups_thousands(world, lang):
    school = world["schools"]["A"]
    statistics_set(
        school=school,
        year=2024,
        actor=None,
        values={"students": Decimal(12345), "instrument_value": Decimal("1234567.5")},
    )
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    c.force_login(world["users"]["langfang"])
    html = c.get(f"/schools/{school.code}/").content.decode()
    assert '<td class="n">12,345</td>' in html  # a count: whole, grouped
    assert '<td class="n">1,234,567.50</td>' in html  # money: two places, grouped
    assert ">12345<" not in html and ">12345.00<" not in html


def test_a_broken_workbook_is_described_in_chinese(world):
    with translation.override("zh-hans"), pytest.raises(ImportFailed) as exc:
        statistics_import(data=b"PK\x03\x04garbage", filename="b.xlsx", actor=None)
    with translation.override("zh-hans"):
        text = str(exc.value.problems[0])
    assert text == (
        "b.xlsx：无法读取该工作簿（它不是 ZIP 压缩包，而每个 .xlsx 文件都应是 ZIP 压缩包）；"
        "请在 Excel 中打开并另存为 .xlsx"
    )  # was "(File is not a zip file)", zipfile's own English


def test_a_broken_csv_row_is_described_in_chinese(world):
    data = b'school_code,year,students\n"1310020001,2024\n'
    with translation.override("zh-hans"), pytest.raises(ImportFailed) as exc:
        statistics_import(data=data, filename="q.csv", actor=None)
    with translation.override("zh-hans"):
        text = " ".join(str(p) for p in exc.value.problems)
    assert "q.csv" in text
    assert "unexpected end of data" not in text and "unquoted" not in text
