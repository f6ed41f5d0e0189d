"""Reminders to delegations: on their pages always, by mail when the deployment configures it."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mass_mail
from django.utils import translation
from django.utils.translation import gettext as _

from .models import Delegate, DelegateRole, Reminder

log = logging.getLogger(__name__)


def send_reminder(reminder: Reminder) -> int:
    """Mail the delegation's delegates and alternates (when mail is configured); returns the
    number of messages handed to the mail backend."""
    if not getattr(settings, "XIETONG_MAIL_REMINDERS", False):
        return 0
    people = Delegate.objects.filter(
        delegation=reminder.delegation,
        role__in=[DelegateRole.DELEGATE, DelegateRole.ALTERNATE],
        until__isnull=True,
    ).select_related("user")
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Deadline on proposal #%(n)s: %(t)s") % {
            "n": reminder.proposal.number,
            "t": reminder.proposal.title,
        }
        text = _("The %(w)s window closes at %(d)s (Asia/Shanghai).") % {
            "w": _("comment") if reminder.window == "comments" else _("positions"),
            "d": reminder.deadline.astimezone().strftime("%Y-%m-%d %H:%M"),
        }
    for d in people:
        if d.user.email:
            messages.append((subject, text, None, [d.user.email]))
    try:
        return send_mass_mail(messages, fail_silently=False) if messages else 0
    except OSError:
        log.exception("reminder mail for proposal %s failed", reminder.proposal_id)
        return 0
