"""The raw indicator codes have one home, xietong.algorithms.indicators (issue 11): the
catalogue, the synthetic demo data and the balance standards take theirs from it."""

from xietong.algorithms import indicators, standards
from xietong.schools import catalogue, synthetic


def test_catalogue_and_synthetic_data_follow_the_one_list():
    assert tuple(d.code for d in catalogue.RAW) == indicators.RAW_CODES
    assert catalogue.RAW_CODES == indicators.RAW_CODES
    assert synthetic.INDICATORS == indicators.RAW_CODES


def test_every_code_has_its_name_and_unit_in_the_catalogue():
    for code in indicators.RAW_CODES:
        d = catalogue.BY_CODE[code]
        assert d.kind == "raw" and d.name_zh and d.name_en and d.unit_zh


def test_standards_cite_the_resource_counts_only():
    assert standards.RAW_INDICATOR_CODES == indicators.RESOURCE_COUNTS
    assert not set(standards.RAW_INDICATOR_CODES) & set(indicators.TEACHER_STAGE_CODES)
