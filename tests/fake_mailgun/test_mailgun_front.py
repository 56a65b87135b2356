"""What fake_mailgun's start loads, and the light front it serves (issue 20).

Start → health answering, a send and the mailbox reads right after it load neither FastAPI, pydantic nor
Jinja (nor the HTTP client or the phone-number tables): the front answers them. Every other request goes
to the documented FastAPI app, built once on its first use; and the front answers every request — its own
and every refusal — exactly as the documented app (``create_app``) does.
"""

from __future__ import annotations

import asyncio
import base64
import subprocess
import sys
from typing import Any

import httpx
import pytest

import fake_mailgun._app
from fake_mailgun import DEFAULT_API_KEY, DEFAULT_DOMAIN, Settings, create_app
from fake_mailgun._front import Front, create_front
from fake_mailgun._state import State

HEAVY = ("fastapi", "pydantic", "jinja2", "httpx", "phonenumbers")
AUTH = {"Authorization": "Basic " + base64.b64encode(f"api:{DEFAULT_API_KEY}".encode()).decode()}
SEND = f"/v3/{DEFAULT_DOMAIN}/messages"


def test_the_start_and_the_hot_routes_leave_fastapi_pydantic_and_jinja_unloaded() -> None:
    code = f"""
import json, smtplib, sys, urllib.parse, urllib.request
from fake_mailgun import serve_in_thread
with serve_in_thread() as mg:
    def ask(path, data=None, method=None):
        request = urllib.request.Request(mg.url + path, data=data, headers={AUTH!r}, method=method)
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read())
    assert ask("/__harness/health") == (200, {{"status": "ok", "domains": [{DEFAULT_DOMAIN!r}]}})
    with smtplib.SMTP(mg.host, mg.smtp_port, timeout=30) as smtp:
        smtp.noop()
    form = urllib.parse.urlencode({{"from": "a@example.test", "to": "b@example.test", "subject": "s", "text": "t"}})
    assert ask({SEND!r}, form.encode())[0] == 200
    assert ask("/__harness/messages/wait?to=b%40example.test&timeout=5")[1]["subject"] == "s"
    assert ask("/__harness/messages?limit=1")[1]["total"] == 1
    assert ask("/__harness/messages/latest")[1]["subject"] == "s"
    assert ask("/__harness/messages", method="DELETE") == (200, {{"deleted": 1}})
    loaded = sorted(set({HEAVY!r}) & set(sys.modules))
    assert not loaded, loaded
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


@pytest.fixture
def counted_builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Each build of the documented app, counted."""
    builds: list[int] = []
    original = fake_mailgun._app.create_app

    def counting(*args: Any, **kwargs: Any) -> Any:
        builds.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(fake_mailgun._app, "create_app", counting)
    return builds


def _ask(app: Any, requests: list[tuple[str, str, dict[str, Any]]]) -> list[httpx.Response]:
    async def run() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://mg.test") as client:
            return [await client.request(method, path, **kw) for method, path, kw in requests]

    return asyncio.run(run())


def test_a_deferred_route_is_built_once_on_first_use(counted_builds: list[int]) -> None:
    front = create_front(Settings(port=0, smtp_port=-1))
    form = {"from": "a@example.test", "to": "b@example.test", "subject": "s", "text": "t"}
    hot = _ask(front, [("GET", "/__harness/health", {}), ("POST", SEND, {"data": form, "headers": AUTH})])
    assert [r.status_code for r in hot] == [200, 200]
    assert counted_builds == []
    assert not front.documented.built

    cold = _ask(
        front,
        [
            ("GET", f"/v3/domains/{DEFAULT_DOMAIN}", {"headers": AUTH}),
            ("GET", f"/v3/{DEFAULT_DOMAIN}/events", {"headers": AUTH}),
            ("GET", "/openapi.json", {}),
        ],
    )
    assert [r.status_code for r in cold] == [200, 200, 200]
    assert {e["event"] for e in cold[1].json()["items"]} == {"accepted", "delivered"}  # the front's send
    assert cold[2].json()["info"]["title"] == "fake_mailgun"
    assert counted_builds == [1]
    assert front.documented.built


# Requests whose answers hold no random part: the front must answer each exactly as the documented app.
_PROBES: list[tuple[str, str, dict[str, Any]]] = [
    ("GET", "/__harness/health", {}),
    ("HEAD", "/__harness/health", {}),
    ("POST", "/__harness/health", {}),
    ("GET", "/__harness/health/", {}),
    ("GET", "/__harness/nowhere", {}),
    ("GET", "/nowhere", {}),
    ("POST", "/nowhere", {}),
    ("GET", SEND, {"headers": AUTH}),
    ("PUT", SEND, {"headers": AUTH}),
    ("HEAD", SEND, {}),
    ("GET", SEND + ".mime", {"headers": AUTH}),
    ("POST", SEND + "/", {"headers": AUTH}),
    ("POST", SEND, {}),  # no key: 401 Forbidden, as text
    ("POST", "/v3/elsewhere.test/messages", {"headers": AUTH, "data": {"to": "b@example.test"}}),
    ("POST", SEND, {"headers": AUTH, "data": {"to": "b@example.test"}}),  # no from: 400
    ("POST", SEND + ".mime", {"headers": AUTH, "data": {"to": "b@example.test"}}),  # no message: 400
    ("GET", "/__harness/messages", {}),
    ("GET", "/__harness/messages", {"params": {"to": "b@example.test", "limit": "1"}}),
    ("GET", "/__harness/messages", {"params": {"to": ""}}),
    ("GET", "/__harness/messages", {"params": [("limit", "abc"), ("limit", "2")]}),
    ("HEAD", "/__harness/messages", {}),
    ("PATCH", "/__harness/messages", {}),
    *[
        ("GET", "/__harness/messages", {"params": {"limit": v}})
        for v in ("0", "007", "10000", "10001", "", "-1")
    ],
    *[("GET", "/__harness/messages", {"params": {"limit": v}}) for v in (" 5", "5.0", "1e2", "1_0")],
    ("GET", "/__harness/messages/wait", {"params": {"to": "b@example.test"}}),
    ("GET", "/__harness/messages/wait", {"params": {"to": "nobody@example.test", "timeout": "0.05"}}),
    ("GET", "/__harness/messages/wait", {"params": {"after": "latest", "timeout": "0.05"}}),
    ("GET", "/__harness/messages/wait", {"params": {"after": "nonsense"}}),
    *[("GET", "/__harness/messages/wait", {"params": {"timeout": v}}) for v in ("0", "-1", "301", "abc", "")],
    *[("GET", "/__harness/messages/wait", {"params": {"timeout": v}}) for v in ("nan", "inf", "1e1", ".5")],
    ("GET", "/__harness/messages/wait", {"params": {"timeout": "300.0000000001", "to": "b@example.test"}}),
    ("GET", "/__harness/messages/wait", {"params": {"timeout": "300", "to": "b@example.test"}}),
    ("POST", "/__harness/messages/wait", {}),
    ("DELETE", "/__harness/messages/wait", {}),
    ("GET", "/__harness/messages/latest", {}),
    ("GET", "/__harness/messages/latest", {"params": {"to": "nobody@example.test"}}),
    ("GET", "/__harness/messages/1", {}),
    ("GET", "/__harness/messages/999", {}),
    ("PUT", "/__harness/messages/1", {}),
    ("HEAD", "/__harness/messages/1", {}),
    ("GET", "/__harness/messages/1/", {}),
]


@pytest.fixture
def twins() -> tuple[Front, Any]:
    """The front and the documented app on one state, holding a message with an attachment and HTML."""
    settings = Settings(port=0, smtp_port=-1)
    state = State.create(settings)
    front, documented = create_front(settings, state=state), create_app(settings, state=state)
    form = {
        "from": "A <a@example.test>",
        "to": "b@example.test",
        "subject": "é",
        "html": "<p>code 123456</p>",
    }
    files = {"attachment": ("a.txt", b"hello", "text/plain")}
    sent = _ask(front, [("POST", SEND, {"data": form, "files": files, "headers": AUTH})])
    assert sent[0].status_code == 200, sent[0].text
    return front, documented


def _shown(response: httpx.Response) -> tuple[int, list[tuple[str, str]], bytes]:
    return response.status_code, sorted(response.headers.multi_items()), response.content


def test_every_answer_is_the_documented_apps(twins: tuple[Front, Any]) -> None:
    front, documented = twins
    ours, theirs = _ask(front, _PROBES), _ask(documented, _PROBES)
    for probe, mine, reference in zip(_PROBES, ours, theirs, strict=True):
        assert _shown(mine) == _shown(reference), probe
    # Every kind of answer was seen, from the front's own routes and from the documented ones.
    assert {r.status_code for r in ours} >= {200, 307, 400, 401, 404, 405, 408}


def test_the_front_answers_its_own_routes_without_building(twins: tuple[Front, Any]) -> None:
    front, _ = twins
    own: list[tuple[str, str, dict[str, Any]]] = [
        ("GET", "/__harness/health", {}),
        ("GET", "/__harness/messages", {"params": {"limit": "10000"}}),
        ("GET", "/__harness/messages/wait", {"params": {"timeout": "300", "to": "b@example.test"}}),
        ("GET", "/__harness/messages/latest", {"params": {"to": "nobody@example.test"}}),  # its 404 too
        ("POST", "/v3/elsewhere.test/messages", {"headers": AUTH, "data": {"to": "b@example.test"}}),
        ("DELETE", "/__harness/messages", {}),
    ]
    assert [r.status_code for r in _ask(front, own)] == [200, 200, 200, 404, 404, 200]
    assert not front.documented.built
