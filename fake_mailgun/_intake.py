"""The one intake: every message, whichever door it came in by (the Mailgun API or SMTP), enters here.

A door reads its request, applies its own fault (an API error, an SMTP reply) and builds the message(s);
:func:`receive` then applies a ``delivery`` fault and the domain's suppressions (:mod:`._suppressions`),
stores the messages, records their events under their sending domain and posts them to the domain's
webhooks. SMTP mail has no sending domain: no events.
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
        blocked = state.suppressions.blocked(domain, message.recipients, message.tags) if domain else {}
        everyone_blocked = bool(blocked) and len(blocked) == len(message.recipients)
        state.mailbox.add(message, failed=failure is not None or everyone_blocked)
        if not domain:
            continue
        events = _events.items_for(message, now, failure=failure, blocked=blocked)
        state.suppressions.learn(domain, events, now)
        state.mailbox.add_events(domain, events)
        for event in events:
            state.webhooks.dispatch(domain, event, now)
    return messages
