"""The debug event log: every hop of every auth flow, for the debug view and ``harness events``.

Rooms call :meth:`EventLog.record` at each step (authorization request, interaction steps, codes sent,
tokens issued with decoded header and claims, refreshes, revocations, sign-outs, errors). Events carry
the flow they belong to (the interaction uid that started it), the client and the email when known.
Readers page with ``after`` and wait server-side for new events, as the mailbox does: no polling.
"""

from __future__ import annotations

import base64
import json
import threading
from typing import Any

from fakekit import Waiters

MAX_EVENTS = 10_000


def decode_jwt(token: str) -> dict[str, Any] | None:
    """Header and claims of a JWT, unverified (for display only)."""
    try:
        header, payload, _sig = token.split(".")
        return {
            "header": json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4))),
            "claims": json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))),
        }
    except (ValueError, UnicodeDecodeError):
        return None


class EventLog:
    def __init__(self, clock: Any) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._events: list[dict[str, Any]] = []
        self._seq = 0
        self._waiters: Waiters[dict[str, Any]] = Waiters()

    def record(
        self,
        kind: str,
        *,
        flow: str | None = None,
        client_id: str | None = None,
        email: str | None = None,
        **data: Any,
    ) -> dict[str, Any]:
        with self._lock:
            self._seq += 1
            event = {
                "id": self._seq,
                "at": self.clock.now(),
                "kind": kind,
                "flow": flow,
                "client_id": client_id,
                "email": email,
                "data": data,
            }
            self._events.append(event)
            del self._events[:-MAX_EVENTS]
        self._waiters.notify(event)
        return event

    def select(
        self, after: int = 0, email: str | None = None, client_id: str | None = None, flow: str | None = None
    ) -> list[dict[str, Any]]:
        with self._lock:
            events = [e for e in self._events if e["id"] > after]
        if email:
            flows = {e["flow"] for e in events if (e["email"] or "").lower() == email.lower() and e["flow"]}
            events = [e for e in events if (e["email"] or "").lower() == email.lower() or e["flow"] in flows]
        if client_id:
            events = [e for e in events if e["client_id"] == client_id]
        if flow:
            events = [e for e in events if e["flow"] == flow]
        return events

    async def wait(self, after: int, timeout: float) -> list[dict[str, Any]]:
        """Events newer than ``after``, waiting up to ``timeout`` s for the first one."""
        with self._lock:
            if self._events and self._events[-1]["id"] > after:
                return [e for e in self._events if e["id"] > after]
            waiter = self._waiters.expect(lambda event: event["id"] > after)  # under the lock: see _waiting
        if await self._waiters.wait(waiter, timeout) is None:
            return []
        return self.select(after)

    def reset(self) -> None:
        with self._lock:
            self._events.clear()
