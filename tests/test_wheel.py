"""The wheel works in a project that is not this one.

Built from a copy of the checkout's packages and installed into a fresh virtualenv in a temporary folder
(its dependencies resolve through pip, as a user's install would), ``harness up --json --ports free``
started there serves the fakes alone (the sample apps are not in a wheel, and it says so), stops on Ctrl-C
with status 0, and the pytest plugin's fixtures work in a small test file of that folder.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import httpx

from harness._apps import FAKES_ONLY

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("fakekit", "fake_logto", "fake_mailgun", "harness")
LIMIT = 120  # seconds for any one step; the whole test takes well under a minute

PROJECT_TEST = """
import httpx


def test_code_arrives_through_the_mailgun_api(harness, mailbox, email_address):
    env = harness.info()["env"]
    form = {"from": "app@example.test", "to": email_address, "subject": "code", "text": "Your code is 135790"}
    with httpx.Client(base_url=env["MAILGUN_API_URL"], auth=("api", env["MAILGUN_API_KEY"])) as http:
        http.post(f"/v3/{env['MAILGUN_DOMAIN']}/messages", data=form).raise_for_status()
    assert mailbox.wait_for_code(email_address, timeout=10) == "135790"


def test_logto_discovery(harness):
    discovery = httpx.get(harness.logto_endpoint + "/oidc/.well-known/openid-configuration")
    assert discovery.status_code == 200
    assert discovery.json()["issuer"] == harness.logto_endpoint + "/oidc"
"""


def _run(argv: list[str | Path], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(arg) for arg in argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=LIMIT,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert done.returncode == 0, f"{argv}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def _build_wheel(tmp_path: Path, env: dict[str, str]) -> Path:
    """The wheel of a copy of the sources: building in the checkout would leave ``build/`` there, whose
    stale files setuptools would put in later wheels."""
    source = tmp_path / "source"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, source / package, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    dist = tmp_path / "dist"
    # No build isolation: the test extras hold the setuptools the build needs, so nothing is downloaded.
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", dist, source],
        tmp_path,
        env,
    )
    (wheel,) = dist.glob("logto_harness-*.whl")
    return wheel


def _harness_up(venv: Path, project: Path, env: dict[str, str]) -> None:
    """``harness up --json --ports free`` until it prints its JSON and both fakes answer; then Ctrl-C."""
    up = subprocess.Popen(
        [str(venv / "bin" / "harness"), "up", "--json", "--ports", "free"],
        cwd=project,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    watchdog = threading.Timer(LIMIT, up.kill)  # a hung start fails the test instead of blocking it
    watchdog.start()
    try:
        assert up.stdout is not None
        line = up.stdout.readline()
        assert line, f"harness up printed nothing; status {up.wait()}: {up.communicate()[1][-3000:]}"
        info = json.loads(line)
        assert info["app_url"] is None
        health = httpx.get(info["mailgun_url"] + "/__harness/health", timeout=10)
        assert health.status_code == 200, health.text
        discovery = httpx.get(info["logto_endpoint"] + "/oidc/.well-known/openid-configuration", timeout=10)
        assert discovery.status_code == 200, discovery.text
        assert discovery.json()["issuer"] == info["logto_endpoint"] + "/oidc"
        up.send_signal(signal.SIGINT)
        _, stderr = up.communicate(timeout=LIMIT)
    finally:
        watchdog.cancel()
        if up.poll() is None:
            up.kill()
            up.wait()
    assert up.returncode == 0, stderr[-3000:]
    assert f"harness: {FAKES_ONLY}\n" in stderr


def test_wheel_outside_the_checkout(tmp_path: Path) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTHON", "HARNESS_", "PYTEST_")) and key != "VIRTUAL_ENV"
    }
    env["HARNESS_RUN_FILE"] = str(tmp_path / "run.json")
    wheel = _build_wheel(tmp_path, env)

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", venv], tmp_path, env)
    python = venv / "bin" / "python"
    _run([python, "-m", "pip", "install", "-q", wheel, "pytest"], tmp_path, env)

    project = tmp_path / "project"
    project.mkdir()
    # Nothing of the checkout is importable from there: the installed packages are the wheel's.
    where = _run([python, "-c", "import harness; print(harness.__file__)"], project, env).stdout
    assert Path(where.strip()).is_relative_to(venv), where

    _harness_up(venv, project, env)

    # Asked for by name, the Python sample app still fails with what to do.
    named = subprocess.run(
        [venv / "bin" / "harness", "up", "--app", "python", "--ports", "free"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=LIMIT,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert named.returncode == 1, named.stderr
    assert "the Python sample app is not in this installation" in named.stderr

    (project / "test_sign_in_mail.py").write_text(PROJECT_TEST)
    (project / "pytest.ini").write_text("[pytest]\naddopts = --strict-markers\nfilterwarnings = error\n")
    ran = _run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], project, env)
    assert "2 passed" in ran.stdout, ran.stdout
