import pytest

from xietong.talent import services
from xietong.talent.models import Teacher


@pytest.fixture
def tw(world):
    """The shared world plus teachers, and a draft round of the jjj secretariat with posts at
    schools A (Langfang), D (Wuqing) and E (Shijiazhuang)."""
    return talent_world(world)


def talent_world(world):
    """The body of ``tw``, for other test packages (the role x endpoint matrix) to reuse."""
    s = world["schools"]
    u = world["users"]
    teachers = {}
    for i in range(8):  # Beijing Tongzhou, maths primary
        teachers[f"b{i}"] = Teacher.objects.create(
            code=f"TB{i}",
            name=f"北京教师{i}",
            school=s["B"],
            subject="maths",
            stage="primary",
            years_at_school=6 + i,
            backbone="county" if i < 3 else "none",
            title="first",
        )
    for i in range(4):  # Langfang Anci, maths primary
        teachers[f"a{i}"] = Teacher.objects.create(
            code=f"TA{i}",
            name=f"廊坊教师{i}",
            school=s["A"],
            subject="maths",
            stage="primary",
            years_at_school=7,
        )
    teachers["a0"].user = u["teacher-a"]
    teachers["a0"].save()
    rnd = services.round_create(
        name="京津冀 2025",
        year=2025,
        area=world["areas"]["jjj"],
        actor=u["jjj-sec"],
        max_departure_share=1,
    )
    posts = {
        "PA": services.post_create(
            rnd=rnd,
            code="PA",
            host_school=s["A"],
            subject="maths",
            stage="primary",
            seats=2,
            actor=u["jjj-sec"],
        ),
        "PD": services.post_create(
            rnd=rnd,
            code="PD",
            host_school=s["D"],
            subject="maths",
            stage="primary",
            seats=1,
            actor=u["jjj-sec"],
        ),
        "PE": services.post_create(
            rnd=rnd,
            code="PE",
            host_school=s["E"],
            subject="maths",
            stage="primary",
            seats=1,
            term_years=2,
            kind="support",
            actor=u["jjj-sec"],
        ),
    }
    return {**world, "teachers": teachers, "round": rnd, "posts": posts}


def apply_all(tw):
    """Open the round and let the Beijing teachers apply (A first for even, E first for odd)."""
    rnd = tw["round"]
    services.round_open(rnd=rnd, actor=tw["users"]["jjj-sec"])
    for key, t in tw["teachers"].items():
        if key.startswith("b"):
            prefs = ["PA", "PE", "PD"] if int(key[1]) % 2 == 0 else ["PE", "PA"]
            services.application_submit(rnd=rnd, teacher=t, post_codes=prefs, actor=None)
    services.application_submit(
        rnd=rnd, teacher=tw["teachers"]["a0"], post_codes=["PD"], actor=tw["users"]["teacher-a"]
    )
    rnd.refresh_from_db()
    return rnd


def reviewed_with_effect(tw):
    """Three Beijing teachers move to a second school in Langfang's Anci district, which then has
    two schools with statistics: the county has a CV before and after (a stored effect row)."""
    from decimal import Decimal

    from xietong.schools.models import School
    from xietong.schools.services import statistics_set

    extra = School.objects.create(
        code="1310029999",
        name_zh="安次区乡村小学",
        name_en="Anci Village Primary School",
        stage="primary",
        county_id="131002000000",
        location="rural",
        ownership="public",
    )
    statistics_set(
        school=extra,
        year=2024,
        actor=None,
        values={"students": Decimal(500), "teachers": Decimal(20), "teachers_backbone": Decimal(1)},
    )
    statistics_set(
        school=tw["schools"]["A"], year=2024, actor=None, values={"teachers_backbone": Decimal(2)}
    )
    services.post_create(
        rnd=tw["round"],
        code="PX",
        host_school=extra,
        subject="maths",
        stage="primary",
        seats=3,
        actor=None,
    )
    rnd = services.round_open(rnd=tw["round"], actor=None)
    for k in ("b0", "b1", "b2"):
        services.application_submit(
            rnd=rnd, teacher=tw["teachers"][k], post_codes=["PX"], actor=None
        )
    rnd = services.round_close_applications(rnd=rnd, actor=None)
    rnd = services.round_match(rnd=rnd, actor=None)
    return services.round_review(rnd=rnd, actor=None)


def run_to(tw, status: str):
    sec = tw["users"]["jjj-sec"]
    rnd = apply_all(tw)
    steps = [
        ("ranking", lambda r: services.round_close_applications(rnd=r, actor=sec)),
        ("matched", lambda r: services.round_match(rnd=r, actor=sec)),
        ("reviewed", lambda r: services.round_review(rnd=r, actor=sec)),
        ("published", lambda r: services.round_publish(rnd=r, actor=sec, override_reason="test")),
        ("in_service", lambda r: services.round_start_service(rnd=r, actor=sec)),
        ("returned", lambda r: services.round_return(rnd=r, actor=sec)),
    ]
    for name, fn in steps:
        rnd = fn(rnd)
        if name == status:
            break
    rnd.refresh_from_db()
    return rnd


@pytest.fixture(autouse=True)
def _english_messages(settings):
    """These tests read English messages; the interface's default language is zh-Hans."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
