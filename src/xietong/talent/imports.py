"""CSV/XLSX import of teachers and of a round's exchange posts: the whole file is checked first
(every problem with file, row and column) and written in one transaction, or nothing is."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import pgettext

from xietong.accounts.scope import scope_for
from xietong.audit.services import audit_record
from xietong.audit.vocabulary import AuditAction, ObjectType
from xietong.schools.models import School
from xietong.tabular import (
    ImportFailed,
    NumberError,
    Problem,
    Problems,
    parse_whole,
    read_table,
)
from xietong.tabular.i18n import gettext as _  # problems keep their code (msgid)

from .models import (
    HOME_CODE,
    Backbone,
    ExchangePost,
    ExchangeRound,
    Exemption,
    PostKind,
    RoundStatus,
    Subject,
    Teacher,
    TeachingStage,
    Title,
)
from .selectors import can_manage_round, round_prefixes

TEACHER_COLUMNS = (
    "code",
    "name",
    "school_code",
    "subject",
    "stage",
    "title",
    "backbone",
    "years_at_school",
    "eligible",
    "exemption",
    "weekly_hours",
)
TEACHER_REQUIRED = ("code", "name", "school_code", "subject", "stage")
POST_COLUMNS = ("code", "school_code", "subject", "stage", "term_years", "kind", "seats")
POST_REQUIRED = ("code", "school_code", "subject", "stage")
TRUE = {"1", "true", "yes", "y", "是"}
FALSE = {"0", "false", "no", "n", "否"}


@dataclass(frozen=True)
class ImportResult:
    file: str
    sha256: str
    rows: int
    created: int
    updated: int
    encoding: str | None = None  # how a CSV file's text was read ("UTF-8", "GB18030", ...)


_Collector = Problems  # every problem of the file, with its row and column


def _table(data: bytes, filename: str, columns, required, problem):
    """(row number, {column: text}) for every non-empty row, and the CSV text encoding used."""
    table = read_table(data, filename)
    rows = table.rows
    header = next(rows, None)
    if header is None:
        problem(1, "", _("the file is empty"))
        return [], table.encoding
    header = [h.strip().lower() for h in header]
    for col in required:
        if col not in header:
            problem(1, col, _("required column is missing"))
    for h in header:
        if h and h not in columns:
            problem(1, h, _("unknown column"))
    if problem.total:
        return [], table.encoding
    out = []
    for n, raw in enumerate(rows, start=2):
        if not raw or not any(c.strip() for c in raw):
            continue
        rec = {h: (raw[i].strip() if i < len(raw) else "") for i, h in enumerate(header) if h}
        out.append((n, rec))
    return out, table.encoding


def _enum(rec, n, col, choices, problem, default=None):
    v = rec.get(col, "") or default
    if v is None or v == "":
        problem(n, col, _("a value is required"))
        return None
    if v not in choices.values:
        allowed = pgettext("list separator", ", ").join(
            _("%(code)s (%(label)s)") % {"code": code, "label": label}
            for code, label in choices.choices
        )
        problem(n, col, _("%(v)r is not one of the codes %(a)s") % {"v": v, "a": allowed})
        return None
    return v


def _int(rec, n, col, lo, hi, problem, default):
    v = rec.get(col, "")
    if v == "":
        return default
    try:
        return parse_whole(v, lo=lo, hi=hi)
    except NumberError as exc:
        problem(n, col, exc.message)
        return None


def _teacher_row(n, rec, *, schools, scope, seen, problem):
    """(staff number, school, fields) of one row; its problems go to ``problem``."""
    code = rec.get("code", "")
    if not code:
        problem(n, "code", _("a value is required"))
    elif len(code) > 32:
        problem(n, "code", _("at most 32 characters"))
    elif code in seen:
        problem(n, "code", _("staff number repeated (first on row %(r)d)") % {"r": seen[code]})
    else:
        seen[code] = n
    if not rec.get("name"):
        problem(n, "name", _("a value is required"))
    school = schools.get(rec.get("school_code", ""))
    if school is None:
        problem(n, "school_code", _("no school with code %(c)r") % {"c": rec.get("school_code")})
    elif not scope.acts_for_school(school):
        problem(n, "school_code", _("you may not register teachers of this school"))
    eligible = rec.get("eligible", "").lower() or "1"
    if eligible not in TRUE | FALSE:
        problem(n, "eligible", _("use 1 or 0"))
    fields = {
        "name": rec.get("name", "")[:100],
        "subject": _enum(rec, n, "subject", Subject, problem),
        "stage": _enum(rec, n, "stage", TeachingStage, problem),
        "title": _enum(rec, n, "title", Title, problem, "none"),
        "backbone": _enum(rec, n, "backbone", Backbone, problem, "none"),
        "exemption": _enum(rec, n, "exemption", Exemption, problem, "none"),
        "years_at_school": _int(rec, n, "years_at_school", 0, 60, problem, 0),
        "weekly_hours": _int(rec, n, "weekly_hours", 0, 40, problem, 12),
        "eligible": eligible in TRUE,
    }
    return code, school, fields


def _teachers_write(parsed, *, scope, filename, seen, progress=None) -> tuple[int, int]:
    """Create or update the parsed teachers (inside the caller's transaction)."""
    existing = {t.code: t for t in Teacher.objects.filter(code__in=[p[0] for p in parsed])}
    new, changed = [], []
    for code, school, fields in parsed:
        t = existing.get(code)
        if t is None:
            new.append(Teacher(code=code, school=school, **fields))
            continue
        if not scope.acts_for_school(t.school):
            raise ImportFailed(
                [Problem(filename, seen[code], "code", _("this teacher belongs to another school"))]
            )
        t.school = school
        for k, v in fields.items():
            setattr(t, k, v)
        changed.append(t)
    _in_batches(Teacher.objects.bulk_create, new, 5000, progress)
    names = ["school", *parsed[0][2].keys()] if parsed else []
    _in_batches(lambda objs: Teacher.objects.bulk_update(objs, names), changed, 2000, progress)
    return len(new), len(changed)


def _in_batches(write, objs: list, size: int, progress) -> None:
    for i in range(0, len(objs), size):
        write(objs[i : i + size])
        if progress is not None:
            progress(len(objs[i : i + size]))


def teachers_import(
    *, data: bytes, filename: str, actor, scope=None, progress=None
) -> ImportResult:
    """Create or update teachers by staff number; the caller must be able to write each school.
    ``scope`` narrows the actor's (a job started with a role-bound API token); ``progress(n)``
    is told of each batch written."""
    scope = scope or scope_for(actor)
    problem = _Collector(filename)
    if scope.is_public:
        problem(0, "", _("you have no role that may register teachers"))
        problem.raise_if_any()
    rows, encoding = _table(data, filename, TEACHER_COLUMNS, TEACHER_REQUIRED, problem)
    schools = {s.code: s for s in School.objects.only("id", "code", "county_id")}
    seen: dict[str, int] = {}
    parsed = [
        _teacher_row(n, rec, schools=schools, scope=scope, seen=seen, problem=problem)
        for n, rec in rows
    ]
    problem.raise_if_any()
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        created, updated = _teachers_write(
            parsed, scope=scope, filename=filename, seen=seen, progress=progress
        )
        audit_record(
            actor=actor,
            action=AuditAction.TALENT_TEACHERS_IMPORT,
            object_type=ObjectType.TEACHERS,
            object_id=filename[:100],
            after={"file": filename, "sha256": digest, "created": created, "updated": updated},
        )
    return ImportResult(filename, digest, len(parsed), created, updated, encoding)


def _post_code(n, code, *, used, seen, problem) -> None:
    if not code:
        problem(n, "code", _("a value is required"))
    elif len(code) > 40:
        problem(n, "code", _("at most 40 characters"))
    elif code.upper() == HOME_CODE:
        problem(n, "code", _("reserved for staying at the current post"))
    elif code in used:
        problem(n, "code", _("post code already used in this round"))
    elif code in seen:
        problem(n, "code", _("post code repeated (first on row %(r)d)") % {"r": seen[code]})
    else:
        seen[code] = n


def _post_row(n, rec, *, rnd, schools, prefixes, used, seen, problem) -> ExchangePost:
    code = rec.get("code", "")
    _post_code(n, code, used=used, seen=seen, problem=problem)
    school = schools.get(rec.get("school_code", ""))
    if school is None:
        problem(n, "school_code", _("no school with code %(c)r") % {"c": rec.get("school_code")})
    elif not any(school.county_id.startswith(p) for p in prefixes):
        problem(n, "school_code", _("the school is outside the round's territory"))
    return ExchangePost(
        round=rnd,
        code=code,
        host_school=school,
        subject=_enum(rec, n, "subject", Subject, problem),
        stage=_enum(rec, n, "stage", TeachingStage, problem),
        kind=_enum(rec, n, "kind", PostKind, problem, "rotation"),
        term_years=_int(rec, n, "term_years", 1, 3, problem, 1),
        seats=_int(rec, n, "seats", 1, 100, problem, 1),
    )


def posts_import(
    *, rnd: ExchangeRound, data: bytes, filename: str, actor, scope=None, progress=None
) -> ImportResult:
    """Add a round's posts from a file (round managers; draft or open rounds). ``scope`` and
    ``progress`` as for ``teachers_import``."""
    scope = scope or scope_for(actor)
    problem = _Collector(filename)
    if not can_manage_round(scope, rnd):
        problem(0, "", _("you may not add posts to this round"))
        problem.raise_if_any()
    if rnd.status not in (RoundStatus.DRAFT, RoundStatus.OPEN):
        problem(0, "", _("posts can only be added while the round is a draft or open"))
        problem.raise_if_any()
    rows, encoding = _table(data, filename, POST_COLUMNS, POST_REQUIRED, problem)
    context = {
        "rnd": rnd,
        "prefixes": round_prefixes(rnd),
        "schools": {s.code: s for s in School.objects.only("id", "code", "county_id")},
        "used": set(ExchangePost.objects.filter(round=rnd).values_list("code", flat=True)),
        "seen": {},
        "problem": problem,
    }
    posts = [_post_row(n, rec, **context) for n, rec in rows]
    problem.raise_if_any()
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        _in_batches(ExchangePost.objects.bulk_create, posts, 5000, progress)
        audit_record(
            actor=actor,
            action=AuditAction.TALENT_POSTS_IMPORT,
            object_type=ObjectType.EXCHANGE_ROUND,
            object_id=rnd.pk,
            after={"file": filename, "sha256": digest, "created": len(posts)},
        )
    return ImportResult(filename, digest, len(posts), len(posts), 0, encoding)


# Files over XIETONG_IMPORT_JOB_BYTES are imported by a worker (xietong.jobs.imports): the same
# checks and the same single transaction, with the job's success in it.
TEACHERS_IMPORT = "talent.teachers_import"
POSTS_IMPORT = "talent.posts_import"


def _round_of(job) -> ExchangeRound:
    from xietong.jobs.errors import JobError

    rnd = ExchangeRound.objects.filter(pk=job.object_id).first()
    if rnd is None:
        raise JobError("not_found")
    return rnd


def _job_page(job) -> str:
    from django.urls import reverse

    return reverse("job_page", args=[job.pk])


def import_submit(*, data: bytes, filename: str, actor, rnd: ExchangeRound | None = None):
    """Queue the import of a large file: the round's posts when ``rnd`` is given, else
    teachers. Returns ``(job, created)``."""
    from xietong.jobs.imports import import_submit as submit

    if rnd is None:
        return submit(kind=TEACHERS_IMPORT, data=data, filename=filename, actor=actor)
    return submit(
        kind=POSTS_IMPORT,
        data=data,
        filename=filename,
        actor=actor,
        object_type=ObjectType.EXCHANGE_ROUND,
        object_id=str(rnd.pk),
    )


def _register_kinds() -> None:
    from xietong.jobs.imports import import_runner
    from xietong.jobs.kinds import JobKind, register

    register(
        JobKind(name=TEACHERS_IMPORT, run=import_runner(teachers_import), result_url=_job_page)
    )
    register(
        JobKind(
            name=POSTS_IMPORT,
            run=import_runner(posts_import, rnd=_round_of),
            result_url=_job_page,
        )
    )


_register_kinds()
