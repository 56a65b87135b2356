"""What one jest run of one test file says, and the table of all of them.

Jest's ``--json --outputFile`` report (``@jest/test-result``'s ``AggregatedResult``): one ``testResults``
entry per file with its ``assertionResults`` (``status``: ``passed``, ``failed``, ``pending``, ``todo``,
``skipped``, ``disabled``; ``failureMessages``) and, when the file could not run at all (a set-up file
or a ``beforeAll`` that threw before any test), the file's own ``failureMessage``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_SKIPPED = ("pending", "todo", "skipped", "disabled")


@dataclass(frozen=True)
class Failure:
    test: str  # the test's full name ("describe title test title"); "" for the file itself
    line: str  # the first line of its failure message


@dataclass(frozen=True)
class FileResult:
    file: str  # below lib/tests/api/, without .test.js: "oidc/discovery"
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    failures: tuple[Failure, ...] = ()
    error: str = ""  # the file did not run to completion (timeout, no report, a set-up failure)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.error and self.failed == 0 and self.passed > 0


def first_line(message: str) -> str:
    """The first non-empty line of a failure message, without colours, trimmed; jest's headings
    ("● Test suite failed to run") are skipped for the line that says why."""
    lines = [line.strip() for line in _ANSI.sub("", message).splitlines() if line.strip()]
    return next((line for line in lines if not line.startswith("●")), lines[0] if lines else "")


def parse_report(file: str, report: dict[str, Any], seconds: float = 0.0) -> FileResult:
    """The counts and failures of ``file`` from jest's JSON report."""
    passed = failed = skipped = 0
    failures: list[Failure] = []
    errors: list[str] = []
    for suite in report.get("testResults", []):
        for test in suite.get("assertionResults", []):
            status = test.get("status")
            if status == "passed":
                passed += 1
            elif status == "failed":
                failed += 1
                messages = test.get("failureMessages") or [""]
                failures.append(
                    Failure(test.get("fullName") or test.get("title", ""), first_line(messages[0]))
                )
            elif status in _SKIPPED:
                skipped += 1
        if not suite.get("assertionResults") and suite.get("status") == "failed":
            errors.append(first_line(suite.get("message") or suite.get("failureMessage") or "failed"))
    for message in report.get("runExecError", {}).get("message", "").splitlines()[:1]:
        errors.append(first_line(message))
    return FileResult(
        file,
        passed,
        failed,
        skipped,
        tuple(failures),
        error="; ".join(e for e in errors if e),
        seconds=seconds,
    )


def read_report(file: str, path: Path, seconds: float = 0.0) -> FileResult:
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return FileResult(file, error=f"no jest report ({type(exc).__name__})", seconds=seconds)
    return parse_report(file, report, seconds)


@dataclass
class Totals:
    files: int = 0
    passing_files: int = 0
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)


def totals(results: list[FileResult]) -> Totals:
    total = Totals(files=len(results))
    for result in results:
        total.passing_files += result.ok
        total.passed += result.passed
        total.failed += result.failed
        total.skipped += result.skipped
        if result.error:
            total.errors.append(result.file)
    return total


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table(results: list[FileResult], *, failures: bool = True) -> str:
    """A Markdown table: file, passed, failed, skipped, then (``failures``) each failure's first line."""
    rows = ["| file | passed | failed | skipped | first failures |", "|---|---:|---:|---:|---|"]
    for result in results:
        notes: list[str] = []
        if result.error:
            notes.append(f"**file error**: {result.error}")
        if failures:
            notes += [f"{f.test}: {f.line}" if f.test else f.line for f in result.failures]
        cells = [f"`{result.file}`", str(result.passed), str(result.failed), str(result.skipped)]
        cells.append("<br>".join(_cell(n) for n in notes))
        rows.append("| " + " | ".join(cells) + " |")
    total = totals(results)
    rows.append(
        f"| **total** ({total.passing_files}/{total.files} files pass) | {total.passed} | {total.failed} | {total.skipped} | |"
    )
    return "\n".join(rows) + "\n"


def summary_line(results: list[FileResult]) -> str:
    total = totals(results)
    return (
        f"{total.passing_files}/{total.files} files pass; tests: {total.passed} passed, {total.failed} failed, "
        f"{total.skipped} skipped" + (f"; {len(total.errors)} file errors" if total.errors else "")
    )


_ROW = re.compile(r"^\| `(?P<file>[^`]+)` \| (?P<passed>\d+) \| (?P<failed>\d+) \| (?P<skipped>\d+) \|")


def recorded_passes(document: str) -> dict[str, int]:
    """Each file's passed count in a table written by :func:`table` (the committed docs/conformance.md)."""
    return {m["file"]: int(m["passed"]) for m in map(_ROW.match, document.splitlines()) if m}


def regressions(results: list[FileResult], document: str) -> list[str]:
    """Files that pass fewer tests than the document records: what CI refuses."""
    recorded = recorded_passes(document)
    return [
        f"{r.file}: {r.passed} passed, {recorded[r.file]} recorded" + (f" ({r.error})" if r.error else "")
        for r in results
        if r.passed < recorded.get(r.file, 0)
    ]
