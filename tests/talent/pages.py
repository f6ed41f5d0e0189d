"""Helpers of the talent page tests (one file per action, healthchecks style): a logged-in
client, the messages the next page shows, and the audit log's length (a refused write adds no row)."""

import html
import re

from django.test import Client

from xietong.audit.models import AuditEntry


def client(world, who) -> Client:
    c = Client()
    if who is not None:
        c.force_login(world["users"][who])
    return c


def said(response) -> list[str]:
    """The messages shown on the page the response redirects to (reading them there, as the
    person would, also clears them)."""
    page = response.client.get(response["Location"]).content.decode()
    box = re.search(r'<ul class="messages">(.*?)</ul>', page, re.S)
    return [html.unescape(m) for m in re.findall(r"<li[^>]*>(.*?)</li>", box[1])] if box else []


def audit_rows() -> int:
    return AuditEntry.objects.count()
