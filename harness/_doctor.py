"""``harness doctor``: what a new machine needs, checked one by one with a clear verdict."""

from __future__ import annotations

import shutil
import socket
import sys
from dataclasses import dataclass

from ._browser import playwright_chromium, system_chromium
from ._config import load_harness_config, settings_from_env
from ._errors import ConfigError


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    required: bool = True


def _port_free(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def run_checks(config_path: str | None) -> list[Check]:
    checks = [Check("python >= 3.11", sys.version_info >= (3, 11), sys.version.split()[0])]
    try:
        config = load_harness_config(config_path).with_settings(**settings_from_env())
        checks.append(Check("config", True, config_path or "defaults (the seed's tenant)"))
    except ConfigError as exc:
        checks.append(Check("config", False, str(exc)))
        config = load_harness_config(None)
    own = playwright_chromium()
    system = system_chromium()
    chromium = str(own) if own else system
    checks.append(
        Check(
            "chromium",
            chromium is not None,
            chromium or "none: apt-get install chromium, or playwright install chromium",
        )
    )
    for name, port in (
        ("fake_logto port", config.logto.port),
        ("fake_mailgun port", config.mailgun.port),
        ("smtp port", config.mailgun.smtp_port),
        ("app port", config.app.port),
    ):
        if port < 0:  # off (smtp_port -1): nothing to bind
            continue
        free = _port_free(config.host, port)
        checks.append(
            Check(
                f"{name} {port}",
                free,
                "free" if free else "in use (harness up --ports free avoids it)",
                False,
            )
        )
    for tool, why in (("go", "the Go sample app"), ("node", "the Node client tests")):
        path = shutil.which(tool)
        checks.append(Check(tool, path is not None, path or f"not found (needed for {why})", False))
    return checks
