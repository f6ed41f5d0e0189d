"""What a matched round means: the rotation targets per county and member, the predicted effect
of the moves on the balance indicators, and the flows of teachers between members."""

from __future__ import annotations

import math
from collections import defaultdict
from typing import TYPE_CHECKING

import numpy as np

from xietong.algorithms import inequality
from xietong.evaluation.inputs import school_table
from xietong.regions.selectors import prefixes_q
from xietong.schools.models import SchoolStatistic

from .models import ExchangeRound, Placement, Teacher

if TYPE_CHECKING:
    from .engine import Outcome


# ---- policy targets ----------------------------------------------------------------------------
#: Backbone teachers in the sense of the catalogue's ``teachers_backbone`` and of the rotation
#: rule: recognised at county level or above (县级及以上骨干教师); school-level backbones are not.
BACKBONE_LEVELS = ("county", "city", "province")


def _round_members(rnd: ExchangeRound) -> list[tuple[str, str]]:
    """(code, prefix) of the members of the round's own area, or its jurisdiction."""
    from xietong.regions.models import AreaMembership

    if rnd.area_id:
        return sorted(
            AreaMembership.objects.filter(area_id=rnd.area_id).values_list(
                "jurisdiction_id", "jurisdiction__prefix"
            )
        )
    return [(rnd.jurisdiction_id, rnd.jurisdiction.prefix)]


def policy_check(rnd: ExchangeRound, outcome: Outcome | None = None) -> dict:
    """The rotation targets of 教师〔2014〕4号 and 教督〔2017〕6号 (government guarantee, item 10),
    per county: at least ``min_rotation_share`` (10%) of the eligible teachers of the county's urban
    and high-quality schools rotate to rural or weaker schools, and county-level-and-above
    backbone teachers are at least ``min_backbone_share`` (20%) of those who rotate.

    Eligible: ``eligible``, not exempt, at least ``min_years_at_school`` (6) years at the school.
    Only moves *towards* rural or weaker schools count (a rural-to-urban move does not); "urban",
    "rural", "high-quality" and "weaker" are defined in :mod:`xietong.evaluation.standing`. The
    result is structured (no sentences) and totalled per member of the round's own area.
    """
    from xietong.evaluation.standing import school_standing

    from .selectors import round_prefixes

    prefixes = round_prefixes(rnd)
    year = _latest_year(prefixes, rnd)
    standing = school_standing(prefixes=prefixes, year=year) if year is not None else {}

    def sending(pk: int) -> bool:
        st = standing.get(pk)
        return st is not None and (not st.rural or st.high_quality)

    def receiving(pk: int) -> bool:
        st = standing.get(pk)
        return st is not None and (st.rural or st.weaker)

    counties: dict[str, dict] = defaultdict(
        lambda: {"eligible": 0, "placed": 0, "backbone": 0, "not_counted": 0}
    )
    _count_eligible(rnd, prefixes, sending, counties)
    principals = _count_moves(rnd, sending, receiving, counties)
    members = _round_members(rnd)
    by_member: dict[str, dict] = {
        code: {"eligible": 0, "placed": 0, "backbone": 0, "counties": 0, "counties_met": 0}
        for code, _p in members
    }
    missed = []
    for county, c in sorted(counties.items()):
        missed += _county_targets(rnd, county, c)
        c["member"] = next((code for code, p in members if county.startswith(p)), None)
        if c["member"] is not None:
            _add_to_member(by_member[c["member"]], c)
    total = {k: sum(c[k] for c in counties.values()) for k in ("eligible", "placed", "backbone")}
    return {
        **total,
        "year": year,
        "not_counted": sum(c["not_counted"] for c in counties.values()),
        "principals_rotating": principals,
        "rotation_share": total["placed"] / total["eligible"] if total["eligible"] else None,
        "backbone_share": total["backbone"] / total["placed"] if total["placed"] else None,
        "min_rotation_share": float(rnd.min_rotation_share),
        "min_backbone_share": float(rnd.min_backbone_share),
        "min_years_at_school": rnd.min_years_at_school,
        "required_rotating": sum(c["required_rotating"] for c in counties.values()),
        "required_backbone": sum(c["required_backbone"] for c in counties.values()),
        "met": not missed,
        "missed": missed,
        "counties": dict(counties),
        "members": by_member,
    }


def _count_eligible(rnd: ExchangeRound, prefixes: list[str], sending, counties: dict) -> None:
    """Eligible teachers of the sending (urban or high-quality) schools, per county."""
    eligible_q = Teacher.objects.filter(
        prefixes_q(prefixes, "school__county__code"),
        eligible=True,
        exemption="none",
        years_at_school__gte=rnd.min_years_at_school,
        position="teacher",
    )
    for school_id, county, n in _count_by(eligible_q, "school_id", "school__county_id"):
        if sending(school_id):
            counties[county]["eligible"] += n


def _count_moves(rnd: ExchangeRound, sending, receiving, counties: dict) -> int:
    """Count the moves towards rural or weaker schools per home county (and their backbones);
    returns the number of principals rotating, who are counted apart."""
    moves = Placement.objects.filter(round=rnd, post__isnull=False).values_list(
        "teacher__school_id",
        "teacher__school__county_id",
        "post__host_school_id",
        "teacher__backbone",
        "post__kind",
    )
    principals = 0
    for home, county, host, backbone, kind in moves.iterator(chunk_size=20000):
        if kind == "principal":  # 校长交流 has its own rule: not in the teachers' 10% / 20%
            principals += 1
            continue
        if sending(home) and receiving(host):
            counties[county]["placed"] += 1
            counties[county]["backbone"] += backbone in BACKBONE_LEVELS
        else:
            counties[county]["not_counted"] += 1
    return principals


def _county_targets(rnd: ExchangeRound, county: str, c: dict) -> list[dict]:
    """Set a county's required numbers and whether it meets them; returns its missed targets."""
    c["required_rotating"] = math.ceil(float(rnd.min_rotation_share) * c["eligible"] - 1e-9)
    c["required_backbone"] = math.ceil(float(rnd.min_backbone_share) * c["placed"] - 1e-9)
    c["met"] = c["placed"] >= c["required_rotating"] and c["backbone"] >= c["required_backbone"]
    missed = []
    if c["placed"] < c["required_rotating"]:
        missed.append(
            {
                "county": county,
                "target": "rotation",
                "have": c["placed"],
                "need": c["required_rotating"],
            }
        )
    if c["backbone"] < c["required_backbone"]:
        missed.append(
            {
                "county": county,
                "target": "backbone",
                "have": c["backbone"],
                "need": c["required_backbone"],
            }
        )
    return missed


def _add_to_member(m: dict, c: dict) -> None:
    for k in ("eligible", "placed", "backbone"):
        m[k] += c[k]
    m["counties"] += 1
    m["counties_met"] += c["met"]


def _count_by(qs, *fields: str):
    from django.db.models import Count

    return qs.values_list(*fields).annotate(n=Count("pk")).order_by()


# ---- predicted effect on balance indicators ----------------------------------------------------
EFFECT_INDICATORS = (("teachers", "teachers_per_100"), ("teachers_backbone", "backbone_per_100"))


def _latest_year(prefixes: list[str], rnd: ExchangeRound) -> int | None:
    years = sorted(
        set(
            SchoolStatistic.objects.filter(
                prefixes_q(prefixes, "school__county__code"), indicator_id="teachers"
            )
            .values_list("year", flat=True)
            .distinct()
        )
    )
    if not years:
        return None
    before = [y for y in years if y <= rnd.year]
    return before[-1] if before else years[-1]


def _cv(values: np.ndarray, weights: np.ndarray) -> float | None:
    if values.size < 2 or weights.sum() <= 0 or values.mean() <= 0:
        return None
    try:
        return float(inequality.cv(values, weights))
    except ValueError:
        return None


def predicted_effect(rnd: ExchangeRound) -> dict:
    """County CVs of teachers (and backbone teachers) per 100 students, weighted by enrolment,
    before and after the round's moves; the moved teachers count at the host school."""
    from .selectors import round_prefixes

    prefixes = round_prefixes(rnd)
    year = _latest_year(prefixes, rnd)
    if year is None:
        return {"year": None, "counties": [], "note": "no_teacher_statistics"}
    table = school_table(
        prefixes=prefixes, year=year, raw_codes=("students", "teachers", "teachers_backbone")
    )
    index = {pk: i for i, pk in enumerate(table["pk"].tolist())}
    delta, moved = _move_deltas(rnd, index, table["pk"].size)
    rows = [
        row
        for county in sorted(set(table["county"].tolist()))
        if (row := _county_effect(county, table, delta)) is not None
    ]
    rows.sort(key=lambda r: r.get("teachers_per_100_cv_change") or 0)
    return {"year": year, "moved": moved, "counties": rows, **_effect_summary(rows)}


def _move_deltas(rnd: ExchangeRound, index: dict[int, int], n: int) -> tuple[dict, int]:
    """Per school of the table, teachers (and backbones) gained minus lost; and the moves."""
    delta = {raw: np.zeros(n) for raw, _k in EFFECT_INDICATORS}
    moves = Placement.objects.filter(round=rnd, post__isnull=False).values_list(
        "teacher__school_id", "post__host_school_id", "teacher__backbone"
    )
    moved = 0
    for home, host, bb in moves.iterator(chunk_size=20000):
        moved += 1
        for raw, _k in EFFECT_INDICATORS:
            if raw == "teachers_backbone" and bb not in BACKBONE_LEVELS:
                continue  # the statistic counts county-level-and-above backbones only
            if home in index:
                delta[raw][index[home]] -= 1
            if host in index:
                delta[raw][index[host]] += 1
    return delta, moved


def _county_effect(county: str, table: dict, delta: dict) -> dict | None:
    """CVs before and after in one county; None when it has too few schools with numbers."""
    students = table["students"]
    mask = (table["county"] == county) & (students > 0)
    row = {"county": county, "schools": int(mask.sum())}
    for raw, key in EFFECT_INDICATORS:
        vals = table[raw][mask]
        ok = ~np.isnan(vals)
        if ok.sum() < 2:
            return None
        w = students[mask][ok]
        before = 100 * vals[ok] / w
        after = 100 * np.maximum(vals[ok] + delta[raw][mask][ok], 0) / w
        b, a = _cv(before, w), _cv(after, w)
        row[f"{key}_cv_before"] = b
        row[f"{key}_cv_after"] = a
        row[f"{key}_cv_change"] = None if b is None or a is None else a - b
    row["moved_in"] = int(delta["teachers"][mask].clip(min=0).sum())
    row["moved_out"] = int((-delta["teachers"][mask]).clip(min=0).sum())
    return row


def _effect_summary(rows: list[dict]) -> dict:
    """How many counties' CVs shrink, grow or stay."""
    shrink = [r for r in rows if (r.get("teachers_per_100_cv_change") or 0) < -1e-12]
    grow = [r for r in rows if (r.get("teachers_per_100_cv_change") or 0) > 1e-12]
    bb = [r.get("backbone_per_100_cv_change") or 0 for r in rows]
    return {
        "shrinking": len(shrink),
        "growing": len(grow),
        "unchanged": len(rows) - len(shrink) - len(grow),
        "backbone_shrinking": sum(1 for c in bb if c < -1e-12),
        "backbone_growing": sum(1 for c in bb if c > 1e-12),
    }


# ---- flows -------------------------------------------------------------------------------------
LEVEL_DIGITS = {"province": 2, "prefecture": 4, "county": 6}


def flows(rnd: ExchangeRound, level: str = "province") -> list[dict]:
    """Teachers moving from one member (province, prefecture or county) to another."""
    from django.db.models import Count

    from xietong.regions.models import Jurisdiction

    digits = LEVEL_DIGITS[level]
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    qs = (
        Placement.objects.filter(round=rnd, post__isnull=False)
        .values_list(
            "teacher__school__county_id", "post__host_school__county_id", "teacher__backbone"
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    for src, dst, bb, n in qs:
        key = (src[:digits].ljust(12, "0"), dst[:digits].ljust(12, "0"))
        counts[key][0] += n
        if bb != "none":
            counts[key][1] += n
    codes = {c for k in counts for c in k}
    names = {j.code: j.name for j in Jurisdiction.objects.filter(code__in=codes)}
    return [
        {
            "from_code": s,
            "from_name": names.get(s, s),
            "to_code": d,
            "to_name": names.get(d, d),
            "teachers": v[0],
            "backbone": v[1],
        }
        for (s, d), v in sorted(counts.items(), key=lambda kv: -kv[1][0])
    ]
