"""The catalogue's metadata as a table: export of what the caller can see, and import of a CSV or
XLSX file in three modes (add, update, add-or-update), checked whole before anything is written.

A file is read by the one bounded reader (``xietong.tabular``), so a hostile file (too large, a
ZIP bomb, too many rows or columns, a cell past Excel's limit) is refused before a row is
checked. Every problem is kept as a code and its parameters with the row and column
(``RowProblem``) and worded in the reader's language when shown (``problem_text``); the page's
preview, the command's ``--dry-run`` and a failed import list the same problems.

The rows are written through ``services.resource_create`` and ``services.resource_update``, so
each resource is scope-checked, versioned and audited as if entered by hand; the file itself is
one more audit entry (``resources.metadata_import``: its name, SHA-256 and the ids written). An
uploader creates resources only for an owner their role may add resources for
(``services.can_create_for``) and changes only resources they manage (``services.can_manage``);
a resource they cannot read is "not found", as its page would be.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from xietong.accounts.scope import OutOfScope, scope_for
from xietong.audit.services import audit_record
from xietong.audit.vocabulary import AuditAction, ObjectType
from xietong.regions.models import Jurisdiction
from xietong.schools.models import School
from xietong.tabular import ImportFailed, Problem, read_table

from . import licences, services
from .models import Resource, Status, Visibility, VocabularyNode
from .models.vocabulary import Scheme

COLUMNS = (
    "id",
    "title_zh",
    "title_en",
    "description",
    "kind",
    "stage",
    "grade",
    "subject",
    "edition",
    "volume",
    "unit",
    "lesson",
    "standards",
    "language",
    "licence",
    "author",
    "owner",
    "visibility",
    "url",
)
# column -> the service's field (``services.EDITABLE``); id and owner are not fields
FIELD_OF = {
    "title_zh": "title_zh",
    "title_en": "title_en",
    "description": "description_zh",
    "language": "language",
    "author": "author_name",
    "url": "external_url",
    "licence": "licence",
    "visibility": "visibility",
    "standards": "standards",
    **{f: f for f in services.NODE_FIELDS},
}
REQUIRED_ON_ADD = ("title_zh", "kind", "stage", "licence", "owner", "url")
MODES = ("add", "update", "add-or-update")
MAX_LENGTH = {"title_zh": 300, "title_en": 300, "author": 200, "url": 1000, "language": 20}
# (lower, upper): the lower entry must be a child of the upper one
CHAIN = (("grade", "stage"), ("volume", "edition"), ("unit", "volume"), ("lesson", "unit"))
STANDARD_SEPARATOR = ";"


# ---- problems as codes ---------------------------------------------------------------------


@dataclass(frozen=True)
class RowProblem:
    row: int  # 1-based, the header is row 1; 0: the file as a whole
    column: str
    code: str
    params: dict = field(default_factory=dict)


def problem_text(code: str, params: dict | None = None) -> str:
    """A problem code worded in the reader's language."""
    p = params or {}
    texts = {
        "missing_column": lambda: _("required column is missing"),
        "unknown_column": lambda: _("unknown column"),
        "no_mode_column": lambda: _("an update needs the id column"),
        "required": lambda: _("a value is required"),
        "too_long": lambda: _("at most %(max)d characters") % p,
        "bad_uuid": lambda: _("“%(value)s” is not a UUID") % p,
        "duplicate_id": lambda: _("id repeated (first on row %(first)d)") % p,
        "not_found": lambda: _("no resource with this id that you can read"),
        "exists": lambda: _("a resource with this id exists already (use --mode update)"),
        "may_not_change": lambda: _("you may not change this resource"),
        "under_review": lambda: _("the resource is under review; it cannot change now"),
        "owner_changed": lambda: _("the owner of a resource cannot be changed by an import"),
        "owner_unknown": lambda: _("“%(value)s” is neither a school code nor a division code") % p,
        "owner_forbidden": lambda: _("you may not add resources for %(value)s") % p,
        "not_in_vocabulary": lambda: _("“%(value)s” is not in the current vocabulary") % p,
        "wrong_parent": lambda: _("“%(value)s” does not belong to the %(upper)s “%(parent)s”") % p,
        "licence_invalid": lambda: _("“%(value)s” is not a valid SPDX licence expression") % p,
        "visibility_invalid": lambda: _("“%(value)s” is not one of %(allowed)s") % p,
        "url_invalid": lambda: _("“%(value)s” is not a web address (http:// or https://)") % p,
        "rejected": lambda: _("the catalogue refused the row: %(message)s") % p,
    }
    make = texts.get(code)
    return make() if make else code


def problem_message(filename: str, p: RowProblem) -> Problem:
    return Problem(filename, p.row, p.column, problem_text(p.code, p.params))


def failed(filename: str, problems: list[RowProblem], total: int | None = None) -> ImportFailed:
    return ImportFailed([problem_message(filename, p) for p in problems], total)


# ---- the plan ------------------------------------------------------------------------------


@dataclass
class PlannedRow:
    row: int
    action: str  # "add", "update" or "unchanged"
    title: str
    owner: str
    id: uuid.UUID | None = None
    fields: dict = field(default_factory=dict)
    changed: list[str] = field(default_factory=list)  # the columns an update changes
    resource: Resource | None = field(default=None, repr=False)
    owner_school: School | None = field(default=None, repr=False)
    owner_jurisdiction: Jurisdiction | None = field(default=None, repr=False)


@dataclass
class Plan:
    file: str
    sha256: str
    mode: str
    rows: list[PlannedRow]
    problems: list[RowProblem]
    total_problems: int
    encoding: str | None

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)


@dataclass(frozen=True)
class ImportResult:
    file: str
    sha256: str
    rows: int
    created: int
    updated: int
    unchanged: int
    encoding: str | None = None


class _Collector:
    """The problems of a file: all counted, the first ``limit`` kept."""

    def __init__(self, limit: int = 200):
        self.problems: list[RowProblem] = []
        self.total = 0
        self.limit = limit

    def __call__(self, row: int, column: str, code: str, **params) -> None:
        self.total += 1
        if len(self.problems) < self.limit:
            self.problems.append(RowProblem(row, column, code, params))


def _records(data: bytes, filename: str, problem: _Collector):
    """(header, [(row number, {column: text})], encoding)."""
    table = read_table(data, filename)
    header = next(table.rows, None)
    if header is None:
        problem(1, "", "required")
        return [], [], table.encoding
    header = [h.strip().lower().lstrip("\ufeff") for h in header]
    for h in header:
        if h and h not in COLUMNS:
            problem(1, h, "unknown_column")
    records = []
    for n, raw in enumerate(table.rows, start=2):
        if not raw or not any(c.strip() for c in raw):
            continue
        records.append(
            (n, {h: (raw[i].strip() if i < len(raw) else "") for i, h in enumerate(header) if h})
        )
    return [h for h in header if h], records, table.encoding


class _Context:
    """What the rows are checked against, read once: the current vocabulary, the owners and the
    resources the file names."""

    def __init__(self, scope, records):
        self.scope = scope
        self.nodes: dict[tuple[str, str], VocabularyNode] = {
            (n.scheme, n.code): n
            for n in VocabularyNode.objects.filter(release__is_current=True).only(
                "pk", "scheme", "code", "parent_id", "name_zh", "name_en"
            )
        }
        self.by_pk = {n.pk: n for n in self.nodes.values()}
        owners = {rec.get("owner", "") for _n, rec in records} - {""}
        self.schools = {s.code: s for s in School.objects.filter(code__in=owners)}
        self.jurisdictions = {j.code: j for j in Jurisdiction.objects.filter(code__in=owners)}
        ids = {_uuid(rec.get("id", "")) for _n, rec in records} - {None}
        from .selectors import visible_q

        found = Resource.objects.filter(pk__in=ids).select_related(
            *services.NODE_FIELDS, "owner_school", "owner_jurisdiction"
        )
        self.existing = {r.pk: r for r in found.prefetch_related("standards")}
        self.readable = set(
            Resource.objects.filter(pk__in=ids)
            .filter(visible_q(scope))
            .values_list("pk", flat=True)
        )
        self.seen: dict[uuid.UUID, int] = {}


def _uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text) if text else None
    except ValueError:
        return None


def _owner(ctx: _Context, n: int, code: str, problem) -> tuple:
    if code in ctx.jurisdictions and len(code) == 12:
        j = ctx.jurisdictions[code]
        if not services.can_create_for(ctx.scope, jurisdiction=j):
            problem(n, "owner", "owner_forbidden", value=code)
        return None, j
    school = ctx.schools.get(code)
    if school is None:
        problem(n, "owner", "owner_unknown", value=code)
        return None, None
    if not services.can_create_for(ctx.scope, school=school):
        problem(n, "owner", "owner_forbidden", value=code)
    return school, None


def _values(n: int, rec: dict, problem) -> dict:
    """The service's fields of a row's columns (those in the file), shape-checked."""
    out = {}
    for col, name in FIELD_OF.items():
        if col not in rec:
            continue
        value = rec[col]
        if len(value) > MAX_LENGTH.get(col, 10_000):
            problem(n, col, "too_long", max=MAX_LENGTH.get(col, 10_000))
        if col == "standards":
            value = sorted({c.strip() for c in value.split(STANDARD_SEPARATOR) if c.strip()})
        elif col == "licence" and value:
            try:
                value = licences.normalise(value)
            except ValueError:
                problem(n, col, "licence_invalid", value=value)
        elif col == "visibility" and value and value not in Visibility.values:
            problem(n, col, "visibility_invalid", value=value, allowed=", ".join(Visibility.values))
        elif col == "url" and value:
            try:
                URLValidator(schemes=["http", "https"])(value)
            except ValidationError:
                problem(n, col, "url_invalid", value=value)
        out[name] = value
    return out


def _check_vocabulary(ctx: _Context, n: int, merged: dict, from_file: set, problem) -> None:
    for col in services.NODE_FIELDS:
        code = merged.get(col) or ""
        if code and col in from_file and (col, code) not in ctx.nodes:
            problem(n, col, "not_in_vocabulary", value=code)
    for code in merged.get("standards") or []:
        if "standards" in from_file and (Scheme.STANDARD, code) not in ctx.nodes:
            problem(n, "standards", "not_in_vocabulary", value=code)
    for lower, upper in CHAIN:
        child = ctx.nodes.get((lower, merged.get(lower) or ""))
        if child is None or not ({lower, upper} & from_file):
            continue
        parent = ctx.nodes.get((upper, merged.get(upper) or ""))
        if parent is None or child.parent_id != parent.pk:
            problem(
                n, lower, "wrong_parent", value=child.code, upper=upper, parent=merged.get(upper)
            )


def _current(resource: Resource) -> dict:
    """A resource's values under the service's field names (what an update compares with)."""
    snap = services.snapshot(resource)
    return {name: snap[name] for name in FIELD_OF.values()}


def _existing_row(ctx, n, rec, rid, fields, problem) -> PlannedRow | None:
    resource = ctx.existing.get(rid)
    if resource is None or rid not in ctx.readable:
        problem(n, "id", "not_found")
        return None
    if not services.can_manage(ctx.scope, resource):
        problem(n, "id", "may_not_change")
        return None
    if resource.status == Status.PENDING:
        problem(n, "id", "under_review")
    owner = resource.owner_school.code if resource.owner_school_id else resource.owner_code
    if rec.get("owner") and rec["owner"] != owner:
        problem(n, "owner", "owner_changed")
    before = _current(resource)
    merged = {**before, **fields}
    _check_vocabulary(ctx, n, merged, set(fields), problem)
    if not merged.get("external_url") and resource.file_id is None:
        problem(n, "url", "required")
    if "title_zh" in fields and not fields["title_zh"]:
        problem(n, "title_zh", "required")
    for col in ("kind", "stage", "licence"):
        if col in fields and not fields[col]:
            problem(n, col, "required")
    changed = [c for c, name in FIELD_OF.items() if name in fields and fields[name] != before[name]]
    return PlannedRow(
        row=n,
        action="update" if changed else "unchanged",
        title=merged.get("title_zh", ""),
        owner=owner,
        id=rid,
        fields={k: v for k, v in fields.items() if v != before[k]},
        changed=changed,
        resource=resource,
    )


def _new_row(ctx, n, rec, rid, fields, problem) -> PlannedRow:
    for col in REQUIRED_ON_ADD:
        if not rec.get(col):
            problem(n, col, "required")
    fields = {
        **fields,
        "language": fields.get("language") or "zh-Hans",
        "visibility": fields.get("visibility") or Visibility.PRIVATE,
    }
    _check_vocabulary(ctx, n, fields, set(fields), problem)
    school = jurisdiction = None
    if rec.get("owner"):
        school, jurisdiction = _owner(ctx, n, rec["owner"], problem)
    return PlannedRow(
        row=n,
        action="add",
        title=fields.get("title_zh", ""),
        owner=rec.get("owner", ""),
        id=rid,
        fields=fields,
        changed=[c for c, name in FIELD_OF.items() if fields.get(name)],
        owner_school=school,
        owner_jurisdiction=jurisdiction,
    )


def _plan_row(ctx: _Context, n: int, rec: dict, mode: str, problem) -> PlannedRow | None:
    rid = None
    if rec.get("id"):
        rid = _uuid(rec["id"])
        if rid is None:
            problem(n, "id", "bad_uuid", value=rec["id"])
            return None
        if rid in ctx.seen:
            problem(n, "id", "duplicate_id", first=ctx.seen[rid])
            return None
        ctx.seen[rid] = n
    elif mode == "update":
        problem(n, "id", "required")
        return None
    fields = _values(n, rec, problem)
    exists = rid is not None and rid in ctx.existing
    if mode == "add" and exists:
        problem(n, "id", "exists" if rid in ctx.readable else "not_found")
        return None
    if mode == "update" or (mode == "add-or-update" and exists):
        return _existing_row(ctx, n, rec, rid, fields, problem)
    return _new_row(ctx, n, rec, rid, fields, problem)


def import_plan(
    *, data: bytes, filename: str, actor, mode: str = "add-or-update", scope=None
) -> Plan:
    """Check a whole file and say what importing it would do, row by row, writing nothing.
    Raises ImportFailed (UploadTooLarge) only for a file the reader refuses outright."""
    if mode not in MODES:
        raise ValueError(_("mode: use one of %(m)s.") % {"m": ", ".join(MODES)})
    scope = scope or scope_for(actor)
    problem = _Collector()
    header, records, encoding = _records(data, filename, problem)
    if header and mode == "update" and "id" not in header:
        problem(1, "id", "no_mode_column")
    if header and mode != "update":
        for col in REQUIRED_ON_ADD:
            if col not in header:
                problem(1, col, "missing_column")
    rows: list[PlannedRow] = []
    if not problem.total:
        ctx = _Context(scope, records)
        for n, rec in records:
            planned = _plan_row(ctx, n, rec, mode, problem)
            if planned is not None:
                rows.append(planned)
    return Plan(
        file=filename,
        sha256=hashlib.sha256(data).hexdigest(),
        mode=mode,
        rows=rows,
        problems=problem.problems,
        total_problems=problem.total,
        encoding=encoding,
    )


def _write(planned: PlannedRow, actor) -> Resource:
    if planned.action == "add":
        return services.resource_create(
            actor=actor,
            owner_school=planned.owner_school,
            owner_jurisdiction=planned.owner_jurisdiction,
            pk=planned.id,
            **planned.fields,
        )
    return services.resource_update(resource=planned.resource, actor=actor, **planned.fields)


def resources_import(
    *,
    data: bytes,
    filename: str,
    actor,
    mode: str = "add-or-update",
    scope=None,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import a metadata file: every row checked first (``import_plan``), then all of it written
    in one transaction through the services, or nothing (ImportFailed naming file, row and
    column). ``progress(n)`` is told of each row written (a job's progress)."""
    plan = import_plan(data=data, filename=filename, actor=actor, mode=mode, scope=scope)
    if plan.total_problems:
        raise failed(filename, plan.problems, plan.total_problems)
    written: dict[str, list[str]] = {"add": [], "update": []}
    with transaction.atomic():
        for planned in plan.rows:
            if planned.action == "unchanged":
                continue
            try:
                with transaction.atomic():
                    r = _write(planned, actor)
            except (ValueError, OutOfScope) as exc:
                raise failed(
                    filename, [RowProblem(planned.row, "", "rejected", {"message": str(exc)})]
                ) from None
            written[planned.action].append(str(r.pk))
            if progress is not None:
                progress(1)
        audit_record(
            actor=actor,
            action=AuditAction.RESOURCES_METADATA_IMPORT,
            object_type=ObjectType.RESOURCE_METADATA_FILE,
            object_id=plan.sha256,
            after={
                "file": filename,
                "sha256": plan.sha256,
                "mode": mode,
                "created": written["add"],
                "updated": written["update"],
                "unchanged": plan.count("unchanged"),
            },
        )
    return ImportResult(
        file=filename,
        sha256=plan.sha256,
        rows=len(plan.rows),
        created=len(written["add"]),
        updated=len(written["update"]),
        unchanged=plan.count("unchanged"),
        encoding=plan.encoding,
    )


# ---- export --------------------------------------------------------------------------------

FILTERS = ("edition", "subject", "stage", "grade", "kind")


def export_rows(*, actor, **filters) -> tuple[list[str], list[list[str]]]:
    """The resources the caller can see (their own drafts too), filtered by vocabulary codes, in
    the import's columns: a file this writes imports back to the same records."""
    from .selectors import resource_list

    qs = resource_list(actor=actor, **{k: v for k, v in filters.items() if k in FILTERS and v})
    rows = [_export_row(r) for r in qs.order_by("created_at", "pk").iterator(chunk_size=2000)]
    return list(COLUMNS), rows


def _export_row(r: Resource) -> list[str]:
    snap = services.snapshot(r)
    out = []
    for col in COLUMNS:
        if col == "id":
            out.append(str(r.pk))
        elif col == "owner":
            out.append(snap["owner"])
        elif col == "standards":
            out.append(STANDARD_SEPARATOR.join(snap["standards"]))
        else:
            out.append(snap[FIELD_OF[col]])
    return out
