"""The algorithms package must stay usable without Django (notebooks, benchmarks, other tools)."""

import ast
from pathlib import Path

ALGORITHMS = Path(__file__).resolve().parents[1] / "src" / "xietong" / "algorithms"


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_algorithms_exist():
    assert list(ALGORITHMS.glob("*.py")), "the algorithms package has no modules"


def test_no_algorithm_module_imports_django():
    offenders = {}
    for path in ALGORITHMS.rglob("*.py"):
        bad = sorted(
            m
            for m in _imported_modules(path)
            if m == "django"
            or m.startswith("django.")
            or m.startswith("xietong.")
            and not m.startswith("xietong.algorithms")
        )
        if bad:
            offenders[path.name] = bad
    assert offenders == {}


def test_detector_catches_a_django_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from django.db import models\nimport numpy\n")
    assert "django.db" in _imported_modules(bad)
