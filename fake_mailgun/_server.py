"""Run fake_mailgun as real socket servers: HTTP (uvicorn) and SMTP (aiosmtpd) on one event loop.

``serve_in_thread`` (or ``Server.in_thread``) is what the pytest plugin and the harness use (port 0 → free ports, bounded
shutdown); ``Server.serve`` is what ``python -m fake_mailgun`` runs.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from fakekit import PortInUse, ReadyUvicorn, ServedApp, bind

from ._front import create_front
from ._settings import Settings
from ._smtp import start_smtp
from ._state import State

__all__ = ["PortInUse", "Running", "Server", "serve_in_thread"]


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


class Server(ServedApp[Running]):
    name = "fake_mailgun"

    def __init__(
        self,
        settings: Settings,
        http_sock: socket.socket | None = None,
        smtp_sock: socket.socket | None = None,
    ) -> None:
        """``http_sock``/``smtp_sock``: listening sockets bound already (``fakekit.bind``);
        default: bind the settings' ports. The server owns and closes them."""
        self.settings = settings
        self.state = State.create(settings)
        self.http_sock = http_sock or bind(settings.host, settings.port, "fake_mailgun HTTP")
        self.smtp_sock: socket.socket | None = smtp_sock
        try:
            if self.smtp_sock is None and settings.smtp_port >= 0:
                self.smtp_sock = bind(settings.host, settings.smtp_port, "fake_mailgun SMTP")
        except OSError:
            self.http_sock.close()
            raise
        self.uvicorn = ReadyUvicorn(create_front(settings, state=self.state))
        self.running = Running(
            host=settings.host,
            port=self.http_sock.getsockname()[1],
            smtp_port=self.smtp_sock.getsockname()[1] if self.smtp_sock else None,
            state=self.state,
        )
        self.state.base_url = self.state.base_url or self.running.url  # absolute links made off-request

    async def serve(self, on_ready: Callable[[Running], None] | None = None) -> None:
        smtp = await start_smtp(self.state, self.smtp_sock) if self.smtp_sock else None
        try:
            await self.uvicorn.serve_until_stopped(
                self.http_sock, on_ready and (lambda: on_ready(self.running))
            )
        finally:
            if smtp is not None:
                smtp.close()
                await smtp.wait_closed()


@contextlib.contextmanager
def serve_in_thread(
    settings: Settings | None = None,
    *,
    http_sock: socket.socket | None = None,
    smtp_sock: socket.socket | None = None,
) -> Iterator[Running]:
    """Start fake_mailgun in a daemon thread (default: free ports); yields once both servers accept."""
    server = Server(settings or Settings(port=0, smtp_port=0), http_sock, smtp_sock)
    with server.in_thread() as running:
        yield running
