import pytest

from .helpers import ARGS, CHROMIUM


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def full_demo(transactional_db):
    """The registry at a small scale and each module's demo content: every kind of chart."""
    from xietong.evaluation.demo import evaluation_demo_load
    from xietong.finance.demo import finance_demo_load
    from xietong.regions.services import jurisdictions_load, standard_areas_ensure
    from xietong.schools.demo import demo_load
    from xietong.talent.demo import talent_demo_load

    jurisdictions_load()
    standard_areas_ensure()
    demo_load(scale=0.01, years=(2022, 2023, 2024))
    evaluation_demo_load()
    talent_demo_load(teachers=300)
    finance_demo_load()
