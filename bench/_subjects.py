"""What is measured: the harness's processes and the peers, each started on 127.0.0.1 and awaited until
it answers (readiness line first, then a bounded connect-retry on the real endpoints).

``start(subject)`` yields a :class:`Live` server whose ``ready`` is the ``perf_counter`` time when every
endpoint of that subject answered; ``ready - proc.started`` is its cold start.
"""

from __future__ import annotations

import contextlib
import json
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import _peers
from ._proc import Proc, answering, free_port, running, smtp_banner

HARNESS = "harness"
PEER = "peer"


@dataclass
class Live:
    proc: Proc
    http_port: int
    ready: float
    smtp_port: int | None = None
    paths: dict[str, str] = field(default_factory=dict)  # discovery, jwks, token, health
    info: dict[str, Any] = field(default_factory=dict)  # `harness up --json`, for the harness

    @property
    def cold_start_ms(self) -> float:
        return (self.ready - self.proc.started) * 1000


Starter = Callable[[], contextlib.AbstractContextManager[Live]]


@dataclass(frozen=True)
class Subject:
    name: str
    role: str  # HARNESS or PEER
    start: Starter | None  # None: not available here (see ``missing``)
    version: str = ""
    how: str = ""
    missing: str | None = None

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}".strip()


def _python() -> list[str]:
    return [sys.executable]


# --- the harness --------------------------------------------------------------------------------------
@contextlib.contextmanager
def fake_logto() -> Iterator[Live]:
    with running("fake_logto", [*_python(), "-m", "fake_logto", "--port", "0"]) as proc:
        port = int(proc.wait_line(r"^fake_logto\s+http://127\.0\.0\.1:(\d+)").group(1))
        ready = answering(proc, port, "/oidc/.well-known/openid-configuration")
        yield Live(proc, port, ready, paths=_LOGTO_PATHS)


_LOGTO_PATHS = {
    "discovery": "/oidc/.well-known/openid-configuration",
    "jwks": "/oidc/jwks",
    "token": "/oidc/token",
}


@contextlib.contextmanager
def fake_mailgun() -> Iterator[Live]:
    argv = [*_python(), "-m", "fake_mailgun", "--port", "0", "--smtp-port", "0"]
    with running("fake_mailgun", argv) as proc:
        port = int(proc.wait_line(r"^fake_mailgun HTTP\s+http://127\.0\.0\.1:(\d+)").group(1))
        smtp = int(proc.wait_line(r"^fake_mailgun SMTP\s+127\.0\.0\.1:(\d+)").group(1))
        answering(proc, port, "/__harness/health")
        ready = smtp_banner(proc, smtp)
        yield Live(proc, port, ready, smtp_port=smtp, paths={"health": "/__harness/health"})


@contextlib.contextmanager
def harness_up(config: Path | None = None, app: str = "none") -> Iterator[Live]:
    """``harness up --json --ports free --app <app>``: both fakes healthy = Logto discovery, the Mailgun
    API's health and the SMTP greeting all answer. ``harness up`` prints its JSON once a sample app it
    starts answers too, so with ``app="python"`` the figure includes that app's own start (it overlaps the
    fakes' imports); the bench's other figures need no sample app (``"none"``)."""
    with tempfile.TemporaryDirectory(prefix="bench-run-") as tmp:
        env = {"HARNESS_RUN_FILE": str(Path(tmp) / "run.json")}
        argv = [*_python(), "-m", "harness", "up", "--json", "--ports", "free", "--app", app]
        if config is not None:
            argv += ["--config", str(config)]
        with running("harness up", argv, env=env) as proc:
            info = json.loads(proc.wait_line(r'^\{.*"logto_url"').string)
            logto = int(info["logto_url"].rsplit(":", 1)[1])
            mailgun = int(info["mailgun_url"].rsplit(":", 1)[1])
            smtp = int(info["smtp"]["port"])
            answering(proc, logto, _LOGTO_PATHS["discovery"])
            answering(proc, mailgun, "/__harness/health")
            ready = smtp_banner(proc, smtp)
            paths = {**_LOGTO_PATHS, "health": "/__harness/health"}
            yield Live(proc, logto, ready, smtp_port=smtp, paths=paths, info=info)


# --- the peers ----------------------------------------------------------------------------------------
def _oauth2_mock_server(peer: _peers.Installed) -> Starter:
    @contextlib.contextmanager
    def start() -> Iterator[Live]:
        with running(peer.name, [*peer.argv0, "-a", "127.0.0.1", "-p", "0"]) as proc:
            port = int(proc.wait_line(r"listening on http://127\.0\.0\.1:(\d+)").group(1))
            ready = answering(proc, port, "/.well-known/openid-configuration")
            paths = {"discovery": "/.well-known/openid-configuration", "jwks": "/jwks", "token": "/token"}
            yield Live(proc, port, ready, paths=paths)

    return start


def _oidc_provider_mock(peer: _peers.Installed) -> Starter:
    @contextlib.contextmanager
    def start() -> Iterator[Live]:
        with running(peer.name, [*peer.argv0, "-H", "127.0.0.1", "-p", "0"]) as proc:
            port = int(proc.wait_line(r"running on http://127\.0\.0\.1:(\d+)").group(1))
            ready = answering(proc, port, "/.well-known/openid-configuration")
            paths = {
                "discovery": "/.well-known/openid-configuration",
                "jwks": "/jwks",
                "token": "/oauth2/token",
                "authorize": "/oauth2/authorize",
            }
            yield Live(proc, port, ready, paths=paths)

    return start


def _maildev(peer: _peers.Installed) -> Starter:
    @contextlib.contextmanager
    def start() -> Iterator[Live]:
        http, smtp = free_port(), free_port()
        argv = [*peer.argv0, "--ip", "127.0.0.1", "--web-ip", "127.0.0.1", "-s", str(smtp), "-w", str(http)]
        with running(peer.name, argv) as proc:
            proc.wait_line(r"MailDev API running at")
            answering(proc, http, "/api/healthz")
            ready = smtp_banner(proc, smtp)
            yield Live(proc, http, ready, smtp_port=smtp, paths={"health": "/api/healthz"})

    return start


def _mailpit(peer: _peers.Installed) -> Starter:
    @contextlib.contextmanager
    def start() -> Iterator[Live]:
        http, smtp = free_port(), free_port()
        with tempfile.TemporaryDirectory(prefix="bench-mailpit-") as tmp:
            argv = [
                *peer.argv0,
                "--listen",
                f"127.0.0.1:{http}",
                "--smtp",
                f"127.0.0.1:{smtp}",
                "--database",
                str(Path(tmp) / "mailpit.db"),
                "--max",
                "0",  # keep every message, as the harness does (its default prunes at 500)
                "--disable-version-check",
                "--smtp-disable-rdns",
            ]
            with running(peer.name, argv) as proc:
                proc.wait_line(r"\[http\] accessible via")
                answering(proc, http, "/readyz")
                ready = smtp_banner(proc, smtp)
                yield Live(
                    proc, http, ready, smtp_port=smtp, paths={"health": "/readyz", "send": "/api/v1/send"}
                )

    return start


def harness_subjects() -> dict[str, Subject]:
    return {
        "fake_logto": Subject("fake_logto", HARNESS, fake_logto, how="python -m fake_logto --port 0"),
        "fake_mailgun": Subject(
            "fake_mailgun", HARNESS, fake_mailgun, how="python -m fake_mailgun --port 0 --smtp-port 0"
        ),
        "harness up": Subject(
            "harness up", HARNESS, harness_up, how="harness up --json --ports free --app none"
        ),
        "harness up + Python app": Subject(
            "harness up + Python app",
            HARNESS,
            lambda: harness_up(app="python"),
            how="harness up --json --ports free --app python (until the sample app answers too)",
        ),
    }


PEERS: dict[
    str, tuple[Callable[[], _peers.Installed | _peers.Missing], Callable[[_peers.Installed], Starter]]
] = {
    "oauth2-mock-server": (_peers.oauth2_mock_server, _oauth2_mock_server),
    "oidc-provider-mock": (_peers.oidc_provider_mock, _oidc_provider_mock),
    "maildev": (_peers.maildev, _maildev),
    "Mailpit": (_peers.mailpit, _mailpit),
}


def peer_subjects(install: bool, skipped_reason: str) -> dict[str, Subject]:
    """The peers: installed (or found in the cache) when ``install``, else each marked not run."""
    found: dict[str, Subject] = {}
    for name, (installer, starter) in PEERS.items():
        if not install:
            found[name] = Subject(name, PEER, None, missing=skipped_reason)
            continue
        peer = installer()
        if isinstance(peer, _peers.Missing):
            found[name] = Subject(name, PEER, None, missing=f"could not be installed here: {peer.reason}")
        else:
            found[name] = Subject(name, PEER, starter(peer), version=peer.version, how=peer.how)
    return found
