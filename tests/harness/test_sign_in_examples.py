"""The Playwright Test example of docs/ (``docs/examples/playwright-test``) runs as written: ``npx playwright
test`` there — its ``webServer`` starts ``harness up`` with the Python sample app on free ports, its
``globalSetup`` runs ``harness sign-in``, one test starts signed in, one registers through the pages with
the code from the mailbox API — in the system Chromium, one worker.

Missing ``node`` or the example's ``node_modules`` is a failure, never a skip: ``scripts/setup`` installs
them (as for tests/compat/node).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "playwright-test"


def test_the_playwright_test_example_passes(tmp_path: Path) -> None:
    runner = EXAMPLE / "node_modules" / ".bin" / "playwright"
    assert shutil.which("node"), "`node` is not on PATH: the Playwright Test example needs Node.js (20+)"
    assert runner.exists(), f"{runner} is missing: run scripts/setup (npm ci in {EXAMPLE})"
    # `harness` from this environment first on PATH; a run file and output of its own; no harness URL
    # inherited from the caller (the config captures this run's from `harness up --json`).
    env = {k: v for k, v in os.environ.items() if not k.startswith("HARNESS_") or k == "HARNESS_CHROMIUM"}
    env |= {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "HARNESS_RUN_FILE": str(tmp_path / "run.json"),
        "CI": "1",
    }
    done = subprocess.run(
        [str(runner), "test", "--output", str(tmp_path / "results")],
        cwd=EXAMPLE,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    assert "2 passed" in done.stdout, done.stdout[-4000:]
