"""The mailbox: the only place messages and events are kept.

SMTP intake and the Mailgun API write here; the control API, the inbox UI and the Mailgun events API read
from here. Thread-safe (one lock) because a harness may run several servers in threads of one process.
Waiters are futures the store resolves when a matching message lands: no polling anywhere.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from typing import Any

from fakekit import Waiters

from ._message import CapturedMessage


class UnknownMessage(LookupError):
    pass


class Mailbox:
    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._messages: list[CapturedMessage] = []  # oldest first
        self._by_id: dict[str, CapturedMessage] = {}
        self._events: list[dict[str, Any]] = []
        self._event_listeners: list[Callable[[dict[str, Any]], None]] = []
        self._waiters: Waiters[CapturedMessage] = Waiters()
        # Ids are sequence numbers that survive clear(), so an ``after`` id taken before a clear stays
        # meaningful.
        self._seq = itertools.count(1)

    # --- intake -------------------------------------------------------------------------------------
    def add(self, message: CapturedMessage) -> CapturedMessage:
        with self._lock:
            message.seq = next(self._seq)
            message.id = str(message.seq)
            self._messages.append(message)
            self._by_id[message.id] = message
        if message.status == "delivered":
            self._waiters.notify(message)
        return message

    def add_event(self, event: dict[str, Any]) -> None:
        with self._lock:
            self._events.append(event)
            listeners = list(self._event_listeners)
        for listener in listeners:
            listener(event)

    def on_event(self, listener: Callable[[dict[str, Any]], None]) -> None:
        with self._lock:
            self._event_listeners.append(listener)

    # --- reads --------------------------------------------------------------------------------------
    def messages(self, to: str | None = None) -> list[CapturedMessage]:
        """Newest first, optionally only those addressed (to, cc or bcc) to ``to``."""
        with self._lock:
            found = [m for m in self._messages if to is None or m.is_for(to)]
        found.reverse()
        return found

    def get(self, message_id: str, to: str | None = None) -> CapturedMessage:
        if message_id == "latest":
            newest = self.messages(to)
            if not newest:
                raise UnknownMessage("no message" + (f" to {to}" if to else ""))
            return newest[0]
        with self._lock:
            found = self._by_id.get(message_id)
            if found is None:  # a Mailgun message id (what a send answered), with or without <>
                wanted = message_id.strip("<>")
                found = next((m for m in reversed(self._messages) if m.parsed.message_id == wanted), None)
        if found is None:
            raise UnknownMessage(f"no message with id {message_id}")
        return found

    def events(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._events)

    async def wait(self, to: str | None, after: int | None, timeout: float) -> CapturedMessage | None:
        """The first delivered message to ``to`` newer than ``after`` — or, without ``after``, the newest
        message to ``to`` if there is one — waiting up to ``timeout`` seconds for it to arrive."""
        with self._lock:
            delivered = [m for m in self._messages if m.status == "delivered"]
            if after is None:
                existing = [m for m in delivered if to is None or m.is_for(to)]
                if existing:
                    return existing[-1]
                after = 0
            else:
                newer = [m for m in delivered if m.seq > after and (to is None or m.is_for(to))]
                if newer:
                    return newer[0]
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
            return count

    def reset(self) -> None:
        with self._lock:
            self._messages.clear()
            self._by_id.clear()
            self._events.clear()
