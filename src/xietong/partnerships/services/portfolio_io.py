"""The writes an import needs beyond setting up cooperations and obligations: a cooperation's
titles changed, and a self-reported activity amended. Both scoped and audited like every other
write of the app.

The titles are not part of the agreement (its content holds the terms as codes and numbers), so
changing them needs no new version. An activity is amended only while it is self-reported: once
the partner has confirmed it, what was confirmed is what stays (a correction is a new activity).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from xietong.audit.services import audit_record
from xietong.audit.vocabulary import AuditAction

from ..models import Activity, ActivityKind, Cooperation, Level, Obligation, Party
from .common import (
    LifecycleError,
    as_date,
    choice,
    parties_acted_for,
    quantity,
    require_manage,
    scope_of,
    text,
)

AMENDABLE = ("kind", "date", "quantity", "obligation", "subject", "online", "provider", "recipient")


def cooperation_retitle(*, actor, cooperation: Cooperation, title_zh: str, title_en: str = ""):
    """New Chinese and English titles (managers of the cooperation)."""
    scope = scope_of(actor)
    zh = text(title_zh, _("Chinese title"), max_length=300)
    en = text(title_en, _("English title"), max_length=300, required=False)
    with transaction.atomic():
        coop = (
            Cooperation.objects.select_for_update(of=("self",))
            .select_related("lead")
            .get(pk=cooperation.pk)
        )
        require_manage(scope, coop)
        before = {"title_zh": coop.title_zh, "title_en": coop.title_en}
        coop.title_zh, coop.title_en = zh, en
        coop.save(update_fields=["title_zh", "title_en", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.PARTNERSHIPS_RETITLE,
            obj=coop,
            before=before,
            after={"title_zh": zh, "title_en": en},
        )
    return coop


def _plain(v):
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, Obligation | Party):
        return v.pk
    return v


def activity_amend(
    *,
    actor,
    activity: Activity,
    kind: str,
    date,
    amount,
    obligation: Obligation | None = None,
    provider: Party | None = None,
    recipient: Party | None = None,
    subject: str = "",
    online=None,
) -> Activity:
    """Correct a self-reported activity (someone acting for a party of its cooperation)."""
    scope = scope_of(actor)
    values = {
        "kind": choice(kind, ActivityKind, _("kind")),
        "date": as_date(date, _("date")),
        "quantity": quantity(amount, _("quantity")),
        "obligation": obligation,
        "subject": subject or "",
        "online": online,
        "provider": provider,
        "recipient": recipient,
    }
    with transaction.atomic():
        act = (
            Activity.objects.select_for_update(of=("self",))
            .select_related("cooperation")
            .get(pk=activity.pk)
        )
        coop = act.cooperation
        if not parties_acted_for(scope, coop):
            scope.require(False, _("record activities of %(c)s") % {"c": coop.code})
        if act.level != Level.SELF_REPORTED:
            raise LifecycleError(
                _("The activity is %(l)s: only a self-reported activity can be amended.")
                % {"l": act.get_level_display()}
            )
        for role, p in ((_("provider"), provider), (_("recipient"), recipient)):
            if p is not None and p.cooperation_id != coop.pk:
                raise ValueError(_("%(f)s: not a party of %(c)s.") % {"f": role, "c": coop.code})
        if not coop.term_start <= values["date"] <= coop.term_end:
            raise ValueError(
                _("date: %(d)s is outside the term.") % {"d": values["date"].isoformat()}
            )
        if obligation is not None and obligation.cooperation_id != coop.pk:
            raise ValueError(_("obligation: not an obligation of %(c)s.") % {"c": coop.code})
        if obligation is not None and obligation.activity_kinds:
            if values["kind"] not in obligation.activity_kinds:
                raise ValueError(
                    _("kind: obligation %(o)s does not count this kind.") % {"o": obligation.code}
                )
        before = {f: _plain(getattr(act, f)) for f in AMENDABLE}
        for f, v in values.items():
            setattr(act, f, v)
        act.save(update_fields=list(AMENDABLE))
        audit_record(
            actor=actor,
            action=AuditAction.PARTNERSHIPS_ACTIVITY_AMEND,
            obj=act,
            before=before,
            after={f: _plain(v) for f, v in values.items()},
        )
    return act
