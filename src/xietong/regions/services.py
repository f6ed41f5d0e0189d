"""Writes on jurisdictions and cooperation areas."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from xietong.accounts.scope import OutOfScope, scope_for
from xietong.audit.services import audit_record

from .divisions import load_divisions
from .models import AreaMembership, CooperationArea, Jurisdiction


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
            action="jurisdictions.load",
            object_type="jurisdiction_tree",
            object_id=",".join(sorted(province_prefixes or [])) or "members",
            after={**result, "created_codes": created, "updated_codes": updated},
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
        action="area.create",
        object_type="cooperation_area",
        object_id=area.slug,
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
        action="area.update",
        object_type="cooperation_area",
        object_id=area.slug,
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
        action="area.members",
        object_type="cooperation_area",
        object_id=area.slug,
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
