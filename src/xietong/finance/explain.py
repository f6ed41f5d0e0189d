"""Explanations of shares, rendered in the reader's language.

The engines (``algorithms.cost_sharing``) return how each share was obtained as codes and numbers
(``MemberShare.record()``, ``ShapleyExplanation.record()``, ``AirportExplanation.record()``);
the fund stores those records as JSON, never sentences. This module turns a record into sentences
in the active language: criteria by their translated names, members by their names, amounts with
thousands separators.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.numberformat import format as number_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from xietong.regions.models import Jurisdiction

from .models import Criterion


def stage_label(code: str) -> str:
    """An agreement's stage in the reader's language: a school stage, or ``all`` for a rate that
    applies to every stage."""
    from xietong.schools.models import Stage

    if code == "all":
        return pgettext("stage", "all stages")
    try:
        return str(Stage(code).label)
    except ValueError:
        return code


def yuan(value, places: int = 2) -> str:
    """An amount in yuan with thousands separators (three-digit groups, as financial statements
    in China print them; the zh-Hans locale itself groups by nothing)."""
    if value is None or value == "":
        return "—"
    d = value if isinstance(value, Decimal) else Decimal(str(value))
    return number_format(
        d, ".", decimal_pos=places, grouping=3, thousand_sep=",", force_grouping=True
    )


def _fen(value, places: int = 2) -> str:
    return yuan(Decimal(str(value)) / 100, places)


def _percent(fraction: str, places: int = 2) -> str:
    return number_format(Decimal(fraction) * 100, ".", decimal_pos=places) + "%"


def _criterion(code: str) -> str:
    return str(Criterion(code).label) if code in Criterion.values else code


def _names(codes) -> dict[str, str]:
    codes = [c for c in codes if c]
    return {j.code: j.display_name for j in Jurisdiction.objects.filter(code__in=codes)}


def _member_codes(record: dict) -> list[str]:
    rows = record.get("shares") or record.get("members") or []
    return [r.get("member", "") for r in rows] + [record.get("member", "")]


def share_sentence(share: dict, names: dict[str, str] | None = None) -> str:
    """One member's proportional share: weight, its parts, floor or cap, rounding, amount."""
    names = names if names is not None else _names([share.get("member", "")])
    who = names.get(share.get("member", ""), share.get("member", ""))
    head = _("%(m)s: combined weight %(w)s") % {"m": who, "w": _percent(share["weight"], 4)}
    components = share.get("components") or []
    if len(components) > 1:
        parts = pgettext("list separator", ", ").join(
            _("%(c)s %(s)s") % {"c": _criterion(c), "s": _percent(v)} for c, v in components
        )
        head += pgettext("parts of a weight", " (%(parts)s)") % {"parts": parts}
    parts = [head, _("proportional share %(a)s yuan") % {"a": _fen(share["proportional"], 4)}]
    if share.get("clamped") == "floor":
        parts.append(_("raised to its floor of %(a)s yuan") % {"a": _fen(share["floor"])})
    elif share.get("clamped") == "cap":
        parts.append(_("lowered to its cap of %(a)s yuan") % {"a": _fen(share["cap"])})
    elif share["quota"] != share["proportional"]:
        parts.append(
            _("rescaled to %(a)s yuan after the floors and caps of others")
            % {"a": _fen(share["quota"], 4)}
        )
    if Decimal(share.get("rounding", "0")):
        parts.append(
            _("rounded by %(r)s fen")
            % {"r": number_format(Decimal(share["rounding"]), ".", decimal_pos=4)}
        )
    parts.append(_("pays %(a)s yuan") % {"a": _fen(share["amount"])})
    return pgettext("clause separator", "; ").join(parts)


def _proportional(record: dict, names: dict[str, str]) -> list[str]:
    shares = record.get("shares", [])
    head = _("Total %(t)s yuan shared among %(n)d members in proportion to their weights.") % {
        "t": _fen(record["total"]),
        "n": len(shares),
    }
    return [head] + [share_sentence(s, names) for s in shares]


def _shapley(record: dict, names: dict[str, str]) -> list[str]:
    out = [
        _(
            "Each participant pays its Shapley value: the extra cost it brings when it joins the "
            "others, averaged over every order of joining."
        )
    ]
    for m in record.get("members", []):
        out.append(
            _(
                "%(m)s: Shapley value %(v)s yuan; alone %(a)s yuan, joining all the others "
                "%(l)s yuan, extra cost between %(lo)s and %(hi)s yuan"
            )
            % {
                "m": names.get(m["member"], m["member"]),
                "v": yuan(m["value"]),
                "a": yuan(m["standalone"]),
                "l": yuan(m["joins_last"]),
                "lo": yuan(m["min"]),
                "hi": yuan(m["max"]),
            }
        )
    return out


def _airport(record: dict) -> list[str]:
    out = [
        _("Airport game: the facility costs as much as its most demanding user, %(t)s yuan.")
        % {"t": _fen(record["total"])}
    ]
    for k, c in enumerate(record.get("classes", []), start=1):
        out.append(
            _("Class %(k)d (stand-alone cost %(c)s yuan, %(n)d members): %(q)s yuan each")
            % {"k": k, "c": _fen(c["cost"]), "n": c["count"], "q": _fen(c["per_user"])}
        )
    return out


def lines(record: dict | None) -> list[str]:
    """The sentences of a stored explanation, in the active language ([] if there is none)."""
    if not record:
        return []
    names = _names(_member_codes(record))
    rule = record.get("rule")
    if rule == "proportional":
        return _proportional(record, names)
    if rule == "shapley":
        return _shapley(record, names)
    if rule == "airport":
        return _airport(record)
    if rule == "share":  # one member's share of a round
        return [share_sentence(record, names)]
    if rule == "project_share":
        return [
            _("%(m)s pays %(a)s yuan of the project (see the project's explanation).")
            % {"m": names.get(record["member"], record["member"]), "a": _fen(record["amount"])}
        ]
    return []


def text(record: dict | None) -> str:
    return "\n".join(lines(record))
