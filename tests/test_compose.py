"""docker-compose.yml: valid against the Compose spec, and its services — their exact ``command`` and
``environment`` — run as local processes (no Docker engine here), container hostnames mapped to
127.0.0.1, carrying a register → sign-in → sign-out flow over HTTP through both sample apps."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
import yaml

from harness import Client, ExperienceClient

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT.parent / "shared" / "schemas" / "compose-spec.json"
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
HOSTS = {"fake-mailgun": "127.0.0.1", "fake-logto": "127.0.0.1", "0.0.0.0": "127.0.0.1"}
READY = {
    "fake-mailgun": "fake_mailgun HTTP",
    "fake-logto": "fake_logto ",
    "sample-app": "bookstore listening on",
    "go-sample-app": "bookstore listening on",
}
APPS = {"sample-app": "http://localhost:3000", "go-sample-app": "http://localhost:3002"}


def test_compose_file_is_valid_against_the_spec() -> None:
    schema = json.loads(SCHEMA.read_text())
    # The spec names draft-07's URL with https://, which jsonschema does not recognise: say which draft.
    validator = jsonschema.Draft7Validator(schema)
    validator.validate(COMPOSE)
    broken = copy.deepcopy(COMPOSE)
    broken["services"]["fake-logto"]["depends_on"]["fake-mailgun"]["condition"] = "whenever"
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(broken)


def test_the_image_holds_every_package_the_project_ships() -> None:
    """The Dockerfile copies each package of the wheel (a package left out fails only in a container)."""
    import tomllib

    shipped = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]
    packages = [name.rstrip("*") for name in shipped["include"]]
    copied = {
        line.split()[1] for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith("COPY ")
    }
    assert set(packages) <= copied, f"Dockerfile lacks COPY for {sorted(set(packages) - copied)}"


def test_compose_services_are_wired_as_documented() -> None:
    services = COMPOSE["services"]
    assert set(services) == {"fake-mailgun", "fake-logto", "sample-app", "go-sample-app"}
    for name, service in services.items():
        assert service["healthcheck"]["test"], name
        for port in service.get("ports", []):
            assert port.startswith("127.0.0.1:"), f"{name} publishes {port} beyond loopback"
        for dependency in service.get("depends_on", {}).values():
            assert dependency["condition"] == "service_healthy"
    logto_env = services["fake-logto"]["environment"]
    assert logto_env["FAKE_LOGTO_ENDPOINT"] == "http://localhost:3001"
    assert logto_env["FAKE_LOGTO_INTERNAL_URL"] == "http://fake-logto:3001"
    for app in ("sample-app", "go-sample-app"):
        assert services[app]["environment"]["LOGTO_ENDPOINT"] == "http://fake-logto:3001"


def _command(name: str, service: dict[str, Any], mounts: dict[str, str]) -> list[str]:
    command = [HOSTS.get(part, part) for part in service["command"]]
    command = [mounts.get(part, part) for part in command]
    if command[0] == "python":
        command[0] = sys.executable
    if command[0] == "bookstore":  # the Go app's image runs the binary scripts/setup builds here
        command[0] = str(ROOT / "e2e" / "apps" / "go" / "bin" / "bookstore")
    return command


@pytest.fixture(scope="module")
def compose_up(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, subprocess.Popen[str]]]:
    """Every service started in dependency order, each once it printed its ready line."""
    config_dir = tmp_path_factory.mktemp("compose")
    mounts: dict[str, str] = {}
    for volume in COMPOSE["services"]["fake-logto"]["volumes"]:
        source, target = volume.split(":")[:2]
        text = (ROOT / source).read_text()
        for host, local in HOSTS.items():
            text = text.replace(f"//{host}:", f"//{local}:")
        copy_path = config_dir / Path(source).name
        copy_path.write_text(text)
        mounts[target] = str(copy_path)
    running: dict[str, subprocess.Popen[str]] = {}
    try:
        for name in ("fake-mailgun", "fake-logto", "sample-app", "go-sample-app"):
            service = COMPOSE["services"][name]
            env = {**os.environ}
            for key, value in service["environment"].items():
                for host, local in HOSTS.items():
                    value = str(value).replace(f"//{host}:", f"//{local}:")
                env[key] = HOSTS.get(str(value), str(value))
            proc = subprocess.Popen(
                _command(name, service, mounts),
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            running[name] = proc
            assert proc.stdout is not None
            seen = []
            for line in proc.stdout:
                seen.append(line)
                if READY[name] in line:
                    break
            else:
                raise AssertionError(f"{name} exited before it was ready:\n{''.join(seen)}")
        yield running
    finally:
        for proc in running.values():
            proc.terminate()
        for proc in running.values():
            try:
                proc.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.communicate()


@pytest.mark.parametrize("app", ["sample-app", "go-sample-app"])
def test_register_sign_in_sign_out_through_the_compose_services(compose_up: dict[str, Any], app: str) -> None:
    base = APPS[app]
    email = f"compose-{app}-{uuid.uuid4().hex[:8]}@example.test"
    with Client("http://127.0.0.1:5080", "http://127.0.0.1:3001") as control:
        for event in ("Register", "SignIn"):
            with httpx.Client(timeout=30) as browser:
                start = browser.get(f"{base}/sign-in", follow_redirects=False)
                authorization = start.headers["location"]
                assert authorization.startswith("http://localhost:3001/oidc/auth?"), (
                    "the browser goes to the public URL"
                )
                newest = control.mailbox.messages(email, 1)

                def read_code(address: str, after: str | None = newest[0]["id"] if newest else None) -> str:
                    return control.mailbox.wait_for_code(address, after=after)

                callback = ExperienceClient("http://localhost:3001", http=browser).email_code_flow(
                    authorization, email, read_code, event=event
                )
                home = browser.get(callback, follow_redirects=True)
                assert "You are signed in." in home.text
                signed_out = _sign_out(browser, base)
                assert "You are not signed in." in signed_out.text


def _sign_out(browser: httpx.Client, base: str) -> httpx.Response:
    response = browser.get(f"{base}/sign-out", follow_redirects=True)
    if 'name="xsrf"' in response.text:  # fake_logto's confirm page (auto-submitted by a browser)
        xsrf = response.text.split('name="xsrf" value="')[1].split('"')[0]
        response = browser.post(
            "http://localhost:3001/oidc/session/end/confirm", data={"xsrf": xsrf}, follow_redirects=True
        )
    return response
