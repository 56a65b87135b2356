"""One write per answer (``fakekit/_coalescing.py``): the coalescing transport on its own, then uvicorn's
real protocols (httptools and h11, on uvloop and on asyncio's loop) behind it on a real socket.

The real-server tests are also the guard against uvicorn drifting: they count the writes that reach the
connection's real transport, so a uvicorn that stops writing through the transport it was given in
``connection_made``, or that yields to the loop between a response's head and body, fails here."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import uvicorn
from uvicorn.config import HTTP_PROTOCOLS
from uvicorn.importer import import_from_string

from fakekit import _serving
from fakekit._coalescing import FLUSH_AT, CoalescingTransport, coalescing_protocol
from fakekit._serving import ReadyUvicorn, bind, run_in_thread


# --- the transport alone ----------------------------------------------------------------------------
class _Inner(asyncio.Transport):
    """A stand-in real transport: records calls; past ``high`` buffered bytes it pauses its protocol, as
    asyncio's and uvloop's transports do."""

    def __init__(self, protocol: asyncio.Protocol | None = None, high: int = FLUSH_AT) -> None:
        super().__init__()
        self.calls: list[tuple[str, Any]] = []
        self.buffered = 0
        self.protocol = protocol
        self.high = high
        self.closing = False

    def write(self, data: Any) -> None:
        self.calls.append(("write", bytes(data)))
        self.buffered += len(data)
        if self.protocol is not None and self.buffered > self.high:
            self.protocol.pause_writing()

    def get_write_buffer_size(self) -> int:
        return self.buffered

    def close(self) -> None:
        self.calls.append(("close", None))
        self.closing = True

    def write_eof(self) -> None:
        self.calls.append(("write_eof", None))

    def abort(self) -> None:
        self.calls.append(("abort", None))

    def is_closing(self) -> bool:
        return self.closing

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 1)}.get(name, default)

    def pause_reading(self) -> None:
        self.calls.append(("pause_reading", None))

    def resume_reading(self) -> None:
        self.calls.append(("resume_reading", None))

    def can_write_eof(self) -> bool:
        return True


def _in_a_loop(body: Callable[[asyncio.AbstractEventLoop], Any]) -> None:
    async def main() -> None:
        await body(asyncio.get_running_loop())

    asyncio.run(main())


def test_writes_of_one_turn_leave_as_one_write_when_the_turn_ends() -> None:
    async def body(loop: asyncio.AbstractEventLoop) -> None:
        inner = _Inner()
        transport = CoalescingTransport(inner, loop)
        transport.write(b"HTTP/1.1 200 OK\r\n\r\n")
        transport.write(bytearray(b"body"))
        transport.write(b"")
        transport.writelines([b"-", memoryview(b"more")])
        assert inner.calls == []
        assert transport.get_write_buffer_size() == 19 + 4 + 1 + 4
        await asyncio.sleep(0)
        assert inner.calls == [("write", b"HTTP/1.1 200 OK\r\n\r\nbody-more")]
        assert transport.get_write_buffer_size() == 28  # now in the real transport's buffer
        transport.write(b"next turn")
        await asyncio.sleep(0)
        assert inner.calls[1:] == [("write", b"next turn")]

    _in_a_loop(body)


def test_close_and_write_eof_send_what_is_kept_first_and_abort_drops_it() -> None:
    async def body(loop: asyncio.AbstractEventLoop) -> None:
        inner = _Inner()
        transport = CoalescingTransport(inner, loop)
        transport.write(b"a")
        transport.write(b"b")
        transport.write_eof()
        transport.write(b"c")
        transport.close()
        assert inner.calls == [("write", b"ab"), ("write_eof", None), ("write", b"c"), ("close", None)]
        assert transport.is_closing()
        dropped = _Inner()
        aborted = CoalescingTransport(dropped, loop)
        aborted.write(b"never sent")
        aborted.abort()
        await asyncio.sleep(0)
        assert dropped.calls == [("abort", None)]
        assert aborted.get_write_buffer_size() == 0

    _in_a_loop(body)


def test_reaching_the_flush_size_writes_at_once_so_flow_control_still_pauses() -> None:
    class Paused(asyncio.Protocol):
        paused = False

        def pause_writing(self) -> None:
            self.paused = True

    async def body(loop: asyncio.AbstractEventLoop) -> None:
        protocol = Paused()
        inner = _Inner(protocol, high=FLUSH_AT // 2)  # a client that reads slowly: the socket took half
        transport = CoalescingTransport(inner, loop)
        chunk = b"x" * 16384
        for _ in range(FLUSH_AT // len(chunk) - 1):
            transport.write(chunk)
        assert inner.calls == []
        assert not protocol.paused
        transport.write(chunk)
        assert inner.calls == [("write", chunk * (FLUSH_AT // len(chunk)))]  # no turn ended in between
        assert protocol.paused  # the real transport saw the bytes and paused the writer
        transport.write(b"!")
        assert transport.get_write_buffer_size() == FLUSH_AT + 1

    _in_a_loop(body)


def test_everything_else_is_the_real_transports() -> None:
    async def body(loop: asyncio.AbstractEventLoop) -> None:
        inner = _Inner()
        transport = CoalescingTransport(inner, loop)
        assert transport.get_extra_info("peername") == ("127.0.0.1", 1)
        assert transport.get_extra_info("nothing", 7) == 7
        transport.pause_reading()
        transport.resume_reading()
        assert transport.can_write_eof()
        assert inner.calls == [("pause_reading", None), ("resume_reading", None)]

    _in_a_loop(body)


# --- uvicorn's protocols behind it, on a real socket ----------------------------------------------------
class _Recording(asyncio.Transport):
    """Between the real transport and the coalescing one: records each write that reaches the socket."""

    def __init__(self, inner: asyncio.Transport, writes: list[bytes]) -> None:
        super().__init__()
        self._inner = inner
        self._writes = writes

    def write(self, data: Any) -> None:
        self._writes.append(bytes(data))
        self._inner.write(data)

    def close(self) -> None:
        self._inner.close()

    def is_closing(self) -> bool:
        return self._inner.is_closing()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self._inner.get_extra_info(name, default)

    def pause_reading(self) -> None:
        self._inner.pause_reading()

    def resume_reading(self) -> None:
        self._inner.resume_reading()

    def get_write_buffer_size(self) -> int:
        return self._inner.get_write_buffer_size()


def _recording_protocol(parser: str, writes: list[bytes]) -> type[asyncio.Protocol]:
    base = coalescing_protocol(parser)

    def connection_made(self: asyncio.Protocol, transport: asyncio.BaseTransport) -> None:
        base.connection_made(self, _Recording(transport, writes))  # type: ignore[arg-type]

    return type("Recording", (base,), {"connection_made": connection_made})


STACKS = [("uvloop", "httptools"), ("uvloop", "h11"), ("asyncio", "httptools"), ("asyncio", "h11")]


@pytest.fixture(params=STACKS, ids=["-".join(s) for s in STACKS])
def stack(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    loop, parser = request.param
    if loop == "asyncio":
        monkeypatch.setattr(_serving, "loop_factory", lambda: asyncio.new_event_loop)
    return loop, parser


@pytest.fixture
def served(stack: tuple[str, str]) -> Callable[[Any], Any]:
    """``served(app)``: a context manager serving ``app`` on the stack, yielding (port, writes)."""
    import contextlib

    @contextlib.contextmanager
    def serve(app: Any) -> Iterator[tuple[int, list[bytes]]]:
        writes: list[bytes] = []
        server = ReadyUvicorn(app)
        server.config.http = _recording_protocol(stack[1], writes)
        sock = bind("127.0.0.1", 0, "test")
        port = sock.getsockname()[1]

        async def run(ready: Callable[[], None]) -> None:
            await server.serve_until_stopped(sock, ready)

        def stop() -> None:
            server.should_exit = True

        with run_in_thread("coalescing", run, stop, None):
            yield port, writes

    return serve


def _connect(port: int) -> socket.socket:
    client = socket.create_connection(("127.0.0.1", port), timeout=10)
    client.settimeout(10)  # a bound on a hang, not a timing assertion: an answer held back fails here
    return client


def _read_until(client: socket.socket, marker: bytes, have: bytes = b"") -> bytes:
    while marker not in have:
        data = client.recv(65536)
        if not data:
            break
        have += data
    return have


async def _fixed(scope: dict[str, Any], receive: Any, send: Any) -> None:
    body = b'{"issuer":"http://localhost"}'
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def test_the_protocols_are_uvicorns_own_with_the_transport_wrapped() -> None:
    for parser in ("httptools", "h11"):
        made = coalescing_protocol(parser)
        assert made is coalescing_protocol(parser)  # made once
        assert issubclass(made, import_from_string(HTTP_PROTOCOLS[parser]))
        assert made.__module__ == "fakekit._coalescing"
    assert ReadyUvicorn(_fixed).config.http is coalescing_protocol(_serving.server_stack()[1])


def test_a_sized_answer_reaches_the_socket_in_one_write(served: Callable[[Any], Any]) -> None:
    with served(_fixed) as (port, writes), _connect(port) as client:
        for _ in range(3):  # keep-alive: each answer one write
            client.sendall(b"GET /.well-known/openid-configuration HTTP/1.1\r\nHost: x\r\n\r\n")
            answer = _read_until(client, b'"}')
            assert answer.startswith(b"HTTP/1.1 200 OK\r\n")
            assert answer.endswith(b'\r\n\r\n{"issuer":"http://localhost"}')
        assert writes == [answer] * 3


def test_a_finished_answer_leaves_before_the_turn_ends(served: Callable[[Any], Any]) -> None:
    seen_by_the_app: list[int] = []
    recorded = threading.Event()
    writes_of: list[list[bytes]] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await _fixed(scope, receive, send)
        seen_by_the_app.append(len(writes_of[0]))  # same turn as the last send: no loop turn ended yet
        recorded.set()

    with served(app) as (port, writes), _connect(port) as client:
        writes_of.append(writes)
        client.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert _read_until(client, b'"}').endswith(b'"}')
        assert recorded.wait(10)
        assert seen_by_the_app == [1]  # uvicorn's on_response_complete sent it


def test_a_streamed_answer_is_not_held_back(served: Callable[[Any], Any]) -> None:
    first_seen = threading.Event()

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/event-stream")],
            }
        )
        await send({"type": "http.response.body", "body": b"data: first\n\n", "more_body": True})
        # the rest only once the client has the first event: held back, it never would
        await asyncio.get_running_loop().run_in_executor(None, first_seen.wait, 10)
        await send({"type": "http.response.body", "body": b"data: last\n\n", "more_body": False})

    with served(app) as (port, writes), _connect(port) as client:
        client.sendall(b"GET /events HTTP/1.1\r\nHost: x\r\n\r\n")
        have = _read_until(client, b"data: first\n\n")
        assert b"data: first\n\n" in have
        first_seen.set()
        have = _read_until(client, b"0\r\n\r\n", have)
        assert have.endswith(b"data: last\n\n\r\n0\r\n\r\n")
        assert len(writes) == 2  # head with the first chunk, then the last chunk with the end


def test_a_long_poll_answers_when_woken(served: Callable[[Any], Any]) -> None:
    woken = asyncio.Event()

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["path"] == "/wake":
            woken.set()
            await _fixed(scope, receive, send)
            return
        await woken.wait()
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"5")]})
        await send({"type": "http.response.body", "body": b"woken"})

    with served(app) as (port, _writes), _connect(port) as waiter, _connect(port) as waker:
        waiter.sendall(b"GET /wait HTTP/1.1\r\nHost: x\r\n\r\n")
        waker.sendall(b"GET /wake HTTP/1.1\r\nHost: x\r\n\r\n")
        assert _read_until(waker, b'"}').endswith(b'"}')
        assert _read_until(waiter, b"woken").endswith(b"\r\n\r\nwoken")


def test_100_continue_leaves_before_the_body_is_awaited(served: Callable[[Any], Any]) -> None:
    async def echo(scope: dict[str, Any], receive: Any, send: Any) -> None:
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})

    with served(echo) as (port, _writes), _connect(port) as client:
        client.sendall(b"POST /send HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
        assert _read_until(client, b"\r\n\r\n").startswith(b"HTTP/1.1 100 Continue\r\n")
        client.sendall(b"hello")
        assert _read_until(client, b"hello").endswith(b"\r\n\r\nhello")


def test_a_large_streamed_answer_is_written_in_bounded_pieces(served: Callable[[Any], Any]) -> None:
    chunk = b"y" * 16384
    count = 256  # 4 MiB, sent without the app yielding to the loop between chunks

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        headers = [(b"content-length", str(len(chunk) * count).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        for i in range(count):
            await send({"type": "http.response.body", "body": chunk, "more_body": i < count - 1})

    with served(app) as (port, writes), _connect(port) as client:
        client.sendall(b"GET /big HTTP/1.1\r\nHost: x\r\n\r\n")
        head = _read_until(client, b"\r\n\r\n")
        received = len(head.partition(b"\r\n\r\n")[2])
        while received < len(chunk) * count:
            data = client.recv(1 << 20)
            assert data
            received += len(data)
        assert received == len(chunk) * count
        assert max(len(w) for w in writes) <= FLUSH_AT + len(chunk) + 512  # never all kept at once
        assert sum(len(w) for w in writes) == len(head.partition(b"\r\n\r\n")[0]) + 4 + received


def test_uvicorn_config_takes_the_class() -> None:
    config = uvicorn.Config(_fixed, http=coalescing_protocol("h11"))
    config.load()
    assert config.http_protocol_class is coalescing_protocol("h11")
