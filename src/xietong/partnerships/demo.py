"""Demo cooperations (synthetic, marked so): the Tongzhou-Wuqing-Langfang community and
alliances, Beijing and Tianjin branch campuses and pairings with Hebei schools, a YRD
teaching-research alliance, an education group crossing Shanghai and Anhui, and a social
partner's project; activities 2022-2026 in which some supported schools receive less and less
from their partner (heading for exit) and others as much as ever (still dependent); and, for
the supported schools, teachers trained by the partner, their later moves and satisfaction
surveys (``demo_capacity``).

Idempotent: nothing is added when the first demo cooperation exists. Goes through the services
(acting as the operator's process), so every row is scoped and audited like any other.
"""

from __future__ import annotations

import datetime as dt

from xietong.regions.models import CooperationArea
from xietong.schools.models import School

from . import services
from .demo_capacity import capacity_demo_load
from .models import Cooperation, SocialPartner

FIRST = "TWL-2022-001"
YEARS = range(2022, 2027)
START, END = dt.date(2022, 1, 1), dt.date(2026, 12, 31)
# partner-delivered synchronous lessons per year: falling (heading for exit) or steady
FALLING = (40, 30, 20, 12, 6)
STEADY = (40, 42, 44, 45, 46)

# code, kind, area slug, title zh, title en, [(school prefix, nth, role)], pattern
SPECS = [
    (
        FIRST,
        "community_collab",
        "tongwulang",
        "通武廊协作型教共体",
        "Tongzhou-Wuqing-Langfang collaborative community",
        [("110112", 0, "lead"), ("120114", 0, "member"), ("1310", 0, "supported")],
        FALLING,
    ),
    (
        "TWL-2022-002",
        "research_alliance",
        "tongwulang",
        "通武廊教研联盟",
        "Tongzhou-Wuqing-Langfang teaching-research alliance",
        [("120114", 1, "lead"), ("110112", 1, "member"), ("1310", 1, "member")],
        STEADY,
    ),
    (
        "JJJ-2022-001",
        "branch_campus",
        "jjj",
        "北京名校河北分校",
        "Beijing school's Hebei branch",
        [("11", 2, "lead"), ("13", 2, "supported")],
        FALLING,
    ),
    (
        "JJJ-2022-002",
        "pairing",
        "jjj",
        "津冀结对帮扶",
        "Tianjin-Hebei pairing",
        [("12", 2, "lead"), ("13", 3, "supported")],
        STEADY,
    ),
    (
        "JJJ-2022-003",
        "pairing",
        "jjj",
        "京冀结对帮扶",
        "Beijing-Hebei pairing",
        [("11", 3, "lead"), ("13", 4, "supported")],
        STEADY,
    ),
    (
        "YRD-2022-001",
        "research_alliance",
        "yrd",
        "长三角跨区域教研联盟",
        "YRD cross-region teaching-research alliance",
        [("31", 0, "lead"), ("32", 0, "member"), ("33", 0, "member"), ("34", 0, "member")],
        STEADY,
    ),
    (
        "YRD-2022-002",
        "group_close",
        "yrd",
        "沪皖紧密型教育集团",
        "Shanghai-Anhui close education group",
        [("31", 1, "lead"), ("34", 1, "supported"), ("34", 2, "supported")],
        FALLING,
    ),
]


def _school(prefix: str, nth: int) -> School | None:
    return (
        School.objects.filter(county__code__startswith=prefix, is_synthetic=True)
        .order_by("code")[nth : nth + 1]
        .first()
    )


def _parties(spec) -> list[dict] | None:
    out = []
    for prefix, nth, role in spec:
        s = _school(prefix, nth)
        if s is None or any(p["school"] == s for p in out):
            return None
        out.append({"role": role, "school": s})
    return out


def _approve(coop: Cooperation) -> None:
    h = services.current_version(coop).content_hash
    for p in coop.parties.all():
        services.agreement_approve(actor=None, cooperation=coop, party=p, content_hash=h)
        if p.school_id:
            services.agreement_approve(
                actor=None, cooperation=coop, party=p, content_hash=h, as_bureau=True
            )


def _activities(coop: Cooperation, pattern) -> int:
    lead = coop.lead
    ob = coop.obligations.get(code="sync")
    research = coop.obligations.get(code="research")
    n = 0
    receivers = [p for p in coop.parties.all() if p.pk != lead.pk]
    for i, year in enumerate(YEARS):
        for r in receivers:
            # spring lessons in mathematics, autumn ones in Chinese: the "2 subjects" of the quota
            for half, share, subject in ((3, 0.5, "maths"), (10, 0.5, "chinese")):
                a = services.activity_record(
                    actor=None,
                    cooperation=coop,
                    kind="sync_lesson",
                    date=dt.date(year, half, 15),
                    amount=round(pattern[i] * share),
                    obligation=ob,
                    provider=lead,
                    recipient=r,
                    subject=subject,
                    is_synthetic=True,
                )
                n += 1
                if year < 2026 or half == 3:  # this autumn's lessons still wait for the partner
                    services.activity_confirm(actor=None, activity=a)
                if year < 2025:
                    services.activity_verify(actor=None, activity=a)
            a = services.activity_record(
                actor=None,
                cooperation=coop,
                kind="joint_research",
                date=dt.date(year, 5, 20),
                amount=6 if pattern is STEADY else 4 + i,
                obligation=research,
                provider=lead,
                recipient=r,
                is_synthetic=True,
            )
            services.activity_confirm(actor=None, activity=a)
            n += 1
    return n


FOUNDATION = "某教育基金会（演示）"


def _capacity() -> dict:
    """The records behind the supported schools' capacity inputs (``demo_capacity``)."""
    return capacity_demo_load(
        {code: "falling" if pattern is FALLING else "steady" for code, *_, pattern in SPECS}
    )


def partnerships_demo_load() -> dict:
    if Cooperation.objects.filter(code=FIRST).exists():
        added = _capacity()  # a demo loaded before these records existed gets them now
        return {"capacity": added} if added else {}
    areas = {a.slug: a for a in CooperationArea.objects.all()}
    sp = SocialPartner.objects.filter(name_zh=FOUNDATION, is_synthetic=True).first()
    if sp is None:
        sp = services.social_partner_create(
            actor=None,
            name_zh=FOUNDATION,
            name_en="An education foundation (demo)",
            kind="foundation",
            is_synthetic=True,
        )
    made, activities = [], 0
    for code, kind, area, zh, en, spec, pattern in SPECS:
        parties = _parties(spec)
        if parties is None or area not in areas:
            continue
        if code == "YRD-2022-001":
            parties.append({"role": "supporting", "social_partner": sp})
        coop = services.cooperation_establish(
            actor=None,
            fields={
                "code": code,
                "kind": kind,
                "title_zh": f"{zh}（演示）",
                "title_en": f"{en} (demo)",
                "area": areas[area],
                "term_start": START,
                "term_end": END,
                "subjects": ["maths", "chinese"],
                "content": ["teaching_research", "curriculum"],
                "is_synthetic": True,
            },
            parties=parties,
        )
        # Zhejiang's 教共体 yearly minimums as the example quotas (docs/partnerships.md)
        services.obligation_set(
            actor=None,
            cooperation=coop,
            code="sync",
            measure="lessons",
            quota=20,
            activity_kinds=["sync_lesson"],
            min_subjects=2,
        )
        services.obligation_set(
            actor=None,
            cooperation=coop,
            code="research",
            measure="sessions",
            quota=8,
            activity_kinds=["joint_research"],
        )
        _approve(coop)
        coop.refresh_from_db()
        activities += _activities(coop, pattern)
        for year in YEARS:
            services.compliance_compute(actor=None, cooperation=coop, period=str(year))
        made.append(code)
    return {"cooperations": made, "activities": activities, "capacity": _capacity()}


def partnerships_demo_link_funding() -> dict:
    """Link the records other apps hold of the demo cooperations the fund's demo pays for (run
    after the finance demo named them); running it again adds nothing."""
    from xietong.finance.models import Disbursement, Donation

    codes = set(
        Disbursement.objects.filter(cooperation__is_synthetic=True).values_list(
            "cooperation__code", flat=True
        )
    ) | set(
        Donation.objects.filter(cooperation__is_synthetic=True).values_list(
            "cooperation__code", flat=True
        )
    )
    added = {
        c.code: services.activities_link(actor=None, cooperation=c)
        for c in Cooperation.objects.filter(code__in=codes).order_by("code")
    }
    return {"linked": added}
