"""Numbers typed into spreadsheets are read strictly: ASCII digits, a point for decimals, commas
only between thousands; anything else is refused with a message naming file, row and column."""

from decimal import Decimal

import pytest

from xietong.schools.services import statistics_import
from xietong.tabular import ImportFailed, NumberError, parse_decimal, parse_whole

pytestmark = pytest.mark.usefixtures("english_messages")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("480", Decimal(480)),
        (" 12,500 ", Decimal(12500)),
        ("1,234,567.25", Decimal("1234567.25")),
        ("-0.5", Decimal("-0.5")),
        (".5", Decimal("0.5")),
        ("+7", Decimal(7)),
        ("9999999999999999", Decimal("9999999999999999")),
    ],
)
def test_plain_numbers(text, value):
    assert parse_decimal(text) == value


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("²", "contains ² (U+00B2, the number 2), which is not a plain digit"),
        ("①", "(U+2460, the number 1)"),
        ("½", "(U+00BD, the number 0.5)"),
        ("٣", "digits of another script (٣, U+0663, the digit 3)"),
        ("۳۰", "(۳, U+06F3, the digit 3)"),
        ("३", "(३, U+0969, the digit 3)"),
        ("３", "full-width"),
        ("１２．５", "full-width"),
        ("12,5", "a comma may only separate thousands"),
        ("1,2,3", "a comma may only separate thousands"),
        ("12,5000", "a comma may only separate thousands"),
        ("1.2e3", "scientific notation"),
        ("1E+16", "scientific notation"),
        ("12 500", "is not a number"),
        ("", "is not a number"),
        (".", "is not a number"),
        ("NaN", "is not a number"),
        ("Infinity", "is not a number"),
        ("123456789012345678901234567890", "too large"),
        ("12345678901234567.5", "too large"),
    ],
)
def test_refused_with_a_reason(text, says):
    with pytest.raises(NumberError) as exc:
        parse_decimal(text)
    assert says in str(exc.value)


def test_whole_numbers():
    assert parse_whole("7", lo=0, hi=60) == 7
    assert parse_whole("7.0", lo=0, hi=60) == 7
    for text, says in (("7.5", "not a whole number"), ("61", "between 0 and 60"), ("٧", "script")):
        with pytest.raises(NumberError, match=says):
            parse_whole(text, lo=0, hi=60)
    with pytest.raises(NumberError, match="too large"):
        parse_whole("1" + "0" * 400, lo=0, hi=60)  # int(float("1e400")) was an OverflowError


def _problems(exc):
    return {(p.row, p.column): p.message for p in exc.value.problems}


def test_statistics_import_names_every_bad_number(world):
    a = world["schools"]["A"].code
    rows = [
        f"{a},2001,²,1",
        f"{a},2002,①,1",
        f"{a},2003,٣,1",
        f"{a},2004,３,1",
        f'{a},2005,1,"12,5"',
        f"{a},2006,1,123456789012345678901234567890.12",
        f"{a},２００７,1,1",
        f"{a},2008,1,1234567890123456789012345678.901",  # used to crash quantize()
    ]
    data = ("school_code,year,students,expenditure\n" + "\n".join(rows) + "\n").encode()
    with pytest.raises(ImportFailed) as exc:
        statistics_import(data=data, filename="n.csv", actor=world["users"]["langfang"])
    got = _problems(exc)
    assert set(got) == {
        (2, "students"),
        (3, "students"),
        (4, "students"),
        (5, "students"),
        (6, "expenditure"),
        (7, "expenditure"),
        (8, "year"),
        (9, "expenditure"),
    }
    assert "U+00B2, the number 2" in got[(2, "students")]
    assert "thousands" in got[(6, "expenditure")]
    assert "too large" in got[(7, "expenditure")] and "too large" in got[(9, "expenditure")]
    assert "full-width" in got[(8, "year")]
    assert "n.csv: row 6, column expenditure: '12,5': a comma" in str(exc.value)


def test_thousands_separators_are_read_as_such(world):
    a = world["schools"]["A"]
    data = f'school_code,year,students,expenditure\n{a.code},2009,"1,200","12,500.50"\n'.encode()
    r = statistics_import(data=data, filename="ok.csv", actor=world["users"]["langfang"])
    assert r.values == 2
    from xietong.schools.models import SchoolStatistic

    got = dict(
        SchoolStatistic.objects.filter(school=a, year=2009).values_list("indicator_id", "value")
    )
    assert got == {"students": Decimal(1200), "expenditure": Decimal("12500.50")}


def test_the_api_path_refuses_them_too(world):
    """statistics_set (PUT /api/schools/.../statistics/...) goes through the same parser."""
    from xietong.schools.services import statistics_set

    a = world["schools"]["A"]
    with pytest.raises(ImportFailed) as exc:
        statistics_set(
            school=a,
            year=2024,
            values={"expenditure": Decimal("123456789012345678901234567890")},
            actor=world["users"]["langfang"],
        )
    assert "too large" in exc.value.problems[0].message


def test_teacher_numbers(world):
    from xietong.talent.imports import teachers_import

    a = world["schools"]["A"].code
    header = "code,name,school_code,subject,stage,years_at_school,weekly_hours\n"
    data = (
        header + f"N1,a,{a},maths,primary,٣,12\n"
        f"N2,b,{a},maths,primary,1e400,12\n"
        f"N3,c,{a},maths,primary,3,１２\n"
    ).encode()
    with pytest.raises(ImportFailed) as exc:
        teachers_import(data=data, filename="t.csv", actor=world["users"]["school-a"])
    got = _problems(exc)
    assert set(got) == {(2, "years_at_school"), (3, "years_at_school"), (4, "weekly_hours")}
    assert "U+0663, the digit 3" in got[(2, "years_at_school")]
    assert "scientific notation" in got[(3, "years_at_school")]
    assert "full-width" in got[(4, "weekly_hours")]
