import datetime as dt
from decimal import Decimal

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate

from xietong.accounts.auth import READ_AUTH, WRITE_AUTH
from xietong.accounts.scope import OutOfScope
from xietong.api_support import (
    ImportRefusedOut,
    KeysetQuery,
    LimitOffset,
    PatchIn,
    found,
    import_refused,
    keyset_or_offset,
)
from xietong.jobs.imports import runs_as_job
from xietong.jobs.schemas import JobOut, accepted
from xietong.regions.models import CooperationArea, Jurisdiction
from xietong.schools.models import School
from xietong.tabular.uploads import read_upload
from xietong.web.downloads import table_download

from . import circulation, engine, imports, job_kinds, selectors, services

router = Router(tags=["talent"])


def _round(request, pk: int):
    rnd = found(selectors.round_get(scope=request.scope, pk=pk))
    return rnd


def _outcome_round(request, pk: int):
    """A round whose matching outcome the caller may read (404 before it is visible to her)."""
    rnd = _round(request, pk)
    if not selectors.round_outcome_visible(request.scope, rnd):
        raise HttpError(404, _("Not found"))
    return rnd


# ---- teachers --------------------------------------------------------------------------------
class TeacherOut(Schema):
    code: str
    name: str
    school: str
    subject: str
    stage: str
    title: str
    backbone: str
    years_at_school: int
    eligible: bool
    exemption: str
    weekly_hours: int
    is_synthetic: bool

    @staticmethod
    def resolve_school(obj):
        return obj.school.code


class TeacherIn(Schema):
    code: str
    name: str
    school: str
    subject: str
    stage: str
    title: str = "none"
    backbone: str = "none"
    years_at_school: int = 0
    eligible: bool = True
    exemption: str = "none"
    weekly_hours: int = 12


class TeacherPatch(PatchIn):
    name: str | None = None
    subject: str | None = None
    stage: str | None = None
    title: str | None = None
    backbone: str | None = None
    years_at_school: int | None = None
    eligible: bool | None = None
    exemption: str | None = None
    weekly_hours: int | None = None


@router.get(
    "/talent/teachers", response=list[TeacherOut], auth=WRITE_AUTH, summary="Teachers in scope"
)
@paginate(LimitOffset)
def teachers(request, school: str | None = None):
    qs = selectors.teacher_list(scope=request.scope)
    if school:
        qs = qs.filter(school__code=school)
    return qs


@router.post(
    "/talent/teachers", response={201: TeacherOut}, auth=WRITE_AUTH, summary="Register a teacher"
)
def teacher_create(request, payload: TeacherIn):
    data = payload.dict()
    school = get_object_or_404(School, code=data.pop("school"))
    t = services.teacher_create(school=school, actor=request.actor, **data)
    return Status(201, t)


class TalentImportOut(Schema):
    file: str
    sha256: str
    rows: int
    created: int
    updated: int
    encoding: str | None = None  # how a CSV file's text was read ("UTF-8", "GB18030", ...)


def _import(fn, file, request, response, **kwargs):
    try:
        data = read_upload(file)
        if runs_as_job(data):  # past XIETONG_IMPORT_JOB_BYTES: a worker imports it
            job, _created = imports.import_submit(
                data=data, filename=file.name, actor=request.actor, **kwargs
            )
            return accepted(response, job)
        r = fn(data=data, filename=file.name, actor=request.actor, **kwargs)
    except OutOfScope as exc:
        raise HttpError(403, str(exc)) from exc
    except ValueError as exc:  # ImportFailed with its problems, or a file that cannot be read
        return import_refused(exc, file.name)
    return Status(200, TalentImportOut(**r.__dict__))


@router.post(
    "/talent/teachers/import",
    response={200: TalentImportOut, 202: JobOut, 413: ImportRefusedOut, 422: ImportRefusedOut},
    auth=WRITE_AUTH,
    summary="Import teachers from CSV/XLSX: all of it or nothing",
)
def teachers_import(request, file: File[UploadedFile], response: HttpResponse):
    return _import(imports.teachers_import, file, request, response)


@router.patch("/talent/teachers/{code}", response=TeacherOut, auth=WRITE_AUTH)
def teacher_patch(request, code: str, payload: TeacherPatch):
    t = found(selectors.teacher_get(scope=request.scope, code=code))
    return services.teacher_update(
        teacher=t, actor=request.actor, **payload.dict(exclude_unset=True)
    )


# ---- rounds ----------------------------------------------------------------------------------
class ExchangeRoundOut(Schema):
    id: int
    name: str
    year: int
    area: str | None
    jurisdiction: str | None
    status: str
    seed: int
    tie_break: str
    mode: str
    max_choices: int
    min_years_at_school: int
    min_rotation_share: Decimal
    min_backbone_share: Decimal
    max_departure_share: Decimal
    school_cap: int
    balance_tolerance: int | None
    member_caps: dict
    matched_at: dt.datetime | None
    published_at: dt.datetime | None
    certificate: dict
    policy: dict
    is_synthetic: bool

    @staticmethod
    def resolve_area(obj):
        return obj.area.slug if obj.area_id else None

    @staticmethod
    def resolve_jurisdiction(obj):
        return obj.jurisdiction_id


class ExchangeRoundIn(Schema):
    name: str
    year: int
    area: str | None = None
    jurisdiction: str | None = None
    seed: int = 2024
    tie_break: str = "single"
    mode: str = "da"
    max_choices: int = 20
    min_years_at_school: int = 6
    min_rotation_share: Decimal = Decimal("0.1")
    min_backbone_share: Decimal = Decimal("0.2")
    max_departure_share: Decimal = Decimal("0.2")
    school_cap: int = -1
    balance_tolerance: int | None = None
    member_caps: dict = {}


class ExchangeRoundPatch(PatchIn):
    NULLABLE = frozenset({"balance_tolerance"})

    name: str | None = None
    seed: int | None = None
    tie_break: str | None = None
    mode: str | None = None
    max_choices: int | None = None
    min_years_at_school: int | None = None
    min_rotation_share: Decimal | None = None
    min_backbone_share: Decimal | None = None
    max_departure_share: Decimal | None = None
    school_cap: int | None = None
    balance_tolerance: int | None = None
    member_caps: dict | None = None


@router.get(
    "/talent/rounds", response=list[ExchangeRoundOut], auth=READ_AUTH, summary="Exchange rounds"
)
def rounds(request):
    return selectors.round_list(scope=request.scope)


@router.post(
    "/talent/rounds", response={201: ExchangeRoundOut}, auth=WRITE_AUTH, summary="Create a round"
)
def round_create(request, payload: ExchangeRoundIn):
    data = payload.dict()
    area = jurisdiction = None
    if data.pop("area"):
        area = get_object_or_404(CooperationArea, slug=payload.area)
    if data.pop("jurisdiction"):
        jurisdiction = get_object_or_404(Jurisdiction, code=payload.jurisdiction)
    rnd = services.round_create(area=area, jurisdiction=jurisdiction, actor=request.actor, **data)
    return Status(201, rnd)


@router.get("/talent/rounds/{pk}", response=ExchangeRoundOut, auth=READ_AUTH)
def round_detail(request, pk: int):
    return selectors.round_redacted(request.scope, _round(request, pk))


@router.patch("/talent/rounds/{pk}", response=ExchangeRoundOut, auth=WRITE_AUTH)
def round_patch(request, pk: int, payload: ExchangeRoundPatch):
    rnd = _round(request, pk)
    return services.round_update(rnd=rnd, actor=request.actor, **payload.dict(exclude_unset=True))


class StepIn(Schema):
    note: str = ""
    override_reason: str = ""


STEPS = services.ROUND_STEPS


@router.post(
    "/talent/rounds/{pk}/steps/{step}",
    response={200: ExchangeRoundOut, 202: JobOut},
    auth=WRITE_AUTH,
    summary="Move a round on: open, close, match, review, publish, service, return",
)
def round_step(request, pk: int, step: str, response: HttpResponse, payload: StepIn | None = None):
    fn = STEPS.get(step)
    if fn is None:
        raise HttpError(
            404,
            _("Unknown step %(step)s; the steps are %(steps)s.")
            % {"step": step, "steps": ", ".join(STEPS)},
        )
    rnd = _round(request, pk)
    if step == "match":  # a background job: 202 and where to follow it
        job, _created = job_kinds.match_submit(rnd=rnd, actor=request.actor)
        return accepted(response, job)
    kwargs = {}
    if step == "review" and payload:
        kwargs["note"] = payload.note
    if step == "publish" and payload:
        kwargs["override_reason"] = payload.override_reason
    return fn(rnd=rnd, actor=request.actor, **kwargs)


@router.get(
    "/talent/rounds/{pk}/effect",
    response={200: dict, 202: JobOut},
    auth=READ_AUTH,
    summary="Predicted effect on balance (202 with a job while it is computed)",
)
def round_effect(request, pk: int, response: HttpResponse):
    """The stored effect of the round's matching; computed once per matching by a job (queued
    after the matching, or by the first read that finds none: 202 and the job's URL)."""
    rnd = _outcome_round(request, pk)
    if rnd.effect:
        return rnd.effect
    if not rnd.matched_at:
        raise HttpError(409, _("The round has not been matched yet."))
    job, _created = job_kinds.effect_submit(rnd=rnd, actor=request.actor)
    return accepted(response, job)


@router.get("/talent/rounds/{pk}/flows", auth=READ_AUTH, summary="Teachers moving between members")
def round_flows(request, pk: int, level: str = "province", format: str = "json"):
    rnd = _outcome_round(request, pk)
    if level not in engine.LEVEL_DIGITS:
        raise HttpError(422, _("level must be province, prefecture or county"))
    rows = engine.flows(rnd, level)
    if format == "csv":
        header = list(rows[0]) if rows else ["from_code", "to_code", "teachers"]
        return table_download(
            [[r[h] for h in header] for r in rows], header, filename=f"round-{pk}-flows"
        )
    return {"level": level, "items": rows}


class PostOut(Schema):
    code: str
    host_school: str
    subject: str
    stage: str
    term_years: int
    kind: str
    seats: int

    @staticmethod
    def resolve_host_school(obj):
        return obj.host_school.code


class PostIn(Schema):
    code: str
    host_school: str
    subject: str
    stage: str
    term_years: int = 1
    kind: str = "rotation"
    seats: int = 1


@router.get("/talent/rounds/{pk}/posts", response=list[PostOut], auth=READ_AUTH)
@paginate(LimitOffset)
def posts(request, pk: int):
    return selectors.round_posts(rnd=_round(request, pk))


@router.post("/talent/rounds/{pk}/posts", response={201: PostOut}, auth=WRITE_AUTH)
def post_create(request, pk: int, payload: PostIn):
    rnd = _round(request, pk)
    data = payload.dict()
    school = get_object_or_404(School, code=data.pop("host_school"))
    return Status(
        201, services.post_create(rnd=rnd, host_school=school, actor=request.actor, **data)
    )


@router.post(
    "/talent/rounds/{pk}/posts/import",
    response={200: TalentImportOut, 202: JobOut, 413: ImportRefusedOut, 422: ImportRefusedOut},
    auth=WRITE_AUTH,
    summary="Import a round's posts from CSV/XLSX: all of it or nothing",
)
def posts_import(request, pk: int, file: File[UploadedFile], response: HttpResponse):
    return _import(imports.posts_import, file, request, response, rnd=_round(request, pk))


class ApplicationIn(Schema):
    teacher: str | None = None
    posts: list[str]


class ApplicationOut(Schema):
    teacher: str
    posts: list[str]


@router.put(
    "/talent/rounds/{pk}/application",
    response=ApplicationOut,
    auth=WRITE_AUTH,
    summary="Submit a ranked list of posts (a teacher for herself, or her school for her)",
)
def application_put(request, pk: int, payload: ApplicationIn):
    rnd = _round(request, pk)
    if payload.teacher:
        teacher = selectors.teacher_get(scope=request.scope, code=payload.teacher)
    else:
        teacher = selectors.teacher_of(request.actor)
    if teacher is None:
        raise HttpError(404, _("No such teacher."))
    services.application_submit(
        rnd=rnd,
        teacher=teacher,
        post_codes=payload.posts,
        actor=request.actor,
    )
    return ApplicationOut(teacher=teacher.code, posts=payload.posts)


class ScoresIn(Schema):
    scores: dict[str, float | None]


@router.put(
    "/talent/rounds/{pk}/posts/{code}/scores",
    auth=WRITE_AUTH,
    summary="Points for the applicants to a post (host school, bureau or round manager)",
)
def scores_put(request, pk: int, code: str, payload: ScoresIn):
    rnd = _round(request, pk)
    post = selectors.post_to_rank_get(scope=request.scope, rnd=rnd, code=code)
    if post is None:  # as the page: a post the caller does not rank is not found
        raise HttpError(404, _("Not found"))
    n = services.scores_set(rnd=rnd, post=post, scores=payload.scores, actor=request.actor)
    return {"updated": n}


class PlacementOut(Schema):
    teacher: str
    home_school: str
    post: str | None
    host_school: str | None
    choice_rank: int | None
    gate: int
    stays_home: bool
    why_not: list[dict]

    @staticmethod
    def resolve_stays_home(obj):
        return obj.post_id is None

    @staticmethod
    def resolve_teacher(obj):
        return obj.teacher.code

    @staticmethod
    def resolve_home_school(obj):
        return obj.teacher.school.code

    @staticmethod
    def resolve_post(obj):
        return obj.post.code if obj.post_id else None

    @staticmethod
    def resolve_host_school(obj):
        return obj.post.host_school.code if obj.post_id else None


class TalentResultsPageOut(Schema):
    items: list[PlacementOut]
    count: int | None = Field(description="All the results (limit/offset paging); null with after")
    next: str | None = Field(description="The next page (a keyset cursor); null on the last page")


@router.get(
    "/talent/rounds/{pk}/results",
    response=TalentResultsPageOut,
    auth=READ_AUTH,
    summary="Results with 'why not' per teacher (managers and bureaus; a teacher her own)",
)
def results(request, pk: int, page: Query[KeysetQuery], teacher: str | None = None):
    """In staff-number order. Page with ``after`` (follow ``next``: one index range a page) or
    with ``limit``/``offset`` as every list endpoint."""
    qs = selectors.placements(scope=request.scope, rnd=_round(request, pk))
    if teacher:
        qs = qs.filter(teacher__code=teacher)
    return keyset_or_offset(request, qs, "teacher_code", page)


# ---- appointments ------------------------------------------------------------------------------
class AppointmentIn(Schema):
    teacher: str
    school: str
    weekly_hours: int
    weekdays: str
    starts: dt.date
    ends: dt.date | None = None


class AppointmentOut(Schema):
    id: int
    teacher: str
    school: str
    weekly_hours: int
    weekdays: str
    distance_km: float | None
    starts: dt.date
    ends: dt.date | None
    active: bool

    @staticmethod
    def resolve_teacher(obj):
        return obj.teacher.code

    @staticmethod
    def resolve_school(obj):
        return obj.school.code


@router.post("/talent/appointments", response={201: AppointmentOut}, auth=WRITE_AUTH)
def appointment_create(request, payload: AppointmentIn):
    teacher = selectors.teacher_get(scope=request.scope, code=payload.teacher)
    if teacher is None:
        raise HttpError(404, _("No such teacher in your scope."))
    school = get_object_or_404(School, code=payload.school)
    data = payload.dict()
    data.pop("teacher")
    data.pop("school")
    a = circulation.appointment_create(teacher=teacher, school=school, actor=request.actor, **data)
    return Status(201, a)


@router.get("/talent/appointments", response=list[AppointmentOut], auth=WRITE_AUTH)
@paginate(LimitOffset)
def appointments(request):
    return selectors.appointment_list(scope=request.scope)


class AppointmentPolicyIO(Schema):
    max_weekly_lessons: int = circulation.WEEKLY_LOAD_CAP
    max_distance_km: float = circulation.MAX_TRAVEL_KM


@router.get(
    "/talent/areas/{slug}/appointment-policy",
    response=AppointmentPolicyIO,
    auth=READ_AUTH,
    summary="An area's limits for multi-school appointments (defaults if none set)",
)
def appointment_policy(request, slug: str):
    area = get_object_or_404(CooperationArea, slug=slug)
    p = selectors.appointment_policy_get(scope=request.scope, area=area)
    return p or AppointmentPolicyIO()


@router.put(
    "/talent/areas/{slug}/appointment-policy",
    response=AppointmentPolicyIO,
    auth=WRITE_AUTH,
    summary="Set an area's appointment limits (the area's secretariat)",
)
def appointment_policy_set(request, slug: str, payload: AppointmentPolicyIO):
    area = get_object_or_404(CooperationArea, slug=slug)
    return circulation.appointment_policy_set(area=area, actor=request.actor, **payload.dict())


# ---- training ----------------------------------------------------------------------------------
class ProgrammeIn(Schema):
    area: str
    code: str
    title: str
    credit_hours: Decimal
    starts: dt.date
    ends: dt.date
    provider: str = ""
    capacity: int = 100


class ProgrammeOut(Schema):
    id: int
    area: str
    code: str
    title: str
    provider: str
    credit_hours: Decimal
    capacity: int
    starts: dt.date
    ends: dt.date

    @staticmethod
    def resolve_area(obj):
        return obj.area.slug


@router.get("/talent/training", response=list[ProgrammeOut], auth=READ_AUTH)
def programmes(request):
    return selectors.programme_list(scope=request.scope)


@router.post("/talent/training", response={201: ProgrammeOut}, auth=WRITE_AUTH)
def programme_create(request, payload: ProgrammeIn):
    data = payload.dict()
    area = get_object_or_404(CooperationArea, slug=data.pop("area"))
    return Status(201, circulation.programme_create(area=area, actor=request.actor, **data))


class EnrolIn(Schema):
    teacher: str | None = None


class EnrolmentOut(Schema):
    id: int
    programme: str
    teacher: str
    status: str
    credit_hours: Decimal

    @staticmethod
    def resolve_programme(obj):
        return obj.programme.code

    @staticmethod
    def resolve_teacher(obj):
        return obj.teacher.code


@router.post("/talent/training/{code}/enrol", response={201: EnrolmentOut}, auth=WRITE_AUTH)
def enrol(request, code: str, payload: EnrolIn):
    p = found(selectors.programme_by_code(scope=request.scope, code=code))
    if payload.teacher:
        t = selectors.teacher_get(scope=request.scope, code=payload.teacher)
    else:
        t = selectors.teacher_of(request.actor)
    if t is None:
        raise HttpError(404, _("No such teacher."))
    return Status(201, circulation.enrol(programme=p, teacher=t, actor=request.actor))


@router.post("/talent/enrolments/{pk}/complete", response=EnrolmentOut, auth=WRITE_AUTH)
def enrolment_complete(request, pk: int):
    e = found(selectors.enrolment_get(scope=request.scope, pk=pk))
    return circulation.enrolment_complete(enrolment=e, actor=request.actor)


@router.get("/talent/teachers/{code}/credits", auth=WRITE_AUTH)
def credits(request, code: str):
    t = selectors.teacher_get(scope=request.scope, code=code)
    if t is None:
        raise HttpError(404, _("No such teacher in your scope."))
    return {"teacher": t.code, "credit_hours": circulation.credit_hours(t)}


# ---- recruitment -------------------------------------------------------------------------------
class VacancyIn(Schema):
    school: str
    title: str
    subject: str
    stage: str
    positions: int = 1
    description: str = ""
    new_teachers: bool = False
    closes: dt.date | None = None


class VacancyOut(Schema):
    id: int
    school: str
    title: str
    subject: str
    stage: str
    positions: int
    description: str
    new_teachers: bool
    closes: dt.date | None
    status: str

    @staticmethod
    def resolve_school(obj):
        return obj.school.code


@router.get("/talent/vacancies", response=list[VacancyOut], auth=READ_AUTH)
@paginate(LimitOffset)
def vacancies(request, area: str | None = None):
    a = get_object_or_404(CooperationArea, slug=area) if area else None
    return selectors.vacancy_list(scope=request.scope, area=a)


@router.post("/talent/vacancies", response={201: VacancyOut}, auth=WRITE_AUTH)
def vacancy_publish(request, payload: VacancyIn):
    data = payload.dict()
    school = get_object_or_404(School, code=data.pop("school"))
    return Status(201, circulation.vacancy_publish(school=school, actor=request.actor, **data))


class CandidacyIn(Schema):
    statement: str = ""


class CandidacyOut(Schema):
    id: int
    vacancy: int
    status: str

    @staticmethod
    def resolve_vacancy(obj):
        return obj.vacancy_id


class CandidacyStatusIn(Schema):
    status: str


@router.post("/talent/vacancies/{pk}/apply", response={201: CandidacyOut}, auth=WRITE_AUTH)
def candidacy_submit(request, pk: int, payload: CandidacyIn):
    v = found(selectors.vacancy_get(scope=request.scope, pk=pk))
    return Status(
        201,
        circulation.candidacy_submit(
            vacancy=v,
            statement=payload.statement,
            actor=request.actor,
        ),
    )


@router.post("/talent/candidacies/{pk}/status", response=CandidacyOut, auth=WRITE_AUTH)
def candidacy_status(request, pk: int, payload: CandidacyStatusIn):
    c = found(selectors.candidacy_get(scope=request.scope, user=request.actor, pk=pk))
    return circulation.candidacy_set_status(candidacy=c, status=payload.status, actor=request.actor)
