import datetime as dt

import pytest

SH, JS, ZJ, AH = "310000000000", "320000000000", "330000000000", "340000000000"
D = dt.date(2024, 3, 1)


@pytest.fixture
def fund(world):
    from xietong.finance.services import fund_open

    return fund_open(area=world["areas"]["yrd"], actor=None)


@pytest.fixture
def bureaus(world):
    """Bureaus of every YRD member (the shared world has only Jiangsu) plus a city bureau below
    Jiangsu (Nanjing), which is not a member itself."""
    from xietong.accounts.models import Role
    from xietong.accounts.services import role_grant, user_create
    from xietong.regions.models import Jurisdiction

    users = {JS: world["users"]["jiangsu"]}
    for code, name in (
        (SH, "shanghai"),
        (ZJ, "zhejiang"),
        (AH, "anhui"),
        ("320100000000", "nanjing"),
    ):
        u = user_create(username=name, password="kestrel-harbour-42", actor=None)
        role_grant(
            user=u, role=Role.BUREAU, jurisdiction=Jurisdiction.objects.get(code=code), actor=None
        )
        users[code] = u
    return users


@pytest.fixture
def called_round(fund):
    """A 1,000,000.00 yuan round by 40/30/30, frozen, approved and called by the operator."""
    from xietong.finance import services
    from xietong.regions.models import Jurisdiction

    r = services.round_create(
        fund=fund,
        title="2024",
        year=2024,
        total="1000000.00",
        mix={"students": 40, "population": 30, "gdp": 30},
        actor=None,
    )
    weights = {
        SH: {"students": 150, "population": 2487, "gdp": 47219},
        JS: {"students": 1100, "population": 8526, "gdp": 128222},
        ZJ: {"students": 800, "population": 6627, "gdp": 82553},
        AH: {"students": 900, "population": 6121, "gdp": 47050},
    }
    for code, v in weights.items():
        services.round_weights_set(
            round=r, member=Jurisdiction.objects.get(code=code), values=v, actor=None
        )
    r = services.round_freeze(round=r, actor=None)
    for c in r.charges.all():
        services.charge_approve(charge=c, actor=None)
    return services.round_call(round=r, actor=None, date=D)


@pytest.fixture(autouse=True)
def _english_messages(settings):
    """These tests read English messages; the interface's default language is zh-Hans."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
