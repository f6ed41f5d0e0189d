"""The search people use (resources/finder.py, the page /resources/search/ and the API
/api/resources/search): highlights, pagination, facets with exact counts as filters, the
crosswalk expansion of a chapter filter, one-character queries, and unmet demand."""

import pytest
from django.test import Client

from tests.resources.conftest import make, publish
from xietong.resources import finder, misses, searching
from xietong.resources.models import SearchMiss


@pytest.fixture(autouse=True)
def _index_dir(settings, tmp_path):
    settings.XIETONG_SEARCH_DIR = str(tmp_path / "search")


def client(world, who=None) -> Client:
    c = Client()
    if who is not None:
        c.force_login(world["users"][who])
    return c


HUJIAO = {
    "title_zh": "整式的概念与运算",
    "description_zh": "沪教版七年级第九章的课件",
    "kind": "courseware",
    "edition": "hujiao",
    "volume": "hujiao-math-g7a",
    "unit": "hujiao-math-g7a-u1",
}
BNU_SHAPES = {
    "title_zh": "丰富的图形世界",
    "description_zh": "北师大版第一章",
    "edition": "bnu",
    "volume": "bnu-math-g7a",
    "unit": "bnu-math-g7a-u1",
}


def test_page_highlights_and_counts_facets_in_the_callers_scope(resworld):
    w = resworld
    public = publish(w, make(w, visibility="public"))
    private = make(w, title_zh="有理数的加法练习", kind="exercise_set", visibility="private")
    searching.sync()
    page = client(w, "teacher-b").get("/resources/search/", {"q": "加法"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "有理数的<mark>加法</mark>" in html
    assert f'data-id="{public.pk}"' in html and f'data-id="{private.pk}"' not in html
    found = finder.find(actor=w["users"]["teacher-b"], text="加法")
    kinds = {v.code: v.count for v in found.facets["kind"]}
    assert kinds == {"lesson_design": 1}  # the private exercise is not counted
    mine = finder.find(actor=w["users"]["school-a"], text="加法")
    assert {v.code: v.count for v in mine.facets["kind"]} == {"lesson_design": 1, "exercise_set": 1}
    assert {v.code: v.count for v in mine.facets["owner_member"]} == {"130000000000": 2}
    assert [v.label for v in mine.facets["owner_member"]] == ["Hebei Province"]


def test_facet_links_filter_and_toggle(resworld):
    w = resworld
    design = publish(w, make(w, visibility="public"))
    exercise = publish(
        w, make(w, title_zh="有理数的加法练习", kind="exercise_set", visibility="public")
    )
    searching.sync()
    c = client(w, "teacher-b")
    html = c.get("/resources/search/", {"q": "有理数"}).content.decode()
    assert 'href="?q=%E6%9C%89%E7%90%86%E6%95%B0&amp;kind=exercise_set"' in html
    filtered = c.get("/resources/search/", {"q": "有理数", "kind": "exercise_set"}).content.decode()
    assert f'data-id="{exercise.pk}"' in filtered and f'data-id="{design.pk}"' not in filtered
    # the chosen value is marked and its link removes it again
    assert 'aria-current="true" class="selected" data-code="exercise_set"' in filtered
    assert 'href="?q=%E6%9C%89%E7%90%86%E6%95%B0" aria-current="true"' in filtered
    both = finder.find(
        actor=w["users"]["teacher-b"],
        text="有理数",
        filters={"kind": ["exercise_set", "lesson_design"]},
    )
    assert both.total == 2


def test_pagination(resworld, settings):
    w = resworld
    for i in range(finder.PAGE_SIZE + 3):
        publish(w, make(w, title_zh=f"有理数的加法 第{i}课时", visibility="public"))
    searching.sync()
    c = client(w, "teacher-b")
    first = finder.find(actor=w["users"]["teacher-b"], text="加法")
    second = finder.find(actor=w["users"]["teacher-b"], text="加法", page=2)
    assert (first.total, first.pages) == (finder.PAGE_SIZE + 3, 2)
    assert len(first.rows) == finder.PAGE_SIZE and len(second.rows) == 3
    assert not {r.resource.pk for r in first.rows} & {r.resource.pk for r in second.rows}
    html = c.get("/resources/search/", {"q": "加法", "page": "2"}).content.decode()
    assert '<strong aria-current="page">2</strong>' in html
    assert c.get("/resources/search/", {"q": "加法", "page": "x"}).status_code == 400
    assert "page:" in c.get("/resources/search/", {"q": "加法", "page": "0"}).content.decode()


def test_crosswalk_a_hujiao_resource_surfaces_for_a_pep_chapter(resworld):
    """人教版 七年级上册 第一章 有理数 teaches 数与代数 · 数与式; so does 沪教版 第九章 整式: a
    沪教版 resource of that chapter is found under the 人教版 filter, marked; 北师大版 第一章
    (图形的性质) is not."""
    w = resworld
    pep = publish(w, make(w, visibility="public"))
    hujiao = publish(w, make(w, visibility="public", **HUJIAO))
    shapes = publish(w, make(w, visibility="public", **BNU_SHAPES))
    searching.sync()
    teacher = w["users"]["teacher-b"]
    found = finder.find(actor=teacher, chapter="pep-math-g7a-u1")
    marks = {r.resource.pk: r.from_other_edition for r in found.rows}
    assert marks == {pep.pk: False, hujiao.pk: True}
    assert shapes.pk not in marks
    assert "hujiao-math-g7a-u1" in {c.code for c in found.other_chapters}
    assert {v.code: v.count for v in found.facets["edition"]} == {"pep": 1, "hujiao": 1}
    html = (
        client(w, "teacher-b")
        .get("/resources/search/", {"chapter": "pep-math-g7a-u1"})
        .content.decode()
    )
    assert "from another edition" in html
    # the query still applies inside the expansion
    assert [
        r.resource.pk
        for r in finder.find(actor=teacher, text="整式", chapter="pep-math-g7a-u1").rows
    ] == [hujiao.pk]
    # a resource the caller may not read is not brought in by the crosswalk
    private = make(w, visibility="private", **{**HUJIAO, "title_zh": "整式 草稿"})
    searching.sync()
    again = finder.find(actor=teacher, chapter="pep-math-g7a-u1")
    assert private.pk not in {r.resource.pk for r in again.rows} and again.total == 2
    with pytest.raises(finder.SearchInputError, match="chapter"):
        finder.find(actor=teacher, chapter="no-such-unit")


def test_crosswalk_through_a_directly_aligned_standard(resworld):
    """A resource of no chapter but aligned to the 数与式 item counts as another edition's."""
    from xietong.resources.services import resource_update

    w = resworld
    r = make(w, title_zh="数与式专题复习", edition="", volume="", unit="", visibility="public")
    r = resource_update(resource=r, actor=None, standards=["math-2022-s4-number-expression"])
    publish(w, r)
    searching.sync()
    found = finder.find(actor=w["users"]["teacher-b"], chapter="pep-math-g7a-u1")
    assert [(row.resource.pk, row.from_other_edition) for row in found.rows] == [(r.pk, True)]


def test_one_character_query_matches_titles_holding_it(resworld):
    w = resworld
    add = publish(w, make(w, visibility="public"))
    publish(w, make(w, title_zh="一元一次方程", description_zh="解方程", visibility="public"))
    searching.sync()
    found = finder.find(actor=w["users"]["teacher-b"], text="加")
    assert [r.resource.pk for r in found.rows] == [add.pk]
    assert "有理数的<mark>加</mark>法" in found.rows[0].title_html
    assert finder.find(actor=w["users"]["teacher-b"], text="程").total == 1
    assert SearchMiss.objects.count() == 0


def test_zero_results_show_a_message_and_are_logged_without_the_person(resworld):
    w = resworld
    publish(w, make(w, visibility="public"))
    searching.sync()
    c = client(w, "teacher-b")
    for _ in range(2):
        html = c.get("/resources/search/", {"q": "勾股定理"}).content.decode()
        assert 'id="no-results"' in html and "勾股定理" in html
    miss = SearchMiss.objects.get()
    assert (miss.query, miss.jurisdiction, miss.count) == ("勾股定理", "110112000000", 2)
    assert miss.first_seen <= miss.last_seen
    # a filter that empties the page is not unmet demand: the query finds something without it
    c.get("/resources/search/", {"q": "加法", "kind": "exercise_set"})
    assert SearchMiss.objects.count() == 1
    # nor is an empty query, and a later page is not counted again
    c.get("/resources/search/", {"q": ""})
    assert SearchMiss.objects.get().count == 2
    anonymous = finder.find(actor=client(w).get("/").wsgi_request.user, text="勾股定理")
    assert anonymous.missed and SearchMiss.objects.get(jurisdiction="").count == 1


def test_find_refuses_the_operator(resworld):
    with pytest.raises(ValueError, match="caller"):
        finder.find(actor=None, text="加法")


def test_unmet_page_is_scoped_to_the_callers_places(resworld):
    w = resworld
    for who, query in (("teacher-b", "勾股定理"), ("teacher-e", "古诗词"), ("teacher-b", "古诗词")):
        misses.miss_record(normalized=query, user=w["users"][who])
    misses.miss_record(normalized="古诗词", user=w["users"]["teacher-e"])

    def seen(who):
        resp = client(w, who).get("/resources/search/unmet/")
        return resp.status_code, {
            r["query"]: r["total"] for r in resp.context["rows"]
        } if resp.status_code == 200 else None

    assert seen("admin") == (200, {"古诗词": 3, "勾股定理": 1})
    assert seen("tongzhou") == (200, {"古诗词": 1, "勾股定理": 1})  # Beijing's Tongzhou
    assert seen("shijiazhuang") == (200, {"古诗词": 2})  # Shijiazhuang's teacher E
    assert seen("jjj-sec") == (200, {"古诗词": 3, "勾股定理": 1})  # Beijing and Hebei
    assert seen("yrd-sec") == (200, {})
    assert seen("teacher-b")[0] == 403
    assert client(w).get("/resources/search/unmet/").status_code == 302
    rows = misses.miss_summary(actor=w["users"]["admin"])
    assert [(r["query"], r["places"]) for r in rows] == [("古诗词", 2), ("勾股定理", 1)]


def test_api_returns_hits_highlights_and_facets(resworld):
    w = resworld
    r = publish(w, make(w, visibility="public"))
    hujiao = publish(w, make(w, visibility="public", **HUJIAO))
    searching.sync()
    c = client(w, "teacher-b")
    body = c.get("/api/resources/search", {"q": "加法", "subject": "math"}).json()
    assert body["count"] == 1 and body["page"] == 1 and body["pages"] == 1
    hit = body["hits"][0]
    assert hit["id"] == str(r.pk) and hit["score"] > 0
    assert hit["highlight"]["title"] == "有理数的<mark>加法</mark>"
    facets = {f["name"]: {v["code"]: v["count"] for v in f["values"]} for f in body["facets"]}
    assert facets["subject"] == {"math": 1} and facets["edition"] == {"pep": 1}
    multi = c.get("/api/resources/search?edition=pep&edition=hujiao").json()
    assert multi["count"] == 2
    cw = c.get("/api/resources/search", {"chapter": "pep-math-g7a-u1"}).json()
    assert {h["id"]: h["from_other_edition"] for h in cw["hits"]} == {
        str(r.pk): False,
        str(hujiao.pk): True,
    }
    assert c.get("/api/resources/search", {"page": 0}).status_code == 422
    bad = c.get("/api/resources/search", {"chapter": "nope"})
    assert bad.status_code == 422 and "chapter" in bad.json()["detail"]
    assert "/api/resources/search" in c.get("/api/openapi.json").json()["paths"]


def test_an_edition_or_subject_typed_as_words_finds_resources_of_it(resworld):
    """A teacher types the edition (苏科版) or the subject (数学) rather than clicking a facet:
    the resources of that edition are found though neither title nor description names it."""
    w = resworld
    suke = publish(
        w,
        make(
            w,
            visibility="public",
            title_zh="行程问题",
            description_zh="相遇与追及",
            edition="suke",
            volume="suke-math-g7a",
            unit="suke-math-g7a-u4",
        ),
    )
    pep = publish(w, make(w, visibility="public"))  # 人教版, 有理数的加法
    searching.sync()
    teacher = w["users"]["teacher-b"]
    assert [r.resource.pk for r in finder.find(actor=teacher, text="苏科版").rows] == [suke.pk]
    assert [r.resource.pk for r in finder.find(actor=teacher, text="人教版").rows] == [pep.pk]
    assert {r.resource.pk for r in finder.find(actor=teacher, text="数学").rows} == {
        suke.pk,
        pep.pk,
    }
    assert [r.resource.pk for r in finder.find(actor=teacher, text="一元一次方程").rows] == [
        suke.pk  # the unit's name, 第4章 一元一次方程
    ]
    html = client(w, "teacher-b").get("/resources/search/", {"q": "苏科版"}).content.decode()
    assert f'data-id="{suke.pk}"' in html and "<mark>苏科版</mark>" in html
