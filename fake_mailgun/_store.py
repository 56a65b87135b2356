"""The mailbox: the only place messages and events are kept, and the only code that touches them.

The intake (:mod:`._intake`, which both doors — the Mailgun API and SMTP — call) writes here; the control
API, the inbox UI and the Mailgun events API read from here. The store gives each message its id and
status, resolves ``latest`` (optionally per recipient), and keeps events indexed by sending domain.
Thread-safe (one lock) because a harness may run several servers in threads of one process. Waiters are
futures the store resolves when a matching message lands (:class:`fakekit.Waiters`): no polling anywhere.
"""

from __future__ import annotations

import bisect
import itertools
import threading
from collections.abc import Callable
from typing import Any

from fakekit import Waiters

from ._message import CapturedMessage, recipient_key

LATEST = "latest"


class UnknownMessage(LookupError):
    pass


class BadPosition(ValueError):
    """An ``after`` that is neither a message id nor ``latest``."""


class Mailbox:
    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._messages: list[CapturedMessage] = []  # oldest first
        self._by_id: dict[str, CapturedMessage] = {}
        # Lower-cased recipient → its messages, oldest first: what a ``to`` filter reads (every message
        # enters through add(), which keeps it).
        self._by_recipient: dict[str, list[CapturedMessage]] = {}
        self._events: dict[str, list[dict[str, Any]]] = {}  # sending domain → its events, oldest first
        self._waiters: Waiters[CapturedMessage] = Waiters()
        # Ids are sequence numbers that survive clear(), so an ``after`` id taken before a clear stays
        # meaningful.
        self._seq = itertools.count(1)

    # --- intake (called by :func:`._intake.receive` only) ---------------------------------------------
    def add(self, message: CapturedMessage, *, failed: bool = False) -> CapturedMessage:
        """Store ``message``: give it its id, and its status (``failed``: it did not reach its recipients)."""
        with self._lock:
            message.seq = next(self._seq)
            message.id = str(message.seq)
            message.status = "failed" if failed else "delivered"
            self._messages.append(message)
            self._by_id[message.id] = message
            for key in message.recipient_keys:
                self._by_recipient.setdefault(key, []).append(message)
        if message.status == "delivered":
            self._waiters.notify(message)
        return message

    def add_events(self, domain: str, events: list[dict[str, Any]]) -> None:
        with self._lock:
            self._events.setdefault(domain, []).extend(events)

    # --- reads --------------------------------------------------------------------------------------
    def _addressed_to(self, to: str | None) -> list[CapturedMessage]:
        """The messages addressed (to, cc or bcc) to ``to`` (None: all), oldest first; call under the lock."""
        return self._messages if to is None else self._by_recipient.get(recipient_key(to), [])

    def messages(self, to: str | None = None) -> list[CapturedMessage]:
        """Newest first, optionally only those addressed (to, cc or bcc) to ``to``."""
        with self._lock:
            found = list(self._addressed_to(to))
        found.reverse()
        return found

    def _latest(self, to: str | None) -> CapturedMessage | None:
        """The newest message (to ``to``); call under the lock."""
        found = self._addressed_to(to)
        return found[-1] if found else None

    def get(self, message_id: str, to: str | None = None) -> CapturedMessage:
        """A message by its id, ``latest`` (to ``to``), or the Mailgun message id a send answered (its
        copy to ``to``)."""
        with self._lock:
            if message_id == LATEST:
                found = self._latest(to)
                if found is None:
                    raise UnknownMessage("no message" + (f" to {to}" if to else ""))
                return found
            found = self._by_id.get(message_id)
            if found is None:  # a Mailgun message id (what a send answered), with or without <>; a batch's
                wanted = message_id.strip("<>")  # copies share it: the one to ``to``, if given
                candidates = reversed(self._addressed_to(to))
                found = next((m for m in candidates if m.parsed.message_id == wanted), None)
        if found is None:
            raise UnknownMessage(f"no message with id {message_id}")
        return found

    def position(self, after: str, to: str | None = None) -> int:
        """The sequence number ``after`` names: a message id, or ``latest`` (to ``to``; 0 when none)."""
        if after == LATEST:
            with self._lock:
                newest = self._latest(to)
            return newest.seq if newest else 0
        if after.isascii() and after.isdigit():
            return int(after)
        raise BadPosition(f"'after' must be a message id, got {after!r}")

    def events(self, domain: str) -> list[dict[str, Any]]:
        """The events of one sending domain, oldest first."""
        with self._lock:
            return list(self._events.get(domain, ()))

    async def wait(self, to: str | None, after: int | None, timeout: float) -> CapturedMessage | None:
        """The first delivered message to ``to`` newer than ``after`` — or, without ``after``, the newest
        message to ``to`` if there is one — waiting up to ``timeout`` seconds for it to arrive."""
        with self._lock:
            candidates = self._addressed_to(to)
            if after is None:  # the newest one there is
                found = next((m for m in reversed(candidates) if m.status == "delivered"), None)
                if found is not None:
                    return found
                after = 0
            else:  # the first one after ``after`` (kept in sequence order)
                start = bisect.bisect_right(candidates, after, key=lambda m: m.seq)
                newer = itertools.islice(candidates, start, None)
                found = next((m for m in newer if m.status == "delivered"), None)
                if found is not None:
                    return found
            newest_seen = after
            waiter = self._waiters.expect(
                lambda m: m.seq > newest_seen and (to is None or m.is_for(to))
            )  # registered under the store's lock: add() either came before the check above or sees it
        return await self._waiters.wait(waiter, timeout)

    # --- control ------------------------------------------------------------------------------------
    def clear(self) -> int:
        with self._lock:
            count = len(self._messages)
            self._messages.clear()
            self._by_id.clear()
            self._by_recipient.clear()
            return count

    def reset(self) -> None:
        with self._lock:
            self._messages.clear()
            self._by_id.clear()
            self._by_recipient.clear()
            self._events.clear()
