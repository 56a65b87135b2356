"""The instance clock: the settings' time source plus an offset the control API can advance.

Everything that happens "later" on Mailgun happens on this clock: a message sent with ``o:deliverytime``
(or SMTP's ``X-Mailgun-Deliver-By``) is delivered when the clock reaches that time — by real time passing,
or at once when a test advances the clock past it (``POST /__harness/clock {"advance": 3600}``). Whoever
waits for the clock (the scheduler of :mod:`._scheduling`) subscribes with :meth:`Clock.on_advance`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

MAX_OFFSET = 1000 * 366 * 24 * 3600  # a thousand years, far from float and int overflow


class Clock:
    def __init__(self, source: Callable[[], float]) -> None:
        self._source = source
        self._offset = 0.0
        self._lock = threading.Lock()
        self._listeners: list[Callable[[], None]] = []

    def __call__(self) -> float:
        return self.now()

    def now(self) -> float:
        with self._lock:
            return self._source() + self._offset

    @property
    def offset(self) -> float:
        with self._lock:
            return self._offset

    def on_advance(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` (on the caller's thread) after every :meth:`advance`."""
        self._listeners.append(listener)

    def advance(self, seconds: float) -> float:
        """Move the clock by ``seconds`` (negative: back); ``ValueError`` past :data:`MAX_OFFSET`."""
        with self._lock:
            if abs(self._offset + seconds) > MAX_OFFSET:
                raise ValueError(f"the clock offset must stay within ±{MAX_OFFSET} s")
            self._offset += seconds
            offset = self._offset
        for listener in list(self._listeners):
            listener()
        return offset

    def reset(self) -> None:
        with self._lock:
            self._offset = 0.0
