"""The benchmark never rots: ``python -m bench --quick`` runs end to end and its table has every figure,
with a number on every harness row; it writes its report beside the peers' installs, never over the
committed full report."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from bench.__main__ import QUICK_REPORT, REPORT
from bench._figures import FIGURES

ROOT = Path(__file__).parent.parent


def _rows(report: str) -> list[list[str]]:
    rows = []
    for line in report.splitlines():
        if line.startswith("| ") and not line.startswith("| Figure |"):
            rows.append([cell.strip() for cell in line.strip("|").split(" | ")])
    return rows


def test_quick_bench_writes_every_figure() -> None:
    committed = REPORT.stat().st_mtime_ns, REPORT.read_bytes()
    QUICK_REPORT.unlink(missing_ok=True)
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert (REPORT.stat().st_mtime_ns, REPORT.read_bytes()) == committed, "--quick replaced the full report"
    assert f"wrote {QUICK_REPORT} " in done.stderr
    report = QUICK_REPORT.read_text()
    assert "python -m bench" in report
    assert "## Machine" in report
    assert re.search(r"- CPU: .+, \d+ cores visible", report)

    rows = _rows(report)
    assert all(len(row) == 6 for row in rows), rows
    figures = {row[0] for row in rows}
    for figure in FIGURES:
        prefix = figure.split("{")[0]
        assert any(name.startswith(prefix) for name in figures), f"no row for {figure!r}"

    measured = [row for row in rows if row[5] == "baseline"]
    assert len(measured) >= 14, measured
    for figure, subject, median, spread, runs, _ in measured:
        value, unit = median.split(" ", 1)
        assert float(value) > 0, (figure, subject, median)
        assert unit
        low, high = (float(x) for x in spread.split("-"))
        assert 0 < low <= float(value) <= high, (figure, subject, median, spread)
        assert int(runs) >= 1
    failed = [row for row in rows if row[5].startswith("failed")]
    assert not failed, failed
    # Quick mode installs and runs no peer: every peer row says so rather than showing a number.
    peers = [
        row for row in rows if row[1].startswith(("oauth2-mock-server", "oidc-provider-mock", "Mailpit"))
    ]
    assert peers
    assert all(row[2] == "—" for row in peers), peers
    assert done.stdout.count("\n") >= len(rows)
