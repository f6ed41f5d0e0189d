"""Deterministic synthetic school registries and yearly statistics for the demo.

Every school produced here is **invented**. Only the *province totals* (students and full-time
teachers of the primary and junior-secondary stages, and school counts) are calibrated: to
published education statistics where a source could be checked, otherwise to estimates that
are marked as unverified. :data:`CALIBRATION` and ``docs/demo-data.md`` list every figure with
its source and status. Everything below the province level (how students spread over counties
and schools, the resources of each school, names, codes and coordinates) comes from a seeded
random model with realistic gaps: rich and poor provinces, rich and poor prefectures within a
province (southern versus northern Jiangsu, Langfang versus Zhangjiakou and Chengde), urban and
rural schools within a county, and a gentle convergence over the years.

The module is pure Python plus numpy so that it can be used without Django; the Django loader
turns a :class:`SyntheticRegion` into database rows.

Examples
--------
>>> spec = CountySpec("110112000000", "通州区", "110000000000", "110100000000",
...                   116.656, 39.910, "district")
>>> region = generate([spec], [2022, 2023], seed=7, scale=0.05)
>>> region.values.shape[1:] == (2, len(INDICATORS))
True
>>> region.schools[0].code[:6]
'110112'

Parts
-----
``vocabulary`` (the public codes and the data classes returned), ``calibration`` (the province
totals and their sources), ``assumptions`` (the invented model parameters), ``model`` (provinces,
counties, schools, staffing and students), ``resources`` (what each school has and spends),
``names`` (names, codes and coordinates), ``sampling`` (allocation and stratified draws) and
``generator`` (:func:`generate`).  Import from the package; the parts import each other only by
their public names.
"""

from __future__ import annotations

from .calibration import CALIBRATION, ProvinceCalibration
from .generator import generate
from .vocabulary import (
    INDICATORS,
    KINDS,
    LOCATIONS,
    OWNERSHIPS,
    STAGES,
    TEACHER_STAGE_PARTS,
    CountySpec,
    SyntheticRegion,
    SyntheticSchool,
)

__all__ = [
    "CALIBRATION",
    "INDICATORS",
    "KINDS",
    "LOCATIONS",
    "OWNERSHIPS",
    "STAGES",
    "TEACHER_STAGE_PARTS",
    "CountySpec",
    "ProvinceCalibration",
    "SyntheticRegion",
    "SyntheticSchool",
    "generate",
]
