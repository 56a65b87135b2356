"""The layout stays as designed: dependencies point down, rooms stay small, public surfaces stay curated.

- ``fakekit`` is the floor: it imports none of the packages above it; ``fake_logto`` and ``fake_mailgun``
  import ``fakekit`` and never ``harness`` (nor each other); ``harness`` may import all of them.
- No package imports another package's private (``_name``) module: across packages only public names.
- No module outside the tests is over 400 lines.
- Each public module's ``__all__`` is sorted, complete (every public name it offers) and importable.
"""

from __future__ import annotations

import ast
import importlib
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("fakekit", "fake_logto", "fake_mailgun", "harness", "bench", "e2e", "conformance")
# Which first-party packages each package may import (besides itself).
ALLOWED = {
    "fakekit": set(),
    "fake_logto": {"fakekit"},
    "fake_mailgun": {"fakekit"},
    "harness": {"fakekit", "fake_logto", "fake_mailgun"},
    "bench": {"fakekit", "fake_logto", "fake_mailgun", "harness"},
    "e2e": set(),
    "conformance": {"fakekit", "fake_logto", "fake_mailgun", "harness"},
}
MAX_LINES = 400
PUBLIC_MODULES = (
    "fakekit",
    "fake_logto",
    "fake_logto.paths",
    "fake_mailgun",
    "fake_mailgun.paths",
    "harness",
    "harness.playwright",
)


def _modules() -> list[Path]:
    found = (p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))
    return sorted(p for p in found if not {"node_modules", ".build"} & set(p.parts))


def _imports(path: Path) -> list[tuple[int, str]]:
    """``(line, dotted name)`` of every import in ``path``, relative ones resolved, ``from X import y``
    listed as ``X.y`` (so that ``from pkg import _private`` counts as importing a private module)."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    package = parts[:-1]  # for pkg/__init__.py too: its package is pkg
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
    return found


def _violations() -> list[str]:
    problems: list[str] = []
    for path in _modules():
        owner = path.relative_to(ROOT).parts[0]
        where = path.relative_to(ROOT)
        for line, name in _imports(path):
            top, *rest = name.split(".")
            if top not in PACKAGES or top == owner:
                continue
            if top not in ALLOWED[owner]:
                problems.append(f"{where}:{line}: {owner} must not import {top} ({name})")
            elif any(part.startswith("_") and not part.startswith("__") for part in rest):
                problems.append(f"{where}:{line}: private name of another package: {name}")
    return problems


def test_dependencies_point_down_and_only_public_names_cross_packages() -> None:
    assert _violations() == []


def test_the_import_walk_sees_a_violation(tmp_path: Path) -> None:
    """The walk is not vacuous: it resolves relative imports and flags what it should."""
    names = [name for _line, name in _imports(ROOT / "harness" / "_harness.py")]
    assert "harness._apps.AppSettings" in names
    assert "fakekit.bind" in names
    assert any(name.startswith("fake_logto.") for name in names)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_is_over_400_lines(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines: split it by role"


def _offers(module: types.ModuleType, attr: str) -> bool:
    """Whether ``attr`` is the module's own public name (not a submodule, nor a name it imported)."""
    value = getattr(module, attr)
    if isinstance(value, types.ModuleType) or attr in {"annotations", "TYPE_CHECKING"}:
        return False
    home = getattr(value, "__module__", None)
    if not isinstance(value, type) and not callable(value):
        return True  # a constant defined here
    return isinstance(home, str) and home.split(".")[0] == module.__name__.split(".")[0]


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_all_is_sorted_complete_and_importable(name: str) -> None:
    module = importlib.import_module(name)
    exported = list(module.__all__)
    assert exported == sorted(exported), f"{name}.__all__ is not sorted"
    for export in exported:
        assert getattr(module, export) is not None, f"{name}.{export}"
    offered = {attr for attr in dir(module) if not attr.startswith("_") and _offers(module, attr)}
    assert offered <= set(exported), f"{name} offers names missing from __all__: {offered - set(exported)}"


def test_test_files_have_unique_names() -> None:
    """Test folders are not packages (pytest's rootdir-relative imports): two test files of one name in
    two folders would clash when collected together."""
    names = [p.name for p in (ROOT / "tests").rglob("test_*.py") if "node_modules" not in p.parts]
    assert sorted({n for n in names if names.count(n) > 1}) == []
