"""The peers, installed by the bench into ``.bench-cache/`` from the package registries.

- oauth2-mock-server and maildev: ``npm install`` into ``.bench-cache/npm`` (versions pinned below);
- oidc-provider-mock: a virtualenv ``.bench-cache/oidc-provider-mock`` made with this Python, ``pip install``;
- Mailpit: ``go install github.com/axllent/mailpit@VERSION`` with ``GOBIN=.bench-cache/go/bin``;
- pyinstrument (the profiler, only when a profile is taken): ``pip install --target .bench-cache/pyinstrument``.

Nothing here is committed: the cache writes its own ``.gitignore``. An install that fails leaves the peer
:class:`Missing` with the installer's own words, and the report says so instead of showing a number.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".bench-cache"

OAUTH2_MOCK_SERVER = "8.2.3"  # 9.x needs Node ^22.12; 8.x runs on Node ^20.19
MAILDEV = "3.0.0"
OIDC_PROVIDER_MOCK = "0.3.4"  # the 0.3 line runs on Python 3.11 (0.4 needs a newer Python)
MAILPIT = "v1.27.11"
PYINSTRUMENT = "5.1.3"
INSTALL_TIMEOUT = 1800  # a first `go install` of Mailpit compiles SQLite (modernc): minutes on 2 cores


@dataclass(frozen=True)
class Missing:
    """A peer that could not be installed or run here, and why (shown in the report)."""

    reason: str


@dataclass(frozen=True)
class Installed:
    name: str
    version: str
    argv0: tuple[str, ...]  # the command that runs it (arguments follow)
    how: str  # how it was installed, for the report


def cache_dir(name: str) -> Path:
    CACHE.mkdir(exist_ok=True)
    ignore = CACHE / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# written by python -m bench: nothing in here is committed\n*\n")
    path = CACHE / name
    path.mkdir(exist_ok=True)
    return path


def _run(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> str | None:
    """Run an installer; None when it succeeded, else the reason (its last lines)."""
    tool = shutil.which(argv[0]) if not os.path.isabs(argv[0]) else argv[0]
    if tool is None:
        return f"`{argv[0]}` is not installed on this machine"
    try:
        done = subprocess.run(
            [tool, *argv[1:]],
            cwd=cwd,
            env={**os.environ, **(env or {})},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=INSTALL_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        return f"`{' '.join(argv)}` did not finish within {INSTALL_TIMEOUT} s"
    if done.returncode != 0:
        lines = [line for line in (done.stderr + done.stdout).splitlines() if line.strip()]
        return f"`{' '.join(argv)}` failed ({done.returncode}): " + " / ".join(lines[-4:])
    return None


def _marked(directory: Path, spec: str) -> bool:
    return (directory / ".installed").is_file() and (directory / ".installed").read_text() == spec


def _mark(directory: Path, spec: str) -> None:
    (directory / ".installed").write_text(spec)


def _say(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def _node_packages() -> Path | Missing:
    directory = cache_dir("npm")
    spec = json.dumps({"oauth2-mock-server": OAUTH2_MOCK_SERVER, "maildev": MAILDEV}, sort_keys=True)
    if not _marked(directory, spec):
        _say(
            f"installing oauth2-mock-server@{OAUTH2_MOCK_SERVER} and maildev@{MAILDEV} (npm) into {directory}"
        )
        (directory / "package.json").write_text(
            json.dumps({"private": True, "name": "bench-peers", "dependencies": json.loads(spec)}, indent=2)
        )
        failed = _run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"], directory)
        if failed:
            return Missing(failed)
        _mark(directory, spec)
    return directory / "node_modules"


def oauth2_mock_server() -> Installed | Missing:
    modules = _node_packages()
    if isinstance(modules, Missing):
        return modules
    return Installed(
        "oauth2-mock-server",
        OAUTH2_MOCK_SERVER,
        ("node", str(modules / "oauth2-mock-server" / "dist" / "oauth2-mock-server.mjs")),
        f"npm install oauth2-mock-server@{OAUTH2_MOCK_SERVER}",
    )


def maildev() -> Installed | Missing:
    modules = _node_packages()
    if isinstance(modules, Missing):
        return modules
    return Installed(
        "maildev",
        MAILDEV,
        ("node", str(modules / "maildev" / "dist" / "bin" / "maildev.js")),
        f"npm install maildev@{MAILDEV}",
    )


def oidc_provider_mock() -> Installed | Missing:
    directory = cache_dir("oidc-provider-mock")
    spec = f"oidc-provider-mock=={OIDC_PROVIDER_MOCK} {sys.version.split()[0]}"
    python = directory / "bin" / "python"
    if not _marked(directory, spec):
        _say(f"installing oidc-provider-mock=={OIDC_PROVIDER_MOCK} (pip) into {directory}")
        failed = _run([sys.executable, "-m", "venv", "--clear", str(directory)], CACHE) or _run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                f"oidc-provider-mock=={OIDC_PROVIDER_MOCK}",
            ],
            directory,
        )
        if failed:
            return Missing(failed)
        _mark(directory, spec)
    return Installed(
        "oidc-provider-mock",
        OIDC_PROVIDER_MOCK,
        (str(python), "-W", "ignore", "-m", "oidc_provider_mock"),
        f"pip install oidc-provider-mock=={OIDC_PROVIDER_MOCK} (own virtualenv, {sys.version.split()[0]})",
    )


def go_version() -> str | None:
    if shutil.which("go") is None:
        return None
    done = subprocess.run(["go", "env", "GOVERSION"], capture_output=True, text=True, timeout=60)
    return done.stdout.strip() or None


def mailpit() -> Installed | Missing:
    directory = cache_dir("go")
    binary = directory / "bin" / "mailpit"
    spec = f"github.com/axllent/mailpit@{MAILPIT} {go_version()}"
    if not _marked(directory, spec) or not binary.is_file():
        _say(f"building Mailpit {MAILPIT} with `go install` into {binary} (minutes on a first build)")
        failed = _run(
            ["go", "install", f"github.com/axllent/mailpit@{MAILPIT}"],
            directory,
            env={"GOBIN": str(directory / "bin")},
        )
        if failed:
            return Missing(failed)
        _mark(directory, spec)
    return Installed(
        "Mailpit",
        MAILPIT.lstrip("v"),
        (str(binary),),
        f"go install github.com/axllent/mailpit@{MAILPIT} ({go_version()})",
    )


def pyinstrument_path() -> Path | Missing:
    """A directory to put on PYTHONPATH for a profiled harness process."""
    directory = cache_dir("pyinstrument")
    spec = f"pyinstrument=={PYINSTRUMENT} {sys.version.split()[0]}"
    if not _marked(directory, spec):
        _say(f"installing pyinstrument=={PYINSTRUMENT} (pip --target) into {directory}")
        failed = _run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--upgrade",
                "--target",
                str(directory / "lib"),
                f"pyinstrument=={PYINSTRUMENT}",
            ],
            directory,
        )
        if failed:
            return Missing(failed)
        _mark(directory, spec)
    return directory / "lib"
