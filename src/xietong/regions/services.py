"""Writes on jurisdictions and cooperation areas."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xietong.accounts.scope import OutOfScope, scope_for
from xietong.audit.services import audit_record
from xietong.audit.vocabulary import AuditAction, ObjectType

from .boundaries import (
    DEFAULT_TOLERANCE,
    BoundaryFileError,
    BoundaryLimits,
    BoundaryProblem,
    count_points,
    file_digest,
    read_boundaries,
    simplify_features,
)
from .divisions import load_divisions
from .models import AreaMembership, Boundary, CooperationArea, DivisionsVersion, Jurisdiction


def divisions_changed(**_signal) -> None:
    """A new ``DivisionsVersion`` token, in the caller's transaction: the cached division tree
    is read afresh on the next request. A signal receiver on every saved or deleted
    ``Jurisdiction`` (``apps.RegionsConfig.ready``: the tree load, the admin)."""
    import uuid

    token = uuid.uuid4().hex
    if not DivisionsVersion.objects.filter(pk=1).update(token=token):
        DivisionsVersion.objects.update_or_create(pk=1, defaults={"token": token})


@transaction.atomic
def jurisdictions_load(*, province_prefixes: list[str] | None = None, actor=None) -> dict[str, int]:
    """Load (or refresh) the division tree: the cpca package's table with the official changes
    since it applied (``regions/data/division_changes.json``), each division with the years it
    is valid for. Safe to run repeatedly. Schools in a division that has ended are moved by
    ``xietong.schools.division_changes.division_change_apply``."""
    if actor is not None and not scope_for(actor).is_admin:
        raise OutOfScope(_("Only administrators load the division tree."))
    divisions = load_divisions(province_prefixes)
    existing = {
        j.code: j for j in Jurisdiction.objects.filter(code__in=[d.code for d in divisions])
    }
    created: list[str] = []
    updated: list[str] = []
    for d in divisions:
        fields = {
            "level": d.level,
            "parent_id": d.parent_code,
            "name_zh": d.name_zh,
            "name_en": d.name_en,
            "full_name_zh": d.full_name_zh,
            "longitude": d.longitude,
            "latitude": d.latitude,
            "is_placeholder": d.is_placeholder,
            "valid_from": d.valid_from,
            "valid_until": d.valid_until,
        }
        j = existing.get(d.code)
        if j is None:
            Jurisdiction(code=d.code, **fields).save()
            created.append(d.code)
        elif any(getattr(j, k) != v for k, v in fields.items()):
            for k, v in fields.items():
                setattr(j, k, v)
            j.save()
            updated.append(d.code)
    result = {"divisions": len(divisions), "created": len(created), "updated": len(updated)}
    if created or updated:
        audit_record(
            actor=actor,
            action=AuditAction.JURISDICTIONS_LOAD,
            object_type=ObjectType.JURISDICTION_TREE,
            object_id=",".join(sorted(province_prefixes or [])) or "members",
            after={**result, "created_codes": created, "updated_codes": updated},
        )
    return result


@dataclass(frozen=True)
class BoundaryLoad:
    features: int
    created: int
    replaced: int
    repaired: int
    points_read: int
    points_kept: int
    by_level: dict[str, int]


@transaction.atomic
def boundaries_load(
    *,
    data: bytes,
    filename: str,
    actor=None,
    code_property: str | None = None,
    source: str = "",
    licence: str = "",
    approval_number: str = "",
    simplify: float = DEFAULT_TOLERANCE,
    limits: BoundaryLimits | None = None,
    progress: Callable[[int], object] | None = None,
) -> BoundaryLoad:
    """Load division outlines from a GeoJSON FeatureCollection, all or nothing: each feature's
    code names a division of the registry (6-digit county codes are read as the registry's
    12-digit form), and replaces the outline that division had. The file's source, licence
    and 审图号 (map approval number) are kept with every outline, for the maps to show."""
    if actor is not None and not scope_for(actor).is_admin:
        raise OutOfScope(_("Only administrators load division boundaries."))
    features = read_boundaries(
        data, filename=filename, code_property=code_property, limits=limits, progress=progress
    )
    known = {
        j.code: j
        for j in Jurisdiction.objects.filter(code__in=[f.code for f in features]).only(
            "code", "level"
        )
    }
    unknown = [
        BoundaryProblem(
            filename,
            f.feature,
            code_property or "code",
            _("%(code)s is not a division in the registry") % {"code": f.code},
        )
        for f in features
        if f.code not in known
    ]
    if unknown:
        raise BoundaryFileError(unknown)
    points_read = sum(count_points(f.geometry) for f in features)
    features, repaired = simplify_features(features, simplify)
    now = timezone.now()
    digest = file_digest(data)
    codes = [f.code for f in features]
    replaced = Boundary.objects.filter(jurisdiction_id__in=codes).count()
    Boundary.objects.filter(jurisdiction_id__in=codes).delete()
    rows = [
        Boundary(
            jurisdiction_id=f.code,
            level=known[f.code].level,
            geometry=f.geometry,
            points=count_points(f.geometry),
            simplify_tolerance=simplify,
            source=source.strip()[:300],
            licence=licence.strip()[:300],
            approval_number=approval_number.strip()[:100],
            file_digest=digest,
            loaded_at=now,
        )
        for f in features
    ]
    Boundary.objects.bulk_create(rows, batch_size=200)
    by_level: dict[str, int] = {}
    for r in rows:
        by_level[r.level] = by_level.get(r.level, 0) + 1
    result = BoundaryLoad(
        features=len(rows),
        created=len(rows) - replaced,
        replaced=replaced,
        repaired=repaired,
        points_read=points_read,
        points_kept=sum(r.points for r in rows),
        by_level=by_level,
    )
    audit_record(
        actor=actor,
        action=AuditAction.BOUNDARIES_LOAD,
        object_type=ObjectType.BOUNDARY_FILE,
        object_id=digest,
        after={
            "file": filename,
            "source": source,
            "licence": licence,
            "approval_number": approval_number,
            "simplify": simplify,
            **asdict(result),
            "codes": codes,
        },
    )
    return result


def _area_snapshot(area: CooperationArea) -> dict:
    return {
        "slug": area.slug,
        "name_zh": area.name_zh,
        "name_en": area.name_en,
        "parent": area.parent.slug if area.parent_id else None,
        "members": sorted(area.memberships.values_list("jurisdiction_id", flat=True)),
        "secretariat_name_zh": area.secretariat_name_zh,
        "secretariat_name_en": area.secretariat_name_en,
        "secretariat_host": area.secretariat_host_id,
    }


@transaction.atomic
def area_create(
    *,
    slug: str,
    name_zh: str,
    name_en: str,
    member_codes: Iterable[str],
    parent: CooperationArea | None = None,
    secretariat_name_zh: str = "",
    secretariat_name_en: str = "",
    secretariat_host_code: str | None = None,
    description_zh: str = "",
    description_en: str = "",
    established: dt.date | None = None,
    actor=None,
) -> CooperationArea:
    if actor is not None and not scope_for(actor).is_admin:
        raise OutOfScope(_("Only administrators create cooperation areas."))
    codes = list(dict.fromkeys(member_codes))
    found = {j.code: j for j in Jurisdiction.objects.filter(code__in=codes)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise ValueError(_("Unknown jurisdiction codes: %(codes)s") % {"codes": ", ".join(missing)})
    if not codes:
        raise ValueError(_("A cooperation area needs at least one member."))
    if CooperationArea.objects.filter(slug=slug).exists():
        raise ValueError(_("An area with identifier %(slug)s already exists.") % {"slug": slug})
    area = CooperationArea.objects.create(
        slug=slug,
        name_zh=name_zh,
        name_en=name_en,
        parent=parent,
        secretariat_name_zh=secretariat_name_zh,
        secretariat_name_en=secretariat_name_en,
        secretariat_host_id=secretariat_host_code,
        description_zh=description_zh,
        description_en=description_en,
        established=established,
    )
    AreaMembership.objects.bulk_create(
        [AreaMembership(area=area, jurisdiction=found[c]) for c in codes]
    )
    audit_record(
        actor=actor,
        action=AuditAction.AREA_CREATE,
        obj=area,
        after=_area_snapshot(area),
    )
    return area


@transaction.atomic
def area_update(
    *,
    area: CooperationArea,
    actor,
    name_zh: str | None = None,
    name_en: str | None = None,
    description_zh: str | None = None,
    description_en: str | None = None,
    secretariat_name_zh: str | None = None,
    secretariat_name_en: str | None = None,
) -> CooperationArea:
    """The area's own secretariat (or an administrator) edits its description."""
    scope = scope_for(actor)
    scope.require(scope.can_manage_area(area.pk), _("edit this cooperation area"))
    area = CooperationArea.objects.select_for_update().get(pk=area.pk)
    before = _area_snapshot(area)
    for name, value in {
        "name_zh": name_zh,
        "name_en": name_en,
        "description_zh": description_zh,
        "description_en": description_en,
        "secretariat_name_zh": secretariat_name_zh,
        "secretariat_name_en": secretariat_name_en,
    }.items():
        if value is not None:
            setattr(area, name, value.strip())
    area.save()
    audit_record(
        actor=actor,
        action=AuditAction.AREA_UPDATE,
        obj=area,
        before=before,
        after=_area_snapshot(area),
    )
    return area


@transaction.atomic
def area_set_members(
    *, area: CooperationArea, member_codes: Iterable[str], actor
) -> CooperationArea:
    scope = scope_for(actor)
    scope.require(scope.is_admin, _("change the members of a cooperation area"))
    codes = list(dict.fromkeys(member_codes))
    found = set(Jurisdiction.objects.filter(code__in=codes).values_list("code", flat=True))
    missing = [c for c in codes if c not in found]
    if missing:
        raise ValueError(_("Unknown jurisdiction codes: %(codes)s") % {"codes": ", ".join(missing)})
    before = _area_snapshot(area)
    AreaMembership.objects.filter(area=area).exclude(jurisdiction_id__in=codes).delete()
    have = set(AreaMembership.objects.filter(area=area).values_list("jurisdiction_id", flat=True))
    AreaMembership.objects.bulk_create(
        [AreaMembership(area=area, jurisdiction_id=c) for c in codes if c not in have]
    )
    audit_record(
        actor=actor,
        action=AuditAction.AREA_MEMBERS,
        obj=area,
        before=before,
        after=_area_snapshot(area),
    )
    return area


# The cooperation areas Xietong knows out of the box. Members are named by code only.
STANDARD_AREAS = [
    {
        "slug": "yrd",
        "name_zh": "长三角",
        "name_en": "Yangtze River Delta",
        "member_codes": ["310000000000", "320000000000", "330000000000", "340000000000"],
        "secretariat_name_zh": "长三角区域合作办公室",
        "secretariat_name_en": "Yangtze River Delta Regional Cooperation Office",
        "secretariat_host_code": "310000000000",
        "description_zh": "上海、江苏、浙江、安徽三省一市的教育协同发展。",
        "description_en": "Education integration of Shanghai, Jiangsu, Zhejiang and Anhui.",
    },
    {
        "slug": "jjj",
        "name_zh": "京津冀",
        "name_en": "Beijing-Tianjin-Hebei",
        "member_codes": ["110000000000", "120000000000", "130000000000"],
        "secretariat_name_zh": "京津冀教育协同发展工作办公室",
        "secretariat_name_en": "Beijing-Tianjin-Hebei Education Coordination Office",
        "secretariat_host_code": "110000000000",
        "description_zh": "北京、天津、河北的教育协同发展。",
        "description_en": "Education coordination of Beijing, Tianjin and Hebei.",
    },
    {
        "slug": "tongwulang",
        "parent": "jjj",
        "name_zh": "通武廊",
        "name_en": "Tongzhou-Wuqing-Langfang",
        "member_codes": ["110112000000", "120114000000", "131000000000"],
        "secretariat_name_zh": "通武廊教育协同发展联席会议办公室",
        "secretariat_name_en": "Tongzhou-Wuqing-Langfang Education Joint Office",
        "secretariat_host_code": "110112000000",
        "description_zh": "北京市通州区、天津市武清区、河北省廊坊市跨省县域教育协同。",
        "description_en": "Cross-province cooperation of Tongzhou (Beijing), Wuqing (Tianjin) and Langfang (Hebei).",
    },
]


@transaction.atomic
def standard_areas_ensure(*, actor=None) -> list[CooperationArea]:
    areas = []
    for spec in STANDARD_AREAS:
        existing = CooperationArea.objects.filter(slug=spec["slug"]).first()
        if existing is not None:
            areas.append(existing)
            continue
        spec = dict(spec)
        parent_slug = spec.pop("parent", None)
        parent = CooperationArea.objects.get(slug=parent_slug) if parent_slug else None
        areas.append(area_create(parent=parent, actor=actor, **spec))
    return areas
