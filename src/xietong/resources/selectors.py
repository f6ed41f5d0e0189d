"""Reads on the catalogue, already cut to what the caller may see.

The visibility ladder (``Visibility``), narrowest first; a resource at level V is read by the
audience of V and of every level below it, once published:

=========  ==================================================================================
private    its managers only: the uploader, the owning school's administrators, the bureaus at
           or above the owner (who also see every draft, submission and withdrawn resource)
school     + every role bound to the owning school (its administrators and teachers)
partners   + the roles of the resource's partner schools (``ResourcePartner``, the seam for the
           partnerships app) and the bureaus above them
county     + every role placed in the owner's county: bureaus whose subtree lies in it, the
           roles of its schools
city       + the same for the owner's city (prefecture)
province   + the same for the owner's province
area       + everyone in a cooperation area the owner belongs to: its secretariats, and the roles
           placed inside one of its members
public     + everyone, anonymous visitors included
=========  ==================================================================================

A caller's *places* are the prefixes of its bureau roles and the counties of its school and
teacher roles; a secretariat has no place, only its areas. A bureau above the owner is a
manager; a bureau placed elsewhere in the province reads the province's resources, not the
county's. Territories are prefix matches on the owner's code (``regions.selectors.prefix_q``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet

from xietong.accounts.scope import Scope, scope_for
from xietong.regions.models import AreaMembership
from xietong.regions.selectors import area_subtree_ids, prefixes_q
from xietong.schools.models import School

from .models import (
    CollectionItem,
    CrosswalkLink,
    Resource,
    ResourceChangeNotice,
    ResourcePartner,
    Status,
    Visibility,
    VocabularyNode,
)
from .models.catalogue import LADDER
from .models.vocabulary import CHAPTER_SCHEMES

LEVEL_DIGITS = {Visibility.COUNTY: 6, Visibility.CITY: 4, Visibility.PROVINCE: 2}

#: the smallest count of usage events the public sees (the flows page, ``county_import_flows``)
MIN_CELL = 5


def _at_least(level: str) -> Q:
    return Q(visibility__in=LADDER[LADDER.index(level) :])


def caller_places(scope: Scope) -> tuple[set[str], set[str]]:
    """The caller's bureau prefixes and the county codes of its school-bound roles."""
    counties = set(
        School.objects.filter(pk__in=sorted(scope.read_school_ids)).values_list(
            "county_id", flat=True
        )
    )
    return set(scope.write_prefixes), counties


def managed_q(scope: Scope) -> Q:
    if scope.is_admin:
        return Q()
    q = prefixes_q(sorted(scope.write_prefixes), "owner_code") | Q(
        owner_school_id__in=sorted(scope.write_school_ids)
    )
    if scope.user_id is not None:
        q |= Q(author_id=scope.user_id)
    return q


def caller_area_prefixes(scope: Scope, places: list[str]) -> list[str]:
    """Member prefixes of every area the caller is in (secretariat, or placed in a member)."""
    rows = AreaMembership.objects.values_list("area_id", "jurisdiction__prefix")
    mine = set(scope.area_ids)
    for area_id, prefix in rows:
        if any(p.startswith(prefix) for p in places):
            mine.add(area_id)
    if not mine:
        return []
    closure = area_subtree_ids(mine)
    return sorted(
        set(
            AreaMembership.objects.filter(area_id__in=closure).values_list(
                "jurisdiction__prefix", flat=True
            )
        )
    )


def audience_q(scope: Scope) -> Q:
    """Published resources the caller is in the audience of (see the module docstring)."""
    if scope.is_admin:
        return Q()
    prefixes, counties = caller_places(scope)
    places = sorted(prefixes | counties)
    q = Q(visibility=Visibility.PUBLIC)
    schools = sorted(scope.read_school_ids)
    q |= _at_least(Visibility.SCHOOL) & Q(owner_school_id__in=schools)
    partner = ResourcePartner.objects.filter(resource_id=OuterRef("pk")).filter(
        Q(school_id__in=schools) | prefixes_q(sorted(prefixes), "school__county_id")
    )
    q |= _at_least(Visibility.PARTNERS) & Exists(partner)
    for level, digits in LEVEL_DIGITS.items():
        units = sorted({p[:digits] for p in places if len(p) >= digits})
        if units:
            q |= _at_least(level) & prefixes_q(units, "owner_code")
    area_prefixes = caller_area_prefixes(scope, places)
    if area_prefixes:
        q |= _at_least(Visibility.AREA) & prefixes_q(area_prefixes, "owner_code")
    return q


def visible_q(scope: Scope) -> Q:
    if scope.is_admin:
        return Q()
    return managed_q(scope) | (Q(status=Status.PUBLISHED) & audience_q(scope))


def _base() -> QuerySet[Resource]:
    return Resource.objects.select_related(
        "kind",
        "stage",
        "grade",
        "subject",
        "edition",
        "volume",
        "unit",
        "lesson",
        "file",
        "owner_school",
        "owner_jurisdiction",
        "author",
        "is_based_on",
    ).prefetch_related("standards")


def resource_list(
    *,
    actor,
    published: bool = False,
    edition: str = "",
    subject: str = "",
    stage: str = "",
    grade: str = "",
    kind: str = "",
    chapter: str = "",
) -> QuerySet[Resource]:
    """Resources the caller may read (``published``: only those in the library), filtered by
    vocabulary codes; ``chapter`` matches a volume, unit or lesson code."""
    scope = scope_for(actor)
    qs = _base().filter(visible_q(scope))
    if published:
        qs = qs.filter(status=Status.PUBLISHED)
    for field, code in (
        ("edition", edition),
        ("subject", subject),
        ("stage", stage),
        ("grade", grade),
        ("kind", kind),
    ):
        if code:
            qs = qs.filter(**{f"{field}__code": code})
    if chapter:
        qs = qs.filter(Q(volume__code=chapter) | Q(unit__code=chapter) | Q(lesson__code=chapter))
    return qs.order_by("-updated_at", "pk")


def resource_get(*, actor, pk, published: bool = False) -> Resource | None:
    try:
        return resource_list(actor=actor, published=published).get(pk=pk)
    except (Resource.DoesNotExist, ValueError, ValidationError):
        return None


def managed_list(*, actor) -> QuerySet[Resource]:
    """The resources the caller manages (its uploads, its school's, its bureau's)."""
    scope = scope_for(actor)
    if scope.is_public and scope.user_id is None:
        return Resource.objects.none()
    return _base().filter(managed_q(scope)).order_by("-updated_at", "pk")


def review_queue(*, actor) -> QuerySet[Resource]:
    """Submissions awaiting the caller's review: those owned at or below its bureaus."""
    scope = scope_for(actor)
    qs = _base().filter(status=Status.PENDING)
    if not scope.is_admin:
        qs = qs.filter(prefixes_q(sorted(scope.write_prefixes), "owner_code"))
    return qs.order_by("updated_at", "pk")


def collection_list(*, actor) -> QuerySet[CollectionItem]:
    if getattr(actor, "pk", None) is None:
        return CollectionItem.objects.none()
    return (
        CollectionItem.objects.filter(user=actor)
        .select_related("resource", "resource__kind", "resource__subject", "resource__edition")
        .prefetch_related("notices")
    )


def notices_for(*, actor, unread_only: bool = True) -> QuerySet[ResourceChangeNotice]:
    if getattr(actor, "pk", None) is None:
        return ResourceChangeNotice.objects.none()
    qs = ResourceChangeNotice.objects.filter(item__user=actor).select_related("item__resource")
    return qs.filter(read_at__isnull=True) if unread_only else qs


def reviews_of(*, actor, resource: Resource):
    """The review history of a resource: for its managers and reviewers only."""
    from .services import can_manage, can_review

    scope = scope_for(actor)
    if not (can_manage(scope, resource) or can_review(scope, resource)):
        return resource.reviews.none()
    return resource.reviews.select_related("actor").order_by("id")


# ---- vocabularies (reference data, public) ----------------------------------------------------


def vocabulary(scheme: str, *, parent: VocabularyNode | None = None) -> QuerySet[VocabularyNode]:
    qs = VocabularyNode.objects.filter(release__is_current=True, scheme=scheme)
    if parent is not None:
        qs = qs.filter(parent=parent)
    return qs.order_by("position", "code")


def vocabulary_names(scheme: str) -> dict[str, str]:
    """Codes of a scheme's entries (current release) -> names in the reader's language."""
    return {n.code: n.name for n in vocabulary(scheme)}


def chapter_matches(node: VocabularyNode) -> QuerySet[VocabularyNode]:
    """Chapters of *other* editions that teach a curriculum-standard item ``node`` teaches (the
    crosswalk: a 沪教版 unit surfaces for a teacher using 人教版)."""
    if node.scheme not in CHAPTER_SCHEMES:
        return VocabularyNode.objects.none()
    items = CrosswalkLink.objects.filter(chapter=node).values("item_id")
    chapters = CrosswalkLink.objects.filter(item_id__in=items).values("chapter_id")
    own_edition = _edition_of(node)
    return (
        VocabularyNode.objects.filter(pk__in=chapters)
        .exclude(pk=node.pk)
        .exclude(
            Q(parent_id=own_edition)
            | Q(parent__parent_id=own_edition)
            | Q(parent__parent__parent_id=own_edition)
        )
        .select_related("parent")
        .order_by("code")
    )


def _edition_of(node: VocabularyNode) -> int | None:
    while node is not None and node.scheme != "edition":
        node = node.parent
    return node.pk if node is not None else None


def owner_from_code(code: str):
    """(school, None) for a school code, (None, jurisdiction) for a 12-digit division code; a
    ValueError naming the value otherwise."""
    from django.utils.translation import gettext as _

    from xietong.regions.models import Jurisdiction

    code = (code or "").strip()
    if len(code) == 12 and code.isdigit():
        j = Jurisdiction.objects.filter(code=code).first()
        if j is not None:
            return None, j
    school = School.objects.filter(code=code).first()
    if school is not None:
        return school, None
    raise ValueError(
        _("owner: “%(v)s” is neither a school code nor a 12-digit division code.") % {"v": code}
    )


def for_index() -> QuerySet[Resource]:
    """Every resource with what its search document reads (the index sees all; the engine
    filters by the caller's grants)."""
    return _base().prefetch_related("partners")


def chapter_choices() -> list[tuple[str, str]]:
    """(code, "edition · volume · unit") for every volume and unit of the current release, in
    the editions' order: the chapter filter of the search page."""
    nodes = (
        VocabularyNode.objects.filter(release__is_current=True, scheme__in=["volume", "unit"])
        .select_related("parent", "parent__parent")
        .order_by("code")
    )
    out = []
    for n in nodes:
        chain, node = [], n
        while node is not None:
            chain.append(node.name)
            node = node.parent
        out.append((n.code, " · ".join(reversed(chain))))
    return out


def county_import_flows(
    *, actor, counties: list[str], years: list[int]
) -> dict[tuple[str, int], dict[str, int | None]]:
    """Per (county prefix, year) of ``counties`` (six-digit prefixes) and ``years``: ``imports``,
    the import events by users of the county's schools and bureau of resources owned in another
    county, and ``exports``, the import events of resources owned in the county by users placed
    anywhere else. One GROUP BY over the import events that cross a county border, by owner
    county, consumer county and year (the first four characters of ``period``). A user of a
    city or province bureau is placed in no county: her imports are exports of the owner's
    county and nobody's imports; anonymous events (no consumer) count for neither.

    Aggregates only. A figure of a county outside the caller's read scope keeps the flows page's
    rule for the public (``MIN_CELL``): 1 to 4 events are withheld (None), since so few
    events could point at a person; 0 is shown. Counties in the caller's scope (and every county
    for an administrator) are exact."""
    from django.db.models import Count, F
    from django.db.models.functions import Substr

    from .models import UsageEvent, UsageKind

    scope = scope_for(actor)
    wanted = set(counties)
    out = {(c, y): {"imports": 0, "exports": 0} for c in wanted for y in years}
    if not wanted or not years:
        return out
    rows = (
        UsageEvent.objects.filter(kind=UsageKind.IMPORT)
        .exclude(consumer_county="")
        .exclude(source_county=F("consumer_county"))
        .filter(Q(source_county__in=sorted(wanted)) | Q(consumer_county__in=sorted(wanted)))
        .annotate(year=Substr("period", 1, 4))
        .filter(year__in=[str(y) for y in years])
        .values("source_county", "consumer_county", "year")
        .annotate(n=Count("id"))
        .order_by()
    )
    for r in rows:
        year = int(r["year"])
        if r["consumer_county"] in wanted:
            out[(r["consumer_county"], year)]["imports"] += r["n"]
        if r["source_county"] in wanted:
            out[(r["source_county"], year)]["exports"] += r["n"]
    for (county, _year), cell in out.items():
        if scope.jurisdiction_readable(county):
            continue
        for k, n in cell.items():
            if 0 < n < MIN_CELL:
                cell[k] = None
    return out
