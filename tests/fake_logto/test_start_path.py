"""What fake_logto's start loads (``python -m fake_logto`` → discovery answering): the web stack, not what
only some requests need — the HTTP client (connector and webhooks: made on the first send), the pages'
Jinja environment (made for the first page), FastAPI and pydantic (the control API, ``/openapi.json`` and
its pages: :class:`fake_logto._app.App` builds that part on the first request for it), the WebAuthn
library (the first WebAuthn request), and joserfc with cryptography (the first token, JWKS or
verification: the tenant's key is made then)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from starlette.testclient import TestClient

from fake_logto import Settings, create_app, paths
from fake_logto._app import App

DEFERRED = (
    "httpx",
    "jinja2",
    "phonenumbers",
    "fastapi",
    "pydantic",
    "webauthn",
    "OpenSSL",
    "cbor2",
    "joserfc",
    "cryptography",
)


def _run(code: str) -> None:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_the_start_leaves_what_only_some_requests_need_unloaded() -> None:
    _run(f"""
import sys
from fake_logto import Server, Settings
server = Server(Settings(port=0))
server.sock.close()
loaded = sorted(set({DEFERRED!r}) & set(sys.modules))
assert not loaded, loaded
""")


def test_discovery_and_refusals_are_answered_without_them() -> None:
    """Served on a real socket: discovery, the sign-in experience, an unknown path and a wrong method."""
    _run(f"""
import sys, urllib.error, urllib.request
from fake_logto import Server, Settings
server = Server(Settings(port=0))
with server.in_thread() as running:
    for method, path, status in [
        ("GET", "/oidc/.well-known/openid-configuration", 200),
        ("GET", "/api/.well-known/sign-in-exp", 200),
        ("GET", "/nowhere", 404),
        ("PUT", "/api/users", 405),
        ("GET", "/oidc/nowhere", 404),
    ]:
        try:
            answered = urllib.request.urlopen(urllib.request.Request(running.url + path, method=method)).status
        except urllib.error.HTTPError as exc:
            answered = exc.code
        assert answered == status, (method, path, answered)
    assert not server.uvicorn.config.app.deferred.built
loaded = sorted(set({DEFERRED!r}) & set(sys.modules))
assert not loaded, loaded
""")


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> tuple[App, list[int]]:
    builds: list[int] = []
    build = App._build_control_app

    def counting(self: App) -> object:
        builds.append(1)
        return build(self)

    monkeypatch.setattr(App, "_build_control_app", counting)
    return create_app(Settings(port=0)), builds


def test_the_control_api_is_built_once_by_its_first_request(counted: tuple[App, list[int]]) -> None:
    app, builds = counted
    with TestClient(app) as client:
        assert client.get(paths.DISCOVERY).status_code == 200
        assert client.get("/nowhere").status_code == 404
        assert builds == []
        assert client.get(paths.HEALTH).json()["status"] == "ok"
        assert client.post(paths.RESET).status_code < 300
        assert client.get("/openapi.json").json()["info"]["title"] == "fake_logto"
        assert client.get("/docs").status_code == 200
    assert builds == [1]
    assert app.control_app() is app.control_app()
    assert builds == [1]


# What the one FastAPI app that served everything answered (fastapi.exception_handlers and the control
# API's fakekit.install_control_errors): the front answers the same, FastAPI built only for the last ones.
REFUSALS = [
    ("GET", "/nowhere", 404, b'{"detail":"Not Found"}', None, False),
    ("POST", "/", 404, b'{"detail":"Not Found"}', None, False),
    ("HEAD", "/nowhere", 404, b"", None, False),
    (
        "PUT",
        paths.MANAGEMENT_USERS,
        405,
        b'{"detail":"Method Not Allowed"}',
        "GET",
        False,
    ),  # the first route's
    (
        "PATCH",
        paths.SOCIAL_TOKEN.format(target="google"),
        405,
        b'{"detail":"Method Not Allowed"}',
        "POST",
        False,
    ),
    ("GET", "/__harnessing", 404, b'{"error":"not_found","message":"Not Found"}', None, True),
    ("GET", "/__harness/nowhere", 404, b'{"error":"not_found","message":"Not Found"}', None, True),
    ("PUT", paths.HEALTH, 405, b'{"error":"method_not_allowed","message":"Method Not Allowed"}', "GET", True),
    ("POST", "/openapi.json", 405, b'{"detail":"Method Not Allowed"}', "GET, HEAD", True),
]


@pytest.mark.parametrize(("method", "path", "status", "body", "allow", "builds"), REFUSALS)
def test_unknown_paths_and_methods_answer_as_before(
    counted: tuple[App, list[int]],
    method: str,
    path: str,
    status: int,
    body: bytes,
    allow: str | None,
    builds: bool,
) -> None:
    app, built = counted
    with TestClient(app) as client:
        answer = client.request(method, path, follow_redirects=False)
    assert (answer.status_code, answer.content) == (status, body)
    # FastAPI's own pages' Allow follows a set's order (GET, HEAD or HEAD, GET): compared as a set.
    assert set(answer.headers.get("allow", "").split(", ")) == set((allow or "").split(", "))
    if body:
        assert answer.headers["content-type"] == "application/json"
    assert built == ([1] if builds else [])


def test_a_redirect_to_a_control_path_is_the_control_apps() -> None:
    """``/__harness`` → ``/__harness/`` (the debug view), as FastAPI's router redirected it."""
    with TestClient(create_app(Settings(port=0))) as client:
        answer = client.get(paths.CONTROL, follow_redirects=False)
    assert answer.status_code == 307
    assert answer.headers["location"].endswith(paths.DEBUG)
