"""Profiles (pyinstrument) of the harness where a peer is ahead of it: the start of both fakes, and
fake_mailgun taking mail over SMTP and the Mailgun API."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import _peers
from ._load import http_load, smtp_load
from ._mail import mailgun_send
from ._proc import running


@dataclass(frozen=True)
class Profile:
    title: str
    what: str
    text: str


def _env(lib: Path) -> dict[str, str]:
    paths = [str(lib), str(_peers.ROOT), os.environ.get("PYTHONPATH", "")]
    return {"PYTHONPATH": os.pathsep.join(p for p in paths if p)}


def _trim(text: str, tree_lines: int = 70, flat_lines: int = 25) -> str:
    # Paths relative to the checkout: a report names no directory of the machine it ran on.
    text = text.replace(str(Path(__file__).resolve().parent.parent) + os.sep, "")
    tree, _, flat = text.partition("=== flat (self time) ===")
    tree_part = "\n".join(line for line in tree.strip().splitlines() if line.strip())
    tree_kept = tree_part.splitlines()[:tree_lines]
    flat_all = [line for line in flat.strip().splitlines() if line.strip()]
    first = next((i for i, line in enumerate(flat_all) if line[:1].isdigit()), 0)
    flat_kept = flat_all[first : first + flat_lines]
    return "\n".join([*tree_kept, "", "--- top functions by own time ---", *flat_kept])


def startup() -> Profile | _peers.Missing:
    lib = _peers.pyinstrument_path()
    if isinstance(lib, _peers.Missing):
        return lib
    with tempfile.TemporaryDirectory(prefix="bench-profile-") as tmp:
        out = Path(tmp) / "startup.txt"
        done = subprocess.run(
            [sys.executable, "-m", "bench._profile_target", "startup", str(out)],
            cwd=_peers.ROOT,
            env={**os.environ, **_env(lib)},
            capture_output=True,
            text=True,
            timeout=120,
        )
        if done.returncode != 0:
            return _peers.Missing(f"the startup profile failed: {done.stderr[-500:]}")
        return Profile(
            "Start of both fakes (import + start_harness until they answer)",
            "pyinstrument, main thread, 1 ms interval, wall-clock samples (on a busy machine the times stretch: compare Duration with CPU time in the header; the proportions are what matter); the serving threads' start is the wait at the end",
            _trim(out.read_text()),
        )


def mail_intake(messages: int) -> Profile | _peers.Missing:
    lib = _peers.pyinstrument_path()
    if isinstance(lib, _peers.Missing):
        return lib
    with tempfile.TemporaryDirectory(prefix="bench-profile-") as tmp:
        out = Path(tmp) / "mailgun.txt"
        argv = [sys.executable, "-m", "bench._profile_target", "mailgun", str(out)]
        with running("profiled fake_mailgun", argv, env=_env(lib), cwd=_peers.ROOT) as proc:
            found = proc.wait_line(r"profiled fake_mailgun http (\d+) smtp (\d+)")
            http, smtp = int(found.group(1)), int(found.group(2))
            smtp_load(smtp, messages, 4).check("profiled SMTP")
            http_load(http, mailgun_send(http, "user@example.test"), messages, 4).check("profiled API")
            proc.stop(timeout=240)  # rendering a long profile takes a while
        if not out.exists():
            return _peers.Missing("the mail-intake profile wrote nothing")
        return Profile(
            f"fake_mailgun taking {messages} SMTP messages, then {messages} Mailgun API sends",
            "pyinstrument, the event loop's thread, 1 ms interval, wall-clock samples (idle time shows as the selector; on a busy machine the times stretch, the proportions are what matter)",
            _trim(out.read_text()),
        )
