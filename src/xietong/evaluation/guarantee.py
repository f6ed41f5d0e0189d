"""Government-guarantee items of 教督〔2017〕6号 that the platform checks from the statistics.

Item 6, public operating funds: every compulsory-education school receives at least the per-pupil
base rates of 国发〔2015〕67号, rural small schools and teaching points under 100 pupils funded as
if they had 100 (``algorithms/funding.py``, docs/measures/standards.md). Item 10, teacher
rotation, is checked per exchange round (``talent/engine.py``).
"""

from __future__ import annotations

import numpy as np
from django.conf import settings

from xietong.algorithms import funding

from .standing import RURAL_LOCATIONS


def rates_for(year: int) -> funding.BaseRates | None:
    """The base rates that apply in ``year``: the deployment's file (setting
    ``XIETONG_FUNDING_RATES``, a path or built-in id) or the newest built-in set in force that
    year; None before the first (2016)."""
    configured = getattr(settings, "XIETONG_FUNDING_RATES", "")
    if configured:
        rates = funding.load_base_rates(configured)
        return rates if rates.applies_from <= year else None
    in_force = [funding.load_base_rates(i) for i in funding.list_base_rates()]
    in_force = [r for r in in_force if r.applies_from <= year]
    return max(in_force, key=lambda r: (r.applies_from, r.version)) if in_force else None


def funding_by_county(table: dict, year: int) -> dict[str, dict] | None:
    """County code -> item-6 result (``CountyFunding.as_dict()`` plus the rates used) for the
    schools of ``table`` (``evaluation.inputs.school_table``); None when no rates cover ``year``."""
    rates = rates_for(year)
    if rates is None:
        return None
    cols = {k: v for k, v in table.items() if k != "pk"}
    cols["rural"] = np.isin(table["location"], RURAL_LOCATIONS)
    result = funding.evaluate_funding(rates, cols)
    return {
        c.county: {**c.as_dict(), "rates_id": rates.id, "rates_version": rates.version}
        for c in result.counties
    }
