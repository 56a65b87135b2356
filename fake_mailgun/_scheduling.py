"""Scheduled delivery: a message sent for later waits here until the instance clock reaches its time.

Mailgun accepts such a message at once (its ``accepted`` event carries ``message.scheduled-for``, the
epoch the logs API shows — mailgun.js ``LogsItem.message['scheduled-for']``) and delivers it at the
requested time (``user_manual.rst``, "Scheduling Delivery"). Here "the time" is the :class:`._clock.Clock`:
a timer on the server's event loop fires when real time gets there, and every clock advance releases
whatever has come due — a test moves the clock instead of waiting. Nothing polls.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from ._clock import Clock


@dataclass(order=True)
class _Pending:
    due: float
    seq: int
    deliver: Callable[[], None] = field(compare=False)


class Scheduler:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._pending: list[_Pending] = []
        self._seq = itertools.count()
        self._timer: asyncio.TimerHandle | None = None
        clock.on_advance(self.release)

    def add(self, due: float, deliver: Callable[[], None]) -> None:
        """Call ``deliver`` (on the event loop) once the clock reaches ``due``."""
        with self._lock:
            heapq.heappush(self._pending, _Pending(due, next(self._seq), deliver))
        self._arm()

    def __len__(self) -> int:
        with self._lock:
            return len(self._pending)

    def release(self) -> None:
        """Deliver everything that has come due, oldest first."""
        now = self._clock.now()
        due: list[_Pending] = []
        with self._lock:
            while self._pending and self._pending[0].due <= now:
                due.append(heapq.heappop(self._pending))
        for item in due:
            item.deliver()
        self._arm()

    def _arm(self) -> None:
        """(Re)start the timer for the earliest pending delivery, on the running loop."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no loop (a unit test of the store): advancing the clock still releases
            return
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if not self._pending:
                return
            delay = max(0.0, self._pending[0].due - self._clock.now())
            self._timer = loop.call_later(delay, self.release)

    def reset(self) -> None:
        with self._lock:
            self._pending.clear()
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
