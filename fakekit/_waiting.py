"""The server-side wait: futures on any thread's event loop, resolved when a matching item lands.

A store keeps one :class:`Waiters` next to its items. A reader checks the items and, finding none,
registers a waiter *under the store's own lock*; a writer appends under that lock and calls
:meth:`Waiters.notify` after releasing it. Either the reader sees the item or the writer sees the waiter,
so nothing is missed and nothing polls. Servers run in threads of one process (the harness), hence
``call_soon_threadsafe``.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(eq=False)
class Waiter(Generic[T]):
    wants: Callable[[T], bool]
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[T]


class Waiters(Generic[T]):
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: list[Waiter[T]] = []

    def expect(self, wants: Callable[[T], bool]) -> Waiter[T]:
        """A waiter for the first item ``wants`` accepts; call from the running loop that will await it."""
        loop = asyncio.get_running_loop()
        waiter = Waiter(wants, loop, loop.create_future())
        with self._lock:
            self._waiting.append(waiter)
        return waiter

    def notify(self, item: T) -> None:
        """Resolve (and forget) every waiter that wants ``item``."""
        with self._lock:
            woken = [w for w in self._waiting if w.wants(item)]
            self._waiting = [w for w in self._waiting if w not in woken]
        for waiter in woken:
            waiter.loop.call_soon_threadsafe(_resolve, waiter.future, item)

    async def wait(self, waiter: Waiter[T], timeout: float) -> T | None:
        """The item ``waiter`` was resolved with, or None after ``timeout`` seconds."""
        try:
            return await asyncio.wait_for(waiter.future, timeout)
        except TimeoutError:
            return None
        finally:
            with self._lock:
                if waiter in self._waiting:
                    self._waiting.remove(waiter)


def _resolve(future: asyncio.Future[T], item: T) -> None:
    if not future.done():
        future.set_result(item)
