"""Load generators on raw asyncio sockets: HTTP/1.1 keep-alive requests and SMTP sessions.

Raw sockets rather than an HTTP client library, so the generator costs little next to the servers it
measures (the same generator for the harness and every peer, on the same machine). Every load is bounded
in count and in time and stops by itself; every target is on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import Callable
from dataclasses import dataclass

from ._proc import LOOPBACK

# A worker's request source: given the worker's previous response body (None at first), the next request.
NextRequest = Callable[[bytes | None], bytes]
RequestSource = bytes | Callable[[int], NextRequest]


@dataclass
class LoadResult:
    done: int
    errors: int
    seconds: float
    first_error: str | None = None

    @property
    def rate(self) -> float:
        return self.done / self.seconds if self.seconds > 0 else 0.0

    def check(self, what: str) -> LoadResult:
        if self.errors:
            raise RuntimeError(
                f"{what}: {self.errors} of {self.done + self.errors} failed: {self.first_error}"
            )
        if self.done == 0:
            raise RuntimeError(f"{what}: nothing completed")
        return self


def http_request(
    method: str,
    path: str,
    port: int,
    *,
    body: bytes = b"",
    content_type: str | None = None,
    basic: tuple[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> bytes:
    """One HTTP/1.1 keep-alive request, as bytes."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {LOOPBACK}:{port}", "Accept: */*"]
    if basic is not None:
        token = base64.b64encode(f"{basic[0]}:{basic[1]}".encode()).decode()
        lines.append(f"Authorization: Basic {token}")
    if content_type is not None:
        lines.append(f"Content-Type: {content_type}")
    if body or method in ("POST", "PUT"):
        lines.append(f"Content-Length: {len(body)}")
    lines.extend(f"{k}: {v}" for k, v in (headers or {}).items())
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """(status, body, server closes) of one HTTP/1.1 response."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length: int | None = None
    chunked = close = False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        key = name.strip().lower()
        if key == b"content-length":
            length = int(value.strip())
        elif key == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
        elif key == b"connection" and b"close" in value.lower():
            close = True
    if chunked:
        parts = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0].strip(), 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                break
            parts.append((await reader.readexactly(size + 2))[:-2])
        body = b"".join(parts)
    elif length is not None:
        body = await reader.readexactly(length)
    else:
        body = await reader.read()
        close = True
    return status, body, close


async def _http_worker(
    port: int,
    source: NextRequest,
    counter: list[int],
    result: LoadResult,
    expect: frozenset[int],
    deadline: float,
) -> None:
    reader, writer = await asyncio.open_connection(LOOPBACK, port)
    previous: bytes | None = None
    try:
        while counter[0] > 0 and time.monotonic() < deadline:
            counter[0] -= 1
            writer.write(source(previous))
            status, previous, close = await read_response(reader)
            if status in expect:
                result.done += 1
            else:
                result.errors += 1
                result.first_error = result.first_error or f"status {status}: {previous[:200]!r}"
            if close:
                writer.close()
                reader, writer = await asyncio.open_connection(LOOPBACK, port)
    finally:
        writer.close()


def http_load(
    port: int,
    source: RequestSource,
    total: int,
    concurrency: int,
    *,
    expect: frozenset[int] = frozenset({200}),
    time_limit: float = 60,
) -> LoadResult:
    """Send ``total`` requests over ``concurrency`` keep-alive connections; stop early at ``time_limit``."""

    async def main() -> LoadResult:
        result = LoadResult(done=0, errors=0, seconds=0)
        counter = [total]
        deadline = time.monotonic() + time_limit
        sources = [
            (lambda _previous, fixed=source: fixed) if isinstance(source, bytes) else source(i)
            for i in range(concurrency)
        ]
        started = time.perf_counter()
        await asyncio.gather(*(_http_worker(port, s, counter, result, expect, deadline) for s in sources))
        result.seconds = time.perf_counter() - started
        return result

    return asyncio.run(main())


# --- SMTP -------------------------------------------------------------------------------------------
async def _reply(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """One (possibly multi-line) SMTP reply: its code and last line."""
    while True:
        line = await reader.readuntil(b"\r\n")
        if line[3:4] != b"-":
            return int(line[:3]), line


def smtp_message(index: int, sender: str = "bench@example.test") -> tuple[str, bytes]:
    """(recipient, MIME) of a small sign-in-code message, as an app's mailer would send it."""
    to = f"user{index}@example.test"
    code = f"{index % 1_000_000:06d}"
    mime = (
        f"From: Bench <{sender}>\r\nTo: <{to}>\r\nSubject: {code} is your sign-in code\r\n"
        f"Message-ID: <bench-{index}@example.test>\r\nDate: Mon, 02 Nov 2026 10:00:00 +0000\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        f"Your sign-in code is {code}.\r\n"
    )
    return to, mime.encode()


async def _smtp_worker(port: int, counter: list[int], result: LoadResult, deadline: float) -> None:
    reader, writer = await asyncio.open_connection(LOOPBACK, port)
    try:

        async def command(line: bytes, want: int) -> bool:
            writer.write(line)
            code, text = await _reply(reader)
            if code != want:
                result.errors += 1
                result.first_error = result.first_error or f"{line[:40]!r} → {text!r}"
                return False
            return True

        code, text = await _reply(reader)
        if code != 220 or not await command(b"EHLO bench.example.test\r\n", 250):
            result.errors += 1
            result.first_error = result.first_error or f"greeting/EHLO failed: {text!r}"
            return
        while counter[0] > 0 and time.monotonic() < deadline:
            counter[0] -= 1
            to, mime = smtp_message(counter[0])
            if not (
                await command(b"MAIL FROM:<bench@example.test>\r\n", 250)
                and await command(f"RCPT TO:<{to}>\r\n".encode(), 250)
                and await command(b"DATA\r\n", 354)
                and await command(mime + b".\r\n", 250)
            ):
                await command(b"RSET\r\n", 250)
                continue
            result.done += 1
        writer.write(b"QUIT\r\n")
        await _reply(reader)
    finally:
        writer.close()


def smtp_load(port: int, total: int, concurrency: int, *, time_limit: float = 120) -> LoadResult:
    """Deliver ``total`` messages over ``concurrency`` SMTP sessions (one message after another on each,
    no pipelining: as mailers send); stop early at ``time_limit``."""

    async def main() -> LoadResult:
        result = LoadResult(done=0, errors=0, seconds=0)
        counter = [total]
        deadline = time.monotonic() + time_limit
        started = time.perf_counter()
        await asyncio.gather(*(_smtp_worker(port, counter, result, deadline) for _ in range(concurrency)))
        result.seconds = time.perf_counter() - started
        return result

    return asyncio.run(main())
