from pathlib import Path

import polib

LOCALE = (
    Path(__file__).resolve().parents[2] / "src" / "xietong" / "locale" / "zh_Hans" / "LC_MESSAGES"
)


def test_every_interface_string_has_a_chinese_translation():
    po = polib.pofile(str(LOCALE / "django.po"))
    untranslated = [e.msgid for e in po if not e.translated() and not e.obsolete]
    assert untranslated == []
    assert len(po) > 150


def test_compiled_catalogue_matches_the_source():
    po = polib.pofile(str(LOCALE / "django.po"))
    mo = polib.mofile(str(LOCALE / "django.mo"))
    # keyed by context too: "Public" is 公办 as ownership and 公众 as a role
    compiled = {(e.msgctxt, e.msgid): e.msgstr for e in mo if not e.msgid_plural}
    for e in po:
        if not e.msgid_plural and not e.obsolete:
            assert compiled.get((e.msgctxt, e.msgid)) == e.msgstr, (e.msgctxt, e.msgid)
