import json
from decimal import Decimal

import pytest
from django.test import Client

from xietong.accounts.scope import OutOfScope
from xietong.audit.services import verify_chain
from xietong.evaluation.models import EvaluationRun
from xietong.evaluation.services import evaluation_publish, evaluation_reproduce, evaluation_run
from xietong.jobs.worker import run_pending
from xietong.regions.models import Jurisdiction
from xietong.schools.models import School
from xietong.schools.services import statistics_set

# The worked example of the national method: enrolments and library books of five schools.
ENROLMENT = [45, 37, 89, 76, 55]
BOOKS = [279, 137, 935, 160, 402]


@pytest.fixture
def worked_example(world):
    """Five primary schools in Langfang's Anci district with complete 2024 statistics."""
    schools = []
    for i, (students, books) in enumerate(zip(ENROLMENT, BOOKS, strict=True)):
        s = School.objects.create(
            code=f"131002900{i}",
            name_zh=f"示例小学{i}",
            stage="primary",
            county_id="131002000000",
            location="rural",
            ownership="public",
        )
        statistics_set(
            school=s,
            year=2024,
            actor=None,
            values={
                "students": students,
                "teachers": 10 + i,
                "teachers_qualified": 5 + i,
                "teachers_backbone": 1,
                "teachers_pe_arts": 2,
                "teachers_mid_senior_title": 4 + i,
                "building_area": 300 * (i + 1),
                "sports_area": 500 + 40 * i,
                "instrument_value": Decimal(100000 + 5000 * i),
                "multimedia_classrooms": 2,
                "computers": 10 + i,
                "library_books": books,
                "classes": 3,
            },
        )
        schools.append(s)
    # the school of the shared `world` fixture in the same county has only two values: it cannot
    # be evaluated, and the county is "incomplete" (it is not judged on part of its schools)
    return schools


def test_worked_example_cv_through_the_platform(worked_example, world):
    run = evaluation_run(
        standard="basic-balance-2012",
        stage="primary",
        year=2024,
        jurisdiction=Jurisdiction.objects.get(code="131000000000"),
        actor=world["users"]["langfang"],
    )
    county = run.counties.get(county_id="131002000000")
    books = next(
        i
        for i in county.indicators
        if i["code"].startswith("library_books") or "books" in i["code"]
    )
    assert books["cv"] == pytest.approx(0.5153, abs=5e-5)
    assert county.n_schools == 5
    missing = [e for e in run.excluded if e["code"] == "missing_values"]
    assert [m["school_id"] for m in missing] == [world["schools"]["A"].code]
    assert "library_books" in missing[0]["columns"] and missing[0]["county"] == "131002000000"
    assert county.status == "incomplete" and county.n_missing == 1
    assert county.reasons[0] == {"code": "incomplete_data", "n_missing": 1, "n_schools": 6}
    assert len(run.fingerprint) == 64


def test_fingerprint_is_reproducible_and_detects_changes(worked_example, world):
    actor = world["users"]["langfang"]
    lf = Jurisdiction.objects.get(code="131000000000")
    a = evaluation_run(
        standard="quality-balance-2017", stage="primary", year=2024, jurisdiction=lf, actor=actor
    )
    b = evaluation_run(
        standard="quality-balance-2017", stage="primary", year=2024, jurisdiction=lf, actor=actor
    )
    assert a.fingerprint == b.fingerprint
    assert evaluation_reproduce(run=a, actor=actor)["unchanged"]
    statistics_set(school=worked_example[0], year=2024, values={"library_books": 280}, actor=actor)
    check = evaluation_reproduce(run=a, actor=actor)
    assert not check["unchanged"] and check["stored"] == a.fingerprint
    c = evaluation_run(
        standard="quality-balance-2017", stage="primary", year=2024, jurisdiction=lf, actor=actor
    )
    assert c.fingerprint != a.fingerprint


def test_shortfalls_are_stored_per_school(worked_example, world):
    run = evaluation_run(
        standard="quality-balance-2017",
        stage="primary",
        year=2024,
        jurisdiction=Jurisdiction.objects.get(code="131000000000"),
        actor=None,
    )
    county = run.counties.get(county_id="131002000000")
    # one school has not reported (incomplete); what is known already fails
    assert county.status == "incomplete"
    assert [r["code"] for r in county.reasons] == ["incomplete_data", "schools_below_standard"]
    shortfalls = list(run.shortfalls.filter(indicator="building_area_per_student"))
    # building area 300*(i+1) over enrolment: school 0 has 6.67 m2, school 3 has 15.8, school 1 has 16.2 ...
    below = {s.school.code for s in shortfalls}
    expected = {
        s.code
        for s, n, i in zip(worked_example, ENROLMENT, range(5), strict=True)
        if 300 * (i + 1) / n < 4.5
    }
    assert below == expected
    for s in shortfalls:
        assert s.shortfall == pytest.approx(s.minimum - s.value)


def test_who_may_run_and_publish(worked_example, world):
    lf = Jurisdiction.objects.get(code="131000000000")
    twl = world["areas"]["tongwulang"]
    for who in ("jiangsu", "tongzhou", "school-a", "teacher-a", "public", "yrd-sec"):
        with pytest.raises(OutOfScope):
            evaluation_run(
                standard="quality-balance-2017",
                stage="primary",
                year=2024,
                jurisdiction=lf,
                actor=world["users"][who],
            )
    with pytest.raises(OutOfScope):
        evaluation_run(
            standard="quality-balance-2017",
            stage="primary",
            year=2024,
            area=twl,
            actor=world["users"]["langfang"],
        )
    run = evaluation_run(
        standard="quality-balance-2017",
        stage="primary",
        year=2024,
        area=twl,
        actor=world["users"]["twl-sec"],
    )
    with pytest.raises(OutOfScope):
        evaluation_publish(run=run, actor=world["users"]["langfang"])
    evaluation_publish(run=run, actor=world["users"]["twl-sec"])
    run.refresh_from_db()
    assert run.is_published
    assert verify_chain().ok


def test_public_sees_published_runs_only(worked_example, world):
    lf = Jurisdiction.objects.get(code="131000000000")
    draft = evaluation_run(
        standard="quality-balance-2017", stage="primary", year=2024, jurisdiction=lf, actor=None
    )
    public = Client()
    assert public.get(f"/api/evaluations/{draft.pk}").status_code == 404
    assert public.get(f"/evaluation/runs/{draft.pk}/").status_code == 404
    bureau = Client()
    bureau.force_login(world["users"]["langfang"])
    assert bureau.get(f"/api/evaluations/{draft.pk}").status_code == 200
    other = Client()
    other.force_login(world["users"]["jiangsu"])
    assert other.get(f"/api/evaluations/{draft.pk}").status_code == 404
    evaluation_publish(run=draft, actor=world["users"]["langfang"])
    assert public.get(f"/api/evaluations/{draft.pk}").status_code == 200
    counties = public.get(f"/api/evaluations/{draft.pk}/counties").json()
    assert {c["county"] for c in counties} == {"131002000000"}
    page = public.get(f"/evaluation/runs/{draft.pk}/").content.decode()
    assert 'id="counties"' in page and "plotly-graph-div" in page
    drill = public.get(f"/evaluation/runs/{draft.pk}/counties/131002000000/")
    assert drill.status_code == 200 and b'id="shortfalls-withheld"' in drill.content
    csv = public.get(f"/evaluation/runs/{draft.pk}/?format=csv").content.decode()
    assert csv.startswith("county,") and "131002000000" in csv


def test_api_run_and_bad_input(worked_example, world):
    c = Client()
    c.force_login(world["users"]["langfang"])
    r = c.post(
        "/api/evaluations",
        data=json.dumps(
            {
                "standard": "basic-balance-2012",
                "stage": "primary",
                "year": 2024,
                "jurisdiction": "131000000000",
            }
        ),
        content_type="application/json",
    )
    assert r.status_code == 202, r.content  # a job: where to follow it
    assert r["Location"] == r.json()["url"] and r.json()["status"] == "queued"
    assert EvaluationRun.objects.count() == 0
    assert run_pending() == 1
    job = c.get(r["Location"]).json()
    assert job["status"] == "succeeded", job
    run = EvaluationRun.objects.get(pk=job["result"]["run"])
    assert run.n_counties == job["result"]["counties"] == 1
    assert job["result_url"] == f"/evaluation/runs/{run.pk}/"
    r = c.post(
        "/api/evaluations",
        data=json.dumps(
            {
                "standard": "basic-balance-2012",
                "stage": "senior",
                "year": 2024,
                "jurisdiction": "131000000000",
            }
        ),
        content_type="application/json",
    )
    assert r.status_code == 422 and "senior" in r.json()["detail"]
    r = c.post(
        "/api/evaluations",
        data=json.dumps(
            {
                "standard": "no-such-standard",
                "stage": "primary",
                "year": 2024,
                "jurisdiction": "131000000000",
            }
        ),
        content_type="application/json",
    )
    assert r.status_code == 422
    assert EvaluationRun.objects.count() == 1


def test_a_county_with_one_school_lacking_data_is_incomplete_not_passing(worked_example, world):
    """Under the 2017 standard every school must pass, so the county cannot pass while a school
    has not reported: before, the platform dropped that school and judged the other five."""
    lf = Jurisdiction.objects.get(code="131000000000")
    actor = world["users"]["langfang"]
    run = evaluation_run(
        standard="quality-balance-2017", stage="primary", year=2024, jurisdiction=lf, actor=actor
    )
    county = run.counties.get(county_id="131002000000")
    assert county.status == "incomplete" and county.n_missing == 1
    assert run.n_passing == 0 or not run.counties.filter(status="pass", county_id="131002000000")
    # once the school reports, the county is judged on all six schools
    a = world["schools"]["A"]
    statistics_set(school=a, year=2024, actor=actor, values=dict(_complete_values()))
    again = evaluation_run(
        standard="quality-balance-2017", stage="primary", year=2024, jurisdiction=lf, actor=actor
    )
    county = again.counties.get(county_id="131002000000")
    assert county.status in ("pass", "fail") and county.n_missing == 0
    assert county.n_schools == 6


def _complete_values():
    return {
        "students": 60,
        "teachers": 12,
        "teachers_qualified": 6,
        "teachers_backbone": 1,
        "teachers_pe_arts": 2,
        "teachers_mid_senior_title": 5,
        "building_area": 600,
        "sports_area": 700,
        "instrument_value": Decimal(150000),
        "multimedia_classrooms": 2,
        "computers": 12,
        "library_books": 300,
        "classes": 3,
    }


# who reads a published run's school shortfalls (rows of schools in Langfang's Anci district)
SHORTFALL_READERS = {"admin", "jjj-sec", "twl-sec", "langfang"}


@pytest.mark.parametrize(
    "who",
    ["admin", "yrd-sec", "jjj-sec", "twl-sec", "jiangsu", "langfang", "tongzhou"]
    + ["school-a", "teacher-a", "public", None],
)
def test_shortfalls_need_a_role_that_reaches_the_school(worked_example, world, who):
    """A published run's county results are public; its school rows are not."""
    lf = Jurisdiction.objects.get(code="131000000000")
    run = evaluation_run(
        standard="quality-balance-2017", stage="primary", year=2024, jurisdiction=lf, actor=None
    )
    evaluation_publish(run=run, actor=None)
    assert run.shortfalls.exists()
    c = Client()
    if who is not None:
        c.force_login(world["users"][who])
    counties = c.get(f"/api/evaluations/{run.pk}/counties")
    assert counties.status_code == 200 and counties.json()[0]["county"] == "131002000000"
    r = c.get(f"/api/evaluations/{run.pk}/shortfalls?limit=500")
    drill = c.get(f"/evaluation/runs/{run.pk}/counties/131002000000/")
    csv = c.get(f"/evaluation/runs/{run.pk}/counties/131002000000/?format=csv")
    assert drill.status_code == 200 and "安次" in drill.content.decode()  # the county's results
    if who in (None, "public"):
        assert r.status_code == (401 if who is None else 403)
        assert b'id="shortfalls"' not in drill.content and csv.status_code == 403
        return
    expected = (
        {(s.school.code, s.indicator) for s in run.shortfalls.select_related("school")}
        if who in SHORTFALL_READERS
        else set()
    )
    assert {(i["school"], i["indicator"]) for i in r.json()["items"]} == expected
    rows = csv.content.decode().splitlines()[1:]
    assert {tuple(line.split(",")[:3:2]) for line in rows if line} == expected
    assert b'id="shortfalls"' in drill.content
