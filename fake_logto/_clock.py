"""One clock per tenant: real time plus an offset that the control API can advance.

The fake checks expiry (codes, interactions, sessions, grants, refresh and access tokens) against
:meth:`Clock.now`. Claims the SDKs verify themselves (``iat``/``exp`` of ID tokens and JWT access tokens)
use :meth:`Clock.wall`, the real time, so advancing the clock never makes an SDK reject a fresh token.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Clock:
    def __init__(self, source: Callable[[], float] = time.time) -> None:
        self._source = source
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return self._source() + self._offset

    def wall(self) -> float:
        return self._source()

    def advance(self, seconds: float) -> float:
        with self._lock:
            self._offset += seconds
            return self._offset

    @property
    def offset(self) -> float:
        with self._lock:
            return self._offset

    def reset(self) -> None:
        with self._lock:
            self._offset = 0.0
