"""The machine a run was measured on, for the report."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

from harness import system_chromium


def _version(argv: list[str]) -> str:
    if shutil.which(argv[0]) is None and not Path(argv[0]).is_file():
        return "not installed"
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"unknown ({exc})"
    return (
        (done.stdout or done.stderr).strip().splitlines()[0]
        if (done.stdout or done.stderr).strip()
        else "unknown"
    )


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def describe() -> list[tuple[str, str]]:
    chromium = system_chromium()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return [
        ("CPU", f"{_cpu_model()}, {os.cpu_count()} cores visible"),
        ("Memory", _memory()),
        ("OS", f"{platform.system()} {platform.release()} ({platform.machine()})"),
        ("Load average at start (1, 5, 15 min)", load),
        ("Python", f"{platform.python_implementation()} {sys.version.split()[0]}"),
        ("Node.js", _version(["node", "--version"])),
        ("Go", _version(["go", "env", "GOVERSION"])),
        ("Chromium", _version([chromium, "--version"]) if chromium else "not installed"),
    ]
