"""Evaluations for the demo: both national standards, both stages, for the two large areas in
the latest year, published so that the public pages show them."""

from __future__ import annotations

from xietong.regions.models import CooperationArea
from xietong.schools.models import SchoolStatistic

from .models import EvaluationRun
from .services import evaluation_publish, evaluation_run


def evaluation_demo_load(*, progress=None) -> int:
    if EvaluationRun.objects.exists():
        return 0
    years = SchoolStatistic.objects.values_list("year", flat=True).distinct()
    if not years:
        return 0
    year = max(years)
    n = 0
    for slug in ("yrd", "jjj"):
        area = CooperationArea.objects.get(slug=slug)
        for standard in ("basic-balance-2012", "quality-balance-2017"):
            for stage in ("primary", "junior"):
                run = evaluation_run(
                    standard=standard, stage=stage, year=year, area=area, actor=None
                )
                evaluation_publish(run=run, actor=None)
                n += 1
                if progress is not None:
                    progress(1)
    return n
