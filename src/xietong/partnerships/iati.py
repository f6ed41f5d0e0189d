"""The cooperation portfolio as IATI-like JSON: one ``iati-activity`` per cooperation, its
elements named as in the IATI Activity Standard 2.03 (``iati-identifier``, ``title``,
``activity-status``, ``activity-date``, ``participating-org``, ``result`` with ``indicator``,
``baseline`` and ``period``/``target``/``actual``). The mapping is documented field by field in
docs/partnerships-portfolio.md. Read through the scoped selectors: a caller gets what they see.

Codes used (IATI codelists, version 2.03): ActivityStatus 1 Pipeline/identification,
2 Implementation, 4 Closed, 5 Cancelled, 6 Suspended; ActivityDateType 1 Planned start,
3 Planned end; OrganisationRole 1 Funding, 4 Implementing; OrganisationType 10 Government,
60 Foundation, 70 Private sector, 80 Academic, Training and Research; ResultType 1 Output;
IndicatorMeasure 1 Unit.

IATI's OrganisationRole has no code for the beneficiary: a supported party (and a plain member)
is listed with ``role`` null and its own role in ``xietong-role``. Transactions: one per funding
activity (a fund record that names the cooperation, linked by ``activities_link``), TransactionType
3 Disbursement for a disbursement of the area's fund, 1 Incoming Funds for a donation earmarked
for the cooperation; a transaction is written only where such a link exists, never inferred
from amounts or dates.
"""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.utils import timezone

from xietong.accounts.scope import Scope

from .models import (
    Activity,
    ActivityKind,
    ComplianceResult,
    Cooperation,
    Obligation,
    PartyKind,
    PartyRole,
    Status,
)
from .selectors import cooperation_list
from .services.activities import period_bounds
from .services.links import DISBURSEMENT, DONATION

VERSION = "2.03"
ACTIVITY_STATUS = {
    Status.PROPOSED: "1",
    Status.ACTIVE: "2",
    Status.SUSPENDED: "6",
    Status.EXPIRED: "4",
    Status.EXITED: "5",
}
# lead -> funding, supporting (the partner that delivers) -> implementing, supported -> beneficiary
ORG_ROLE = {PartyRole.LEAD: "1", PartyRole.SUPPORTING: "4"}
SOCIAL_TYPE = {"enterprise": "70", "foundation": "60", "university": "80", "other": "90"}
# TransactionType 2.03: 1 Incoming Funds, 3 Disbursement
TRANSACTION_TYPE = {DISBURSEMENT: "3", DONATION: "1"}


def identifier_prefix() -> str:
    """The reporting organisation's prefix of every ``iati-identifier`` (XIETONG_IATI_PREFIX)."""
    return getattr(settings, "XIETONG_IATI_PREFIX", "XT")


def _narratives(zh: str, en: str = "") -> list[dict]:
    out = [{"text": zh, "xml:lang": "zh"}] if zh else []
    if en:
        out.append({"text": en, "xml:lang": "en"})
    return out


def _org(p) -> dict:
    target = p.target
    if p.kind == PartyKind.SCHOOL:
        ref, names, kind = target.code, _narratives(target.name_zh, target.name_en), "80"
    elif p.kind == PartyKind.JURISDICTION:
        ref, names, kind = target.code, _narratives(target.name_zh, target.name_en), "10"
    else:
        ref = target.credit_code or f"social-{target.pk}"
        names, kind = _narratives(target.name_zh, target.name_en), SOCIAL_TYPE[target.kind]
    return {
        "ref": ref,
        "type": kind,
        "role": ORG_ROLE.get(p.role),
        "xietong-role": p.role,
        "narrative": names,
    }


def _value(d) -> str:
    return format(d.normalize(), "f")  # 12.50 -> "12.5", 100.00 -> "100"


def _result(o: Obligation, coop: Cooperation, periods: list[ComplianceResult]) -> dict:
    return {
        "type": "1",
        "aggregation-status": True,
        "title": {"narrative": [{"text": f"{o.code}: {o.get_measure_display()}"}]},
        "indicator": [
            {
                "measure": "1",
                "ascending": True,
                "title": {"narrative": [{"text": str(o.get_measure_display())}]},
                "xietong-measure": o.measure,
                "xietong-standard": o.standard,
                "baseline": {"year": coop.term_start.year, "value": "0"},
                "period": [
                    {
                        "period-start": period_bounds(r.period)[0].isoformat(),
                        "period-end": period_bounds(r.period)[1].isoformat(),
                        "target": {"value": _value(r.quota)},
                        "actual": {"value": _value(r.counted)},
                        "xietong-met": r.met,
                    }
                    for r in periods
                ],
            }
        ],
    }


def _transaction(a: Activity) -> dict:
    return {
        "transaction-type": {"code": TRANSACTION_TYPE[a.source_app]},
        "transaction-date": {"iso-date": a.date.isoformat()},
        "value": {"currency": "CNY", "value-date": a.date.isoformat(), "text": _value(a.quantity)},
        "xietong-source": {"app": a.source_app, "id": a.source_id},
    }


def _activity(c: Cooperation, obligations, results, funding=None) -> dict:
    dates = [
        {"type": "1", "iso-date": c.term_start.isoformat()},
        {"type": "3", "iso-date": c.term_end.isoformat()},
    ]
    return {
        "iati-identifier": f"{identifier_prefix()}-{c.code}",
        "default-lang": "zh",
        "last-updated-datetime": c.updated_at.isoformat(),
        "title": {"narrative": _narratives(c.title_zh, c.title_en)},
        "activity-status": {"code": ACTIVITY_STATUS[c.status]},
        "activity-date": dates,
        "participating-org": [_org(p) for p in c.parties.all()],
        "xietong-kind": c.kind,
        "xietong-area": c.area.slug if c.area_id else None,
        "result": [_result(o, c, results[o.pk]) for o in obligations[c.pk]],
        "transaction": [_transaction(a) for a in (funding or {}).get(c.pk, [])],
    }


def iati_activities(*, scope: Scope, kind: str | None = None, area: str | None = None) -> dict:
    """``iati-activities`` of every cooperation the caller sees (five queries in all)."""
    coops = list(cooperation_list(scope=scope, kind=kind, area=area))
    ids = [c.pk for c in coops]
    obligations = defaultdict(list)
    for o in Obligation.objects.filter(cooperation_id__in=ids).order_by("cooperation", "code"):
        obligations[o.cooperation_id].append(o)
    results = defaultdict(list)
    rows = ComplianceResult.objects.filter(obligation__cooperation_id__in=ids).order_by(
        "obligation", "period"
    )
    for r in rows:
        results[r.obligation_id].append(r)
    funding = defaultdict(list)
    for a in Activity.objects.filter(
        cooperation_id__in=ids, kind=ActivityKind.FUNDING, source_app__in=list(TRANSACTION_TYPE)
    ).order_by("cooperation", "date", "pk"):
        funding[a.cooperation_id].append(a)
    return {
        "version": VERSION,
        "generated-datetime": timezone.now().replace(microsecond=0).isoformat(),
        "iati-activity": [_activity(c, obligations, results, funding) for c in coops],
    }


__all__ = ["ACTIVITY_STATUS", "ORG_ROLE", "VERSION", "iati_activities"]
