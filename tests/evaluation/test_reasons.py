"""Every reason the standards engine can give is rendered as a sentence, never as its code."""

import re
from pathlib import Path

import pytest
from django.utils import translation

from xietong.evaluation.reasons import describe

ENGINE = Path(__file__).resolve().parents[2] / "src/xietong/algorithms/standards"  # a package
SAMPLE_PARAMS = {
    "indicator": "sports_area_per_student",
    "cv": 0.612,
    "threshold": 0.5,
    "county_value": 0.0,
    "n_failing": 2,
    "n_schools": 9,
    "pass_rate": 0.78,
    "required_pass_rate": 1.0,
    "n_missing": 1,
    "county": "131002000000",
    "stage": "primary",
    "school_id": "1310020001",
    "columns": ["sports_area", "teachers_backbone_primary"],
    "students": 30.0,
    "min_students": 50,
    "met": 4,
    "required": 6,
    "school_stage": "special",
    "missing_column": "school_type",
}


def engine_codes() -> set[str]:
    source = "\n".join(p.read_text(encoding="utf-8") for p in sorted(ENGINE.glob("*.py")))
    return set(re.findall(r'Reason\.of\(\s*"([a-z_]+)"', source))


def test_the_engine_codes_are_found():
    assert {"incomplete_data", "missing_values", "schools_below_standard"} <= engine_codes()


@pytest.mark.parametrize(
    "code", sorted(engine_codes() - {"too_few_minimums_met", "indicator_below_floor"})
)
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_reason_reads_as_a_sentence(code, language):
    names = {"sports_area_per_student": "Sports ground area per student"}
    with translation.override(language):
        text = describe({"code": code, **SAMPLE_PARAMS}, names, english=language == "en")
    assert text != code and code not in text
    assert len(text) > 8


def test_missing_columns_are_named_in_the_readers_language():
    r = {"code": "missing_values", **SAMPLE_PARAMS}
    with translation.override("en"):
        assert describe(r, {}, english=True) == (
            "missing: Sports ground area, Backbone teachers (county level and above), primary stage"
        )
    with translation.override("zh-hans"):
        assert "体育运动场馆面积" in describe(r, {}, english=False)
        assert "小学段县级及以上骨干教师数" in describe(r, {}, english=False)
