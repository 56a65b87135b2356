"""httpx clients for the harness's own hops (control APIs, the tenant's connector): TCP_NODELAY on every
connection, and TLS set up only when an ``https://`` URL is first requested.

Why: without TCP_NODELAY each keep-alive request can stall ~40 ms on a delayed ACK; and httpx loads the
CA bundle (~30 ms) whenever it builds a transport, though these clients almost always speak plain HTTP
on loopback. ``https://`` requests still go through a default, fully verifying transport, built lazily.
"""

from __future__ import annotations

import socket
import ssl
from typing import Any

import httpx

from ._kept_posts import KeepingAsyncClient

NODELAY = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]


def _plain_http() -> dict[str, Any]:
    # The client's default transport, used for http:// only (https:// is mounted to its own transport
    # below), so no TLS should ever happen through it. Its TLS context spares loading the CA bundle but
    # fails closed: it verifies certificates and host names against an empty trust store, so if TLS did
    # reach it, every handshake would be refused. An explicit transport also keeps env proxies away.
    return {"verify": ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT), "socket_options": NODELAY}


class _LazyTLS(httpx.BaseTransport):
    def __init__(self) -> None:
        self._transport: httpx.HTTPTransport | None = None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self._transport is None:
            self._transport = httpx.HTTPTransport(socket_options=NODELAY)
        return self._transport.handle_request(request)

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()


class _LazyAsyncTLS(httpx.AsyncBaseTransport):
    def __init__(self) -> None:
        self._transport: httpx.AsyncHTTPTransport | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._transport is None:
            self._transport = httpx.AsyncHTTPTransport(socket_options=NODELAY)
        return await self._transport.handle_async_request(request)

    async def aclose(self) -> None:
        if self._transport is not None:
            await self._transport.aclose()


def http_client(timeout: float) -> httpx.Client:
    return httpx.Client(
        transport=httpx.HTTPTransport(**_plain_http()), mounts={"https://": _LazyTLS()}, timeout=timeout
    )


def async_http_client(timeout: float) -> httpx.AsyncClient:
    """An async client whose plain POSTs :func:`~fakekit.kept_post` may send itself."""
    return KeepingAsyncClient(
        transport=httpx.AsyncHTTPTransport(**_plain_http()),
        mounts={"https://": _LazyAsyncTLS()},
        timeout=timeout,
    )
