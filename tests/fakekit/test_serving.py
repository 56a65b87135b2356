"""The server stack both fakes run on (``fakekit/_serving.py``): uvloop + httptools where installed, asyncio's
loop + h11 where not."""

from __future__ import annotations

import asyncio
import importlib.util

import httpx
import pytest

from fakekit import _serving
from fakekit._coalescing import coalescing_protocol
from fakekit._serving import ReadyUvicorn, bind, loop_factory, run_in_thread, server_stack


async def _app(scope: dict[str, object], receive: object, send: object) -> None:
    loop = type(asyncio.get_running_loop()).__module__.split(".")[0]
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})  # type: ignore[operator]
    await send({"type": "http.response.body", "body": loop.encode()})  # type: ignore[operator]


def test_the_fast_stack_is_used_where_installed() -> None:
    assert importlib.util.find_spec("uvloop") is not None  # dependencies where the tests run
    assert importlib.util.find_spec("httptools") is not None
    assert server_stack() == ("uvloop", "httptools")
    server = ReadyUvicorn(_app)
    assert server.config.http is coalescing_protocol("httptools")  # one write per answer (test_coalescing)
    sock = bind("127.0.0.1", 0, "test")
    port = sock.getsockname()[1]

    async def serve(ready: object) -> None:
        await server.serve_until_stopped(sock, ready)  # type: ignore[arg-type]

    def stop() -> None:
        server.should_exit = True

    with run_in_thread("stack", serve, stop, None):
        assert httpx.get(f"http://127.0.0.1:{port}/").text == "uvloop"


def test_without_uvloop_and_httptools_the_stock_stack_serves(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_serving, "_available", lambda module: False)
    assert server_stack() == ("asyncio", "h11")
    assert loop_factory() is asyncio.new_event_loop
    assert ReadyUvicorn(_app).config.http is coalescing_protocol("h11")
