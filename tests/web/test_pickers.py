"""Pickers instead of typed codes: the jurisdiction tree, the school, post and teacher choosers,
their search endpoints, and the server-side check that refuses a hand-typed code outside the
caller's scope with a clear error."""

import re

import pytest
from django.test import Client

from tests.talent.conftest import talent_world
from xietong.talent import services


def client_for(world, who, language="en") -> Client:
    c = Client(headers={"accept-language": language})
    if who is not None:
        c.force_login(world["users"][who])
    return c


def option_values(html: str, select_id: str) -> list[str]:
    block = re.search(rf'<select[^>]*id="{select_id}".*?</select>', html, re.S).group(0)
    return [v for v in re.findall(r'<option value="([^"]*)"', block) if v]


# ---- the jurisdiction tree -------------------------------------------------------------------
def test_tree_is_the_callers_subtree_in_order(world):
    from xietong.regions.selectors import jurisdiction_tree

    tree = jurisdiction_tree(["1310"])  # Langfang: the city, then its ten counties
    assert [d for _j, d in tree] == [0] + [1] * 10
    assert tree[0][0].code == "131000000000"
    # Beijing: the 市辖区 placeholder is left out, its districts sit right under the city
    beijing = jurisdiction_tree(["11"])
    assert beijing[0][0].code == "110000000000" and beijing[0][1] == 0
    assert not any(j.is_placeholder for j, _d in beijing)
    assert {d for _j, d in beijing[1:]} == {1} and len(beijing) == 17
    # Hebei: province > prefecture > county, in code order
    hebei = jurisdiction_tree(["13"])
    depth = {j.code: d for j, d in hebei}
    assert (depth["130000000000"], depth["131000000000"], depth["131002000000"]) == (0, 1, 2)
    assert [j.code for j, _d in hebei] == sorted(j.code for j, _d in hebei)


def test_school_list_filter_offers_the_subtree_and_refuses_others(world):
    langfang = client_for(world, "langfang")
    html = langfang.get("/schools/").content.decode()
    codes = option_values(html, "id_within")
    assert codes[0] == "131000000000" and all(c.startswith("1310") for c in codes)
    assert 'name="within" value=' not in html  # no text box for a code any more
    # jjj secretariat: Beijing, Tianjin and Hebei
    codes = option_values(
        client_for(world, "jjj-sec").get("/schools/").content.decode(), "id_within"
    )
    assert {c[:2] for c in codes} == {"11", "12", "13"}
    # a school's role: its own county
    html = client_for(world, "school-a").get("/schools/").content.decode()
    assert option_values(html, "id_within") == ["131002000000"]
    # the public sees no school, so no filter either
    assert (
        'id="school-filters"' not in client_for(world, "public").get("/schools/").content.decode()
    )
    # a hand-typed code outside the subtree: a clear error, and the list stays Langfang's
    r = langfang.get("/schools/?within=320612000000")
    html = r.content.decode()
    assert "320612000000 is not a jurisdiction you may choose here" in html
    assert world["schools"]["A"].code in html and world["schools"]["C"].code not in html
    zh = client_for(world, "langfang", "zh-hans").get("/schools/?within=320612000000")
    assert "320612000000 不是您在此可以选择的行政区" in zh.content.decode()
    r = langfang.get("/schools/?within=131002000000")
    assert r.context["total"] == 1


def test_evaluation_scope_is_picked_from_the_tree(world):
    from xietong.evaluation.models import EvaluationRun

    langfang = client_for(world, "langfang")
    html = langfang.get("/evaluation/").content.decode()
    values = option_values(html, "id_scope")
    assert values[0] == "j:131000000000" and "j:131002000000" in values
    assert not any(v.startswith("area:") for v in values)  # a bureau runs no area
    assert not any(v.startswith("j:32") for v in values)
    sec = option_values(
        client_for(world, "twl-sec").get("/evaluation/").content.decode(), "id_scope"
    )
    assert "area:tongwulang" in sec and "area:jjj" not in sec
    # a teacher's role may evaluate nothing: no form
    assert (
        'id="run-form"' not in client_for(world, "teacher-a").get("/evaluation/").content.decode()
    )
    # typed by hand: Jiangsu for the Langfang bureau is refused before the service runs
    r = langfang.post(
        "/evaluation/start/",
        {"standard": "basic-balance-2012", "stage": "primary", "year": "2024", "scope": "j:32"},
        follow=True,
    )
    assert "j:32 is not an area or jurisdiction you may evaluate" in r.content.decode()
    assert not EvaluationRun.objects.exists()
    r = langfang.post(
        "/evaluation/start/",
        {
            "standard": "basic-balance-2012",
            "stage": "primary",
            "year": "2024",
            "scope": "j:131002000000",  # a county of Langfang: offered only by the tree
        },
    )
    from xietong.jobs.worker import run_pending

    assert run_pending() == 1  # the run is a background job
    run = EvaluationRun.objects.get()
    assert r.status_code == 302 and run.jurisdiction_id == "131002000000"


# ---- the search endpoints --------------------------------------------------------------------
def test_school_search_matches_name_pinyin_and_code(world):
    admin = client_for(world, "admin")

    def found(q, **extra):
        r = admin.get("/pickers/schools/", {"q": q, **extra})
        assert r.status_code == 200 and r["Content-Type"] == "application/json"
        return [i["value"] for i in r.json()["items"]]

    a, b, c = (world["schools"][k].code for k in "ABC")
    assert found("安次") == [a]  # Chinese name
    assert found("anci") == [a]  # the county's pinyin
    assert found(a[:6]) == [a]  # code prefix
    assert found("通州") == [b, c]  # two Tongzhous, in code order
    r = admin.get("/pickers/schools/", {"q": "", "limit": "2"}).json()
    assert len(r["items"]) == 2 and r["more"] is True
    label = admin.get("/pickers/schools/", {"q": a}).json()["items"][0]["label"]
    assert "安次区第一小学" in label and "安次区" in label
    assert found("安" * 5000) == []  # cut to 100 characters, answered like any miss
    for bad in ("0", "-3", "abc", "100000"):
        n = len(admin.get("/pickers/schools/", {"limit": bad}).json()["items"])
        assert 1 <= n <= 50


def test_school_search_leaves_out_closed_schools(world):
    from xietong.schools.models import School

    School.objects.filter(pk=world["schools"]["A"].pk).update(is_open=False)
    items = client_for(world, "admin").get("/pickers/schools/?q=安次").json()["items"]
    assert items == []


@pytest.fixture
def tw(world):
    return talent_world(world)


def test_post_form_picks_a_host_school_of_the_round(tw):
    rnd = tw["round"]
    sec = client_for(tw, "jjj-sec")
    html = sec.get(f"/talent/rounds/{rnd.pk}/").content.decode()
    offered = option_values(html, "id_school")
    jjj = {tw["schools"][k].code for k in "ABDE"}
    assert set(offered) == jjj  # the round's territory; Jiangsu's C is not in it
    assert 'placeholder="School code"' not in html
    # a code typed by hand outside the territory: refused by the form, nothing created
    form = {"code": "PX", "subject": "maths", "stage": "primary", "kind": "rotation"}
    form |= {"term_years": 1, "seats": 1}
    r = sec.post(
        f"/talent/rounds/{rnd.pk}/posts/", {**form, "school": tw["schools"]["C"].code}, follow=True
    )
    assert "is not a school of this round where you may offer posts" in r.content.decode()
    assert not rnd.posts.filter(code="PX").exists()
    sec.post(f"/talent/rounds/{rnd.pk}/posts/", {**form, "school": tw["schools"]["D"].code})
    assert rnd.posts.get(code="PX").host_school == tw["schools"]["D"]


def test_host_schools_of_a_bureau_are_its_own(tw):
    """Once the round is open, a host bureau offers posts at its own schools only."""
    rnd = services.round_open(rnd=tw["round"], actor=None)
    langfang = client_for(tw, "langfang")
    html = langfang.get(f"/talent/rounds/{rnd.pk}/").content.decode()
    assert option_values(html, "id_school") == [tw["schools"]["A"].code]
    items = langfang.get(f"/talent/pickers/rounds/{rnd.pk}/schools/").json()["items"]
    assert [i["value"] for i in items] == [tw["schools"]["A"].code]
    form = {"code": "PY", "subject": "maths", "stage": "primary", "kind": "rotation"}
    form |= {"term_years": 1, "seats": 1, "school": tw["schools"]["D"].code}  # Wuqing's
    r = langfang.post(f"/talent/rounds/{rnd.pk}/posts/", form, follow=True)
    assert "is not a school of this round where you may offer posts" in r.content.decode()
    assert not rnd.posts.filter(code="PY").exists()


def test_post_search_gives_a_teacher_the_posts_she_may_rank(tw):
    rnd = services.round_open(rnd=tw["round"], actor=None)
    teacher = client_for(tw, "teacher-a")
    items = teacher.get(f"/talent/pickers/rounds/{rnd.pk}/posts/").json()["items"]
    assert [i["value"] for i in items] == ["PD", "PE"]  # PA is at her own school
    items = teacher.get(f"/talent/pickers/rounds/{rnd.pk}/posts/?q=武清").json()["items"]
    assert [i["value"] for i in items] == ["PD"]
    # the round's manager asks for a teacher of hers
    sec = client_for(tw, "jjj-sec")
    items = sec.get(f"/talent/pickers/rounds/{rnd.pk}/posts/?teacher=TB0").json()["items"]
    assert [i["value"] for i in items] == ["PA", "PD", "PE"]


def test_appointment_form_picks_teacher_and_school(tw):
    tongzhou = client_for(tw, "tongzhou")
    html = tongzhou.get("/talent/appointments/").content.decode()
    teachers = option_values(html, "id_teacher")
    assert teachers == [f"TB{i}" for i in range(8)]  # Tongzhou's teachers only
    assert option_values(html, "id_school") == [tw["schools"]["B"].code]
    assert 'name="weekdays" value="2"' in html  # boxes for the weekdays, not "2,4" typed
    r = tongzhou.post(
        "/talent/appointments/",
        {"teacher": "TA1", "school": tw["schools"]["B"].code, "weekly_hours": 2, "weekdays": "2"},
        follow=True,
    )
    assert "TA1 is not a teacher you may see." in r.content.decode()
    from xietong.talent.models import Appointment

    assert not Appointment.objects.exists()


# ---- a joint project's participants: one box per member, no codes typed ----------------------
def test_project_participants_are_boxes_per_member(world):
    from xietong.finance.models import JointProject
    from xietong.finance.services import fund_open

    fund_open(area=world["areas"]["yrd"], actor=None)
    sec = client_for(world, "yrd-sec")
    html = sec.get("/finance/yrd/projects/new/").content.decode()
    sh, js, zj, ah = "310000000000", "320000000000", "330000000000", "340000000000"
    for code in (sh, js, zj, ah):
        assert f'name="values_{code}"' in html
    assert '<textarea name="values"' not in html
    r = sec.post(
        "/finance/yrd/projects/new/",
        {
            "title": "共享平台",
            "programme": "shared_resources",
            "rule": "airport",
            f"values_{sh}": "100",
            f"values_{js}": "300",
            f"values_{zj}": " ",  # left empty: not a participant
            "values_110000000000": "500",  # not a member of the area: no box, ignored
        },
    )
    assert r.status_code == 302
    p = JointProject.objects.get()
    assert p.total == 300  # the airport game costs what the largest need costs: 300
    assert sorted(p.participants) == [sh, js]
