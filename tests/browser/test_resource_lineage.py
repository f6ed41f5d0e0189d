"""A visitor opens a resource's remix lineage under the site's real Content-Security-Policy: the
sunburst is drawn, the table lists the lineage, the remix the visitor may not read is counted
and not named; the flows page's remix tables and an office document's embedded PDF preview load
without a violation."""

import pytest

from .helpers import require_chromium

require_chromium()

LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`);
});
"""


@pytest.fixture
def lineage_world(transactional_db, world, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.resources.conftest import PDF, SEED, make, publish
    from tests.resources.test_lineage import remix
    from tests.resources.test_previews import docx_bytes
    from xietong.resources.previews import preview_store
    from xietong.resources.services import vocabulary_load

    settings.XIETONG_OFFICE_CONVERTER = ""  # the preview below is stored, not converted
    settings.STORAGES = {
        **settings.STORAGES,
        "resources": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "store")},
        },
    }
    vocabulary_load(data=SEED.read_bytes(), name=SEED.name, actor=None)
    root = publish(world, make(world, title_zh="原始教案", visibility="public"))
    first = remix(world, root, "改编甲")
    remix(world, first, "再改编乙")
    remix(world, root, "校内改编丙", visibility="school")
    doc = make(
        world,
        title_zh="文档资源",
        visibility="public",
        upload=SimpleUploadedFile("d.docx", docx_bytes()),
    )
    preview_store(file=doc.file, pdf=PDF)
    return root, publish(world, doc)


def test_lineage_page_flows_page_and_office_preview(browser, live_server, lineage_world):
    root, doc = lineage_world
    page = browser.new_page(locale="en-GB")
    page.add_init_script(LISTEN)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    response = page.goto(f"{live_server.url}/resources/{root.pk}/lineage/")
    assert response.status == 200
    page.wait_for_function(
        "() => document.querySelector('[data-figure] .main-svg') !== null", timeout=30000
    )
    assert page.locator("#lineage-table tbody tr").count() == 3  # root, 甲, 乙
    assert "校内改编丙" not in page.content()
    assert "1 more remix is not visible to you" in page.locator("#hidden-remixes").inner_text()
    assert page.locator("[data-figure] .main-svg path.surface").count() >= 3  # one per resource
    assert page.evaluate("window.__violations") == []
    page.goto(f"{live_server.url}/resources/flows/")
    page.wait_for_load_state("networkidle")
    assert page.locator("#remix-matrix").count() == 1
    assert page.locator("#most-remixed").count() == 1
    assert page.evaluate("window.__violations") == []
    page.goto(f"{live_server.url}/resources/{doc.pk}/")
    page.wait_for_load_state("networkidle")
    assert page.locator("#office-preview").get_attribute("src").endswith("/preview.pdf")
    assert errors == []
    assert page.evaluate("window.__violations") == []
    page.close()
