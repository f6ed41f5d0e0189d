"""The partnerships API: cooperations (scoped list and detail) and their writes.

The portfolio roll-up and a school's capacity live in ``api_portfolio.py`` on their own router.
Writes go through :mod:`.services` (scope re-checked there); a cooperation outside the caller's
read scope answers 404.
"""

import datetime as dt
import uuid
from decimal import Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from xietong.accounts.auth import READ_AUTH, WRITE_AUTH
from xietong.api_support import LimitOffset, found
from xietong.regions.models import CooperationArea, Jurisdiction
from xietong.schools.models import School
from xietong.talent import selectors as talent_selectors

from . import selectors, services
from .models import Activity, Cooperation, SocialPartner
from .portfolio import portfolio_cached, scope_parts

router = Router(tags=["partnerships"])


class PartnershipsParty(Schema):
    id: int
    kind: str
    role: str
    code: str  # school code, jurisdiction code, or the social partner's id
    name: str
    jurisdiction_code: str


class PartnershipsItem(Schema):
    id: uuid.UUID
    code: str
    kind: str
    title: str
    origin: str
    area: str | None
    parties: list[PartnershipsParty]
    term_start: dt.date
    term_end: dt.date
    renewal_round: int
    status: str
    status_reason: str


class PartnershipsFilters(Schema):
    kind: str | None = None
    member: str | None = None
    area: str | None = None


def _party(p) -> PartnershipsParty:
    code = p.school.code if p.school_id else p.jurisdiction_id or str(p.social_partner_id)
    return PartnershipsParty(
        id=p.pk,
        kind=p.kind,
        role=p.role,
        code=code,
        name=p.target.name,
        jurisdiction_code=p.jurisdiction_code,
    )


def _item(c: Cooperation) -> PartnershipsItem:
    return PartnershipsItem(
        id=c.pk,
        code=c.code,
        kind=c.kind,
        title=c.title,
        origin=c.origin,
        area=c.area.slug if c.area_id else None,
        parties=[_party(p) for p in c.parties.all()],
        term_start=c.term_start,
        term_end=c.term_end,
        renewal_round=c.renewal_round,
        status=c.status,
        status_reason=c.status_reason,
    )


def _coop(request, pk) -> Cooperation:
    c = found(selectors.cooperation_get(scope=request.scope, pk=pk))
    return c


@router.get(
    "/partnerships",
    response=list[PartnershipsItem],
    auth=READ_AUTH,
    summary="Cooperations in the caller's scope",
)
@paginate(LimitOffset)
def cooperations(request, filters: Query[PartnershipsFilters]):
    f = filters.dict()
    parts = (scope_parts(request.scope), tuple(sorted(f.items())), get_language())
    return _Page(selectors.cooperation_list(scope=request.scope, **f), parts)


class _Page:
    """The list as the paginator slices it: only the page's cooperations are read and turned
    into items (and their parties prefetched), not all of them (10,000 in the benchmark); the
    count and each page cached under the portfolio token (``parts``: the caller's scope, the
    filters, the language of the titles)."""

    def __init__(self, qs, parts: tuple):
        self.qs = qs
        self.parts = parts

    def __len__(self) -> int:
        return portfolio_cached("api-count", self.parts, self.qs.count)

    def __getitem__(self, window: slice) -> list[PartnershipsItem]:
        return portfolio_cached(
            "api-page",
            (*self.parts, window.start, window.stop),
            lambda: [_item(c) for c in self.qs[window]],
        )


class PartnershipsApproval(Schema):
    party: int
    role: str
    jurisdiction: str | None
    content_hash: str
    approved_at: dt.datetime


class PartnershipsVersion(Schema):
    number: int
    content: dict
    content_hash: str
    current: bool
    approvals: list[PartnershipsApproval]


class PartnershipsCompliance(Schema):
    obligation: str
    measure: str
    period: str
    quota: Decimal
    totals: dict[str, str]
    counted: Decimal
    quota_met: bool
    subjects: list[str]
    min_subjects: int
    subjects_met: bool
    met: bool


class PartnershipsActivity(Schema):
    id: int
    kind: str
    date: dt.date
    quantity: Decimal
    level: str
    obligation: str | None
    source_app: str
    source_id: str


class PartnershipsFunding(Schema):
    activity: int
    kind: str  # disbursement | donation
    date: dt.date
    amount: Decimal  # yuan
    source_app: str  # finance.Disbursement | finance.Donation
    source_id: str
    label: str  # the disbursement's label, the donor's name ("" for an anonymous donor)
    fund: str  # the fund's cooperation area (slug)
    record_url: str | None  # the record on the fund's page, for those who see the fund


class PartnershipsFundingTotals(Schema):
    disbursed: Decimal
    donated: Decimal


class PartnershipsDetail(PartnershipsItem):
    versions: list[PartnershipsVersion]
    missing_approvals: list[list[str | int | None]]
    compliance: list[PartnershipsCompliance]
    activities: list[PartnershipsActivity]
    funding: list[PartnershipsFunding]
    funding_totals: PartnershipsFundingTotals


def _compliance_out(r) -> PartnershipsCompliance:
    return PartnershipsCompliance(
        obligation=r.obligation.code,
        measure=r.obligation.measure,
        period=r.period,
        quota=r.quota,
        totals=r.totals,
        counted=r.counted,
        quota_met=r.quota_met,
        subjects=list(r.subjects or []),
        min_subjects=r.min_subjects,
        subjects_met=r.subjects_met,
        met=r.met,
    )


def _funding(scope, c: Cooperation) -> tuple[list[PartnershipsFunding], dict]:
    f = selectors.funding(scope=scope, coop=c)
    rows = [
        PartnershipsFunding(
            activity=r["activity"].pk,
            kind=r["kind"],
            date=r["date"],
            amount=r["amount"],
            source_app=r["activity"].source_app,
            source_id=r["activity"].source_id,
            label=r["label"],
            fund=r["fund"],
            record_url=r["url"] or None,
        )
        for r in f["rows"]
    ]
    return rows, {"disbursed": f["disbursed"], "donated": f["donated"]}


def _detail(scope, c: Cooperation, period: str) -> PartnershipsDetail:
    current = c.agreement.current_version
    versions = [
        PartnershipsVersion(
            number=v.number,
            content=v.content,
            content_hash=v.content_hash,
            current=v.number == current,
            approvals=[
                PartnershipsApproval(
                    party=a.party_id,
                    role=a.role,
                    jurisdiction=a.jurisdiction_id,
                    content_hash=a.content_hash,
                    approved_at=a.approved_at,
                )
                for a in v.approvals.all()
            ],
        )
        for v in selectors.versions(c)
    ]
    compliance = [_compliance_out(r) for r in selectors.compliance(c, period)]
    acts = [
        PartnershipsActivity(
            id=a.pk,
            kind=a.kind,
            date=a.date,
            quantity=a.quantity,
            level=a.level,
            obligation=a.obligation.code if a.obligation else None,
            source_app=a.source_app,
            source_id=a.source_id,
        )
        for a in selectors.activities(c)[:500]
    ]
    funding, totals = _funding(scope, c)
    return PartnershipsDetail(
        **_item(c).dict(),
        versions=versions,
        missing_approvals=[[r, p.pk, j] for r, p, j in services.missing_approvals(c)],
        compliance=compliance,
        activities=acts,
        funding=funding,
        funding_totals=PartnershipsFundingTotals(**totals),
    )


@router.get(
    "/partnerships/{uuid:pk}",
    response=PartnershipsDetail,
    auth=READ_AUTH,
    summary="A cooperation: agreement versions and approvals, compliance, activities, funding",
)
def cooperation(request, pk: uuid.UUID, period: str | None = None):
    return _detail(request.scope, _coop(request, pk), period or str(dt.date.today().year))


# ---- writes ----------------------------------------------------------------------------------
class PartnershipsPartyIn(Schema):
    role: str
    school: str | None = None
    jurisdiction: str | None = None
    social_partner: int | None = None


class PartnershipsCreateIn(Schema):
    code: str
    kind: str
    title_zh: str
    title_en: str = ""
    area: str | None = None
    principal: str | None = None
    subjects: list[str] = []
    content: list[str] = []
    term_start: dt.date
    term_end: dt.date
    parties: list[PartnershipsPartyIn]
    clauses: dict = {}


class PartnershipsProposeIn(PartnershipsCreateIn):
    school: str  # the proposing school's code


def _spec(i: int, p: PartnershipsPartyIn) -> dict:
    where = _("party %(n)d") % {"n": i + 1}
    if p.school:
        s = School.objects.filter(code=p.school).first()
        if s is None:
            raise ValueError(_("%(w)s: no school %(c)s.") % {"w": where, "c": p.school})
        return {"role": p.role, "school": s}
    if p.jurisdiction:
        j = Jurisdiction.objects.filter(code=p.jurisdiction).first()
        if j is None:
            raise ValueError(_("%(w)s: no jurisdiction %(c)s.") % {"w": where, "c": p.jurisdiction})
        return {"role": p.role, "jurisdiction": j}
    sp = SocialPartner.objects.filter(pk=p.social_partner).first()
    if sp is None:
        raise ValueError(
            _("%(w)s: name a school, a jurisdiction or a social partner.") % {"w": where}
        )
    return {"role": p.role, "social_partner": sp}


def _fields(body: PartnershipsCreateIn) -> tuple[dict, list[dict]]:
    fields = body.dict(exclude={"parties", "clauses", "school", "area"})
    if body.area:
        fields["area"] = CooperationArea.objects.filter(slug=body.area).first()
        if fields["area"] is None:
            raise ValueError(_("area: no cooperation area %(a)s.") % {"a": body.area})
    return fields, [_spec(i, p) for i, p in enumerate(body.parties)]


@router.post(
    "/partnerships/propose",
    response={201: PartnershipsItem},
    auth=WRITE_AUTH,
    summary="A school proposes a cooperation (bottom-up)",
)
def propose(request, body: PartnershipsProposeIn):
    school = School.objects.filter(code=body.school).first()
    if school is None:
        raise ValueError(_("school: no school %(c)s.") % {"c": body.school})
    fields, parties = _fields(body)
    c = services.cooperation_propose(
        actor=request.actor,
        school=school,
        fields=fields,
        parties=parties,
        clauses=body.clauses or None,
    )
    return Status(201, _item(selectors.cooperation_get(scope=request.scope, pk=c.pk) or c))


@router.post(
    "/partnerships/establish",
    response={201: PartnershipsItem},
    auth=WRITE_AUTH,
    summary="A secretariat or bureau sets up a cooperation (top-down)",
)
def establish(request, body: PartnershipsCreateIn):
    fields, parties = _fields(body)
    c = services.cooperation_establish(
        actor=request.actor, fields=fields, parties=parties, clauses=body.clauses or None
    )
    return Status(201, _item(c))


class PartnershipsAgreementIn(Schema):
    content: dict


class PartnershipsVersionOut(Schema):
    number: int
    content_hash: str


@router.post(
    "/partnerships/{uuid:pk}/agreement",
    response={201: PartnershipsVersionOut},
    auth=WRITE_AUTH,
    summary="Edit the agreement (a new version; approvals void)",
)
def agreement_edit(request, pk: uuid.UUID, body: PartnershipsAgreementIn):
    v = services.agreement_edit(
        actor=request.actor, cooperation=_coop(request, pk), content=body.content
    )
    return Status(201, PartnershipsVersionOut(number=v.number, content_hash=v.content_hash))


class PartnershipsApproveIn(Schema):
    party: int
    content_hash: str
    as_bureau: bool = False


class PartnershipsStatusOut(Schema):
    status: str


@router.post(
    "/partnerships/{uuid:pk}/approvals",
    response={201: PartnershipsStatusOut},
    auth=WRITE_AUTH,
    summary="Approve the current agreement version on its hash",
)
def approve(request, pk: uuid.UUID, body: PartnershipsApproveIn):
    c = _coop(request, pk)
    party = c.parties.filter(pk=body.party).first()
    if party is None:
        raise ValueError(_("party: not a party of %(c)s.") % {"c": c.code})
    services.agreement_approve(
        actor=request.actor,
        cooperation=c,
        party=party,
        content_hash=body.content_hash,
        as_bureau=body.as_bureau,
    )
    c.refresh_from_db()
    return Status(201, PartnershipsStatusOut(status=c.status))


class PartnershipsObligationIn(Schema):
    code: str
    measure: str
    quota: Decimal
    period_kind: str = "year"
    standard: str = "partner_confirmed"
    activity_kinds: list[str] = []


class PartnershipsCreated(Schema):
    id: int


@router.post(
    "/partnerships/{uuid:pk}/obligations",
    response={201: PartnershipsCreated},
    auth=WRITE_AUTH,
    summary="Set an obligation (quota per period)",
)
def obligation(request, pk: uuid.UUID, body: PartnershipsObligationIn):
    ob = services.obligation_set(actor=request.actor, cooperation=_coop(request, pk), **body.dict())
    return Status(201, PartnershipsCreated(id=ob.pk))


class PartnershipsActivityIn(Schema):
    kind: str
    date: dt.date
    quantity: Decimal
    obligation: str | None = None
    provider: int | None = None
    recipient: int | None = None
    subject: str = ""


@router.post(
    "/partnerships/{uuid:pk}/activities",
    response={201: PartnershipsCreated},
    auth=WRITE_AUTH,
    summary="Record an activity (self-reported)",
)
def activity(request, pk: uuid.UUID, body: PartnershipsActivityIn):
    c = _coop(request, pk)
    ob = None
    if body.obligation:
        ob = c.obligations.filter(code=body.obligation).first()
        if ob is None:
            raise ValueError(_("obligation: no obligation %(o)s.") % {"o": body.obligation})
    parties = {p.pk: p for p in c.parties.all()}
    a = services.activity_record(
        actor=request.actor,
        cooperation=c,
        kind=body.kind,
        date=body.date,
        amount=body.quantity,
        obligation=ob,
        provider=parties.get(body.provider),
        recipient=parties.get(body.recipient),
        subject=body.subject,
    )
    return Status(201, PartnershipsCreated(id=a.pk))


def _activity(request, pk: int) -> Activity:
    a = found(selectors.activity_get(scope=request.scope, pk=pk))
    return a


class PartnershipsLevelOut(Schema):
    level: str


@router.post(
    "/partnerships/activities/{int:pk}/confirm",
    response=PartnershipsLevelOut,
    auth=WRITE_AUTH,
    summary="The partner confirms an activity",
)
def confirm(request, pk: int):
    a = services.activity_confirm(actor=request.actor, activity=_activity(request, pk))
    return PartnershipsLevelOut(level=a.level)


@router.post(
    "/partnerships/activities/{int:pk}/verify",
    response=PartnershipsLevelOut,
    auth=WRITE_AUTH,
    summary="An authority verifies an activity",
)
def verify(request, pk: int):
    a = services.activity_verify(actor=request.actor, activity=_activity(request, pk))
    return PartnershipsLevelOut(level=a.level)


class PartnershipsPeriodIn(Schema):
    period: str


@router.post(
    "/partnerships/{uuid:pk}/compliance",
    response=list[PartnershipsCompliance],
    auth=WRITE_AUTH,
    summary="Compute obligation compliance for a period",
)
def compliance(request, pk: uuid.UUID, body: PartnershipsPeriodIn):
    rows = services.compliance_compute(
        actor=request.actor, cooperation=_coop(request, pk), period=body.period
    )
    return [_compliance_out(r) for r in rows]


class PartnershipsLinked(Schema):
    added: int


@router.post(
    "/partnerships/{uuid:pk}/link",
    response=PartnershipsLinked,
    auth=WRITE_AUTH,
    summary="Link activities other apps know (talent placements, appointments)",
)
def link(request, pk: uuid.UUID):
    n = services.activities_link(actor=request.actor, cooperation=_coop(request, pk))
    return PartnershipsLinked(added=n)


class PartnershipsProgrammeIn(Schema):
    programme: str  # a talent training programme's code
    attach: bool = True


class PartnershipsProgrammeOut(Schema):
    changed: bool
    programmes: list[str]


@router.post(
    "/partnerships/{uuid:pk}/training-programmes",
    response=PartnershipsProgrammeOut,
    auth=WRITE_AUTH,
    summary="Name (or stop naming) a training programme this cooperation runs",
)
def training_programme(request, pk: uuid.UUID, body: PartnershipsProgrammeIn):
    c = _coop(request, pk)
    prog = talent_selectors.programme_list(scope=request.scope).filter(code=body.programme).first()
    if prog is None:
        raise ValueError(_("programme: no training programme %(p)s.") % {"p": body.programme})
    step = services.training_programme_attach if body.attach else services.training_programme_detach
    changed = step(actor=request.actor, cooperation=c, programme=prog)
    codes = sorted(c.training_programmes.values_list("code", flat=True))
    return PartnershipsProgrammeOut(changed=changed, programmes=codes)


class PartnershipsStatusIn(Schema):
    step: str  # suspend, resume, exit
    note: str = ""
    reason: str


_STEPS = {
    "suspend": services.cooperation_suspend,
    "resume": services.cooperation_resume,
    "exit": services.cooperation_exit,
}


@router.post(
    "/partnerships/{uuid:pk}/status",
    response=PartnershipsStatusOut,
    auth=WRITE_AUTH,
    summary="Suspend, resume or exit, with a reason code",
)
def status(request, pk: uuid.UUID, body: PartnershipsStatusIn):
    fn = _STEPS.get(body.step)
    if fn is None:
        raise ValueError(_("step: %(s)s is not a known code.") % {"s": body.step})
    c = fn(actor=request.actor, cooperation=_coop(request, pk), reason=body.reason, note=body.note)
    return PartnershipsStatusOut(status=c.status)


class PartnershipsRenewIn(Schema):
    term_end: dt.date


@router.post(
    "/partnerships/{uuid:pk}/renew",
    response=PartnershipsStatusOut,
    auth=WRITE_AUTH,
    summary="Renew for a new term (a new agreement version to approve)",
)
def renew(request, pk: uuid.UUID, body: PartnershipsRenewIn):
    c = services.cooperation_renew(
        actor=request.actor, cooperation=_coop(request, pk), term_end=body.term_end
    )
    return PartnershipsStatusOut(status=c.status)
