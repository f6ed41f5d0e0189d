"""A round's stored results hold codes, and pages word them in the reader's language: the
certificate's mechanism, the counties of the predicted effect, the schools of posts and results."""

import importlib

from django.apps import apps

from xietong.talent.models import ExchangeRound

from .conftest import reviewed_with_effect, run_to


def test_certificate_stores_the_mechanism_as_a_code(tw, read_page):
    rnd = run_to(tw, "reviewed")
    assert rnd.certificate["mechanism"] == "da"
    assert "stability_notion" not in rnd.certificate
    zh = read_page(tw["users"]["jjj-sec"], f"/talent/rounds/{rnd.pk}/", "zh-hans")
    assert "<td>教师申请的延迟接受算法</td>" in zh
    assert "<td>不存在阻塞对（Gale-Shapley 稳定性）</td>" in zh
    assert "deferred acceptance" not in zh and "blocking pair" not in zh
    en = read_page(tw["users"]["jjj-sec"], f"/talent/rounds/{rnd.pk}/", "en")
    assert "<td>teacher-proposing deferred acceptance</td>" in en
    assert "<td>no blocking pair (Gale-Shapley stability)</td>" in en


def test_effect_counties_are_named_in_the_readers_language(tw, read_page):
    rnd = reviewed_with_effect(tw)
    counties = rnd.effect["counties"]
    assert [c["county"] for c in counties] == ["131002000000"]
    assert "name" not in counties[0]  # the code only in the database
    en = read_page(tw["users"]["jjj-sec"], f"/talent/rounds/{rnd.pk}/", "en")
    zh = read_page(tw["users"]["jjj-sec"], f"/talent/rounds/{rnd.pk}/", "zh-hans")
    assert "<td>Anci District</td>" in en and "<td>河北省廊坊市安次区</td>" not in en
    assert "<td>河北省廊坊市安次区</td>" in zh


def test_school_names_follow_the_language(tw, read_page):
    school = tw["schools"]["A"]
    school.name_en = "Anci No. 1 Primary School"
    school.save()
    rnd = run_to(tw, "published")
    for path in (f"/talent/rounds/{rnd.pk}/", f"/talent/rounds/{rnd.pk}/results/"):
        en = read_page(tw["users"]["jjj-sec"], path, "en")
        assert "Anci No. 1 Primary School" in en and "安次区第一小学" not in en
        assert "安次区第一小学" in read_page(tw["users"]["jjj-sec"], path, "zh-hans")


def test_migration_turns_stored_english_into_codes(tw, read_page):
    rnd = reviewed_with_effect(tw)
    old_cert = {
        **rnd.certificate,
        "mechanism": "flexible deferred acceptance (Kamada-Kojima)",
        "stability_notion": "Kamada-Kojima stability: no blocking contract ...",
    }
    old_effect = {
        **rnd.effect,
        "counties": [{**c, "name": "安次区"} for c in rnd.effect["counties"]],
    }
    ExchangeRound.objects.filter(pk=rnd.pk).update(certificate=old_cert, effect=old_effect)
    migration = importlib.import_module("xietong.talent.migrations.0006_certificate_words_as_codes")
    migration.forwards(apps, None)
    rnd.refresh_from_db()
    assert rnd.certificate["mechanism"] == "da_regions"
    assert "stability_notion" not in rnd.certificate
    assert rnd.certificate["fingerprint"] == old_cert["fingerprint"]  # the rest is kept
    assert all("name" not in c for c in rnd.effect["counties"])
    assert rnd.effect["counties"][0]["county"] == old_effect["counties"][0]["county"]
    migration.forwards(apps, None)  # a second run changes nothing
    rnd.refresh_from_db()
    assert rnd.certificate["mechanism"] == "da_regions"
