"""Vocabularies as versioned data: the seed release, the loader's refusals, the crosswalk."""

import json

import pytest

from tests.resources.conftest import SEED
from xietong.audit.models import AuditEntry
from xietong.resources.models import CrosswalkLink, VocabularyNode, VocabularyRelease
from xietong.resources.selectors import chapter_matches, vocabulary
from xietong.resources.services import vocabulary_load
from xietong.tabular.problems import ImportFailed


def test_seed_covers_the_named_editions(vocab):
    editions = {n.name_zh for n in vocabulary("edition")}
    assert {"人教版", "统编版", "北师大版", "苏教版", "沪教版", "浙教版", "冀教版"} <= editions
    math = VocabularyNode.objects.filter(scheme="volume", subject__code="math", grade__code="g7")
    assert {v.parent.name_zh for v in math} >= {"人教版", "北师大版", "沪教版", "浙教版", "冀教版"}
    chinese = VocabularyNode.objects.get(scheme="volume", subject__code="chinese")
    assert chinese.parent.code == "tongbian" and chinese.is_illustrative
    assert vocab.is_illustrative and vocab.is_current
    entry = AuditEntry.objects.get(action="resources.vocabulary_load")
    assert entry.after["sha256"] == vocab.file_digest and entry.after["crosswalk"] > 0


def test_crosswalk_finds_other_editions_chapters(vocab):
    pep = VocabularyNode.objects.get(code="pep-math-g7a-u1")  # 人教版 第一章 有理数
    matches = chapter_matches(pep)
    editions = {m.parent.parent.code for m in matches}
    assert {"bnu", "zhejiao", "jijiao", "suke", "hujiao"} <= editions
    assert "pep" not in editions
    assert pep not in matches


def test_nothing_is_written_when_a_row_is_wrong(db):
    doc = json.loads(SEED.read_text(encoding="utf-8"))
    doc["version"] = "broken.1"
    doc["entries"][5]["parent"] = "no-such-stage"
    doc["entries"][7]["scheme"] = "chapterx"
    with pytest.raises(ImportFailed) as exc:
        vocabulary_load(data=json.dumps(doc).encode(), name="v.json", actor=None)
    where = {(p.file, p.row, p.column) for p in exc.value.problems}
    assert ("v.json", 8, "scheme") in where
    assert not VocabularyRelease.objects.exists() and not VocabularyNode.objects.exists()


def test_references_must_be_defined_in_the_file(db):
    doc = json.loads(SEED.read_text(encoding="utf-8"))
    doc["version"] = "broken.2"
    row = next(i for i, e in enumerate(doc["entries"], 1) if e["scheme"] == "unit")
    doc["entries"][row - 1]["standards"] = ["no-such-item"]
    with pytest.raises(ImportFailed) as exc:
        vocabulary_load(data=json.dumps(doc).encode(), name="v.json", actor=None)
    assert [(p.row, p.column) for p in exc.value.problems] == [(row, "standards")]
    assert "no-such-item" in exc.value.problems[0].message


def test_csv_release_and_a_second_version(vocab):
    csv = (
        "scheme,code,parent,subject,grade,stage,name_zh,name_en,aliases,standards,illustrative\n"
        "stage,junior,,,,,初中,Junior secondary,初级中学,,\n"
        "subject,math,,,,,数学,Mathematics,,,\n"
        "grade,g7,junior,,,,七年级,Grade 7,,,\n"
        "edition,pep,,,,,人教版,PEP,人教,,\n"
        "standard,m1,,math,,junior,数与式,,,,\n"
        "volume,pep-m7a,pep,math,g7,,七年级上册,,,,1\n"
        "unit,pep-m7a-u1,pep-m7a,,,,第一章 有理数,,,m1,1\n"
    ).encode()
    release = vocabulary_load(
        data=csv, name="v.csv", actor=None, meta={"version": "csv.1", "title_zh": "测试"}
    )
    assert release.is_current and not VocabularyRelease.objects.get(pk=vocab.pk).is_current
    assert [n.code for n in vocabulary("edition")] == ["pep"]
    assert CrosswalkLink.objects.filter(release=release).count() == 1
    with pytest.raises(ImportFailed, match="csv.1"):
        vocabulary_load(
            data=csv, name="v.csv", actor=None, meta={"version": "csv.1", "title_zh": "x"}
        )


def test_csv_problem_names_row_and_column(db):
    csv = b"scheme,code,name_zh\nstage,Junior!,\n"
    with pytest.raises(ImportFailed) as exc:
        vocabulary_load(data=csv, name="v.csv", actor=None, meta={"version": "a", "title_zh": "t"})
    assert {(p.row, p.column) for p in exc.value.problems} == {(2, "code"), (2, "name_zh")}


def test_only_the_administrator_loads(world):
    from xietong.accounts.scope import OutOfScope

    with pytest.raises(OutOfScope):
        vocabulary_load(data=SEED.read_bytes(), name=SEED.name, actor=world["users"]["langfang"])
    assert not VocabularyRelease.objects.exists()


def test_overlong_name_is_a_row_problem(db):
    csv = ("scheme,code,name_zh\nstage,junior," + "长" * 501 + "\n").encode()
    with pytest.raises(ImportFailed) as exc:
        vocabulary_load(data=csv, name="v.csv", actor=None, meta={"version": "a", "title_zh": "t"})
    assert [(p.row, p.column) for p in exc.value.problems] == [(2, "name_zh")]
