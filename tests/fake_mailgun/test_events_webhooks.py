"""Events filters, delivery failures and signed webhooks, over the Mailgun API on real sockets."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from fake_mailgun import DEFAULT_API_KEY, DEFAULT_DOMAIN, Running, Settings, serve_in_thread

SEND = f"/v3/{DEFAULT_DOMAIN}/messages"


class Receiver:
    """A webhook endpoint on a free port that records what it gets and lets a test wait for it."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with receiver.arrived:
                    receiver.received.append(body)
                    receiver.arrived.notify_all()
                self.send_response(200)
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def wait_for(self, count: int) -> list[dict[str, Any]]:
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.received) >= count, timeout=10), self.received
            return list(self.received)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    hook = Receiver()
    thread = threading.Thread(target=hook.server.serve_forever, daemon=True)
    thread.start()
    yield hook
    hook.server.shutdown()
    hook.server.server_close()


def test_webhooks_api_and_signed_delivery(receiver: Receiver, address: str) -> None:
    settings = Settings(port=0, smtp_port=-1, webhook_signing_key="whsec-test")
    with (
        serve_in_thread(settings) as mg,
        httpx.Client(base_url=mg.url, auth=("api", DEFAULT_API_KEY), timeout=10) as api,
    ):
        hooks = f"/v3/domains/{DEFAULT_DOMAIN}/webhooks"
        created = api.post(hooks, data={"id": "delivered", "url": receiver.url})
        assert created.json() == {"message": "Webhook has been created", "webhook": {"urls": [receiver.url]}}
        assert api.get(hooks).json() == {"webhooks": {"delivered": {"urls": [receiver.url]}}}
        assert api.get(f"{hooks}/delivered").json() == {"webhook": {"urls": [receiver.url]}}
        assert api.post(hooks, data={"id": "bogus", "url": receiver.url}).status_code == 400

        api.post(
            SEND, data={"from": "a@example.test", "to": address, "subject": "s", "text": "t", "v:k": "v"}
        )
        (payload,) = receiver.wait_for(1)
        signature = payload["signature"]
        expected = hmac.new(
            b"whsec-test", (signature["timestamp"] + signature["token"]).encode(), hashlib.sha256
        ).hexdigest()
        assert signature["signature"] == expected
        event = payload["event-data"]
        assert (event["event"], event["recipient"], event["user-variables"]) == (
            "delivered",
            address,
            {"k": "v"},
        )

        deleted = api.delete(f"{hooks}/delivered")
        assert deleted.json()["message"] == "Webhook has been deleted"
        assert api.get(f"{hooks}/delivered").status_code == 404


@pytest.mark.usefixtures("clean_faults")
def test_delivery_fault_gives_failed_events_and_keeps_the_message(
    api: httpx.Client, control: httpx.Client, address: str
) -> None:
    control.post(
        "/__harness/faults", json={"target": "delivery", "status": 550, "count": 1}
    ).raise_for_status()
    sent = api.post(SEND, data={"from": "a@example.test", "to": address, "subject": "bounce", "text": "t"})
    assert sent.status_code == 200, "Mailgun accepts the send; delivery fails later"
    events = api.get(f"/v3/{DEFAULT_DOMAIN}/events", params={"recipient": address}).json()["items"]
    assert [e["event"] for e in events] == ["failed", "accepted"]
    failed = events[0]
    assert (failed["severity"], failed["delivery-status"]["code"]) == ("permanent", 550)
    stored = control.get("/__harness/messages", params={"to": address}).json()
    assert [m["status"] for m in stored["items"]] == ["failed"], "accepted data is never lost"
    timed_out = control.get("/__harness/messages/wait", params={"to": address, "timeout": 0.2})
    assert timed_out.status_code == 408, "a failed delivery never reaches the inbox a test waits on"


def test_event_filters_and_ordering(api: httpx.Client, address: str) -> None:
    for subject in ("alpha", "beta"):
        data = {"from": "a@example.test", "to": address, "subject": subject, "text": "t", "o:tag": subject}
        api.post(SEND, data=data).raise_for_status()
    url = f"/v3/{DEFAULT_DOMAIN}/events"
    newest_first = api.get(url, params={"recipient": address, "event": "delivered"}).json()["items"]
    assert [e["message"]["headers"]["subject"] for e in newest_first] == ["beta", "alpha"]
    oldest_first = api.get(
        url, params={"recipient": address, "event": "delivered", "ascending": "yes"}
    ).json()
    assert [e["message"]["headers"]["subject"] for e in oldest_first["items"]] == ["alpha", "beta"]
    tagged = api.get(url, params={"recipient": address, "tags": "alpha", "event": "NOT accepted"}).json()[
        "items"
    ]
    assert [(e["event"], e["tags"]) for e in tagged] == [("delivered", ["alpha"])]
    either = api.get(url, params={"recipient": address, "event": "accepted OR delivered"}).json()["items"]
    assert len(either) == 4
    assert api.get(url, params={"limit": "301"}).status_code == 400


def test_events_of_one_domain_only(mailgun: Running, api: httpx.Client, address: str) -> None:
    api.post(
        "/v3/other.example.test/messages", data={"from": "a@example.test", "to": address, "text": "t"}
    ).raise_for_status()
    mine = api.get(f"/v3/{DEFAULT_DOMAIN}/events", params={"recipient": address}).json()["items"]
    theirs = api.get("/v3/other.example.test/events", params={"recipient": address}).json()["items"]
    assert mine == []
    assert len(theirs) == 2
