"""The planning API: plans (scoped), a plan's tree with its computed status, an indicator's
targets and actuals per member and year, and the writes (drafting, adoption through the gate,
reported values and their review, milestones done, the measured actuals job, status reports)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from xietong.accounts.auth import READ_AUTH, WRITE_AUTH
from xietong.api_support import found
from xietong.consultation.selectors import body_get
from xietong.jobs.schemas import JobOut, accepted

from . import job_kinds, selectors, services
from .models import Actual, Plan

router = Router(tags=["planning"])


def _plan(request, pk: int) -> Plan:
    return found(selectors.plan_get(scope=request.scope, user=request.actor, pk=pk))


def _indicator(request, pk: int):
    return found(selectors.indicator_find(scope=request.scope, user=request.actor, pk=pk))


class PlanItem(Schema):
    id: int
    area: str
    title_zh: str
    title_en: str
    start_year: int
    end_year: int
    status: str
    proposal: int | None


def _item(p: Plan) -> PlanItem:
    return PlanItem(
        id=p.pk,
        area=p.body.area.slug,
        title_zh=p.title_zh,
        title_en=p.title_en,
        start_year=p.start_year,
        end_year=p.end_year,
        status=p.status,
        proposal=p.proposal.number if p.proposal_id else None,
    )


class PlanStatusReportOut(Schema):
    id: int | None
    year: int
    as_of: dt.date
    published_at: dt.datetime | None
    tree: dict


class PlanOut(PlanItem):
    status_report: PlanStatusReportOut


@router.get(
    "/planning/plans", response=list[PlanItem], auth=READ_AUTH, summary="Joint plans you may read"
)
def plans(request):
    return [_item(p) for p in selectors.plan_list(scope=request.scope, user=request.actor)]


@router.get(
    "/planning/plans/{plan_id}",
    response=PlanOut,
    auth=READ_AUTH,
    summary="A plan's tree with its status (the latest report of the year you may see, else "
    "computed now); codes and exact fractions",
)
def plan(request, plan_id: int, year: int | None = None):
    p = _plan(request, plan_id)
    year = year if year in p.years else None
    report = selectors.report_latest(scope=request.scope, plan=p, year=year)
    if report is None:
        y = year or p.start_year
        as_of = services.default_as_of(y)
        out = PlanStatusReportOut(
            id=None, year=y, as_of=as_of, published_at=None, tree=services.status_tree(p, y, as_of)
        )
    else:
        out = PlanStatusReportOut(
            id=report.pk,
            year=report.year,
            as_of=report.as_of,
            published_at=report.published_at,
            tree=report.tree,
        )
    return PlanOut(**_item(p).dict(), status_report=out)


class PlanYearValue(Schema):
    year: int
    target: Decimal | None
    actual: Decimal | None


class PlanActualOut(Schema):
    id: int
    year: int
    value: Decimal
    status: str
    inputs: dict
    evidence_text: str
    evidence_url: str


class PlanIndicatorOut(Schema):
    id: int
    plan: int
    code: str
    group: str
    name_zh: str
    name_en: str
    unit: str
    direction: str
    baseline: Decimal
    baseline_year: int
    member: str | None
    source: str
    kind: str
    params: dict
    goal: int | None
    measure: int | None
    years: list[PlanYearValue]
    members: dict[str, list[PlanYearValue]]
    actuals: list[PlanActualOut]


def _years(row, years) -> list[PlanYearValue]:
    return [
        PlanYearValue(year=y, target=t, actual=a)
        for y, t, a in zip(years, row["targets"], row["actuals"], strict=True)
    ]


def _indicator_out(request, ind) -> PlanIndicatorOut:
    years = ind.plan.years
    group = selectors.group_indicators(indicator=ind)
    rows = selectors.series(scope=request.scope, indicators=group, years=years)
    own = next(r for r in rows if r["indicator"].pk == ind.pk)
    return PlanIndicatorOut(
        id=ind.pk,
        plan=ind.plan_id,
        code=ind.code,
        group=ind.group,
        name_zh=ind.name_zh,
        name_en=ind.name_en,
        unit=ind.unit,
        direction=ind.direction,
        baseline=ind.baseline,
        baseline_year=ind.baseline_year,
        member=ind.member_id,
        source=ind.source,
        kind=ind.kind,
        params=ind.params,
        goal=ind.goal_id,
        measure=ind.measure_id,
        years=_years(own, years),
        members={(r["indicator"].member_id or "area"): _years(r, years) for r in rows},
        actuals=[
            PlanActualOut(
                id=a.pk,
                year=a.year,
                value=a.value,
                status=a.status,
                inputs=a.inputs,
                evidence_text=a.evidence_text,
                evidence_url=a.evidence_url,
            )
            for a in selectors.actual_rows(scope=request.scope, indicator=ind)
        ],
    )


@router.get(
    "/planning/indicators/{indicator_id}",
    response=PlanIndicatorOut,
    auth=READ_AUTH,
    summary="An indicator's targets and actuals per year, and those of its group per member",
)
def indicator(request, indicator_id: int):
    return _indicator_out(request, _indicator(request, indicator_id))


# ---- writes ----------------------------------------------------------------------------------


class PlanIn(Schema):
    area: str
    title_zh: str
    title_en: str = ""
    start_year: int
    end_year: int


@router.post("/planning/plans", response={201: PlanItem}, auth=WRITE_AUTH, summary="Draft a plan")
def plan_create(request, payload: PlanIn):
    body = found(body_get(scope=request.scope, user=request.actor, area_slug=payload.area))
    p = services.plan_create(
        body=body,
        title_zh=payload.title_zh,
        title_en=payload.title_en,
        start_year=payload.start_year,
        end_year=payload.end_year,
        actor=request.actor,
    )
    return Status(201, _item(p))


class PlanGoalIn(Schema):
    title_zh: str
    title_en: str = ""
    weight: Decimal = Decimal(1)


class PlanCreated(Schema):
    id: int


@router.post("/planning/plans/{plan_id}/goals", response={201: PlanCreated}, auth=WRITE_AUTH)
def goal_create(request, plan_id: int, payload: PlanGoalIn):
    g = services.goal_create(plan=_plan(request, plan_id), actor=request.actor, **payload.dict())
    return Status(201, PlanCreated(id=g.pk))


class PlanMeasureIn(Schema):
    goal: int
    title_zh: str
    title_en: str = ""
    lead: str
    partners: list[str] = []
    forum: int | None = None
    start: dt.date
    end: dt.date
    weight: Decimal = Decimal(1)


@router.post("/planning/plans/{plan_id}/measures", response={201: PlanCreated}, auth=WRITE_AUTH)
def measure_create(request, plan_id: int, payload: PlanMeasureIn):
    p = _plan(request, plan_id)
    goal = p.goals.filter(pk=payload.goal).first()
    if goal is None:
        raise HttpError(422, _("goal: not a goal of this plan"))
    forum = None
    if payload.forum is not None:
        forum = p.body.forums.filter(pk=payload.forum).first()
        if forum is None:
            raise HttpError(422, _("forum: not a forum of this body"))
    d = payload.dict(exclude={"goal", "forum"})
    m = services.measure_create(goal=goal, forum=forum, actor=request.actor, **d)
    return Status(201, PlanCreated(id=m.pk))


class PlanMilestoneIn(Schema):
    measure: int
    title_zh: str
    title_en: str = ""
    due: dt.date


@router.post("/planning/plans/{plan_id}/milestones", response={201: PlanCreated}, auth=WRITE_AUTH)
def milestone_create(request, plan_id: int, payload: PlanMilestoneIn):
    p = _plan(request, plan_id)
    m = selectors.measure_get(plan=p, pk=payload.measure)
    if m is None:
        raise HttpError(422, _("measure: not a measure of this plan"))
    ms = services.milestone_create(
        measure=m,
        title_zh=payload.title_zh,
        title_en=payload.title_en,
        due=payload.due,
        actor=request.actor,
    )
    return Status(201, PlanCreated(id=ms.pk))


class PlanIndicatorIn(Schema):
    goal: int | None = None
    measure: int | None = None
    code: str
    group: str = ""
    name_zh: str
    name_en: str = ""
    unit: str = ""
    direction: str
    baseline: Decimal
    baseline_year: int
    member: str | None = None
    source: str
    kind: str = ""
    params: dict = {}
    weight: Decimal = Decimal(1)


@router.post("/planning/plans/{plan_id}/indicators", response={201: PlanCreated}, auth=WRITE_AUTH)
def indicator_create(request, plan_id: int, payload: PlanIndicatorIn):
    p = _plan(request, plan_id)
    goal = p.goals.filter(pk=payload.goal).first() if payload.goal else None
    measure = selectors.measure_get(plan=p, pk=payload.measure) if payload.measure else None
    if (payload.goal and goal is None) or (payload.measure and measure is None):
        raise HttpError(422, _("goal / measure: not in this plan"))
    d = payload.dict(exclude={"goal", "measure"})
    ind = services.indicator_create(plan=p, goal=goal, measure=measure, actor=request.actor, **d)
    return Status(201, PlanCreated(id=ind.pk))


class PlanTargetIn(Schema):
    year: int
    value: Decimal


@router.post(
    "/planning/indicators/{indicator_id}/targets", response={201: PlanCreated}, auth=WRITE_AUTH
)
def target_set(request, indicator_id: int, payload: PlanTargetIn):
    t = services.target_set(
        indicator=_indicator(request, indicator_id),
        year=payload.year,
        value=payload.value,
        actor=request.actor,
    )
    return Status(201, PlanCreated(id=t.pk))


@router.post(
    "/planning/plans/{plan_id}/adopt",
    response=PlanItem,
    auth=WRITE_AUTH,
    summary="Adopt the plan (secretariat; needs its adopted consultation)",
)
def adopt(request, plan_id: int):
    return _item(services.plan_adopt(plan=_plan(request, plan_id), actor=request.actor))


@router.post(
    "/planning/plans/{plan_id}/close",
    response=PlanItem,
    auth=WRITE_AUTH,
    summary="Close an adopted plan at its end (secretariat)",
)
def close(request, plan_id: int):
    return _item(services.plan_close(plan=_plan(request, plan_id), actor=request.actor))


class PlanYearIn(Schema):
    year: int


@router.post(
    "/planning/plans/{plan_id}/actuals/compute",
    response={202: JobOut},
    auth=WRITE_AUTH,
    summary="Compute the measured actuals of a year (a job: 202, then GET its URL)",
)
def actuals_compute(request, plan_id: int, payload: PlanYearIn, response: HttpResponse):
    job, _created = job_kinds.actuals_submit(
        plan=_plan(request, plan_id), year=payload.year, actor=request.actor
    )
    return accepted(response, job)


class PlanStatusIn(Schema):
    year: int
    as_of: dt.date | None = None


@router.post(
    "/planning/plans/{plan_id}/status",
    response={201: PlanStatusReportOut},
    auth=WRITE_AUTH,
    summary="Compute and keep the status report of a year (secretariat)",
)
def status_compute(request, plan_id: int, payload: PlanStatusIn):
    r = services.planning_status_compute(
        plan=_plan(request, plan_id), year=payload.year, as_of=payload.as_of, actor=request.actor
    )
    return Status(
        201,
        PlanStatusReportOut(id=r.pk, year=r.year, as_of=r.as_of, published_at=None, tree=r.tree),
    )


@router.post(
    "/planning/plans/{plan_id}/status/{report_id}/publish",
    response=PlanStatusReportOut,
    auth=WRITE_AUTH,
)
def status_publish(request, plan_id: int, report_id: int):
    p = _plan(request, plan_id)
    r = found(selectors.report_get(scope=request.scope, plan=p, pk=report_id))
    r = services.planning_status_publish(report=r, actor=request.actor)
    return PlanStatusReportOut(
        id=r.pk, year=r.year, as_of=r.as_of, published_at=r.published_at, tree=r.tree
    )


class PlanActualIn(Schema):
    year: int
    value: Decimal
    evidence_text: str = ""
    evidence_url: str = ""


@router.post(
    "/planning/indicators/{indicator_id}/actuals",
    response={201: PlanActualOut},
    auth=WRITE_AUTH,
    summary="Report a value with its evidence (the member's bureau)",
)
def actual_report(request, indicator_id: int, payload: PlanActualIn):
    a = services.actual_report(
        indicator=_indicator(request, indicator_id), actor=request.actor, **payload.dict()
    )
    return Status(201, _actual(a))


def _actual(a: Actual) -> PlanActualOut:
    return PlanActualOut(
        id=a.pk,
        year=a.year,
        value=a.value,
        status=a.status,
        inputs=a.inputs,
        evidence_text=a.evidence_text,
        evidence_url=a.evidence_url,
    )


class PlanReviewIn(Schema):
    accept: bool
    note: str = ""


@router.post(
    "/planning/actuals/{actual_id}/review",
    response=PlanActualOut,
    auth=WRITE_AUTH,
    summary="Accept or reject a reported value (secretariat)",
)
def actual_review(request, actual_id: int, payload: PlanReviewIn):
    a = found(selectors.actual_get(scope=request.scope, user=request.actor, pk=actual_id))
    a = services.actual_review(
        actual=a, accept=payload.accept, note=payload.note, actor=request.actor
    )
    return _actual(a)


class PlanMilestoneDoneIn(Schema):
    done: dt.date
    evidence_text: str = ""
    evidence_url: str = ""


@router.post(
    "/planning/milestones/{milestone_id}/done",
    response=PlanCreated,
    auth=WRITE_AUTH,
    summary="Mark a milestone done with its evidence (the lead member's bureau)",
)
def milestone_done(request, milestone_id: int, payload: PlanMilestoneDoneIn):
    ms = found(selectors.milestone_get(scope=request.scope, user=request.actor, pk=milestone_id))
    ms = services.milestone_done(milestone=ms, actor=request.actor, **payload.dict())
    return PlanCreated(id=ms.pk)
