"""fakekit's server-side wait: a waiter on one thread's event loop is woken by an item from another
thread, only by an item it wants, and forgotten once it timed out."""

from __future__ import annotations

import asyncio
import threading

from fakekit import Waiters


def test_an_item_from_another_thread_wakes_the_waiter_that_wants_it() -> None:
    waiters: Waiters[int] = Waiters()

    async def wait() -> int | None:
        waiter = waiters.expect(lambda n: n > 10)
        threading.Thread(target=lambda: [waiters.notify(n) for n in (3, 7, 12, 20)]).start()
        return await waiters.wait(waiter, timeout=10)

    assert asyncio.run(wait()) == 12


def test_a_timed_out_waiter_gets_none_and_is_forgotten() -> None:
    waiters: Waiters[int] = Waiters()

    async def wait() -> int | None:
        return await waiters.wait(waiters.expect(lambda n: n == 1), timeout=0.01)

    assert asyncio.run(wait()) is None
    assert waiters._waiting == []
    waiters.notify(1)  # nobody left to wake: no error
