"""Setting a cooperation up (bottom-up by a school, top-down by a bureau or secretariat) and its
lifecycle: suspend, renew, exit, each with a reason code."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xietong.audit.services import audit_record
from xietong.audit.vocabulary import AuditAction

from ..models import (
    Agreement,
    AgreementVersion,
    Cooperation,
    CooperationKind,
    Origin,
    Party,
    PartyKind,
    PartyRole,
    PrincipalArrangement,
    Status,
    StatusReason,
)
from .common import (
    LifecycleError,
    as_date,
    choice,
    content_hash,
    require_manage,
    scope_of,
    text,
)

CONTENT_FLAGS = (
    "management",
    "curriculum",
    "teaching_research",
    "teacher_training",
    "digital_resources",
)


def _party(coop: Cooperation, spec: dict, i: int) -> Party:
    role = choice(spec.get("role"), PartyRole, _("party %(n)d: role") % {"n": i + 1})
    if spec.get("school") is not None:
        s = spec["school"]
        return Party(
            cooperation=coop,
            kind=PartyKind.SCHOOL,
            school=s,
            role=role,
            jurisdiction_code=s.county_id,
        )
    if spec.get("jurisdiction") is not None:
        j = spec["jurisdiction"]
        return Party(
            cooperation=coop,
            kind=PartyKind.JURISDICTION,
            jurisdiction=j,
            role=role,
            jurisdiction_code=j.code,
        )
    if spec.get("social_partner") is not None:
        return Party(
            cooperation=coop,
            kind=PartyKind.SOCIAL,
            social_partner=spec["social_partner"],
            role=role,
        )
    raise ValueError(
        _("party %(n)d: name a school, a jurisdiction or a social partner.") % {"n": i + 1}
    )


def _targets_distinct(parties: list[Party]) -> None:
    seen = set()
    for i, p in enumerate(parties):
        key = (p.kind, p.school_id or p.jurisdiction_id or p.social_partner_id)
        if key in seen:
            raise ValueError(_("party %(n)d: named twice.") % {"n": i + 1})
        seen.add(key)


def agreement_content(coop: Cooperation, parties: list[Party], extra: dict | None) -> dict:
    """The content every party approves: the terms as codes and numbers, plus free clauses."""
    return {
        "code": coop.code,
        "kind": coop.kind,
        "term": [coop.term_start.isoformat(), coop.term_end.isoformat()],
        "principal": coop.principal,
        "subjects": sorted(coop.subjects),
        "content": [f for f in CONTENT_FLAGS if getattr(coop, f"covers_{f}")],
        "parties": [[p.kind, str(p.target.pk), p.role] for p in parties],
        **(extra or {}),
    }


def _create(*, actor, origin: str, fields: dict, parties: list[dict], clauses: dict | None):
    code = text(fields.get("code"), _("code"), max_length=40)
    if Cooperation.objects.filter(code=code).exists():
        raise ValueError(_("code: %(c)s is already used.") % {"c": code})
    start = as_date(fields.get("term_start"), _("term start"))
    end = as_date(fields.get("term_end"), _("term end"))
    if end < start:
        raise ValueError(_("term end: before the term start."))
    if not parties:
        raise ValueError(_("parties: name at least two parties."))
    flags = set(fields.get("content") or ())
    unknown = flags - set(CONTENT_FLAGS)
    if unknown:
        raise ValueError(_("content: %(v)s is not a known code.") % {"v": sorted(unknown)[0]})
    coop = Cooperation(
        code=code,
        kind=choice(fields.get("kind"), CooperationKind, _("kind")),
        title_zh=text(fields.get("title_zh"), _("Chinese title"), max_length=300),
        title_en=text(fields.get("title_en"), _("English title"), max_length=300, required=False),
        origin=origin,
        area=fields.get("area"),
        principal=choice(
            fields.get("principal") or PrincipalArrangement.EACH_OWN,
            PrincipalArrangement,
            _("principal arrangement"),
        ),
        subjects=sorted(set(fields.get("subjects") or ())),
        term_start=start,
        term_end=end,
        plan_task=fields.get("plan_task"),
        is_synthetic=bool(fields.get("is_synthetic")),
        created_by=actor,
        **{f"covers_{f}": f in flags for f in CONTENT_FLAGS},
    )
    rows = [_party(coop, spec, i) for i, spec in enumerate(parties)]
    if len(rows) < 2:
        raise ValueError(_("parties: name at least two parties."))
    _targets_distinct(rows)
    coop.save()
    for p in rows:
        p.save()
    coop.lead = next((p for p in rows if p.role == PartyRole.LEAD), rows[0])
    coop.save(update_fields=["lead"])
    agreement = Agreement.objects.create(cooperation=coop, current_version=1)
    content = agreement_content(coop, rows, clauses)
    AgreementVersion.objects.create(
        agreement=agreement,
        number=1,
        content=content,
        content_hash=content_hash(content),
        created_by=actor,
    )
    return coop


def _create_audited(*, actor, origin, action, fields, parties, clauses) -> Cooperation:
    with transaction.atomic():
        coop = _create(actor=actor, origin=origin, fields=fields, parties=parties, clauses=clauses)
        audit_record(
            actor=actor, action=action, obj=coop, after=coop.agreement.versions.get().content
        )
    return coop


def cooperation_propose(
    *, actor, school, fields: dict, parties: list[dict], clauses: dict | None = None
) -> Cooperation:
    """Bottom-up: a school proposes a cooperation it is a party of."""
    scope = scope_of(actor)
    scope.require(
        scope.acts_for_school(school), _("propose a cooperation for %(s)s") % {"s": school}
    )
    if not any(spec.get("school") == school for spec in parties):
        raise ValueError(_("parties: the proposing school must be one of them."))
    return _create_audited(
        actor=actor,
        origin=Origin.BOTTOM_UP,
        action=AuditAction.PARTNERSHIPS_PROPOSE,
        fields=fields,
        parties=parties,
        clauses=clauses,
    )


def _lead_code(parties: list[dict]) -> str | None:
    lead = next(
        (s for s in parties if s.get("role") == PartyRole.LEAD), parties[0] if parties else {}
    )
    if lead.get("school") is not None:
        return lead["school"].county_id
    return getattr(lead.get("jurisdiction"), "code", None)


def cooperation_establish(
    *, actor, fields: dict, parties: list[dict], clauses: dict | None = None
) -> Cooperation:
    """Top-down: the area's secretariat, or a bureau above the lead party, sets it up."""
    scope = scope_of(actor)
    area = fields.get("area")
    code = _lead_code(parties)
    allowed = (
        scope.is_admin
        or (area is not None and scope.can_manage_area(area.pk))
        or bool(code and scope.acts_for(code))
    )
    scope.require(allowed, _("set up a cooperation here"))
    return _create_audited(
        actor=actor,
        origin=Origin.TOP_DOWN,
        action=AuditAction.PARTNERSHIPS_ESTABLISH,
        fields=fields,
        parties=parties,
        clauses=clauses,
    )


def _lock(coop: Cooperation) -> Cooperation:
    return (
        Cooperation.objects.select_for_update(of=("self",)).select_related("lead").get(pk=coop.pk)
    )


_MOVES = {
    "suspend": ({Status.ACTIVE}, Status.SUSPENDED, AuditAction.PARTNERSHIPS_SUSPEND),
    "exit": (
        {Status.ACTIVE, Status.SUSPENDED, Status.PROPOSED},
        Status.EXITED,
        AuditAction.PARTNERSHIPS_EXIT,
    ),
    "resume": ({Status.SUSPENDED}, Status.ACTIVE, AuditAction.PARTNERSHIPS_RESUME),
}


def _move(*, actor, cooperation: Cooperation, step: str, reason: str, note: str) -> Cooperation:
    scope = scope_of(actor)
    allowed_from, target, action = _MOVES[step]
    reason = choice(reason, StatusReason, _("reason"))
    note = text(note, _("note"), max_length=1000, required=False)
    with transaction.atomic():
        coop = _lock(cooperation)
        require_manage(scope, coop)
        if coop.status not in allowed_from:
            raise LifecycleError(
                _("The cooperation is %(s)s: this step is not open.")
                % {"s": coop.get_status_display()}
            )
        before = {"status": coop.status, "reason": coop.status_reason, "note": coop.status_note}
        coop.status, coop.status_reason, coop.status_note = target, reason, note
        coop.status_changed_at = timezone.now()
        coop.save(
            update_fields=[
                "status",
                "status_reason",
                "status_note",
                "status_changed_at",
                "updated_at",
            ]
        )
        audit_record(
            actor=actor,
            action=action,
            obj=coop,
            before=before,
            after={"status": coop.status, "reason": reason, "note": note},
        )
    return coop


def cooperation_suspend(
    *, actor, cooperation: Cooperation, reason: str, note: str = ""
) -> Cooperation:
    return _move(actor=actor, cooperation=cooperation, step="suspend", reason=reason, note=note)


def cooperation_resume(
    *, actor, cooperation: Cooperation, reason: str, note: str = ""
) -> Cooperation:
    return _move(actor=actor, cooperation=cooperation, step="resume", reason=reason, note=note)


def cooperation_exit(
    *, actor, cooperation: Cooperation, reason: str, note: str = ""
) -> Cooperation:
    """Chengdu's 退出: the cooperation ends before its term, with a reason code."""
    return _move(actor=actor, cooperation=cooperation, step="exit", reason=reason, note=note)


def cooperation_renew(*, actor, cooperation: Cooperation, term_end) -> Cooperation:
    """A new term: the round number goes up, the agreement gets a new version (the new term)
    and every party approves it again before the cooperation is in force."""
    from .agreements import new_version

    scope = scope_of(actor)
    end = as_date(term_end, _("term end"))
    with transaction.atomic():
        coop = _lock(cooperation)
        require_manage(scope, coop)
        if coop.status == Status.EXITED:
            raise LifecycleError(
                _("The cooperation is %(s)s: this step is not open.")
                % {"s": coop.get_status_display()}
            )
        if end <= coop.term_end:
            raise ValueError(
                _("term end: must be after the current term end %(d)s.")
                % {"d": coop.term_end.isoformat()}
            )
        before = {"term_end": coop.term_end.isoformat(), "round": coop.renewal_round}
        start = coop.term_end + dt.timedelta(days=1)
        coop.term_start, coop.term_end = start, end
        coop.renewal_round += 1
        coop.status, coop.status_reason = Status.PROPOSED, StatusReason.RENEWED
        coop.status_note = ""
        coop.status_changed_at = timezone.now()
        coop.save()
        content = dict(coop.agreement.versions.order_by("-number").first().content)
        content["term"] = [start.isoformat(), end.isoformat()]
        content["renewal_round"] = coop.renewal_round
        new_version(actor=actor, coop=coop, content=content)
        audit_record(
            actor=actor,
            action=AuditAction.PARTNERSHIPS_RENEW,
            obj=coop,
            before=before,
            after={"term_end": end.isoformat(), "round": coop.renewal_round},
        )
    return coop
