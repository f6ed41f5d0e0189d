"""Schools follow the official division changes (``regions/data/division_changes.json``).

When a county is abolished its schools need a successor. With one successor (a merge, an
upgrade, a recode) they move there. With several (a split) the change list cannot tell which
school lies in which part, so the schools are listed for a bureau to assign, and moved when the
assignment is given. A division carved out of one that remains (临平区 out of 余杭区) lists the
remaining division's schools for review: some of them may now lie in the new one.

Moves go through ``schools_move_county`` (each audited, county totals kept in step) and take
effect in the change's year: statistics of earlier years stay with the abolished county
(``SchoolCountyHistory``), so an evaluation of 2020 still finds 下城区. Each change that moved
schools is audited once more as a whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from xietong.accounts.scope import scope_for
from xietong.audit.services import audit_record
from xietong.audit.vocabulary import AuditAction, ObjectType
from xietong.regions.divisions import DivisionChange, read_changes, successors
from xietong.regions.models import Jurisdiction

from .models import School
from .services import schools_move_county


@dataclass(frozen=True)
class SchoolToPlace:
    """A school whose county a change abolished (or cut down) with more than one candidate."""

    change: str
    school: str  # school code
    name: str
    county: str  # the county the school is registered in
    candidates: tuple[str, ...]  # the counties it may belong to now


@dataclass(frozen=True)
class DivisionChangeReport:
    changes: tuple[str, ...]  # the changes looked at
    moved: tuple[tuple[str, str, str], ...]  # (school code, old county, new county)
    to_assign: tuple[SchoolToPlace, ...]  # county abolished, several successors: choose one
    to_review: tuple[SchoolToPlace, ...]  # county remains, part of it went to a new division


def _selected(change_id: str | None) -> list[DivisionChange]:
    changes = read_changes()
    if change_id is None:
        return list(changes.applied())
    try:
        change = changes.get(change_id)
    except KeyError:
        raise ValueError(_("Unknown division change %(id)s.") % {"id": change_id}) from None
    if change not in changes.applied():
        raise ValueError(
            _("Division change %(id)s is already in the shipped division table.")
            % {"id": change_id}
        )
    return [change]


def _placements(change: DivisionChange) -> list[tuple[str, tuple[str, ...], bool]]:
    """(county, the counties its schools may belong to now, whether the county was abolished)."""
    out = [(code, successors(code), True) for code in change.abolished]
    if change.kind == "new":
        carved = tuple(c for t in change.targets for c in successors(t.code))
        out += [(s.code, (*successors(s.code), *carved), False) for s in change.sources]
    return out


@transaction.atomic
def division_change_apply(
    *,
    actor,
    change_id: str | None = None,
    assignments: Mapping[str, str] | None = None,
    reason: str = "",
) -> DivisionChangeReport:
    """Move the schools of abolished counties to their successors.

    ``change_id`` names one change of the change file; by default every change the loaded
    division table reflects and the caller may write in. ``assignments`` maps school codes to
    the county chosen for a school listed in ``to_assign`` or ``to_review``. Running it again
    moves nothing more.
    """
    scope = scope_for(actor)
    run = _Placing(actor=actor, assignments=dict(assignments or {}), reason=reason)
    known = set(Jurisdiction.objects.values_list("code", flat=True))
    for change in _selected(change_id):
        if not set(change.codes) <= known:
            continue  # a province that is not loaded
        allowed = all(scope.acts_for(code) for code in change.codes)
        if change_id is not None:
            scope.require(allowed, _("apply division change %(id)s") % {"id": change.id})
        elif not allowed:
            continue
        run.apply(change)
    unused = sorted(set(run.assignments) - run.placed)
    if unused:
        raise ValueError(
            _("No school awaits a county among %(codes)s in the changes applied.")
            % {"codes": ", ".join(unused)}
        )
    return DivisionChangeReport(
        changes=tuple(run.looked_at),
        moved=tuple(run.moved),
        to_assign=tuple(run.to_assign),
        to_review=tuple(run.to_review),
    )


class _Placing:
    """One run of :func:`division_change_apply`: what it moved and what waits for a choice."""

    def __init__(self, *, actor, assignments: dict[str, str], reason: str) -> None:
        self.actor = actor
        self.assignments = assignments
        self.reason = reason
        self.moved: list[tuple[str, str, str]] = []
        self.to_assign: list[SchoolToPlace] = []
        self.to_review: list[SchoolToPlace] = []
        self.looked_at: list[str] = []
        self.placed: set[str] = set()

    def apply(self, change: DivisionChange) -> None:
        """Move the schools of one change (audited once for the change when any moved)."""
        self.looked_at.append(change.id)
        moved = []
        for county, candidates, abolished in _placements(change):
            by_target = self._targets(change, county, candidates, abolished)
            for target, group in sorted(by_target.items()):
                for school in schools_move_county(
                    schools=group,
                    county_code=target,
                    actor=self.actor,
                    reason=self.reason or _("division change %(id)s") % {"id": change.id},
                    effective_year=change.year,
                ):
                    moved.append((school.code, county, target))
        if moved:
            audit_record(
                actor=self.actor,
                action=AuditAction.DIVISION_CHANGE_APPLY,
                object_type=ObjectType.DIVISION_CHANGE,
                object_id=change.id,
                after={"effective": change.effective, "kind": change.kind, "moved": moved},
            )
        self.moved += moved

    def _targets(
        self, change: DivisionChange, county: str, candidates: tuple[str, ...], abolished: bool
    ) -> dict[str, list[School]]:
        """The county's schools by the county each moves to; the undecided are listed."""
        by_target: dict[str, list[School]] = {}
        for school in School.objects.filter(county_id=county).order_by("code"):
            target = candidates[0] if abolished and len(candidates) == 1 else None
            chosen = self._chosen(change, school, candidates)
            if chosen is not None:
                target = chosen
            if target is not None:
                if target != county:
                    by_target.setdefault(target, []).append(school)
                continue
            item = SchoolToPlace(change.id, school.code, school.name_zh, county, candidates)
            (self.to_assign if abolished else self.to_review).append(item)
        return by_target

    def _chosen(
        self, change: DivisionChange, school: School, candidates: tuple[str, ...]
    ) -> str | None:
        """The county the caller chose for the school, checked against those it may join."""
        chosen = self.assignments.get(school.code)
        if chosen is None:
            return None
        if chosen not in candidates:
            raise ValueError(
                _(
                    "School %(school)s: %(county)s is not one of the counties it may "
                    "belong to after change %(id)s (%(choices)s)."
                )
                % {
                    "school": school.code,
                    "county": chosen,
                    "id": change.id,
                    "choices": ", ".join(candidates),
                }
            )
        self.placed.add(school.code)
        return chosen


ASSIGNMENT_COLUMNS = ("school_code", "county_code")


def read_assignments(data: bytes, filename: str) -> dict[str, str]:
    """School -> county choices from a UTF-8 CSV file with the columns school_code and
    county_code (the layout ``xietong load-divisions`` lists the waiting schools in)."""
    import csv
    import io

    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(_("%(file)s: not a UTF-8 text file.") % {"file": filename}) from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ASSIGNMENT_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(
            _("%(file)s, row 1: missing column %(column)s.")
            % {"file": filename, "column": ", ".join(missing)}
        )
    out: dict[str, str] = {}
    for row_number, row in enumerate(reader, start=2):
        school, county = (row["school_code"] or "").strip(), (row["county_code"] or "").strip()
        if not school:
            raise ValueError(
                _("%(file)s, row %(row)s, column %(column)s: empty.")
                % {"file": filename, "row": row_number, "column": "school_code"}
            )
        if len(county) != 12 or not county.isdigit():
            raise ValueError(
                _("%(file)s, row %(row)s, column %(column)s: %(value)s is not a 12-digit code.")
                % {"file": filename, "row": row_number, "column": "county_code", "value": county}
            )
        if school in out:
            raise ValueError(
                _("%(file)s, row %(row)s, column %(column)s: school %(value)s is listed twice.")
                % {"file": filename, "row": row_number, "column": "school_code", "value": school}
            )
        out[school] = county
    return out
