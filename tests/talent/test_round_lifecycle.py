import pytest

from xietong.accounts.scope import OutOfScope
from xietong.audit.models import AuditEntry
from xietong.talent import services
from xietong.talent.models import ExchangeRound
from xietong.talent.services import LifecycleError

from .conftest import run_to


def test_secretariat_creates_area_round(world):
    rnd = services.round_create(
        name="r", year=2025, area=world["areas"]["jjj"], actor=world["users"]["jjj-sec"]
    )
    assert rnd.status == "draft"
    assert AuditEntry.objects.filter(action="talent.round.create", object_id=str(rnd.pk)).exists()


def test_bureau_creates_its_own_round(world):
    from xietong.regions.models import Jurisdiction

    j = Jurisdiction.objects.get(code="131000000000")
    rnd = services.round_create(
        name="廊坊", year=2025, jurisdiction=j, actor=world["users"]["langfang"]
    )
    assert rnd.jurisdiction_id == "131000000000"


@pytest.mark.parametrize("who", ["yrd-sec", "langfang", "school-a", "teacher-a", "public"])
def test_wrong_user_cannot_create_area_round(world, who):
    with pytest.raises(OutOfScope):
        services.round_create(
            name="r", year=2025, area=world["areas"]["jjj"], actor=world["users"][who]
        )
    assert not ExchangeRound.objects.exists()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"name": ""},
        {"year": 1990},
        {"min_rotation_share": 2},
        {"tie_break": "coin"},
        {"max_choices": 0},
        {"bogus": 1},
    ],
)
def test_bad_round_input(world, kwargs):
    args = {"name": "r", "year": 2025, **kwargs}
    with pytest.raises(ValueError):
        services.round_create(area=world["areas"]["jjj"], actor=world["users"]["jjj-sec"], **args)


def test_round_needs_exactly_one_scope(world):
    with pytest.raises(ValueError):
        services.round_create(name="r", year=2025, actor=None)


def test_full_lifecycle_in_order(tw):
    rnd = run_to(tw, "returned")
    assert rnd.status == "returned"
    actions = list(
        AuditEntry.objects.filter(object_type="exchange_round", object_id=str(rnd.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    for step in ("open", "ranking", "matched", "reviewed", "published", "in_service", "returned"):
        assert f"talent.round.{step}" in actions


def test_steps_refused_out_of_order(tw):
    sec = tw["users"]["jjj-sec"]
    rnd = tw["round"]
    for fn in (
        services.round_close_applications,
        services.round_match,
        services.round_review,
        services.round_publish,
        services.round_start_service,
        services.round_return,
    ):
        with pytest.raises(LifecycleError):
            fn(rnd=rnd, actor=sec)
    services.round_open(rnd=rnd, actor=sec)
    with pytest.raises(LifecycleError):
        services.round_open(rnd=rnd, actor=sec)
    with pytest.raises(LifecycleError):
        services.round_publish(rnd=rnd, actor=sec)
    rnd.refresh_from_db()
    assert rnd.status == "open"


def test_cannot_open_without_posts(world):
    rnd = services.round_create(name="r", year=2025, area=world["areas"]["jjj"], actor=None)
    with pytest.raises(LifecycleError, match="posts"):
        services.round_open(rnd=rnd, actor=None)


def test_wrong_user_cannot_move_round(tw):
    for who in ("langfang", "yrd-sec", "school-a", "teacher-a"):
        with pytest.raises(OutOfScope):
            services.round_open(rnd=tw["round"], actor=tw["users"][who])


def test_settings_frozen_after_matching(tw):
    rnd = run_to(tw, "matched")
    with pytest.raises(LifecycleError):
        services.round_update(rnd=rnd, actor=tw["users"]["jjj-sec"], seed=7)
