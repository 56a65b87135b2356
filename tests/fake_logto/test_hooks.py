"""Webhooks from the config's ``[[hooks]]``: registering, signing in and resetting a password through the
Experience API send Logto's payloads, signed, to a real receiver on a free port; every delivery is
listed and waited for at ``/__harness/hook-deliveries``; a failing receiver never touches the sign-in."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from hook_support import ReceiverServer, receiving, wait_delivery
from logto_support import auth_url, tenant_dict

from fake_logto import ConfigError, Running, Settings, parse_config, paths, serve_in_thread
from fake_mailgun import Running as MailgunRunning
from harness._experience import ExperienceClient

KEY = "test-signing-key"
INTERACTION_KEYS = [
    "event", "interactionEvent", "createdAt", "sessionId", "userAgent", "userId", "userIp", "user",
    "application", "hookId",
]  # fmt: skip
DATA_KEYS = [
    "event", "createdAt", "interactionEvent", "userAgent", "applicationId", "sessionId", "ip", "application",
    "data", "hookId",
]  # fmt: skip
USER_KEYS = {
    "id", "username", "primaryEmail", "primaryPhone", "name", "avatar", "customData", "identities",
    "lastSignInAt", "createdAt", "updatedAt", "profile", "applicationId", "cimdClientId", "isSuspended",
}  # fmt: skip


@pytest.fixture(scope="module")
def receiver() -> Iterator[ReceiverServer]:
    with receiving() as server:
        yield server


@pytest.fixture(scope="module")
def hooked(mailgun: MailgunRunning, receiver: ReceiverServer) -> Iterator[Running]:
    base = f"http://127.0.0.1:{receiver.server_address[1]}"
    hooks = [
        {
            "id": "sync",
            "name": "User sync",
            "events": [
                "PostRegister",
                "User.Created",
                "PostSignIn",
                "PostResetPassword",
                "User.Data.Updated",
            ],
            "url": f"{base}/ok",
            "headers": {"X-App": "bookstore"},
            "signing_key": KEY,
        },
        {"id": "failing", "name": "Down", "events": ["PostSignIn"], "url": f"{base}/fail"},
        {"id": "off", "name": "Off", "events": ["PostRegister"], "url": f"{base}/off", "enabled": False},
    ]
    config = parse_config(tenant_dict(mailgun.url, hooks=hooks))
    with serve_in_thread(Settings(port=0), config=config) as running:
        yield running


@pytest.fixture
def control(hooked: Running) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=hooked.endpoint, timeout=20) as client:
        yield client


def _wait(control: httpx.Client, event: str, hook_id: str, session: str | None = None) -> dict[str, Any]:
    """The first delivery of ``event`` by ``hook_id`` (for ``session``), through the server-side wait."""
    return wait_delivery(
        control, event, hook_id, lambda body: session is None or body["sessionId"] == session
    )


def _received(receiver: ReceiverServer, delivery: dict[str, Any]) -> dict[str, Any]:
    body = delivery["request"]["body"]
    return next(
        r
        for r in receiver.received
        if (sent := json.loads(r["body"]))["event"] == body["event"]
        and sent["hookId"] == body["hookId"]
        and sent["sessionId"] == body["sessionId"]
    )


def _session(control: httpx.Client, email: str) -> str:
    events = control.get(paths.EVENTS, params={"email": email}).json()["items"]
    return str([e["flow"] for e in events if e["kind"] == "interaction"][-1])  # the latest flow


def test_registering_sends_post_register_and_user_created_signed(
    hooked: Running,
    control: httpx.Client,
    receiver: ReceiverServer,
    email: str,
    read_code: Callable[[str], str],
) -> None:
    with ExperienceClient(hooked.endpoint) as browser:
        browser.email_code_flow(auth_url(hooked), email, read_code, event="Register")
    session = _session(control, email)

    register = _wait(control, "PostRegister", "sync", session)
    sent = _received(receiver, register)
    assert sent["path"] == "/ok"
    expected = hmac.new(KEY.encode(), sent["body"], hashlib.sha256).hexdigest()
    assert sent["headers"]["logto-signature-sha-256"] == expected
    assert sent["headers"]["user-agent"] == "Logto (https://logto.io/)"
    assert sent["headers"]["content-type"] == "application/json"
    assert sent["headers"]["x-app"] == "bookstore"
    payload = json.loads(sent["body"])
    assert list(payload) == INTERACTION_KEYS
    assert payload["hookId"] == "sync"
    assert payload["interactionEvent"] == "Register"
    assert payload["userAgent"].startswith("python-httpx/")
    assert payload["userIp"] == "127.0.0.1"
    assert set(payload["user"]) == USER_KEYS
    assert payload["user"]["primaryEmail"] == email
    assert payload["userId"] == payload["user"]["id"]
    assert payload["application"] == {
        "id": "bookstore", "type": "Traditional", "name": "Bookstore", "description": None
    }  # fmt: skip
    assert register["result"] == "Success"
    assert register["attempts"] == 1
    assert register["response"] == {"statusCode": 200, "body": {"ok": True}}

    created = _wait(control, "User.Created", "sync", session)
    body = json.loads(_received(receiver, created)["body"])
    assert list(body) == DATA_KEYS
    assert body["applicationId"] == "bookstore"
    assert body["data"]["id"] == payload["userId"]
    assert set(body["data"]) == USER_KEYS
    # A disabled hook is never called.
    assert control.get(paths.HOOK_DELIVERIES, params={"hook_id": "off"}).json()["items"] == []
    # The debug view shows each delivery.
    kinds = control.get(paths.EVENTS, params={"flow": session}).json()["items"]
    assert {e["data"]["event"] for e in kinds if e["kind"] == "webhook"} >= {"PostRegister", "User.Created"}


def test_sign_in_is_unaffected_by_a_failing_receiver(
    hooked: Running,
    control: httpx.Client,
    receiver: ReceiverServer,
    email: str,
    read_code: Callable[[str], str],
) -> None:
    with ExperienceClient(hooked.endpoint) as browser:
        browser.email_code_flow(auth_url(hooked), email, read_code, event="Register")
    with ExperienceClient(hooked.endpoint) as browser:
        callback = browser.email_code_flow(auth_url(hooked), email, read_code, event="SignIn")
    assert "code=" in callback
    session = _session(control, email)
    ok = _wait(control, "PostSignIn", "sync", session)
    assert ok["request"]["body"]["interactionEvent"] == "SignIn"
    failed = _wait(control, "PostSignIn", "failing", session)
    assert failed["result"] == "Error"
    assert failed["response"] == {"statusCode": 500, "body": {"error": "down"}}
    assert failed["error"] == "HTTPError: Request failed with status code 500 Internal Server Error"
    # Sent once: Logto's ky retries no POST.
    assert failed["attempts"] == 1
    assert sum(1 for r in receiver.received if r["path"] == "/fail" and session in r["body"].decode()) == 1


def test_reset_password_sends_post_reset_password(
    hooked: Running, control: httpx.Client, email: str, read_code: Callable[[str], str]
) -> None:
    with ExperienceClient(hooked.endpoint) as browser:
        browser.email_code_flow(auth_url(hooked), email, read_code, event="Register")
    with ExperienceClient(hooked.endpoint) as browser:
        verification_id = browser.send_email_code(auth_url(hooked), email, "ForgotPassword")
        browser.verify_code(email, verification_id, read_code(email))
        browser.identify(verification_id)
        browser.set_password("a new pass 123")
        assert browser.submit() is None  # 204
    session = _session(control, email)
    reset = _wait(control, "PostResetPassword", "sync", session)
    assert reset["request"]["body"]["interactionEvent"] == "ForgotPassword"
    updated = _wait(control, "User.Data.Updated", "sync", session)
    assert updated["request"]["body"]["data"]["primaryEmail"] == email


def test_the_wait_answers_at_once_with_timeout_zero(control: httpx.Client) -> None:
    response = control.get(paths.HOOK_DELIVERIES_WAIT, params={"after": 10**9, "timeout": 0})
    assert response.status_code == 200
    assert response.json() == {"items": []}
    bad = control.get(paths.HOOK_DELIVERIES_WAIT, params={"timeout": -1})
    assert bad.status_code == 400


@pytest.mark.parametrize(
    ("hook", "message"),
    [
        ({"events": ["PostSignIn"], "url": "http://x.test"}, "hooks[0].name: is required"),
        ({"name": "a", "events": [], "url": "http://x.test"}, "hooks[0].events: needs at least one event"),
        (
            {"name": "a", "events": ["PostSignIn", "User.Nope"], "url": "http://x.test"},
            "hooks[0].events[1]: not one of Logto's hook events, got 'User.Nope'",
        ),
        ({"name": "a", "events": ["PostSignIn"], "url": "x.test"}, "hooks[0].url: must be an absolute"),
        ({"name": "a", "events": ["PostSignIn"]}, "hooks[0].url: is required"),
        (
            {"name": "a", "events": ["PostSignIn"], "url": "http://x.test", "headers": {"a": 1}},
            "hooks[0].headers.a: must be a str",
        ),
        (
            {"name": "a", "events": ["PostSignIn"], "url": "http://x.test", "enabled": "no"},
            "hooks[0].enabled:",
        ),
        ({"name": "a", "events": ["PostSignIn"], "url": "http://x.test", "secret": "s"}, "hooks[0].secret:"),
    ],
)
def test_config_errors_name_the_field(hook: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as error:
        parse_config({"hooks": [hook]})
    assert str(error.value).startswith(message)


def test_hook_defaults() -> None:
    config = parse_config(
        {"hooks": [{"name": "a", "events": ["PostSignIn", "PostSignIn"], "url": "http://x.test"}]}
    )
    (hook,) = config.hooks
    assert hook.events == ("PostSignIn",)
    assert hook.enabled
    assert hook.headers == ()
    assert len(hook.id) == 21
    assert len(hook.signing_key) == 32
    with pytest.raises(ConfigError, match="hooks: the id 'h' is used twice"):
        parse_config(
            {
                "hooks": [
                    {"id": "h", "name": n, "events": ["PostSignIn"], "url": "http://x.test"} for n in "ab"
                ]
            }
        )
