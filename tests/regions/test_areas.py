import pytest

from xietong.accounts.scope import OutOfScope
from xietong.regions.models import CooperationArea
from xietong.regions.selectors import area_member_prefixes
from xietong.regions.services import area_create, area_update


def test_standard_areas(regions):
    yrd = CooperationArea.objects.get(slug="yrd")
    assert sorted(yrd.members.values_list("code", flat=True)) == [
        "310000000000",
        "320000000000",
        "330000000000",
        "340000000000",
    ]
    jjj = CooperationArea.objects.get(slug="jjj")
    assert jjj.members.count() == 3
    twl = CooperationArea.objects.get(slug="tongwulang")
    assert twl.parent == jjj
    members = {m.code: m.level for m in twl.members.all()}
    assert members == {
        "110112000000": "county",
        "120114000000": "county",
        "131000000000": "prefecture",
    }
    # crossing provinces at county level, keyed on codes
    assert area_member_prefixes(twl) == ["110112", "120114", "1310"]
    # the parent's reach includes the nested area's members
    assert set(area_member_prefixes(jjj)) >= {"11", "12", "13"}


def test_area_create_rejects_unknown_codes(regions):
    with pytest.raises(ValueError, match="999999999999"):
        area_create(slug="x", name_zh="x", name_en="x", member_codes=["999999999999"])
    assert not CooperationArea.objects.filter(slug="x").exists()


def test_only_own_secretariat_edits_area(world):
    twl = world["areas"]["tongwulang"]
    area_update(area=twl, actor=world["users"]["twl-sec"], description_en="Joint office")
    twl.refresh_from_db()
    assert twl.description_en == "Joint office"
    area_update(
        area=twl, actor=world["users"]["jjj-sec"], description_zh="京津冀下属"
    )  # parent area
    with pytest.raises(OutOfScope):
        area_update(area=twl, actor=world["users"]["yrd-sec"], description_en="hijack")
    with pytest.raises(OutOfScope):
        area_update(
            area=world["areas"]["jjj"], actor=world["users"]["twl-sec"], description_en="up"
        )
    with pytest.raises(OutOfScope):
        area_update(area=twl, actor=world["users"]["langfang"], description_en="bureau")
    twl.refresh_from_db()
    assert twl.description_en == "Joint office"
