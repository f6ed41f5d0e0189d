"""Translations for the reader, with or without Django.

The reader runs inside the web app (messages in the reader's language, from the project's
catalogue) and in `xietong evaluate`, which parses a file without configuring Django: there the
messages are the English source strings. ``makemessages`` finds the strings because callers
still write ``_("...")``.
"""

from __future__ import annotations


def _django_ready() -> bool:
    try:
        from django.apps import apps
        from django.conf import settings
    except ImportError:  # pragma: no cover - Django is a dependency; the reader does not need it
        return False
    return settings.configured and apps.ready


def gettext(message: str) -> str:
    if _django_ready():
        from django.utils.translation import gettext as django_gettext

        return django_gettext(message)
    return message


def ngettext(singular: str, plural: str, number: int) -> str:
    if _django_ready():
        from django.utils.translation import ngettext as django_ngettext

        return django_ngettext(singular, plural, number)
    return singular if number == 1 else plural
