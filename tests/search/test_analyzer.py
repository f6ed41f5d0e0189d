"""The one analyzer: jieba words with the user dictionary, bigrams, characters, stems, NFKC."""

from xietong.search import analyze, analyze_query, normalize


def words(text):
    return [t.text for t in analyze(text).words]


def test_edition_and_subject_terms_stay_whole():
    cut = words("冀教版道德与法治八年级下册学习任务单")
    for term in ("冀教版", "道德与法治", "八年级", "下册", "学习任务单"):
        assert term in cut
    assert "北师大版" in words("北师大版数学")
    assert "核心素养" in words("落实核心素养")


def test_search_mode_also_gives_the_parts_of_long_words():
    cut = words("跨学科主题学习")
    assert "跨学科主题学习" in cut
    assert "学科" in cut and "主题" in cut


def test_every_adjacent_pair_is_a_bigram_at_its_position():
    grams = analyze("张三丰讲，太极")
    assert [(g.text, g.position) for g in grams.grams] == [
        ("张三", 0),
        ("三丰", 1),
        ("丰讲", 2),
        ("太极", 5),
    ]
    assert [c.text for c in grams.chars] == list("张三丰讲太极")


def test_english_words_are_porter_stemmed_and_lower_cased():
    assert words("Reading LESSONS, planning 2022") == ["read", "lesson", "plan", "2022"]
    assert [c.term for c in analyze_query("Lessons")] == ["lesson"]


def test_full_width_text_is_folded_and_spans_point_into_the_original():
    text = "ＰＰＴ课件　２０２２"
    assert normalize(text)[0] == "ppt课件 2022"
    tokens = analyze(text).words
    assert [t.text for t in tokens] == ["ppt", "课件", "2022"]
    assert [text[t.start : t.end] for t in tokens] == ["ＰＰＴ", "课件", "２０２２"]


def test_spans_survive_a_folding_that_changes_the_length():
    text = "㎏单位换算"
    assert normalize(text)[0] == "kg单位换算"
    tokens = analyze(text)
    assert [(t.text, text[t.start : t.end]) for t in tokens.words][:2] == [
        ("kg", "㎏"),
        ("单位", "单位"),
    ]


def test_query_concepts():
    concepts = analyze_query("人教版数学 lessons")
    assert [(c.kind, c.term, c.required) for c in concepts] == [
        ("han", "人教版", True),
        ("han", "数学", True),
        ("word", "lesson", True),
    ]
    assert concepts[0].grams == ("人教", "教版")


def test_one_character_query_is_a_required_character():
    (concept,) = analyze_query("诗")
    assert (concept.kind, concept.term, concept.required) == ("char", "诗", True)


def test_one_character_pieces_of_a_longer_run_are_optional():
    concepts = analyze_query("三角形的面积")
    required = [c.term for c in concepts if c.required]
    assert "三角形" in required and "的" not in required
    assert any(c.term == "的" and not c.required for c in concepts)


def test_punctuation_only_query_asks_for_nothing():
    assert analyze_query("，。！？ ") == ()
