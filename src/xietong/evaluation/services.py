"""Running, storing and publishing evaluations."""

from __future__ import annotations

import hashlib
import json
import math

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xietong.accounts.scope import scope_for
from xietong.algorithms import standards as std_engine
from xietong.audit.services import audit_record
from xietong.audit.vocabulary import AuditAction
from xietong.regions.models import CooperationArea, Jurisdiction
from xietong.regions.selectors import area_member_prefixes

from .guarantee import funding_by_county
from .inputs import school_table
from .models import CountyEvaluation, EvaluationRun, SchoolShortfall


def _clean(x):
    """JSON-safe floats (NaN/inf become None)."""
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, np.floating):
        return _clean(float(x))
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, np.bool_):
        return bool(x)
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_clean(v) for v in x]
    return x


def fingerprint(
    *,
    standard: std_engine.Standard,
    stage: str,
    year: int,
    split_rule: str,
    scope_key: str,
    table: dict,
) -> str:
    """SHA-256 over the standard as applied, the parameters and every input value, in a
    canonical order, so the same inputs always give the same fingerprint."""
    h = hashlib.sha256()
    h.update(
        json.dumps(
            {
                "standard": json.loads(standard.spec_json),
                "stage": stage,
                "year": year,
                "split_rule": split_rule,
                "scope": scope_key,
            },
            sort_keys=True,
            ensure_ascii=False,
        ).encode()
    )
    order = np.argsort(table["school_id"].astype(str), kind="stable")
    for col in sorted(k for k in table if k != "pk"):
        arr = table[col][order]
        h.update(col.encode())
        if arr.dtype == object:
            h.update("\x1f".join(map(str, arr)).encode())
        else:
            h.update(np.round(arr.astype(np.float64), 6).tobytes())
    return h.hexdigest()


def _scope_of(
    area: CooperationArea | None, jurisdiction: Jurisdiction | None
) -> tuple[list[str], str]:
    if (area is None) == (jurisdiction is None):
        raise ValueError(_("Choose either a cooperation area or a jurisdiction."))
    if area is not None:
        return area_member_prefixes(area), f"area:{area.slug}"
    return [jurisdiction.prefix], f"jurisdiction:{jurisdiction.code}"


def can_run(scope, area, jurisdiction) -> bool:
    """An area is evaluated by its secretariat, a jurisdiction by those who read its data."""
    if area is not None:
        return scope.is_admin or scope.can_manage_area(area.pk)
    return scope.jurisdiction_readable(jurisdiction.code)


def _check_may_run(actor, area, jurisdiction) -> None:
    scope = scope_for(actor)
    scope.require(
        can_run(scope, area, jurisdiction),
        _("evaluate this area") if area is not None else _("evaluate this jurisdiction"),
    )


def _registry_notes(table: dict) -> list[dict]:
    """Registry gaps worth a note: schools without a 办学类型 code cannot be recognised as
    teaching points, so the small-teaching-point rule may miss them."""
    unknown = int(((table["school_type"] == "") & (table["stage"] == "primary")).sum())
    return [{"code": "school_type_unknown", "n_schools": unknown}] if unknown else []


def evaluation_run_check(
    *,
    standard: str,
    stage: str,
    year: int,
    actor,
    area: CooperationArea | None = None,
    jurisdiction: Jurisdiction | None = None,
):
    """What evaluation_run refuses before it reads the registry (scope, role, year, standard,
    stage): checked again when a queued run starts. Returns (standard, prefixes, scope key)."""
    prefixes, scope_key = _scope_of(area, jurisdiction)
    _check_may_run(actor, area, jurisdiction)
    if not 1949 <= int(year) <= 2100:
        raise ValueError(
            _("year %(y)s is outside %(lo)d-%(hi)d") % {"y": year, "lo": 1949, "hi": 2100}
        )
    std = std_engine.load_standard(standard)
    if stage not in std.stages:
        raise ValueError(_("%(std)s has no stage %(stage)s.") % {"std": std.id, "stage": stage})
    return std, prefixes, scope_key


@transaction.atomic
def evaluation_run(
    *,
    standard: str,
    stage: str,
    year: int,
    actor,
    area: CooperationArea | None = None,
    jurisdiction: Jurisdiction | None = None,
    split_rule: str | None = None,
) -> EvaluationRun:
    """Evaluate the registry of an area or jurisdiction, store the result and its fingerprint.

    A school lacking a value the standard needs is listed (``missing_values`` with the columns)
    and makes its county ``incomplete``: a county is never judged on part of its schools
    (docs/measures/standards.md). ``split_rule`` defaults to the standard's own rule for
    combined schools."""
    std, prefixes, scope_key = evaluation_run_check(
        standard=standard,
        stage=stage,
        year=year,
        actor=actor,
        area=area,
        jurisdiction=jurisdiction,
    )
    table = school_table(prefixes=prefixes, year=year)
    if len(table["school_id"]) == 0:
        raise ValueError(_("No schools in this scope."))
    result = std_engine.evaluate(
        std,
        {k: v for k, v in table.items() if k != "pk"},
        stage=stage,
        split_rule=split_rule,
        missing="incomplete",
    )
    split_rule = result.split_rule
    funds = funding_by_county(table, int(year))
    run = EvaluationRun.objects.create(
        standard_id=std.id,
        standard_version=std.version,
        standard_spec=json.loads(std.spec_json),
        stage=stage,
        year=year,
        split_rule=split_rule,
        area=area,
        jurisdiction=jurisdiction,
        fingerprint=fingerprint(
            standard=std,
            stage=stage,
            year=year,
            split_rule=split_rule,
            scope_key=scope_key,
            table=table,
        ),
        n_schools=len(table["school_id"]),
        n_counties=len(result.counties),
        n_passing=result.n_passing,
        excluded=_clean(
            [r.as_dict() for r in result.missing] + [r.as_dict() for r in result.excluded]
        )[:5000],
        notes=_clean([r.as_dict() for r in result.notes] + _registry_notes(table)),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    CountyEvaluation.objects.bulk_create(
        [
            CountyEvaluation(
                run=run,
                county_id=c.county,
                status=c.status,
                n_schools=c.n_schools,
                n_excluded=c.n_excluded,
                n_missing=c.n_missing,
                enrolment=c.enrolment,
                composite_cv=_clean(c.composite_cv),
                composite_threshold=c.composite_threshold,
                n_schools_passing=c.n_schools_passing,
                school_pass_rate=_clean(c.school_pass_rate),
                indicators=_clean(
                    [
                        {
                            "code": i.code,
                            "value": i.value,
                            "cv": i.cv,
                            "cv_threshold": i.cv_threshold,
                            "cv_passed": i.cv_passed,
                            "minimum": i.minimum,
                            "n_below_minimum": i.n_below_minimum,
                        }
                        for i in c.indicators
                    ]
                ),
                reasons=_clean([r.as_dict() for r in c.reasons]),
                notes=_clean([r.as_dict() for r in c.notes]),
                funding=None if funds is None else funds.get(c.county),
            )
            for c in result.counties
        ],
        batch_size=1000,
    )
    pk_of = dict(zip(table["school_id"].tolist(), table["pk"].tolist(), strict=True))
    rows = result.shortfall_rows()
    SchoolShortfall.objects.bulk_create(
        [
            SchoolShortfall(
                run=run,
                county_id=r["county"],
                school_id=pk_of[r["school_id"]],
                indicator=r["indicator"],
                value=r["value"],
                minimum=r["minimum"],
                shortfall=r["shortfall"],
                ratio=r["ratio"],
                below_floor=bool(r["below_floor"]),
            )
            for r in rows
        ],
        batch_size=5000,
    )
    audit_record(
        actor=actor,
        action=AuditAction.EVALUATION_RUN,
        obj=run,
        after={
            "standard": f"{std.id} v{std.version}",
            "stage": stage,
            "year": year,
            "scope": scope_key,
            "fingerprint": run.fingerprint,
            "counties": run.n_counties,
            "passing": run.n_passing,
        },
    )
    return run


def evaluation_reproduce(*, run: EvaluationRun, actor) -> dict:
    """Recompute the fingerprint of the current registry for a stored run: equal means the
    published result still describes the data."""
    area, jurisdiction = run.area, run.jurisdiction
    _check_may_run(actor, area, jurisdiction)
    prefixes, scope_key = _scope_of(area, jurisdiction)
    std = std_engine.Standard.from_dict(run.standard_spec)
    table = school_table(prefixes=prefixes, year=run.year)
    current = fingerprint(
        standard=std,
        stage=run.stage,
        year=run.year,
        split_rule=run.split_rule,
        scope_key=scope_key,
        table=table,
    )
    return {"stored": run.fingerprint, "current": current, "unchanged": current == run.fingerprint}


def can_publish_run(scope, run: EvaluationRun) -> bool:
    """An area's run is published by its secretariat, a jurisdiction's by its bureau."""
    if run.area_id:
        return scope.can_manage_area(run.area_id)
    return scope.acts_for(run.jurisdiction_id)


@transaction.atomic
def evaluation_publish(*, run: EvaluationRun, actor) -> EvaluationRun:
    scope = scope_for(actor)
    scope.require(can_publish_run(scope, run), _("publish this evaluation"))
    run = EvaluationRun.objects.select_for_update().get(pk=run.pk)
    if run.published_at is None:
        run.published_at = timezone.now()
        run.published_by = actor if getattr(actor, "pk", None) else None
        run.save(update_fields=["published_at", "published_by"])
        audit_record(
            actor=actor,
            action=AuditAction.EVALUATION_PUBLISH,
            obj=run,
            before={"published": False},
            after={"published": True, "fingerprint": run.fingerprint},
        )
    return run
