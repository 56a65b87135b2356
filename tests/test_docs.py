"""Every example in README.md and docs/*.md runs as written, against real fakes, so a doc that breaks fails
the suite.

- A ```python block that defines ``test_*`` functions is a test file: each test runs with the pytest
  plugin's fixtures (``harness``, ``mailbox``, ``email_address``…), its ``@pytest.mark.harness`` marker
  honoured.
- Any other ```python block runs top to bottom, the harness's default URLs (``http://127.0.0.1:5080``,
  ``http://127.0.0.1:3001``, ``http://localhost:3001``) swapped for the running test harness's.
- A block right after ``<!-- not run: REASON -->`` (kept for blocks that need a browser) is only compiled
  and its imports run, so it still names only what exists.
- ```toml blocks parse: the tenant with fake_logto's reader, ``harness.toml`` (harness.md, README.md) with
  the harness's.
- Examples import public names only, and the README links every page of ``docs/``.
"""

from __future__ import annotations

import ast
import inspect
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from harness import Harness

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
REFERENCE = ("benchmarks.md",)  # written by `python -m bench`, not by hand: no examples to run
PAGES = [README, *sorted(p for p in (ROOT / "docs").glob("*.md") if p.name not in REFERENCE)]
FENCE = re.compile(r"^```(python|toml)\n(.*?)^```", re.MULTILINE | re.DOTALL)
NOT_RUN = re.compile(r"<!-- not run: (?P<reason>[^>]+?) -->\s*\Z")
PRIVATE_IMPORT = re.compile(r"^\s*(?:from|import)\s+[\w.]*\b_\w", re.MULTILINE)
PRIVATE_NAME = re.compile(r"\b(?:harness|fake_logto|fake_mailgun|fakekit)\._\w")


@dataclass(frozen=True)
class Block:
    page: Path
    line: int  # of the block's first line of code, 1-based
    language: str
    source: str
    not_run: str | None  # the reason, for a block marked as not runnable

    @property
    def name(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"

    def compiled(self, source: str | None = None) -> Any:
        """The block compiled so that tracebacks name the page and its line numbers."""
        padded = "\n" * (self.line - 1) + (self.source if source is None else source)
        return compile(padded, str(self.page), "exec")


def blocks_of(page: Path) -> list[Block]:
    text = page.read_text(encoding="utf-8")
    found = []
    for match in FENCE.finditer(text):
        marked = NOT_RUN.search(text[: match.start()])
        line = text.count("\n", 0, match.start(2)) + 1
        reason = marked["reason"] if marked else None
        found.append(Block(page, line, match[1], match[2], reason))
    return found


BLOCKS = [block for page in PAGES for block in blocks_of(page)]
PYTHON = [b for b in BLOCKS if b.language == "python"]
RUNNABLE = [b for b in PYTHON if b.not_run is None]
NOT_RUNNABLE = [b for b in PYTHON if b.not_run is not None]
TOML = [b for b in BLOCKS if b.language == "toml"]


def _ids(blocks: list[Block]) -> list[str]:
    return [b.name for b in blocks]


def test_the_docs_have_examples_and_every_page_is_linked() -> None:
    assert len(RUNNABLE) >= 10
    # Four: three are test files of tests/e2e copied verbatim (checked there), one a docs sketch.
    assert len(NOT_RUNNABLE) <= 4, "make examples runnable; mark only those that need a browser"
    readme = README.read_text(encoding="utf-8")
    for page in PAGES[1:]:
        assert f"(docs/{page.name})" in readme, f"README.md does not link docs/{page.name}"
        assert blocks_of(page) or page.name in ("docker-compose.md", "sample-apps.md", "conformance.md"), (
            page.name
        )


@pytest.mark.parametrize("block", PYTHON, ids=_ids(PYTHON))
def test_examples_import_public_names_only(block: Block) -> None:
    assert not PRIVATE_IMPORT.search(block.source), f"{block.name} imports a private module"
    assert not PRIVATE_NAME.search(block.source), f"{block.name} names a private module"


def _swap_urls(source: str, harness: Harness) -> str:
    for documented, real in (
        ("http://127.0.0.1:5080", harness.mailgun_url),
        ("http://127.0.0.1:3001", harness.logto.url),
        ("http://localhost:3001", harness.logto_endpoint),
    ):
        source = source.replace(documented, real)
    return source


def _run_tests(namespace: dict[str, Any], request: pytest.FixtureRequest) -> int:
    """Run the block's ``test_*`` functions with the plugin's fixtures, as pytest would."""
    tests: list[Callable[..., Any]] = [
        value for name, value in namespace.items() if name.startswith("test_") and callable(value)
    ]
    for test in tests:
        for mark in getattr(test, "pytestmark", []):
            # Before the fixtures are made: the harness fixture reads its marker.
            request.node.add_marker(getattr(pytest.mark, mark.name)(*mark.args, **mark.kwargs))
        test(**{name: request.getfixturevalue(name) for name in inspect.signature(test).parameters})
    return len(tests)


@pytest.mark.parametrize("block", RUNNABLE, ids=_ids(RUNNABLE))
def test_example_runs(block: Block, request: pytest.FixtureRequest) -> None:
    namespace: dict[str, Any] = {"__name__": "docs_example"}
    if re.search(r"^def test_", block.source, flags=re.MULTILINE):
        exec(block.compiled(), namespace)
        assert _run_tests(namespace, request) >= 1
    else:
        source = _swap_urls(block.source, request.getfixturevalue("harness"))
        exec(block.compiled(source), namespace)


@pytest.mark.parametrize("block", NOT_RUNNABLE, ids=_ids(NOT_RUNNABLE))
def test_example_not_run_still_compiles_and_imports(block: Block) -> None:
    tree = ast.parse(block.source)
    imports = [node for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)]
    exec(compile(ast.Module(body=imports, type_ignores=[]), block.name, "exec"), {})


@pytest.mark.parametrize("block", TOML, ids=_ids(TOML))
def test_toml_example_is_a_valid_config(block: Block) -> None:
    from fake_logto import parse_config
    from harness import parse_harness_config

    data = tomllib.loads(block.source)
    if block.page.name in ("harness.md", "README.md"):  # harness.toml
        config = parse_harness_config(data)
        assert config.tenant_config("http://127.0.0.1:5080").applications
    else:
        assert block.page.name == "fake_logto.md", f"{block.name}: which config is this?"
        tenant = parse_config(data)
        assert tenant.applications[0].redirect_uris == ("http://localhost:3000/callback",)
        assert tenant.connector is not None
        assert tenant.users[0].roles == ("librarian",)


def _settings_tables() -> list[tuple[str, str]]:
    import fake_logto
    import fake_mailgun
    from fakekit import Options
    from harness._config import OPTIONS

    return [
        ("harness.md", OPTIONS.markdown(where="harness.toml")),
        ("fake_logto.md", Options(fake_logto.Settings, "FAKE_LOGTO").markdown()),
        ("fake_mailgun.md", Options(fake_mailgun.Settings, "FAKE_MAILGUN").markdown()),
    ]


@pytest.mark.parametrize(("page", "table"), _settings_tables(), ids=lambda v: v if v.endswith(".md") else "")
def test_settings_tables_are_the_settings(page: str, table: str) -> None:
    """Each settings table of the docs is the one the settings dataclass describes, as it is now."""
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    assert table in text, f"docs/{page}: regenerate its settings table from the settings:\n{table}"
