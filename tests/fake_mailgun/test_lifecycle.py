"""The life of a message after the send, on a fake_mailgun of its own (its clock is advanced here):
events fired from the control API with their signed webhooks, webhook retries on Mailgun's schedule, and
a sample-app story — a bounced address's next send fails with ``suppress-bounce`` and the app's webhook
receiver gets it signed; an unsubscribe link followed in a real browser suppresses the next send.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from mailgun import Client
from mailgun.config import RetryPolicy
from playwright.sync_api import Page, expect

from fake_mailgun import DEFAULT_API_KEY, DEFAULT_DOMAIN, Running, Settings, serve_in_thread

D = DEFAULT_DOMAIN
SIGNING_KEY = "sample-app-signing-key"


class Receiver:
    """A sample app's webhook endpoint: verifies Mailgun's signature, answers ``statuses`` in turn (then
    200), and lets a test wait for a number of posts."""

    def __init__(self, statuses: list[int] | None = None) -> None:
        self.received: list[dict[str, Any]] = []
        self.statuses = list(statuses or [])
        self.arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                sig = body["signature"]
                expected = hmac.new(
                    SIGNING_KEY.encode(), (sig["timestamp"] + sig["token"]).encode(), hashlib.sha256
                ).hexdigest()
                body["verified"] = hmac.compare_digest(expected, sig["signature"])
                with receiver.arrived:
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                    receiver.received.append(body)
                    receiver.arrived.notify_all()
                self.send_response(status)
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/mailgun"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, count: int) -> list[dict[str, Any]]:
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.received) >= count, timeout=10), self.received
            return list(self.received)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    hook = Receiver()
    yield hook
    hook.close()


@pytest.fixture
def own() -> Iterator[Running]:
    """A fake_mailgun of this test's own (no SMTP), signing webhooks with the sample app's key."""
    with serve_in_thread(Settings(port=0, smtp_port=-1, webhook_signing_key=SIGNING_KEY)) as running:
        yield running


@pytest.fixture
def sdk(own: Running) -> Iterator[Client]:
    with Client(auth=("api", DEFAULT_API_KEY), api_url=own.url, retry_policy=RetryPolicy(max_retries=0)) as c:
        yield c


@pytest.fixture
def harness(own: Running) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=own.url, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def browser_context_args() -> dict[str, object]:
    return {}


def hook(sdk: Client, webhook_id: str, url: str) -> None:
    response = sdk.domains_webhooks.create(domain=D, data={"id": webhook_id, "url": url})
    assert response.status_code == 200, response.text


def send(sdk: Client, to: str, **extra: str) -> str:
    data = {"from": f"Shop <shop@{D}>", "to": to, "subject": "Your order", "text": "Thanks", **extra}
    response = sdk.messages.create(data=data, domain=D)
    assert response.status_code == 200, response.text
    return str(response.json()["id"]).strip("<>")


def last_event(sdk: Client, message_id: str) -> dict[str, Any]:
    items = sdk.events.get(domain=D, filters={"message-id": message_id, "ascending": "yes"}).json()["items"]
    assert items
    event: dict[str, Any] = items[-1]
    return event


@pytest.mark.parametrize(
    ("spec", "webhook_id", "expect_fields"),
    [
        ({"event": "opened"}, "opened", {"log-level": "info"}),
        ({"event": "clicked", "url": "https://shop.test/o/1"}, "clicked", {"url": "https://shop.test/o/1"}),
        ({"event": "unsubscribed"}, "unsubscribed", {"log-level": "info"}),
        ({"event": "complained"}, "complained", {"log-level": "warn"}),
        (
            {"event": "failed", "severity": "temporary"},
            "temporary_fail",
            {"severity": "temporary", "reason": "generic"},
        ),
        ({"event": "failed", "code": 550}, "permanent_fail", {"severity": "permanent", "reason": "bounce"}),
    ],
)
def test_fired_events_are_recorded_and_posted_signed(
    sdk: Client,
    harness: httpx.Client,
    receiver: Receiver,
    spec: dict[str, Any],
    webhook_id: str,
    expect_fields: dict[str, Any],
) -> None:
    hook(sdk, webhook_id, receiver.url)
    to = f"buyer-{uuid.uuid4().hex[:8]}@example.test"
    message_id = send(sdk, to, **{"o:tag": "orders", "v:order": "1"})
    fired = harness.post("/__harness/messages/latest/events", json=spec)
    assert fired.status_code == 201, fired.text
    event = fired.json()
    assert {k: event[k] for k in expect_fields} == expect_fields
    assert (event["event"], event["recipient"], event["tags"]) == (spec["event"], to, ["orders"])
    assert event["message"]["headers"]["message-id"] == message_id
    assert last_event(sdk, message_id)["id"] == event["id"]
    (posted,) = receiver.wait_for(1)
    assert posted["verified"] is True
    assert posted["event-data"]["id"] == event["id"]


def test_fired_events_feed_the_suppression_lists(sdk: Client, harness: httpx.Client) -> None:
    for event, kind, address_of in [
        ({"event": "complained"}, "complaints", "complaint_address"),
        ({"event": "unsubscribed", "tags": ["news"]}, "unsubscribes", "unsubscribe_address"),
        ({"event": "failed", "code": 551, "message": "No such user"}, "bounces", "bounce_address"),
    ]:
        to = f"reader-{uuid.uuid4().hex[:8]}@example.test"
        send(sdk, to)
        assert harness.post("/__harness/messages/latest/events", json=event).status_code == 201
        record = getattr(sdk, kind).get(domain=D, **{address_of: to})
        assert record.status_code == 200, (kind, record.text)
    assert record.json()["code"] == "551"
    assert record.json()["error"] == "No such user"


def test_refused_events(sdk: Client, harness: httpx.Client) -> None:
    send(sdk, "someone@example.test")
    cases = [
        ({"event": "clicked"}, "a clicked event needs the url that was clicked"),
        (
            {"event": "opened", "recipient": "stranger@example.test"},
            "stranger@example.test is not a recipient of message ",
        ),
        (
            {"event": "failed", "severity": "temporary", "code": 550},
            "a temporary failure needs a 4xx code, got 550",
        ),
    ]
    for spec, message in cases:
        response = harness.post("/__harness/messages/latest/events", json=spec)
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_event"
        assert response.json()["message"].startswith(message)
    unknown = harness.post("/__harness/messages/nope/events", json={"event": "opened"})
    assert unknown.status_code == 404
    bad = harness.post("/__harness/messages/latest/events", json={"event": "bounced"})
    assert bad.status_code == 400


def test_failed_webhooks_are_retried_on_mailguns_schedule(sdk: Client, harness: httpx.Client) -> None:
    failing = Receiver(statuses=[500, 503])
    refusing = Receiver(statuses=[406])
    try:
        hook(sdk, "opened", failing.url)
        hook(sdk, "clicked", refusing.url)
        send(sdk, "late@example.test")
        harness.post("/__harness/messages/latest/events", json={"event": "opened"})
        harness.post("/__harness/messages/latest/events", json={"event": "clicked", "url": "https://x.test"})
        failing.wait_for(1)
        refusing.wait_for(1)
        clock = harness.post("/__harness/clock", json={"advance": 599}).json()
        assert len(clock["pending"]) == 1  # the opened retry, 10 minutes after; the 406 is not retried
        assert len(failing.received) == 1
        harness.post("/__harness/clock", json={"advance": 1})
        assert len(failing.received) == 2  # the first retry (503)
        harness.post("/__harness/clock", json={"advance": 600})
        assert len(failing.received) == 3  # the second retry, answered 200: done
        assert harness.get("/__harness/clock").json()["pending"] == []
        assert len(refusing.received) == 1
        deliveries = harness.get("/__harness/webhook-deliveries").json()["items"]
        opened = [d for d in deliveries if d["event"] == "opened"]
        assert [(d["attempt"], d["status"]) for d in opened] == [(1, 500), (2, 503), (3, 200)]
        assert all(p["verified"] for p in failing.received)
    finally:
        failing.close()
        refusing.close()


def test_an_unreachable_webhook_gives_up_after_the_last_retry(sdk: Client, harness: httpx.Client) -> None:
    hook(sdk, "complained", "http://127.0.0.1:9/nobody-listens")
    send(sdk, "gone@example.test")
    harness.post("/__harness/messages/latest/events", json={"event": "complained"})
    state = harness.post("/__harness/clock", json={"advance": 9 * 3600}).json()
    assert state["pending"] == []
    attempts = [d["attempt"] for d in harness.get("/__harness/webhook-deliveries").json()["items"]]
    assert attempts == [1, 2, 3, 4, 5, 6, 7, 8]  # the post and 7 retries (10m 10m 15m 30m 1h 2h 4h)


def test_the_clock_moves_back_but_not_past_its_limit(harness: httpx.Client) -> None:
    before = harness.get("/__harness/clock").json()["offset"]
    back = harness.post("/__harness/clock", json={"advance": -1})  # fake_logto's contract: negative is back
    assert (back.status_code, back.json()["offset"]) == (200, before - 1)
    harness.post("/__harness/clock", json={"advance": 1})
    too_far = harness.post("/__harness/clock", json={"advance": 1e12})
    assert (too_far.status_code, too_far.json()["error"]) == (400, "invalid_request")


def test_sample_app_bounce_webhook_and_unsubscribe_link(
    own: Running, sdk: Client, harness: httpx.Client, receiver: Receiver, page: Page
) -> None:
    hook(sdk, "permanent_fail", receiver.url)
    hook(sdk, "unsubscribed", receiver.url)

    # An address that bounced earlier: the app's next receipt fails with suppress-bounce, signed webhook.
    bounced = f"old-{uuid.uuid4().hex[:8]}@example.test"
    sdk.bounces.create(data={"address": bounced, "code": "550", "error": "No such mailbox"}, domain=D)
    send(sdk, bounced)
    (posted,) = receiver.wait_for(1)
    assert posted["verified"] is True
    data = posted["event-data"]
    assert (data["event"], data["reason"], data["recipient"]) == ("failed", "suppress-bounce", bounced)
    assert data["delivery-status"]["code"] == 605

    # A newsletter with an unsubscribe link; the reader follows it in the browser.
    reader = f"reader-{uuid.uuid4().hex[:8]}@example.test"
    html = '<p>News</p><p><a href="%unsubscribe_url%">Unsubscribe</a></p>'
    send(sdk, reader, html=html, **{"o:tag": "newsletter"})
    message = harness.get("/__harness/messages/latest", params={"to": reader}).json()
    (link,) = [u for u in message["links"] if "/u/" in u]
    assert link.startswith(own.url)
    page.set_content(message["html"])
    page.get_by_role("link", name="Unsubscribe").click()
    expect(page.get_by_role("heading")).to_have_text("You have been unsubscribed")
    unsubscribed = receiver.wait_for(2)[1]
    assert unsubscribed["verified"] is True
    assert (unsubscribed["event-data"]["event"], unsubscribed["event-data"]["recipient"]) == (
        "unsubscribed",
        reader,
    )
    assert sdk.unsubscribes.get(domain=D, unsubscribe_address=reader).json()["tags"] == ["*"]

    # The next send to the reader is accepted, then fails as unsubscribed.
    assert last_event(sdk, send(sdk, reader))["reason"] == "suppress-unsubscribe"
    assert harness.get("/__harness/messages/latest", params={"to": reader}).json()["status"] == "failed"


def test_a_link_the_fake_never_made_is_not_found(harness: httpx.Client) -> None:
    response = harness.get("/u/not-a-token")
    assert response.status_code == 404
    assert "Not Found" in response.text
