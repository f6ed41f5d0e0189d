"""The zh-Hans catalogue (.po) is the source of the Chinese interface: every string of the code
and templates is in it, translated, not fuzzy, with the English placeholders, and compiled."""

import importlib.util
import os
import shutil
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts/i18n_check.py"
spec = importlib.util.spec_from_file_location("i18n_check", SCRIPT)
i18n = importlib.util.module_from_spec(spec)
spec.loader.exec_module(i18n)


def test_catalogue_is_complete_and_compiled():
    assert i18n.problems(i18n.PO) == []
    assert i18n.mo_out_of_date(i18n.PO) == []


def test_no_string_of_the_source_is_missing_from_the_catalogue():
    """makemessages on a copy of the tree: a new string without its translation fails here."""
    if shutil.which("xgettext") is None:
        if os.environ.get("CI"):
            pytest.fail("GNU gettext is required in CI (apt-get install gettext)")
        pytest.skip("needs GNU gettext (apt-get install gettext)")
    assert i18n.regenerated_problems() == []


def test_the_check_finds_untranslated_fuzzy_and_placeholder_problems(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Fine"\nmsgstr "好"\n\n'
        'msgid "Missing"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Guessed"\nmsgstr "猜的"\n\n'
        'msgid "%(n)s schools"\nmsgstr "%(m)s 所学校"\n',
        encoding="utf-8",
    )
    found = i18n.problems(po)
    assert found == [
        "untranslated: 'Missing'",
        "fuzzy: 'Guessed'",
        "placeholders differ: '%(n)s schools'",
    ]
    assert i18n.mo_out_of_date(po) == ["django.mo is missing: run `xietong manage compilemessages`"]
