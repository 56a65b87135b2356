"""Serving plumbing shared by both fakes: bound sockets (``_sockets``), uvicorn with a readiness event,
a thread runner, and the server stack they run on.

The stack is chosen here, once, for both fakes: uvloop's event loop and the httptools HTTP parser where
the platform has them (both are dependencies on CPython outside Windows), else asyncio's own loop and
uvicorn's pure-Python h11 parser — same answers, fewer requests per second (``bench/findings.md``). The
loop is made here rather than by ``uvicorn.run``: the fakes run in ``asyncio.run``-style runners (one
per thread under ``harness up``), which would otherwise always get the stock loop.

On either parser, uvicorn's protocol is given its connection through a coalescing transport
(``_coalescing``): a response's head and body, written separately by uvicorn, leave in one write.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import socket
import sys
import threading
from collections.abc import Callable, Coroutine, Iterator
from typing import Any, Generic, TypeVar

import uvicorn

from ._coalescing import coalescing_protocol
from ._sockets import PortInUse, bind

__all__ = [
    "PortInUse",
    "ReadyUvicorn",
    "ServedApp",
    "bind",
    "loop_factory",
    "run_in_thread",
    "serve_until_interrupted",
    "server_stack",
]

T = TypeVar("T")
R = TypeVar("R")


def _available(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def server_stack() -> tuple[str, str]:
    """(event loop, HTTP parser) the fakes run on: ``("uvloop", "httptools")`` where installed, else
    ``("asyncio", "h11")`` (each falls back on its own)."""
    return (
        "uvloop" if _available("uvloop") else "asyncio",
        "httptools" if _available("httptools") else "h11",
    )


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop]:
    """A new event loop of the chosen kind (:func:`server_stack`)."""
    if server_stack()[0] == "uvloop":
        import uvloop

        return uvloop.new_event_loop
    return asyncio.new_event_loop


def _run(main: Coroutine[Any, Any, None]) -> None:
    """``asyncio.run`` on the chosen loop."""
    with asyncio.Runner(loop_factory=loop_factory()) as runner:
        runner.run(main)


class ReadyUvicorn(uvicorn.Server):
    """uvicorn with a "started" event, so readiness is awaited rather than polled."""

    def __init__(self, app: Any) -> None:
        # Long-polls (mailbox and event waits) must not hold a shutdown for their whole timeout.
        # A long keep-alive: a client reusing a connection the server just timed out gets a reset
        # (httpx.ReadError) under load; 5 s (uvicorn's default) makes that race common.
        config = uvicorn.Config(
            app,
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=1,
            timeout_keep_alive=75,
            http=coalescing_protocol(server_stack()[1]),
        )
        super().__init__(config)
        self.started_event = asyncio.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        self.started_event.set()

    async def serve_until_stopped(self, sock: socket.socket, on_ready: Callable[[], None] | None) -> None:
        task = asyncio.create_task(self.serve(sockets=[sock]))
        started = asyncio.create_task(self.started_event.wait())
        await asyncio.wait({task, started}, return_when=asyncio.FIRST_COMPLETED)
        started.cancel()
        if on_ready and self.started and not task.done():
            on_ready()
        await task


class ServedApp(Generic[R]):
    """What both fakes' ``Server`` share: an app served by :class:`ReadyUvicorn` on a bound socket,
    stopped by a flag, and run in a thread that yields ``running`` (what a caller needs: URLs, state)."""

    name: str
    uvicorn: ReadyUvicorn
    running: R

    async def serve(self, on_ready: Callable[[R], None] | None = None) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        """Ask the server to stop (it finishes in its own time; :meth:`in_thread` joins it)."""
        self.uvicorn.should_exit = True

    def in_thread(self) -> contextlib.AbstractContextManager[R]:
        """Serve in a daemon thread: the context yields once it accepts, and stops and joins it on exit."""
        return run_in_thread(self.name, lambda ready: self.serve(lambda _r: ready()), self.stop, self.running)


def serve_until_interrupted(
    name: str,
    build: Callable[[], ServedApp[R]],
    ready: Callable[[R], None],
    config_errors: tuple[type[Exception], ...] = (),
) -> int:
    """A fake's ``python -m`` command: build the server (a port in use, an address the machine lacks or a
    bad config is one line on stderr and exit status 1, 1 or 2), serve it until Ctrl-C, exit 0."""
    try:
        server = build()
    except OSError as exc:  # PortInUse included: bind() says which port, or which address
        print(f"{name}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except config_errors as exc:
        print(f"{name}: invalid config: {exc}", file=sys.stderr)
        return 2
    with contextlib.suppress(KeyboardInterrupt):
        _run(server.serve(ready))
    return 0


@contextlib.contextmanager
def run_in_thread(
    name: str,
    serve: Callable[[Callable[[], None]], Coroutine[Any, Any, None]],
    stop: Callable[[], None],
    value: T,
) -> Iterator[T]:
    """Run ``serve(ready)`` on a new event loop in a daemon thread; yield ``value`` once ``ready()`` ran;
    call ``stop()`` and join (bounded) on exit."""
    ready = threading.Event()
    failure: list[BaseException] = []

    def target() -> None:
        try:
            _run(serve(ready.set))
        except BaseException as exc:  # surfaced to the caller below
            failure.append(exc)
        finally:
            ready.set()

    thread = threading.Thread(target=target, name=name, daemon=True)
    thread.start()
    ready.wait(30)
    if failure:
        raise RuntimeError(f"{name} failed to start") from failure[0]
    try:
        yield value
    finally:
        stop()
        thread.join(10)
