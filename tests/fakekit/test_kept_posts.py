"""``fakekit.kept_post``: what ``client.post`` would do — the same bytes on the wire, the same response —
over connections it keeps itself; anything it does not handle goes to httpx."""

from __future__ import annotations

import asyncio
import gzip
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import httpx
import pytest

from fakekit import async_http_client, kept_post

HEADERS = {
    "user-agent": "got (https://github.com/sindresorhus/got)",
    "content-type": "application/x-www-form-urlencoded",
    "authorization": "Basic YXBpOmtleQ==",
}
BODY = b"from=F+%3Cf%40d.test%3E&to=u%40e.com&subject=c+1"

Answer = Callable[[int], bytes]  # the n-th request on the server (from 0) -> the raw answer


def _plain(n: int) -> bytes:
    body = b'{"id":"<%d@d.test>","message":"Queued. Thank you."}' % n
    return b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n%s" % (
        len(body),
        body,
    )


@dataclass
class Server:
    """A loopback HTTP/1.1 server that records every request's raw bytes and each connection's count."""

    answer: Answer
    close_after_each: bool = False
    requests: list[bytes] = field(default_factory=list)
    connections: int = 0
    port: int = 0


def _read_request(conn: socket.socket, pending: bytearray) -> bytes | None:
    while b"\r\n\r\n" not in pending:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        pending += chunk
    head, _, rest = bytes(pending).partition(b"\r\n\r\n")
    length = next(
        (
            int(line.split(b":")[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length")
        ),
        0,
    )
    while len(rest) < length:
        rest += conn.recv(65536)
    pending[:] = rest[length:]
    return head + b"\r\n\r\n" + rest[:length]


@pytest.fixture
def serve() -> Iterator[Callable[..., Server]]:
    listeners: list[socket.socket] = []

    def start(answer: Answer = _plain, *, close_after_each: bool = False) -> Server:
        server = Server(answer, close_after_each)
        listener = socket.create_server(("127.0.0.1", 0))
        listeners.append(listener)
        server.port = listener.getsockname()[1]

        def handle(conn: socket.socket) -> None:
            pending = bytearray()
            with conn:
                while (request := _read_request(conn, pending)) is not None:
                    server.requests.append(request)
                    conn.sendall(server.answer(len(server.requests) - 1))
                    if server.close_after_each:
                        return

        def accept() -> None:
            while True:
                try:
                    conn, _ = listener.accept()
                except OSError:
                    return
                server.connections += 1
                threading.Thread(target=handle, args=(conn,), daemon=True).start()

        threading.Thread(target=accept, daemon=True).start()
        return server

    yield start
    for listener in listeners:
        listener.close()


def _run(work: Callable[[httpx.AsyncClient], object]) -> None:
    async def main() -> None:
        client = async_http_client(timeout=10)
        try:
            await work(client)  # type: ignore[misc]
        finally:
            await client.aclose()

    asyncio.run(main())


def _no_httpx_posts(client: httpx.AsyncClient) -> list[str]:
    """Make ``client.post`` record its URL and fail: kept_post must not have needed it."""
    called: list[str] = []

    async def refuse(url: str, **_kwargs: object) -> httpx.Response:
        called.append(url)
        raise AssertionError("kept_post went through httpx")

    client.post = refuse  # type: ignore[method-assign]
    return called


def _same(a: httpx.Response, b: httpx.Response) -> None:
    assert (a.status_code, a.headers.multi_items(), a.content) == (
        b.status_code,
        b.headers.multi_items(),
        b.content,
    )


def test_same_bytes_on_the_wire_and_same_response_as_httpx(serve: Callable[..., Server]) -> None:
    server = serve()
    url = f"http://127.0.0.1:{server.port}/v3/d.test/messages"

    async def work(client: httpx.AsyncClient) -> None:
        by_httpx = await client.post(url, headers=HEADERS, content=BODY)
        _no_httpx_posts(client)
        kept = await kept_post(client, url, HEADERS, BODY)
        assert server.requests[0] == server.requests[1]
        assert kept.json() == {"id": "<1@d.test>", "message": "Queued. Thank you."}
        assert by_httpx.json()["id"] == "<0@d.test>"
        assert (kept.status_code, kept.headers.multi_items()) == (200, by_httpx.headers.multi_items())
        assert kept.request.url == url

    _run(work)


def test_keeps_the_connection_and_makes_a_new_one_when_the_server_closed_it(
    serve: Callable[..., Server],
) -> None:
    kept = serve()
    closing = serve(close_after_each=True)

    async def work(client: httpx.AsyncClient) -> None:
        _no_httpx_posts(client)
        for _ in range(5):
            assert (
                await kept_post(client, f"http://127.0.0.1:{kept.port}/x", HEADERS, BODY)
            ).status_code == 200
        for _ in range(3):  # each idle connection is closed by then: a new one, nothing lost
            answer = await kept_post(client, f"http://127.0.0.1:{closing.port}/x", HEADERS, BODY)
            assert answer.status_code == 200
            await asyncio.sleep(0.05)

    _run(work)
    assert (kept.connections, len(kept.requests)) == (1, 5)
    assert (closing.connections, len(closing.requests)) == (3, 3)


CHUNKED = (
    b"HTTP/1.1 201 Created\r\ncontent-type: text/plain; charset=utf-8\r\ntransfer-encoding: chunked\r\n\r\n"
    b"5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n"
)
GZIPPED = gzip.compress(b'{"ok":true}')
ENCODED = (
    b"HTTP/1.1 200 OK\r\ncontent-encoding: gzip\r\ncontent-type: application/json\r\n"
    b"content-length: %d\r\n\r\n%s" % (len(GZIPPED), GZIPPED)
)
UNTIL_CLOSE = (
    b"HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\nno such domain"
)
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n" + _plain(0)


@pytest.mark.parametrize("raw", [CHUNKED, ENCODED, UNTIL_CLOSE, CONTINUE])
def test_answers_read_and_decoded_as_httpx_reads_them(serve: Callable[..., Server], raw: bytes) -> None:
    server = serve(lambda _n: raw, close_after_each=raw is UNTIL_CLOSE)
    url = f"http://127.0.0.1:{server.port}/v3/d.test/messages"

    async def work(client: httpx.AsyncClient) -> None:
        _same(
            await kept_post(client, url, HEADERS, BODY), await client.post(url, headers=HEADERS, content=BODY)
        )
        _same(
            await kept_post(client, url, HEADERS, BODY), await client.post(url, headers=HEADERS, content=BODY)
        )

    _run(work)
    assert len(set(server.requests)) == 1


@pytest.mark.parametrize(
    "path",
    ["/v3/d.test/messages?x=1", "/v3/a%20b/messages", "/caf\u00e9"],
)
def test_other_requests_go_through_httpx_with_the_same_bytes(serve: Callable[..., Server], path: str) -> None:
    server = serve()
    url = f"http://127.0.0.1:{server.port}{path}"

    async def work(client: httpx.AsyncClient) -> None:
        await client.post(url, headers=HEADERS, content=BODY)
        posted = client.post
        through: list[str] = []

        async def counted(url: str, **kwargs: object) -> httpx.Response:
            through.append(url)
            return await posted(url, **kwargs)  # type: ignore[arg-type]

        client.post = counted  # type: ignore[method-assign]
        await kept_post(client, url, HEADERS, BODY)
        assert through == [url]

    _run(work)
    assert server.requests[0] == server.requests[1]


def test_a_refused_connection_fails_as_httpx_fails() -> None:
    with socket.create_server(("127.0.0.1", 0)) as spare:
        port = spare.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v3/d.test/messages"

    async def work(client: httpx.AsyncClient) -> None:
        with pytest.raises(httpx.ConnectError) as by_httpx:
            await client.post(url, headers=HEADERS, content=BODY)
        with pytest.raises(httpx.ConnectError) as kept:
            await kept_post(client, url, HEADERS, BODY)
        assert str(kept.value) == str(by_httpx.value)

    _run(work)


def test_a_server_that_closes_without_answering_is_a_remote_protocol_error() -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def hang_up() -> None:
        for _ in range(2):
            conn, _ = listener.accept()
            _read_request(conn, bytearray())
            conn.close()

    threading.Thread(target=hang_up, daemon=True).start()
    url = f"http://127.0.0.1:{port}/x"

    async def work(client: httpx.AsyncClient) -> None:
        with pytest.raises(httpx.RemoteProtocolError) as by_httpx:
            await client.post(url, headers=HEADERS, content=BODY)
        with pytest.raises(httpx.RemoteProtocolError) as kept:
            await kept_post(client, url, HEADERS, BODY)
        assert str(kept.value) == str(by_httpx.value)

    try:
        _run(work)
    finally:
        listener.close()


def test_a_cookie_the_server_sets_is_kept_by_the_client_as_httpx_keeps_it(
    serve: Callable[..., Server],
) -> None:
    cookie = b"HTTP/1.1 200 OK\r\nset-cookie: sid=1; Path=/\r\ncontent-length: 2\r\n\r\nok"
    server = serve(lambda _n: cookie)
    url = f"http://127.0.0.1:{server.port}/x"

    async def work(client: httpx.AsyncClient) -> None:
        await kept_post(client, url, HEADERS, BODY)
        assert client.cookies.get("sid") == "1"
        await kept_post(client, url, HEADERS, BODY)  # the jar is not empty: httpx sends it

    _run(work)
    assert b"\r\nCookie: sid=1\r\n" in server.requests[1]
