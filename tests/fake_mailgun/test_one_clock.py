"""One instance clock for everything "later" (issue 19): scheduled deliveries and webhook retries are jobs on
the same clock, run by one advance in time order and dropped by one reset; a suppression is checked when a
scheduled message is delivered; each copy of a batch carries its own recipient's unsubscribe link. Each
test runs its own server: advancing the clock is instance-wide.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from mailgun import Client
from mailgun.config import RetryPolicy
from test_lifecycle import Receiver

from fake_mailgun import DEFAULT_API_KEY, DEFAULT_DOMAIN, Running, Settings, serve_in_thread
from fake_mailgun._clock import MAX_OFFSET, Clock

D = DEFAULT_DOMAIN


@pytest.fixture
def own() -> Iterator[Running]:
    with serve_in_thread(Settings(port=0, smtp_port=-1, webhook_signing_key="sample-app-signing-key")) as r:
        yield r


@pytest.fixture
def sdk(own: Running) -> Iterator[Client]:
    with Client(auth=("api", DEFAULT_API_KEY), api_url=own.url, retry_policy=RetryPolicy(max_retries=0)) as c:
        yield c


@pytest.fixture
def harness(own: Running) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=own.url, timeout=30) as client:
        yield client


def address(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}@example.test"


def send(sdk: Client, to: str, **extra: str) -> str:
    data = {"from": f"Shop <shop@{D}>", "to": to, "subject": "Hi", "text": "t", **extra}
    response = sdk.messages.create(data=data, domain=D)
    assert response.status_code == 200, response.text
    return str(response.json()["id"]).strip("<>")


def clock(harness: httpx.Client, advance: float | None = None) -> dict[str, Any]:
    if advance is None:
        answer: dict[str, Any] = harness.get("/__harness/clock").json()
    else:
        answer = harness.post("/__harness/clock", json={"advance": advance}).json()
    return answer


def test_one_advance_delivers_scheduled_mail_and_retries_webhooks(sdk: Client, harness: httpx.Client) -> None:
    failing = Receiver(statuses=[500])
    try:
        sdk.domains_webhooks.create(domain=D, data={"id": "opened", "url": failing.url})
        send(sdk, address("now"))
        harness.post("/__harness/messages/latest/events", json={"event": "opened"})
        failing.wait_for(1)
        later = address("later")
        send(sdk, later, **{"o:deliverytime": str(int(clock(harness)["now"]) + 300)})
        waiting = clock(harness, 0)  # lets the first post be answered: its retry is on the clock
        assert (waiting["scheduled"], len(waiting["pending"])) == (1, 2)  # the delivery, then the retry

        after = clock(harness, 600)
        assert (after["scheduled"], after["pending"]) == (0, [])
        delivered = harness.get("/__harness/messages/latest", params={"to": later})
        assert delivered.status_code == 200
        assert delivered.json()["status"] != "failed"
        assert len(failing.received) == 2  # the retry was made (and answered) before the clock answered
    finally:
        failing.close()


def test_reset_drops_scheduled_deliveries_and_retries_alike(sdk: Client, harness: httpx.Client) -> None:
    sdk.domains_webhooks.create(domain=D, data={"id": "opened", "url": "http://127.0.0.1:9/nobody"})
    send(sdk, address("now"))
    harness.post("/__harness/messages/latest/events", json={"event": "opened"})
    send(sdk, address("later"), **{"o:deliverytime": str(int(clock(harness)["now"]) + 3600)})
    assert len(clock(harness, 0)["pending"]) == 2
    harness.post("/__harness/reset")
    assert clock(harness) | {"now": 0} == {"offset": 0, "now": 0, "scheduled": 0, "pending": []}


def test_a_suppression_is_checked_when_a_scheduled_message_is_delivered(
    sdk: Client, harness: httpx.Client
) -> None:
    reader = address("reader")
    message_id = send(sdk, reader, **{"o:deliverytime": str(int(clock(harness)["now"]) + 3600)})
    sdk.unsubscribes.create(data={"address": reader}, domain=D)  # unsubscribed while the message waits
    clock(harness, 3600)
    items = sdk.events.get(domain=D, filters={"message-id": message_id, "ascending": "yes"}).json()["items"]
    assert [(e["event"], e.get("reason")) for e in items] == [
        ("accepted", None),
        ("failed", "suppress-unsubscribe"),
    ]
    assert harness.get("/__harness/messages/latest", params={"to": reader}).json()["status"] == "failed"


def test_each_batch_copy_carries_its_own_recipients_unsubscribe_link(
    sdk: Client, harness: httpx.Client
) -> None:
    ann, bob = address("ann"), address("bob")
    send(
        sdk,
        f"{ann}, {bob}",
        text="Bye: %unsubscribe_url%",
        **{"recipient-variables": f'{{"{ann}": {{}}, "{bob}": {{}}}}'},
    )
    links = {}
    for reader in (ann, bob):
        copy = harness.get("/__harness/messages/latest", params={"to": reader}).json()
        (links[reader],) = [u for u in copy["links"] if "/u/" in u]
    assert links[ann] != links[bob]
    followed = httpx.get(links[bob])
    assert followed.status_code == 200
    assert bob in followed.text
    assert sdk.unsubscribes.get(domain=D, unsubscribe_address=bob).status_code == 200
    assert sdk.unsubscribes.get(domain=D, unsubscribe_address=ann).status_code == 404


def test_clock_jobs_run_as_real_time_passes_and_chain_on_the_clocks_timeline() -> None:
    async def scenario() -> None:
        clock = Clock(time.time)
        ran: list[tuple[str, float]] = []
        soon = asyncio.Event()

        async def real(due: float) -> None:
            ran.append(("real", due))
            soon.set()

        start = clock.now()
        clock.at(start + 0.01, real)  # no advance: the loop's timer runs it
        await asyncio.wait_for(soon.wait(), timeout=5)

        async def second(due: float) -> None:
            ran.append(("second", due))

        async def first(due: float) -> None:
            ran.append(("first", due))
            clock.at(due + 100, second)  # a follow-up on the clock's timeline, due within the advance

        clock.at(start + 100, first, kind="webhook-retry")
        assert clock.pending("webhook-retry") == [start + 100]
        assert await clock.advance(250) == 2
        assert ran[1:] == [("first", start + 100), ("second", start + 200)]
        with pytest.raises(ValueError, match="offset must stay within"):
            await clock.advance(MAX_OFFSET)
        assert clock.offset == 250
        clock.at(start + 10_000, second)
        clock.reset()
        assert (clock.offset, clock.pending()) == (0.0, [])

    asyncio.run(scenario())
