"""Logto's integration tests, made runnable outside Logto's monorepo: install, build, run one file.

The suite (``packages/integration-tests`` of logto-io/logto at 1fbc554, MPL-2.0) is never edited nor kept in
this repository: it is read where it lies (``../shared/conformance/logto-integration-tests`` beside the clone,
or ``CONFORMANCE_SUITE``; the nearest ``shared/`` above the clone is taken). Its npm dependencies come from ``conformance/package.json`` and its lock file
(the published versions of its ``workspace:`` packages); the build folder ``conformance/.build`` (git-ignored)
gets a copy of its sources and jest files, this folder's ``tsup.config.ts`` (Logto's shared tsup defaults
with the suite's entry) and ``tsconfig.json`` (the ``#src/*`` path), and ``tsup`` writes ``lib/`` there —
as ``pnpm build`` does in the monorepo. Each test file then runs in its own jest process (``jest -i``, as
``pnpm test:api``, with ``--experimental-vm-modules``): a failure that escapes a test can end a jest
process, and it then ends only its own file.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from ._report import FileResult, read_report

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BUILD = HERE / ".build"
SUITE_COMMIT = "1fbc554"
SUITE_FILES = ("jest.config.js", "jest.setup.js", "jest.setup.api.js")
OWN_FILES = ("package.json", "tsup.config.ts", "tsconfig.json")


class SuiteError(RuntimeError):
    """The suite cannot be installed, built or found; the message says what to do."""


def suite_path() -> Path:
    given = os.environ.get("CONFORMANCE_SUITE")
    beside = [parent / "shared" / "conformance" / "logto-integration-tests" for parent in ROOT.parents]
    path = Path(given) if given else next((p for p in beside if p.is_dir()), beside[0])
    if not (path / "src" / "tests" / "api").is_dir():
        raise SuiteError(
            f"Logto's integration tests not found at {path}: put packages/integration-tests of logto-io/logto "
            f"({SUITE_COMMIT}) there, or set CONFORMANCE_SUITE"
        )
    return path


def _digest(*paths: Path) -> str:
    sha = hashlib.sha256()
    for path in paths:
        sha.update(path.read_bytes())
    return sha.hexdigest()[:16]


def install(log: list[str]) -> None:
    """``npm ci`` from the lock file, skipped when the installed tree matches it (works offline then)."""
    stamp = HERE / "node_modules" / ".installed"
    want = _digest(HERE / "package.json", HERE / "package-lock.json")
    if stamp.is_file() and stamp.read_text().strip() == want:
        return
    if shutil.which("npm") is None:
        raise SuiteError("npm is required to run Logto's integration tests (install Node.js >= 20)")
    log.append("installing the suite's npm packages (conformance/package-lock.json)")
    env = {**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1"}
    done = subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=HERE, env=env, check=False
    )
    if done.returncode != 0:
        raise SuiteError(f"npm ci failed (exit {done.returncode}) in {HERE}")
    stamp.write_text(want + "\n")


def build(suite: Path, log: list[str]) -> Path:
    """A fresh build folder with the suite's sources and ``lib/`` built by tsup; its path."""
    if BUILD.exists():
        shutil.rmtree(BUILD)
    BUILD.mkdir()
    shutil.copytree(suite / "src", BUILD / "src")
    for name in SUITE_FILES:
        shutil.copy2(suite / name, BUILD / name)
    for name in OWN_FILES:
        shutil.copy2(HERE / name, BUILD / name)
    (BUILD / "node_modules").symlink_to(HERE / "node_modules", target_is_directory=True)
    log.append("building the suite (tsup)")
    done = subprocess.run(
        ["node", str(HERE / "node_modules" / "tsup" / "dist" / "cli-default.js")],
        cwd=BUILD,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SuiteError(f"tsup failed (exit {done.returncode}):\n{done.stderr or done.stdout}")
    return BUILD


@dataclass(frozen=True)
class Environment:
    """Where the suite finds Logto (``src/constants.ts``) and the mock connectors' records."""

    logto_url: str
    console_url: str
    message_dir: str

    def variables(self) -> dict[str, str]:
        return {
            "INTEGRATION_TESTS_LOGTO_URL": self.logto_url,
            "INTEGRATION_TESTS_LOGTO_CONSOLE_URL": self.console_url,
            "MOCK_CONNECTOR_MESSAGE_DIR": self.message_dir,
            "NODE_OPTIONS": "--experimental-vm-modules --no-warnings",
            "PUPPETEER_SKIP_DOWNLOAD": "1",
            "FORCE_COLOR": "0",
        }


def test_file(name: str) -> str:
    """The built file of ``name`` (``oidc/discovery`` → ``lib/tests/api/oidc/discovery.test.js``)."""
    return f"lib/tests/api/{name}.test.js"


def run_file(name: str, env: Environment, timeout: float, reports: Path) -> FileResult:
    """Run one test file in its own jest process; its counts (an error when it timed out or crashed)."""
    report = reports / (name.replace("/", "__") + ".json")
    report.unlink(missing_ok=True)
    output = reports / (name.replace("/", "__") + ".log")
    jest = str(HERE / "node_modules" / "jest" / "bin" / "jest.js")
    command = [
        "node",
        jest,
        "-i",
        "--ci",
        "--json",
        f"--outputFile={report}",
        "--runTestsByPath",
        test_file(name),
    ]
    started = time.monotonic()
    with output.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=BUILD, env={**os.environ, **env.variables()}, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return FileResult(
                name, error=f"timed out after {timeout:.0f} s", seconds=time.monotonic() - started
            )
    return read_report(name, report, time.monotonic() - started)
