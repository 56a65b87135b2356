"""Run fake_mailgun as real socket servers: HTTP (uvicorn) and SMTP (aiosmtpd) on one event loop.

``serve_in_thread`` is what the pytest plugin and the harness use (port 0 → free ports, bounded
shutdown); ``run`` is what ``python -m fake_mailgun`` uses. Sockets are bound before the loop starts so a
port in use fails at once with a message naming it.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import uvicorn

from ._app import create_app
from ._settings import Settings
from ._smtp import start_smtp
from ._state import State


class PortInUse(OSError):
    pass


def bind(host: str, port: int, what: str) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on accepted sockets whose proto says TCP,
    # and without it every keep-alive response waits ~40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise PortInUse(exc.errno, f"{what} port {port} on {host} is already in use") from exc
        raise
    sock.listen(512)
    sock.setblocking(False)
    return sock


@dataclass(frozen=True)
class Running:
    """Where a started fake_mailgun answers."""

    host: str
    port: int
    smtp_port: int | None
    state: State

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"


class _Uvicorn(uvicorn.Server):
    """uvicorn with a "started" event, so readiness is awaited rather than polled."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.started_event = asyncio.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        self.started_event.set()


class Server:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.state = State.create(settings)
        self.http_sock = bind(settings.host, settings.port, "fake_mailgun HTTP")
        self.smtp_sock: socket.socket | None = None
        try:
            if settings.smtp_port >= 0:
                self.smtp_sock = bind(settings.host, settings.smtp_port, "fake_mailgun SMTP")
        except OSError:
            self.http_sock.close()
            raise
        config = uvicorn.Config(
            create_app(settings, state=self.state), log_level="warning", access_log=False, lifespan="off"
        )
        self.uvicorn = _Uvicorn(config)
        self.running = Running(
            host=settings.host,
            port=self.http_sock.getsockname()[1],
            smtp_port=self.smtp_sock.getsockname()[1] if self.smtp_sock else None,
            state=self.state,
        )

    async def serve(self, on_ready: Callable[[Running], None] | None = None) -> None:
        smtp = await start_smtp(self.state, self.smtp_sock) if self.smtp_sock else None
        try:
            task = asyncio.create_task(self.uvicorn.serve(sockets=[self.http_sock]))
            started = asyncio.create_task(self.uvicorn.started_event.wait())
            await asyncio.wait({task, started}, return_when=asyncio.FIRST_COMPLETED)
            started.cancel()
            if on_ready and self.uvicorn.started and not task.done():
                on_ready(self.running)
            await task
        finally:
            if smtp is not None:
                smtp.close()
                await smtp.wait_closed()

    def stop(self) -> None:
        self.uvicorn.should_exit = True


@contextlib.contextmanager
def serve_in_thread(settings: Settings | None = None, **overrides: object) -> Iterator[Running]:
    """Start fake_mailgun in a daemon thread; yields once both servers accept connections."""
    if settings is None:
        settings = Settings(**{"port": 0, "smtp_port": 0, **overrides})  # type: ignore[arg-type]
    server = Server(settings)
    ready = threading.Event()
    failure: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(server.serve(lambda _running: ready.set()))
        except BaseException as exc:  # surfaced to the caller below
            failure.append(exc)
        finally:
            ready.set()

    thread = threading.Thread(target=target, name="fake_mailgun", daemon=True)
    thread.start()
    ready.wait(30)
    if failure:
        raise RuntimeError("fake_mailgun failed to start") from failure[0]
    try:
        yield server.running
    finally:
        server.stop()
        thread.join(10)
