"""A ``POST`` through an httpx client, sent over kept-alive connections of its own when the request is a
plain one: the same bytes on the wire and the same :class:`httpx.Response`, for a fraction of the CPU.

Why: a fake's outgoing request on a hot path (fake_logto's Mailgun connector, once per verification code)
costs about 1 ms of CPU in httpx's client and httpcore's pool, where writing the request and parsing the
answer (httptools, the server stack's parser) costs well under 0.1 ms.

:func:`kept_post` sends ``client.post(url, headers=headers, content=body)`` itself only when that request is
plain: ``http://`` to a lower-case host with an explicit port, a path of unreserved characters and no
query; a client with no auth, no event hooks, no cookies and no redirects followed (the
:func:`~fakekit.async_http_client` of the fakes). Its header block is the one httpx builds
(``client.build_request``, kept per URL and headers: ``Host``, the client's defaults with the request's
headers merged in, ``Content-Length`` last). Anything else — another request, no httptools, a connection
that cannot be made (the client then reports it as it always did) — goes through ``client.post``.

On a kept connection the server may have closed meanwhile (keep-alive timeout): a request that got no
byte of answer on a reused connection is sent again on a new one, as httpcore's pool never reuses a
connection it finds closed. The answer is read to its end (``Content-Length``, chunked, or until the
server closes), then decoded by httpx (``Content-Encoding``) as ``client.post`` would. A connection the
server wants closed (``Connection: close``, HTTP/1.0) is not kept.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import httpx

__all__ = ["KeepingAsyncClient", "kept_post"]

_PLAIN_URL = re.compile(r"http://([a-z0-9.-]+):([0-9]{1,5})(/[A-Za-z0-9._~/-]*)")
_MAX_IDLE = 8  # kept connections per (loop, host, port)
_MAX_HEADS = 64  # kept header blocks per client
_SENT_NOTHING_BACK = "Server disconnected without sending a response."

try:
    import httptools
except ImportError:  # pragma: no cover - the server stack's fallback platforms
    httptools = None  # type: ignore[assignment]


class _Answer(asyncio.Protocol):
    """One connection: the answer to the request in flight, parsed by httptools."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self._parser: Any = None
        self._done: asyncio.Future[None] | None = None
        self.status = 0
        self.headers: list[tuple[bytes, bytes]] = []
        self.body: list[bytes] = []
        self.got_bytes = False
        self.keep_alive = False

    # asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is no asyncio.Transport subclass

    def data_received(self, data: bytes) -> None:
        self.got_bytes = True
        if self._parser is None or self._done is None or self._done.done():
            self._close()  # an answer nobody asked for: the connection is unusable
            return
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._finish(httpx.RemoteProtocolError(str(exc) or type(exc).__name__))

    def eof_received(self) -> bool | None:
        self._lost()
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        self._lost()

    # httptools callbacks
    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name, value))

    def on_headers_complete(self) -> None:
        self.status = self._parser.get_status_code()

    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        if 100 <= self.status < 200:  # informational (100 Continue...): the answer follows, as h11 reads it
            self.status, self.headers, self.body = 0, [], []
            return
        self.keep_alive = bool(self._parser.should_keep_alive())
        self._finish(None)

    # ours
    def start(self) -> asyncio.Future[None]:
        self._parser = httptools.HttpResponseParser(self)
        self.status, self.headers, self.body, self.got_bytes, self.keep_alive = 0, [], [], False, False
        self._done = asyncio.get_running_loop().create_future()
        return self._done

    def _finish(self, error: Exception | None) -> None:
        done = self._done
        if done is not None and not done.done():
            if error is None:
                done.set_result(None)
            else:
                done.set_exception(error)

    def _lost(self) -> None:
        self.closed = True
        if self._done is None or self._done.done():
            return
        if self.status and self._until_close():
            self._finish(None)  # an answer delimited by the end of the connection
        elif self.got_bytes:
            self._finish(
                httpx.RemoteProtocolError("peer closed connection without sending complete message body")
            )
        else:
            self._finish(_Unanswered())

    def _until_close(self) -> bool:
        names = {name.lower() for name, _ in self.headers}
        return b"content-length" not in names and b"transfer-encoding" not in names

    def _close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()


class _Unanswered(Exception):
    """The connection closed before any byte of the answer."""


@dataclass(frozen=True)
class _Head:
    lines: bytes
    request: httpx.Request


class _Pool:
    def __init__(self) -> None:
        self.idle: dict[tuple[asyncio.AbstractEventLoop, str, int], list[_Answer]] = {}
        self.heads: dict[tuple[str, tuple[tuple[str, str], ...]], _Head | None] = {}

    def close(self) -> bool:
        """Close every kept connection (on its own loop); whether there was any."""
        closed = False
        for (loop, _host, _port), connections in self.idle.items():
            for connection in connections:
                closed = True
                if loop.is_closed():
                    continue
                try:
                    running = asyncio.get_running_loop()
                except RuntimeError:
                    running = None
                if running is loop:
                    connection._close()
                else:
                    loop.call_soon_threadsafe(connection._close)
        self.idle.clear()
        return closed


class KeepingAsyncClient(httpx.AsyncClient):
    """An httpx client whose plain POSTs :func:`kept_post` may send over connections it keeps here;
    closing the client closes them too."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.kept = _Pool()

    async def aclose(self) -> None:
        if self.kept.close():
            await asyncio.sleep(0)  # the transports' close callbacks run: the sockets are closed now
        await super().aclose()


def _plain_client(client: httpx.AsyncClient) -> bool:
    hooks = client.event_hooks
    return (
        httptools is not None
        and isinstance(client, KeepingAsyncClient)
        and client.auth is None
        and not client.follow_redirects
        and not hooks["request"]
        and not hooks["response"]
        and not client.cookies.jar
    )


def _head(client: httpx.AsyncClient, pool: _Pool, url: str, headers: dict[str, str]) -> _Head | None:
    """The request line and the header lines before Content-Length (``\r\n`` ending each) as httpx writes
    them, or None when httpx's request is not of the plain shape (then :func:`kept_post` leaves it to
    httpx)."""
    key = (url, tuple(headers.items()))
    if key in pool.heads:
        return pool.heads[key]
    request = client.build_request("POST", url, headers=headers, content=b"x")
    raw: Sequence[tuple[bytes, bytes]] = request.headers.raw
    head: _Head | None = None
    if raw and raw[-1] == (b"Content-Length", b"1") and str(request.url) == url:
        lines = [b"POST " + request.url.raw_path + b" HTTP/1.1\r\n"]
        lines += [name + b": " + value + b"\r\n" for name, value in raw[:-1]]
        # What a response's ``request`` is: this one, without its body (httpx's would hold the body too;
        # nothing here reads it, and one kept request spares parsing the URL per send).
        head = _Head(b"".join(lines), httpx.Request("POST", request.url, headers=raw[:-1]))
    if len(pool.heads) >= _MAX_HEADS:
        pool.heads.clear()
    pool.heads[key] = head
    return head


async def _connection(
    pool: _Pool, host: str, port: int, timeout: float | None
) -> tuple[_Answer, bool] | None:
    """An idle kept connection (reused: True), else a new one; None if none can be made."""
    loop = asyncio.get_running_loop()
    idle = pool.idle.get((loop, host, port), [])
    while idle:
        connection = idle.pop()
        if not connection.closed:
            return connection, True
    try:
        _transport, connection = await asyncio.wait_for(loop.create_connection(_Answer, host, port), timeout)
    except (OSError, TimeoutError):
        return None
    return connection, False


async def _exchange(connection: _Answer, request: bytes, timeout: float | None) -> None:
    done = connection.start()
    assert connection.transport is not None
    connection.transport.write(request)
    try:
        await asyncio.wait_for(done, timeout)
    except TimeoutError:
        connection._close()
        raise httpx.ReadTimeout("timed out") from None


async def kept_post(
    client: httpx.AsyncClient, url: str, headers: dict[str, str], body: bytes
) -> httpx.Response:
    """``client.post(url, headers=headers, content=body)``; see the module's docstring."""
    plain = _PLAIN_URL.fullmatch(url)
    if plain is None or not _plain_client(client):
        return await client.post(url, headers=headers, content=body)
    assert isinstance(client, KeepingAsyncClient)
    pool = client.kept
    head = _head(client, pool, url, headers)
    if head is None:
        return await client.post(url, headers=headers, content=body)
    host, port = plain.group(1), int(plain.group(2))
    request = b"%sContent-Length: %d\r\n\r\n%s" % (head.lines, len(body), body)
    timeout = client.timeout.read
    for _attempt in range(2):
        found = await _connection(pool, host, port, client.timeout.connect)
        if found is None:  # httpx makes (or fails to make) the connection, and says why
            return await client.post(url, headers=headers, content=body)
        connection, reused = found
        try:
            await _exchange(connection, request, timeout)
        except _Unanswered:
            connection._close()
            if reused:
                continue  # closed while it was idle: once more on a new connection
            raise httpx.RemoteProtocolError(_SENT_NOTHING_BACK) from None
        except BaseException:
            connection._close()
            raise
        break
    else:  # pragma: no cover - a new connection cannot be "reused"
        raise httpx.RemoteProtocolError(_SENT_NOTHING_BACK)
    if connection.keep_alive and not connection.closed:
        idle = pool.idle.setdefault((asyncio.get_running_loop(), host, port), [])
        if len(idle) < _MAX_IDLE:
            idle.append(connection)
        else:
            connection._close()
    else:
        connection._close()
    response = httpx.Response(
        connection.status,
        headers=connection.headers,
        stream=httpx.ByteStream(b"".join(connection.body)),
        request=head.request,
    )
    await response.aread()
    if "set-cookie" in response.headers:
        client.cookies.extract_cookies(response)  # as httpx's client keeps them (then: no longer plain)
    return response
