"""The instance clock: the settings' time source plus an offset the control API moves, and the jobs due on it.

Everything that happens "later" on Mailgun happens on this one clock: a message sent with
``o:deliverytime`` (or SMTP's ``X-Mailgun-Deliver-By``) is delivered when the clock reaches that time
(:mod:`._intake`), and a webhook post that failed is retried 10 minutes on, then on Mailgun's schedule for
eight hours (:mod:`._webhooks`). Each is a job (:meth:`Clock.at`) that runs when the clock gets to its
time — by real time passing (a timer on the server's event loop, armed for the earliest job) or at once
when a test advances the clock (``POST /__harness/clock {"advance": 3600}``, :mod:`._clock_api`). A job is
told the time it was due at, so one that schedules a follow-up (the next retry) schedules it on the clock's
timeline and, if that is due too, it runs in the same advance, in time order. Nothing sleeps or polls.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

MAX_OFFSET = 1000 * 366 * 24 * 3600  # a thousand years, far from float and int overflow

Job = Callable[[float], Awaitable[None]]  # called with the time it was due at


@dataclass(order=True)
class _Pending:
    due: float
    seq: int
    kind: str = field(compare=False)
    run: Job = field(compare=False)


class Clock:
    def __init__(self, source: Callable[[], float]) -> None:
        self._source = source
        self._offset = 0.0
        self._lock = threading.Lock()
        self._jobs: list[_Pending] = []  # a heap by due time, then by order of scheduling
        self._seq = itertools.count()
        self._timer: asyncio.TimerHandle | None = None
        self._runs: set[asyncio.Task[int]] = set()  # runs the timer started (kept from the collector)

    def __call__(self) -> float:
        return self.now()

    def now(self) -> float:
        with self._lock:
            return self._source() + self._offset

    @property
    def offset(self) -> float:
        with self._lock:
            return self._offset

    def at(self, when: float, job: Job, kind: str = "job") -> None:
        """Run ``job`` (on the event loop) once the clock reaches ``when``; ``kind`` names it in
        :meth:`pending` ("delivery", "webhook-retry")."""
        with self._lock:
            heapq.heappush(self._jobs, _Pending(when, next(self._seq), kind, job))
        self._arm()

    def pending(self, kind: str | None = None) -> list[float]:
        """When the jobs still waiting (of ``kind``, if given) are due, soonest first."""
        with self._lock:
            return sorted(j.due for j in self._jobs if kind is None or j.kind == kind)

    async def advance(self, seconds: float) -> int:
        """Move the clock by ``seconds`` (negative: back) and run every job due by then; how many ran.
        ``ValueError`` (nothing moved) past :data:`MAX_OFFSET`."""
        with self._lock:
            if abs(self._offset + seconds) > MAX_OFFSET:
                raise ValueError(f"the clock offset must stay within ±{MAX_OFFSET} s")
            self._offset += seconds
        return await self.run_due()

    async def run_due(self) -> int:
        """Run the jobs that have come due, oldest first (and those they schedule, if due); how many ran."""
        ran = 0
        while (job := self._pop_due()) is not None:
            await job.run(job.due)
            ran += 1
        self._arm()
        return ran

    def _pop_due(self) -> _Pending | None:
        with self._lock:
            if self._jobs and self._jobs[0].due <= self._source() + self._offset:
                return heapq.heappop(self._jobs)
            return None

    def _arm(self) -> None:
        """(Re)start the timer for the earliest job, on the running loop."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no loop (a unit test of the store): advancing the clock still runs jobs
            return
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if not self._jobs:
                return
            delay = max(0.0, self._jobs[0].due - (self._source() + self._offset))
            self._timer = loop.call_later(delay, self._on_timer)

    def _on_timer(self) -> None:
        with self._lock:
            self._timer = None
        task = asyncio.get_running_loop().create_task(self.run_due())
        self._runs.add(task)
        task.add_done_callback(self._runs.discard)

    def reset(self) -> None:
        """Back to the source's time, no jobs."""
        with self._lock:
            self._offset = 0.0
            self._jobs.clear()
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
