"""The one intake: every message, whichever door it came in by (the Mailgun API or SMTP), enters here.

A door reads its request, applies its own fault (an API error, an SMTP reply) and builds the message(s);
:func:`receive` then stores each under a storage key (:mod:`._storage`), and either delivers it now or —
sent with a delivery time still ahead — records its ``accepted`` event now and leaves the delivery to a
"delivery" job on the instance clock (:mod:`._clock`). Delivering applies a ``delivery`` fault and the
domain's suppressions (:mod:`._suppressions`: a suppressed recipient fails with ``suppress-*`` without a
delivery attempt, checked when the message is delivered, as Mailgun does), puts the message in the
mailbox, records its events under its sending domain, teaches the suppression lists (a permanent bounce)
and posts the events to the domain's webhooks. Mail without a sending domain (SMTP from an unknown login
and sender) only reaches the mailbox.

The events' common shape is :func:`._events.items_for`; what only the sending side knows is added here
(:func:`sending_fields`): the absolute ``storage.url``, every recipient of a batch in
``message.recipients``, ``message.scheduled-for``, and test mode's delivery status.
"""

from __future__ import annotations

from typing import Any

from . import _events
from ._clock import Job
from ._message import CapturedMessage
from ._state import State

# Test mode: accepted, "but will not send it" (user_manual.rst, "Sending in Test Mode"). Its delivered
# events carry code 650 (issue 19's audit of Mailgun's logs); the message text is the fake's wording.
TEST_MODE_STATUS = {"code": 650, "message": "TEST MODE", "description": "", "tls": False}


def receive(state: State, messages: list[CapturedMessage], *, base_url: str) -> list[CapturedMessage]:
    """Store ``messages`` and deliver them — now, or when the clock reaches their delivery time."""
    now = state.now()
    for message in messages:
        if message.domain:
            message.storage_key = state.stored.keep(message.domain, message, now)
        if message.deliver_at is None or message.deliver_at <= now:
            _deliver(state, message, base_url, scheduled=False)
            continue
        if message.domain:
            accepted = [e for e in _events.items_for(message, now) if e["event"] == "accepted"]
            _announce(state, message, accepted, base_url)
        state.clock.at(message.deliver_at, _delivery(state, message, base_url), kind="delivery")
    return messages


def _delivery(state: State, message: CapturedMessage, base_url: str) -> Job:
    """The clock job that delivers a scheduled ``message`` when its time comes."""

    async def deliver(_due: float) -> None:
        _deliver(state, message, base_url, scheduled=True)

    return deliver


def _deliver(state: State, message: CapturedMessage, base_url: str, *, scheduled: bool) -> None:
    domain = message.domain
    failure = state.faults.take_delivery() if domain else None
    blocked = state.suppressions.blocked(domain, message.recipients, message.tags) if domain else {}
    everyone_blocked = bool(blocked) and len(blocked) == len(message.recipients)
    state.mailbox.add(message, failed=failure is not None or everyone_blocked)
    if not domain:
        return
    events = _events.items_for(message, state.now(), failure=failure, blocked=blocked)
    if scheduled:  # its accepted event was recorded when it was sent
        events = [e for e in events if e["event"] != "accepted"]
    _announce(state, message, events, base_url)


def _announce(state: State, message: CapturedMessage, events: list[dict[str, Any]], base_url: str) -> None:
    domain = message.domain or ""
    for event in events:
        sending_fields(message, event, base_url)
    now = state.now()
    state.suppressions.learn(domain, events, now)
    state.mailbox.add_events(domain, events)
    for event in events:
        state.webhooks.dispatch(domain, event, now)


def storage_url(base_url: str, domain: str, key: str) -> str:
    return f"{base_url}/v3/domains/{domain}/messages/{key}"


def sending_fields(message: CapturedMessage, event: dict[str, Any], base_url: str) -> None:
    event["storage"] = {
        "url": storage_url(base_url, message.domain or "", message.storage_key),
        "key": message.storage_key,
    }
    body = dict(event["message"])
    body["recipients"] = list(message.send_recipients or message.recipients)
    if message.deliver_at is not None:
        body["scheduled-for"] = int(message.deliver_at)
    event["message"] = body
    if message.test_mode and event["event"] == "delivered":
        event["delivery-status"] = dict(TEST_MODE_STATUS)
