import pytest
from django.test import Client

from xietong.accounts.scope import ANONYMOUS, scope_for
from xietong.evaluation.gap import gap_report
from xietong.evaluation.selectors import gap_years
from xietong.regions.models import CooperationArea
from xietong.schools.demo import demo_load


@pytest.fixture
def demo(db):
    return demo_load(scale=0.01, years=(2023, 2024))


def test_gap_parts_add_up_and_members_are_compared(demo):
    area = CooperationArea.objects.get(slug="yrd")
    report = gap_report(
        area=area, indicator="instrument_value_per_student", years=[2023, 2024], stage="primary"
    )
    assert [y.year for y in report.years] == [2023, 2024]
    for y in report.years:
        assert y.between_members + y.between_counties + y.within_counties == pytest.approx(
            y.total, rel=1e-9
        )
        assert y.between_members > 0 and y.within_counties > 0
        assert set(y.member_means) == {
            "310000000000",
            "320000000000",
            "330000000000",
            "340000000000",
        }
    # synthetic richer members spend more per student than Anhui
    assert (
        report.years[-1].member_means["310000000000"]
        > report.years[-1].member_means["340000000000"]
    )
    assert report.sigma_slope is not None


def test_gap_years_follow_releases_for_the_public(demo):
    from xietong.schools.models import StatisticsRelease

    area = CooperationArea.objects.get(slug="yrd")
    assert gap_years(scope=ANONYMOUS, area=area, years=[2023, 2024]) == [2023, 2024]
    StatisticsRelease.objects.filter(jurisdiction_id="340000000000", year=2024).delete()
    assert gap_years(scope=ANONYMOUS, area=area, years=[2023, 2024]) == [2023]
    from xietong.accounts.models import User

    secretariat = scope_for(User.objects.get(username="yrd-secretariat"))
    assert gap_years(scope=secretariat, area=area, years=[2023, 2024]) == [2023, 2024]


def test_gap_page_and_api(demo):
    c = Client()
    page = c.get(
        "/evaluation/gap/jjj/?indicator=building_area_per_student&stage=primary"
    ).content.decode()
    assert 'id="decomposition"' in page and 'id="gap-table"' in page
    english = c.get(
        "/evaluation/gap/jjj/?indicator=building_area_per_student", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Convergence: CV across schools" in english  # a flow indicator's is across counties
    data = c.get("/api/gap/jjj?indicator=building_area_per_student&stage=all").json()
    assert {m["code"] for m in data["members"]} == {"110000000000", "120000000000", "130000000000"}
    assert len(data["years"]) == 2
    csv = c.get(
        "/evaluation/gap/jjj/?indicator=building_area_per_student&format=csv"
    ).content.decode()
    assert csv.startswith("year,schools,mean,theil_t")
    assert data["years"][0]["schools"] > 0 and "counties" not in data["years"][0]
    assert c.get("/api/gap/jjj?indicator=students").status_code == 422
