from xietong.regions.divisions import english_name, load_divisions, pinyin_name


def test_row_counts_match_the_shipped_table():
    """cpca's 621 rows (392 + 229) and the 23 divisions created since (15 + 8)."""
    divisions = load_divisions()
    yrd = [d for d in divisions if d.code[:2] in ("31", "32", "33", "34")]
    jjj = [d for d in divisions if d.code[:2] in ("11", "12", "13")]
    assert len(yrd) == 392 + 15
    assert len(jjj) == 229 + 8


def test_codes_are_unique_twelve_digits_and_parents_come_first():
    divisions = load_divisions()
    seen = set()
    for d in divisions:
        assert len(d.code) == 12 and d.code.isdigit()
        assert d.code not in seen
        if d.parent_code is not None:
            assert d.parent_code in seen, f"{d.code} listed before its parent"
        seen.add(d.code)


def test_repeated_names_keep_distinct_codes_and_full_names():
    tongzhou = [d for d in load_divisions() if d.name_zh == "通州区"]
    assert {d.code for d in tongzhou} == {"110112000000", "320612000000"}
    assert {d.full_name_zh for d in tongzhou} == {"北京市通州区", "江苏省南通市通州区"}


def test_english_names_from_pinyin():
    assert english_name("通州区", level="county", code="110112000000") == "Tongzhou District"
    assert english_name("北京市", level="province", code="110000000000") == "Beijing"
    assert english_name("河北省", level="province", code="130000000000") == "Hebei Province"
    assert english_name("廊坊市", level="prefecture", code="131000000000") == "Langfang City"
    assert (
        english_name("大厂回族自治县", level="county", code="131028000000")
        == "Dachang Hui Autonomous County"
    )
    assert english_name("浦东新区", level="county", code="310115000000") == "Pudong New Area"
    assert english_name("闵行区", level="county", code="310112000000") == "Minhang District"
    assert english_name("朝阳区", level="county", code="110105000000") == "Chaoyang District"
    assert pinyin_name("六安", "六安市") == "Lu'an"


def test_load_into_database_is_idempotent(db):
    from xietong.audit.models import AuditEntry
    from xietong.regions.models import Jurisdiction
    from xietong.regions.services import jurisdictions_load

    first = jurisdictions_load()
    assert first["divisions"] == 644
    assert Jurisdiction.objects.count() == 644
    Jurisdiction.objects.filter(code="131000000000").update(name_en="Wrong")
    repaired = jurisdictions_load()
    assert repaired["updated"] == 1
    entries = AuditEntry.objects.count()
    second = jurisdictions_load()
    assert second == {"divisions": 644, "created": 0, "updated": 0}
    assert Jurisdiction.objects.count() == 644
    assert AuditEntry.objects.count() == entries  # nothing changed, nothing recorded
    langfang = Jurisdiction.objects.get(code="131000000000")
    assert langfang.level == "prefecture" and langfang.parent_id == "130000000000"
    assert langfang.prefix == "1310"
    assert Jurisdiction.objects.get(code="131002000000").parent_id == "131000000000"
