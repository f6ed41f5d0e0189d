"""Worked examples of the evaluation rules as bureaus apply them.

- A county is never judged on part of its schools: a school that lacks data makes its county
  "incomplete" (教督〔2017〕6号 requires every school to pass; a county cannot pass on the
  schools that happened to report).
- Combined schools split their shared physical resources by enrolment weighted
  primary : junior : senior = 1 : 1.1 : 1.32 and count teachers in the stage they teach.
- Teaching points under 50 students are left out of the 2017 resource evaluation.
"""

from __future__ import annotations

import math

import pytest

from xietong.algorithms.standards import PHYSICAL_ITEMS, evaluate, load_standard

from .test_standards import BASIC_EXTRA, GOOD_PRIMARY, Q17, columns, school

TEACHER_CODES = ("teachers_qualified", "teachers_backbone", "teachers_pe_arts")


def test_a_school_without_data_makes_its_county_incomplete():
    rows = [
        school("a1", "A", 300),
        school("a2", "A", 200),
        school("a3", "A", 250, sports_area=None),  # did not report its sports ground
        school("b1", "B", 300),
        school("b2", "B", 400),
    ]
    # The old behaviour (what the platform did by dropping the school first): A passes on a1, a2.
    complete_rows = [r for r in rows if r["school_id"] != "a3"]
    assert evaluate(Q17, columns(complete_rows), stage="primary").county("A").status == "pass"

    ev = evaluate(Q17, columns(rows), stage="primary", missing="incomplete")
    a, b = ev.county("A"), ev.county("B")
    assert a.status == "incomplete" and not a.passed
    assert a.n_missing == 1 and a.n_schools == 2  # judged schools; the third is listed
    assert a.reasons[0].as_dict() == {"code": "incomplete_data", "n_missing": 1, "n_schools": 3}
    assert [r.as_dict() for r in ev.missing] == [
        {"code": "missing_values", "school_id": "a3", "county": "A", "columns": ["sports_area"]}
    ]
    assert b.status == "pass" and b.n_missing == 0
    assert ev.n_passing == 1
    # The strict mode still names the row and the column.
    with pytest.raises(ValueError, match=r"school_id 'a3'.*'sports_area' is missing"):
        evaluate(Q17, columns(rows), stage="primary")


def test_unknown_enrolment_is_missing_data_not_an_empty_school():
    rows = [school("a1", "A", 300), school("a2", "A", 200) | {"students": None}]
    ev = evaluate(Q17, columns(rows), stage="primary", missing="incomplete")
    assert ev.county("A").status == "incomplete"
    assert [r.params["columns"] for r in ev.missing] == [["students"]]
    assert ev.excluded == ()  # not "no_enrolment"
    # A county whose only school lacks data is incomplete, not "no schools".
    solo = evaluate(
        Q17,
        columns([school("c1", "C", 100, building_area=None)]),
        stage="primary",
        missing="incomplete",
    )
    assert solo.county("C").status == "incomplete"


def test_missing_data_of_an_excluded_school_does_not_matter():
    # A 30-pupil teaching point is out of the 2017 evaluation, so its gaps do not block the county.
    rows = [
        school("a1", "A", 300),
        school("a2", "A", 200),
        school("tp", "A", 30, sports_area=None) | {"teaching_point": True},
    ]
    for r in rows:
        r.setdefault("teaching_point", False)
    ev = evaluate(Q17, columns(rows), stage="primary", missing="incomplete")
    assert ev.county("A").status == "pass"
    assert [(r.code, r.params["school_id"], r.params["students"]) for r in ev.excluded] == [
        ("small_teaching_point", "tp", 30.0)
    ]


def nine_year(**over):
    """A nine-year school: 600 primary and 300 junior pupils, 9,900 m2 of buildings, per-stage
    teacher columns (primary 30 qualified / 9 backbone / 6 PE-arts, junior 20 / 4 / 3)."""
    row = school("N", "C", 900, stage="nine_year", students_primary=600, students_junior=300)
    row["building_area"] = 9900.0
    per_stage = {
        "primary": {"teachers_qualified": 30, "teachers_backbone": 9, "teachers_pe_arts": 6},
        "junior": {"teachers_qualified": 20, "teachers_backbone": 4, "teachers_pe_arts": 3},
    }
    for stage, counts in per_stage.items():
        for code, n in counts.items():
            row[f"{code}_{stage}"] = n
    row.update(over)
    return row


def test_nine_year_school_splits_buildings_1_to_1_1_and_takes_teachers_by_stage():
    std = load_standard(Q17)
    assert std.combined.rule == "physical_weighted"
    assert dict(std.split_weights) == {"primary": 1.0, "junior": 1.1, "senior": 1.32}
    cols = columns([nine_year()])
    p = evaluate(Q17, cols, stage="primary").school_table()
    j = evaluate(Q17, cols, stage="junior").school_table()
    # weighted enrolment 600 * 1 + 300 * 1.1 = 930 "primary-pupil equivalents"
    # primary part: 9,900 * 600 / 930 = 6,387.1 m2 for 600 pupils = 10.645 m2 each
    # junior part:  9,900 * 330 / 930 = 3,512.9 m2 for 300 pupils = 11.710 m2 each (1.1x)
    assert p["building_area_per_student"][0] == pytest.approx(9900 / 930, rel=1e-12)
    assert j["building_area_per_student"][0] == pytest.approx(1.1 * 9900 / 930, rel=1e-12)
    assert j["building_area_per_student"][0] / p["building_area_per_student"][0] == pytest.approx(
        1.1
    )
    # teachers are not split: each stage counts the teachers who teach it
    assert p["teachers_backbone_per_100_students"][0] == pytest.approx(9 / 600 * 100)
    assert j["teachers_backbone_per_100_students"][0] == pytest.approx(4 / 300 * 100)
    assert p["teachers_qualified_per_100_students"][0] == pytest.approx(5.0)
    # the school's whole teacher count (school() gave it 5 per 100 of 900 = 45) is not used
    assert p["teachers_qualified_per_100_students"][0] != pytest.approx(45 * 600 / 930 / 6)


def test_complete_secondary_1_to_1_2_and_twelve_year_1_to_1_1_to_1_32():
    k = school("K", "C", 500, stage="complete_secondary", students_junior=200)
    k |= {"students_senior": 300, "sports_area": 5360.0}
    t = school("T", "D", 600, stage="twelve_year", students_primary=300, students_junior=200)
    t |= {"students_senior": 100, "sports_area": 7520.0}
    for row in (k, t):
        for code in TEACHER_CODES:
            row[f"{code}_junior"] = GOOD_PRIMARY[code] * 2 + 1  # 200 junior pupils
            row[f"{code}_primary"] = GOOD_PRIMARY[code] * 3
    rows = [k, t]
    for r in rows:
        r.setdefault("students_primary", None)
    ev = evaluate(Q17, columns(rows), stage="junior")
    table = dict(
        zip(
            ev.school_table()["school_id"],
            ev.school_table()["sports_area_per_student"],
            strict=True,
        )
    )
    # complete secondary: 200 * 1.1 + 300 * 1.32 = 616 weighted; junior share 220 / 616
    assert table["K"] == pytest.approx(5360 * 220 / 616 / 200)
    # junior : senior per pupil = 1.1 : 1.32 = 1 : 1.2
    assert (1.32 / 1.1) == pytest.approx(1.2)
    # twelve-year: 300 * 1 + 200 * 1.1 + 100 * 1.32 = 652 weighted; junior share 220 / 652
    assert table["T"] == pytest.approx(7520 * 220 / 652 / 200)


def test_physical_items_are_a_setting_of_the_standard():
    std = load_standard(Q17)
    assert set(std.combined.physical_items) == set(PHYSICAL_ITEMS)
    assert "teachers_backbone" not in std.combined.physical_items
    assert "1 : 1.1 : 1.32" in std.combined.source
    # a province that splits by plain enrolment derives a variant: no code change
    flat = std.derive("flat", split_weights={"junior": 1, "senior": 1})
    p = evaluate(flat, columns([nine_year()]), stage="primary").school_table()
    assert p["building_area_per_student"][0] == pytest.approx(9900 / 900)
    with pytest.raises(ValueError, match="physical_items"):
        std.derive("bad", combined_schools={"physical_items": ["students_per_class"]})
    with pytest.raises(ValueError, match="'rule' must be one of"):
        std.derive("bad", combined_schools={"rule": "guess"})


def test_combined_school_without_per_stage_teachers_is_missing_data():
    row = nine_year()
    del row["teachers_backbone_primary"]
    other = school("P", "C", 300)
    cols = columns([row, other])
    with pytest.raises(ValueError, match="needs a 'teachers_backbone_primary' column"):
        evaluate(Q17, cols, stage="primary")
    cols["teachers_backbone_primary"] = [None, None]
    ev = evaluate(Q17, cols, stage="primary", missing="incomplete")
    assert ev.county("C").status == "incomplete"
    assert [r.params["columns"] for r in ev.missing] == [["teachers_backbone_primary"]]


def test_basic_2012_uses_the_same_combined_rule():
    row = nine_year()
    for code in ("teachers", "teachers_mid_senior_title"):
        row[f"{code}_primary"] = BASIC_EXTRA[code] * 6
        row[f"{code}_junior"] = BASIC_EXTRA[code] * 3
    ev = evaluate("basic-balance-2012", columns([row]), stage="primary")
    t = ev.school_table()
    books = next(k for k in t if "books" in k)
    assert t[books][0] == pytest.approx(row["library_books"] * 600 / 930 / 600)
    assert math.isfinite(t[books][0])
