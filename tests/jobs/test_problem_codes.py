"""A problem's message keeps its catalogue key and parameters (``tabular.i18n.Message``), so a
job stores codes, not the text of the language it ran in, and renders it in the reader's."""

from __future__ import annotations

import json
import pickle

from django.utils import translation

from xietong.tabular.i18n import Message, gettext, message_json, render_json

NO_SCHOOL = "no school with code %(c)r in the registry"


def test_a_message_made_in_chinese_is_stored_as_its_code_and_read_in_english():
    with translation.override("zh-hans"):
        m = gettext(NO_SCHOOL) % {"c": "NOPE"}
        assert m == "登记册中没有代码为 'NOPE' 的学校"  # the text callers read, as before
        where = gettext("%(file)s: row %(row)d: %(message)s") % {
            "file": "a.csv",
            "row": 4,
            "message": m,
        }
    stored = json.loads(json.dumps(message_json(where)))
    assert stored["params"]["message"] == {"message": {"code": NO_SCHOOL, "params": {"c": "NOPE"}}}
    assert "登记" not in json.dumps(stored, ensure_ascii=False)
    with translation.override("en"):
        assert render_json(stored) == "a.csv: row 4: no school with code 'NOPE' in the registry"
    with translation.override("zh-hans"):
        assert render_json(stored) == render_json(json.loads(json.dumps(stored)))
        assert "登记册中没有代码为 'NOPE' 的学校" in render_json(stored)


def test_a_message_survives_pickling_and_plain_text_is_kept_as_text():
    m = pickle.loads(pickle.dumps(gettext(NO_SCHOOL) % {"c": "X"}))
    assert isinstance(m, Message) and (m.code, m.params) == (NO_SCHOOL, {"c": "X"})
    assert message_json("made without the catalogue") == {"text": "made without the catalogue"}
    assert render_json({"text": "made without the catalogue"}) == "made without the catalogue"
