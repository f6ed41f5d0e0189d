"""Every third-party module that ``src/`` uses must be installed by ``pip install xietong``.

The closure of ``[project].dependencies`` is computed from the installed distributions' metadata
(their ``Requires-Dist``), not from what happens to be importable: the test extras pull in scipy,
so "it imports in the test venv" proves nothing about a plain install.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "xietong"

# Module names referenced as strings (INSTALLED_APPS, MIDDLEWARE, database backends) that the AST
# walk below cannot see.
_SETTING_LISTS = ("INSTALLED_APPS", "MIDDLEWARE")

_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?")


def _canon(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _parse(requirement: str) -> tuple[str, set[str], str]:
    """(name, extras, marker) of a PEP 508 requirement string."""
    head, _, marker = requirement.partition(";")
    match = _NAME.match(head)
    assert match, f"cannot read requirement {requirement!r}"
    extras = {_canon(e) for e in (match.group(2) or "").split(",") if e.strip()}
    return _canon(match.group(1)), extras, marker


def _marker_extra(marker: str) -> str | None:
    found = re.search(r"extra\s*==\s*['\"]([^'\"]+)['\"]", marker)
    return _canon(found.group(1)) if found else None


def dependency_closure(requirements: list[str]) -> set[str]:
    """Canonical names of the distributions that installing ``requirements`` pulls in.

    A dependency guarded by ``extra == "x"`` counts only when that extra was asked for; other
    markers (python_version, platform) are taken as true, which can only widen the closure.
    """
    seen: set[tuple[str, frozenset[str]]] = set()
    names: set[str] = set()
    stack = [_parse(r)[:2] for r in requirements]
    while stack:
        name, extras = stack.pop()
        key = (name, frozenset(extras))
        if key in seen:
            continue
        seen.add(key)
        names.add(name)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue  # not installed here: its own dependencies cannot be read
        for req in requires:
            sub_name, sub_extras, marker = _parse(req)
            extra = _marker_extra(marker)
            if extra is None or extra in extras:
                stack.append((sub_name, sub_extras))
    return names


def _top_level_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _setting_modules() -> set[str]:
    tree = ast.parse((SRC / "settings.py").read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id in _SETTING_LISTS for t in node.targets
        ):
            for elt in ast.walk(node.value):
                if isinstance(elt, ast.Constant) and isinstance(elt.value, str):
                    names.add(elt.value.split(".")[0])
    return names


def third_party_modules() -> dict[str, list[str]]:
    """Top-level third-party module -> the files under src/ that import it."""
    found: dict[str, list[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        for name in _top_level_imports(path):
            found.setdefault(name, []).append(str(path.relative_to(ROOT)))
    for name in _setting_modules():
        found.setdefault(name, []).append("src/xietong/settings.py")
    return {
        name: files
        for name, files in found.items()
        if name not in sys.stdlib_module_names and name != "xietong" and name != "__future__"
    }


def declared_dependencies() -> list[str]:
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]["dependencies"]


def missing_dependencies(requirements: list[str]) -> dict[str, list[str]]:
    closure = dependency_closure(requirements)
    providers = metadata.packages_distributions()
    missing = {}
    for module, files in third_party_modules().items():
        dists = {_canon(d) for d in providers.get(module, [])}
        if not dists:
            missing[module] = files  # importable from no installed distribution at all
        elif not dists & closure:
            missing[module] = files
    return missing


def test_every_third_party_import_is_a_declared_dependency():
    missing = missing_dependencies(declared_dependencies())
    assert missing == {}, (
        "modules imported under src/ that [project].dependencies neither names nor pulls in: "
        + "; ".join(f"{m} (in {', '.join(sorted(set(f))[:3])})" for m, f in sorted(missing.items()))
    )


def test_the_check_catches_an_undeclared_import():
    # Without scipy in the list, the modules that import it must be reported: this is the bug
    # that made the README's demo command crash on a fresh machine.
    without = [r for r in declared_dependencies() if _parse(r)[0] != "scipy"]
    missing = missing_dependencies(without)
    assert "scipy" in missing
    assert any("matching" in f for f in missing["scipy"])


def test_extras_only_count_when_asked_for():
    closure_plain = dependency_closure(["psycopg"])
    closure_binary = dependency_closure(["psycopg[binary]"])
    assert "psycopg-binary" not in closure_plain
    assert "psycopg-binary" in closure_binary
