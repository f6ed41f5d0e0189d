import io

import pytest

from xietong.schools.tabular import ImportFailed
from xietong.talent.imports import posts_import, teachers_import
from xietong.talent.models import ExchangePost, Teacher

HEADER = "code,name,school_code,subject,stage,title,backbone,years_at_school,eligible\n"


def test_teachers_import_creates_and_updates(tw):
    data = (
        HEADER + "N1,新教师一,1310020001,maths,primary,first,county,7,1\n"
        "TA1,廊坊教师1,1310020001,chinese,primary,second,none,9,0\n"
    ).encode()
    r = teachers_import(data=data, filename="t.csv", actor=tw["users"]["school-a"])
    assert (r.created, r.updated) == (1, 1)
    assert Teacher.objects.get(code="TA1").subject == "chinese"
    assert Teacher.objects.get(code="N1").backbone == "county"


def test_teachers_import_all_or_nothing_with_rows_and_columns(tw):
    data = (
        HEADER + "N1,a,1310020001,maths,primary,first,none,7,1\n"
        "N2,b,NOPE,maths,primary,first,none,7,1\n"
        "N3,c,1310020001,cooking,primary,first,none,70,maybe\n"
        "N1,d,1310020001,maths,primary,first,none,1,1\n"
    ).encode()
    with pytest.raises(ImportFailed) as exc:
        teachers_import(data=data, filename="t.csv", actor=None)
    where = {(p.row, p.column) for p in exc.value.problems}
    assert {
        (3, "school_code"),
        (4, "subject"),
        (4, "years_at_school"),
        (4, "eligible"),
        (5, "code"),
    } <= where
    assert not Teacher.objects.filter(code="N1").exists()


def test_teachers_import_wrong_user(tw):
    data = (HEADER + "N1,a,1101120002,maths,primary,first,none,7,1\n").encode()
    with pytest.raises(ImportFailed) as exc:
        teachers_import(data=data, filename="t.csv", actor=tw["users"]["school-a"])
    assert exc.value.problems[0].column == "school_code"


def test_teachers_import_missing_column_and_xlsx(tw):
    with pytest.raises(ImportFailed) as exc:
        teachers_import(data=b"code,name\nX,y\n", filename="t.csv", actor=None)
    assert {p.column for p in exc.value.problems} >= {"school_code", "subject", "stage"}
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEADER.strip().split(","))
    ws.append(["X1", "x", "1310020001", "maths", "primary", "none", "none", 3, 1])
    buf = io.BytesIO()
    wb.save(buf)
    r = teachers_import(data=buf.getvalue(), filename="t.xlsx", actor=None)
    assert r.created == 1


def test_posts_import(tw):
    data = b"code,school_code,subject,stage,term_years,kind,seats\nQ1,1200000000,maths,primary,2,support,1\n"
    data = data.replace(b"1200000000", tw["schools"]["D"].code.encode())
    r = posts_import(rnd=tw["round"], data=data, filename="p.csv", actor=tw["users"]["jjj-sec"])
    assert r.created == 1 and ExchangePost.objects.get(code="Q1").term_years == 2


def test_posts_import_errors(tw):
    c = tw["schools"]["C"].code  # Jiangsu: outside jjj
    data = (
        f"code,school_code,subject,stage,term_years,kind,seats\n"
        f"PA,{tw['schools']['D'].code},maths,primary,1,rotation,1\n"
        f"Q2,{c},maths,primary,4,swap,1\n"
    ).encode()
    with pytest.raises(ImportFailed) as exc:
        posts_import(rnd=tw["round"], data=data, filename="p.csv", actor=None)
    where = {(p.row, p.column) for p in exc.value.problems}
    assert {(2, "code"), (3, "school_code"), (3, "term_years"), (3, "kind")} <= where
    with pytest.raises(ImportFailed):
        posts_import(rnd=tw["round"], data=data, filename="p.csv", actor=tw["users"]["langfang"])


def test_a_wrong_code_is_answered_with_the_codes_and_their_names(tw):
    from django.utils import translation

    data = (HEADER + "N1,新教师一,1310020001,English,junior,first,none,7,1\n").encode()
    with translation.override("zh-hans"):
        with pytest.raises(ImportFailed) as exc:
            teachers_import(data=data, filename="t.csv", actor=None)
        message = next(p.message for p in exc.value.problems if p.column == "subject")
    # each code with its name, in the reader's language (英语 is the subject, not the language)
    assert message.startswith(
        "'English' 不是可用的代码之一：chinese（语文）、maths（数学）、english（英语）"
    )
    assert ", " not in message
