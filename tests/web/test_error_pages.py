"""Error pages use the site's layout and the reader's language."""

import pytest
from django.test import Client, override_settings


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_not_found_in_both_languages(regions):
    zh = Client().get("/schools/0000000000/")
    assert zh.status_code == 404
    text = zh.content.decode()
    assert 'class="topbar"' in text and 'lang="zh-hans"' in text
    assert "Not found" not in text  # translated
    en = Client(headers={"accept-language": "en"}).get("/schools/0000000000/")
    assert en.status_code == 404 and "Not found" in en.content.decode()


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_server_error_page_is_the_sites(regions, settings):
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert 'class="topbar"' in html and "出错了" in html and "Server error" in html
