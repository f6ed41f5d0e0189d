"""Teaching points (办学类型 218) under 50 students are left out of the 2017 resource evaluation
(教督〔2017〕6号); the registry records the 办学类型 code and the evaluation reads it."""

from decimal import Decimal

import pytest
from django.utils import translation

from xietong.evaluation.filetable import TableError, read_school_table
from xietong.evaluation.services import evaluation_run
from xietong.regions.models import Jurisdiction
from xietong.schools.models import SCHOOL_TYPE_STAGE, School, SchoolType
from xietong.schools.services import school_create, school_update, statistics_set


def _values(students: int) -> dict:
    per = students / 100
    return {
        "students": students,
        "teachers": round(8 * per) + 1,
        "teachers_qualified": round(5 * per) + 1,
        "teachers_backbone": round(1.5 * per) + 1,
        "teachers_pe_arts": round(1.2 * per) + 1,
        "teachers_mid_senior_title": round(3 * per) + 1,
        "building_area": 600 * per,
        "sports_area": 900 * per,
        "instrument_value": Decimal(250000 * per),
        "multimedia_classrooms": round(3 * per) + 1,
        "computers": round(12 * per) + 1,
        "library_books": round(3000 * per),
        "classes": 3,
    }


def test_every_school_type_has_a_stage():
    assert set(SchoolType.values) == set(SCHOOL_TYPE_STAGE)
    assert SCHOOL_TYPE_STAGE["218"] == "primary" and SCHOOL_TYPE_STAGE["312"] == "nine_year"


def test_a_30_pupil_teaching_point_is_excluded_under_2017(world):
    langfang = Jurisdiction.objects.get(code="131000000000")
    actor = world["users"]["langfang"]
    # complete the shared fixture's school in the county so the county can be judged
    statistics_set(school=world["schools"]["A"], year=2024, actor=actor, values=_values(400))
    big = school_create(
        code="1310029901",
        county_code="131002000000",
        name_zh="示例中心小学",
        school_type="211",
        location="town",
        actor=actor,
    )
    tp = school_create(
        code="1310029902",
        county_code="131002000000",
        name_zh="示例村教学点",
        school_type="218",
        location="rural",
        actor=actor,
    )
    assert tp.stage == "primary" and tp.is_teaching_point and not big.is_teaching_point
    statistics_set(school=big, year=2024, actor=actor, values=_values(600))
    # the teaching point is tiny and poorly equipped: it would fail every minimum
    poor = _values(30) | {"building_area": 30, "sports_area": 40, "multimedia_classrooms": 0}
    statistics_set(school=tp, year=2024, actor=actor, values=poor)
    run = evaluation_run(
        standard="quality-balance-2017",
        stage="primary",
        year=2024,
        jurisdiction=langfang,
        actor=actor,
    )
    excluded = [e for e in run.excluded if e["code"] == "small_teaching_point"]
    assert [(e["school_id"], e["students"], e["min_students"]) for e in excluded] == [
        ("1310029902", 30.0, 50)
    ]
    county = run.counties.get(county_id="131002000000")
    assert county.n_schools == 2 and county.n_excluded == 1
    assert not run.shortfalls.filter(school=tp).exists()
    assert not [n for n in run.notes if n["code"] == "teaching_point_rule_not_applied"]
    # the same school registered as an ordinary primary school is evaluated, and fails
    school_update(school=tp, school_type="211", actor=actor)
    again = evaluation_run(
        standard="quality-balance-2017",
        stage="primary",
        year=2024,
        jurisdiction=langfang,
        actor=actor,
    )
    assert again.shortfalls.filter(school=tp).exists()
    assert again.counties.get(county_id="131002000000").status == "fail"


def test_school_type_must_agree_with_the_stage(world):
    actor = world["users"]["langfang"]
    with pytest.raises(ValueError, match="312"):
        school_create(
            code="1310029903",
            county_code="131002000000",
            name_zh="示例学校",
            stage="primary",
            school_type="312",
            location="town",
            actor=actor,
        )
    with pytest.raises(ValueError, match="999"):
        school_create(
            code="1310029904",
            county_code="131002000000",
            name_zh="示例学校",
            school_type="999",
            location="town",
            actor=actor,
        )
    s = School.objects.get(code=world["schools"]["A"].code)
    with pytest.raises(ValueError, match="311"):
        school_update(school=s, school_type="311", actor=actor)  # a primary school


def test_evaluate_file_reads_school_type(tmp_path):
    f = tmp_path / "schools.csv"
    f.write_text(
        "school_id,county,school_type,students\nA,X,211,300\nB,X,218,30\nC,X,312,900\n",
        encoding="utf-8",
    )
    t = read_school_table(f)
    assert t["stage"].tolist() == ["primary", "primary", "nine_year"]
    assert t["teaching_point"].tolist() == [False, True, False]
    bad = tmp_path / "bad.csv"
    bad.write_text("school_id,county,stage,school_type,students\nA,X,junior,211,300\n")
    with (
        translation.override("en"),  # the reader's messages are in the reader's language
        pytest.raises(TableError, match="row 2, column school_type: 211 is a primary school"),
    ):
        read_school_table(bad)


def test_the_api_reads_and_writes_the_school_type(world):
    import json

    from django.test import Client

    c = Client()
    c.force_login(world["users"]["langfang"])
    r = c.post(
        "/api/schools",
        json.dumps(
            {
                "code": "1310029905",
                "county": "131002000000",
                "name_zh": "示例教学点",
                "school_type": "218",
                "location": "rural",
            }
        ),
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["school_type"] == "218" and r.json()["stage"] == "primary"
    r = c.patch(
        "/api/schools/1310029905",
        json.dumps({"school_type": "312"}),
        content_type="application/json",
    )
    assert r.status_code == 422 and "312" in r.json()["detail"]
    r = c.patch(
        "/api/schools/1310029905",
        json.dumps({"school_type": "211"}),
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["school_type"] == "211"
    page = c.get("/schools/1310029905/").content.decode()
    assert "211" in page


def test_the_evaluation_form_proposes_the_latest_complete_year(world):
    from django.test import Client

    from xietong.evaluation.selectors import default_year

    # world: every school reported 2024; one school alone reports 2025 (still being collected)
    statistics_set(school=world["schools"]["A"], year=2025, actor=None, values={"students": 10})
    assert default_year([2024, 2025]) == 2024
    c = Client()
    c.force_login(world["users"]["langfang"])
    page = c.get("/evaluation/").content.decode()
    assert "<option selected>2024</option>" in page
