"""What the consultation pages say about rules, deadlines and outcomes, in the reader's language.
Stored data are codes and numbers (the frozen rule, the tally's explanation); the words are made
here when a page is rendered."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .forms import RULE_KINDS
from .models import Position, PositionKind, Proposal, Status

KIND_NAMES = dict(RULE_KINDS)


def _pct(x) -> str:
    return number_format(float(x) * 100, decimal_pos=1) + "%"


def rule_text(rule: dict) -> str:
    """The rule in one sentence, e.g. “Qualified majority: 55% of members and 65% of population”."""
    kind = rule.get("kind")
    name = str(KIND_NAMES.get(kind, kind))
    parts = []
    if kind == "qualified_majority":
        parts.append(
            _(
                "%(m)s of members and %(p)s of population in favour; a blocking minority needs %(b)s members"
            )
            % {
                "m": _pct(rule.get("member_share", 0.55)),
                "p": _pct(rule.get("population_share", 0.65)),
                "b": rule.get("blocking_members", 4),
            }
        )
    elif kind == "simple_majority" and rule.get("quorum"):
        parts.append(_("quorum %(q)s of members") % {"q": _pct(rule["quorum"])})
    elif kind == "weighted":
        parts.append(_("%(t)s of the total weight") % {"t": _pct(rule.get("threshold", 0.5))})
    population = rule.get("population")
    if population and kind != "weighted":
        if population.get("basis") == "students":
            parts.append(_("population counted as enrolled students"))
        else:
            parts.append(_("population as given weights"))
    esc = rule.get("escalation")
    if esc:
        text = _("if it fails, escalated level by level, %(d)s working days each") % {
            "d": esc["days"]
        }
        if esc.get("fallback"):
            text += _(", then decided by: %(f)s") % {
                "f": KIND_NAMES.get(esc["fallback"]["kind"], esc["fallback"]["kind"])
            }
        parts.append(text)
    if rule.get("is_fallback"):
        parts.append(_("the fallback rule after escalation"))
    if not parts:
        return name
    # translators: a rule's name and its details, e.g. "Qualified majority: 55% of members ..."
    return _("%(name)s: %(details)s") % {"name": name, "details": _("; ").join(parts)}


def next_deadline(p: Proposal):
    """(what closes, when) for an open proposal, or None."""
    if p.status == Status.CIRCULATED:
        return _("The comment window opens"), p.comments_open_at
    if p.status == Status.COMMENTS:
        return _("The comment window closes"), p.comments_close_at
    if p.status in (Status.POSITIONS, Status.ESCALATED):
        ballot = p.ballots.filter(outcome="open").order_by("-number").first()
        if ballot is not None:
            return _("The positions window closes"), ballot.closes_at
    return None


def paragraph_rows(version, comments) -> list[tuple[int, str, list]]:
    by_par: dict[int, list] = {}
    for c in comments:
        if c.version_id == version.pk:
            by_par.setdefault(c.paragraph, []).append(c)
    return [(i, text, by_par.get(i, [])) for i, text in enumerate(version.paragraphs, start=1)]


def position_label(kind: str) -> str:
    if kind == "absent":
        return _("No position")
    return str(PositionKind(kind).label)


def positions_summary(ballot, rows: list[Position]) -> list[tuple[str, str, str]]:
    """(member, latest position label, its text) for every entitled member."""
    latest = {}
    for r in rows:
        latest[r.delegation.member_id] = r
    out = []
    names = {r.delegation.member_id: r.delegation.member.display_name for r in rows}
    for code in ballot.members:
        r = latest.get(code)
        out.append(
            (names.get(code, code), position_label(r.kind if r else "absent"), r.text if r else "")
        )
    return out


def _num(text) -> str:
    """An exact number from the explanation ("297/20", "3") as the reader writes it."""
    if text is None:
        return "—"
    from fractions import Fraction

    value = Fraction(str(text))
    if value.denominator == 1:
        return number_format(value.numerator, force_grouping=True)
    return number_format(float(value), decimal_pos=2, force_grouping=True)


def condition_label(code: str) -> str:
    return {
        "opposition": _("Members voting against"),
        "some_support": _("Members in favour"),
        "not_in_favour": _("Members not in favour"),
        "declarant_members": _("Members declaring a constructive abstention"),
        "declarant_population": _("Population of the declarants"),
        "someone_present": _("Members taking part"),
        "objection": _("Formal objections"),
        "member_share": _("Members in favour"),
        "min_members": _("Members in favour (minimum number)"),
        "population_share": _("Population of the members in favour"),
        "blocking_minority": _("Members not in favour (a blocking minority needs this many)"),
        "quorum": _("Members taking part (quorum)"),
        "majority": _("Votes in favour, of the votes cast"),
        "weight_share": _("Weight of the members in favour"),
    }.get(code, code)


def comparison_label(comparison: str) -> str:
    return {
        "at_least": _("at least"),
        "more_than": _("more than"),
        "at_most": _("at most"),
        "below": _("below"),
    }.get(comparison, comparison)


def member_names(codes) -> dict[str, str]:
    from xietong.regions.models import Jurisdiction

    return {j.code: j.display_name for j in Jurisdiction.objects.filter(code__in=list(codes))}


def explanation_lines(explanation: dict | None) -> list[str]:
    """The computed outcome, one line per condition of the rule, then reservations verbatim."""
    if not explanation:
        return []
    names = member_names(explanation.get("members", []))
    if explanation.get("withdrawn"):
        return [_("The proposal was withdrawn before the ballot closed.")]
    lines = []
    for c in explanation.get("conditions", []):
        line = _("%(what)s: %(actual)s; needed %(cmp)s %(required)s — %(met)s") % {
            "what": condition_label(c["code"]),
            "actual": _num(c["actual"]),
            "cmp": comparison_label(c["comparison"]),
            "required": _num(c["required"]),
            "met": _("met") if c["met"] else _("not met"),
        }
        if c.get("threshold") is not None and c.get("total") is not None:
            line += " " + _("(%(share)s of %(total)s)") % {
                "share": _pct(_fraction(c["threshold"])),
                "total": _num(c["total"]),
            }
        lines.append(line)
    for s in explanation.get("statements", []):
        lines.append(
            _("%(member)s, %(position)s: “%(text)s”")
            % {
                "member": names.get(s["member"], s["member"]),
                "position": position_label(s["position"]),
                "text": s["text"],
            }
        )
    if explanation.get("not_bound"):
        lines.append(
            _("Not bound by the decision (constructive abstention): %(m)s")
            % {"m": ", ".join(names.get(m, m) for m in explanation["not_bound"])}
        )
    lines.append(_("Adopted.") if explanation.get("adopted") else _("Not adopted."))
    return lines


def _fraction(text):
    from fractions import Fraction

    return Fraction(str(text))
