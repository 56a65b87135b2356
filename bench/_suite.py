"""The e2e suite's wall time at ``-n 1`` and ``-n 4`` (pytest-xdist), when the tree has one."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

from ._peers import ROOT

SUITE_TIME_LIMIT = 1200


def suite_paths() -> list[Path]:
    return sorted(p for p in (ROOT / "tests").glob("e2e*") if p.is_dir() or p.suffix == ".py")


def run_suite(paths: list[Path], workers: int) -> tuple[float, str]:
    """Wall seconds of one run, and pytest's closing line."""
    argv = [
        sys.executable,
        "-m",
        "pytest",
        *map(str, paths),
        "-n",
        str(workers),
        "-q",
        "-p",
        "no:cacheprovider",
    ]
    started = time.perf_counter()
    done = subprocess.run(
        argv, cwd=ROOT, capture_output=True, text=True, timeout=SUITE_TIME_LIMIT, stdin=subprocess.DEVNULL
    )
    seconds = time.perf_counter() - started
    summary = [line for line in done.stdout.splitlines() if re.search(r"\d+ (passed|failed|error)", line)]
    return seconds, (summary[-1].strip("= ") if summary else f"exit {done.returncode}")
