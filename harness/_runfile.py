"""The run file: where a running ``harness up`` says it answers, so ``harness mail …`` and friends find
it without flags. ``HARNESS_RUN_FILE`` moves it (tests, several harnesses at once)."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def run_file_path() -> Path:
    explicit = os.environ.get("HARNESS_RUN_FILE")
    if explicit:
        return Path(explicit)
    base = Path(os.environ.get("XDG_RUNTIME_DIR") or Path.home() / ".cache")
    return base / "logto-harness" / "run.json"


@contextlib.contextmanager
def run_file(info: dict[str, Any]) -> Iterator[Path]:
    """Write the run file for the lifetime of the block; remove it after (only if still ours)."""
    path = run_file_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps({**info, "pid": os.getpid()})
    path.write_text(payload)
    try:
        yield path
    finally:
        with contextlib.suppress(OSError):
            if path.read_text() == payload:
                path.unlink()


def read_run_file() -> dict[str, Any] | None:
    try:
        data: dict[str, Any] = json.loads(run_file_path().read_text())
    except (OSError, ValueError):
        return None
    return data
