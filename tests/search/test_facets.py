"""Facet counts are counts over every visible match, equal to counting by hand."""

import random
from collections import Counter

import pytest

from xietong.search import FACETS, SearchDocument, SearchRequest, TantivyIndex

CODES = {
    "stage": ["primary", "junior", "senior"],
    "grade": ["g1", "g7", "g8", "g10"],
    "subject": ["math", "chinese", "physics"],
    "edition": ["rj", "tb", "hj", "bsd"],
    "kind": ["courseware", "design", "exam"],
    "licence": ["CC-BY-4.0", "CC-BY-SA-4.0"],
    "owner_member": ["310000", "130000", "340000"],
}


def _documents(seed=3, n=300):
    rng = random.Random(seed)
    for i in range(n):
        facets = {name: rng.sample(codes, rng.randint(0, 2)) for name, codes in CODES.items()}
        title = rng.choice(["数学课件", "语文试卷", "物理实验", "数学试卷"])
        grants = {rng.choice(["public", "school:1", "prov:310000"])}
        yield SearchDocument(f"f{i}", title, grants=grants, facets=facets)


DOCS = list(_documents())


@pytest.fixture(scope="module")
def faceted(tmp_path_factory):
    index = TantivyIndex(tmp_path_factory.mktemp("facets"))
    index.upsert(DOCS)
    return index


@pytest.mark.parametrize(
    ("text", "grants", "filters"),
    [
        ("数学", {"public"}, {}),
        ("试卷", {"public", "school:1"}, {"edition": ["rj", "hj"]}),
        ("", {"prov:310000"}, {"subject": ["math"], "kind": ["exam"]}),
        ("课件", None, {}),
    ],
)
def test_facet_counts_equal_brute_force(faceted, text, grants, filters):
    result = faceted.search(
        SearchRequest(text, grants=grants, filters=filters, facets=FACETS, limit=5)
    )
    visible = [
        d
        for d in DOCS
        if (grants is None or d.grants & grants)
        and text in d.title
        and all(set(d.facets[f]) & set(codes) for f, codes in filters.items())
    ]
    assert result.count == len(visible) > 0
    for name in FACETS:
        expected = Counter(code for d in visible for code in d.facets[name])
        assert {f.code: f.count for f in result.facets[name]} == dict(expected)
    counts = [f.count for f in result.facets["edition"]]
    assert counts == sorted(counts, reverse=True)
