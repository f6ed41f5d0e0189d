"""The cooperation portfolio in and out as one table (CSV or XLSX), issue 14 section 3.

One row is one record, named in the ``record`` column: ``cooperation`` (its code, kind, titles,
area, principal arrangement, subjects, content, term), ``party`` (kind, the school code, the
12-digit jurisdiction code or the social partner's credit code or Chinese name, and the role),
``obligation`` (code, measure, quota, period, verification standard, kinds and subjects counted)
and ``activity`` (its ``ref``, kind, date, quantity, obligation, subject, online, provider and
recipient parties). ``status`` and ``level`` are written by the export and not read back: a
status moves by the lifecycle steps and a level by the partner's and the authority's steps.

An import is planned first (:func:`portfolio_plan`): each record is ``add``, ``update`` or
``unchanged`` under the mode asked (``add``: nothing may exist yet; ``update``: everything must;
``add-or-update``: either), and every problem is kept as a code with its parameters, its row and
its column, rendered in the reader's language when shown. :func:`portfolio_import` writes a plan
without problems through the app's services (each scoped and audited) in one transaction.

What an import may change of an existing cooperation is its titles, its obligations and its
self-reported activities; its terms and parties are the agreement every party approved, and
change by an agreement edit or a renewal, never by a file. Activities are recorded once a
cooperation is in force, so a file that sets up a cooperation carries its activities in a later
file, after the approvals.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction

from xietong.accounts.scope import Scope, scope_for
from xietong.audit.services import audit_record
from xietong.audit.vocabulary import AuditAction, ObjectType
from xietong.regions.models import CooperationArea, Jurisdiction
from xietong.schools.models import School
from xietong.tabular import ImportFailed, Problem, read_table

from .io_cells import Cells, RowError, allowed_codes, words
from .models import (
    Activity,
    ActivityKind,
    Cooperation,
    CooperationKind,
    Level,
    Measure,
    Obligation,
    PartyKind,
    PartyRole,
    PeriodKind,
    PrincipalArrangement,
    SocialPartner,
    Status,
)
from .services import cooperation_establish, obligation_set
from .services.activities import activity_record
from .services.common import LifecycleError, acts_for_party, can_manage
from .services.cooperations import CONTENT_FLAGS
from .services.portfolio_io import activity_amend, cooperation_retitle

COLUMNS = (
    "record",
    "cooperation",
    "kind",
    "title_zh",
    "title_en",
    "area",
    "principal",
    "subjects",
    "content",
    "term_start",
    "term_end",
    "status",
    "party_kind",
    "party",
    "role",
    "obligation",
    "measure",
    "quota",
    "period_kind",
    "standard",
    "activity_kinds",
    "min_subjects",
    "ref",
    "date",
    "quantity",
    "subject",
    "online",
    "provider",
    "recipient",
    "level",
)
RECORDS = ("cooperation", "party", "obligation", "activity")
MODES = ("add", "update", "add-or-update")
IMPORT_SOURCE = "import"  # Activity.source_app of an activity a file brought, source_id its ref
TERMS = ("kind", "area", "principal", "subjects", "content", "term_start", "term_end")


@dataclass
class Item:
    row: int
    record: str
    key: str  # "TWL-1", "TWL-1/sync", "TWL-1#ref", "TWL-1:110112001"
    action: str  # add, update, unchanged
    values: dict = field(default_factory=dict, repr=False)
    obj: object = field(default=None, repr=False)


@dataclass
class Plan:
    file: str
    mode: str
    sha256: str
    encoding: str | None
    items: list[Item] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(("add", "update", "unchanged"), 0)
        for it in self.items:
            out[it.action] += 1
        return out

    def failure(self) -> ImportFailed:
        problems = [Problem(self.file, e.row, e.column, e.message) for e in self.errors]
        return ImportFailed(problems[:200], len(problems))

    def as_dict(self) -> dict:
        """What a preview keeps between the upload and the confirmation: codes, never words."""
        return {
            "file": self.file,
            "mode": self.mode,
            "sha256": self.sha256,
            "encoding": self.encoding,
            "counts": self.counts(),
            "items": [[i.row, i.record, i.key, i.action] for i in self.items[:500]],
            "errors": [e.as_dict() for e in self.errors[:200]],
            "total_errors": len(self.errors),
        }


@dataclass(frozen=True)
class ImportResult:
    file: str
    sha256: str
    rows: int
    added: int
    updated: int
    unchanged: int
    encoding: str | None = None


def party_ref(p) -> str:
    """How a file names a party: school code, jurisdiction code, social partner's credit code
    (its Chinese name when it has none)."""
    if p.kind == PartyKind.SCHOOL:
        return p.school.code
    if p.kind == PartyKind.JURISDICTION:
        return p.jurisdiction_id
    return p.social_partner.credit_code or p.social_partner.name_zh


def activity_ref(a: Activity) -> str:
    """How a file names an activity: the ref it was imported with, its source record, or
    ``xt-<id>`` for one typed here."""
    if a.source_app == IMPORT_SOURCE:
        return a.source_id
    if a.source_app:
        return f"{a.source_app}:{a.source_id}"
    return f"xt-{a.pk}"


def _table(data: bytes, filename: str, reader: Cells) -> list[tuple[int, dict]]:
    table = read_table(data, filename)
    reader.plan.encoding = table.encoding
    header = next(table.rows, None)
    if header is None:
        reader.error(0, "", "empty")
        return []
    header = [h.strip().lower() for h in header]
    for col in ("record", "cooperation"):
        if col not in header:
            reader.error(1, col, "missing_column")
    for h in header:
        if h and h not in COLUMNS:
            reader.error(1, h, "unknown_column")
    if reader.plan.errors:
        return []
    out = []
    for n, raw in enumerate(table.rows, start=2):
        if not raw or not any(c.strip() for c in raw):
            continue
        out.append(
            (n, {h: (raw[i].strip() if i < len(raw) else "") for i, h in enumerate(header) if h})
        )
    return out


@dataclass
class _Group:
    code: str
    coop: Cooperation | None
    rows: dict = field(default_factory=lambda: defaultdict(list))


def _lookups(groups: dict[str, _Group]):
    """The schools, jurisdictions, partners and areas the file names, read once."""
    refs = defaultdict(set)
    for g in groups.values():
        for _n, rec in g.rows["party"]:
            refs[rec.get("party_kind", "")].add(rec.get("party", ""))
        for _n, rec in g.rows["cooperation"]:
            refs["area"].add(rec.get("area", ""))
    partners = {}
    for sp in SocialPartner.objects.filter(credit_code__in=refs[PartyKind.SOCIAL]):
        partners.setdefault(sp.credit_code, sp)
    for sp in SocialPartner.objects.filter(name_zh__in=refs[PartyKind.SOCIAL]):
        partners.setdefault(sp.name_zh, sp)
    return {
        PartyKind.SCHOOL: {
            s.code: s for s in School.objects.filter(code__in=refs[PartyKind.SCHOOL])
        },
        PartyKind.JURISDICTION: {
            j.code: j for j in Jurisdiction.objects.filter(code__in=refs[PartyKind.JURISDICTION])
        },
        PartyKind.SOCIAL: partners,
        "area": {a.slug: a for a in CooperationArea.objects.filter(slug__in=refs["area"])},
    }


def _groups(rows, reader: Cells, scope: Scope) -> dict[str, _Group]:
    groups: dict[str, _Group] = {}
    for n, rec in rows:
        record, code = rec.get("record", "").lower(), rec.get("cooperation", "")
        if record not in RECORDS:
            reader.error(n, "record", "unknown_record", v=record)
            continue
        if not code:
            reader.error(n, "cooperation", "required")
            continue
        groups.setdefault(code, _Group(code, None)).rows[record].append((n, rec))
    existing = (
        Cooperation.objects.filter(code__in=list(groups))
        .select_related("lead", "area")
        .prefetch_related(
            "parties__school", "parties__jurisdiction", "parties__social_partner", "obligations"
        )
    )
    from .selectors import visible_q

    visible = set(
        Cooperation.objects.filter(visible_q(scope), code__in=list(groups)).values_list(
            "pk", flat=True
        )
    )
    for c in existing:
        g = groups[c.code]
        if c.pk not in visible:
            first = min(n for rows in g.rows.values() for n, _rec in rows)
            reader.error(first, "cooperation", "code_taken", v=c.code)
            g.rows.clear()
        g.coop = c
    return groups


def _mode_action(reader, n, column, mode, key, exists, changed) -> str | None:
    if exists and mode == "add":
        reader.error(n, column, "exists", v=key)
        return None
    if not exists and mode == "update":
        reader.error(n, column, "missing", v=key)
        return None
    if not exists:
        return "add"
    return "update" if changed else "unchanged"


def _coop_values(reader, n, rec, lookups) -> dict | None:
    before = len(reader.plan.errors)
    area = None
    if rec.get("area"):
        area = lookups["area"].get(rec["area"])
        if area is None:
            reader.error(n, "area", "no_area", v=rec["area"])
    values = {
        "kind": reader.code(n, rec, "kind", CooperationKind),
        "title_zh": reader.text(n, rec, "title_zh", 300),
        "title_en": reader.text(n, rec, "title_en", 300, required=False),
        "area": area,
        "principal": reader.code(
            n, rec, "principal", PrincipalArrangement, PrincipalArrangement.EACH_OWN
        ),
        "subjects": words(rec.get("subjects")),
        "content": reader.codes(n, rec, "content", CONTENT_FLAGS, ", ".join(CONTENT_FLAGS)),
        "term_start": reader.date(n, rec, "term_start"),
        "term_end": reader.date(n, rec, "term_end"),
    }
    if values["term_start"] and values["term_end"] and values["term_end"] < values["term_start"]:
        reader.error(n, "term_end", "term_order")
    return None if len(reader.plan.errors) > before else values


def _coop_current(c: Cooperation) -> dict:
    return {
        "kind": c.kind,
        "title_zh": c.title_zh,
        "title_en": c.title_en,
        "area": c.area,
        "principal": c.principal,
        "subjects": sorted(c.subjects),
        "content": sorted(f for f in CONTENT_FLAGS if getattr(c, f"covers_{f}")),
        "term_start": c.term_start,
        "term_end": c.term_end,
    }


def _plan_cooperation(reader, g: _Group, mode, scope, lookups) -> Item | None:
    rows = g.rows["cooperation"]
    if not rows:
        if g.coop is None and any(g.rows.values()):
            n = min(n for rs in g.rows.values() for n, _r in rs)
            reader.error(n, "cooperation", "no_cooperation_row", v=g.code)
        return None
    for n, _rec in rows[1:]:
        reader.error(n, "cooperation", "repeated", v=g.code, first=rows[0][0])
    n, rec = rows[0]
    values = _coop_values(reader, n, rec, lookups)
    if values is None:
        return None
    changed = False
    if g.coop is not None:
        current = _coop_current(g.coop)
        for f in TERMS:
            if values[f] != current[f]:
                reader.error(n, f, "terms_fixed", v=f)
        changed = (values["title_zh"], values["title_en"]) != (
            current["title_zh"],
            current["title_en"],
        )
        if changed and not can_manage(scope, g.coop):
            reader.error(n, "cooperation", "not_manager", v=g.code)
    action = _mode_action(reader, n, "cooperation", mode, g.code, g.coop is not None, changed)
    return action and Item(n, "cooperation", g.code, action, values, g.coop)


def _plan_parties(reader, g: _Group, lookups) -> list[Item]:
    items, seen = [], {}
    for n, rec in g.rows["party"]:
        kind = reader.code(n, rec, "party_kind", PartyKind)
        role = reader.code(n, rec, "role", PartyRole)
        ref = rec.get("party", "")
        if not ref:
            reader.error(n, "party", "required")
            continue
        if kind is None or role is None:
            continue
        target = lookups[kind].get(ref)
        if target is None:
            code = {"school": "no_school", "jurisdiction": "no_jurisdiction"}.get(kind)
            reader.error(n, "party", code or "no_partner", v=ref)
            continue
        if (kind, ref) in seen:
            reader.error(n, "party", "repeated", v=ref, first=seen[(kind, ref)])
            continue
        seen[(kind, ref)] = n
        items.append(Item(n, "party", f"{g.code}:{ref}", "add", {"role": role, kind: target}))
    if g.coop is not None:
        have = {(p.kind, party_ref(p), p.role) for p in g.coop.parties.all()}
        given = {(k, r, it.values["role"]) for it, (k, r) in zip(items, seen, strict=True)}
        if items and given != have:
            reader.error(items[0].row, "party", "parties_fixed", v=g.code)
        for it in items:
            it.action = "unchanged"
    elif g.rows["cooperation"] and len(items) < 2 and len(seen) == len(g.rows["party"]):
        reader.error(g.rows["cooperation"][0][0], "party", "few_parties")
    return items


def _obligation_values(reader, n, rec) -> dict | None:
    before = len(reader.plan.errors)
    values = {
        "measure": reader.code(n, rec, "measure", Measure),
        "quota": reader.decimal(n, rec, "quota"),
        "period_kind": reader.code(n, rec, "period_kind", PeriodKind, PeriodKind.YEAR),
        "standard": reader.code(n, rec, "standard", Level, Level.PARTNER_CONFIRMED),
        "activity_kinds": reader.codes(
            n, rec, "activity_kinds", ActivityKind.values, allowed_codes(ActivityKind)
        ),
        "subjects": words(rec.get("subjects")),
        "min_subjects": reader.whole(n, rec, "min_subjects"),
    }
    return None if len(reader.plan.errors) > before else values


def _plan_obligations(reader, g: _Group, mode, scope, new_ok) -> list[Item]:
    items, seen = [], {}
    have = {o.code: o for o in g.coop.obligations.all()} if g.coop else {}
    for n, rec in g.rows["obligation"]:
        code = reader.text(n, rec, "obligation", 40)
        values = _obligation_values(reader, n, rec)
        if code is None or values is None:
            continue
        if code in seen:
            reader.error(n, "obligation", "repeated", v=code, first=seen[code])
            continue
        seen[code] = n
        ob = have.get(code)
        changed = ob is not None and values != {
            "measure": ob.measure,
            "quota": ob.quota,
            "period_kind": ob.period_kind,
            "standard": ob.standard,
            "activity_kinds": sorted(ob.activity_kinds),
            "subjects": sorted(ob.subjects),
            "min_subjects": ob.min_subjects,
        }
        key = f"{g.code}/{code}"
        action = _mode_action(reader, n, "obligation", mode, key, ob is not None, changed)
        if action in ("add", "update") and g.coop is not None and not can_manage(scope, g.coop):
            reader.error(n, "obligation", "not_manager", v=g.code)
            continue
        if action is not None and (g.coop is not None or new_ok):
            items.append(Item(n, "obligation", key, action, {"code": code, **values}, ob))
    return items


def _party_of(reader, n, rec, col, parties, code):
    ref = rec.get(col, "")
    if not ref:
        return None, True
    p = parties.get(ref)
    if p is None:
        reader.error(n, col, "no_party", v=ref, c=code)
        return None, False
    return p, True


def _activity_values(reader, n, rec, coop, obligations, parties, planned) -> dict | None:
    before = len(reader.plan.errors)
    values = {
        "kind": reader.code(n, rec, "kind", ActivityKind),
        "date": reader.date(n, rec, "date"),
        "amount": reader.decimal(n, rec, "quantity"),
        "subject": reader.text(n, rec, "subject", 20, required=False) or "",
        "online": reader.flag(n, rec, "online"),
        "obligation": None,
    }
    for col in ("provider", "recipient"):
        values[col], _ok = _party_of(reader, n, rec, col, parties, coop.code)
    if rec.get("obligation"):
        ob = obligations.get(rec["obligation"])
        if ob is None:
            reader.error(n, "obligation", "no_obligation", v=rec["obligation"], c=coop.code)
        elif isinstance(ob, str):
            kinds = next(i.values["activity_kinds"] for i in planned if i.values["code"] == ob)
            if values["kind"] and kinds and values["kind"] not in kinds:
                reader.error(n, "kind", "kind_not_counted", v=values["kind"], o=ob)
        elif values["kind"] and ob.activity_kinds and values["kind"] not in ob.activity_kinds:
            reader.error(n, "kind", "kind_not_counted", v=values["kind"], o=ob.code)
        values["obligation"] = ob
    if values["date"] and not coop.term_start <= values["date"] <= coop.term_end:
        reader.error(n, "date", "outside_term", v=values["date"].isoformat())
    return None if len(reader.plan.errors) > before else values


def _activity_current(a: Activity) -> dict:
    return {
        "kind": a.kind,
        "date": a.date,
        "amount": a.quantity,
        "subject": a.subject,
        "online": a.online,
        "obligation": a.obligation,
        "provider": a.provider,
        "recipient": a.recipient,
    }


def _activity_parties(reader, g: _Group, scope) -> dict | None:
    """The parties by their file name, or None when the file may not touch its activities."""
    coop, rows = g.coop, g.rows["activity"]
    if coop is None or coop.status == Status.PROPOSED:
        for n, _rec in rows:
            reader.error(n, "cooperation", "not_in_force", v=g.code)
        return None
    parties = {party_ref(p): p for p in coop.parties.all()}
    if rows and not any(acts_for_party(scope, p) for p in parties.values()):
        for n, _rec in rows:
            reader.error(n, "cooperation", "not_party", v=g.code)
        return None
    return parties


def _plan_activities(reader, g: _Group, mode, scope, obligation_items) -> list[Item]:
    rows = g.rows["activity"]
    parties = _activity_parties(reader, g, scope)
    if not rows or parties is None:
        return []
    coop = g.coop
    obligations = {o.code: o for o in coop.obligations.all()}
    # an obligation this file adds is named by its code and looked up when written
    obligations.update(
        {it.values["code"]: it.values["code"] for it in obligation_items if it.action == "add"}
    )
    existing = {
        activity_ref(a): a
        for a in coop.activities.select_related("obligation", "provider", "recipient")
    }
    items, seen = [], {}
    for n, rec in rows:
        ref = reader.text(n, rec, "ref", 64)
        values = _activity_values(reader, n, rec, coop, obligations, parties, obligation_items)
        if ref is None or values is None:
            continue
        if ref in seen:
            reader.error(n, "ref", "repeated", v=ref, first=seen[ref])
            continue
        seen[ref] = n
        act = existing.get(ref)
        changed = act is not None and values != _activity_current(act)
        action = _mode_action(reader, n, "ref", mode, f"{g.code}#{ref}", act is not None, changed)
        if action == "update" and act.level != Level.SELF_REPORTED:
            reader.error(n, "ref", "confirmed", v=ref, level=act.get_level_display())
            continue
        if action is not None:
            items.append(
                Item(n, "activity", f"{g.code}#{ref}", action, {"ref": ref, **values}, act)
            )
    return items


def _may_establish(scope: Scope, values: dict, parties: list[Item]) -> bool:
    if scope.is_admin or (values["area"] is not None and scope.can_manage_area(values["area"].pk)):
        return True
    lead = next((p for p in parties if p.values["role"] == PartyRole.LEAD), None)
    lead = lead or (parties[0] if parties else None)
    if lead is None:
        return False
    target = lead.values.get("school") or lead.values.get("jurisdiction")
    code = getattr(target, "county_id", None) or getattr(target, "code", None)
    return bool(code and scope.acts_for(code))


def portfolio_plan(*, data: bytes, filename: str, mode: str, scope: Scope) -> Plan:
    """What importing ``data`` in ``mode`` would do, and every problem of it."""
    plan = Plan(filename, mode, hashlib.sha256(data).hexdigest(), None)
    reader = Cells(plan)
    if mode not in MODES:
        reader.error(0, "", "not_code", v=mode, allowed=", ".join(MODES))
        return plan
    if scope.is_public:
        reader.error(0, "", "not_establisher")
        return plan
    rows = _table(data, filename, reader)
    groups = _groups(rows, reader, scope)
    lookups = _lookups(groups)
    for g in groups.values():
        coop_item = _plan_cooperation(reader, g, mode, scope, lookups)
        parties = _plan_parties(reader, g, lookups)
        if coop_item is not None and coop_item.action == "add":
            if not _may_establish(scope, coop_item.values, parties):
                reader.error(coop_item.row, "cooperation", "not_establisher")
        obligations = _plan_obligations(reader, g, mode, scope, coop_item is not None)
        activities = _plan_activities(reader, g, mode, scope, obligations)
        for it in (coop_item, *parties, *obligations, *activities):
            if it is not None:
                plan.items.append(it)
    plan.items.sort(key=lambda it: it.row)
    plan.errors.sort(key=lambda e: (e.row, e.column))
    return plan


def _write_cooperation(actor, it: Item, parties: list[Item]) -> Cooperation:
    v = it.values
    if it.action == "add":
        return cooperation_establish(
            actor=actor,
            fields={**v, "code": it.key},
            parties=[p.values for p in parties],
        )
    if it.action == "update":
        return cooperation_retitle(
            actor=actor, cooperation=it.obj, title_zh=v["title_zh"], title_en=v["title_en"]
        )
    return it.obj


def _write(actor, plan: Plan, progress, where: list) -> None:
    coops: dict[str, Cooperation] = {}
    parties = defaultdict(list)
    for it in plan.items:
        if it.record == "party":
            parties[it.key.split(":", 1)[0]].append(it)
    for it in plan.items:
        where[0] = it.row  # the row a service refuses is the one to name
        code = it.key.split("/", 1)[0].split("#", 1)[0].split(":", 1)[0]
        if it.record == "cooperation":
            coops[code] = _write_cooperation(actor, it, parties[code])
        elif it.record == "obligation" and it.action != "unchanged":
            coop = coops.get(code) or Cooperation.objects.get(code=code)
            obligation_set(actor=actor, cooperation=coop, **it.values)
        elif it.record == "activity" and it.action != "unchanged":
            v = dict(it.values)
            ref = v.pop("ref")
            if isinstance(v["obligation"], str):
                v["obligation"] = Obligation.objects.get(
                    cooperation__code=code, code=v["obligation"]
                )
            if it.action == "add":
                activity_record(
                    actor=actor,
                    cooperation=it.obj.cooperation if it.obj else _coop(coops, code),
                    source=(IMPORT_SOURCE, ref),
                    **v,
                )
            else:
                activity_amend(actor=actor, activity=it.obj, **v)
        if progress is not None:
            progress(1)


def _coop(coops, code) -> Cooperation:
    return coops.get(code) or Cooperation.objects.get(code=code)


def portfolio_import(
    *,
    data: bytes,
    filename: str,
    actor,
    mode: str = "add-or-update",
    scope: Scope | None = None,
    dry_run: bool = False,
    progress=None,
) -> ImportResult:
    """Plan the file and, when it has no problem (and ``dry_run`` is false), write all of it in
    one transaction, or nothing (ImportFailed naming file, row and column)."""
    scope = scope or scope_for(actor)
    plan = portfolio_plan(data=data, filename=filename, mode=mode, scope=scope)
    if plan.errors:
        raise plan.failure()
    counts = plan.counts()
    if not dry_run:
        _apply(actor, plan, counts, progress)
    return ImportResult(
        filename,
        plan.sha256,
        len(plan.items),
        counts["add"],
        counts["update"],
        counts["unchanged"],
        plan.encoding,
    )


def _apply(actor, plan: Plan, counts: dict, progress) -> None:
    where = [0]
    try:
        with transaction.atomic():
            _write(actor, plan, progress, where)
            audit_record(
                actor=actor,
                action=AuditAction.PARTNERSHIPS_IMPORT,
                object_type=ObjectType.COOPERATION_IMPORT,
                object_id=plan.file[:100],
                after={"file": plan.file, "sha256": plan.sha256, "mode": plan.mode, **counts},
            )
    except (ValueError, LifecycleError, PermissionDenied) as exc:
        if isinstance(exc, ImportFailed):
            raise
        raise ImportFailed([Problem(plan.file, where[0], "", str(exc))]) from None
