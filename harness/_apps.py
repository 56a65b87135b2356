"""The sample apps (``e2e/apps/``) as subprocesses: the Go app (the binary ``scripts/setup`` builds), the
Python app (``python -m e2e.apps.python``) and the single-page app (``python -m e2e.apps.spa``: a static
server for the page and the bundle ``scripts/setup`` builds with esbuild), all configured by the
environment a user would set.

Each app prints ``bookstore listening on …`` once its socket accepts connections; :func:`serve_app`
waits for that line (no polling), keeps the app's output (for the error when it fails, optionally echoed),
and stops the app with SIGTERM (both shut down cleanly), killing it only if it does not exit in time.
"""

from __future__ import annotations

import collections
import contextlib
import hashlib
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TextIO

from ._errors import AppError

AppName = Literal["python", "go", "spa"]
AppKind = Literal["python", "go", "spa", "none"]
APP_KINDS: tuple[AppKind, ...] = ("python", "go", "spa", "none")

ROOT = Path(__file__).resolve().parent.parent
GO_APP = ROOT / "e2e" / "apps" / "go"
GO_BINARY = GO_APP / "bin" / "bookstore"
GO_STAMP = GO_APP / "bin" / ".built"  # the digest of the sources the binary was built from (scripts/setup)
PYTHON_APP = ROOT / "e2e" / "apps" / "python"
PYTHON_MODULE = "e2e.apps.python"
SPA_APP = ROOT / "e2e" / "apps" / "spa"
SPA_MODULE = "e2e.apps.spa"
SPA_BUNDLE = SPA_APP / "dist" / "app.js"
SPA_STAMP = SPA_APP / "dist" / ".built"  # the digest of the sources the bundle was built from (scripts/setup)
APPS = ROOT / "e2e" / "apps"
READY = "bookstore listening on "


def go_sources() -> list[Path]:
    """The files the Go binary is built from, in the order ``scripts/setup`` digests them (C-locale sort)."""
    found = [
        path
        for path in GO_APP.rglob("*")
        if path.is_file()
        and GO_APP / "bin" not in path.parents
        and (path.suffix == ".go" or path.name in ("go.mod", "go.sum"))
    ]
    return sorted(found, key=lambda p: p.relative_to(ROOT).as_posix().encode())


def go_sources_digest() -> str:
    """``cat <sources> | sha256sum | cut -c1-16``, as ``scripts/setup`` writes it to the stamp."""
    digest = hashlib.sha256()
    for path in go_sources():
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def spa_sources() -> list[Path]:
    """The files the SPA's bundle is built from, in the order ``scripts/setup`` digests them."""
    found = sorted(
        (p for p in (SPA_APP / "src").rglob("*") if p.is_file()),
        key=lambda p: p.relative_to(ROOT).as_posix().encode(),
    )
    return [SPA_APP / "package.json", SPA_APP / "package-lock.json", *found]


def spa_sources_digest() -> str:
    digest = hashlib.sha256()
    for path in spa_sources():
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def apps_installed() -> bool:
    """Whether the sample apps are beside the package: in a checkout, not in a wheel installed elsewhere."""
    return APPS.is_dir()


# What ``harness up`` says when its command line names no app and this installation has none to start
# (a wheel installed outside a checkout): the fakes alone still serve.
FAKES_ONLY = "the sample apps are not in this installation; starting the fakes only (--app none)"


def check_app(name: AppName) -> None:
    """Raise :class:`AppError` with what to do when ``name`` cannot be started from here."""
    if name == "go":
        if not GO_BINARY.is_file():
            raise AppError(
                f"the Go sample app is not built ({_shown(GO_BINARY)}): run scripts/setup "
                "(it needs Go: https://go.dev/dl/)"
            )
        stamp = GO_STAMP.read_text().strip() if GO_STAMP.is_file() else ""
        if stamp != go_sources_digest():
            raise AppError(
                f"the Go sample app's binary is older than its sources ({_shown(GO_APP)}): "
                "run scripts/setup to rebuild it"
            )
    elif name == "spa":
        if not SPA_BUNDLE.is_file():
            raise AppError(
                f"the SPA sample app is not bundled ({_shown(SPA_BUNDLE)}): run scripts/setup "
                "(it needs Node.js and npm)"
            )
        stamp = SPA_STAMP.read_text().strip() if SPA_STAMP.is_file() else ""
        if stamp != spa_sources_digest():
            raise AppError(
                f"the SPA sample app's bundle is older than its sources ({_shown(SPA_APP)}): "
                "run scripts/setup to rebuild it"
            )
    elif not (PYTHON_APP / "__main__.py").is_file():
        raise AppError(
            f"the Python sample app is not in this installation ({PYTHON_APP}): run the harness from a "
            "checkout of logto-harness"
        )


def free_port(host: str) -> int:
    """A port free on ``host`` now (the app binds it a moment later)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
    return port


@dataclass(frozen=True, kw_only=True)
class SampleAppSettings:
    """``[app]`` of harness.toml: which sample app ``harness up`` starts, and on which port."""

    kind: AppKind = field(
        default="python",
        metadata={
            "help": "the sample app harness up starts: python, go, spa or none",
            "choices": APP_KINDS,
            "aliases": ("app",),
        },
    )
    port: int = field(default=3000, metadata={"help": "the sample app's port (0: any free)", "port": True})


@dataclass(frozen=True)
class AppSettings:
    """What the app reads from its environment."""

    name: AppName
    logto_endpoint: str
    app_id: str
    app_secret: str
    port: int
    host: str = "127.0.0.1"
    base_url: str = ""  # default http://localhost:<port>

    @property
    def url(self) -> str:
        return (self.base_url or f"http://localhost:{self.port}").rstrip("/")

    def env(self) -> dict[str, str]:
        return {
            "LOGTO_ENDPOINT": self.logto_endpoint,
            "LOGTO_APP_ID": self.app_id,
            "LOGTO_APP_SECRET": self.app_secret,
            "BASE_URL": self.url,
            "HOST": self.host,
            "PORT": str(self.port),
        }

    def command(self) -> list[str]:
        if self.name == "go":
            return [str(GO_BINARY)]
        return [sys.executable, "-m", SPA_MODULE if self.name == "spa" else PYTHON_MODULE]


@dataclass
class RunningApp:
    settings: AppSettings
    process: subprocess.Popen[str]
    _lines: collections.deque[str] = field(default_factory=lambda: collections.deque(maxlen=200))
    _ready: threading.Event = field(default_factory=threading.Event)
    _reader: threading.Thread | None = None
    _terminated: bool = False

    @property
    def name(self) -> AppName:
        return self.settings.name

    @property
    def url(self) -> str:
        return self.settings.url

    def output(self) -> str:
        """The app's latest output lines (stdout and stderr)."""
        return "".join(self._lines)

    def _read(self, echo: TextIO | None) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.append(line)
            if echo is not None:
                with contextlib.suppress(ValueError, OSError):
                    echo.write(f"[{self.name} app] {line}")
                    echo.flush()
            if line.startswith(READY):
                self._ready.set()
        self._ready.set()  # ended: whoever waits sees the exit

    def wait_ready(self, timeout: float = 30) -> None:
        """Return once the app said it listens; else stop it and raise :class:`AppError` with its output."""
        ready = self._ready.wait(timeout)
        if ready and self.process.poll() is None and READY in self.output():
            return
        status = self.stop()
        what = (
            f"exited with status {status}" if ready else f"did not say it was listening within {timeout:g} s"
        )
        raise AppError(
            f"the {self.name} sample app {what}; its output:\n{self.output().rstrip() or '(none)'}"
        )

    def terminate(self) -> None:
        """SIGTERM now, without waiting (:meth:`stop` then waits)."""
        if self.process.poll() is None and not self._terminated:
            self.process.send_signal(signal.SIGTERM)
            self._terminated = True

    def stop(self, timeout: float = 10) -> int:
        """SIGTERM, then SIGKILL after ``timeout``; returns the exit status."""
        self.terminate()
        if self.process.poll() is None:
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._reader is not None:
            self._reader.join(timeout)
        if self.process.stdout is not None:
            self.process.stdout.close()
        return self.process.returncode


def spawn_app(settings: AppSettings, *, echo: TextIO | None = None) -> RunningApp:
    """Start the app's process and return at once; :meth:`RunningApp.wait_ready` waits for it to listen.
    Logto need not answer yet: the apps talk to it only when a user signs in."""
    check_app(settings.name)
    env = {**os.environ, **settings.env(), "PYTHONUNBUFFERED": "1"}
    if settings.name == "go":
        env.setdefault("GIN_MODE", "release")
    else:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    process = subprocess.Popen(
        settings.command(),
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        start_new_session=True,  # a Ctrl-C at the terminal reaches the harness, which stops the app in turn
    )
    app = RunningApp(settings, process)
    app._reader = threading.Thread(
        target=app._read, args=(echo,), name=f"{settings.name}-app-output", daemon=True
    )
    app._reader.start()
    return app


def start_app(settings: AppSettings, *, echo: TextIO | None = None, timeout: float = 30) -> RunningApp:
    """Start the app and return once it accepts connections (its ``listening`` line)."""
    app = spawn_app(settings, echo=echo)
    app.wait_ready(timeout)
    return app


@contextlib.contextmanager
def serve_app(
    settings: AppSettings, *, echo: TextIO | None = None, timeout: float = 30, wait: bool = True
) -> Iterator[RunningApp]:
    """The app for the ``with`` block, stopped after it; ``wait=False``: yield as soon as it is spawned
    (the caller then calls :meth:`RunningApp.wait_ready`)."""
    app = spawn_app(settings, echo=echo)
    try:
        if wait:
            app.wait_ready(timeout)
        yield app
    finally:
        app.stop()
