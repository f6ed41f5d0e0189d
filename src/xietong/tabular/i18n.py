"""Translations for the reader, with or without Django.

The reader runs inside the web app (messages in the reader's language, from the project's
catalogue) and in `xietong evaluate`, which parses a file without configuring Django: there the
messages are the English source strings. ``makemessages`` finds the strings because callers
still write ``_("...")``.

What ``gettext`` returns is a :class:`Message`: the text in the current language (a ``str``, so
every caller reads it as before) that also keeps its catalogue key (``code``, the msgid) and,
once interpolated with ``%``, its parameters. A message kept for later (a job's import problems)
is stored as ``Message.as_json()`` and rendered in the reader's language with
:func:`render_json`, never as the text of the language it was made in.
"""

from __future__ import annotations

from typing import Any


class Message(str):
    """A translated message that remembers its msgid (``code``) and parameters."""

    code: str
    params: dict

    def __new__(cls, text: str, code: str | None = None, params: dict | None = None) -> Message:
        obj = super().__new__(cls, text)
        obj.code = text if code is None else code  # (pickle passes the text alone)
        obj.params = dict(params or {})
        return obj

    def __mod__(self, params) -> Message | str:
        text = str.__mod__(self, params)
        if not isinstance(params, dict):  # positional interpolation: nothing to keep by name
            return text
        return Message(text, self.code, params)

    def as_json(self) -> dict:
        return {"code": self.code, "params": {k: _param_json(v) for k, v in self.params.items()}}


def _param_json(value: Any):
    """A parameter as JSON: numbers and text as they are, a message as its code and
    parameters (rendered in the reader's language too), anything else as its text."""
    if isinstance(value, Message):
        return {"message": value.as_json()}
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)


def message_json(message) -> dict:
    """Any message as ``{"code", "params"}`` (a message written without ``gettext``, an
    f-string say, has no code: it is kept as ``{"text"}``, in the language it was made in)."""
    if isinstance(message, Message):
        return message.as_json()
    return {"text": str(message)}


def render_json(stored: dict) -> str:
    """A message stored by :func:`message_json` in the current language."""
    if "code" not in stored:
        return str(stored.get("text", ""))
    params = {}
    for k, v in (stored.get("params") or {}).items():
        params[k] = render_json(v["message"]) if isinstance(v, dict) and "message" in v else v
    template = gettext(stored["code"])
    if not params:
        return str(template)
    try:
        return str.__mod__(str(template), params)
    except (KeyError, TypeError, ValueError):  # a catalogue entry that lost a placeholder
        return str(template)


def _django_ready() -> bool:
    try:
        from django.apps import apps
        from django.conf import settings
    except ImportError:  # pragma: no cover - Django is a dependency; the reader does not need it
        return False
    return settings.configured and apps.ready


def gettext(message: str) -> Message:
    if _django_ready():
        from django.utils.translation import gettext as django_gettext

        return Message(django_gettext(message), message)
    return Message(message, message)


def ngettext(singular: str, plural: str, number: int) -> str:
    if _django_ready():
        from django.utils.translation import ngettext as django_ngettext

        return django_ngettext(singular, plural, number)
    return singular if number == 1 else plural
