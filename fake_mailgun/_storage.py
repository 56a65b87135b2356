"""Stored messages: every accepted message under its storage key, as Mailgun keeps it for resending.

Mailgun stores each message it accepts and names it in its events: ``storage: {"url", "key"}``, the url
absolute (``https://storage-us-east4.api.mailgun.net/v3/domains/{domain}/messages/{key}``). "Stored
messages are retained in the system for 3 days" (``api-sending.rst``, "Deleting Stored Messages"): past
that on the instance clock a key is not found. The read API is :mod:`._api.stored`.
"""

from __future__ import annotations

import secrets
import threading

from ._message import CapturedMessage

RETENTION_SECONDS = 3 * 24 * 3600


def new_key() -> str:
    """A key shaped like Mailgun's (url-safe base64 ending in ``==``)."""
    return secrets.token_urlsafe(30)[:38] + "=="


class StoredMessages:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[str, tuple[str, float, CapturedMessage]] = {}  # key → (domain, stored at, message)

    def keep(self, domain: str, message: CapturedMessage, now: float) -> str:
        key = new_key()
        with self._lock:
            self._items[key] = (domain, now, message)
        return key

    def get(self, domain: str, key: str, now: float) -> CapturedMessage | None:
        """The message stored under ``key`` for ``domain``, unless it is unknown or older than 3 days."""
        with self._lock:
            found = self._items.get(key)
        if found is None or found[0] != domain or now - found[1] > RETENTION_SECONDS:
            return None
        return found[2]

    def reset(self) -> None:
        with self._lock:
            self._items.clear()
