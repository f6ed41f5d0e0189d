"""Queries against a small index: matching, ranking, highlighting, one-character queries."""

import html

import pytest

from xietong.search import FACETS, SearchDocument, SearchRequest, TantivyIndex

DOCS = [
    SearchDocument("t1", "人教版七年级数学《一元一次方程》课件", "适用于课堂教学", {"public"}),
    SearchDocument("t2", "沪教版语文古诗词鉴赏教学设计", "整理了唐诗与宋词的阅读方法", {"public"}),
    SearchDocument("t3", "物理实验微课", "用数学方法处理实验数据", {"public"}),
    SearchDocument("t4", "张三丰太极拳校本课程", "体育与健康拓展", {"public"}),
    SearchDocument("t5", "Reading lessons for grade 7", "English reading practice", {"public"}),
    SearchDocument("t6", "数学家的故事", "数学史", {"school:1"}),
]


@pytest.fixture
def small(index):
    index.upsert(DOCS)
    return index


def ids(index, text, **kw):
    return [h.id for h in index.search(SearchRequest(text, **kw)).hits]


def test_a_two_character_word_finds_every_visible_document_holding_it(small):
    assert sorted(ids(small, "数学")) == ["t1", "t3"]
    assert sorted(ids(small, "数学", grants=None)) == ["t1", "t3", "t6"]


def test_title_matches_rank_above_description_matches(small):
    assert ids(small, "数学") == ["t1", "t3"]


def test_bigrams_find_what_the_segmenter_does_not_cut_out(small):
    # jieba cuts 张三丰 as a whole word, so 三丰 is no word of t4; its bigram still is
    assert ids(small, "三丰") == ["t4"]
    # and a phrase of bigrams does not match the same characters apart
    assert ids(small, "丰三") == []


def test_edition_names_and_two_terms(small):
    assert ids(small, "人教版") == ["t1"]
    assert ids(small, "人教版 方程") == ["t1"]
    assert ids(small, "人教版 语文") == []
    assert ids(small, "沪教版语文") == ["t2"]  # one run, cut into two required words


def test_english_words_match_by_stem(small):
    assert ids(small, "read") == ["t5"]
    assert ids(small, "LESSON") == ["t5"]


def test_one_character_query_matches_the_documents_with_that_character(small):
    found = ids(small, "诗")
    assert found == ["t2"]  # title (古诗词) and description (唐诗)
    assert sorted(ids(small, "课")) == ["t1", "t3", "t4"]  # 课件, 微课, 课程
    assert ids(small, "鑫") == []


def test_an_empty_query_lists_what_the_caller_may_see(small):
    result = small.search(SearchRequest("", limit=100))
    assert result.count == 5 and result.concepts == 0
    assert not result.zero_results  # an empty query is no unmet demand


def test_zero_result_queries_are_reported_with_their_normalised_text(small):
    result = small.search(SearchRequest("量子 ＡＢＣ"))
    assert result.zero_results and result.count == 0
    assert result.normalized == "量子 abc"
    uncounted = small.search(SearchRequest("量子", count=False))
    assert uncounted.zero_results and uncounted.count is None
    assert not small.search(SearchRequest("数学", count=False)).zero_results


def test_highlighting_marks_the_matched_terms(small):
    (hit,) = small.search(SearchRequest("沪教版 诗")).hits
    assert hit.title.html(html.escape) == "<mark>沪教版</mark>语文古<mark>诗</mark>词鉴赏教学设计"
    assert hit.description.html(html.escape) == "整理了唐<mark>诗</mark>与宋词的阅读方法"
    (english,) = small.search(SearchRequest("readings")).hits
    assert english.title.spans == ((0, 7),)
    assert english.description.spans == ((8, 15),)


def test_highlight_of_a_long_description_is_a_passage_around_the_match(index):
    long = "前言" * 200 + "勾股定理的证明" + "后记" * 200
    index.upsert([SearchDocument("d", "几何", long, {"public"})])
    (hit,) = index.search(SearchRequest("勾股定理")).hits
    fragment, (span,) = hit.description.fragment, hit.description.spans
    assert len(fragment) == 160
    assert fragment[span[0] : span[1]] == "勾股定理"


def test_pages_do_not_overlap_and_cover_all(index):
    index.upsert(
        SearchDocument(f"p{i}", f"数学{'练习' * (i % 5)}", grants={"public"}) for i in range(45)
    )
    pages = [ids(index, "数学", offset=o, limit=20) for o in (0, 20, 40)]
    assert [len(p) for p in pages] == [20, 20, 5]
    assert len({i for p in pages for i in p}) == 45


def test_facet_filters(small, index):
    index.upsert(
        [
            SearchDocument("a", "数学课件", grants={"public"}, facets={"edition": ["rj"]}),
            SearchDocument("b", "数学课件", grants={"public"}, facets={"edition": ["hj"]}),
            SearchDocument("c", "数学课件", grants={"public"}, facets={"edition": "bsd"}),
        ]
    )
    assert ids(index, "数学", filters={"edition": ["rj"]}) == ["a"]
    assert sorted(ids(index, "数学", filters={"edition": ["rj", "bsd"]})) == ["a", "c"]


def test_an_upsert_replaces_the_document(small):
    small.upsert([SearchDocument("t1", "英语课件", grants={"public"})])
    assert ids(small, "数学") == ["t3"]
    assert ids(small, "英语") == ["t1"]
    assert len(small) == 6


def test_delete(small):
    small.delete(["t1", "unknown"])
    assert ids(small, "数学") == ["t3"] and len(small) == 5


def test_bad_requests_are_refused():
    with pytest.raises(ValueError, match="unknown facet"):
        SearchRequest("x", facets=["colour"])
    with pytest.raises(ValueError, match="limit"):
        SearchRequest("x", limit=5000)
    with pytest.raises(ValueError, match="unknown facet"):
        SearchDocument("x", "t", facets={"colour": ["red"]})
    assert "owner_member" in FACETS


def test_the_index_reopens_from_its_directory(small, tmp_path):
    again = TantivyIndex(small.path)
    assert [h.id for h in again.search(SearchRequest("物理")).hits] == ["t3"]
