"""``harness sign-in`` and ``POST /__harness/sign-in`` over one real harness with the Python sample app:
the storage state of a registration and of a sign-in, and each refusal as one line (or one body) naming
the hop and Logto's code, with its exit status; and the curl recipe of docs/harness.md, run as written."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from fake_logto import paths as logto_paths
from harness import load_harness_config, start_harness
from harness._apps import free_port
from harness._cli import main
from harness._harness import Harness

ROOT = Path(__file__).resolve().parents[2]
APP_COOKIES = {"bookstore_session", "_session"}  # the app's session and Logto's SSO session
PASSWORD = "a long passphrase 4 tests"


@pytest.fixture(scope="module")
def running() -> Iterator[Harness]:
    with start_harness(load_harness_config(None), free_ports=True, app="python") as harness:
        yield harness


@pytest.fixture
def email() -> str:
    return f"anywhere-{uuid.uuid4().hex[:8]}@example.test"


def _app_url(harness: Harness) -> str:
    assert harness.app_url is not None
    return harness.app_url


def _cli(harness: Harness, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["sign-in", "--mailgun-url", harness.mailgun_url, *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def _names(state: dict[str, Any]) -> set[str]:
    return {cookie["name"] for cookie in state["cookies"]}


# --- the command --------------------------------------------------------------------------------------
def test_register_then_sign_in_write_storage_states(
    running: Harness, email: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "auth" / "state.json"
    app = _app_url(running)
    code, out, err = _cli(
        running, capsys, "--app-url", app, "--email", email, "--register", "--storage-state", str(target)
    )
    assert code == 0, err
    state = json.loads(target.read_text())
    assert set(state) == {"cookies", "origins"}
    assert _names(state) >= APP_COOKIES
    assert f"Register: send a code to {email}" in err
    assert f"wrote {target}" in err
    assert out == ""

    code, out, err = _cli(running, capsys, "--app-url", app, "--email", email, "--json", "--quiet")
    assert (code, err) == (0, "")
    result = json.loads(out)
    assert (result["event"], result["email"], result["callback"]) == ("SignIn", email, app + "/callback")
    assert _names(result["storage_state"]) >= APP_COOKIES


def test_an_unknown_address_is_refused_at_identification(
    running: Harness, email: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = _cli(running, capsys, "--app-url", _app_url(running), "--email", email, "--json")
    assert code == 1
    assert err.splitlines()[-1] == (
        f"harness: sign-in failed at identification: 404 user.user_not_exist: User with {email} does not "
        'exist. (no such user: pass --register ("register": true) to create it)'
    )


def test_registering_a_known_address_is_refused(
    running: Harness, email: str, capsys: pytest.CaptureFixture[str]
) -> None:
    running.client.logto.users.create(email=email)
    code, _out, err = _cli(
        running, capsys, "--app-url", _app_url(running), "--email", email, "--register", "--json"
    )
    assert code == 1
    assert "failed at identification: 422 user.email_already_in_use" in err


def test_a_password_the_tenant_does_not_sign_in_with_is_refused(
    running: Harness, email: str, capsys: pytest.CaptureFixture[str]
) -> None:
    running.client.logto.users.create(email=email, password=PASSWORD)
    args = ("--app-url", _app_url(running), "--email", email, "--password", PASSWORD, "--json")
    code, _out, err = _cli(running, capsys, *args)
    assert code == 1
    assert err.splitlines()[-1] == (
        "harness: sign-in failed at identification: 422 user.sign_in_method_not_enabled: This sign-in "
        "method is not enabled. (the tenant's sign-in does not accept this)"
    )


PASSWORDS = {  # Logto's PATCH /api/sign-in-exp fields: sign-up with a password, sign-in by either
    "signUp": {"identifiers": ["email"], "password": True, "verify": True},
    "signIn": {
        "methods": [
            {"identifier": "email", "password": True, "verificationCode": True, "isPasswordPrimary": True}
        ]
    },
}


def test_register_with_a_password_then_sign_in_by_it(
    running: Harness, email: str, capsys: pytest.CaptureFixture[str]
) -> None:
    app = _app_url(running)
    running.client.logto.patch_sign_in_experience(PASSWORDS)
    try:
        code, _out, err = _cli(running, capsys, "--app-url", app, "--email", email, "--register", "--json")
        assert code == 1
        assert "422 user.missing_profile" in err
        args = ("--app-url", app, "--email", email, "--json", "--password", PASSWORD)
        assert _cli(running, capsys, *args, "--register")[0] == 0
        code, out, err = _cli(running, capsys, *args)
        assert code == 0, err
        assert "verify the password" in err
        assert _names(json.loads(out)["storage_state"]) >= APP_COOKIES
    finally:
        running.client.logto.restore_sign_in_experience()


def test_an_app_that_is_down_is_named(
    running: Harness, email: str, capsys: pytest.CaptureFixture[str]
) -> None:
    down = f"http://127.0.0.1:{free_port('127.0.0.1')}"
    code, _out, err = _cli(running, capsys, "--app-url", down, "--email", email, "--json")
    assert code == 1
    assert err.splitlines()[-1].startswith(
        f"harness: sign-in failed at the app's sign-in route: cannot reach {down}/sign-in: "
    )


def test_a_url_that_is_not_the_app_is_named(
    running: Harness, email: str, capsys: pytest.CaptureFixture[str]
) -> None:
    not_the_app = running.mailgun_url
    code, _out, err = _cli(running, capsys, "--app-url", not_the_app, "--email", email, "--json")
    assert code == 1
    assert f"failed at the app's sign-in route: GET {not_the_app}/sign-in answered 404" in err
    assert err.rstrip().endswith("not a redirect to Logto")


@pytest.fixture
def unknown_app(running: Harness) -> Iterator[str]:
    """An app the tenant does not know: its /sign-in sends the browser to Logto as client ``not-an-app``."""
    query = urlencode(
        {"client_id": "not-an-app", "redirect_uri": "http://localhost/cb", "response_type": "code"}
    )

    class SignIn(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(302)
            self.send_header("Location", f"{running.logto_endpoint}{logto_paths.AUTH}?{query}")
            self.end_headers()

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), SignIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def test_an_app_unknown_to_the_tenant_gets_logtos_error(
    running: Harness, unknown_app: str, email: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = _cli(running, capsys, "--app-url", unknown_app, "--email", email, "--json")
    assert code == 1
    last = err.splitlines()[-1]
    assert last.startswith(
        f"harness: sign-in failed at authorization: GET {running.logto_endpoint}/oidc/auth?"
    )
    assert last.endswith(
        "answered 400 oidc.invalid_client: client is invalid, not a redirect to the sign-in pages"
    )


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--app-url", "ftp://app", "--email", "a@example.test", "--json"), "app_url: not an http(s) URL"),
        (("--app-url", "http://app", "--email", "a@example.test"), "needs --storage-state FILE, --json"),
        (("--app-url", "http://app", "--email", "a@example.test", "--json", "--timeout", "0"), "timeout:"),
    ],
)
def test_bad_flags_exit_2(
    running: Harness, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], said: str
) -> None:
    code, _out, err = _cli(running, capsys, *args)
    assert code == 2
    assert said in err


def test_without_a_running_harness_it_says_so(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HARNESS_RUN_FILE", str(tmp_path / "none.json"))
    monkeypatch.delenv("HARNESS_MAILGUN_URL", raising=False)
    code = main(["sign-in", "--app-url", "http://localhost:3000", "--email", "a@example.test", "--json"])
    assert code == 2
    assert "no running harness found" in capsys.readouterr().err


# --- the endpoint -------------------------------------------------------------------------------------
def _post(harness: Harness, body: Any) -> httpx.Response:
    return httpx.post(harness.logto.url + logto_paths.HARNESS_SIGN_IN, json=body, timeout=60)


def test_the_endpoint_registers_and_answers_the_storage_state(running: Harness, email: str) -> None:
    response = _post(running, {"app_url": _app_url(running), "email": email, "register": True})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["event"], body["email"]) == ("Register", email)
    assert _names(body["storage_state"]) >= APP_COOKIES
    page = httpx.get(
        _app_url(running) + "/", cookies={c["name"]: c["value"] for c in body["storage_state"]["cookies"]}
    )
    assert "You are signed in." in page.text


def test_the_endpoint_names_the_refused_hop(running: Harness, email: str) -> None:
    response = _post(running, {"app_url": _app_url(running), "email": email})
    assert response.status_code == 422
    body = response.json()
    assert {k: body[k] for k in ("error", "hop", "status", "code")} == {
        "error": "sign_in_failed",
        "hop": "identification",
        "status": 404,
        "code": "user.user_not_exist",
    }
    assert body["message"].startswith("sign-in failed at identification: 404 user.user_not_exist")


def test_the_endpoint_names_an_app_that_is_down(running: Harness, email: str) -> None:
    down = f"http://127.0.0.1:{free_port('127.0.0.1')}"
    body = _post(running, {"app_url": down, "email": email}).json()
    assert (body["hop"], body["status"], body["code"]) == ("the app's sign-in route", None, None)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([], "the body must be a JSON object"),
        ({"email": "a@example.test"}, "app_url: Field required"),
        ({"app_url": "http://app", "email": "a@example.test", "regster": True}, "unknown field(s): regster"),
        (
            {"app_url": "http://app", "email": "a@example.test", "register": "maybe"},
            "register: Input should be a valid boolean",
        ),
        ({"app_url": "app", "email": "a@example.test"}, "app_url: not an http(s) URL"),
    ],
)
def test_the_endpoint_refuses_a_bad_body(running: Harness, body: Any, message: str) -> None:
    response = _post(running, body)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert message in response.json()["message"]


# --- the curl recipe of docs/harness.md ---------------------------------------------------------------
def _curl_recipe() -> str:
    text = (ROOT / "docs" / "harness.md").read_text(encoding="utf-8")
    blocks = [
        b
        for b in re.findall(r"^```sh\n(.*?)^```", text, re.MULTILINE | re.DOTALL)
        if "/__harness/sign-in" in b
    ]
    assert len(blocks) == 1, "docs/harness.md holds one curl recipe for /__harness/sign-in"
    return str(blocks[0])


def test_the_curl_recipe_runs(running: Harness, email: str, tmp_path: Path) -> None:
    assert shutil.which("jq"), "the curl recipe needs jq (scripts/setup installs it)"
    script = (
        _curl_recipe()
        .replace("http://127.0.0.1:3001", running.logto.url)
        .replace("http://localhost:3000", _app_url(running))
        .replace("carol@example.test", email)
    )
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "You are signed in."
