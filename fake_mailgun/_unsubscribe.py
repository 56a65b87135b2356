"""Unsubscribe links: what ``%unsubscribe_url%`` and ``%tag_unsubscribe_url%`` become, and the page that
unsubscribes whoever follows one.

Mailgun (user manual, "Tracking Unsubscribes"): ``%unsubscribe_url%`` unsubscribes the recipient from all
mail of the sending domain, ``%tag_unsubscribe_url%`` from the message's tags; following the link puts the
address on the domain's unsubscribes, records an ``unsubscribed`` event and posts its webhook, and later
sends to it fail with ``suppress-unsubscribe``. The fake's links point at itself (``GET /u/<token>``, the
path Mailgun's own links use on the tracking host); the token carries the domain, the recipient, the
message and the tags — no secret, this is a test double.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from html import escape

from . import paths
from ._lifecycle import fire
from ._state import State
from ._store import UnknownMessage
from ._suppressions import ALL_TAGS

UNSUBSCRIBE_URL = "%unsubscribe_url%"
TAG_UNSUBSCRIBE_URL = "%tag_unsubscribe_url%"


def link(base: str, domain: str, recipient: str, message_id: str, tags: Sequence[str] | None = None) -> str:
    """The absolute unsubscribe URL for ``recipient`` of a message (``tags``: a tag unsubscribe)."""
    claims = {"d": domain, "r": recipient, "m": message_id, "t": list(tags) if tags is not None else None}
    token = base64.urlsafe_b64encode(json.dumps(claims, separators=(",", ":")).encode()).decode().rstrip("=")
    return base.rstrip("/") + paths.UNSUBSCRIBE.format(token=token)


def fill(text: str, base: str, domain: str, recipient: str, message_id: str, tags: Sequence[str]) -> str:
    """``text`` with both unsubscribe variables replaced by links for ``recipient``."""
    if "%" not in text:
        return text
    text = text.replace(UNSUBSCRIBE_URL, link(base, domain, recipient, message_id))
    return text.replace(TAG_UNSUBSCRIBE_URL, link(base, domain, recipient, message_id, tags))


def _claims(token: str) -> dict[str, object] | None:
    try:
        claims = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (ValueError, binascii.Error):
        return None
    if not isinstance(claims, dict) or not all(isinstance(claims.get(k), str) for k in ("d", "r", "m")):
        return None
    tags = claims.get("t")
    if tags is not None and not (isinstance(tags, list) and all(isinstance(t, str) for t in tags)):
        return None
    return claims


def follow(state: State, token: str, user_agent: str, ip: str) -> str | None:
    """Unsubscribe as the link says; the address unsubscribed, or None for a link the fake never made."""
    claims = _claims(token)
    if claims is None or claims["d"] not in state.settings.domains:
        return None
    domain, recipient, message_id = str(claims["d"]), str(claims["r"]), str(claims["m"])
    tags = claims["t"] if isinstance(claims["t"], list) and claims["t"] else [ALL_TAGS]
    try:
        message = state.mailbox.get(message_id)
    except UnknownMessage:  # the mailbox was cleared since: the unsubscribe still counts
        state.suppressions.add(
            domain, "unsubscribes", {"address": recipient, "tags": list(tags), "created_at": state.now()}
        )
        return recipient
    fire(state, message, "unsubscribed", recipient, tags=list(tags), user_agent=user_agent, ip=ip)
    return recipient


def page(address: str | None) -> tuple[int, str]:
    """The HTML page a followed link shows (status, body)."""
    if address is None:
        return 404, "<!doctype html><title>Not Found</title><h1>Not Found</h1><p>This link is not valid.</p>"
    return 200, (
        "<!doctype html><html lang=en><meta charset=utf-8><title>Unsubscribed</title>"
        f"<h1>You have been unsubscribed</h1><p id=address>{escape(address)}</p>"
        "<p>You will not receive these messages any more.</p></html>"
    )
