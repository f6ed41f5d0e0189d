"""Satisfaction survey results (per school and year) and the capacity index that reads them."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from xietong.accounts.scope import OutOfScope
from xietong.algorithms.capacity import capacity_index
from xietong.audit.models import AuditEntry
from xietong.partnerships.capacity import Ref, capacity_inputs
from xietong.partnerships.models import SatisfactionSurvey
from xietong.partnerships.services import satisfaction_survey_record

FIELDS = {
    "conducted_by": "廊坊市教育局督导室",
    "source": "廊坊市义务教育满意度调查报告（2025）",
}


def _record(world, who="langfang", **kw):
    args = {"year": 2025, "respondents": 200, "satisfied": 170, "conducted_on": date(2025, 6, 1)}
    return satisfaction_survey_record(
        actor=world["users"][who], school=world["schools"]["A"], **{**FIELDS, **args, **kw}
    )


def test_worked_example_on_and_below_the_85_per_cent_line(world):
    """2025: 170 of 200 satisfied is exactly 85 %: the line is met and the component is 1.
    2024: 153 of 200 is 76.5 %, (153/200) / (85/100) = 9/10 of the line, not met."""
    v25 = _record(world)
    v24 = _record(world, year=2024, satisfied=153, conducted_on=date(2024, 6, 1))
    y24, y25 = capacity_inputs(world["schools"]["A"], [2024, 2025])
    assert y25.inputs.satisfaction == Fraction(17, 20)
    assert y25.trace["satisfaction"] == [Ref("partnerships.satisfactionsurvey", v25.pk)]
    assert y24.trace["satisfaction"] == [Ref("partnerships.satisfactionsurvey", v24.pk)]
    r24, r25 = capacity_index([y24.inputs, y25.inputs])
    assert (r25.component("satisfaction").value, r25.component("satisfaction").meets_line) == (
        1,
        True,
    )
    assert r24.component("satisfaction").value == Fraction(9, 10)
    assert r24.component("satisfaction").meets_line is False


def test_recording_a_year_again_replaces_it_and_the_log_keeps_both(world):
    first = _record(world)
    again = _record(world, who="twl-sec", satisfied=180)
    assert first.pk == again.pk and SatisfactionSurvey.objects.get().satisfied == 180
    entries = AuditEntry.objects.filter(action="partnerships.survey_record").order_by("seq")
    assert [e.after["satisfied"] for e in entries] == [170, 180]
    assert entries.last().before["satisfied"] == 170
    assert entries.last().object_id == f"{world['schools']['A'].code}:2025"


@pytest.mark.parametrize("who", ["school-a", "teacher-a", "tongzhou", "jiangsu", "yrd-sec"])
def test_the_school_itself_and_outsiders_may_not_record(world, who):
    with pytest.raises(OutOfScope):
        _record(world, who=who)
    assert not SatisfactionSurvey.objects.exists()


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"satisfied": 201}, "satisfied respondents: 201 is more than the 200"),
        ({"respondents": 0, "satisfied": 0}, "at least one respondent"),
        ({"respondents": "many"}, "respondents: many is not a whole number"),
        ({"conducted_on": date(2999, 1, 1)}, "lies in the future"),
        ({"conducted_on": "1 June"}, "date of the survey: 1 June is not a date"),
        ({"source": " "}, "source document: this field is required"),
        ({"year": 1900}, "year: 1900 is not between 2000 and 2100"),
    ],
)
def test_bad_input_is_refused_naming_the_field(world, bad, message):
    with pytest.raises(ValueError, match=message):
        _record(world, **bad)


def test_api_and_page_form(world, client):
    a = world["schools"]["A"]
    client.force_login(world["users"]["langfang"])
    page = client.get(f"/schools/{a.code}/capacity/").content.decode()
    assert 'id="survey-form"' in page and "No survey recorded." in page
    body = {"year": 2025, "respondents": 40, "satisfied": 30, "conducted_on": "2025-05-20"}
    r = client.post(
        f"/api/schools/{a.code}/satisfaction-surveys",
        {**FIELDS, **body},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert (r.json()["share"], r.json()["meets_line"]) == ("3/4", False)
    bad = client.post(
        f"/api/schools/{a.code}/satisfaction-surveys",
        {**FIELDS, **body, "satisfied": 41},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "satisfied respondents" in bad.json()["detail"]
    r = client.post(
        f"/schools/{a.code}/capacity/survey/", {**FIELDS, **body, "year": 2024, "satisfied": 36}
    )
    assert r.status_code == 302 and r["Location"].startswith(f"/schools/{a.code}/capacity/#survey-")
    r = client.post(f"/schools/{a.code}/capacity/survey/", {**FIELDS, **body, "satisfied": 50})
    assert r.status_code == 400
    cap = client.get(f"/api/schools/{a.code}/capacity").json()
    assert [(v["year"], v["share"]) for v in cap["surveys"]] == [(2024, "9/10"), (2025, "3/4")]
    y25 = next(y for y in cap["years"] if y["year"] == 2025)
    assert y25["inputs"]["satisfaction"] == "3/4"
    assert y25["records"]["satisfaction"][0]["model"] == "partnerships.satisfactionsurvey"
    page = client.get(f"/schools/{a.code}/capacity/").content.decode()
    assert 'id="survey-table"' in page and "#survey-" in page
    client.force_login(world["users"]["school-a"])  # the school sees its page, not the form
    page = client.get(f"/schools/{a.code}/capacity/").content.decode()
    assert 'id="survey-table"' in page and 'id="survey-form"' not in page
