"""Listening sockets, bound before any server or event loop exists.

Binding first means a port in use fails at once with a message naming it, port 0 yields the free port
actually picked, and a server's URL is known before the (slow to import) server itself starts — which
lets ``harness up`` start the sample app while the fakes are still loading. No heavy imports here.
"""

from __future__ import annotations

import errno
import socket


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
        raise OSError(exc.errno, f"{what} cannot listen on {host} port {port}: {exc.strerror}") from exc
    sock.listen(512)
    sock.setblocking(False)
    return sock


def url_of(host: str, port: int) -> str:
    """``http://host:port`` with IPv6 hosts bracketed."""
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
