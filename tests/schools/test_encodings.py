"""CSV text in the encodings Excel and other tools write is read correctly, and the reader says
which encoding it used."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from xietong.accounts.services import token_create
from xietong.tabular import ImportFailed, read_table
from xietong.talent.imports import teachers_import
from xietong.talent.models import Teacher

TEACHERS = (
    "code,name,school_code,subject,stage\nG1,张伟,{a},maths,primary\nG2,李娜,{a},chinese,primary\n"
)


pytestmark = pytest.mark.usefixtures("english_messages")


@pytest.mark.parametrize(
    ("encode", "label"),
    [
        (lambda t: t.encode("utf-8"), "UTF-8"),
        (lambda t: t.encode("utf-8-sig"), "UTF-8"),  # Excel's "CSV UTF-8"
        (lambda t: t.encode("gbk"), "GB18030"),  # Excel's "CSV" on a Chinese Windows
        (lambda t: t.encode("gb18030"), "GB18030"),
        (lambda t: t.encode("utf-16"), "UTF-16"),
        (lambda t: t.replace(",", "\t").encode("utf-16"), "UTF-16"),  # "Unicode text"
        (lambda t: t.encode("utf-16-le"), "UTF-16-LE"),  # no byte-order mark
    ],
)
def test_teacher_names_survive_every_encoding(world, encode, label):
    a = world["schools"]["A"].code
    r = teachers_import(
        data=encode(TEACHERS.format(a=a)), filename="t.csv", actor=world["users"]["school-a"]
    )
    assert r.encoding == label
    assert dict(Teacher.objects.filter(code__in=["G1", "G2"]).values_list("code", "name")) == {
        "G1": "张伟",
        "G2": "李娜",
    }


def test_short_gbk_file_is_not_taken_for_korean():
    """charset-normalizer alone reads this two-name GBK file as cp949 (Korean)."""
    data = "code,name\nT1,张伟\nT2,李娜\n".encode("gbk")
    table = read_table(data, "t.csv")
    assert table.encoding == "GB18030"
    assert list(table.rows)[1:] == [["T1", "张伟"], ["T2", "李娜"]]


def test_four_byte_gb18030_and_big5():
    rare = "code,name\nT1,𠀀字\n".encode("gb18030")
    table = read_table(rare, "t.csv")
    assert (table.encoding, list(table.rows)[1]) == ("GB18030", ["T1", "𠀀字"])
    big5 = "code,name\nT1,張偉學校甲乙丙丁\n".encode("big5")
    table = read_table(big5, "t.csv")
    assert table.encoding in ("Big5", "GB18030")  # named either way, so a wrong guess is seen


def test_undecodable_bytes_are_named(world):
    """A byte-order mark says UTF-8, a byte on row 3 is not: the row is named."""
    data = "\ufeffcode,name\nT1,ok\nT2,".encode() + b"\xff\xfe\n"
    with pytest.raises(ImportFailed) as exc:
        teachers_import(data=data, filename="bad.csv", actor=world["users"]["school-a"])
    p = exc.value.problems[0]
    assert (p.file, p.row) == ("bad.csv", 3)
    assert "cannot be read as UTF-8 text; save the file as CSV UTF-8" in p.message


def test_other_encodings_are_named_so_a_wrong_guess_is_seen():
    table = read_table("code,name\nT1,Café Müller\n".encode("cp1252"), "t.csv")
    assert table.encoding not in ("UTF-8", "GB18030")
    assert list(table.rows)[1] == ["T1", "Café Müller"]


def test_the_encoding_is_reported_by_api_page_and_command(world, tmp_path):
    a = world["schools"]["A"].code
    data = f"school_code,year,students,school_name\n{a},2023,480,安次区第一小学\n".encode("gbk")
    user = world["users"]["langfang"]
    _t, secret = token_create(user=user, name="t", actor=user)
    r = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").post(
        "/api/statistics/import", {"file": SimpleUploadedFile("gbk.csv", data)}
    )
    assert r.status_code == 200 and r.json()["encoding"] == "GB18030"
    c = Client()
    c.force_login(user)
    page = c.post("/statistics/import/", {"file": SimpleUploadedFile("gbk.csv", data)})
    assert "Read the file as GB18030 text." in page.content.decode()
    teacher = world["users"]["school-a"]
    _t, secret = token_create(user=teacher, name="t", actor=teacher)
    r = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").post(
        "/api/talent/teachers/import",
        {"file": SimpleUploadedFile("t.csv", TEACHERS.format(a=a).encode("utf-16"))},
    )
    assert r.status_code == 200 and r.json()["encoding"] == "UTF-16"
