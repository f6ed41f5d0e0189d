"""Scope filtering is exact: a caller sees exactly the matching documents that hold one of its
grants, whatever the query and the grants (hypothesis against a brute-force oracle)."""

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xietong.search import SearchDocument, SearchRequest, TantivyIndex, normalize

GRANTS = ["public", "area:yrd", "area:jjj", "prov:310000", "prov:130000", "school:1", "owner:u1"]
GRANTS += ["owner:320102000000", "owner:320500000000", "owner:130100000000", "owner:32.x"]
PREFIXES = ["owner:32", "owner:3201", "owner:13", "owner:32.", "owner:4", "prov:", "school:1"]
WORDS = ["数学", "语文", "人教版", "沪教版", "课件", "教学设计", "勾股定理", "诗", "光"]
FILLER = ["适用于", "课堂", "，", "初中", "阅读", "。", "实验"]


def _documents(n=150, seed=7):
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        title = "".join(rng.choice(WORDS + FILLER) for _ in range(rng.randint(1, 5)))
        body = "".join(rng.choice(WORDS + FILLER) for _ in range(rng.randint(0, 6)))
        grants = frozenset(rng.sample(GRANTS, rng.randint(0, 2)))
        docs.append(SearchDocument(f"d{i}", title, body, grants))
    return docs


DOCS = _documents()


@pytest.fixture(scope="module")
def scoped(tmp_path_factory):
    index = TantivyIndex(tmp_path_factory.mktemp("scope"))
    index.upsert(DOCS)
    return index


def _holds(doc, word):
    needle = normalize(word)[0]
    return needle in normalize(doc.title)[0] or needle in normalize(doc.description)[0]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    grants=st.frozensets(st.sampled_from([*GRANTS, "school:2", "prov:320000"]), max_size=4),
    word=st.sampled_from(WORDS + ["阅读", "实验"]),
)
def test_results_are_exactly_the_allowed_matching_documents(scoped, grants, word):
    result = scoped.search(SearchRequest(word, grants=grants, limit=1000, highlight=False))
    found = {h.id for h in result.hits}
    allowed = {d.id for d in DOCS if d.grants & grants}
    matching = {d.id for d in DOCS if _holds(d, word)}
    assert found <= allowed
    assert found == allowed & matching
    assert result.count == len(found)


def _sees(doc, grants, prefixes):
    return any(g in grants or any(g.startswith(p) for p in prefixes) for g in doc.grants)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    grants=st.frozensets(st.sampled_from(GRANTS), max_size=2),
    prefixes=st.frozensets(st.sampled_from(PREFIXES), max_size=3),
    word=st.sampled_from([*WORDS, ""]),
)
def test_grants_held_by_prefix_are_exact_too(scoped, grants, prefixes, word):
    request = SearchRequest(word, grants=grants, grant_prefixes=prefixes, limit=1000)
    found = {h.id for h in scoped.search(request).hits}
    expected = {d.id for d in DOCS if _sees(d, grants, prefixes) and (not word or _holds(d, word))}
    assert found == expected


def test_a_prefix_is_a_prefix_not_a_pattern(scoped):
    # "owner:32." must not read as a regular expression ("." any character)
    request = SearchRequest("", grants=frozenset(), grant_prefixes={"owner:32."}, limit=1000)
    found = {h.id for h in scoped.search(request).hits}
    assert found == {d.id for d in DOCS if "owner:32.x" in d.grants}
    assert found  # the sample holds such documents


def test_no_grants_see_nothing_and_the_operator_sees_everything(scoped):
    assert scoped.search(SearchRequest("数学", grants=frozenset())).count == 0
    operator = scoped.search(SearchRequest("数学", grants=None, limit=1000))
    assert {h.id for h in operator.hits} == {d.id for d in DOCS if _holds(d, "数学")}


def test_a_document_without_grants_is_visible_only_to_the_operator(scoped):
    hidden = [d for d in DOCS if not d.grants]
    assert hidden, "the sample should hold documents without grants"
    every_grant = frozenset(GRANTS)
    seen = {h.id for h in scoped.search(SearchRequest("", grants=every_grant, limit=1000)).hits}
    assert seen.isdisjoint({d.id for d in hidden})
    assert len(seen) == len(DOCS) - len(hidden)
