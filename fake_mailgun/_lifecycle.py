"""What happens to a message after it is delivered: opened, clicked, unsubscribed, complained — or a late
``failed`` (temporary or permanent) — each recorded as Mailgun records it and posted to the webhooks.

Mailgun learns these from tracking pixels, rewritten links, its unsubscribe pages and feedback loops; the
fake learns them from the control API (``POST /__harness/messages/{id}/events``) or from a followed
``%unsubscribe_url%`` link (:mod:`._unsubscribe`). Event shapes follow ``api-events.rst`` ("Opened",
"Clicked", "Unsubscribed", "Complained", "Failed"); side effects follow ``api-suppressions.rst``: a
complaint adds the address to the complaints, an unsubscribe to the unsubscribes (from the message's
tags for a tag unsubscribe, else from everything: ``*``), a permanent ``bounce`` to the bounces.
"""

from __future__ import annotations

import secrets
from typing import Any, Literal

from ._events import base_message
from ._intake import sending_fields
from ._message import CapturedMessage
from ._state import State
from ._suppressions import ALL_TAGS

Tracked = Literal["opened", "clicked", "unsubscribed", "complained", "failed"]
TRACKED: tuple[Tracked, ...] = ("opened", "clicked", "unsubscribed", "complained", "failed")
_LOG_LEVEL = {"opened": "info", "clicked": "info", "unsubscribed": "info", "complained": "warn"}
_DEFAULT_USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) fake_mailgun"


class LifecycleError(ValueError):
    """An event the message cannot have (the control API answers it as a 400)."""


def _client_info(user_agent: str) -> dict[str, Any]:
    return {
        "client-type": "browser",
        "client-os": "Linux",
        "device-type": "desktop",
        "client-name": "Chrome" if "Chrome" in user_agent else "Unknown",
        "user-agent": user_agent,
        "bot": "",
    }


def build(
    message: CapturedMessage,
    name: Tracked,
    recipient: str,
    now: float,
    *,
    url: str = "",
    severity: str = "permanent",
    code: int | None = None,
    text: str = "",
    user_agent: str = "",
    ip: str = "127.0.0.1",
) -> dict[str, Any]:
    """One event of ``name`` for ``recipient`` of ``message``."""
    event: dict[str, Any] = {
        "event": name,
        "id": secrets.token_urlsafe(16)[:22],
        "timestamp": now,
        "log-level": _LOG_LEVEL.get(name, "info"),
        "recipient": recipient,
        "recipient-domain": recipient.rpartition("@")[2],
        "campaigns": [],
        "tags": list(message.tags),
        "user-variables": dict(message.variables),
        # Mailgun shows only the message-id for opens/clicks/unsubscribes; the other headers are added
        # (Mailgun only ever adds fields) so events filters and readers find them on every event.
        "message": base_message(message),
        "x-harness-message-id": message.id,
    }
    if name in ("opened", "clicked", "unsubscribed"):
        event["ip"] = ip
        event["geolocation"] = {"country": "Unknown", "region": "Unknown", "city": "Unknown"}
        event["client-info"] = _client_info(user_agent or _DEFAULT_USER_AGENT)
    if name == "clicked":
        event["url"] = url
    if name == "complained":
        event["flags"] = {"is-test-mode": False}
    if name == "failed":
        permanent = severity == "permanent"
        status = code or (550 if permanent else 421)
        if (status >= 500) != permanent:
            raise LifecycleError(
                f"a {severity} failure needs a {'5xx' if permanent else '4xx'} code, got {status}"
            )
        message_text = text or (
            "Requested action not taken: mailbox unavailable" if permanent else "Try again later"
        )
        event.update(
            {
                "log-level": "error" if permanent else "warn",
                "severity": severity,
                "reason": "bounce" if permanent else "generic",
                "envelope": {"sender": message.envelope_from, "targets": recipient, "transport": "smtp"},
                "delivery-status": {
                    "attempt-no": 1,
                    "code": status,
                    "message": message_text,
                    "description": message_text,
                    **({} if permanent else {"retry-seconds": 600}),
                },
            }
        )
    return event


def fire(
    state: State, message: CapturedMessage, name: Tracked, recipient: str = "", **details: Any
) -> dict[str, Any]:
    """Record ``name`` for a recipient of ``message`` (default: its first), teach the suppression lists,
    and post the webhook. ``tags`` (unsubscribed only): the tags unsubscribed from (default ``*``)."""
    domain = message.domain
    if not domain:
        raise LifecycleError("only mail sent through the Mailgun API has events (this one came by SMTP)")
    if name not in TRACKED:
        raise LifecycleError(f"event must be one of {', '.join(TRACKED)}, got {name!r}")
    recipient = recipient or message.recipients[0]
    if not message.is_for(recipient):
        raise LifecycleError(f"{recipient} is not a recipient of message {message.id}")
    if name == "clicked" and not details.get("url"):
        raise LifecycleError("a clicked event needs the url that was clicked")
    unsubscribed_tags = list(details.pop("tags", None) or [ALL_TAGS])
    now = state.now()
    event = build(message, name, recipient, now, **details)
    sending_fields(message, event, state.base_url)  # storage, every recipient of the send, scheduled-for
    if name == "unsubscribed":
        state.suppressions.add(
            domain, "unsubscribes", {"address": recipient, "tags": unsubscribed_tags, "created_at": now}
        )
    state.suppressions.learn(domain, [event], now)
    state.mailbox.add_events(domain, [event])
    state.webhooks.dispatch(domain, event, now)
    return event
