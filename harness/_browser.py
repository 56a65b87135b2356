"""Find a Chromium for Playwright: Playwright's own when installed, else the system's (Debian ``chromium``).

Browser downloads are blocked on some machines (CI here); a system Chromium works with Playwright given
its path. The flags keep a headless Chromium from reaching out to the network on start.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

SYSTEM_CHROMIUMS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
QUIET_FLAGS = (
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--disable-gpu",
)


def playwright_chromium() -> Path | None:
    """Playwright's own Chromium, if ``playwright install chromium`` has run."""
    root = Path(os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or Path.home() / ".cache" / "ms-playwright")
    for pattern in ("chromium_headless_shell-*/chrome-*/headless_shell", "chromium-*/chrome-linux*/chrome"):
        found = sorted(root.glob(pattern))
        if found:
            return found[-1]
    return None


def system_chromium() -> str | None:
    explicit = os.environ.get("HARNESS_CHROMIUM")
    if explicit:
        return explicit
    for name in SYSTEM_CHROMIUMS:
        path = shutil.which(name)
        if path:
            return path
    return None


def launch_options(**extra: Any) -> dict[str, Any]:
    """Keyword arguments for ``playwright.chromium.launch``: a system Chromium when Playwright has none."""
    options: dict[str, Any] = {"args": list(QUIET_FLAGS)}
    if playwright_chromium() is None:
        path = system_chromium()
        if path is None:
            raise RuntimeError(
                "no Chromium found: install one (Debian: apt-get install chromium; elsewhere: "
                "playwright install chromium) or set HARNESS_CHROMIUM to its path"
            )
        options["executable_path"] = path
        if os.geteuid() == 0:
            options["chromium_sandbox"] = False
    options.update(extra)
    return options
