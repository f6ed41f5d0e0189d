import pytest

from tests.talent.conftest import run_to, talent_world


@pytest.fixture
def tw(world):
    return talent_world(world)


@pytest.fixture
def ranking(tw):
    """The jjj round with its applications in, ready to match."""
    return run_to(tw, "ranking")


@pytest.fixture(autouse=True)
def _english_messages(settings):
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
