"""The run file: where a running ``harness up`` says it answers, so ``harness mail …`` and friends find
it without flags. ``HARNESS_RUN_FILE`` moves it (tests, several harnesses at once)."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ._errors import UsageError


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


def locate(mailgun_url: str | None, logto_url: str | None) -> tuple[str, str | None]:
    """fake_mailgun's and fake_logto's URLs: the flags given, then env, then the run file of ``harness up``."""
    run = read_run_file() or {}
    mailgun = mailgun_url or os.environ.get("HARNESS_MAILGUN_URL") or run.get("mailgun_url")
    # Not HARNESS_LOGTO_ENDPOINT: that is the setting [logto] endpoint of `harness up` (the public URL).
    logto = logto_url or os.environ.get("HARNESS_LOGTO_URL") or run.get("logto_url")
    if not mailgun:
        raise UsageError(
            f"no running harness found (no {run_file_path()}): start `harness up`, or pass --mailgun-url / "
            "--logto-url (env HARNESS_MAILGUN_URL, HARNESS_LOGTO_URL)"
        )
    return str(mailgun), logto
