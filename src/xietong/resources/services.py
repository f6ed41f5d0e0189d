"""Every write on the resource catalogue: keyword-only, atomic, scope-checked, audited.

Who may do what (re-checked here whatever the page or API did):

* a resource is *managed* by its uploader, the administrators of its owning school, and the
  bureaus at or above its owner (``Scope.acts_for`` the owner's code); managers edit, submit and
  withdraw it;
* a resource owned by a school is created by a role bound to that school (school administrator or
  teacher) or a bureau above it; one owned by a jurisdiction by a bureau acting for it;
* the human review is the *owning bureau's*: a bureau at or above the owner approves (入库),
  returns, or withdraws (出库) it;
* anyone who may read a published resource imports it into their collection or remixes it.

The review follows the MoE's 2024 specifications for the national platform's digital resources
(content review; going into and out of the library): submission with a self-review pledge,
machine checks (``checks``), human review, publication, withdrawal with a reason; a change to a
published resource takes it out of the library until its review passes again, and on
republication every importer is told what changed (``ResourceChangeNotice``).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xietong.accounts.scope import Scope, scope_for
from xietong.audit.services import audit_record
from xietong.audit.vocabulary import AuditAction, ObjectType

from . import checks, licences, previews, storage, usage
from .models import (
    CollectionItem,
    Resource,
    ResourceChangeNotice,
    ResourceFile,
    ResourcePartner,
    ResourceVersion,
    ReviewEvent,
    ReviewStep,
    Status,
    Visibility,
    VocabularyNode,
    WithdrawReason,
)
from .models.vocabulary import Scheme
from .oai.records import is_exposed, tombstone_sync

NODE_FIELDS = ("kind", "stage", "grade", "subject", "edition", "volume", "unit", "lesson")
TEXT_FIELDS = (
    "title_zh",
    "title_en",
    "description_zh",
    "description_en",
    "language",
    "author_name",
    "external_url",
)
EDITABLE = (*TEXT_FIELDS, *NODE_FIELDS, "licence", "visibility", "standards", "partners")

# ---- who may ---------------------------------------------------------------------------------


def can_manage(scope: Scope, resource: Resource) -> bool:
    return (
        scope.is_admin
        or (scope.user_id is not None and resource.author_id == scope.user_id)
        or scope.acts_for(resource.owner_code)
        or (
            resource.owner_school_id is not None
            and resource.owner_school_id in scope.write_school_ids
        )
    )


def can_review(scope: Scope, resource: Resource) -> bool:
    """The owning bureau: a bureau at or above the owner (or the administrator)."""
    return scope.acts_for(resource.owner_code)


def can_create_for(scope: Scope, *, school=None, jurisdiction=None) -> bool:
    if school is not None:
        return scope.acts_for_school(school) or school.pk in scope.read_school_ids
    return jurisdiction is not None and scope.acts_for(jurisdiction.code)


# ---- metadata --------------------------------------------------------------------------------


def snapshot(resource: Resource, *, standards: list[str] | None = None) -> dict:
    """The metadata of ``resource`` as codes and values (what a version keeps and a diff shows);
    ``standards``: its curriculum items' codes when the caller has them (a bulk load)."""
    out = {f: getattr(resource, f) for f in TEXT_FIELDS}
    for f in NODE_FIELDS:
        node = getattr(resource, f)
        out[f] = node.code if node else ""
    out["licence"] = resource.licence
    out["visibility"] = resource.visibility
    out["owner"] = resource.owner_school.code if resource.owner_school_id else resource.owner_code
    if standards is None:
        standards = [s.code for s in resource.standards.all()]
    out["standards"] = sorted(standards)
    out["file_sha256"] = resource.file_id or ""
    out["file_name"] = resource.file_name
    out["is_based_on"] = str(resource.is_based_on_id or "")
    return out


def diff(before: dict, after: dict) -> list[dict]:
    """The fields that differ, in a stable order: ``{field, before, after}``."""
    keys = list(after) + [k for k in before if k not in after]
    return [
        {"field": k, "before": before.get(k), "after": after.get(k)}
        for k in keys
        if before.get(k) != after.get(k)
    ]


def _node(value, scheme: str, field: str) -> VocabularyNode | None:
    if value in (None, ""):
        return None
    if isinstance(value, VocabularyNode):
        node = value
    else:
        node = VocabularyNode.objects.filter(
            scheme=scheme, code=str(value), release__is_current=True
        ).first()
        if node is None:
            raise ValueError(
                _("%(field)s: “%(value)s” is not in the current vocabulary.")
                % {"field": field, "value": value}
            )
    if node.scheme != scheme:
        raise ValueError(
            _("%(field)s: “%(value)s” is not a %(field)s.") % {"field": field, "value": node.code}
        )
    return node


def _check_chapter(resource: Resource) -> None:
    """Volume, unit and lesson hang together: each is a child of the one above and of the edition."""
    chain = [("edition", "volume"), ("volume", "unit"), ("unit", "lesson")]
    for upper, lower in chain:
        child, parent = getattr(resource, lower), getattr(resource, upper)
        if child is not None and (parent is None or child.parent_id != parent.pk):
            raise ValueError(
                _("%(lower)s “%(value)s” does not belong to the chosen %(upper)s.")
                % {"lower": lower, "upper": upper, "value": child.name}
            )
    if resource.grade is not None and resource.grade.parent_id != resource.stage_id:
        raise ValueError(
            _("grade: “%(g)s” is not a grade of the chosen stage.") % {"g": resource.grade.name}
        )


def _apply_values(resource: Resource, fields: dict) -> None:
    for f in TEXT_FIELDS:
        if f in fields:
            setattr(resource, f, (fields[f] or "").strip())
    for f in NODE_FIELDS:
        if f in fields:
            setattr(resource, f, _node(fields[f], f, f))
    if "licence" in fields:
        resource.licence = licences.normalise(fields["licence"])
    if "visibility" in fields:
        if fields["visibility"] not in Visibility.values:
            raise ValueError(
                _("visibility: “%(v)s” is not one of %(all)s.")
                % {"v": fields["visibility"], "all": ", ".join(Visibility.values)}
            )
        resource.visibility = fields["visibility"]


def _apply(resource: Resource, fields: dict) -> tuple[list | None, list | None]:
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValueError(_("Unknown fields: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    _apply_values(resource, fields)
    if not resource.title_zh:
        raise ValueError(_("title_zh: a Chinese title is required."))
    if resource.kind_id is None or resource.stage_id is None:
        raise ValueError(_("kind and stage are required."))
    _check_chapter(resource)
    standards = partners = None
    if "standards" in fields:
        standards = [_node(c, Scheme.STANDARD, "standards") for c in fields["standards"] or []]
    if "partners" in fields:
        partners = list(fields["partners"] or [])
    return standards, partners


def _attach_file(resource: Resource, upload, actor=None) -> ResourceFile:
    found = storage.inspect(upload)
    name = storage.store(upload, found)
    rf, _created = ResourceFile.objects.get_or_create(
        sha256=found.sha256,
        defaults={
            "size": found.size,
            "mime_type": found.mime_type,
            "extension": found.extension,
            "storage_name": name,
        },
    )
    resource.file = rf
    resource.file_name = (getattr(upload, "name", "") or "")[:255]
    # an office document: its PDF preview is made by a job queued in this transaction
    previews.preview_submit(file=rf, actor=actor)
    return rf


def _new_version(resource: Resource, actor) -> ResourceVersion:
    return ResourceVersion.objects.create(
        resource=resource,
        number=resource.version,
        file=resource.file,
        metadata=snapshot(resource),
        created_by=actor if getattr(actor, "pk", None) else None,
    )


def _set_relations(resource: Resource, standards, partners) -> None:
    if standards is not None:
        resource.standards.set(standards)
    if partners is not None:
        ResourcePartner.objects.filter(resource=resource).delete()
        ResourcePartner.objects.bulk_create(
            [ResourcePartner(resource=resource, school=s) for s in partners]
        )


# ---- create, change, remix -------------------------------------------------------------------


def _create(
    *, actor, owner_school, owner_jurisdiction, upload, fields, based_on=None, pk=None
) -> Resource:
    scope = scope_for(actor)
    if (owner_school is None) == (owner_jurisdiction is None):
        raise ValueError(_("owner: name exactly one owning school or jurisdiction."))
    scope.require(
        can_create_for(scope, school=owner_school, jurisdiction=owner_jurisdiction),
        _("add resources for %(o)s") % {"o": owner_school or owner_jurisdiction},
    )
    resource = Resource(
        owner_school=owner_school,
        owner_jurisdiction=owner_jurisdiction,
        owner_code=owner_school.county_id if owner_school else owner_jurisdiction.code,
        author=actor if getattr(actor, "pk", None) else None,
        is_based_on=based_on,
    )
    if pk is not None:  # a metadata file names the resource's id (``metadata``)
        if Resource.objects.filter(pk=pk).exists():
            raise ValueError(_("id: a resource with this id exists already."))
        resource.pk = pk
    fields = {"licence": fields.get("licence", ""), **fields}
    standards, partners = _apply(resource, fields)
    if upload is not None:
        _attach_file(resource, upload, actor)
    if resource.file is None and not resource.external_url:
        raise ValueError(_("file: upload a file or give an external link."))
    resource.save()
    _set_relations(resource, standards, partners)
    _new_version(resource, actor)
    return resource


@transaction.atomic
def resource_create(
    *, actor, owner_school=None, owner_jurisdiction=None, upload=None, pk=None, **fields
) -> Resource:
    """A new resource, a draft at version 1 (``fields``: see ``EDITABLE``; ``pk``: its id, when
    a metadata file names one)."""
    resource = _create(
        actor=actor,
        owner_school=owner_school,
        owner_jurisdiction=owner_jurisdiction,
        upload=upload,
        fields=fields,
        pk=pk,
    )
    audit_record(
        actor=actor,
        action=AuditAction.RESOURCES_CREATE,
        object_type=ObjectType.RESOURCE,
        object_id=resource.pk,
        after=snapshot(resource),
    )
    return resource


def attribution(resource: Resource) -> dict:
    """What a remix credits, as values (pages word them): the source's title, author, owner,
    licence and version."""
    source = resource.is_based_on
    if source is None:
        return {}
    return {
        "id": str(source.pk),
        "title": source.title_zh,
        "author": source.author_name,
        "owner": str(source.owner),
        "licence": source.licence,
        "version": source.published_version or source.version,
    }


@transaction.atomic
def resource_remix(
    *, source: Resource, actor, owner_school=None, owner_jurisdiction=None, upload=None, **fields
) -> Resource:
    """A new resource based on ``source`` (``isBasedOn``), refused when the source's licence does
    not allow the remix's (``licences.remix_problems``)."""
    from .selectors import resource_get

    if resource_get(actor=actor, pk=source.pk, published=True) is None:
        raise ValueError(_("Only a published resource you can read may be remixed."))
    target = licences.normalise(fields.get("licence", ""))
    problems = licences.remix_problems(source.licence, target)
    if problems:
        raise ValueError(" ".join(licences.remix_problem_text(c) for c in problems))
    resource = _create(
        actor=actor,
        owner_school=owner_school,
        owner_jurisdiction=owner_jurisdiction,
        upload=upload,
        fields=fields,
        based_on=source,
    )
    audit_record(
        actor=actor,
        action=AuditAction.RESOURCES_REMIX,
        object_type=ObjectType.RESOURCE,
        object_id=resource.pk,
        after={**snapshot(resource), "attribution": attribution(resource)},
    )
    usage.usage_record_audited(kind="remix", resource=source, user=actor)
    return resource


def _locked(resource: Resource) -> Resource:
    return Resource.objects.select_for_update().get(pk=resource.pk)


@transaction.atomic
def resource_update(*, resource: Resource, actor, upload=None, **fields) -> Resource:
    """A new version. A published (or returned) resource goes back to a draft: it leaves the
    library until it is submitted and approved again."""
    scope = scope_for(actor)
    resource = _locked(resource)
    scope.require(can_manage(scope, resource), _("change this resource"))
    if resource.status == Status.PENDING:
        raise ValueError(_("The resource is under review; wait for the decision to change it."))
    before = snapshot(resource)
    old_status = resource.status
    was_exposed = is_exposed(resource)
    standards, partners = _apply(resource, fields)
    if upload is not None:
        _attach_file(resource, upload, actor)
    if resource.file is None and not resource.external_url:
        raise ValueError(_("file: upload a file or give an external link."))
    resource.save()
    _set_relations(resource, standards, partners)
    after = snapshot(resource)
    changes = diff(before, after)
    if not changes:
        return resource
    resource.version += 1
    if resource.status in (Status.PUBLISHED, Status.REJECTED):
        resource.status = Status.DRAFT
    resource.save(update_fields=["version", "status", "updated_at"])
    _new_version(resource, actor)
    tombstone_sync(resource, was_exposed=was_exposed)
    audit_record(
        actor=actor,
        action=AuditAction.RESOURCES_UPDATE,
        object_type=ObjectType.RESOURCE,
        object_id=resource.pk,
        before={**before, "status": old_status},
        after={**after, "status": resource.status, "version": resource.version},
    )
    return resource


# ---- review ----------------------------------------------------------------------------------


def _event(resource: Resource, step: str, actor, *, passed=True, codes=()) -> ReviewEvent:
    return ReviewEvent.objects.create(
        resource=resource,
        version=resource.version,
        step=step,
        passed=passed,
        codes=list(codes),
        actor=actor if getattr(actor, "pk", None) else None,
    )


@transaction.atomic
def resource_submit(*, resource: Resource, actor, pledge: bool) -> tuple[Resource, list[str]]:
    """Submit for review with the self-review pledge; the machine checks run at once. Passing,
    the resource awaits the owning bureau; failing, it stays a draft with the problem codes
    recorded. Returns the resource and the codes."""
    scope = scope_for(actor)
    resource = _locked(resource)
    scope.require(can_manage(scope, resource), _("submit this resource"))
    if resource.status not in (Status.DRAFT, Status.REJECTED):
        raise ValueError(_("Only a draft or a returned resource can be submitted."))
    if pledge is not True:
        raise ValueError(
            _(
                "pledge: confirm that you reviewed the content yourself and hold the rights to share it."
            )
        )
    _event(resource, ReviewStep.SUBMIT, actor)
    codes = checks.run(resource)
    _event(resource, ReviewStep.CHECK, actor, passed=not codes, codes=codes)
    before = resource.status
    resource.status = Status.DRAFT if codes else Status.PENDING
    resource.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.RESOURCES_SUBMIT,
        object_type=ObjectType.RESOURCE,
        object_id=resource.pk,
        before={"status": before},
        after={"status": resource.status, "version": resource.version, "pledge": True},
    )
    audit_record(
        actor=actor,
        action=AuditAction.RESOURCES_CHECK,
        object_type=ObjectType.RESOURCE,
        object_id=resource.pk,
        after={"version": resource.version, "passed": not codes, "codes": codes},
    )
    return resource, codes


def _notify_importers(resource: Resource) -> int:
    versions = {v.number: v.metadata for v in resource.versions.all()}
    new = versions[resource.version]
    notices = [
        ResourceChangeNotice(
            item=item,
            from_version=item.imported_version,
            to_version=resource.version,
            changes=diff(versions.get(item.imported_version, {}), new),
        )
        for item in resource.imports.filter(imported_version__lt=resource.version)
    ]
    ResourceChangeNotice.objects.bulk_create(notices)
    return len(notices)


@transaction.atomic
def resource_approve(*, resource: Resource, actor) -> Resource:
    """The owning bureau's approval: the resource is published (入库) at its current version,
    and whoever imported an earlier version is told what changed."""
    scope = scope_for(actor)
    resource = _locked(resource)
    scope.require(
        can_review(scope, resource), _("review resources of %(o)s") % {"o": resource.owner}
    )
    if resource.status != Status.PENDING:
        raise ValueError(_("Only a resource awaiting review can be approved."))
    _event(resource, ReviewStep.APPROVE, actor)
    previous = resource.published_version
    resource.status = Status.PUBLISHED
    resource.published_version = resource.version
    resource.published_at = timezone.now()
    resource.withdraw_reason = ""
    resource.save()
    tombstone_sync(resource, was_exposed=False)
    told = _notify_importers(resource)
    audit_record(
        actor=actor,
        action=AuditAction.RESOURCES_APPROVE,
        object_type=ObjectType.RESOURCE,
        object_id=resource.pk,
        before={"status": Status.PENDING, "published_version": previous},
        after={
            "status": Status.PUBLISHED,
            "published_version": resource.version,
            "importers_told": told,
        },
    )
    return resource


def _reason(reason: str) -> str:
    if reason not in WithdrawReason.values:
        raise ValueError(
            _("reason: “%(r)s” is not one of %(all)s.")
            % {"r": reason, "all": ", ".join(WithdrawReason.values)}
        )
    return reason


@transaction.atomic
def resource_reject(*, resource: Resource, actor, reason: str) -> Resource:
    """The owning bureau returns a submission, with a reason code."""
    scope = scope_for(actor)
    resource = _locked(resource)
    scope.require(
        can_review(scope, resource), _("review resources of %(o)s") % {"o": resource.owner}
    )
    reason = _reason(reason)
    if resource.status != Status.PENDING:
        raise ValueError(_("Only a resource awaiting review can be returned."))
    _event(resource, ReviewStep.REJECT, actor, passed=False, codes=[reason])
    resource.status = Status.REJECTED
    resource.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.RESOURCES_REJECT,
        object_type=ObjectType.RESOURCE,
        object_id=resource.pk,
        before={"status": Status.PENDING},
        after={"status": Status.REJECTED, "reason": reason, "version": resource.version},
    )
    return resource


@transaction.atomic
def resource_withdraw(*, resource: Resource, actor, reason: str) -> Resource:
    """Out of the library (出库), with a reason code: by the owning bureau, or by a manager of the
    resource (``owner_request``)."""
    scope = scope_for(actor)
    resource = _locked(resource)
    scope.require(
        can_review(scope, resource) or can_manage(scope, resource), _("withdraw this resource")
    )
    reason = _reason(reason)
    if resource.status != Status.PUBLISHED:
        raise ValueError(_("Only a published resource can be withdrawn."))
    _event(resource, ReviewStep.WITHDRAW, actor, passed=False, codes=[reason])
    was_exposed = is_exposed(resource)
    resource.status = Status.WITHDRAWN
    resource.withdraw_reason = reason
    resource.save(update_fields=["status", "withdraw_reason", "updated_at"])
    tombstone_sync(resource, was_exposed=was_exposed)
    audit_record(
        actor=actor,
        action=AuditAction.RESOURCES_WITHDRAW,
        object_type=ObjectType.RESOURCE,
        object_id=resource.pk,
        before={"status": Status.PUBLISHED},
        after={"status": Status.WITHDRAWN, "reason": reason},
    )
    return resource


# ---- collections -----------------------------------------------------------------------------


@transaction.atomic
def collection_import(*, resource: Resource, actor) -> CollectionItem:
    """Copy a published resource one may read into one's own collection (at its version)."""
    from .selectors import resource_get

    if getattr(actor, "pk", None) is None:
        raise ValueError(_("Log in to keep resources in a collection."))
    found = resource_get(actor=actor, pk=resource.pk, published=True)
    if found is None:
        raise ValueError(_("Only a published resource you can read may be imported."))
    try:
        with transaction.atomic():
            item = CollectionItem.objects.create(
                user=actor, resource=found, imported_version=found.version
            )
    except IntegrityError:
        raise ValueError(_("This resource is already in your collection.")) from None
    audit_record(
        actor=actor,
        action=AuditAction.RESOURCES_IMPORT,
        object_type=ObjectType.RESOURCE,
        object_id=found.pk,
        after={"user": actor.get_username(), "version": found.version},
    )
    usage.usage_record_audited(kind="import", resource=found, user=actor)
    return item


@transaction.atomic
def notice_read(*, notice: ResourceChangeNotice, actor) -> ResourceChangeNotice:
    scope_for(actor).require(
        notice.item.user_id == getattr(actor, "pk", None), _("read this notice")
    )
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
        item = notice.item
        item.imported_version = max(item.imported_version, notice.to_version)
        item.save(update_fields=["imported_version"])
        audit_record(
            actor=actor,
            action=AuditAction.RESOURCES_NOTICE_READ,
            object_type=ObjectType.RESOURCE_COLLECTION_ITEM,
            object_id=item.pk,
            after={"version": item.imported_version},
        )
    return notice


# ---- vocabularies ----------------------------------------------------------------------------


@transaction.atomic
def vocabulary_load(*, data: bytes, name: str, actor, meta: dict | None = None):
    """Load a vocabulary release (``vocabulary.parse``: JSON or CSV), all or nothing, and make it
    the current one. Only the administrator (or the operator's process) loads vocabularies: they
    are shared by every member."""
    import hashlib

    from xietong.tabular.problems import ImportFailed, Problem

    from . import vocabulary
    from .models import CrosswalkLink, VocabularyRelease

    scope = scope_for(actor)
    scope.require(scope.is_admin, _("load vocabularies"))
    parsed = vocabulary.parse(data, name, meta=meta)
    if VocabularyRelease.objects.filter(version=parsed.version).exists():
        raise ImportFailed(
            [
                Problem(
                    name, 0, "version", _("release %(v)s is loaded already") % {"v": parsed.version}
                )
            ]
        )
    VocabularyRelease.objects.filter(is_current=True).update(is_current=False)
    release = VocabularyRelease.objects.create(
        version=parsed.version,
        title_zh=parsed.title_zh,
        title_en=parsed.title_en,
        source=parsed.source,
        is_illustrative=parsed.illustrative,
        is_current=True,
        file_name=name[:300],
        file_digest=hashlib.sha256(data).hexdigest(),
        loaded_at=timezone.now(),
    )
    nodes: dict[tuple[str, str], VocabularyNode] = {}
    for position, e in enumerate(parsed.entries):
        ref = lambda scheme, code: nodes[scheme, code] if code else None  # noqa: E731
        from .models.vocabulary import PARENT_SCHEME

        parent_scheme = PARENT_SCHEME[Scheme(e.scheme)]
        nodes[e.scheme, e.code] = VocabularyNode.objects.create(
            release=release,
            scheme=e.scheme,
            code=e.code,
            parent=ref(parent_scheme, e.parent) if parent_scheme else None,
            subject=ref(Scheme.SUBJECT, e.subject),
            grade=ref(Scheme.GRADE, e.grade),
            stage=ref(Scheme.STAGE, e.stage),
            name_zh=e.name_zh,
            name_en=e.name_en,
            aliases=e.aliases,
            position=position,
            is_illustrative=e.illustrative,
        )
    links = [
        CrosswalkLink(
            release=release, chapter=nodes[e.scheme, e.code], item=nodes[Scheme.STANDARD, c]
        )
        for e in parsed.entries
        for c in e.standards
    ]
    CrosswalkLink.objects.bulk_create(links)
    counts = {s: sum(1 for e in parsed.entries if e.scheme == s) for s in Scheme.values}
    audit_record(
        actor=actor,
        action=AuditAction.RESOURCES_VOCABULARY_LOAD,
        object_type=ObjectType.VOCABULARY_RELEASE,
        object_id=release.version,
        after={
            "file": name,
            "sha256": release.file_digest,
            "entries": {k: v for k, v in counts.items() if v},
            "crosswalk": len(links),
        },
    )
    return release


# ---- the operator's bulk path ----------------------------------------------------------------


@transaction.atomic
def resources_bulk_load(*, actor, resources: list[Resource], standards: dict) -> int:
    """Many resources at once, as the operator (the demo's synthetic catalogue): the documented
    exception to one write per resource. Each row is checked like a created one (owner, title,
    kind and stage, file or link, licence, visibility, the chapter chain) and gets its version 1
    and its entry in the search outbox; the whole load has one audit entry (the count and a
    digest of the ids), as a statistics bulk load has. ``standards`` maps a resource's id to its
    curriculum items. Returns the number written."""
    import hashlib

    from .models import SearchChange

    scope_for(actor).require(scope_for(actor).is_admin, _("load resources in bulk"))
    canonical: dict[str, str] = {}
    for r in resources:
        if (r.owner_school_id is None) == (r.owner_jurisdiction_id is None):
            raise ValueError(_("owner: name exactly one owning school or jurisdiction."))
        if not r.title_zh or r.kind_id is None or r.stage_id is None:
            raise ValueError(_("title_zh, kind and stage are required."))
        if r.file_id is None and not r.external_url:
            raise ValueError(_("file: upload a file or give an external link."))
        if r.visibility not in Visibility.values:
            raise ValueError(_("visibility: “%(v)s” is unknown.") % {"v": r.visibility})
        if r.licence not in canonical:
            canonical[r.licence] = licences.normalise(r.licence)
        r.licence = canonical[r.licence]
        _check_chapter(r)
    Resource.objects.bulk_create(resources, batch_size=2000)
    through = Resource.standards.through
    through.objects.bulk_create(
        [
            through(resource_id=r.pk, vocabularynode_id=node.pk)
            for r in resources
            for node in standards.get(r.pk, ())
        ],
        batch_size=5000,
    )
    ResourceVersion.objects.bulk_create(
        [
            ResourceVersion(
                resource=r,
                number=r.version,
                metadata=snapshot(r, standards=[n.code for n in standards.get(r.pk, ())]),
            )
            for r in resources
        ],
        batch_size=2000,
    )
    SearchChange.objects.bulk_create([SearchChange(resource_id=r.pk) for r in resources], 5000)
    ids = "\n".join(sorted(str(r.pk) for r in resources))
    digest = hashlib.sha256(ids.encode()).hexdigest()
    audit_record(
        actor=actor,
        action=AuditAction.RESOURCES_BULK_LOAD,
        object_type=ObjectType.RESOURCE_BATCH,
        object_id=digest,
        after={
            "resources": len(resources),
            "published": sum(1 for r in resources if r.status == Status.PUBLISHED),
            "synthetic": sum(1 for r in resources if r.is_synthetic),
            "ids_sha256": digest,
        },
    )
    return len(resources)
