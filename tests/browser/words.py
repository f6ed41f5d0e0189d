"""What a Chinese reader must not meet on a page: raw codes, bare English enum values, English
sentences, and (outside finance) counts without thousands separators.

The text is what the browser shows (``document.body.innerText``, with ``<code>``, ``<pre>``,
``<kbd>`` and ``<samp>`` hidden: those mark codes meant to be read as codes, such as indicator
codes, fingerprints and commands) plus the words of every chart (titles, axis titles, legend
names, hover and category labels, from the figures' JSON).
"""

from __future__ import annotations

import re

# the page's visible text and the charts' JSON, with code-like elements hidden while reading
READ_PAGE = """() => {
  const hidden = [...document.querySelectorAll("code, pre, kbd, samp, select[name=language]")];
  const before = hidden.map((el) => el.style.display);
  hidden.forEach((el) => { el.style.display = "none"; });
  const text = document.body.innerText;
  hidden.forEach((el, i) => { el.style.display = before[i]; });
  const charts = [];
  for (const s of document.querySelectorAll('script[type="application/json"][id^="figure-"]')) {
    charts.push(JSON.parse(s.textContent));
  }
  return {text, charts};
}"""

SNAKE = re.compile(r"(?<![\w/.-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/-])")
KEBAB = re.compile(r"(?<![\w/.-])[a-z][a-z0-9]*(?:-[a-z0-9]+){2,}(?![\w/-])")  # basic-balance-2012
ENUM_VALUES = (
    "junior|primary|senior|all|public|private|rural|urban|town|vocational|special|"
    "pass|fail|incomplete|draft|open|closed|published|matched|reviewed|threshold|CV"
)
ENUM = re.compile(rf"(?<![\w-])(?:{ENUM_VALUES})(?![\w-])")
SENTENCE = re.compile(r"[A-Za-z][A-Za-z'’-]*(?:[ \t,;:]+[A-Za-z][A-Za-z'’-]*){2,}")
# 5 to 9 digits in a row, not part of a code, a name or a grouped number (years have 4 digits,
# school codes 10 and division codes 12)
UNGROUPED = re.compile(r"(?<![\w.,])\d{5,9}(?:\.\d+)?(?![\w.,])")
# a code followed by its name in brackets is labelled: "english（英语）", "CV (差异系数)"
LABELLED = re.compile(r"[A-Za-z_][\w-]*\s?[（(][^)）]*[^\x00-\x7f][^)）]*[)）]")
# what the reader typed, quoted back to them in a problem: 'junior high' is not one of the codes
QUOTED = re.compile(r"'[^'\n]*'")
PLACEHOLDER = re.compile(r"%\{[^}]*\}|<[^>]+>")

# brand, proper names of methods and the exchange mechanism's short name: shown as they are
ALLOWED_WORDS = {"Xietong", "Gale-Shapley", "Kamada-Kojima", "TO-BE", "Ed25519", "XLSX", "CSV"}


def file_columns() -> set[str]:
    """Column names of the import files: codes a person types into a file, shown as they are."""
    from xietong.schools.tabular import template_header
    from xietong.talent.imports import POST_COLUMNS, TEACHER_COLUMNS

    return {*template_header(), *TEACHER_COLUMNS, *POST_COLUMNS}


def chart_words(figure: dict) -> list[str]:
    """Every string of a Plotly figure that a reader sees."""
    out = _layout_words(figure.get("layout", {}))
    for trace in figure.get("data", []):
        out += _trace_words(trace)
    return [PLACEHOLDER.sub(" ", w) for w in out]


def _title(obj) -> list[str]:
    """The title of a layout part (a string, or a dict with its text)."""
    if isinstance(obj, dict):
        obj = obj.get("title")
    if isinstance(obj, dict):
        obj = obj.get("text")
    return [obj] if isinstance(obj, str) and obj else []


def _layout_words(layout: dict) -> list[str]:
    """The figure's, the legend's and the axes' titles, and the annotations."""
    out = _title(layout) + _title(layout.get("legend", {}))
    for key, value in layout.items():
        if key.startswith(("xaxis", "yaxis")) and isinstance(value, dict):
            out += _title(value)
    return out + [a["text"] for a in layout.get("annotations", []) if a.get("text")]


def _trace_words(trace: dict) -> list[str]:
    """A trace's name, hover template, texts and labels, category axes and Sankey nodes."""
    out: list[str] = []
    for key in ("name", "hovertemplate", "text", "labels"):
        value = trace.get(key)
        out += [value] if isinstance(value, str) else [v for v in value or [] if isinstance(v, str)]
    for key in ("x", "y"):
        value = trace.get(key)
        if isinstance(value, list):
            out += [v for v in value if isinstance(v, str)]
    node = trace.get("node") or {}
    return out + [v for v in node.get("label", []) if isinstance(v, str)]


def findings(text: str, *, allowed: set[str], numbers: bool = True) -> list[str]:
    """Each offending token with the line it stands in."""
    found = []
    for line in text.splitlines():
        line = QUOTED.sub(" ", LABELLED.sub(" ", line.strip()))
        if not line:
            continue
        hits = [("code", m) for m in SNAKE.findall(line) + KEBAB.findall(line) if m not in allowed]
        hits += [("enum", m) for m in ENUM.findall(line) if m not in allowed]
        for m in SENTENCE.findall(line):
            words = [w for w in re.split(r"[ \t,;:]+", m) if w not in allowed | ALLOWED_WORDS]
            if len(words) >= 3:
                hits.append(("sentence", m))
        if numbers:
            hits += [("ungrouped number", m) for m in UNGROUPED.findall(line)]
        found += [f"{kind} {token!r} in {line[:120]!r}" for kind, token in hits]
    return found
