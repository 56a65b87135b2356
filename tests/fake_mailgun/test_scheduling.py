"""Scheduled delivery (issue 19, point 5): ``o:deliverytime`` as RFC 2822 or a Unix epoch, accepted now with
``scheduled-for``, delivered when the advanceable clock reaches it; Mailgun's 400s for a bad or too late
time. Each test runs its own server: advancing the clock is instance-wide.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

import httpx
import pytest
from sending_clients import DOMAIN, SENDER, Receiver, new_address, receiver, sdk

from fake_mailgun import Running, Settings, serve_in_thread

HOUR = 3600.0


@pytest.fixture
def hook() -> Iterator[Receiver]:
    with receiver() as hook:
        yield hook


@pytest.fixture
def mg(hook: Receiver) -> Iterator[Running]:
    with serve_in_thread(Settings(port=0, smtp_port=-1, webhooks=(hook.url,))) as running:
        yield running


def now(mg: Running) -> float:
    clock: dict[str, Any] = httpx.get(f"{mg.url}/__harness/clock").json()
    return float(clock["now"])


def schedule(mg: Running, to: str, when: str) -> httpx.Response:
    with sdk(mg) as client:
        response = client.messages.create(
            domain=DOMAIN,
            data={"from": SENDER, "to": to, "subject": "Later", "text": "t", "o:deliverytime": when},
        )
    return httpx.Response(response.status_code, content=response.content)


def rfc2822(moment: float) -> str:
    return format_datetime(datetime.fromtimestamp(moment, UTC))  # "... -0000", as Mailgun's examples


@pytest.mark.parametrize("form", ["rfc2822", "epoch"])
def test_a_scheduled_message_is_accepted_now_and_delivered_when_the_clock_gets_there(
    mg: Running, hook: Receiver, form: str
) -> None:
    to, due = new_address(), int(now(mg) + HOUR)
    sent = schedule(mg, to, rfc2822(due) if form == "rfc2822" else str(due))
    assert sent.status_code == 200, sent.text
    accepted = hook.events(1)[0]
    assert (accepted["event"], accepted["message"]["scheduled-for"]) == ("accepted", due)
    assert httpx.get(f"{mg.url}/__harness/messages", params={"to": to}).json()["total"] == 0
    assert httpx.get(f"{mg.url}/__harness/clock").json()["scheduled"] == 1

    early = httpx.post(f"{mg.url}/__harness/clock", json={"advance": HOUR - 60}).json()
    assert early["scheduled"] == 1
    assert httpx.get(f"{mg.url}/__harness/messages", params={"to": to}).json()["total"] == 0

    clock = httpx.post(f"{mg.url}/__harness/clock", json={"advance": 60}).json()
    assert clock["scheduled"] == 0
    message = httpx.get(f"{mg.url}/__harness/messages/wait", params={"to": to, "timeout": 5}).json()
    assert message["subject"] == "Later"
    delivered = hook.events(1)[0]
    assert delivered["event"] == "delivered"
    assert delivered["timestamp"] >= due
    with sdk(mg) as client:
        events = client.events.get(domain=DOMAIN, filters={"recipient": to, "ascending": "yes"}).json()[
            "items"
        ]
    assert [e["event"] for e in events] == ["accepted", "delivered"]


def test_a_delivery_time_in_the_past_delivers_now(mg: Running) -> None:
    to = new_address()
    assert schedule(mg, to, rfc2822(now(mg) - HOUR)).status_code == 200
    assert httpx.get(f"{mg.url}/__harness/messages/wait", params={"to": to, "timeout": 5}).status_code == 200


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ("tomorrow at noon", "invalid delivery time format"),
        ("Fri, 14 Oct 2011 25:10:10 -0000", "invalid delivery time format"),
        ("nan", "invalid delivery time format"),
        ("1e300", "invalid delivery time format"),
    ],
)
def test_a_bad_delivery_time_is_refused(mg: Running, when: str, message: str) -> None:
    refused = schedule(mg, new_address(), when)
    assert (refused.status_code, refused.json()) == (400, {"message": message})


def test_a_delivery_time_past_three_days_is_refused(mg: Running) -> None:
    base = now(mg)
    assert schedule(mg, new_address(), str(int(base + 3 * 24 * HOUR - 60))).status_code == 200
    refused = schedule(mg, new_address(), rfc2822(base + 3 * 24 * HOUR + 60))
    assert refused.status_code == 400
    assert refused.json() == {
        "message": "'o:deliverytime' is too far in the future: messages can be scheduled for a maximum of 3 days"
    }


def test_reset_forgets_scheduled_messages_and_puts_the_clock_back(mg: Running) -> None:
    to = new_address()
    assert schedule(mg, to, str(int(now(mg) + HOUR))).status_code == 200
    httpx.post(f"{mg.url}/__harness/reset")
    assert httpx.get(f"{mg.url}/__harness/clock").json()["offset"] == 0
    httpx.post(f"{mg.url}/__harness/clock", json={"advance": 2 * HOUR})
    assert httpx.get(f"{mg.url}/__harness/messages", params={"to": to}).json()["total"] == 0


@pytest.mark.parametrize(
    "body", [{"advance": "soon"}, {}, {"advance": 1e300}, json.loads('{"advance": null}')]
)
def test_a_bad_clock_advance_is_a_control_error(mg: Running, body: dict[str, Any]) -> None:
    refused = httpx.post(f"{mg.url}/__harness/clock", json=body)
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_request"
