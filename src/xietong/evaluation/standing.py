"""Where each school stands, for the policies that send teachers "to rural and weaker schools".

教师〔2014〕4号 (《关于推进县（区）域内义务教育学校校长教师交流轮岗的意见》) asks that teachers of
urban and high-quality schools rotate towards rural and weaker schools. The platform reads
"high-quality" and "weaker" from the national standard the counties are evaluated against, so the
words mean the same on every page:

* **rural**: the school's location is 镇区 (town) or 乡村 (rural) in the registry (农村学校 in the
  statistics covers both); **urban**: 城区;
* **weaker**: in the latest year's statistics the school fails the school rule of
  教督〔2017〕6号 (at least 6 of the 7 resource minimums met and at least 85% of the minimum on the
  rest) in a stage it teaches;
* **high-quality**: it meets all 7 minimums in every stage it teaches;
* a school whose statistics lack a value the standard needs is neither (its standing is unknown).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from xietong.algorithms import standards

from .inputs import school_table

STANDARD = "quality-balance-2017"
RURAL_LOCATIONS = ("town", "rural")


@dataclass(frozen=True)
class Standing:
    rural: bool
    weaker: bool
    high_quality: bool


def school_standing(*, prefixes: list[str], year: int) -> dict[int, Standing]:
    """School pk -> standing, for the open schools in ``prefixes`` (statistics of ``year``)."""
    from xietong.schools.models import School

    table = school_table(prefixes=prefixes, year=year)
    pks = table["pk"].tolist()
    if not pks:
        return {}
    std = standards.load_standard(STANDARD)
    cols = {k: v for k, v in table.items() if k != "pk"}
    index = {sid: i for i, sid in enumerate(table["school_id"].tolist())}
    fails = np.zeros(len(pks), dtype=bool)
    meets_all = np.ones(len(pks), dtype=bool)
    evaluated = np.zeros(len(pks), dtype=bool)
    for stage in std.stages:
        ev = standards.evaluate(std, cols, stage=stage, missing="incomplete")
        t = ev.school_table()
        rows = np.array([index[s] for s in t["school_id"].tolist()], dtype=np.int64)
        if rows.size == 0:
            continue
        evaluated[rows] = True
        fails[rows] |= ~t["passed"]
        meets_all[rows] &= t["n_met"] == len(std.indicators)
        for m in ev.missing:  # unknown in one stage: unknown overall
            i = index[m.params["school_id"]]
            meets_all[i] = False
    location = dict(School.objects.filter(pk__in=pks).values_list("pk", "location"))
    return {
        pk: Standing(
            rural=location.get(pk) in RURAL_LOCATIONS,
            weaker=bool(evaluated[i] and fails[i]),
            high_quality=bool(evaluated[i] and meets_all[i] and not fails[i]),
        )
        for i, pk in enumerate(pks)
    }
