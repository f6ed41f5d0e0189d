"""The seam between the catalogue and the search engine (``xietong.search``, Django-free).

``documents`` turns resources into plain dicts, one a resource, which the engine indexes; it knows
nothing of Django models. Fields:

* ``id`` (str, the UUID), ``title``, ``description`` (Chinese and English joined: the analyzer
  handles both), ``title_zh``, ``title_en``;
* facets as vocabulary codes: ``stage``, ``grade``, ``subject``, ``edition``, ``kind``, and
  ``licence`` (the SPDX expression), ``owner_member`` (the 12-digit code of the owner's
  province: the member a flow is counted for);
* ``chapters``: the volume, unit and lesson codes, and ``standards``: the curriculum items;
* ``names``: the Chinese names and aliases of its stage, grade, subject, textbook edition,
  volume, unit, lesson and kind, searched with the description, so that a teacher finds a
  resource by typing its edition or subject (``苏科版``, ``数学``) when its title does not say
  it. Chinese only: the English names of the editions are publishers' names ("... Science and
  Technology Press edition") that would make ``science`` match every 苏科版 resource;
* ``grants``: the scope filter as tokens that the engine intersects with a caller's tokens
  (``caller_grants``) to keep scope filtering exact: ``public``, ``manage:<prefix>``,
  ``school:<id>``, ``author:<user id>``, ``partners:<school id>``, ``county:<6 digits>``,
  ``city:<4>``, ``province:<2>``, ``area:<member prefix>``. A published resource carries the
  tokens of its audience; an unpublished one those of its managers only.
* ``published`` (bool) and ``updated_at`` (ISO 8601).

The grants reproduce ``selectors.audience_q`` / ``managed_q``; ``tests/resources/test_indexing.py``
checks that both give the same answer for every role of the scope matrix.
"""

from __future__ import annotations

from collections.abc import Iterable

from xietong.accounts.scope import Scope
from xietong.regions.models import AreaMembership

from .models import Resource, Status, Visibility
from .models.catalogue import LADDER
from .selectors import LEVEL_DIGITS, caller_area_prefixes, caller_places


def _rank(v: str) -> int:
    return LADDER.index(v)


def _code(node) -> str:
    return node.code if node is not None else ""


def _manager_grants(resource: Resource) -> set[str]:
    out = {f"owner:{resource.owner_code}"}
    if resource.author_id:
        out.add(f"author:{resource.author_id}")
    if resource.owner_school_id:
        out.add(f"manage-school:{resource.owner_school_id}")
    return out


def _school_grants(resource: Resource, rank: int) -> set[str]:
    out = set()
    if rank >= _rank(Visibility.SCHOOL) and resource.owner_school_id:
        out.add(f"school:{resource.owner_school_id}")
    if rank >= _rank(Visibility.PARTNERS):
        for p in resource.partners.select_related("school"):
            out |= {f"school:{p.school_id}", f"partner-county:{p.school.county_id}"}
    return out


def grants(resource: Resource, *, member_prefixes: list[str] | None = None) -> list[str]:
    """The scope tokens of one resource (see the module docstring)."""
    out = _manager_grants(resource)
    if resource.status != Status.PUBLISHED:
        return sorted(out)
    code = resource.owner_code
    rank = _rank(resource.visibility)
    if rank >= _rank(Visibility.PUBLIC):
        out.add("public")
    out |= _school_grants(resource, rank)
    out |= {f"{lv}:{code[:n]}" for lv, n in LEVEL_DIGITS.items() if rank >= _rank(lv)}
    if rank >= _rank(Visibility.AREA):
        prefixes = member_prefixes if member_prefixes is not None else member_prefixes_all()
        out |= {f"area:{p}" for p in prefixes if code.startswith(p)}
    return sorted(out)


def member_prefixes_all() -> list[str]:
    return sorted(set(AreaMembership.objects.values_list("jurisdiction__prefix", flat=True)))


def caller_grants(scope: Scope) -> list[str] | None:
    """The tokens a caller holds; a document is readable when it shares one. ``None``: the
    administrator reads everything."""
    if scope.is_admin:
        return None
    prefixes, counties = caller_places(scope)
    places = sorted(prefixes | counties)
    out = {"public"}
    if scope.user_id is not None:
        out.add(f"author:{scope.user_id}")
    for s in scope.write_school_ids:
        out.add(f"manage-school:{s}")
    for s in scope.read_school_ids:
        out.add(f"school:{s}")
    for level, digits in LEVEL_DIGITS.items():
        out |= {f"{level}:{p[:digits]}" for p in places if len(p) >= digits}
    out |= {f"area:{p}" for p in caller_area_prefixes(scope, places)}
    # bureaus: they manage every owner code below them, and read partner schools below them;
    # the engine matches these as prefixes of ``owner:`` and ``partner-county:`` tokens
    out |= {f"owner-prefix:{p}" for p in prefixes}
    out |= {f"partner-prefix:{p}" for p in prefixes}
    return sorted(out)


def matches(doc_grants: Iterable[str], held: list[str] | None) -> bool:
    """Does a caller holding ``held`` read a document with ``doc_grants``? Plain tokens match
    exactly; ``owner-prefix:P`` matches ``owner:C`` when C starts with P, ``partner-prefix:P``
    matches ``partner-county:C`` likewise."""
    if held is None:
        return True
    held_set = set(held)
    owner_prefixes = [h.split(":", 1)[1] for h in held if h.startswith("owner-prefix:")]
    partner_prefixes = [h.split(":", 1)[1] for h in held if h.startswith("partner-prefix:")]
    for g in doc_grants:
        if g in held_set:
            return True
        kind, _sep, value = g.partition(":")
        if kind == "owner" and any(value.startswith(p) for p in owner_prefixes):
            return True
        if kind == "partner-county" and any(value.startswith(p) for p in partner_prefixes):
            return True
    return False


NAMED = ("stage", "grade", "subject", "edition", "volume", "unit", "lesson", "kind")


def names(resource: Resource) -> list[str]:
    """The Chinese names and aliases of the resource's vocabulary entries, each once, in the
    order of ``NAMED``."""
    out: list[str] = []
    for field in NAMED:
        node = getattr(resource, field)
        if node is None:
            continue
        for name in (node.name_zh, *(node.aliases or [])):
            if name and name not in out:
                out.append(name)
    return out


def document(resource: Resource, *, member_prefixes: list[str] | None = None) -> dict:
    owner = resource.owner_code
    standards = [s.code for s in resource.standards.all()]
    return {
        "id": str(resource.pk),
        "title": " ".join(t for t in (resource.title_zh, resource.title_en) if t),
        "description": " ".join(t for t in (resource.description_zh, resource.description_en) if t),
        "title_zh": resource.title_zh,
        "title_en": resource.title_en,
        "stage": _code(resource.stage),
        "grade": _code(resource.grade),
        "subject": _code(resource.subject),
        "edition": _code(resource.edition),
        "kind": _code(resource.kind),
        "licence": resource.licence,
        "owner_member": owner[:2] + "0" * 10,
        "chapters": [c for c in map(_code, (resource.volume, resource.unit, resource.lesson)) if c],
        "standards": sorted(standards),
        "names": names(resource),
        "grants": grants(resource, member_prefixes=member_prefixes),
        "published": resource.status == Status.PUBLISHED,
        "updated_at": resource.updated_at.isoformat(),
    }


def documents(resources: Iterable[Resource]) -> Iterable[dict]:
    """Documents for the engine, one a resource, with one query for the area members."""
    prefixes = member_prefixes_all()
    for r in resources:
        yield document(r, member_prefixes=prefixes)
