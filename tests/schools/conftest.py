import pytest


@pytest.fixture
def english_messages(settings):
    """For tests that read messages in English; the interface's default language is zh-Hans."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
