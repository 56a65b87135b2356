"""Run fake_logto as a real socket server (SDKs block on sockets: reference/sdks.md)."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from fakekit import PortInUse, ReadyUvicorn, ServedApp, bind

from ._app import Routes, create_app, create_tenant
from ._config import TenantConfig
from ._settings import Settings
from ._tenant import Tenant

__all__ = ["PortInUse", "Running", "Server", "serve_in_thread"]


@dataclass(frozen=True)
class Running:
    host: str
    port: int
    tenant: Tenant

    @property
    def url(self) -> str:
        """Where this process answers (the bind address); ``endpoint`` is the public URL."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def endpoint(self) -> str:
        return self.tenant.endpoint


class Server(ServedApp[Running]):
    name = "fake_logto"

    def __init__(
        self,
        settings: Settings,
        config: TenantConfig | None = None,
        sock: socket.socket | None = None,
        *,
        routes: Routes = (),
    ) -> None:
        """``sock``: a listening socket bound already (``fakekit.bind``); default: bind
        ``settings.host:settings.port``. The server owns and closes it. ``routes``: control routes served
        too (:func:`~._app.create_app`)."""
        self.settings = settings
        self.sock = sock or bind(settings.host, settings.port, "fake_logto HTTP")
        port = self.sock.getsockname()[1]
        try:
            self.tenant = create_tenant(settings, config, port)
        except BaseException:
            self.sock.close()
            raise
        self.uvicorn = ReadyUvicorn(create_app(settings, tenant=self.tenant, routes=routes))
        self.running = Running(host=settings.host, port=port, tenant=self.tenant)

    async def serve(self, on_ready: Callable[[Running], None] | None = None) -> None:
        try:
            await self.uvicorn.serve_until_stopped(self.sock, on_ready and (lambda: on_ready(self.running)))
        finally:
            await self.tenant.aclose()


@contextlib.contextmanager
def serve_in_thread(
    settings: Settings | None = None,
    *,
    config: TenantConfig | None = None,
    sock: socket.socket | None = None,
    **overrides: object,
) -> Iterator[Running]:
    """Start fake_logto in a daemon thread on real sockets (default: a free port); yields once it accepts."""
    settings = replace(settings or Settings(port=0), **overrides)  # type: ignore[arg-type]
    server = Server(settings, config, sock)
    with server.in_thread() as running:
        yield running
