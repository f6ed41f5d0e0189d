"""The resource model: buildings, grounds, equipment, books, teacher qualifications and
spending per school, converging over the years."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .assumptions import (
    BASE_YEAR,
    CONVERGENCE,
    OPEX_MULT,
    RES_COEF,
    RES_REF,
    SHARE_COEF,
    SHARE_REF,
    ST,
)
from .model import CountyModel, Provinces, SchoolDraw, SchoolTotals
from .sampling import expit, logit_of, split_whole, stratified_normal


@dataclass(frozen=True)
class Resources:
    """Buildings, grounds, equipment, books, teacher qualifications and spending per school."""

    building: np.ndarray
    sports: np.ndarray
    instrument: np.ndarray
    computers: np.ndarray
    books: np.ndarray
    multimedia: np.ndarray
    qualified: np.ndarray
    backbone: np.ndarray
    pe_arts: np.ndarray
    title: np.ndarray
    expenditure: np.ndarray

    @classmethod
    def draw(
        cls,
        rng: np.random.Generator,
        prov: Provinces,
        cm: CountyModel,
        sch: SchoolDraw,
        tot: SchoolTotals,
        years_arr: np.ndarray,
        scale: float,
    ) -> Resources:
        model = _ResourceModel.of(rng, cm, sch, tot, years_arr, scale)
        s_ref, c_ref, t = tot.students_ref[:, None], tot.classes_ref[:, None], tot.teachers
        building = np.round(model.level(rng, "building") * s_ref)
        sports = np.round(model.level(rng, "sports") * s_ref)
        instrument = np.round(model.level(rng, "instrument") * s_ref, 2)
        computers = np.round(model.level(rng, "computers") * s_ref)
        books = np.round(model.level(rng, "books") * s_ref)
        multimedia = np.round(model.level(rng, "multimedia") * c_ref)
        qualified = np.minimum(np.round(model.share(rng, "qualified") * t), t)
        backbone = np.minimum(np.round(model.share(rng, "backbone") * t), t)
        pe_arts = np.minimum(np.round(model.share(rng, "pe_arts") * t), t)
        title = np.minimum(np.round(model.share(rng, "title") * t), t)
        expenditure = model.expenditure(rng, prov, sch, tot)
        return cls(
            building,
            sports,
            instrument,
            computers,
            books,
            multimedia,
            qualified,
            backbone,
            pe_arts,
            title,
            expenditure,
        )


@dataclass(frozen=True)
class _ResourceModel:
    """The school-level terms every resource draws on (see ``RES_COEF``, ``SHARE_COEF``)."""

    prosperity: np.ndarray
    gap: np.ndarray
    sigma: np.ndarray
    quality: np.ndarray  # school quality factor
    dyr: np.ndarray  # (1, n_y) years since the base year
    conv: np.ndarray  # (1, n_y) deviations shrink every year after the base year
    log_size: np.ndarray
    core: np.ndarray  # urban schools of core districts
    loc_of: np.ndarray
    mix: np.ndarray
    strata: np.ndarray
    scale: float

    @classmethod
    def of(
        cls,
        rng: np.random.Generator,
        cm: CountyModel,
        sch: SchoolDraw,
        tot: SchoolTotals,
        years_arr: np.ndarray,
        scale: float,
    ) -> _ResourceModel:
        strata = sch.strata()
        sigma = cm.sigma[sch.county_of]
        dyr = (years_arr - BASE_YEAR)[None, :]
        return cls(
            prosperity=cm.prosperity[sch.county_of],
            gap=cm.gap[sch.county_of],
            sigma=sigma,
            quality=stratified_normal(rng, strata, scale) * sigma,
            dyr=dyr,
            conv=(1.0 - CONVERGENCE) ** np.maximum(dyr, -8),  # capped going back in time
            log_size=np.log(tot.students_ref / tot.stage_median),
            core=cm.core[sch.county_of] & (sch.loc_of == 0),
            loc_of=sch.loc_of,
            mix=tot.mix,
            strata=strata,
            scale=scale,
        )

    def level(self, rng: np.random.Generator, key: str) -> np.ndarray:
        """Resource ``key`` per student (or class), school by school and year by year."""
        a, locs, size_el, load, growth = RES_COEF[key]
        ref = self.mix @ RES_REF[key]
        dev = (
            a * (self.prosperity - 0.6)
            + np.array(locs)[self.loc_of] * self.gap
            + size_el * self.log_size
            + load * self.quality
            + 0.6 * self.sigma * stratified_normal(rng, self.strata, self.scale)
        )
        if key == "sports":
            dev = dev + np.where(self.core, np.log(0.6), 0.0)
        elif key == "building":
            dev = dev + np.where(self.core, np.log(0.9), 0.0)
        eps = rng.normal(0.0, 0.02, (dev.size, self.dyr.shape[1]))
        return ref[:, None] * np.exp(growth * self.dyr + dev[:, None] * self.conv + eps)

    def share(self, rng: np.random.Generator, key: str) -> np.ndarray:
        """Share ``key`` of the teachers (logit model), school by school and year by year."""
        a, locs, load, growth = SHARE_COEF[key]
        ref = logit_of(np.clip(self.mix @ SHARE_REF[key], 0.01, 0.99))
        dev = (
            a * (self.prosperity - 0.6)
            + np.array(locs)[self.loc_of] * self.gap
            + load * self.quality
            + 0.8 * self.sigma * stratified_normal(rng, self.strata, self.scale)
        )
        eps = rng.normal(0.0, 0.05, (dev.size, self.dyr.shape[1]))
        return expit(ref[:, None] + growth * self.dyr + dev[:, None] * self.conv + eps)

    def expenditure(
        self, rng: np.random.Generator, prov: Provinces, sch: SchoolDraw, tot: SchoolTotals
    ) -> np.ndarray:
        """Wages, non-wage spending per student and a fixed part, in yuan."""
        salary = np.array([pr.salary for pr in prov.prof])[sch.s_prov]
        opex = np.array([pr.opex for pr in prov.prof])[sch.s_prov] * (self.mix @ OPEX_MULT)
        money_dev = 0.5 * (self.prosperity - 0.6) + 0.5 * self.quality
        dyr = self.dyr
        expenditure = (
            tot.teachers * salary[:, None] * np.exp(rng.normal(0.0, 0.05, (sch.n, 1))) * 1.04**dyr
            + tot.students * opex[:, None] * np.exp(money_dev[:, None] * self.conv) * 1.03**dyr
            + 30_000.0 * np.exp(self.prosperity)[:, None]
        )
        return np.round(expenditure, 2)


def teachers_by_stage_taught(
    sch: SchoolDraw, tot: SchoolTotals, res: Resources
) -> list[np.ndarray]:
    """Teachers of combined schools by the stage they teach (NaN for other schools).

    Each school total is split over the stages in proportion to the teachers of that stage,
    to whole persons.
    """
    combined = np.isin(sch.stage_of, [ST["nine_year"], ST["complete_secondary"], ST["twelve_year"]])
    tbs = tot.teachers_by_stage
    tb3 = np.stack([tbs[:, :, 0], tbs[:, :, 1], tbs[:, :, 2] + tbs[:, :, 3]], axis=2)
    by_stage = []
    for total in (tot.teachers, res.qualified, res.backbone, res.pe_arts, res.title):
        split = split_whole(total, tb3)
        split[~combined] = np.nan
        by_stage.extend(split[:, :, k] for k in range(3))
    return by_stage
