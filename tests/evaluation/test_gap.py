import pytest
from django.conf import settings
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


def test_warming_computes_each_areas_landing_view_for_public_and_managers(demo, monkeypatch):
    """evaluation.warm (run by every `xietong serve` process as it starts): afterwards the
    dashboard's landing view, as the administrator and as the public, computes no report."""
    from xietong.accounts.models import User
    from xietong.evaluation import gap, warm

    computed = []
    real = gap._gap_report
    monkeypatch.setattr(gap, "_gap_report", lambda **kw: computed.append(kw) or real(**kw))
    n = warm.warm_gap_dashboards()
    areas = CooperationArea.objects.count()
    languages = len(settings.LANGUAGES)
    assert areas * languages <= n <= 2 * areas * languages and len(computed) == n
    assert {kw["stage"] for kw in computed} == {gap.DEFAULT_STAGE}
    assert {kw["indicator"] for kw in computed} == {gap.DEFAULT_INDICATOR}

    computed.clear()
    admin = User.objects.create_superuser("warm-admin", password="x-warm-1234")
    as_admin, public = Client(), Client()
    as_admin.force_login(admin)
    for client in (as_admin, public):
        assert client.get("/evaluation/gap/yrd/").status_code == 200
        assert client.get("/evaluation/gap/jjj/", HTTP_ACCEPT_LANGUAGE="en").status_code == 200
    assert computed == []  # every landing view was ready
    assert warm.warm_gap_dashboards() == n and computed == []  # a second warm finds them cached
    # another indicator is not warmed: it is computed on its first request
    assert public.get("/evaluation/gap/yrd/?indicator=books_per_student").status_code == 200
    assert len(computed) == 1


def test_serve_warms_in_each_web_process_unless_turned_off(monkeypatch):
    from xietong import server
    from xietong.evaluation import warm

    started = []
    monkeypatch.setattr(warm, "warm_on_start", lambda: started.append(1))
    options = server.gunicorn_options(host="127.0.0.1", port=8000)
    options["post_worker_init"](None)
    assert started == [1]
    monkeypatch.setenv("XIETONG_WARM", "0")
    options["post_worker_init"](None)
    assert started == [1]
