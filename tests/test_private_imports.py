"""No module imports another module's private (underscore) name: what a module shares, it names
publicly (issue 11, "One shape for every app"). Import-linter checks the module graph
(`lint-imports`, contracts in pyproject.toml); names are checked here."""

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "xietong"


def _private_imports(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module != "__future__":
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append((node.lineno, f"{node.module or '.'}.{alias.name}"))
    return found


def test_no_module_imports_a_private_name_of_another():
    bad = []
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for line, name in _private_imports(ast.parse(path.read_text("utf-8"))):
            bad.append(f"{path.relative_to(SRC)}:{line}: {name}")
    assert bad == []


def test_the_check_sees_a_private_import():
    tree = ast.parse("from xietong.schools.services import _upsert\nfrom . import _x\n")
    assert [n for _l, n in _private_imports(tree)] == ["xietong.schools.services._upsert", ".._x"]
