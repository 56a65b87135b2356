"""One clock per tenant: real time plus an offset that the control API can advance.

The fake checks expiry (codes, interactions, sessions, grants, refresh and access tokens) against
:meth:`Clock.now`. Claims the SDKs verify themselves (``iat``/``exp`` of ID tokens and JWT access tokens)
use :meth:`Clock.wall`, the real time, so advancing the clock never makes an SDK reject a fresh token.
Whoever waits *on* the clock (a fault's delay, :mod:`._faults`) hears each move through :attr:`Clock.moved`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from fakekit import Waiters


class Clock:
    def __init__(self, source: Callable[[], float] = time.time) -> None:
        self._source = source
        self._offset = 0.0
        self._lock = threading.Lock()
        self.moved: Waiters[float] = Waiters()  # told the new offset whenever the clock is moved

    def now(self) -> float:
        with self._lock:
            return self._source() + self._offset

    def wall(self) -> float:
        return self._source()

    def advance(self, seconds: float) -> float:
        with self._lock:
            self._offset += seconds
            offset = self._offset
        self.moved.notify(offset)
        return offset

    @property
    def offset(self) -> float:
        with self._lock:
            return self._offset

    def reset(self) -> None:
        with self._lock:
            self._offset = 0.0
        self.moved.notify(0.0)

    async def hold(self, seconds: float) -> None:
        """Return once this clock has gone ``seconds`` on — by real time passing, or at once when a test
        advances it. A server-side wait: nothing polls."""
        due = self.now() + seconds
        while due - self.now() > 0:
            waiter = self.moved.expect(lambda _offset: True)
            # Read after registering, so a move in between is not missed.
            await self.moved.wait(waiter, max(due - self.now(), 0.0))
