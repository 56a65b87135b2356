"""What the webhook tests share: a real receiver on a free port (``/fail`` answers 500) and the server-side
wait for a delivery (``/__harness/hook-deliveries/wait``)."""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from fake_logto import paths


class _Receiver(BaseHTTPRequestHandler):
    """Records every request; ``/fail`` answers 500 with a JSON body."""

    server: ReceiverServer

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["content-length"]))
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.server.received.append({"path": self.path, "headers": headers, "body": body})
        status, answer = (500, b'{"error":"down"}') if self.path == "/fail" else (200, b'{"ok":true}')
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *_args: Any) -> None:
        pass


class ReceiverServer(ThreadingHTTPServer):
    received: list[dict[str, Any]]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@contextmanager
def receiving() -> Iterator[ReceiverServer]:
    server = ReceiverServer(("127.0.0.1", 0), _Receiver)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def signature(key: str, body: bytes) -> str:
    """A plain HMAC-SHA256 of the raw body, hex: what a receiver checks ``logto-signature-sha-256`` with."""
    return hmac.new(key.encode(), body, hashlib.sha256).hexdigest()


def wait_delivery(
    control: httpx.Client,
    event: str,
    hook_id: str,
    matches: Callable[[dict[str, Any]], bool] = lambda _body: True,
    after: int = 0,
) -> dict[str, Any]:
    """The first delivery of ``event`` by ``hook_id`` (newer than the delivery id ``after``) whose sent body
    ``matches``, waited for server-side."""
    while True:
        params: dict[str, Any] = {"after": after, "event": event, "hook_id": hook_id, "timeout": 10}
        response = control.get(paths.HOOK_DELIVERIES_WAIT, params=params)
        assert response.status_code == 200, response.text
        items = response.json()["items"]
        assert items, f"no {event} delivery for {hook_id}"
        for item in items:
            if matches(item["request"]["body"]):
                return dict(item)
        after = items[-1]["id"]
