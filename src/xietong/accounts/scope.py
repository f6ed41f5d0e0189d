"""The one scoping layer: what a caller may read and write.

Every selector filters with a ``Scope`` and every service re-checks it on write. A scope is built
from the caller's role assignments (or from the single role an API token is bound to).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _

from .models import Role, RoleAssignment


class OutOfScope(PermissionDenied):
    """The caller's roles do not reach the object they tried to read or change."""


def _prefix_q(prefixes: Iterable[str], field_name: str) -> Q:
    from xietong.regions.selectors import prefixes_q

    return prefixes_q(sorted(prefixes), field_name)


@dataclass(frozen=True)
class Scope:
    user_id: int | None = None
    username: str = "anonymous"
    is_admin: bool = False
    roles: frozenset[str] = field(default_factory=frozenset)
    area_ids: frozenset[int] = field(default_factory=frozenset)
    read_prefixes: frozenset[str] = field(default_factory=frozenset)
    write_prefixes: frozenset[str] = field(default_factory=frozenset)
    read_school_ids: frozenset[int] = field(default_factory=frozenset)
    stat_school_ids: frozenset[int] = field(default_factory=frozenset)
    write_school_ids: frozenset[int] = field(default_factory=frozenset)

    # ---- reads -------------------------------------------------------------------------------
    @property
    def is_public(self) -> bool:
        return not self.is_admin and not (
            self.read_prefixes or self.read_school_ids or self.area_ids
        )

    def schools_q(self, field_prefix: str = "") -> Q:
        """Filter for School rows the caller may see (registry record, not statistics)."""
        if self.is_admin:
            return Q()
        county = f"{field_prefix}county__code"
        pk = f"{field_prefix}pk" if field_prefix else "pk"
        return _prefix_q(self.read_prefixes, county) | Q(
            **{f"{pk}__in": sorted(self.read_school_ids)}
        )

    def statistics_q(self, field_prefix: str = "school__") -> Q:
        """Filter for school-level statistics: never the public's, never a teacher's."""
        if self.is_admin:
            return Q()
        county = f"{field_prefix}county__code"
        pk = f"{field_prefix}id"
        return _prefix_q(self.read_prefixes, county) | Q(
            **{f"{pk}__in": sorted(self.stat_school_ids)}
        )

    def teachers_q(self, field_prefix: str = "") -> Q:
        """Filter for Teacher rows: a bureau or secretariat reads the teachers of the schools in
        its subtree or area, a school its own staff, a teacher herself; the public nobody."""
        if self.is_admin:
            return Q()
        q = _prefix_q(self.read_prefixes, f"{field_prefix}school__county__code") | Q(
            **{f"{field_prefix}school_id__in": sorted(self.stat_school_ids)}
        )
        if self.user_id is not None:
            q |= Q(**{f"{field_prefix}user_id": self.user_id})
        return q

    def teacher_moves_q(self, host: str) -> Q:
        """Filter for rows about a teacher serving at another school (an exchange round's
        placements, multi-school appointments): the teachers the caller reads (``teachers_q``)
        and, for a bureau or secretariat, those serving at a host school in its subtree or area.
        ``host`` is the path to the host school, e.g. ``"post__host_school__"``."""
        if self.is_admin:
            return Q()
        return self.teachers_q("teacher__") | _prefix_q(self.read_prefixes, f"{host}county__code")

    def jurisdiction_readable(self, code: str) -> bool:
        """May the caller see unpublished aggregates of this jurisdiction?"""
        return self.is_admin or any(code.startswith(p) for p in self.read_prefixes)

    # ---- writes ------------------------------------------------------------------------------
    def acts_for(self, code: str) -> bool:
        """The one write rule of the jurisdiction tree: the administrator, or a bureau at or above
        ``code`` (a county, a city, a province), acts for it. It registers and moves schools,
        publishes figures, grants bureau roles below itself, and acts for a member of a fund."""
        return self.is_admin or any(code.startswith(p) for p in self.write_prefixes)

    def acts_for_school(self, school) -> bool:
        """The one write rule of a school's own records (its statistics, teachers, posts and
        vacancies): the bureaus above it (``acts_for``) and the school's own administrators."""
        return self.acts_for(school.county_id) or school.pk in self.write_school_ids

    def acts_for_school_q(self, field_prefix: str = "") -> Q:
        """``acts_for_school`` as a filter on School rows (``field_prefix`` leads from the
        filtered model to its school, e.g. ``"school__"`` for teachers)."""
        if self.is_admin:
            return Q()
        pk = f"{field_prefix}pk" if field_prefix else "pk"
        return _prefix_q(self.write_prefixes, f"{field_prefix}county__code") | Q(
            **{f"{pk}__in": sorted(self.write_school_ids)}
        )

    @property
    def acts_for_any_school(self) -> bool:
        """Is there a school whose statistics (and teacher records) the caller may write? Pages
        show upload forms only then; the services refuse the rows of any other school."""
        return self.is_admin or bool(self.write_prefixes or self.write_school_ids)

    def can_manage_area(self, area_id: int) -> bool:
        return self.is_admin or area_id in self.area_ids

    def require(self, allowed: bool, what: str) -> None:
        if not allowed:
            raise OutOfScope(
                _("%(user)s may not %(what)s.") % {"user": self.username, "what": what}
            )


ANONYMOUS = Scope()
# The operator's own process (CLI, demo loader, migrations) acts as ``actor=None``: it has shell
# access to the database anyway. Web requests and API calls always pass a user object instead.
SYSTEM = Scope(username="system", is_admin=True)


def _area_prefixes(area_ids: set[int]) -> tuple[set[int], set[str]]:
    from xietong.regions.models import AreaMembership
    from xietong.regions.selectors import area_subtree_ids

    closure = area_subtree_ids(area_ids)
    prefixes = set(
        AreaMembership.objects.filter(area_id__in=closure).values_list(
            "jurisdiction__prefix", flat=True
        )
    )
    return closure, prefixes


def scope_from_assignments(user, assignments: Iterable[RoleAssignment]) -> Scope:
    roles: set[str] = set()
    area_ids: set[int] = set()
    read_prefixes: set[str] = set()
    write_prefixes: set[str] = set()
    read_schools: set[int] = set()
    stat_schools: set[int] = set()
    write_schools: set[int] = set()
    for a in assignments:
        roles.add(a.role)
        if a.role == Role.SECRETARIAT:
            area_ids.add(a.area_id)
        elif a.role == Role.BUREAU:
            prefix = a.jurisdiction.prefix
            read_prefixes.add(prefix)
            write_prefixes.add(prefix)
        elif a.role == Role.SCHOOL:
            read_schools.add(a.school_id)
            stat_schools.add(a.school_id)
            write_schools.add(a.school_id)
        elif a.role == Role.TEACHER:
            read_schools.add(a.school_id)
    closure: set[int] = set()
    if area_ids:
        closure, prefixes = _area_prefixes(area_ids)
        read_prefixes |= prefixes
    return Scope(
        user_id=user.pk,
        username=user.get_username(),
        is_admin=bool(user.is_superuser),
        roles=frozenset(roles),
        area_ids=frozenset(closure),
        read_prefixes=frozenset(read_prefixes),
        write_prefixes=frozenset(write_prefixes),
        read_school_ids=frozenset(read_schools),
        stat_school_ids=frozenset(stat_schools),
        write_school_ids=frozenset(write_schools),
    )


def scope_for(user, *, only: RoleAssignment | None = None) -> Scope:
    """The caller's scope; ``only`` narrows it to one role (an API token bound to that role)."""
    if user is None:
        return SYSTEM
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_xietong_scope", None)
    if only is None and cached is not None:
        return cached
    if only is not None:
        assignments = [only]
        scope = scope_from_assignments(user, assignments)
        # a role-bound token never carries superuser powers
        return replace(scope, is_admin=False)
    assignments = list(user.roles.select_related("jurisdiction").all())
    scope = scope_from_assignments(user, assignments)
    user._xietong_scope = scope
    return scope
