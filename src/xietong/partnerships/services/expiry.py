"""Expiry notices: 90 and 30 days before a cooperation's term ends, each sent once.

Run by the workers' periodic thread (``apps.py``); a notice is a row (shown on the cooperation's
page) and an audit entry; mail to the parties' users when ``XIETONG_MAIL_REMINDERS`` is set.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from xietong.audit.services import audit_record
from xietong.audit.vocabulary import AuditAction

from ..models import Cooperation, ExpiryNotice, Status

log = logging.getLogger(__name__)
NOTICE_DAYS = (90, 30)


def due_notices(today: dt.date) -> list[tuple[Cooperation, int]]:
    """(cooperation, days) for each notice due: the 90-day notice while 30 < days left <= 90,
    the 30-day notice while 0 <= days left <= 30; one of each per term end."""
    out = []
    windows = (
        (90, today + dt.timedelta(days=31), today + dt.timedelta(days=90)),
        (30, today, today + dt.timedelta(days=30)),
    )
    for days, low, high in windows:
        qs = Cooperation.objects.filter(
            status__in=[Status.ACTIVE, Status.SUSPENDED], term_end__range=(low, high)
        )
        sent = set(
            ExpiryNotice.objects.filter(days_before=days, cooperation__in=qs).values_list(
                "cooperation_id", "term_end"
            )
        )
        out.extend((c, days) for c in qs if (c.pk, c.term_end) not in sent)
    return out


def _mail(coop: Cooperation, days: int) -> None:
    if not getattr(settings, "XIETONG_MAIL_REMINDERS", False):
        return
    from xietong.accounts.models import RoleAssignment

    schools = [p.school_id for p in coop.parties.all() if p.school_id]
    users = RoleAssignment.objects.filter(school_id__in=schools).select_related("user")
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Cooperation %(c)s ends in %(n)d days") % {"c": coop.code, "n": days}
        text = _("The term of %(t)s ends on %(d)s.") % {
            "t": coop.title,
            "d": coop.term_end.isoformat(),
        }
    messages = [(subject, text, None, [a.user.email]) for a in users if a.user.email]
    try:
        if messages:
            send_mass_mail(messages, fail_silently=False)
    except OSError:
        log.exception("expiry mail for cooperation %s failed", coop.code)


def expiry_notices_send(today: dt.date | None = None) -> int:
    """Send the notices now due; returns how many were sent. Safe to run from several workers."""
    today = today or timezone.localdate()
    sent = 0
    for coop, days in due_notices(today):
        try:
            with transaction.atomic():
                ExpiryNotice.objects.create(
                    cooperation=coop, days_before=days, term_end=coop.term_end
                )
                audit_record(
                    actor=None,
                    action=AuditAction.PARTNERSHIPS_EXPIRY_NOTICE,
                    obj=coop,
                    after={"days_before": days, "term_end": coop.term_end.isoformat()},
                )
        except IntegrityError:
            continue  # another worker sent it
        _mail(coop, days)
        sent += 1
    return sent
