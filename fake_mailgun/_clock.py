"""One clock per fake_mailgun: the settings' time source plus an offset the control API advances, and the
jobs due on it (webhook retries, scheduled deliveries).

Mailgun retries a failed webhook over eight hours and delivers ``o:deliverytime`` mail days ahead; a test
cannot wait for either, so both are jobs on this clock. ``POST /__harness/clock {"advance": s}`` moves the
clock and runs, in time order, every job that has come due — each told the time it was due at, so a job
that schedules a follow-up (the next retry) schedules it on the virtual timeline and, if that is due too,
it runs in the same advance. Nothing here sleeps or polls.
"""

from __future__ import annotations

import heapq
import itertools
import threading
from collections.abc import Awaitable, Callable

Job = Callable[[float], Awaitable[None]]  # called with the time it was due at


class Clock:
    def __init__(self, source: Callable[[], float]) -> None:
        self._source = source
        self._offset = 0.0
        self._lock = threading.Lock()
        self._jobs: list[tuple[float, int, Job]] = []  # a heap by due time, then by order of scheduling
        self._order = itertools.count()

    def now(self) -> float:
        with self._lock:
            return self._source() + self._offset

    @property
    def offset(self) -> float:
        with self._lock:
            return self._offset

    def at(self, when: float, job: Job) -> None:
        """Run ``job`` once the clock reaches ``when`` (on the next advance that gets there)."""
        with self._lock:
            heapq.heappush(self._jobs, (when, next(self._order), job))

    def pending(self) -> list[float]:
        """When the jobs still waiting are due, soonest first."""
        with self._lock:
            return sorted(when for when, _, _ in self._jobs)

    def _pop_due(self) -> tuple[float, Job] | None:
        with self._lock:
            if self._jobs and self._jobs[0][0] <= self._source() + self._offset:
                when, _, job = heapq.heappop(self._jobs)
                return when, job
            return None

    async def advance(self, seconds: float) -> int:
        """Move the clock ``seconds`` forward and run every job due by then; how many ran."""
        with self._lock:
            self._offset += seconds
        ran = 0
        while (due := self._pop_due()) is not None:
            when, job = due
            await job(when)
            ran += 1
        return ran

    def reset(self) -> None:
        """Back to the source's time, no jobs."""
        with self._lock:
            self._offset = 0.0
            self._jobs.clear()
