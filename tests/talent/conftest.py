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
