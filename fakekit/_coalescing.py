"""One write per answer: uvicorn's HTTP protocols with their writes joined per event-loop turn.

uvicorn's HTTP/1.1 protocols (``uvicorn/protocols/http/httptools_impl.py`` and ``h11_impl.py``, 0.54)
write a response's status line and headers on ``http.response.start`` and its body on each
``http.response.body`` with separate ``transport.write`` calls (h11 a third, empty one for the end of a
sized message). The transports send at once when their buffer is empty (asyncio's selector transport,
uvloop's streams), so a small answer is two ``send`` system calls, each a packet waking the client on
loopback (measurements in ``bench/findings.md``, "One write per answer").

:class:`CoalescingTransport` sits between the protocol and the real transport: writes made in the same
turn of the event loop are kept and handed to the real transport as one write when the turn's callbacks
are done (``loop.call_soon``), or as soon as the answer is complete (uvicorn's ``on_response_complete``).
A ``Content-Length`` answer is written by its handler without yielding to the loop between head and
body, so it leaves in one write; a streamed answer's chunk or a ``100 Continue`` leaves at the end of the
turn it was written in (nothing waits for more data). Closing or ``write_eof`` sends what is kept
first; ``abort`` drops it with the real transport's buffer. Kept bytes count in
:meth:`CoalescingTransport.get_write_buffer_size`, and once they reach :data:`FLUSH_AT` they are written
at once — so the real transport's flow control (``pause_writing`` on the protocol when its buffer passes
the high-water mark, which uvicorn's ``send`` then awaits) still applies to an answer streamed faster
than the client reads.

:func:`coalescing_protocol` makes the protocol class uvicorn is given (``uvicorn.Config(http=...)``
accepts a class): the stock protocol for a parser name (``"httptools"``, ``"h11"``: uvicorn's own
``HTTP_PROTOCOLS`` table) whose ``connection_made`` wraps the transport before the stock one stores it.
Those are the two hooks: uvicorn's protocol, its flow control and each request's cycle all reach the
connection through the transport given to ``connection_made``, and each cycle reports a finished answer
to the protocol's ``on_response_complete``. ``tests/fakekit/test_coalescing.py`` checks, for both
parsers, that an answer still reaches the socket in one write, before the turn ends, so a uvicorn that
writes or reports some other way fails there rather than silently losing the gain.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Iterable
from typing import Any, cast

__all__ = ["FLUSH_AT", "CoalescingTransport", "coalescing_protocol"]

# Kept bytes written at once from this size on: asyncio's and uvloop's default high-water mark (64 KiB),
# and uvicorn's HIGH_WATER_LIMIT. A small answer is far below it; a large body is written with its head.
FLUSH_AT = 64 * 1024


class CoalescingTransport(asyncio.Transport):
    """A transport that joins the writes of one event-loop turn into one write to ``inner``; every other
    call goes to ``inner`` (closing and ``write_eof`` send the kept bytes first)."""

    __slots__ = ("_inner", "_kept", "_kept_size", "_loop")

    def __init__(self, inner: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self._inner = inner
        self._loop = loop
        self._kept: list[bytes] = []
        self._kept_size = 0

    # --- writing --------------------------------------------------------------------------------------
    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not data:
            return
        if type(data) is not bytes:
            data = bytes(data)  # a caller may reuse its bytearray once write returns
        if not self._kept:
            self._loop.call_soon(self.flush)
        self._kept.append(data)
        self._kept_size += len(data)
        if self._kept_size >= FLUSH_AT:
            self.flush()

    def writelines(self, list_of_data: Iterable[bytes | bytearray | memoryview]) -> None:
        for data in list_of_data:
            self.write(data)

    def flush(self) -> None:
        """Hand the kept bytes to the real transport now, as one write."""
        kept = self._kept
        if not kept:
            return
        self._kept = []
        self._kept_size = 0
        self._inner.write(kept[0] if len(kept) == 1 else b"".join(kept))

    def get_write_buffer_size(self) -> int:
        return self._inner.get_write_buffer_size() + self._kept_size

    def write_eof(self) -> None:
        self.flush()
        self._inner.write_eof()

    def close(self) -> None:
        self.flush()
        self._inner.close()

    def abort(self) -> None:
        self._kept = []
        self._kept_size = 0
        self._inner.abort()

    # --- the rest is the real transport's ----------------------------------------------------------
    def can_write_eof(self) -> bool:
        return self._inner.can_write_eof()

    def get_write_buffer_limits(self) -> tuple[int, int]:
        return self._inner.get_write_buffer_limits()

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        self._inner.set_write_buffer_limits(high, low)

    def is_closing(self) -> bool:
        return self._inner.is_closing()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self._inner.get_extra_info(name, default)

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        self._inner.set_protocol(protocol)

    def get_protocol(self) -> asyncio.BaseProtocol:
        return self._inner.get_protocol()

    def is_reading(self) -> bool:
        return self._inner.is_reading()

    def pause_reading(self) -> None:
        self._inner.pause_reading()

    def resume_reading(self) -> None:
        self._inner.resume_reading()


class _CoalescedConnection(asyncio.Protocol):
    """Mixed in ahead of a uvicorn HTTP protocol: the connection's writes go through a
    :class:`CoalescingTransport`, and a finished answer is sent at once."""

    transport: asyncio.Transport

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        wrapped = CoalescingTransport(cast(asyncio.Transport, transport), asyncio.get_running_loop())
        super().connection_made(wrapped)

    def on_response_complete(self) -> None:
        # uvicorn's cycle calls this right after an answer's last write (both protocols): send it now
        # rather than at the end of the turn, which may come after other connections' work or, with
        # several servers in one process (``harness up``), after another thread took the GIL.
        transport = self.transport
        if isinstance(transport, CoalescingTransport):
            transport.flush()
        super().on_response_complete()  # type: ignore[misc]


@functools.cache
def coalescing_protocol(parser: str) -> type[asyncio.Protocol]:
    """uvicorn's HTTP protocol for ``parser`` (``"httptools"`` or ``"h11"``, as ``uvicorn.Config(http=)``
    names them) with one write per event-loop turn; made once per parser."""
    from uvicorn.config import HTTP_PROTOCOLS
    from uvicorn.importer import import_from_string

    base = import_from_string(HTTP_PROTOCOLS[parser])
    if not (isinstance(base, type) and issubclass(base, asyncio.Protocol)):
        raise TypeError(f"uvicorn's {parser!r} protocol is not an asyncio.Protocol class: {base!r}")
    name = f"Coalescing{base.__name__}"
    return cast(
        "type[asyncio.Protocol]",
        type(name, (_CoalescedConnection, base), {"__module__": __name__, "__qualname__": name}),
    )
