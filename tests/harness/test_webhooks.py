"""``harness.WebhookReceiver``: records each delivery as it came (raw body, headers), waits for an event on
a condition, says what came instead when it times out; ``register`` makes it a hook of a running harness's
tenant (today a ``[[tenant.hooks]]`` table, see ``harness._webhooks.REGISTER``) and the hook goes with it."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import uuid
from collections.abc import Iterator
from urllib.parse import urlencode

import httpx
import pytest

from harness import (
    ExperienceClient,
    HarnessConfig,
    ManagementAPIError,
    UsageError,
    WebhookReceiver,
    WebhookTimeout,
    _webhooks,
    start_harness,
)
from harness._harness import Harness


@pytest.fixture(scope="module")
def running() -> Iterator[Harness]:
    with start_harness(HarnessConfig(), free_ports=True) as harness:
        yield harness


def _register_user(harness: Harness, email: str) -> None:
    """Register ``email`` through the Experience API, as the register page does."""
    app = harness.tenant.applications[0]
    query = {
        "client_id": app.id,
        "redirect_uri": app.redirect_uris[0],
        "response_type": "code",
        "scope": "openid",
        "state": secrets.token_urlsafe(8),
    }
    with ExperienceClient(harness.logto_endpoint) as experience:
        experience.email_code_flow(
            f"{harness.logto_endpoint}/oidc/auth?{urlencode(query)}",
            email,
            lambda to: harness.client.mailbox.wait_for_code(to, timeout=10),
            event="Register",
        )


def test_a_delivery_is_kept_as_it_came() -> None:
    with WebhookReceiver() as receiver:
        body = b'{"event":"PostSignIn","x":1}'
        answer = httpx.post(receiver.url, content=body, headers={"Logto-Signature-Sha-256": "abc"})
        assert answer.status_code == 200
        delivery = receiver.wait(event="PostSignIn", timeout=5)
    assert (delivery.method, delivery.path, delivery.body) == ("POST", "/hooks", body)
    assert delivery.signature == "abc"
    assert delivery.json == {"event": "PostSignIn", "x": 1}
    assert receiver.deliveries == [delivery]


def test_a_wait_that_times_out_says_what_came() -> None:
    with WebhookReceiver() as receiver:
        httpx.post(receiver.url, json={"event": "PostSignIn"})
        with pytest.raises(
            WebhookTimeout, match=r"no PostRegister delivery reached .* within 0.2 s; it got: PostSignIn"
        ):
            receiver.wait(event="PostRegister", timeout=0.2)
        receiver.answer_with(500)
        assert httpx.post(receiver.url, content=b"not json").status_code == 500
        assert receiver.wait(timeout=1, after=1).event is None


def test_registered_it_gets_signed_deliveries_and_leaves_with_the_receiver(running: Harness) -> None:
    email = f"hooked-{uuid.uuid4().hex[:8]}@example.test"
    with WebhookReceiver(running) as receiver:
        hook = receiver.register("PostRegister", "User.Created", headers={"x-test": "1"})
        assert hook["events"] == ["PostRegister", "User.Created"]
        assert hook["config"] == {"url": receiver.url, "headers": {"x-test": "1"}}
        assert receiver.signing_key == hook["signingKey"]
        assert len(hook["signingKey"]) == 32
        _register_user(running, email)
        registered = receiver.wait(event="PostRegister", timeout=10)
        created = receiver.wait(event="User.Created", timeout=10)
        for delivery in (registered, created):
            expected = hmac.new(hook["signingKey"].encode(), delivery.body, hashlib.sha256).hexdigest()
            assert delivery.signature == expected
            assert delivery.headers["x-test"] == "1"
            assert delivery.json["hookId"] == hook["id"]
        assert created.json["data"]["primaryEmail"] == email
    assert hook["id"] not in [h.id for h in running.logto.tenant.config.hooks], "removed with the receiver"


def test_register_refuses_what_logto_refuses(running: Harness) -> None:
    """The registrar is Logto's ``POST /api/hooks``: an unknown event is its 400."""
    with (
        WebhookReceiver(running) as receiver,
        pytest.raises(ManagementAPIError, match=r"400 guard\.invalid_input"),
    ):
        receiver.register("User.Sneezed")
    with WebhookReceiver() as alone, pytest.raises(UsageError, match="no harness to register with"):
        alone.register("PostRegister")


def test_registering_through_the_management_api(running: Harness) -> None:
    """The registrar of ``POST /api/hooks``; the hook is gone once removed."""
    with WebhookReceiver(running) as receiver:
        hook, remove = _webhooks.register_by_api(
            running, {"name": "api", "events": ["PostRegister"], "url": receiver.url}
        )
        assert (hook["events"], hook["config"]["url"]) == (["PostRegister"], receiver.url)
        remove()
    with pytest.raises(ManagementAPIError, match="404"):
        running.client.management.get(f"/api/hooks/{hook['id']}")


def test_a_delivery_body_is_the_exact_bytes_signed() -> None:
    """Whitespace and key order matter to the signature: the receiver keeps the bytes, not a re-encoding."""
    with WebhookReceiver() as receiver:
        raw = b'{ "event" : "PostSignIn" ,"b":1, "a":2}'
        httpx.post(receiver.url, content=raw)
        delivery = receiver.wait(event="PostSignIn", timeout=5)
    assert delivery.body == raw
    assert json.dumps(delivery.json).encode() != raw
