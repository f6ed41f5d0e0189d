"""Capacity inputs built from the records of the other apps, each traced to its records."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from django.utils import timezone

from xietong.algorithms.capacity import capacity_index
from xietong.partnerships.capacity import TEACHING_WEEKS, Ref, capacity_inputs
from xietong.resources.models import CollectionItem
from xietong.schools.services import statistics_set
from xietong.talent.models import Appointment, Placement

from ..resources import conftest as resources_conftest
from ..resources.conftest import SEED, make, publish
from ..talent.conftest import talent_world

_store = resources_conftest._store  # the resources' file store in a temporary directory


@pytest.fixture
def cw(world):
    from xietong.resources.services import vocabulary_load

    vocabulary_load(data=SEED.read_bytes(), name=SEED.name, actor=None)
    tw = talent_world(world)
    a = tw["schools"]["A"]
    for year, students, teachers, backbone in ((2024, 500, 30, 3), (2025, 520, 31, 6)):
        statistics_set(
            school=a,
            year=year,
            values={
                "students": Decimal(students),
                "teachers": Decimal(teachers),
                "teachers_backbone": Decimal(backbone),
            },
            actor=None,
        )
    return tw


def test_inputs_from_talent_statistics_and_resources(cw):
    """School A (Langfang) has 4 roster teachers at 12 weekly lessons. In 2025 a Beijing teacher
    (b0, 12 weekly lessons at home) is appointed here 6 hours a week: FTE 6/12 = 1/2; and b1 is
    placed on post PA by the published 2025 round: FTE 1 at 12 lessons. Partner lessons
    (6 + 12) x 35 = 630; own lessons 31 teachers x 12 x 35 = 13,020. A resource of A imported
    by a Tongzhou bureau user in 2025 counts once; A's own administrator's import does not."""
    s, t, u = cw["schools"], cw["teachers"], cw["users"]
    a = s["A"]
    appt = Appointment.objects.create(
        teacher=t["b0"], school=a, weekly_hours=6, weekdays="1,3", starts=date(2025, 3, 1)
    )
    rnd = cw["round"]
    rnd.published_at = timezone.now()
    rnd.save(update_fields=["published_at"])
    placed = Placement.objects.create(round=rnd, teacher=t["b1"], post=cw["posts"]["PA"])
    Placement.objects.create(round=rnd, teacher=t["b2"], post=cw["posts"]["PD"])  # elsewhere
    res = publish(cw, make(cw))
    outside = CollectionItem.objects.create(user=u["tongzhou"], resource=res, imported_version=1)
    CollectionItem.objects.create(user=u["school-a"], resource=res, imported_version=1)
    CollectionItem.objects.update(created_at=timezone.make_aware(timezone.datetime(2025, 5, 1)))

    y24, y25 = capacity_inputs(a, [2025, 2024])
    assert y24.inputs.seconded_fte == 0
    assert y24.inputs.partner_lessons == 0
    assert y25.inputs.seconded_fte == Fraction(3, 2)
    assert y25.inputs.partner_lessons == 18 * TEACHING_WEEKS == 630
    assert y25.inputs.own_lessons == 31 * 12 * 35
    assert (y25.inputs.students, y25.inputs.backbone_teachers) == (520, 6)
    assert y25.inputs.reused_resources == 1
    assert y25.inputs.satisfaction is None
    assert y25.inputs.transfers_out is None
    assert sorted(y25.trace["seconded_fte"]) == sorted(
        [Ref("talent.placement", placed.pk, rnd.pk), Ref("talent.appointment", appt.pk)]
    )
    assert y25.trace["reused_resources"] == [
        Ref("resources.collectionitem", outside.pk, str(res.pk))
    ]
    assert len(y25.trace["own_lessons"]) == 1 + 4  # the statistic and the roster

    r25 = capacity_index([y25.inputs])[0]
    assert r25.component("own_teaching").value == Fraction(13020, 13650)
    assert r25.component("backbone").ratio == Fraction(600, 520)
    assert r25.component("satisfaction").state == "missing"


def test_capacity_api_two_years_trend_and_records(cw, client):
    """2024: no seconded teachers (share 0); 2025: 630 of 13,650 lessons by the partner. The
    trend rises (dependence grew), so the school is not exit-ready."""
    t, a = cw["teachers"], cw["schools"]["A"]
    Appointment.objects.create(
        teacher=t["b0"], school=a, weekly_hours=6, weekdays="1", starts=date(2025, 3, 1)
    )
    client.force_login(cw["users"]["langfang"])
    body = client.get(f"/api/schools/{a.code}/capacity").json()
    years = {y["year"]: y for y in body["years"]}
    assert set(years) == {2024, 2025}
    assert years[2025]["inputs"]["partner_lessons"] == "210"
    assert years[2025]["records"]["seconded_fte"][0]["model"] == "talent.appointment"
    assert body["trend"]["shares"] == ["0", str(Fraction(210, 13230))]
    assert body["exit"]["ready"] is False
    assert "dependence_not_falling" in body["exit"]["failed"]
    own = next(c for c in years[2024]["components"] if c["code"] == "own_teaching")
    assert own["value"] == "1"
    client.force_login(cw["users"]["teacher-a"])  # a teacher does not see school statistics
    assert client.get(f"/api/schools/{a.code}/capacity").status_code == 404


def test_capacity_page_shows_formula_charts_and_record_links(cw, client):
    t, a = cw["teachers"], cw["schools"]["A"]
    Appointment.objects.create(
        teacher=t["b0"], school=a, weekly_hours=6, weekdays="1", starts=date(2025, 3, 1)
    )
    client.force_login(cw["users"]["langfang"])
    page = client.get(f"/schools/{a.code}/capacity/").content.decode()
    assert "own_lessons / (own_lessons + partner_lessons)" in page
    assert page.count('class="chart"') == 2  # index per year and dependence trend
    assert 'href="/talent/appointments/"' in page
    assert f'href="/schools/{a.code}/#stats"' in page
    assert "dependence_not_falling" in page


def test_synchronous_lessons_from_the_partner_count_as_partner_lessons(cw, active):
    """Tongzhou school B gives A 20 synchronous lessons in 2025 (recorded in partnerships): they
    add to A's partner lessons and are traced; a lesson typed by A for itself would not."""
    from xietong.partnerships.services import activity_record

    coop, a_party, b_party = active
    act = activity_record(
        actor=cw["users"]["tongzhou"],
        cooperation=coop,
        kind="sync_lesson",
        date=date(2025, 4, 10),
        amount=20,
        provider=b_party,
        recipient=a_party,
        subject="math",
    )
    (y25,) = capacity_inputs(cw["schools"]["A"], [2025])
    assert y25.inputs.partner_lessons == 20
    assert y25.trace["partner_lessons"] == [Ref("partnerships.activity", act.pk, coop.pk)]


def test_pupils_transferred_out_come_from_the_statistics(cw):
    """School A reports 13 pupils transferred out in 2025 of its 520 students: the rate is
    1/40 = 2.5 %, half the 5 % cap, so the component is 1 - 1/2 = 1/2. 2024 has no such
    statistic: the input stays empty and the component does not count."""
    from xietong.schools.models import SchoolStatistic

    a = cw["schools"]["A"]
    statistics_set(
        school=a, year=2025, values={"students_transferred_out": Decimal(13)}, actor=None
    )
    y24, y25 = capacity_inputs(a, [2024, 2025])
    assert y24.inputs.transfers_out is None
    assert y25.inputs.transfers_out == 13
    stat = SchoolStatistic.objects.get(school=a, year=2025, indicator_id="students_transferred_out")
    assert y25.trace["transfers_out"] == [Ref("schools.schoolstatistic", stat.pk)]
    r24, r25 = capacity_index([y24.inputs, y25.inputs])
    assert r25.component("transfers_out").ratio == Fraction(1, 40)
    assert r25.component("transfers_out").value == Fraction(1, 2)
    assert r24.component("transfers_out").state == "missing"


def test_dependence_trend_starts_with_the_first_cooperation(cw, active, client):
    """With the pairing in force from 2025, 2024 (no partner yet) is left out of the trend:
    one year remains, so there is no trend; the index of 2024 is still shown."""
    t, a = cw["teachers"], cw["schools"]["A"]
    Appointment.objects.create(
        teacher=t["b0"], school=a, weekly_hours=6, weekdays="1", starts=date(2025, 3, 1)
    )
    client.force_login(cw["users"]["langfang"])
    body = client.get(f"/api/schools/{a.code}/capacity").json()
    assert [y["year"] for y in body["years"]] == [2024, 2025]
    assert body["trend"] is None and body["exit"] is None
