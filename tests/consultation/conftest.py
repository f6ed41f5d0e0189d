import datetime as dt
from zoneinfo import ZoneInfo

import pytest

SH, JS, ZJ, AH = "310000000000", "320000000000", "330000000000", "340000000000"
MEMBERS = [SH, JS, ZJ, AH]
TZ = ZoneInfo("Asia/Shanghai")
# Monday 2 March 2026, 09:00 in Shanghai: no holiday in the next weeks
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=TZ)


@pytest.fixture(autouse=True)
def _english_messages(settings):
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def bureaus(world):
    """A bureau user per YRD member (the shared world has Jiangsu's already)."""
    from xietong.accounts.models import Role
    from xietong.accounts.services import role_grant, user_create
    from xietong.regions.models import Jurisdiction

    users = {JS: world["users"]["jiangsu"]}
    for code, name in ((SH, "shanghai"), (ZJ, "zhejiang"), (AH, "anhui")):
        u = user_create(username=name, password="kestrel-harbour-42", actor=None)
        role_grant(
            user=u, role=Role.BUREAU, jurisdiction=Jurisdiction.objects.get(code=code), actor=None
        )
        users[code] = u
    return users


@pytest.fixture
def body(world, bureaus):
    """The YRD body with a working group, and each member's bureau user as its delegate."""
    from xietong.consultation import services
    from xietong.consultation.models import Level

    sec = world["users"]["yrd-sec"]
    b = services.body_create(
        area=world["areas"]["yrd"], name_zh="长三角教育协作会商机制", actor=sec
    )
    services.forum_create(body=b, level=Level.DECISION, name_zh="主要领导座谈会", actor=sec)
    services.forum_create(body=b, level=Level.COORDINATION, name_zh="联席会议", actor=sec)
    services.forum_create(
        body=b, level=Level.EXECUTION, name_zh="教师发展专题组", topic="teachers", actor=sec
    )
    for d in b.delegations.all():
        services.delegate_appoint(
            delegation=d,
            user=bureaus[d.member_id],
            role="delegate",
            since=dt.date(2026, 1, 1),
            actor=bureaus[d.member_id],
        )
    return b


@pytest.fixture
def forums(body):
    return {f.level: f for f in body.forums.all()}


def given(weights=None):
    return {"basis": "given", "weights": weights or {SH: 25, JS: 85, ZJ: 66, AH: 61}}
