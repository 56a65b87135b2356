"""The one intake: every message, whichever door it came in by (the Mailgun API or SMTP), enters here.

A door reads its request, applies its own fault (an API error, an SMTP reply) and builds the message(s);
:func:`receive` then applies a ``delivery`` fault, stores the messages, records their events under their
sending domain and posts them to the domain's webhooks. SMTP mail has no sending domain: no events.
"""

from __future__ import annotations

from . import _events
from ._message import CapturedMessage
from ._state import State


def receive(state: State, messages: list[CapturedMessage]) -> list[CapturedMessage]:
    """Store ``messages`` and record (and announce) their events; a ``delivery`` fault makes them fail."""
    now = state.now()
    for message in messages:
        domain = message.domain
        failure = state.faults.take_delivery() if domain else None
        state.mailbox.add(message, failed=failure is not None)
        if not domain:
            continue
        events = _events.items_for(message, now, failure=failure)
        state.mailbox.add_events(domain, events)
        for event in events:
            state.webhooks.dispatch(domain, event, now)
    return messages
