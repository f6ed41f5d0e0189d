"""Role x endpoint matrix: nobody reads or writes outside their scope, through pages or the API.

Schools: A Langfang (Hebei), B Tongzhou (Beijing), C Tongzhou (Nantong, Jiangsu: same name as B),
D Wuqing (Tianjin), E Shijiazhuang (Hebei).
"""

import datetime as dt
import json

import pytest
from django.test import Client

from tests.talent.conftest import run_to, talent_world
from xietong.schools.tabular import write_csv

ALL = {"A", "B", "C", "D", "E"}
READ = {
    "admin": ALL,
    "yrd-sec": {"C"},
    "jjj-sec": {"A", "B", "D", "E"},
    "twl-sec": {"A", "B", "D"},
    "jiangsu": {"C"},
    "langfang": {"A"},
    "tongzhou": {"B"},
    "school-a": {"A"},
    "teacher-a": {"A"},
    "public": set(),
    None: set(),
}
STATS = {**READ, "teacher-a": set()}
# Aggregates mix many schools: a school's own role does not reveal its county's unreleased totals.
AGGREGATES = {**STATS, "school-a": set()}
WRITE_STATS = {
    "admin": ALL,
    "jiangsu": {"C"},
    "langfang": {"A"},
    "tongzhou": {"B"},
    "school-a": {"A"},
}
WRITE_SCHOOL = {"admin": ALL, "jiangsu": {"C"}, "langfang": {"A"}, "tongzhou": {"B"}}
ROLES = list(READ)


def client_for(world, who) -> Client:
    c = Client()
    if who is not None:
        c.force_login(world["users"][who])
    return c


@pytest.mark.parametrize("who", ROLES)
def test_school_reads(world, who):
    c = client_for(world, who)
    codes = {k: s.code for k, s in world["schools"].items()}
    listed = {s["code"] for s in c.get("/api/schools?limit=100").json()["items"]}
    assert listed == {codes[k] for k in READ[who]}
    for key, code in codes.items():
        expected = 200 if key in READ[who] else 404
        assert c.get(f"/api/schools/{code}").status_code == expected, (who, key)
        assert c.get(f"/schools/{code}/").status_code == expected, (who, key)
    page = c.get("/schools/").content.decode()
    for key, code in codes.items():
        assert (code in page) == (key in READ[who]), (who, key)


@pytest.mark.parametrize("who", ROLES)
def test_statistics_reads(world, who):
    c = client_for(world, who)
    items = c.get("/api/statistics?limit=1000").json()["items"]
    seen = {i["school"] for i in items}
    assert seen == {world["schools"][k].code for k in STATS[who]}
    for key, school in world["schools"].items():
        page = c.get(f"/schools/{school.code}/").content.decode()
        if key in STATS[who]:
            assert 'id="stats"' in page
        else:
            assert 'id="stats"' not in page


@pytest.mark.parametrize("who", ROLES)
def test_school_capacity_reads(world, who):
    """A school's capacity is built from its statistics and staff: seen where its statistics are."""
    c = client_for(world, who)
    for key, school in world["schools"].items():
        expected = 200 if key in STATS[who] else 404
        assert c.get(f"/api/schools/{school.code}/capacity").status_code == expected, (who, key)
        assert c.get(f"/schools/{school.code}/capacity/").status_code == expected, (who, key)


# A school's satisfaction survey: recorded by its bureaus and the secretariats of its areas.
SURVEY_WRITE = {
    "admin": ALL,
    "yrd-sec": {"C"},
    "jjj-sec": {"A", "B", "D", "E"},
    "twl-sec": {"A", "B", "D"},
    "jiangsu": {"C"},
    "langfang": {"A"},
    "tongzhou": {"B"},
}


@pytest.mark.parametrize("who", ROLES)
def test_school_satisfaction_survey_writes(world, who):
    """The API and the capacity page's form record a survey where the role may; a school the
    caller does not see is a 404 (the anonymous caller: 401 from the API, the login page)."""
    from xietong.partnerships.models import SatisfactionSurvey

    c = client_for(world, who)
    body = {
        "respondents": 200,
        "satisfied": 170,
        "conducted_by": "第三方评估机构",
        "conducted_on": "2025-06-01",
        "source": "满意度调查报告（2025）",
    }
    for key, school in world["schools"].items():
        may = key in SURVEY_WRITE.get(who, set())
        r = c.post(
            f"/api/schools/{school.code}/satisfaction-surveys",
            {**body, "year": 2025},
            content_type="application/json",
        )
        if may:
            assert r.status_code == 201, (who, key, r.status_code)
        elif who is None:
            assert r.status_code == 401, (who, key)
        else:
            assert r.status_code == (403 if key in READ[who] else 404), (who, key, r.status_code)
        r = c.post(f"/schools/{school.code}/capacity/survey/", {**body, "year": 2024})
        if may:
            assert r.status_code == 302, (who, key, r.status_code)
        elif who is None:
            assert r.status_code == 302 and "/login" in r["Location"], (who, key)
        else:
            assert r.status_code == (403 if key in READ[who] else 404), (who, key, r.status_code)
        years = set(SatisfactionSurvey.objects.filter(school=school).values_list("year", flat=True))
        assert years == ({2024, 2025} if may else set()), (who, key)


# A pairing of Tongzhou B with Langfang A in Tongzhou-Wuqing-Langfang: seen by its area's
# secretariat and by whoever reads a party's jurisdiction or school.
PORTFOLIO_SEES = {"admin", "twl-sec", "jjj-sec", "langfang", "tongzhou", "school-a", "teacher-a"}


@pytest.mark.parametrize("who", ROLES)
def test_partnerships_portfolio_reads(world, who):
    import datetime as dt

    from xietong.partnerships.services import cooperation_propose

    s = world["schools"]
    cooperation_propose(
        actor=world["users"]["school-a"],
        school=s["A"],
        fields={
            "code": "TWL-M-1",
            "kind": "pairing",
            "title_zh": "结对",
            "area": world["areas"]["tongwulang"],
            "term_start": dt.date(2025, 1, 1),
            "term_end": dt.date(2027, 12, 31),
        },
        parties=[{"role": "lead", "school": s["B"]}, {"role": "supported", "school": s["A"]}],
    )
    c = client_for(world, who)
    r = c.get("/api/partnerships/portfolio/tongwulang")
    assert r.status_code == 200, who
    assert r.json()["cooperations"] == (1 if who in PORTFOLIO_SEES else 0), who
    assert c.get("/api/partnerships/portfolio/nowhere").status_code == 404
    page = c.get("/partnerships/portfolio/tongwulang/").content.decode()
    assert ('<td class="n">1</td>' in page) == (who in PORTFOLIO_SEES), who


# A member's portfolio (Langfang 131000000000 of Tongzhou-Wuqing-Langfang): its area's
# secretariat (and the one of the area above), the bureaus at, above or below the member, the
# administrator; nobody else (404), whatever they see of the area's portfolio.
MEMBER_PORTFOLIO = {"admin", "twl-sec", "jjj-sec", "langfang"}
PUBLISHES = {"admin", "twl-sec", "jjj-sec"}


@pytest.mark.parametrize("who", ROLES)
def test_partnerships_member_portfolio_reads(world, who):
    from xietong.partnerships.models import ComplianceResult, Obligation, PortfolioPublication
    from xietong.partnerships.services import cooperation_propose

    s = world["schools"]
    coop = cooperation_propose(
        actor=world["users"]["school-a"],
        school=s["A"],
        fields={
            "code": "TWL-M-2",
            "kind": "pairing",
            "title_zh": "结对",
            "area": world["areas"]["tongwulang"],
            "term_start": dt.date(2025, 1, 1),
            "term_end": dt.date(2027, 12, 31),
        },
        parties=[{"role": "lead", "school": s["B"]}, {"role": "supported", "school": s["A"]}],
    )
    ob = Obligation.objects.create(cooperation=coop, code="L", measure="lessons", quota=1)
    ComplianceResult.objects.create(obligation=ob, period="2025", quota=1, counted=1, met=True)
    c = client_for(world, who)
    expected = 200 if who in MEMBER_PORTFOLIO else 404
    for member in ("131000000000",):
        page = c.get(f"/partnerships/portfolio/tongwulang/{member}/")
        assert page.status_code == expected, who
        assert c.get(f"/partnerships/portfolio/tongwulang/?member={member}").status_code == (
            expected
        ), who
        api = c.get(f"/api/partnerships/portfolio/tongwulang?member={member}")
        assert api.status_code == expected, who  # READ_AUTH: anonymous reads as the public
        if expected == 200:
            assert api.json()["cooperations"] == 1, who
            assert "TWL-M-2" in page.content.decode(), who
    tongzhou = 200 if who in {"admin", "twl-sec", "jjj-sec", "tongzhou"} else 404
    assert c.get("/partnerships/portfolio/tongwulang/110112000000/").status_code == tongzhou, who
    assert c.get("/partnerships/portfolio/nowhere/131000000000/").status_code == 404
    c.post("/partnerships/portfolio/tongwulang/publish/", {"period": "2025"})
    published = PortfolioPublication.objects.filter(period="2025").exists()
    assert published == (who in PUBLISHES), who


@pytest.mark.parametrize("who", ROLES)
def test_statistics_writes(world, who):
    c = client_for(world, who)
    for key, school in world["schools"].items():
        r = c.put(
            f"/api/schools/{school.code}/statistics/2024",
            data=json.dumps({"values": {"students": 777}}),
            content_type="application/json",
        )
        if key in WRITE_STATS.get(who, set()):
            assert r.status_code == 200, (who, key, r.content)
        elif who is None:
            assert r.status_code == 401
        else:
            assert r.status_code == 403, (who, key, r.status_code)
    from xietong.schools.models import SchoolStatistic

    changed = {
        k
        for k, s in world["schools"].items()
        if SchoolStatistic.objects.get(school=s, year=2024, indicator_id="students").value == 777
    }
    assert changed == WRITE_STATS.get(who, set())


@pytest.mark.parametrize("who", ROLES)
def test_statistics_import_endpoint(world, who):
    c = client_for(world, who)
    for key, school in world["schools"].items():
        data = write_csv([[school.code, 2019, 100]], ["school_code", "year", "students"])
        from django.core.files.uploadedfile import SimpleUploadedFile

        r = c.post(
            "/api/statistics/import", {"file": SimpleUploadedFile("s.csv", data, "text/csv")}
        )
        if key in WRITE_STATS.get(who, set()):
            assert r.status_code == 200, (who, key, r.content)
        elif who is None:
            assert r.status_code == 401
        else:
            assert r.status_code == 422, (who, key, r.status_code)
            assert r.json()["problems"][0]["column"] in ("school_code", "")


@pytest.mark.parametrize("who", ROLES)
def test_school_registry_writes(world, who):
    c = client_for(world, who)
    for key, school in world["schools"].items():
        r = c.patch(
            f"/api/schools/{school.code}",
            data=json.dumps({"name_en": f"changed by {who}"}),
            content_type="application/json",
        )
        if key in WRITE_SCHOOL.get(who, set()):
            assert r.status_code == 200
        elif who is None:
            assert r.status_code == 401
        elif key in READ[who]:
            assert r.status_code == 403
        else:
            assert r.status_code == 404
    for county in ("131002000000", "320612000000", "110112000000"):
        r = c.post(
            "/api/schools",
            data=json.dumps(
                {
                    "code": f"N{county[:6]}{ROLES.index(who)}",
                    "county": county,
                    "name_zh": "新学校",
                    "stage": "primary",
                    "location": "rural",
                }
            ),
            content_type="application/json",
        )
        may = (
            who == "admin"
            or (who == "langfang" and county.startswith("1310"))
            or (who == "jiangsu" and county.startswith("32"))
            or (who == "tongzhou" and county.startswith("110112"))
        )
        assert r.status_code == (201 if may else 401 if who is None else 403), (
            who,
            county,
            r.status_code,
        )


@pytest.mark.parametrize("who", ROLES)
def test_aggregates_respect_releases(world, who, settings):
    """Unreleased years are visible only inside the caller's statistics scope; school rows never."""
    settings.XIETONG_PUBLIC_MIN_SCHOOLS = 1  # one school per county here: no suppression
    c = client_for(world, who)
    rows = c.get("/api/aggregates?level=county&year=2024").json()["items"]
    counties = {r["code"] for r in rows}
    expected = {world["schools"][k].county_id for k in AGGREGATES[who]}
    assert counties == expected
    from xietong.regions.models import Jurisdiction
    from xietong.schools.services import release_publish

    release_publish(
        jurisdiction=Jurisdiction.objects.get(code="130000000000"), year=2024, actor=None
    )
    rows = c.get("/api/aggregates?level=county&year=2024").json()["items"]
    counties = {r["code"] for r in rows}
    hebei = {"131002000000", "130102000000"}
    assert counties == expected | hebei


def test_release_needs_bureau_of_that_jurisdiction(world):
    for who, code, status in [
        ("langfang", "131000000000", 201),
        ("langfang", "130000000000", 403),
        ("jjj-sec", "130000000000", 403),
        ("public", "130000000000", 403),
        ("tongzhou", "320612000000", 403),
    ]:
        c = client_for(world, who)
        r = c.post(
            "/api/releases",
            data=json.dumps({"jurisdiction": code, "year": 2024}),
            content_type="application/json",
        )
        assert r.status_code == status, (who, code)


def test_reference_data_is_public(world):
    c = Client()
    assert c.get("/api/jurisdictions?level=province&limit=10").json()["count"] == 7
    assert c.get("/api/areas/tongwulang").json()["parent"] == "jjj"
    assert len(c.get("/api/indicators").json()) >= 17
    assert c.get("/").status_code == 200
    assert c.get("/areas/yrd/").status_code == 200
    assert c.get("/jurisdictions/131000000000/").status_code == 200


def test_bad_school_code_is_a_clear_error(world):
    c = client_for(world, "langfang")
    r = c.post(
        "/api/schools",
        data=json.dumps(
            {
                "code": "X" * 30,
                "county": "131002000000",
                "name_zh": "新学校",
                "stage": "primary",
                "location": "rural",
            }
        ),
        content_type="application/json",
    )
    assert r.status_code == 422 and "20" in r.json()["detail"]


# ---- aggregates: partial releases, small cells, the home page -------------------------------
def _release(code: str, year: int = 2024):
    from xietong.regions.models import Jurisdiction
    from xietong.schools.services import release_publish

    release_publish(jurisdiction=Jurisdiction.objects.get(code=code), year=year, actor=None)


def _cells(c, level: str, year: int = 2024) -> dict[str, int]:
    rows = c.get(f"/api/aggregates?level={level}&year={year}").json()["items"]
    return {r["code"]: r["schools"] for r in rows}


def test_province_aggregate_needs_every_county_released(world, settings):
    """One county released is not "Hebei": a province or city is public for a year only once
    every county with statistics in it has released."""
    settings.XIETONG_PUBLIC_MIN_SCHOOLS = 1
    public, langfang = Client(), client_for(world, "langfang")
    _release("131000000000")  # Langfang (school A); Shijiazhuang (school E) has not released
    assert "130000000000" not in _cells(public, "province")
    assert _cells(public, "prefecture") == {"131000000000": 1}
    assert _cells(public, "county") == {"131002000000": 1}
    # the Langfang bureau reads its own counties, not Shijiazhuang's: no "Hebei" for it either
    assert "130000000000" not in _cells(langfang, "province")
    _release("130102000000")  # the last county of Hebei with statistics
    assert _cells(public, "province") == {"130000000000": 2}
    assert _cells(langfang, "province") == {"130000000000": 2}
    assert _cells(client_for(world, "admin"), "province")["130000000000"] == 2


def test_small_cells_are_suppressed_outside_the_jurisdiction(world, settings):
    _release("130000000000")
    public, langfang, jjj = Client(), client_for(world, "langfang"), client_for(world, "jjj-sec")
    assert settings.XIETONG_PUBLIC_MIN_SCHOOLS == 3
    assert _cells(public, "county") == {} and _cells(public, "province") == {}
    # the bureau sees its own county's single school, not another county's
    assert _cells(langfang, "county") == {"131002000000": 1}
    assert set(_cells(jjj, "county")) == {
        "131002000000",
        "130102000000",
        "110112000000",
        "120114000000",
    }
    settings.XIETONG_PUBLIC_MIN_SCHOOLS = 2
    assert _cells(public, "province") == {"130000000000": 2}
    assert _cells(public, "county") == {}
    csv = public.get("/aggregates.csv?level=county").content.decode()
    assert "131002000000" not in csv


def test_public_min_schools_comes_from_the_environment(tmp_path):
    import os
    import subprocess
    import sys

    code = "import xietong.settings as s; print(s.XIETONG_PUBLIC_MIN_SCHOOLS)"
    env = {**os.environ, "XIETONG_DATA_DIR": str(tmp_path), "SECRET_KEY": "x" * 50}
    env.pop("XIETONG_PUBLIC_MIN_SCHOOLS", None)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == "3", out.stderr
    env["XIETONG_PUBLIC_MIN_SCHOOLS"] = "7"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == "7", out.stderr


def test_home_page_cards_show_one_year(world, settings):
    """An area's card adds up its members in one year, never Beijing's 2025 to Hebei's 2024."""
    from decimal import Decimal

    from xietong.schools.services import statistics_set

    settings.XIETONG_PUBLIC_MIN_SCHOOLS = 1
    statistics_set(
        school=world["schools"]["B"],
        year=2025,
        values={"students": Decimal(900), "teachers": Decimal(40)},
        actor=None,
    )
    for province in ("110000000000", "120000000000", "130000000000"):
        _release(province, 2024)
    _release("110000000000", 2025)
    for who in ("public", "admin"):
        cards = {c["area"].slug: c for c in client_for(world, who).get("/").context["cards"]}
        jjj = cards["jjj"]
        assert (jjj["year"], jjj["students"], jjj["schools"]) == (2024, 2000, 4), who
        twl = cards["tongwulang"]  # members below province level: Tongzhou, Wuqing, Langfang
        assert (twl["year"], twl["students"], twl["schools"]) == (2024, 1500, 3), who
    # Beijing alone has 2025 figures: its own page shows them, the area's card does not
    page = client_for(world, "public").get("/jurisdictions/110000000000/")
    assert 2025 in page.context["years"]


# ---- talent: the jjj exchange round of the `tw` fixture ---------------------------------------
# Teachers TB0-TB7 at school B (Tongzhou), TA0-TA3 at A (Langfang; TA0 is teacher-a's record);
# posts at A, D (Wuqing) and E (Shijiazhuang). The jjj secretariat runs the round.
@pytest.fixture
def tw(world):
    return talent_world(world)


MANAGERS = {"admin", "jjj-sec"}
AREA_OR_BUREAU = {"yrd-sec", "jjj-sec", "twl-sec", "jiangsu", "langfang", "tongzhou"}
# who sees the round while it is open ... reviewed: managers and every role inside the territory
ROUND_SEEN = {"admin", "jjj-sec", "twl-sec", "langfang", "tongzhou", "school-a", "teacher-a"}
# who sees the matching's outcome before publication: no school, teacher or public
OUTCOME_SEEN = {"admin", "jjj-sec", "twl-sec", "langfang", "tongzhou"}
# applying for TA0 while the round is open: 404 where TA0 or the round is out of scope
APPLY_FOR_TA0 = {
    "admin": 200,
    "yrd-sec": 404,
    "jjj-sec": 200,
    "twl-sec": 403,  # reads the teacher, may not apply for her
    "jiangsu": 404,
    "langfang": 200,
    "tongzhou": 404,
    "school-a": 200,
    "teacher-a": 200,
    "public": 404,
    None: 401,
}


def _key(world, school_id) -> str:
    return next(k for k, s in world["schools"].items() if s.pk == school_id)


def teacher_seen(world, who, teacher) -> bool:
    """A bureau or secretariat reads the teachers of its subtree or area, a school its staff, a
    teacher herself, the public nobody."""
    if who == "teacher-a":
        return teacher.user_id == world["users"]["teacher-a"].pk
    if who == "school-a":
        return teacher.school_id == world["schools"]["A"].pk
    return who not in ("public", None) and _key(world, teacher.school_id) in READ[who]


def move_seen(world, who, teacher, host_school_id) -> bool:
    """Placements and appointments: the teacher's readers, and bureaus and secretariats over
    the school she serves at."""
    if who in MANAGERS or teacher_seen(world, who, teacher):
        return True
    return who in AREA_OR_BUREAU and host_school_id and _key(world, host_school_id) in READ[who]


def expected_results(world, who, rnd) -> set[str]:
    rows = rnd.placements.select_related("teacher", "post")
    return {
        p.teacher.code
        for p in rows
        if move_seen(world, who, p.teacher, p.post and p.post.host_school_id)
    }


def _result_codes(c, pk: int) -> tuple[int, set[str], set[str], set[str]]:
    """Status and the teachers in the results API, page and CSV download."""
    import re

    api = c.get(f"/api/talent/rounds/{pk}/results?limit=100")
    if api.status_code != 200:
        return api.status_code, set(), set(), set()
    page = c.get(f"/talent/rounds/{pk}/results/")
    csv = c.get(f"/talent/rounds/{pk}/results/?format=csv").content.decode().splitlines()
    return (
        200,
        {i["teacher"] for i in api.json()["items"]},
        set(re.findall(r"\((T[AB]\d)\)", page.content.decode())),
        {line.split(",")[0] for line in csv[1:]},
    )


OUTCOME_PATHS = [
    "/api/talent/rounds/{pk}/flows",
    "/api/talent/rounds/{pk}/flows?format=csv&level=county",
    "/api/talent/rounds/{pk}/effect",
    "/talent/rounds/{pk}/flows/",
    "/talent/rounds/{pk}/flows/?format=csv",
]


@pytest.mark.parametrize("who", ROLES)
def test_talent_round_before_publication(tw, who):
    from xietong.regions.models import Jurisdiction
    from xietong.talent.services import round_create

    draft = round_create(
        name="江苏 2025",
        year=2025,
        jurisdiction=Jurisdiction.objects.get(code="320000000000"),
        actor=tw["users"]["jiangsu"],
    )
    rnd = run_to(tw, "reviewed")
    c = client_for(tw, who)
    seen, outcome = who in ROUND_SEEN, who in OUTCOME_SEEN
    listed = {r["id"]: r for r in c.get("/api/talent/rounds").json()}
    drafts = {draft.pk} if who in ("admin", "jiangsu") else set()
    assert set(listed) == ({rnd.pk} if seen else set()) | drafts
    detail = c.get(f"/api/talent/rounds/{rnd.pk}")
    page = c.get(f"/talent/rounds/{rnd.pk}/")
    assert detail.status_code == page.status_code == (200 if seen else 404)
    if seen:
        for r in (detail.json(), listed[rnd.pk]):
            assert bool(r["certificate"]) == bool(r["policy"]) == outcome, who
        html = page.content.decode()
        assert ('id="certificate"' in html) == ('id="policy"' in html) == outcome
    for path in OUTCOME_PATHS:
        r = c.get(path.format(pk=rnd.pk))
        assert r.status_code == (200 if outcome else 404), (who, path, r.status_code)
    status, *found = _result_codes(c, rnd.pk)
    assert status == (200 if seen else 404)
    expected = expected_results(tw, who, rnd) if outcome else set()
    assert found == [expected] * 3, who


@pytest.mark.parametrize("who", ROLES)
def test_talent_round_after_publication(tw, who):
    from xietong.talent.services import round_publish

    rnd = run_to(tw, "reviewed")
    rnd = round_publish(rnd=rnd, actor=tw["users"]["jjj-sec"], override_reason="test")
    c = client_for(tw, who)
    assert [r["id"] for r in c.get("/api/talent/rounds").json()] == [rnd.pk]
    assert c.get(f"/api/talent/rounds/{rnd.pk}").json()["certificate"]["ok"] is True
    assert 'id="certificate"' in c.get(f"/talent/rounds/{rnd.pk}/").content.decode()
    for path in OUTCOME_PATHS:
        assert c.get(path.format(pk=rnd.pk)).status_code == 200, (who, path)
    status, *found = _result_codes(c, rnd.pk)
    expected = expected_results(tw, who, rnd)
    assert status == 200 and found == [expected] * 3, who
    # the Tongzhou bureau gets its own teachers, not the whole round (nor Langfang's TA0)
    if who == "tongzhou":
        assert expected == {f"TB{i}" for i in range(8)}
    if who == "langfang":
        assert "TA0" in expected and expected & {"TB0", "TB1"} == set()


@pytest.mark.parametrize("who", ROLES)
def test_talent_application(tw, who):
    from xietong.talent.models import Application
    from xietong.talent.services import round_open

    rnd = round_open(rnd=tw["round"], actor=None)
    c = client_for(tw, who)
    r = c.put(
        f"/api/talent/rounds/{rnd.pk}/application",
        data=json.dumps({"teacher": "TA0", "posts": ["PD"]}),
        content_type="application/json",
    )
    assert r.status_code == APPLY_FOR_TA0[who], (who, r.status_code, r.content)
    saved = Application.objects.filter(round=rnd, teacher=tw["teachers"]["a0"]).exists()
    assert saved == (r.status_code == 200)


@pytest.fixture
def appointments(tw):
    """TB0 (Tongzhou) also serves D (Wuqing), TB1 (Tongzhou) serves A (Langfang), TA1 (Langfang)
    serves E (Shijiazhuang); and a jjj training programme."""
    import datetime as dt

    from xietong.talent.circulation import appointment_create, programme_create

    s, t, u = tw["schools"], tw["teachers"], tw["users"]
    start = dt.date(2025, 9, 1)
    for teacher, school, by in (
        ("b0", "D", "tongzhou"),
        ("b1", "A", "tongzhou"),
        ("a1", "E", "langfang"),
    ):
        appointment_create(
            teacher=t[teacher],
            school=s[school],
            weekly_hours=2,
            weekdays="2",
            starts=start,
            actor=u[by],
        )
    programme_create(
        area=tw["areas"]["jjj"],
        code="JJJ-1",
        title="京津冀研修",
        credit_hours="12",
        starts=start,
        ends=dt.date(2025, 12, 1),
        actor=None,
    )
    return tw


@pytest.mark.parametrize("who", ROLES)
def test_talent_teachers_appointments_training(appointments, who):
    from xietong.talent.models import Appointment, Teacher

    tw = appointments
    c = client_for(tw, who)
    teachers = c.get("/api/talent/teachers?limit=100")
    appointed = c.get("/api/talent/appointments?limit=100")
    credits = c.get("/api/talent/teachers/TA0/credits")
    page = c.get("/talent/appointments/")
    if who is None:
        assert teachers.status_code == appointed.status_code == credits.status_code == 401
        assert page.status_code == 302
    else:
        expected = {t.code for t in Teacher.objects.all() if teacher_seen(tw, who, t)}
        assert {t["code"] for t in teachers.json()["items"]} == expected
        ta0 = teacher_seen(tw, who, tw["teachers"]["a0"]) or who == "admin"
        assert credits.status_code == (200 if ta0 else 404)
        expected = {
            (a.teacher.code, a.school.code)
            for a in Appointment.objects.select_related("teacher", "school")
            if move_seen(tw, who, a.teacher, a.school_id)
        }
        assert {(a["teacher"], a["school"]) for a in appointed.json()["items"]} == expected
        html = page.content.decode()
        assert {t for t, _s in expected} == {t for t in ("TB0", "TB1", "TA1") if f"({t})" in html}
    # training programmes are public information
    assert [p["code"] for p in c.get("/api/talent/training").json()] == ["JJJ-1"]
    assert "京津冀研修" in c.get("/talent/training/").content.decode()


# ---- finance: the demo fund of the Yangtze River Delta (totals published), and a jjj fund ----
SH, JS, ZJ, AH = "310000000000", "320000000000", "330000000000", "340000000000"
FUND_ACCESS = {"admin": "manage", "yrd-sec": "manage", "jiangsu": "member"}
FUNDS = {who: {"yrd": FUND_ACCESS.get(who, "public")} for who in ROLES}
FUNDS["admin"]["jjj"] = FUNDS["jjj-sec"]["jjj"] = "manage"  # the jjj fund is not published
FUND_READS = [
    "trial-balance",
    "entries?limit=100",
    "rounds",
    "charges?limit=100",
    "contributions",
    "projects",
    "agreements",
    "flows?limit=100",
    "settlements",
    "donations?limit=100",
    "disbursements?limit=100",
    "restricted-funds",
    "periods",
    "report?period=2024",
]


@pytest.fixture
def funds(world):
    from xietong.finance.demo import finance_demo_load
    from xietong.finance.services import fund_open

    finance_demo_load()
    fund_open(area=world["areas"]["jjj"], actor=None)
    return world


def entry_seen(level: str, entry) -> bool:
    """Managers read the journal; a member's bureau the fund-level entries and those on its own
    accounts, not the other members' payments and transfers."""
    members = {ln.account.member_id for ln in entry.lines.all()} - {None}
    return level == "manage" or (level == "member" and (not members or JS in members))


@pytest.mark.parametrize("who", ROLES)
def test_finance_reads(funds, who):
    from xietong.finance.models import ContributionRound, JointProject, JournalEntry, Settlement

    c = client_for(funds, who)
    level = FUND_ACCESS.get(who, "public")
    assert {f["area"]: f["access"] for f in c.get("/api/finance/funds").json()} == FUNDS[who]
    assert c.get("/api/finance/funds/yrd/totals").status_code == 200
    for what in FUND_READS:
        r = c.get(f"/api/finance/funds/yrd/{what}")
        assert r.status_code == (404 if level == "public" else 200), (who, what, r.status_code)
    jjj = 200 if "jjj" in FUNDS[who] else 404
    assert c.get("/api/finance/funds/jjj/trial-balance").status_code == jjj
    assert c.get("/api/finance/funds/jjj/totals").status_code == jjj
    assert c.get("/finance/jjj/").status_code == jjj
    for code in (SH, JS, ZJ, AH):
        may = level == "manage" or (level == "member" and code == JS)
        status = 200 if may else 404
        assert c.get(f"/api/finance/funds/yrd/statements/{code}?period=2024").status_code == status
        assert c.get(f"/finance/yrd/statements/{code}/?period=2024").status_code == status
        csv = c.get(f"/finance/yrd/statements/{code}/?period=2024&format=csv")
        assert csv.status_code == status
    if level != "public":
        items = c.get("/api/finance/funds/yrd/entries?limit=100").json()["items"]
        entries = JournalEntry.objects.filter(fund__area__slug="yrd").prefetch_related(
            "lines__account"
        )
        expected = {e.number for e in entries if entry_seen(level, e)}
        assert {e["number"] for e in items} == expected
        assert len(expected) < entries.count() or level == "manage"
    pages = [
        "/finance/yrd/contributions/",
        "/finance/yrd/contributions/?format=csv",
        f"/finance/yrd/rounds/{ContributionRound.objects.get().pk}/",
        f"/finance/yrd/projects/{JointProject.objects.get().pk}/",
        f"/finance/yrd/settlements/{Settlement.objects.get().pk}/",
        f"/finance/yrd/settlements/{Settlement.objects.get().pk}/?format=csv",
        "/finance/yrd/report/?period=2024",
        "/finance/yrd/report/?period=2024&format=xlsx",
    ]
    for path in pages:
        assert c.get(path).status_code == (404 if level == "public" else 200), (who, path)
    assert c.get("/finance/").status_code == 200
    html = c.get("/finance/yrd/").content.decode()
    assert 'id="cash-public"' in html
    assert ('id="trial-balance"' in html) == (level != "public")


# Audit checkpoints: every member (a role other than public, or an administrator) downloads them;
# the public key that verifies them is public.
CHECKPOINT_READERS = {who for who in ROLES if who not in ("public", None)}


@pytest.mark.parametrize("who", ROLES)
def test_audit_checkpoints(world, who):
    from django.db import transaction

    from xietong.audit.services import audit_checkpoint_issue

    with transaction.atomic():
        cp = audit_checkpoint_issue(actor=None)
    c = client_for(world, who)
    responses = {
        "list": c.get("/api/audit/checkpoints"),
        "one": c.get(f"/api/audit/checkpoints/{cp.pk}"),
        "page": c.get("/audit/checkpoints/"),
        "file": c.get(f"/audit/checkpoints/{cp.pk}.json"),
    }
    if who in CHECKPOINT_READERS:
        assert {k: r.status_code for k, r in responses.items()} == dict.fromkeys(responses, 200)
        assert cp.pk in [i["id"] for i in responses["list"].json()["items"]]
        one = responses["one"].json()
        assert (one["size"], one["head"]) == (cp.size, cp.head_hash)
        assert json.loads(responses["file"].content) == one  # the file is what the API returns
        assert cp.head_hash[:16] in responses["page"].content.decode()
        assert c.get(f"/api/audit/checkpoints/{cp.pk + 1000}").status_code == 404
        assert c.get(f"/audit/checkpoints/{cp.pk + 1000}.json").status_code == 404
    elif who is None:
        assert responses["list"].status_code == responses["one"].status_code == 401
        for k in ("page", "file"):
            assert responses[k].status_code == 302 and "/login/" in responses[k]["Location"]
    else:
        assert {k: r.status_code for k, r in responses.items()} == dict.fromkeys(responses, 403)
    key = c.get("/api/audit/public-key")
    assert key.status_code == 200 and key.json()["key_id"] == cp.key_id
    pem = c.get("/audit/public-key.pem")
    assert pem.status_code == 200 and pem.content.startswith(b"-----BEGIN PUBLIC KEY-----")


# ---- picker search endpoints: the choices a form offers, never outside the caller's scope -----
@pytest.mark.parametrize("who", ROLES)
def test_picker_school_search(world, who):
    c = client_for(world, who)
    codes = {k: s.code for k, s in world["schools"].items()}
    seen = {i["value"] for i in c.get("/pickers/schools/?limit=50").json()["items"]}
    assert seen == {codes[k] for k in READ[who]}, who
    writable = {i["value"] for i in c.get("/pickers/schools/?writable=1").json()["items"]}
    assert writable == {codes[k] for k in WRITE_STATS.get(who, set())}, who


# host schools of the open jjj round: any school of its territory (A, B, D, E) for its managers,
# else the schools the caller writes; posts: the round's (a teacher: those she may rank)
HOST_SCHOOLS = {
    "admin": {"A", "B", "D", "E"},
    "jjj-sec": {"A", "B", "D", "E"},
    "twl-sec": set(),
    "langfang": {"A"},
    "tongzhou": {"B"},
    "school-a": {"A"},
    "teacher-a": set(),
}


@pytest.mark.parametrize("who", ROLES)
def test_picker_talent_search(tw, who):
    from xietong.talent.models import Teacher
    from xietong.talent.services import round_open

    rnd = round_open(rnd=tw["round"], actor=None)
    c = client_for(tw, who)
    schools = c.get(f"/talent/pickers/rounds/{rnd.pk}/schools/")
    posts = c.get(f"/talent/pickers/rounds/{rnd.pk}/posts/")
    if who in ROUND_SEEN:
        codes = {tw["schools"][k].code for k in HOST_SCHOOLS[who]}
        assert {i["value"] for i in schools.json()["items"]} == codes, who
        expected = {"PD", "PE"} if who == "teacher-a" else {"PA", "PD", "PE"}
        assert {i["value"] for i in posts.json()["items"]} == expected, who
    else:
        assert schools.status_code == posts.status_code == 404, who
    teachers = {i["value"] for i in c.get("/talent/pickers/teachers/?limit=50").json()["items"]}
    assert teachers == {t.code for t in Teacher.objects.all() if teacher_seen(tw, who, t)}, who


# ---- background jobs: queuing a matching or an evaluation run, following a job ----------------
EVALUATE_LANGFANG = {"admin", "jjj-sec", "twl-sec", "langfang"}


@pytest.mark.parametrize("who", ROLES)
def test_jobs_submit_and_follow(tw, who):
    """Queuing a round's matching is for its managers (202 and the job's URL); a job is followed
    by its owner and by those who may see its object (the round's outcome, the evaluated
    jurisdiction); an evaluation run is queued by those who may evaluate the jurisdiction."""
    from xietong.jobs.models import Job

    rnd = run_to(tw, "ranking")
    c = client_for(tw, who)
    r = c.post(f"/api/talent/rounds/{rnd.pk}/steps/match", "{}", content_type="application/json")
    if who in MANAGERS:
        expected = 202
    else:
        expected = 401 if who is None else 403 if who in ROUND_SEEN else 404
    assert r.status_code == expected, (who, r.content)
    assert Job.objects.filter(kind="talent.match").count() == (1 if who in MANAGERS else 0)
    from xietong.talent.job_kinds import match_submit

    match, _created = match_submit(rnd=rnd, actor=tw["users"]["jjj-sec"])  # or the caller's
    r = c.get(f"/api/jobs/{match.pk}")
    assert r.status_code == (200 if who in OUTCOME_SEEN else 404), who
    assert c.get("/api/jobs/999999").status_code == 404
    body = {"standard": "basic-balance-2012", "stage": "primary", "year": 2024}
    r = c.post(
        "/api/evaluations",
        json.dumps({**body, "jurisdiction": "131000000000"}),
        content_type="application/json",
    )
    if who is None:
        assert r.status_code == 401
    else:
        assert r.status_code == (202 if who in EVALUATE_LANGFANG else 403), (who, r.content)
    from xietong.evaluation.job_kinds import run_submit
    from xietong.regions.models import Jurisdiction

    run, _created = run_submit(
        **body,
        jurisdiction=Jurisdiction.objects.get(code="131000000000"),
        actor=tw["users"]["langfang"],
    )
    r = c.get(f"/api/jobs/{run.pk}")
    assert r.status_code == (200 if who in EVALUATE_LANGFANG else 404), who


# ---- consultation: the YRD and JJJ negotiation bodies -------------------------------------------
# A body is read by its area's secretariat and by the bureaus of its members (at or inside a
# member); the Tongzhou-Wuqing-Langfang secretariat's counties lie inside JJJ members.
BODY_READ = {
    "yrd": {"admin", "yrd-sec", "jiangsu"},
    "jjj": {"admin", "jjj-sec", "twl-sec", "langfang", "tongzhou"},
}
BODY_CONVENE = {"yrd": {"admin", "yrd-sec"}, "jjj": {"admin", "jjj-sec"}}


@pytest.fixture
def bodies(world):
    from xietong.consultation import services
    from xietong.consultation.models import Level

    out = {}
    for slug in ("yrd", "jjj"):
        b = services.body_create(area=world["areas"][slug], name_zh=f"{slug} 会商", actor=None)
        f = services.forum_create(body=b, level=Level.DECISION, name_zh="领导会议", actor=None)
        p = services.proposal_draft(
            forum=f, title=f"{slug} 提案", paragraphs=["一、"], rule={"kind": "silence"}, actor=None
        )
        services.proposal_circulate(proposal=p, comment_days=3, position_days=3, actor=None)
        services.proposal_draft(
            forum=f, title=f"{slug} 草案", paragraphs=["一、"], rule={"kind": "silence"}, actor=None
        )
        out[slug] = b
    services.meeting_schedule(
        forum=out["yrd"].forums.get(),
        starts_at=dt.datetime(2026, 12, 10, 9, 30, tzinfo=dt.UTC),
        agenda=[("议程", None)],
        actor=None,
    )
    # Jiangsu's bureau is the Jiangsu delegate in the YRD body
    d = out["yrd"].delegations.get(member_id="320000000000")
    services.delegate_appoint(
        delegation=d, user=world["users"]["jiangsu"], role="delegate", actor=None
    )
    return out


# ---- resources: the visibility ladder of a resource of school A (Langfang), partner school B ---
RES_MANAGERS = {"admin", "langfang", "school-a"}
RES_READERS = {
    "private": RES_MANAGERS,
    "school": RES_MANAGERS | {"teacher-a"},
    "partners": RES_MANAGERS | {"teacher-a", "tongzhou"},
    "county": RES_MANAGERS | {"teacher-a", "tongzhou"},
    "city": RES_MANAGERS | {"teacher-a", "tongzhou"},
    "province": RES_MANAGERS | {"teacher-a", "tongzhou"},
    "area": RES_MANAGERS | {"teacher-a", "tongzhou", "jjj-sec", "twl-sec"},
    "public": set(ROLES),
    "pending": RES_MANAGERS,
}
RES_REVIEWERS = {"admin", "langfang"}
RES_UPLOADERS_A = {"admin", "langfang", "school-a", "teacher-a"}  # may add resources for school A
RES_UPLOAD_FORM = RES_UPLOADERS_A | {"jiangsu", "tongzhou"}  # have an owner to choose
RES_BUREAUS = {"admin", "jiangsu", "langfang", "tongzhou"}


@pytest.fixture
def res(world, settings, tmp_path):
    from tests.resources.conftest import SEED, make, publish
    from xietong.resources.services import resource_submit, resource_update, vocabulary_load

    settings.STORAGES = {
        **settings.STORAGES,
        "resources": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "store")},
        },
    }
    vocabulary_load(data=SEED.read_bytes(), name=SEED.name, actor=None)
    out = {}
    for level in RES_READERS:
        r = make(
            world, title_zh=f"资源-{level}", visibility="public" if level == "pending" else level
        )
        r = resource_update(resource=r, actor=None, partners=[world["schools"]["B"]])
        if level == "pending":
            out[level], _codes = resource_submit(resource=r, actor=None, pledge=True)
        else:
            out[level] = publish(world, r)
    return out


@pytest.mark.parametrize("who", ROLES)
def test_consultation_reads(world, bodies, who):
    c = client_for(world, who)
    listed = {b["area"] for b in c.get("/api/consultation/bodies").json()}
    assert listed == {s for s, readers in BODY_READ.items() if who in readers}, who
    for slug, readers in BODY_READ.items():
        ok = who in readers
        for path in (
            f"/consultation/{slug}/",
            f"/consultation/{slug}/proposals/1/",
            f"/consultation/{slug}/proposals/1/diff/",
            f"/api/consultation/bodies/{slug}",
            f"/api/consultation/bodies/{slug}/proposals/1",
        ):
            assert c.get(path).status_code == (200 if ok else 404), (who, path)
        if ok:
            titles = {
                p["title"]
                for p in c.get(f"/api/consultation/bodies/{slug}/proposals").json()["items"]
            }
            drafts_seen = who in BODY_CONVENE[slug]
            assert titles == ({f"{slug} 提案", f"{slug} 草案"} if drafts_seen else {f"{slug} 提案"})
            # the secretariat's draft (number 2) is not there for members
            expected = 200 if drafts_seen else 404
            assert c.get(f"/consultation/{slug}/proposals/2/").status_code == expected, who
    meeting = bodies["yrd"].forums.get().meetings.get()
    assert c.get(f"/consultation/yrd/meetings/{meeting.pk}/").status_code == (
        200 if who in BODY_READ["yrd"] else 404
    ), who
    r = c.get("/api/consultation/bodies/yrd/meetings")
    assert r.status_code == (200 if who in BODY_READ["yrd"] else 404), who
    r = c.post(
        f"/api/consultation/bodies/yrd/meetings/{meeting.pk}/minutes",
        {"minutes": f"{who}"},
        content_type="application/json",
    )
    meeting.refresh_from_db()
    convenes = who in BODY_CONVENE["yrd"]
    assert (meeting.minutes == f"{who}") == convenes, (who, r.status_code)
    home = c.get("/consultation/").content.decode()
    for slug, readers in BODY_READ.items():
        assert (f"{slug} 会商" in home) == (who in readers), (who, slug)


@pytest.mark.parametrize("who", ROLES)
def test_consultation_writes(world, bodies, who):
    from xietong.consultation.models import Comment, Proposal

    c = client_for(world, who)
    for slug in ("yrd", "jjj"):
        draft = Proposal.objects.get(body=bodies[slug], number=2)
        r = c.post(
            f"/api/consultation/bodies/{slug}/proposals/2/circulate",
            {"comment_days": 3, "position_days": 3},
            content_type="application/json",
        )
        draft.refresh_from_db()
        convenes = who in BODY_CONVENE[slug]
        assert (draft.status != "draft") == convenes, (who, slug, r.status_code)
        if not convenes:
            assert r.status_code in (401, 403, 404), (who, slug)
        # comments only from a member's delegate (Jiangsu, in the YRD body)
        r = c.post(
            f"/api/consultation/bodies/{slug}/proposals/1/comments",
            {"paragraph": 1, "text": f"{who} 的意见"},
            content_type="application/json",
        )
        speaks = who == "jiangsu" and slug == "yrd"
        assert (
            Comment.objects.filter(text=f"{who} 的意见", proposal__body=bodies[slug]).exists()
            == speaks
        )
        assert r.status_code == (
            201 if speaks else 401 if who is None else 403 if who in BODY_READ[slug] else 404
        ), (who, slug, r.status_code)


@pytest.mark.parametrize("who", ROLES)
def test_job_page_and_job_file(world, who, settings, tmp_path):
    """A job's page is for its requester (and the administrator, who sees every job); the file
    an export job made is for its requester alone: it holds what their scope let them read."""
    from xietong.jobs.models import Job
    from xietong.jobs.worker import run_pending

    settings.DATA_DIR = tmp_path
    settings.XIETONG_EXPORT_JOB_ROWS = 0
    owner = client_for(world, "langfang")
    assert owner.get("/statistics/export.csv").status_code == 302
    job = Job.objects.get(kind="jobs.export")
    run_pending()
    c = client_for(world, who)
    page, file = c.get(f"/jobs/{job.pk}/"), c.get(f"/jobs/{job.pk}/file/")
    if who is None:
        assert (page.status_code, file.status_code) == (302, 302)  # to the login page
        return
    assert page.status_code == (200 if who in ("langfang", "admin") else 404), who
    assert file.status_code == (200 if who == "langfang" else 404), who
    assert c.get("/jobs/999999/").status_code == 404


@pytest.mark.parametrize("who", ROLES)
def test_resources_reads(world, res, who):
    c = client_for(world, who)
    listed = {i["id"] for i in c.get("/api/resources?limit=100").json()["items"]}
    assert listed == {str(r.pk) for k, r in res.items() if who in RES_READERS[k]}, who
    page = c.get("/resources/").content.decode()
    for key, r in res.items():
        status = 200 if who in RES_READERS[key] else 404
        assert c.get(f"/api/resources/{r.pk}").status_code == status, (who, key)
        assert c.get(f"/resources/{r.pk}/").status_code == status, (who, key)
        assert c.get(f"/resources/{r.pk}/file").status_code == status, (who, key)
        # the list page shows the library only: never a submission awaiting review
        assert (r.title_zh in page) == (status == 200 and key != "pending"), (who, key)
    assert c.get("/api/resources/vocabulary/edition").status_code == 200


# who reads the unmet-demand page: places to oversee (bureaus, secretariats), or the administrator
RES_UNMET_READERS = {"admin", "yrd-sec", "jjj-sec", "twl-sec", "jiangsu", "langfang", "tongzhou"}


@pytest.mark.parametrize("who", ROLES)
def test_resources_search(world, res, who, settings, tmp_path):
    """The search page and API find exactly what the caller reads, and count facets over it
    alone; the unmet-demand page is for those with places to oversee."""
    from xietong.resources import searching

    settings.XIETONG_SEARCH_DIR = str(tmp_path / "search")
    searching.sync()
    c = client_for(world, who)
    expected = {str(r.pk) for k, r in res.items() if who in RES_READERS[k]}
    body = c.get("/api/resources/search", {"q": "资源"}).json()
    assert {h["id"] for h in body["hits"]} == expected, who
    assert body["count"] == len(expected), who
    facets = {f["name"]: {v["code"]: v["count"] for v in f["values"]} for f in body["facets"]}
    assert facets["owner_member"] == {"130000000000": len(expected)}, who
    page = c.get("/resources/search/", {"q": "资源"}).content.decode()
    for key, r in res.items():
        assert (f'data-id="{r.pk}"' in page) == (who in RES_READERS[key]), (who, key)
    unmet = c.get("/resources/search/unmet/").status_code
    assert unmet == (302 if who is None else 200 if who in RES_UNMET_READERS else 403), who


@pytest.mark.parametrize("who", ROLES)
def test_oai_provider_is_public_and_shows_public_resources_only(world, res, who):
    """/oai (OAI-PMH) needs no login and gives everyone the same answer: the published public
    resources; a resource of any narrower level, or awaiting review, does not exist there."""
    from lxml import etree

    ns = {"o": "http://www.openarchives.org/OAI/2.0/"}
    c = client_for(world, who)
    r = c.get("/oai", {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"})
    assert r.status_code == 200, who
    listed = etree.fromstring(r.content).xpath("//o:identifier/text()", namespaces=ns)
    assert listed == [f"oai:testserver:{res['public'].pk}"], who
    for key, resource in res.items():
        got = c.get(
            "/oai",
            {
                "verb": "GetRecord",
                "metadataPrefix": "lrmi",
                "identifier": f"oai:testserver:{resource.pk}",
            },
        )
        codes = etree.fromstring(got.content).xpath("//o:error/@code", namespaces=ns)
        assert codes == ([] if key == "public" else ["idDoesNotExist"]), (who, key)
    assert c.get("/oai/lrmi-jsonld.xsd").status_code == 200


@pytest.mark.parametrize("who", ROLES)
def test_resources_review(world, res, who):
    c = client_for(world, who)
    pending = res["pending"]
    queue = c.get("/api/resources/queue")
    page = c.get("/resources/review/")
    if who is None:
        assert queue.status_code == 401 and page.status_code == 302
    else:
        ids = {i["id"] for i in queue.json()["items"]}
        assert ids == ({str(pending.pk)} if who in RES_REVIEWERS else set()), who
        assert page.status_code == (200 if who in RES_BUREAUS else 403), who
    r = c.post(f"/api/resources/{pending.pk}/approve", "{}", content_type="application/json")
    if who in RES_REVIEWERS:
        expected = 200
    else:
        expected = 401 if who is None else 403 if who in RES_READERS["pending"] else 404
    assert r.status_code == expected, (who, r.status_code)
    public = res["public"]
    w = c.post(
        f"/api/resources/{public.pk}/withdraw",
        json.dumps({"reason": "outdated"}),
        content_type="application/json",
    )
    assert w.status_code == (200 if who in RES_MANAGERS else 401 if who is None else 403), who


@pytest.mark.parametrize("who", ROLES)
def test_resources_upload_and_collection(world, res, who):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.resources.conftest import BASE, PDF

    c = client_for(world, who)
    r = c.post(
        "/api/resources",
        {
            **BASE,
            "owner": world["schools"]["A"].code,
            "file": SimpleUploadedFile("x.pdf", PDF + who.encode() if who else PDF),
        },
    )
    if who in RES_UPLOADERS_A:
        assert r.status_code == 201, (who, r.content)
    else:
        assert r.status_code == (401 if who is None else 403), (who, r.status_code)
    form = c.get("/resources/upload/")
    if who is None:
        assert form.status_code == 302
    else:
        assert form.status_code == (200 if who in RES_UPLOAD_FORM else 403), who
    imp = c.post(f"/api/resources/{res['public'].pk}/import", "{}", content_type="application/json")
    assert imp.status_code == (401 if who is None else 201), who
    hidden = c.post(
        f"/api/resources/{res['private'].pk}/import", "{}", content_type="application/json"
    )
    # a private resource is imported only by its managers, who read it; nobody else finds it
    assert hidden.status_code == (
        401 if who is None else 201 if who in RES_READERS["private"] else 404
    ), who
    mine = c.get("/api/resources/collection")
    if who is None:
        assert mine.status_code == 401
        assert c.get("/resources/collection/").status_code == 302
    else:
        expected = {str(res["public"].pk)}
        if who in RES_READERS["private"]:
            expected.add(str(res["private"].pk))
        assert {i["resource"] for i in mine.json()} == expected
        assert c.get("/resources/collection/").status_code == 200


@pytest.mark.parametrize("who", ROLES)
def test_resources_metadata_import_and_export(world, res, who):
    """The export lists what the caller can read (drafts it manages too); the import page is for
    those with an owner to choose, and a row for school A is added only by A's uploaders."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from xietong.resources.metadata import COLUMNS
    from xietong.resources.models import Resource

    c = client_for(world, who)
    exported = c.get("/resources/export.csv")
    page = c.get("/resources/import/")
    if who is None:
        assert (exported.status_code, page.status_code) == (302, 302)
        return
    ids = {line.split(",")[0] for line in exported.content.decode().splitlines()[1:]}
    assert ids == {str(r.pk) for k, r in res.items() if who in RES_READERS[k]}, who
    assert page.status_code == (200 if who in RES_UPLOAD_FORM else 403), who
    row = {
        "title_zh": f"导入-{who}",
        "kind": "lesson_design",
        "stage": "junior",
        "licence": "CC-BY-4.0",
        "owner": world["schools"]["A"].code,
        "url": "https://example.org/x",
    }
    data = write_csv([[row.get(h, "") for h in COLUMNS]], list(COLUMNS))
    preview = c.post(
        "/resources/import/", {"mode": "add", "file": SimpleUploadedFile("m.csv", data)}
    )
    c.post("/resources/import/", {"confirm": "1"})
    added = Resource.objects.filter(title_zh=f"导入-{who}").exists()
    assert added == (who in RES_UPLOADERS_A), (who, preview.status_code)
    if who in RES_UPLOAD_FORM and who not in RES_UPLOADERS_A:
        assert preview.status_code == 400  # the owner column names the problem
    # an update of a resource the caller cannot read is "not found", as its page is
    private = res["private"]
    upd = write_csv([[str(private.pk), "改名"]], ["id", "title_zh"])
    r = c.post("/resources/import/", {"mode": "update", "file": SimpleUploadedFile("u.csv", upd)})
    if who in RES_UPLOAD_FORM:
        assert r.status_code == (200 if who in RES_MANAGERS else 400), who
        body = r.content.decode()
        missing = (
            "no resource with this id",
            "没有您可读取的此 id 的资源",
        )  # page in either language
        assert any(m in body for m in missing) == (who not in RES_MANAGERS), who


# ---- talent pages: one view per action (writes through forms) ------------------------------
def _moved(c, path, data=None) -> int:
    return c.post(path, data or {}).status_code


@pytest.mark.parametrize("who", ROLES)
def test_talent_round_step_pages(tw, who):
    from xietong.talent.models import ExchangeRound

    rnd, c = tw["round"], client_for(tw, who)
    status = _moved(c, f"/talent/rounds/{rnd.pk}/step/open/")
    opened = ExchangeRound.objects.get(pk=rnd.pk).status == "open"
    assert opened == (who in MANAGERS), who
    # a draft is seen by its managers only; the others get 404 and nothing moves
    assert status == (302 if who in MANAGERS or who is None else 404), (who, status)
    if not opened:
        return
    for step, state in (("close", "ranking"), ("match", "ranking")):
        assert _moved(c, f"/talent/rounds/{rnd.pk}/step/{step}/") == 302
        assert ExchangeRound.objects.get(pk=rnd.pk).status == state


@pytest.mark.parametrize("who", ROLES)
def test_talent_round_steps_refused_to_roles_that_see_the_round(tw, who):
    from xietong.talent.models import ExchangeRound

    rnd = run_to(tw, "published")
    c = client_for(tw, who)
    status = _moved(c, f"/talent/rounds/{rnd.pk}/step/service/")
    assert status == 302  # published rounds are public; the login redirect for the anonymous
    moved = ExchangeRound.objects.get(pk=rnd.pk).status == "in_service"
    assert moved == (who in MANAGERS), who


@pytest.mark.parametrize("who", ROLES)
def test_talent_apply_withdraw_page(tw, who):
    from xietong.talent.models import Application
    from xietong.talent.services import application_submit, round_open

    rnd = round_open(rnd=tw["round"], actor=None)
    application_submit(rnd=rnd, teacher=tw["teachers"]["a0"], post_codes=["PD"], actor=None)
    c = client_for(tw, who)
    status = _moved(c, f"/talent/rounds/{rnd.pk}/apply/withdraw/", {"teacher": "TA0"})
    assert status == (302 if who in ROUND_SEEN or who is None else 404), (who, status)
    kept = Application.objects.filter(round=rnd, teacher__code="TA0").exists()
    assert kept == (who not in {"admin", "jjj-sec", "teacher-a"}), who


@pytest.mark.parametrize("who", ROLES)
def test_talent_appointment_policy_page(tw, who):
    from xietong.talent.models import AppointmentPolicy

    c = client_for(tw, who)
    data = {"max_weekly_lessons": "12", "max_distance_km": "25"}
    assert _moved(c, "/talent/appointments/policy/tongwulang/", data) == 302
    assert _moved(c, "/talent/appointments/policy/nowhere/", data) == (302 if who is None else 404)
    # the tongwulang secretariat, and the jjj secretariat whose area encloses it
    assert AppointmentPolicy.objects.exists() == (who in {"admin", "twl-sec", "jjj-sec"}), who


@pytest.mark.parametrize("who", ROLES)
def test_talent_training_pages(appointments, who):
    from xietong.talent.circulation import enrol
    from xietong.talent.models import Enrolment, TrainingProgramme

    tw = appointments
    c = client_for(tw, who)
    form = {"area": "jjj", "code": "JJJ-2", "title": "t", "credit_hours": "6"}
    form |= {"starts": "2025-09-01", "ends": "2025-09-05"}
    assert _moved(c, "/talent/training/programmes/new/", form) == 302
    assert TrainingProgramme.objects.filter(code="JJJ-2").exists() == (who in MANAGERS), who
    p = TrainingProgramme.objects.get(code="JJJ-1")
    assert _moved(c, f"/talent/training/programmes/{p.pk}/enrol/", {"teacher": "TA0"}) == 302
    enrolled = Enrolment.objects.filter(programme=p, teacher__code="TA0").exists()
    # the teacher herself, and those who write for her school
    assert enrolled == (who in {"admin", "langfang", "school-a", "teacher-a"}), who
    e = Enrolment.objects.filter(programme=p, teacher__code="TA0").first() or enrol(
        programme=p, teacher=tw["teachers"]["a0"], actor=None
    )
    status = _moved(c, f"/talent/training/enrolments/{e.pk}/complete/")
    sees = who in MANAGERS or teacher_seen(tw, who, tw["teachers"]["a0"])
    assert status == (302 if sees or who is None else 404), (who, status)
    done = Enrolment.objects.get(pk=e.pk).status == "completed"
    assert done == (who in MANAGERS), who


@pytest.mark.parametrize("who", ROLES)
def test_talent_recruitment_pages(tw, who):
    from xietong.talent.circulation import candidacy_submit, vacancy_publish
    from xietong.talent.models import Candidacy, Vacancy

    c = client_for(tw, who)
    school_a = tw["schools"]["A"]
    form = {"school": school_a.code, "title": "t", "subject": "maths", "stage": "primary"}
    assert _moved(c, "/talent/recruitment/vacancies/new/", form | {"positions": "1"}) == 302
    writes_a = {"admin", "langfang", "school-a"}
    assert Vacancy.objects.exists() == (who in writes_a), who
    v = vacancy_publish(school=school_a, title="v", subject="maths", stage="primary", actor=None)
    assert _moved(c, f"/talent/recruitment/vacancies/{v.pk}/apply/") == 302
    assert Candidacy.objects.filter(vacancy=v).exists() == (who is not None), who
    other = (
        candidacy_submit(vacancy=v, actor=tw["users"]["tongzhou"])
        if who != "tongzhou"
        else (Candidacy.objects.get(vacancy=v))
    )
    status = _moved(
        c, f"/talent/recruitment/candidacies/{other.pk}/status/", {"status": "shortlisted"}
    )
    assert status == (302 if who in writes_a | {"tongzhou", None} else 404), (who, status)
    shortlisted = Candidacy.objects.get(pk=other.pk).status == "shortlisted"
    assert shortlisted == (who in writes_a), who


# ---- talent API: each object looked up in the caller's scope first (404 out of it, 403 only for
# an object the caller reads but may not change) ---------------------------------------------
def _send(c, method: str, path: str, data: dict) -> int:
    return getattr(c, method)(path, json.dumps(data), content_type="application/json").status_code


def _api_status(who, writes: set, reads: bool, ok: int = 200) -> int:
    if who is None:
        return 401
    if who in writes:
        return ok
    return 403 if reads else 404


@pytest.mark.parametrize("who", ROLES)
def test_talent_api_teacher_lookups(appointments, who):
    """TA0 (Langfang's school A) through every API endpoint that names a teacher."""
    from xietong.talent.models import Appointment, Enrolment, Teacher

    tw = appointments
    c = client_for(tw, who)
    ta0 = tw["teachers"]["a0"]
    reads = teacher_seen(tw, who, ta0)
    status = _send(c, "patch", "/api/talent/teachers/TA0", {"weekly_hours": 10})
    assert status == _api_status(who, {"admin", "langfang", "school-a"}, reads), (who, status)
    assert (Teacher.objects.get(pk=ta0.pk).weekly_hours == 10) == (status == 200)
    status = _send(c, "post", "/api/talent/training/JJJ-1/enrol", {"teacher": "TA0"})
    enrols = {"admin", "langfang", "school-a", "teacher-a"}
    assert status == _api_status(who, enrols, reads, ok=201), (who, status)
    assert Enrolment.objects.filter(teacher=ta0).exists() == (status == 201)
    school_b = tw["schools"]["B"].code
    body = {"teacher": "TA0", "school": school_b, "weekly_hours": 2, "weekdays": "3"}
    status = _send(c, "post", "/api/talent/appointments", body | {"starts": "2025-09-01"})
    # Tongzhou's bureau acts for the host school B but does not read TA0: not found
    assert status == _api_status(who, {"admin", "langfang"}, reads, ok=201), (who, status)
    assert Appointment.objects.filter(teacher=ta0).exists() == (status == 201)


@pytest.mark.parametrize("who", ROLES)
def test_talent_api_enrolment_complete(appointments, who):
    from xietong.talent.circulation import enrol
    from xietong.talent.models import Enrolment, TrainingProgramme

    tw = appointments
    c = client_for(tw, who)
    programme = TrainingProgramme.objects.get(code="JJJ-1")
    e = enrol(programme=programme, teacher=tw["teachers"]["a0"], actor=None)
    status = _send(c, "post", f"/api/talent/enrolments/{e.pk}/complete", {})
    reads = who in MANAGERS or teacher_seen(tw, who, tw["teachers"]["a0"])
    assert status == _api_status(who, MANAGERS, reads), (who, status)
    done = Enrolment.objects.get(pk=e.pk).status == "completed"
    assert done == (status == 200), who
    unknown = _send(c, "post", f"/api/talent/enrolments/{e.pk + 1000}/complete", {})
    assert unknown == (401 if who is None else 404)


@pytest.mark.parametrize("who", ROLES)
def test_talent_api_candidacy_status(tw, who):
    from xietong.talent.circulation import candidacy_submit, vacancy_publish
    from xietong.talent.models import Candidacy

    c = client_for(tw, who)
    v = vacancy_publish(
        school=tw["schools"]["A"], title="v", subject="maths", stage="primary", actor=None
    )
    other = candidacy_submit(vacancy=v, actor=tw["users"]["tongzhou"])
    status = _send(
        c, "post", f"/api/talent/candidacies/{other.pk}/status", {"status": "shortlisted"}
    )
    writes_a = {"admin", "langfang", "school-a"}
    # the applicant (Tongzhou's bureau) reads its own candidacy but may not shortlist it
    assert status == _api_status(who, writes_a, who == "tongzhou"), (who, status)
    shortlisted = Candidacy.objects.get(pk=other.pk).status == "shortlisted"
    assert shortlisted == (status == 200), who


# who gives points at post PA (school A, Langfang): the round's managers and those acting for A
RANKS_PA = {"admin", "jjj-sec", "langfang", "school-a"}


@pytest.mark.parametrize("who", ROLES)
def test_talent_api_posts_and_scores(tw, who):
    from xietong.talent.models import Choice

    rnd = run_to(tw, "ranking")
    c = client_for(tw, who)
    posts = c.get(f"/api/talent/rounds/{rnd.pk}/posts")
    assert posts.status_code == (200 if who in ROUND_SEEN else 404), who
    if who in ROUND_SEEN:
        assert [p["code"] for p in posts.json()["items"]] == ["PA", "PD", "PE"]
    for code in ("PA", "NOPE"):
        path = f"/api/talent/rounds/{rnd.pk}/posts/{code}/scores"
        status = _send(c, "put", path, {"scores": {"TB0": 7}})
        ranks = code == "PA" and who in RANKS_PA
        assert status == (401 if who is None else 200 if ranks else 404), (who, code, status)
    scored = Choice.objects.get(post__code="PA", application__teacher__code="TB0").score
    assert (scored == 7) == (who in RANKS_PA), who


# ---- planning: joint plans of the YRD body -----------------------------------------------------
# An adopted plan is public; a draft is read by those who read the body (BODY_READ); the
# secretariat drafts, computes and reviews; Jiangsu's bureau reports for the measure it leads.
PLAN_MANAGE = {"admin", "yrd-sec"}
PLAN_REPORT = {"admin", "jiangsu"}


@pytest.fixture
def plans(world, bodies):
    import datetime as dt

    from tests.consultation.conftest import T0
    from xietong.consultation import services as cs
    from xietong.planning import services

    body = bodies["yrd"]
    adopted = services.plan_create(
        body=body, title_zh="通过的计划", start_year=2024, end_year=2026, actor=None
    )
    goal = services.goal_create(plan=adopted, title_zh="目标", actor=None)
    m = services.measure_create(
        goal=goal,
        title_zh="举措",
        lead="320000000000",
        start=dt.date(2024, 1, 1),
        end=dt.date(2026, 12, 31),
        actor=None,
    )
    ms = services.milestone_create(
        measure=m, title_zh="里程碑", due=dt.date(2024, 6, 1), actor=None
    )
    ind = services.indicator_create(
        plan=adopted,
        measure=m,
        code="n",
        name_zh="人数",
        direction="up",
        baseline=0,
        baseline_year=2023,
        source="reported",
        actor=None,
    )
    services.target_set(indicator=ind, year=2024, value=10, actor=None)
    p = cs.proposal_draft(
        forum=body.forums.first(),
        title="计划",
        paragraphs=["一、"],
        rule={"kind": "silence"},
        major=True,
        subject="planning.plan",
        subject_id=str(adopted.pk),
        actor=None,
    )
    p = cs.proposal_circulate(proposal=p, comment_days=1, position_days=1, actor=None, at=T0)
    cs.proposal_advance(proposal=p, at=p.comments_close_at)
    p.refresh_from_db()
    cs.proposal_advance(proposal=p, at=p.ballots.get().closes_at)
    services.plan_adopt(plan=adopted, actor=None)
    draft = services.plan_create(
        body=body, title_zh="草拟的计划", start_year=2025, end_year=2026, actor=None
    )
    return {"adopted": adopted, "draft": draft, "indicator": ind, "milestone": ms}


@pytest.mark.parametrize("who", ROLES)
def test_planning_reads(world, plans, who):
    c = client_for(world, who)
    a, d, ind = plans["adopted"], plans["draft"], plans["indicator"]
    listed = {p["title_zh"] for p in c.get("/api/planning/plans").json()}
    reads_draft = who in BODY_READ["yrd"]
    assert listed == ({"通过的计划", "草拟的计划"} if reads_draft else {"通过的计划"}), who
    for path in (
        f"/planning/{a.pk}/",
        f"/planning/{a.pk}/report/midterm/",
        f"/planning/{a.pk}/indicators/{ind.pk}/",
        f"/api/planning/plans/{a.pk}",
        f"/api/planning/indicators/{ind.pk}",
    ):
        assert c.get(path).status_code == 200, (who, path)
    for path in (f"/planning/{d.pk}/", f"/api/planning/plans/{d.pk}"):
        assert c.get(path).status_code == (200 if reads_draft else 404), (who, path)
    home = c.get("/planning/").content.decode()
    assert ("草拟的计划" in home) == reads_draft, who


@pytest.mark.parametrize("who", ROLES)
def test_planning_writes(world, plans, who):
    from xietong.planning.models import Actual, Goal

    c = client_for(world, who)
    a, d, ind = plans["adopted"], plans["draft"], plans["indicator"]
    post = lambda path, data: c.post(path, data, content_type="application/json")  # noqa: E731
    r = post(f"/api/planning/plans/{d.pk}/goals", {"title_zh": f"{who} 的目标"})
    manages = who in PLAN_MANAGE
    assert Goal.objects.filter(title_zh=f"{who} 的目标").exists() == manages, who
    if not manages:
        assert r.status_code in (401, 403, 404), (who, r.status_code)
    r = post(
        f"/api/planning/indicators/{ind.pk}/actuals",
        {"year": 2024, "value": "3", "evidence_text": f"{who} 的证据"},
    )
    reports = who in PLAN_REPORT
    assert Actual.objects.filter(evidence_text=f"{who} 的证据").exists() == reports, who
    assert r.status_code == (201 if reports else 401 if who is None else 403), (who, r.status_code)
    r = post(f"/api/planning/plans/{a.pk}/status", {"year": 2024})
    assert (r.status_code == 201) == manages, (who, r.status_code)
    assert a.reports.count() == (1 if manages else 0)
    r = post(
        f"/api/planning/milestones/{plans['milestone'].pk}/done",
        {"done": "2024-05-30", "evidence_text": "x"},
    )
    assert (r.status_code == 200) == reports, (who, r.status_code)
    # a submitted value is seen by the secretariat and the reporting bureau only
    sub = Actual.objects.filter(indicator=ind, status="submitted").exists()
    seen = c.get(f"/api/planning/indicators/{ind.pk}").json()["actuals"]
    assert bool(seen) == (sub and (manages or reports)), who


# ---- partnerships: a Tongzhou (B) - Langfang (A) pairing in the Tongzhou-Wuqing-Langfang area --
# Read by whoever reads a party school or the area; a party school's administrators and the
# bureaus above it act for it; the area's secretariats and the lead's bureau manage.
COOP_READ = {"admin", "jjj-sec", "twl-sec", "langfang", "tongzhou", "school-a", "teacher-a"}
COOP_PARTY_A = {"admin", "langfang", "school-a"}
COOP_MANAGE = {"admin", "jjj-sec", "twl-sec", "tongzhou"}


@pytest.fixture
def coop(world):
    from tests.partnerships.conftest import approve_all
    from xietong.partnerships.services import cooperation_propose, obligation_set
    from xietong.talent.models import TrainingProgramme

    s = world["schools"]
    c = cooperation_propose(
        actor=None,
        school=s["A"],
        fields={
            "code": "TWL-M-1",
            "kind": "pairing",
            "title_zh": "结对",
            "area": world["areas"]["tongwulang"],
            "term_start": "2025-01-01",
            "term_end": "2027-12-31",
        },
        parties=[{"role": "lead", "school": s["B"]}, {"role": "supported", "school": s["A"]}],
    )
    pending = cooperation_propose(
        actor=None,
        school=s["A"],
        fields={
            "code": "TWL-M-2",
            "kind": "alliance",
            "title_zh": "联盟",
            "area": world["areas"]["tongwulang"],
            "term_start": "2025-01-01",
            "term_end": "2027-12-31",
        },
        parties=[{"role": "lead", "school": s["B"]}, {"role": "member", "school": s["A"]}],
    )
    approve_all(c, world["users"])
    obligation_set(actor=None, cooperation=c, code="sync", measure="lessons", quota=20)
    TrainingProgramme.objects.create(
        area=world["areas"]["tongwulang"],
        code="TWL-M-T",
        title="研修",
        credit_hours=8,
        starts="2025-03-01",
        ends="2025-06-30",
    )
    return {"active": c, "pending": pending}


@pytest.mark.parametrize("who", ROLES)
def test_partnerships_reads(world, coop, who):
    c = client_for(world, who)
    listed = {x["code"] for x in c.get("/api/partnerships?limit=100").json()["items"]}
    assert listed == ({"TWL-M-1", "TWL-M-2"} if who in COOP_READ else set()), who
    r = c.get(f"/api/partnerships/{coop['active'].pk}")
    assert r.status_code == (200 if who in COOP_READ else 404), (who, r.status_code)
    if who in COOP_READ:  # no fund record names it: no funding, totals zero
        assert r.json()["funding"] == [], who
        assert r.json()["funding_totals"] == {"disbursed": "0", "donated": "0"}, who
    page = c.get(f"/partnerships/{coop['active'].pk}/")
    assert page.status_code == (200 if who in COOP_READ else 404), (who, page.status_code)
    home = c.get("/partnerships/").content.decode()
    assert ("TWL-M-1" in home) == (who in COOP_READ), who
    hebei = c.get("/api/partnerships?member=130000000000").json()["items"]
    assert {x["code"] for x in hebei} == listed, who  # school A is in Hebei


@pytest.mark.parametrize("who", ROLES)
def test_partnerships_writes(world, coop, who):
    from xietong.partnerships.models import Activity, Approval, Cooperation
    from xietong.partnerships.services import current_version

    c = client_for(world, who)
    post = lambda path, data: c.post(path, data, content_type="application/json")  # noqa: E731
    denied = (401,) if who is None else (403, 404)
    pend = coop["pending"]
    a = pend.parties.get(role="member")
    h = current_version(pend).content_hash
    r = post(f"/api/partnerships/{pend.pk}/approvals", {"party": a.pk, "content_hash": h})
    assert (r.status_code == 201) == (who in COOP_PARTY_A), (who, r.status_code)
    assert Approval.objects.filter(version__agreement__cooperation=pend).exists() == (
        who in COOP_PARTY_A
    )
    other = pend.parties.get(role="lead")
    r = c.post(f"/partnerships/{pend.pk}/approve/", {"party": other.pk, "content_hash": h})
    assert r.status_code in (302, 404), (who, r.status_code)
    by_page = Approval.objects.filter(version__agreement__cooperation=pend, party=other).exists()
    assert by_page == (who in {"admin", "tongzhou"}), who  # B's own bureau acts for school B
    act = coop["active"]
    r = post(
        f"/api/partnerships/{act.pk}/obligations",
        {"code": f"o-{who}", "measure": "sessions", "quota": "8"},
    )
    assert (r.status_code == 201) == (who in COOP_MANAGE), (who, r.status_code)
    if who not in COOP_MANAGE:
        assert r.status_code in denied, (who, r.status_code)
    acting = COOP_PARTY_A | {"tongzhou"}
    r = post(
        f"/api/partnerships/{act.pk}/activities",
        {"kind": "visit", "date": "2025-05-01", "quantity": "1"},
    )
    assert (r.status_code == 201) == (who in acting), (who, r.status_code)
    assert Activity.objects.filter(cooperation=act).exists() == (who in acting)
    for path, data, ok in (
        (f"/api/partnerships/{act.pk}/compliance", {"period": "2025"}, 200),
        (f"/api/partnerships/{act.pk}/link", {}, 200),
        (f"/api/partnerships/{act.pk}/training-programmes", {"programme": "TWL-M-T"}, 200),
        (f"/api/partnerships/{act.pk}/status", {"step": "suspend", "reason": "other"}, 200),
    ):
        r = post(path, data)
        expected = who in COOP_MANAGE or (path.endswith("compliance") and who in acting)
        assert (r.status_code == ok) == expected, (who, path, r.status_code)
    # the page's "Link records" button: a manager's POST links (a success message); anyone else
    # who reads the cooperation gets the service's refusal, the others a 404 (or the login)
    from django.contrib.messages import get_messages

    r = c.post(f"/partnerships/{act.pk}/link/")
    # the last message is this request's (earlier page POSTs left theirs unread)
    tags = [m.level_tag for m in get_messages(r.wsgi_request)][-1:]
    if who in COOP_MANAGE:
        assert (r.status_code, tags) == (302, ["success"]), (who, r.status_code, tags)
    elif who in COOP_READ:
        assert (r.status_code, tags) == (302, ["error"]), (who, r.status_code, tags)
    else:
        assert r.status_code in (302, 404) and "success" not in tags, (who, r.status_code)
    r = post(
        "/api/partnerships/propose",
        {
            "school": world["schools"]["A"].code,
            "code": f"P-{who}",
            "kind": "pairing",
            "title_zh": "提议",
            "term_start": "2026-01-01",
            "term_end": "2026-12-31",
            "parties": [
                {"role": "lead", "school": world["schools"]["D"].code},
                {"role": "supported", "school": world["schools"]["A"].code},
            ],
        },
    )
    assert (r.status_code == 201) == (who in COOP_PARTY_A), (who, r.status_code)
    assert Cooperation.objects.filter(code=f"P-{who}").exists() == (who in COOP_PARTY_A)


# ---- partnerships form pages: who may open each form (a POST is refused the same way; the
# pages' own tests post to each of them) -------------------------------------------------------
COOP_PROPOSE = {"admin", "jiangsu", "langfang", "tongzhou", "school-a"}  # act for a school
COOP_ESTABLISH = {"admin", "yrd-sec", "jjj-sec", "twl-sec", "jiangsu", "langfang", "tongzhou"}
COOP_EDIT = COOP_PARTY_A | {"tongzhou"} | COOP_MANAGE  # a party or a manager
COOP_RECORD = COOP_PARTY_A | {"tongzhou"}  # acts for a party
# Schools a party field offers: the caller's own and those of its cooperation areas' members
# (Tongzhou-Wuqing-Langfang and Beijing-Tianjin-Hebei for the north, the YRD for Jiangsu).
NORTH = {"A", "B", "D", "E"}
COOP_PICK = {
    "admin": ALL,
    "yrd-sec": {"C"},
    "jjj-sec": NORTH,
    "twl-sec": NORTH,
    "jiangsu": {"C"},
    "langfang": NORTH,
    "tongzhou": NORTH,
    "school-a": NORTH,
    "teacher-a": set(),
    "public": set(),
    None: set(),
}


@pytest.mark.parametrize("who", ROLES)
def test_partnerships_form_pages(world, coop, who):
    c = client_for(world, who)
    act = coop["active"]

    def expected(allowed: set, *, reads: bool = True) -> int:
        if who is None:
            return 302  # log in first
        if not reads:
            return 404
        return 200 if who in allowed else 403

    for path, allowed in (
        ("/partnerships/propose/", COOP_PROPOSE),
        ("/partnerships/establish/", COOP_ESTABLISH),
        ("/partnerships/social-partners/new/", COOP_ESTABLISH),
    ):
        assert c.get(path).status_code == expected(allowed), (who, path)
    reads = who in COOP_READ
    for path, allowed in (
        ("agreement/", COOP_EDIT),
        ("obligations/new/", COOP_MANAGE),
        ("obligations/sync/edit/", COOP_MANAGE),
        ("activities/new/", COOP_RECORD),
        ("status/suspend/", COOP_MANAGE),
        ("status/exit/", COOP_MANAGE),
        ("renew/", COOP_MANAGE),
    ):
        r = c.get(f"/partnerships/{act.pk}/{path}")
        assert r.status_code == expected(allowed, reads=reads), (who, path, r.status_code)
    items = c.get("/partnerships/pickers/schools/?limit=50").json()["items"]
    codes = {k for k, s in world["schools"].items() if s.code in {i["value"] for i in items}}
    assert codes == COOP_PICK[who], who


@pytest.mark.parametrize("who", ROLES)
def test_resources_flows_page(world, res, who):
    """The public sees the Langfang -> Tongzhou cell of one import suppressed (k=5); a logged-in
    caller sees it when either province is in their read scope, and no cell outside it."""
    from xietong.accounts.scope import scope_for
    from xietong.resources.services import collection_import

    collection_import(resource=res["public"], actor=world["users"]["tongzhou"])
    c = client_for(world, who)
    assert c.get("/resources/flows/").status_code == 200
    rows = c.get("/resources/flows/?format=csv").content.decode().splitlines()[1:]
    api = [(x["source"], x["consumer"], x["count"]) for x in c.get("/api/resources/flows").json()]
    assert [",".join("" if v is None else str(v) for v in a) for a in api] == rows, who
    usage = c.get(f"/api/resources/{res['public'].pk}/usage")
    assert usage.status_code == 200 and c.get(
        f"/api/resources/{res['private'].pk}/usage"
    ).status_code == (200 if who in RES_READERS["private"] else 404)
    scope = scope_for(world["users"][who]) if who else None
    rated = c.post(f"/resources/{res['private'].pk}/rate/", {"value": "4"})
    assert rated.status_code == (302 if who is None or who in RES_READERS["private"] else 404), who
    public = scope is None or scope.is_public
    assert usage.json()["import"] == (None if public else 1), who
    if public:
        assert rows == ["13,11,"], who
        return
    prefixes = {p[:2] for p in scope.read_prefixes}
    assert rows == (["13,11,1"] if scope.is_admin or prefixes & {"13", "11"} else []), who


@pytest.mark.parametrize("who", ROLES)
def test_resources_lineage(world, res, who):
    """The lineage of the public resource: its private remix is named to the private level's
    readers and counted as hidden for everyone else; the lineage of a resource one may not read
    is a 404, page and API alike. The flows page lists the most remixed resources one reads."""
    from tests.resources.conftest import BASE, pdf, publish
    from xietong.resources.services import resource_remix

    fields = {**BASE, "title_zh": "私有改编", "upload": pdf(extra=b"private remix")}
    hidden = publish(
        world,
        resource_remix(
            source=res["public"],
            actor=world["users"]["school-a"],
            owner_school=world["schools"]["A"],
            visibility="private",
            **fields,
        ),
    )
    c = client_for(world, who)
    reads = who in RES_READERS["private"]
    page = c.get(f"/resources/{res['public'].pk}/lineage/")
    api = c.get(f"/api/resources/{res['public'].pk}/lineage")
    assert (page.status_code, api.status_code) == (200, 200), who
    assert ("私有改编" in page.content.decode()) == reads, who
    named = {x["id"] for x in api.json()["descendants"]}
    assert (str(hidden.pk) in named) == reads and api.json()["hidden_remixes"] == (
        0 if reads else 1
    )
    assert ("私有改编" in str(api.json())) == reads, who
    for key, r in res.items():
        got = c.get(f"/api/resources/{r.pk}/lineage").status_code
        # a submission awaiting review reads as its page does: for its managers only
        assert got == (200 if who in RES_READERS[key] else 404), (who, key)
        assert c.get(f"/resources/{r.pk}/lineage/").status_code == got, (who, key)
    mine = c.get(f"/api/resources/{hidden.pk}/lineage")
    assert mine.status_code == (200 if reads else 404), who
    if reads:
        assert [x["title"] for x in mine.json()["ancestors"]] == ["资源-public"], who
    flows_page = c.get("/resources/flows/").content.decode().split('id="most-remixed"')[1]
    # one remix: below the public's minimum; a logged-in reader of Langfang's flows sees it
    from xietong.accounts.scope import scope_for

    scope = scope_for(world["users"][who]) if who else None
    public = scope is None or scope.is_public
    sees = not public and (scope.is_admin or "13" in {p[:2] for p in scope.read_prefixes})
    assert (f"/resources/{res['public'].pk}/lineage/" in flows_page) == sees, who


@pytest.mark.parametrize("who", ROLES)
def test_resources_office_preview(world, res, who, settings):
    """The PDF preview of an office document is read as its resource is: a school-level one by
    the school's readers, a public one by everybody; none at all is a 404."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.resources.conftest import PDF, make, publish
    from tests.resources.test_previews import docx_bytes
    from xietong.resources.previews import preview_store

    settings.XIETONG_OFFICE_CONVERTER = ""  # the preview is stored here, not converted
    docs = {}
    for level in ("school", "public"):
        data = docx_bytes(f"{level} 文档")
        r = make(
            world,
            title_zh=f"文档-{level}",
            visibility=level,
            upload=SimpleUploadedFile(f"{level}.docx", data),
        )
        docs[level] = publish(world, r)
        assert preview_store(file=r.file, pdf=PDF + level.encode()).status == "ready"
    c = client_for(world, who)
    for level, r in docs.items():
        status = 200 if who in RES_READERS[level] else 404
        assert c.get(f"/resources/{r.pk}/preview.pdf").status_code == status, (who, level)
        if status == 200:
            page = c.get(f"/resources/{r.pk}/").content.decode()
            assert f"/resources/{r.pk}/preview.pdf" in page, (who, level)
    # a resource without an office document has no preview, for its readers too
    assert c.get(f"/resources/{res['public'].pk}/preview.pdf").status_code == 404


# ---- partnerships: the portfolio file (import page, exports) and its IATI-like JSON ----------
@pytest.mark.parametrize("who", ROLES)
def test_partnerships_import_export(world, coop, who):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from xietong.partnerships.models import Cooperation
    from xietong.tabular import read_table

    c = client_for(world, who)
    seen = {"TWL-M-1", "TWL-M-2"} if who in COOP_READ else set()
    exp = c.get("/partnerships/export.csv")
    if who is None:
        assert exp.status_code == 302
    else:
        assert {r[1] for r in list(read_table(exp.content, "e.csv").rows)[1:]} == seen, who
    iati = c.get("/api/partnerships/export/iati").json()["iati-activity"]
    assert {a["iati-identifier"] for a in iati} == {f"XT-{s}" for s in seen}, who
    assert c.get("/partnerships/import/").status_code == (302 if who is None else 200)
    header = ["record", "cooperation", "kind", "title_zh", "area", "term_start", "term_end"]
    row = ["cooperation", "TWL-M-1", "pairing", "改名", "tongwulang", "2025-01-01", "2027-12-31"]
    upload = SimpleUploadedFile("m.csv", write_csv([row], header), content_type="text/csv")
    r = c.post("/partnerships/import/", {"file": upload, "mode": "update"})
    if who is None or who == "public":
        assert r.status_code == (302 if who is None else 403), who
        return
    errors = r.context["preview"]["errors"]
    assert (errors == []) == (who in COOP_MANAGE), (who, errors)
    if who not in COOP_READ:  # outside the scope: the code is taken, nothing more is said
        assert [e["code"] for e in errors] == ["code_taken"], who
    if who in COOP_MANAGE:
        sha = r.context["preview"]["sha256"]
        assert c.post("/partnerships/import/", {"confirm": "1", "sha256": sha}).status_code == 302
    assert (Cooperation.objects.get(code="TWL-M-1").title_zh == "改名") == (who in COOP_MANAGE)
