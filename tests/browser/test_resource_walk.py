"""Issue 12's whole story, through the pages only, as the people in it.

A school administrator in Nantong (Jiangsu) uploads a lesson design with a real PDF for the
whole cooperation area and submits it with the self-review pledge; the machine checks pass and
the Jiangsu bureau approves it on its review queue (入库). A teacher in Hefei (Anhui) finds it
by a two-character word of its title and, separately, by its textbook edition (typed as a
word, and as the search page's facet), opens it, sees the PDF in the page and adds it to their collection. The Yangtze River
Delta secretariat then sees the Jiangsu -> Anhui flow on the flows page: the heat map and the
Sankey drawn with those members and the count, the table and the CSV with the cell, in English
and in zh-Hans.

Between the bureau's approval and the teacher's search a worker's periodic task applies the
committed change to the search index (``searching.periodic_sync``, what every worker's
housekeeping thread runs every few seconds); it is run here once, between two page visits, so
the test neither sleeps nor shares the live server's database connection with another thread.
"""

from __future__ import annotations

import csv
import io

import pytest

from .helpers import login, require_chromium

require_chromium()

PASSWORD = "kestrel-harbour-42"
TITLE = "一元一次方程的应用：行程问题"
TITLE_EN = "Applying linear equations: journey problems"  # what English pages show
WORD = "方程"  # two characters of the title
EDITION_EN = "Jiangsu Science and Technology Press edition"
HEFEI_YAOHAI = "340102000000"


def small_pdf(text: str) -> bytes:
    """A real one-page PDF (catalogue, page tree, page, content stream, font, xref table)
    showing ``text`` (ASCII) in Helvetica."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


PDF = small_pdf("Linear equations in one unknown: journey problems")


@pytest.fixture
def story(transactional_db, world, settings, tmp_path):
    """The scope matrix's world, the seed vocabulary, a school administrator of school C
    (Nantong, Jiangsu), a teacher at a school in Hefei (Anhui), and one published resource of
    another edition from Hebei that the searches must leave out."""
    from tests.resources.conftest import SEED, make, publish
    from xietong.accounts.models import Role
    from xietong.accounts.services import role_grant, user_create
    from xietong.resources import searching
    from xietong.resources.services import vocabulary_load
    from xietong.schools.models import School

    settings.XIETONG_SEARCH_DIR = str(tmp_path / "search")
    settings.STORAGES = {
        **settings.STORAGES,
        "resources": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "store")},
        },
    }
    vocabulary_load(data=SEED.read_bytes(), name=SEED.name, actor=None)
    hefei = School.objects.create(
        code="340102000001",
        name_zh="瑶海区第一中学",
        stage="junior",
        county_id=HEFEI_YAOHAI,
        location="urban",
        ownership="public",
    )
    users = world["users"]
    for name, role, kw in (
        ("school-c", Role.SCHOOL, {"school": world["schools"]["C"]}),
        ("teacher-hefei", Role.TEACHER, {"school": hefei}),
    ):
        users[name] = user_create(username=name, password=PASSWORD, actor=None)
        role_grant(user=users[name], role=role, actor=None, **kw)
    other = publish(world, make(world, visibility="public", title_zh="有理数的加法与方程思想"))
    searching.sync()
    return world, other


def _session(browser, live_server, username, locale="en-GB"):
    context = browser.new_context(locale=locale, accept_downloads=True)
    context.set_default_timeout(10000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, live_server.url, username, PASSWORD)
    return context, page, errors


def _messages(page) -> str:
    return " ".join(page.locator("ul.messages li").all_inner_texts())


def _upload_and_submit(browser, live_server, world) -> str:
    """Step 1: the school administrator fills the upload page and submits with the pledge."""
    context, page, errors = _session(browser, live_server, "school-c")
    page.goto(f"{live_server.url}/resources/upload/")
    page.select_option("#id_owner", label=world["schools"]["C"].name)
    page.fill("#id_title_zh", TITLE)
    page.fill("#id_title_en", TITLE_EN)
    page.fill("#id_description_zh", "用一元一次方程解决相遇与追及问题，附课堂练习。")
    page.fill("#id_licence", "CC-BY-SA-4.0")
    page.fill("#id_author_name", "陈老师")
    page.select_option("#id_visibility", label="Cooperation area")
    page.set_input_files(
        "#id_file",
        files=[{"name": "journey-problems.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    page.select_option("#id_kind", label="Lesson design")
    page.select_option("#id_stage", label="Junior secondary")
    page.select_option("#id_grade", label="Grade 7")
    page.select_option("#id_subject", label="Mathematics")
    page.select_option("#id_edition", label=EDITION_EN)
    page.select_option("#id_volume", label=f"{EDITION_EN} · Grade 7, volume 1")
    page.select_option("#id_unit", label=f"{EDITION_EN} · Grade 7, volume 1 · 第4章 一元一次方程")
    page.select_option("#id_standards", label="Number and algebra: equations and inequalities")
    with page.expect_navigation():
        page.click("#resource-form button[type=submit]")
    assert "Saved as a draft" in _messages(page), page.inner_text("main")[:2000]
    assert page.locator("h1").inner_text() == TITLE_EN
    assert page.locator("#status").inner_text() == "Draft"
    resource_id = page.url.rstrip("/").rsplit("/", 1)[-1]
    page.check("#id_pledge")
    with page.expect_navigation():
        page.click("#submit-form button[type=submit]")
    assert "Submitted." in _messages(page)
    assert page.locator("#status").inner_text() == "Awaiting review"  # the machine checks passed
    steps = page.locator("#reviews tbody tr").all_inner_texts()
    assert any("Machine checks" in s and "✗" not in s for s in steps), steps
    assert errors == []
    context.close()
    return resource_id


def _review(browser, live_server, resource_id) -> None:
    """Step 2: the Jiangsu bureau approves it on the review queue; the page says published."""
    context, page, errors = _session(browser, live_server, "jiangsu")
    page.goto(f"{live_server.url}/resources/review/")
    row = page.locator("#queue tbody tr", has_text=TITLE_EN)
    assert row.count() == 1
    assert "CC-BY-SA-4.0" in row.inner_text()
    with page.expect_navigation():
        row.get_by_role("button", name="Approve and publish").click()
    assert "Approved: the resource is in the library." in _messages(page)
    assert page.locator("#queue tbody tr", has_text=TITLE_EN).count() == 0
    page.goto(f"{live_server.url}/resources/{resource_id}/")
    assert page.locator("#status").inner_text() == "Published (in the library)"
    assert errors == []
    context.close()


def _search(page, live_server, q: str) -> None:
    page.goto(f"{live_server.url}/resources/search/")
    page.fill("#search-form input[name=q]", q)
    with page.expect_navigation():
        page.click("#search-form button[type=submit]")


def _find_and_import(browser, live_server, resource_id, other_id) -> None:
    """Step 3: a teacher in Anhui finds it by a word and by its edition, previews, imports."""
    context, page, errors = _session(browser, live_server, "teacher-hefei")
    _search(page, live_server, WORD)  # the Hebei resource has the word too, and is public
    hits = page.locator("#hits li.hit")
    assert sorted(hits.evaluate_all("els => els.map(e => e.dataset.id)")) == sorted(
        [resource_id, str(other_id)]
    )
    mine = page.locator(f"#hits li.hit[data-id='{resource_id}']")
    assert mine.locator("mark").first.inner_text() == WORD
    assert EDITION_EN in mine.inner_text()
    _search(page, live_server, "苏科版")  # separately: the edition typed as a word
    assert hits.evaluate_all("els => els.map(e => e.dataset.id)") == [resource_id]
    assert mine.locator(".snippet mark").first.inner_text() == "苏科版"
    page.goto(f"{live_server.url}/resources/search/")  # and no words, the edition facet
    assert hits.count() == 2
    facet = page.locator("#facets [data-facet=edition] a[data-code=suke]")
    assert facet.inner_text() == EDITION_EN
    with page.expect_navigation():
        facet.click()
    assert hits.evaluate_all("els => els.map(e => e.dataset.id)") == [resource_id]
    assert page.locator("#result-count").inner_text() == "1 resource found."
    with page.expect_response(lambda r: r.url.endswith(f"/resources/{resource_id}/file")) as got:
        with page.expect_navigation():
            page.click(f"#hits li.hit[data-id='{resource_id}'] a.hit-title")
    preview = got.value
    assert preview.status == 200
    assert preview.headers["content-type"] == "application/pdf"
    src = page.locator("#preview iframe").get_attribute("src")
    assert src == f"/resources/{resource_id}/file"
    # chromium hands the frame's PDF to its viewer; the bytes are read as the same session
    assert page.request.get(live_server.url + src).body() == PDF
    with page.expect_navigation():
        page.click("#import")
    assert "Added to your collection." in _messages(page)
    assert page.locator("#import").count() == 0
    page.goto(f"{live_server.url}/resources/collection/")
    assert TITLE_EN in page.inner_text("main")
    assert errors == []
    context.close()


FIGURES = """() => [...document.querySelectorAll('.plotly-graph-div')].map(d => ({
  type: d.data && d.data[0].type,
  drawn: d.querySelector('.main-svg') !== null,
  x: d.data && d.data[0].x, y: d.data && d.data[0].y, z: d.data && d.data[0].z,
  labels: d.data && d.data[0].node && d.data[0].node.label,
  values: d.data && d.data[0].link && d.data[0].link.value,
}))"""


def _figures(page) -> dict:
    page.wait_for_function(
        "() => [...document.querySelectorAll('.plotly-graph-div')]"
        ".filter(d => d.querySelector('.main-svg')).length >= 2",
        timeout=30000,
    )
    return {f["type"]: f for f in page.evaluate(FIGURES)}


HEADINGS = {
    "en-GB": ("Resource flows between members", "Resource use: owner's member"),
    "zh-CN": ("成员间的资源流动", "资源使用：所属成员"),
}


def _flows(browser, live_server, locale, source, consumer) -> None:
    """Step 4: the secretariat's flows page, narrowed to imports: heat map, Sankey, table, CSV."""
    context, page, errors = _session(browser, live_server, "yrd-sec", locale)
    page.goto(f"{live_server.url}/resources/flows/")
    heading, heat_title = HEADINGS[locale]
    assert page.locator("h1").inner_text() == heading
    row = page.locator("#flows tbody tr", has_text=consumer)
    assert row.locator("td").nth(0).inner_text() == source
    # the teacher's view of the page (the preview in it is not a download), the file read once
    # as the teacher, and the import; the bureau's look at its own province's resource stays home
    assert row.locator("td").nth(2).inner_text() == "3"
    page.select_option("#flows-filter select[name=kind]", value="import")
    with page.expect_navigation():
        page.click("#flows-filter button[type=submit]")
    figures = _figures(page)
    heat, sankey = figures["heatmap"], figures["sankey"]
    assert heat["drawn"] and sankey["drawn"]
    assert page.locator(".plotly-graph-div .gtitle").first.text_content().startswith(heat_title)
    assert (heat["y"], heat["x"], heat["z"]) == ([source], [consumer], [[1]])
    assert sankey["labels"] == [source, consumer] and sankey["values"] == [1]
    cells = page.locator("#flows tbody tr").all_inner_texts()
    assert [c.split("\t") for c in cells] == [[source, consumer, "1"]]
    with page.expect_download() as download:
        page.locator("#flows-filter a", has_text="CSV").click()
    with open(download.value.path(), encoding="utf-8-sig") as f:
        table = list(csv.reader(io.StringIO(f.read())))
    assert table == [["source_member", "consumer_member", "events"], ["32", "34", "1"]]
    assert errors == []
    context.close()


def test_upload_review_find_import_and_the_flow(browser, live_server, story):
    from xietong.resources import searching

    world, other = story
    resource_id = _upload_and_submit(browser, live_server, world)
    _review(browser, live_server, resource_id)
    searching.periodic_sync()  # a worker's periodic task (see the module's docstring)
    _find_and_import(browser, live_server, resource_id, other.pk)
    _flows(browser, live_server, "en-GB", "Jiangsu Province", "Anhui Province")
    _flows(browser, live_server, "zh-CN", "江苏省", "安徽省")
