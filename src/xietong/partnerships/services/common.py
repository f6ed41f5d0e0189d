"""Who may write what on a cooperation (re-checked by every service, whatever the page did).

* a school's administrators (or a bureau above the school) act for a school party; a bureau at
  or above a jurisdiction acts for a jurisdiction party; the secretariat of the cooperation's
  area (or the administrator) acts for a social partner, which has no account of its own;
* a cooperation is managed (parties' obligations, suspend, renew, exit) by the secretariat of its
  area, the bureaus above its lead party, and the administrator;
* an activity is confirmed by a party other than the one that delivered it, and verified by an
  authority: a bureau above the receiving party or the area's secretariat.

``actor=None`` is the operator's own process (demo loader, CLI) and acts as the administrator.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from xietong.accounts.scope import Scope, scope_for

from ..models import Cooperation, Party, PartyKind


class LifecycleError(ValueError):
    """A step asked in the wrong state (e.g. approving an exited cooperation)."""


def canonical_json(content) -> str:
    """The canonical JSON of agreement content: sorted keys, no spaces, UTF-8 kept as is."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(content) -> str:
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def scope_of(actor) -> Scope:
    return scope_for(actor)


def acts_for_party(scope: Scope, party: Party) -> bool:
    if party.kind == PartyKind.SCHOOL:
        return scope.acts_for_school(party.school)
    if party.kind == PartyKind.JURISDICTION:
        return scope.acts_for(party.jurisdiction_id)
    area = party.cooperation.area_id
    return scope.is_admin or (area is not None and scope.can_manage_area(area))


def can_manage(scope: Scope, coop: Cooperation) -> bool:
    if scope.is_admin or (coop.area_id is not None and scope.can_manage_area(coop.area_id)):
        return True
    lead = coop.lead
    return bool(lead and lead.jurisdiction_code and scope.acts_for(lead.jurisdiction_code))


def require_manage(scope: Scope, coop: Cooperation) -> None:
    scope.require(can_manage(scope, coop), _("manage cooperation %(c)s") % {"c": coop.code})


def require_party(scope: Scope, party: Party) -> None:
    scope.require(
        acts_for_party(scope, party),
        _("act for %(p)s in cooperation %(c)s") % {"p": party.target, "c": party.cooperation.code},
    )


def parties_acted_for(scope: Scope, coop: Cooperation) -> list[Party]:
    return [p for p in coop.parties.all() if acts_for_party(scope, p)]


def quantity(value, field: str) -> Decimal:
    try:
        d = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValueError(_("%(f)s: %(v)s is not a number.") % {"f": field, "v": value}) from None
    if not d.is_finite() or d < 0 or d >= Decimal(10) ** 9:
        raise ValueError(_("%(f)s: %(v)s is out of range.") % {"f": field, "v": value})
    return d.quantize(Decimal("0.01"))


def as_date(value, field: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(_("%(f)s: %(v)s is not a date.") % {"f": field, "v": value}) from None


def choice(value, choices, field: str) -> str:
    if value not in choices.values:
        raise ValueError(_("%(f)s: %(v)s is not a known code.") % {"f": field, "v": value})
    return value


def text(value, field: str, *, max_length: int, required: bool = True) -> str:
    s = str(value or "").strip()
    if required and not s:
        raise ValueError(_("%(f)s: this field is required.") % {"f": field})
    if len(s) > max_length:
        raise ValueError(_("%(f)s: at most %(n)d characters.") % {"f": field, "n": max_length})
    return s
