"""The cooperation portfolio written in the import's own columns (:mod:`.io`), so that a file
exported and imported again changes nothing, and one imported, exported and imported again gives
the same records. Read through the scoped selectors: a caller exports what they see."""

from __future__ import annotations

from collections import defaultdict

from xietong.accounts.scope import Scope

from .io import COLUMNS, activity_ref, party_ref
from .models import Activity, Cooperation, Obligation
from .selectors import cooperation_list
from .services.cooperations import CONTENT_FLAGS

EXPORT_NAME = "partnerships.portfolio"


def _row(**cells) -> list:
    return [cells.get(c, "") for c in COLUMNS]


def _flag(v) -> str:
    return "" if v is None else ("1" if v else "0")


def _coop_rows(c: Cooperation) -> list[list]:
    rows = [
        _row(
            record="cooperation",
            cooperation=c.code,
            kind=c.kind,
            title_zh=c.title_zh,
            title_en=c.title_en,
            area=c.area.slug if c.area_id else "",
            principal=c.principal,
            subjects=" ".join(sorted(c.subjects)),
            content=" ".join(f for f in CONTENT_FLAGS if getattr(c, f"covers_{f}")),
            term_start=c.term_start.isoformat(),
            term_end=c.term_end.isoformat(),
            status=c.status,
        )
    ]
    for p in c.parties.all():
        rows.append(
            _row(
                record="party",
                cooperation=c.code,
                party_kind=p.kind,
                party=party_ref(p),
                role=p.role,
            )
        )
    return rows


def _obligation_row(code: str, o: Obligation) -> list:
    return _row(
        record="obligation",
        cooperation=code,
        obligation=o.code,
        measure=o.measure,
        quota=o.quota,
        period_kind=o.period_kind,
        standard=o.standard,
        activity_kinds=" ".join(sorted(o.activity_kinds)),
        subjects=" ".join(sorted(o.subjects)),
        min_subjects=o.min_subjects,
    )


def _activity_row(code: str, a: Activity, refs: dict, obligations: dict) -> list:
    return _row(
        record="activity",
        cooperation=code,
        ref=activity_ref(a),
        kind=a.kind,
        date=a.date.isoformat(),
        quantity=a.quantity,
        obligation=obligations.get(a.obligation_id, ""),
        subject=a.subject,
        online=_flag(a.online),
        provider=refs.get(a.provider_id, ""),
        recipient=refs.get(a.recipient_id, ""),
        level=a.level,
    )


def export_rows(*, scope: Scope, kind: str | None = None, area: str | None = None):
    """(header, rows) of every cooperation the caller sees, with its parties, obligations and
    activities, in the import's columns."""
    coops = list(cooperation_list(scope=scope, kind=kind, area=area))
    ids = [c.pk for c in coops]
    obligations = defaultdict(list)
    ob_codes = {}
    for o in Obligation.objects.filter(cooperation_id__in=ids).order_by("cooperation", "code"):
        obligations[o.cooperation_id].append(o)
        ob_codes[o.pk] = o.code
    refs = {p.pk: party_ref(p) for c in coops for p in c.parties.all()}
    activities = defaultdict(list)
    for a in Activity.objects.filter(cooperation_id__in=ids).order_by("cooperation", "date", "pk"):
        activities[a.cooperation_id].append(a)
    rows: list[list] = []
    for c in coops:
        rows.extend(_coop_rows(c))
        rows.extend(_obligation_row(c.code, o) for o in obligations[c.pk])
        rows.extend(_activity_row(c.code, a, refs, ob_codes) for a in activities[c.pk])
    return list(COLUMNS), rows


def export_count(*, scope: Scope, kind: str | None = None, area: str | None = None) -> int:
    """About how many rows the export has (to decide whether it runs as a job)."""
    ids = cooperation_list(scope=scope, kind=kind, area=area).values("pk")
    return (
        Cooperation.objects.filter(pk__in=ids).count() * 3
        + Obligation.objects.filter(cooperation_id__in=ids).count()
        + Activity.objects.filter(cooperation_id__in=ids).count()
    )


def export_table(*, actor, kind: str | None = None, area: str | None = None):
    """The export as a job builds it (``jobs.exports``), as its requester sees it."""
    from xietong.accounts.scope import scope_for
    from xietong.jobs.exports import ExportTable

    header, rows = export_rows(scope=scope_for(actor), kind=kind, area=area)
    return ExportTable(filename="partnerships", header=header, rows=rows)
