"""Satisfaction survey results of a school, read by its capacity index.

Who records: the education bureaus above the school (``Scope.acts_for`` its county) or the
secretariat of a cooperation area the school lies in, never the school itself. The figures
are those of an outside survey, so whoever answers to the school records them, with who ran
the survey, when, and the document they come from.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xietong.audit.services import audit_record
from xietong.audit.vocabulary import AuditAction
from xietong.regions.models import CooperationArea
from xietong.regions.selectors import area_member_prefixes

from ..models import SatisfactionSurvey
from .common import as_date, scope_of, text

FIRST_YEAR, LAST_YEAR = 2000, 2100


def may_record_survey(scope, school) -> bool:
    """The school's bureaus, the secretariat of an area it lies in, or the administrator."""
    if scope.acts_for(school.county_id):
        return True
    areas = CooperationArea.objects.filter(pk__in=sorted(scope.area_ids))
    return any(school.county_id.startswith(p) for area in areas for p in area_member_prefixes(area))


def _count(value, field: str) -> int:
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValueError(
            _("%(f)s: %(v)s is not a whole number.") % {"f": field, "v": value}
        ) from None
    if not 0 <= n <= 10**7:
        raise ValueError(_("%(f)s: %(v)s is out of range.") % {"f": field, "v": value})
    return n


def _fields(year, respondents, satisfied, conducted_by, conducted_on, source) -> dict:
    y = _count(year, _("year"))
    if not FIRST_YEAR <= y <= LAST_YEAR:
        raise ValueError(
            _("year: %(v)s is not between %(a)d and %(b)d.")
            % {"v": year, "a": FIRST_YEAR, "b": LAST_YEAR}
        )
    n = _count(respondents, _("respondents"))
    if n < 1:
        raise ValueError(_("respondents: a survey has at least one respondent."))
    k = _count(satisfied, _("satisfied respondents"))
    if k > n:
        raise ValueError(
            _("satisfied respondents: %(k)d is more than the %(n)d respondents.") % {"k": k, "n": n}
        )
    on = as_date(conducted_on, _("date of the survey"))
    if on > timezone.localdate():
        raise ValueError(_("date of the survey: %(d)s lies in the future.") % {"d": on})
    return {
        "year": y,
        "respondents": n,
        "satisfied": k,
        "conducted_by": text(conducted_by, _("conducted by"), max_length=200),
        "conducted_on": on,
        "source": text(source, _("source document"), max_length=300),
    }


def _snapshot(s: SatisfactionSurvey) -> dict:
    return {
        "year": s.year,
        "respondents": s.respondents,
        "satisfied": s.satisfied,
        "conducted_by": s.conducted_by,
        "conducted_on": s.conducted_on.isoformat(),
        "source": s.source,
    }


def satisfaction_survey_record(  # noqa: PLR0913 - one keyword per field of the record
    *,
    actor,
    school,
    year,
    respondents,
    satisfied,
    conducted_by: str,
    conducted_on: dt.date | str,
    source: str,
    is_synthetic: bool = False,
) -> SatisfactionSurvey:
    """Record (or replace) the school's survey result of ``year``; the audit log keeps both."""
    scope = scope_of(actor)
    scope.require(
        may_record_survey(scope, school),
        _("record the satisfaction survey of %(s)s") % {"s": school.name},
    )
    fields = _fields(year, respondents, satisfied, conducted_by, conducted_on, source)
    with transaction.atomic():
        row = (
            SatisfactionSurvey.objects.select_for_update()
            .filter(school=school, year=fields["year"])
            .first()
        )
        before = None if row is None else _snapshot(row)
        if row is None:
            row = SatisfactionSurvey(school=school, year=fields["year"])
        for k, v in fields.items():
            setattr(row, k, v)
        row.recorded_by = actor if getattr(actor, "pk", None) else None
        row.is_synthetic = is_synthetic
        row.save()
        audit_record(
            actor=actor,
            action=AuditAction.PARTNERSHIPS_SURVEY_RECORD,
            obj=row,
            before=before,
            after=_snapshot(row),
        )
    return row
