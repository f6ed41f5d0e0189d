"""Agreements approved on one content hash (the Erasmus Without Paper rule).

Every edit makes a new numbered version with the SHA-256 of its canonical JSON; approvals of
earlier versions stay in the history, bound to their version and hash, but no longer count. The
cooperation is in force only when, on the current hash, (1) every party has approved and (2) for
every school party the education bureau above it (its county, or a city or provincial bureau
acting for the county) has approved as well; a jurisdiction party is a bureau itself, and a
social partner has none above it. Both origins (bottom-up and top-down) follow the same rule.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xietong.audit.services import audit_record
from xietong.audit.vocabulary import AuditAction

from ..models import (
    AgreementVersion,
    Approval,
    ApprovalRole,
    Cooperation,
    Party,
    PartyKind,
    Status,
)
from .common import (
    LifecycleError,
    acts_for_party,
    content_hash,
    require_manage,
    require_party,
    scope_of,
)

OPEN = {Status.PROPOSED, Status.ACTIVE, Status.SUSPENDED}


def current_version(coop: Cooperation) -> AgreementVersion:
    return coop.agreement.versions.get(number=coop.agreement.current_version)


def new_version(*, actor, coop: Cooperation, content: dict) -> AgreementVersion:
    """A new version (caller holds the lock and audits); the cooperation drops out of force."""
    agreement = coop.agreement
    agreement.current_version += 1
    agreement.save(update_fields=["current_version"])
    version = AgreementVersion.objects.create(
        agreement=agreement,
        number=agreement.current_version,
        content=content,
        content_hash=content_hash(content),
        created_by=actor,
    )
    if coop.status == Status.ACTIVE:
        coop.status = Status.PROPOSED
        coop.status_changed_at = timezone.now()
        coop.save(update_fields=["status", "status_changed_at", "updated_at"])
    return version


def _lock(coop: Cooperation) -> Cooperation:
    return (
        Cooperation.objects.select_for_update().select_related("lead", "agreement").get(pk=coop.pk)
    )


def agreement_edit(*, actor, cooperation: Cooperation, content: dict) -> AgreementVersion:
    """Edit the agreement: a party or a manager writes a new version; earlier approvals void."""
    if not isinstance(content, dict) or not content:
        raise ValueError(_("content: give the agreement's terms."))
    scope = scope_of(actor)
    with transaction.atomic():
        coop = _lock(cooperation)
        if not any(acts_for_party(scope, p) for p in coop.parties.all()):
            require_manage(scope, coop)
        if coop.status not in OPEN:
            raise LifecycleError(
                _("The cooperation is %(s)s: this step is not open.")
                % {"s": coop.get_status_display()}
            )
        before = current_version(coop)
        if content_hash(content) == before.content_hash:
            raise ValueError(_("content: unchanged from version %(n)d.") % {"n": before.number})
        version = new_version(actor=actor, coop=coop, content=content)
        audit_record(
            actor=actor,
            action=AuditAction.PARTNERSHIPS_AGREEMENT_EDIT,
            obj=version,
            before={"hash": before.content_hash},
            after={"hash": version.content_hash, "content": content},
        )
    return version


def required_approvals(coop: Cooperation) -> list[tuple[str, Party, str | None]]:
    """(role, party, bureau jurisdiction code) for every approval the current hash needs."""
    need = []
    for p in coop.parties.select_related("school", "jurisdiction", "social_partner"):
        need.append((ApprovalRole.PARTY, p, None))
        if p.kind == PartyKind.SCHOOL:
            need.append((ApprovalRole.BUREAU, p, p.school.county_id))
    return need


def missing_approvals(coop: Cooperation) -> list[tuple[str, Party, str | None]]:
    version = current_version(coop)
    have = {
        (a.role, a.party_id, a.jurisdiction_id)
        for a in Approval.objects.filter(version=version, content_hash=version.content_hash)
    }
    return [(r, p, j) for r, p, j in required_approvals(coop) if (r, p.pk, j) not in have]


def agreement_approve(
    *, actor, cooperation: Cooperation, party: Party, content_hash: str, as_bureau: bool = False
) -> Approval:
    """``party`` approves the version with ``content_hash`` (must be the current one), or, with
    ``as_bureau``, the bureau above the school party approves it."""
    scope = scope_of(actor)
    with transaction.atomic():
        coop = _lock(cooperation)
        if party.cooperation_id != coop.pk:
            raise ValueError(_("party: not a party of %(c)s.") % {"c": coop.code})
        if coop.status not in {Status.PROPOSED}:
            raise LifecycleError(
                _("The cooperation is %(s)s: this step is not open.")
                % {"s": coop.get_status_display()}
            )
        version = current_version(coop)
        if content_hash != version.content_hash:
            raise LifecycleError(
                _("The agreement changed (now version %(n)d): read it again before approving.")
                % {"n": version.number}
            )
        if as_bureau:
            if party.kind != PartyKind.SCHOOL:
                raise ValueError(_("party: only a school party has a bureau above it."))
            county = party.school.county_id
            scope.require(
                scope.acts_for(county), _("approve for the bureau of %(j)s") % {"j": county}
            )
            role, jurisdiction = ApprovalRole.BUREAU, county
        else:
            require_party(scope, party)
            role, jurisdiction = ApprovalRole.PARTY, None
        if Approval.objects.filter(
            version=version, role=role, party=party, jurisdiction_id=jurisdiction
        ).exists():
            raise LifecycleError(_("Already approved on this version."))
        approval = Approval.objects.create(
            version=version,
            content_hash=version.content_hash,
            role=role,
            party=party,
            jurisdiction_id=jurisdiction,
            approved_by=actor,
        )
        audit_record(
            actor=actor,
            action=AuditAction.PARTNERSHIPS_APPROVE,
            obj=approval,
            after={
                "version": version.number,
                "hash": version.content_hash,
                "role": role,
                "party": party.pk,
            },
        )
        _activate_if_complete(actor, coop, version)
    return approval


def _activate_if_complete(actor, coop: Cooperation, version: AgreementVersion) -> None:
    if missing_approvals(coop):
        return
    coop.status = Status.ACTIVE
    coop.status_changed_at = timezone.now()
    coop.save(update_fields=["status", "status_changed_at", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.PARTNERSHIPS_ACTIVATE,
        obj=coop,
        after={"version": version.number, "hash": version.content_hash},
    )
