"""Resource search at 100,000 and 1,000,000 records: our tantivy index against SQLite.

    PYTHONPATH=src python benchmarks/resources_search.py [--sizes 100000,1000000] [--quick]

Synthetic resource records (Chinese titles and descriptions from a vocabulary of editions,
grades, subjects, unit topics, kinds and curriculum terms, with English words in some) are
indexed three ways: ours (xietong.search.TantivyIndex: jieba words, bigrams and characters,
bm25 with top-k pruning), a plain SQLite table scanned with ``LIKE '%q%'`` (ORDER BY title
match first, LIMIT 20) and SQLite FTS5 with the ``trigram`` tokenizer (ORDER BY bm25, LIMIT
20). For each size it prints the index build rate, p50/p95 latency of a fixed mixed query set
per engine and as ratios to ours, and recall over all matches against the generator's labels
(which records truly hold each concept), by query group. FTS5's trigram index cannot match
a string of fewer than three characters, so it finds nothing for 1-2 character Chinese words.

Ours is measured as the app calls it: with a caller's visibility grants as an exact filter
(the SQLite peers run unfiltered, which can only favour them), top 20 without counting, and
again with the total count and the seven facet counts a results page shows.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from xietong.search import SearchDocument, SearchRequest, TantivyIndex

EDITIONS = ["人教版", "统编版", "北师大版", "苏教版", "沪教版", "浙教版", "冀教版", "外研版"]
STAGES = {"小学": ["一年级", "二年级", "三年级", "四年级", "五年级", "六年级"]}
STAGES["初中"] = ["七年级", "八年级", "九年级"]
STAGES["高中"] = ["高一", "高二", "高三"]
VOLUMES = ["上册", "下册"]
TOPICS = {
    "语文": ["古诗词鉴赏", "文言文阅读", "整本书阅读", "现代文阅读", "口语交际", "写作指导"],
    "数学": ["一元一次方程", "勾股定理", "三角形", "二次函数", "分数的意义", "概率初步"],
    "英语": ["日常对话", "阅读理解", "语法专项", "词汇积累", "书面表达", "听力训练"],
    "物理": ["牛顿第一定律", "欧姆定律", "浮力", "电路连接", "光的折射", "机械能"],
    "化学": ["化学方程式", "酸碱盐", "元素周期表", "氧气的制取", "溶液", "质量守恒"],
    "生物学": ["光合作用", "细胞的结构", "生态系统", "遗传与变异", "人体消化", "植物的生长"],
    "历史": ["中国近代史", "丝绸之路", "秦朝统一", "工业革命", "抗日战争", "改革开放"],
    "地理": ["气候类型", "地形地貌", "人口分布", "长江流域", "地图的阅读", "天气与气候"],
    "道德与法治": ["友谊的天空", "法律在身边", "责任与担当", "生命的思考", "国家利益", "网络生活"],
    "科学": ["水的三态", "简单电路", "动物的一生", "地球与宇宙", "声音的传播", "磁铁"],
}
SUBJECT_CODES = {s: f"s{i:02d}" for i, s in enumerate(TOPICS)}
KINDS = ["课件", "教学设计", "导学案", "任务单", "练习题", "试卷", "微课", "课堂实录"]
TERMS = ["核心素养", "学习任务群", "跨学科主题学习", "大单元教学", "项目式学习", "情境教学"]
FILLERS = ["适用于课堂教学", "配套课后作业", "含参考答案", "供教师备课参考", "帮助学生理解"]
UNITS = ["第一单元", "第二单元", "第三单元", "第四单元", "第五单元", "第六单元"]
ENGLISH = {  # a concept and the forms a writer uses for it
    "read": ["read", "reads", "reading"],
    "lesson": ["lesson", "lessons"],
    "experiment": ["experiment", "experiments"],
    "plan": ["plan", "plans", "planning"],
    "activity": ["activity", "activities"],
    "vocabulary": ["vocabulary", "vocabularies"],
    "geometry": ["geometry"],
}
LICENCES = ["CC-BY-4.0", "CC-BY-SA-4.0", "CC-BY-NC-4.0", "LicenseRef-Region-Share"]
MEMBERS = ["310000", "320000", "330000", "340000", "110000", "120000", "130000"]

# The fixed mixed query set: (group, query text, labelled concepts); a record is relevant when
# it holds every concept (a Chinese concept inside one vocabulary item it was given, an
# English concept in any of its forms).
QUERIES = [
    ("zh-1", "诗", ["诗"]),
    ("zh-1", "光", ["光"]),
    ("zh-1", "数", ["数"]),
    ("zh-2", "数学", ["数学"]),
    ("zh-2", "语文", ["语文"]),
    ("zh-2", "课件", ["课件"]),
    ("zh-2", "试卷", ["试卷"]),
    ("zh-2", "微课", ["微课"]),
    ("zh-2", "细胞", ["细胞"]),
    ("zh-2", "阅读", ["阅读"]),
    ("zh-2", "气候", ["气候"]),
    ("zh-3", "三角形", ["三角形"]),
    ("zh-3", "导学案", ["导学案"]),
    ("zh-3", "七年级", ["七年级"]),
    ("zh-3", "任务单", ["任务单"]),
    ("zh-4", "教学设计", ["教学设计"]),
    ("zh-4", "核心素养", ["核心素养"]),
    ("zh-4", "勾股定理", ["勾股定理"]),
    ("zh-4", "课堂实录", ["课堂实录"]),
    ("edition", "人教版", ["人教版"]),
    ("edition", "统编版", ["统编版"]),
    ("edition", "北师大版", ["北师大版"]),
    ("edition", "沪教版", ["沪教版"]),
    ("en", "reading", ["read"]),
    ("en", "lessons", ["lesson"]),
    ("en", "experiment", ["experiment"]),
    ("en", "geometry", ["geometry"]),
    ("two", "人教版 数学", ["人教版", "数学"]),
    ("two", "沪教版 语文", ["沪教版", "语文"]),
    ("two", "课件 函数", ["课件", "函数"]),
    ("two", "七年级 试卷", ["七年级", "试卷"]),
    ("two", "planning 教学设计", ["plan", "教学设计"]),
]
CALLER_GRANTS = frozenset({"public", "area:yrd", "prov:340000", "school:340100001"})


@dataclass
class Record:
    id: str
    title: str
    description: str
    items: tuple[str, ...]  # the Chinese vocabulary items it was given
    english: frozenset[str]  # the English concepts it was given
    doc: SearchDocument


def _grants(rng: random.Random, member: str, i: int) -> frozenset[str]:
    roll = rng.random()
    if roll < 0.4:
        return frozenset({"public"})
    if roll < 0.6:
        return frozenset({"area:yrd" if member[:2] in "31323334" else "area:jjj"})
    if roll < 0.8:
        return frozenset({f"prov:{member}"})
    if roll < 0.95:
        return frozenset({f"school:{member[:4]}{i % 50:05d}"})
    return frozenset({f"owner:u{i % 997}"})


def generate(n: int, seed: int = 12):
    """``n`` synthetic resource records, the same for the same seed."""
    rng = random.Random(seed)
    subjects = list(TOPICS)
    for i in range(n):
        stage = rng.choice(list(STAGES))
        grade, subject = rng.choice(STAGES[stage]), rng.choice(subjects)
        edition, volume, kind = rng.choice(EDITIONS), rng.choice(VOLUMES), rng.choice(KINDS)
        topic, unit = rng.choice(TOPICS[subject]), rng.choice(UNITS)
        term, filler = rng.choice(TERMS), rng.choice(FILLERS)
        items = [edition, grade, volume, subject, unit, topic, kind, term, filler]
        english: set[str] = set()
        title = f"{edition}{grade}{volume}{subject}{unit}《{topic}》{kind}"
        description = f"本{kind}围绕{topic}展开，落实{term}要求，{filler}。"
        if rng.random() < 0.3:
            concept = rng.choice(list(ENGLISH))
            english.add(concept)
            description += f" {rng.choice(ENGLISH[concept]).capitalize()} for {subject} class."
        if rng.random() < 0.2:
            concept = rng.choice(list(ENGLISH))
            english.add(concept)
            title = f"{title} ({rng.choice(ENGLISH[concept])})"
        if rng.random() < 0.15:
            other = rng.choice(list(TOPICS))
            extra = rng.choice(TOPICS[other])
            description += f"可与{other}《{extra}》联系，开展跨学科主题学习。"
            items += [other, extra, "跨学科主题学习"]
        member = rng.choice(MEMBERS)
        doc = SearchDocument(
            id=f"r{i:07d}",
            title=title,
            description=description,
            grants=_grants(rng, member, i),
            facets={
                "stage": [stage],
                "grade": [grade],
                "subject": [SUBJECT_CODES[subject]],
                "edition": [edition],
                "kind": [kind],
                "licence": [rng.choice(LICENCES)],
                "owner_member": [member],
            },
        )
        yield Record(doc.id, title, description, tuple(items), frozenset(english), doc)


def relevant(record: Record, concepts: list[str]) -> bool:
    for concept in concepts:
        if concept in ENGLISH:
            if concept not in record.english:
                return False
        elif not any(concept in item for item in record.items):
            return False
    return True


# -- the three engines ------------------------------------------------------------------------


class Ours:
    name = "ours (tantivy)"

    def __init__(self, path: Path):
        self.index = TantivyIndex(path)

    def build(self, records: list[Record]) -> None:
        def progress(done: int) -> None:
            if done % 100_000 == 0:
                print(f"  ours: {done:,} documents", file=sys.stderr)

        self.index.rebuild((r.doc for r in records), progress=progress)

    def top(self, text: str) -> list[str]:
        request = SearchRequest(text, grants=CALLER_GRANTS, count=False, highlight=False)
        return [h.id for h in self.index.search(request).hits]

    def page(self, text: str) -> list[str]:
        from xietong.search import FACETS

        request = SearchRequest(text, grants=CALLER_GRANTS, facets=FACETS)
        return [h.id for h in self.index.search(request).hits]

    def found(self, text: str, among: set[str]) -> int:
        """How many of the relevant records ``among`` the query finds (counted ``within``
        them, as the operator, who sees every record)."""
        request = SearchRequest(text, grants=None, within=frozenset(among), limit=0)
        return self.index.search(request).count


class Like:
    name = "SQLite LIKE"

    def __init__(self, path: Path):
        self.db = sqlite3.connect(path)

    def build(self, records: list[Record]) -> None:
        self.db.execute("CREATE TABLE r (id TEXT PRIMARY KEY, title TEXT, body TEXT)")
        self.db.executemany(
            "INSERT INTO r VALUES (?, ?, ?)", ((r.id, r.title, r.description) for r in records)
        )
        self.db.commit()

    def _sql(self, text: str, limit: bool) -> tuple[str, list[str]]:
        terms = text.split()
        where = " AND ".join("(title LIKE ? OR body LIKE ?)" for _ in terms)
        args = [a for t in terms for a in (f"%{t}%", f"%{t}%")]
        order = " ORDER BY (instr(title, ?) > 0) DESC, id LIMIT 20" if limit else ""
        return f"SELECT id FROM r WHERE {where}{order}", args + ([terms[0]] if limit else [])

    def top(self, text: str) -> list[str]:
        sql, args = self._sql(text, True)
        return [row[0] for row in self.db.execute(sql, args)]

    def found(self, text: str, among: set[str]) -> int:
        sql, args = self._sql(text, False)
        return len({row[0] for row in self.db.execute(sql, args)} & among)


class Trigram:
    name = "SQLite FTS5 trigram"

    def __init__(self, path: Path):
        self.db = sqlite3.connect(path)

    def build(self, records: list[Record]) -> None:
        self.db.execute(
            "CREATE VIRTUAL TABLE f USING fts5(id UNINDEXED, title, body, tokenize='trigram')"
        )
        self.db.executemany(
            "INSERT INTO f VALUES (?, ?, ?)", ((r.id, r.title, r.description) for r in records)
        )
        self.db.commit()

    def _match(self, text: str) -> str:
        return " AND ".join('"' + t.replace('"', '""') + '"' for t in text.split())

    def top(self, text: str) -> list[str]:
        sql = "SELECT id FROM f WHERE f MATCH ? ORDER BY bm25(f, 0, 3.0, 1.0) LIMIT 20"
        return [row[0] for row in self.db.execute(sql, [self._match(text)])]

    def found(self, text: str, among: set[str]) -> int:
        rows = self.db.execute("SELECT id FROM f WHERE f MATCH ?", [self._match(text)])
        return len({row[0] for row in rows} & among)


# -- measuring --------------------------------------------------------------------------------


def _latencies(run, repeats: int) -> list[float]:
    """Milliseconds of each query (the median of ``repeats`` runs after one warm-up)."""
    out = []
    for _group, text, _concepts in QUERIES:
        run(text)
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            run(text)
            times.append((time.perf_counter() - start) * 1000)
        out.append(statistics.median(times))
    return out


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(size: int, workdir: Path, repeats: int) -> None:
    print(f"\n== {size:,} resources ==")
    start = time.perf_counter()
    records = list(generate(size))
    print(f"generated in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    engines = [Ours(workdir / f"ours-{size}"), Like(workdir / f"like-{size}.db")]
    engines.append(Trigram(workdir / f"fts-{size}.db"))
    rates = {}
    for engine in engines:
        start = time.perf_counter()
        engine.build(records)
        rates[engine.name] = size / (time.perf_counter() - start)
        print(f"  built {engine.name} at {rates[engine.name]:,.0f} docs/s", file=sys.stderr)

    ours = engines[0]
    runs = [(ours.name + ", top 20", ours.name, ours.top, repeats)]
    runs.append((ours.name + ", count + 7 facets", "", ours.page, repeats))
    runs += [(e.name, e.name, e.top, 1) for e in engines[1:]]  # slow scans: one timed run
    times = {label: _latencies(run, n) for label, _e, run, n in runs}
    base = times[runs[0][0]]
    print(
        f"\n{'engine':<42}{'build docs/s':>14}{'p50 ms':>10}{'p95 ms':>10}{'p50 x':>9}{'p95 x':>9}"
    )
    for label, engine, _run, _n in runs:
        values = times[label]
        rate = f"{rates[engine]:,.0f}" if engine else ""
        p50, p95 = _p(values, 0.5), _p(values, 0.95)
        ratio50, ratio95 = p50 / _p(base, 0.5), p95 / _p(base, 0.95)
        print(f"{label:<42}{rate:>14}{p50:>10.2f}{p95:>10.2f}{ratio50:>9.1f}{ratio95:>9.1f}")

    groups = sorted({g for g, _t, _c in QUERIES}, key=[g for g, _t, _c in QUERIES].index)
    recall: dict[str, dict[str, list[float]]] = {e.name: {g: [] for g in groups} for e in engines}
    for group, text, concepts in QUERIES:
        labelled = {r.id for r in records if relevant(r, concepts)}
        for engine in engines:
            found = engine.found(text, labelled) if labelled else 0
            recall[engine.name][group].append(found / len(labelled) if labelled else 1.0)
    print(f"\nrecall over all matches, mean per query group ({len(QUERIES)} labelled queries)")
    print(f"{'engine':<24}" + "".join(f"{g:>9}" for g in groups))
    for name, by_group in recall.items():
        print(f"{name:<24}" + "".join(f"{statistics.mean(v):>9.3f}" for v in by_group.values()))
    slowest = max(range(len(QUERIES)), key=lambda i: base[i])
    print(f"ours' slowest query: {QUERIES[slowest][1]!r} at {base[slowest]:.2f} ms")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated sizes")
    parser.add_argument("--quick", action="store_true", help="10,000 records only")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs of each query")
    parser.add_argument("--keep", help="build in this directory and keep it")
    args = parser.parse_args(argv)
    sizes = [10_000] if args.quick else [int(s) for s in args.sizes.split(",")]
    workdir = Path(args.keep or tempfile.mkdtemp(prefix="xietong-search-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"{len(QUERIES)} queries; ours filtered by the caller's grants {sorted(CALLER_GRANTS)}")
    try:
        for size in sizes:
            measure(size, workdir, args.repeats)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
