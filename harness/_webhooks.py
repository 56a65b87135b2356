"""A webhook receiver for tests: an HTTP server on a free loopback port that records every delivery — the
raw body and the headers as they came, so a test can check ``logto-signature-sha-256`` itself — and lets
a test wait for a delivery of an event (a condition, not a sleep).

``receiver.register("PostRegister", "User.Created")`` makes it a hook of the tenant for those events, as
an admin adds one in the Console: through Logto's ``POST /api/hooks`` with the harness's Management API
token (:func:`register_by_api`), deleted by ``DELETE /api/hooks/{id}`` when the receiver stops.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from ._errors import UsageError, WebhookTimeout

if TYPE_CHECKING:
    from ._harness import Harness

SIGNATURE_HEADER = "logto-signature-sha-256"
Registration = tuple[dict[str, Any], Callable[[], None]]  # the hook (Logto's shape), and its removal


@dataclass(frozen=True)
class Delivery:
    """One request the receiver got: ``body`` exactly as sent (what the signature covers), ``headers``
    with lower-case names."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def event(self) -> str | None:
        try:
            payload = self.json
        except ValueError:
            return None
        return payload.get("event") if isinstance(payload, dict) else None

    @property
    def signature(self) -> str | None:
        """The ``logto-signature-sha-256`` header."""
        return self.headers.get(SIGNATURE_HEADER)


def register_by_api(harness: Harness, table: dict[str, Any]) -> Registration:
    """The hook by Logto's ``POST /api/hooks`` (routes/hook.ts: ``{name, events, config: {url, headers}}``,
    201 with the hook and its ``signingKey``), deleted by ``DELETE /api/hooks/{id}`` afterwards."""
    management = harness.client.management
    body = {
        "name": table["name"],
        "events": table["events"],
        "config": {"url": table["url"], "headers": table.get("headers", {})},
    }
    hook: dict[str, Any] = management.post("/api/hooks", body)
    return hook, lambda: management.delete(f"/api/hooks/{hook['id']}")


@dataclass
class _Recorded:
    deliveries: list[Delivery] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)
    status: int = 200


def _handler(recorded: _Recorded) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _record(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {name.lower(): value for name, value in self.headers.items()}
            with recorded.changed:
                recorded.deliveries.append(Delivery(self.command, self.path, headers, body))
                status = recorded.status
                recorded.changed.notify_all()
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

        do_POST = do_PUT = do_PATCH = do_GET = _record

        def log_message(self, format: str, *args: Any) -> None:  # quiet: the test reads the record
            pass

    return Handler


class WebhookReceiver:
    """``with WebhookReceiver() as receiver:`` — listening on ``receiver.url`` for the block; ``harness``
    (optional): the running harness :meth:`register` makes it a hook of."""

    def __init__(self, harness: Harness | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        self.harness = harness
        self._recorded = _Recorded()
        self._server = ThreadingHTTPServer((host, port), _handler(self._recorded))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None
        self._removals: list[Callable[[], None]] = []
        self.hook: dict[str, Any] | None = None  # the last registered hook, in Logto's shape

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/hooks"

    @property
    def signing_key(self) -> str:
        """The signing key of the hook :meth:`register` made."""
        if self.hook is None:
            raise UsageError("the receiver is not registered as a hook yet: call register(*events) first")
        return str(self.hook["signingKey"])

    @property
    def deliveries(self) -> list[Delivery]:
        with self._recorded.changed:
            return list(self._recorded.deliveries)

    def answer_with(self, status: int) -> None:
        """Answer later deliveries with ``status`` (200 until told), to see how the sender records a failure."""
        with self._recorded.changed:
            self._recorded.status = status

    def register(
        self, *events: str, name: str = "harness webhook receiver", headers: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """Make this receiver a hook of the harness's tenant for ``events`` (Logto's event names); undone
        when the receiver stops. Answers the hook (``id``, ``signingKey``, …)."""
        if self.harness is None:
            raise UsageError("this receiver has no harness to register with: WebhookReceiver(harness)")
        table: dict[str, Any] = {"name": name, "events": list(events), "url": self.url}
        if headers:
            table["headers"] = headers
        hook, remove = register_by_api(self.harness, table)
        self._removals.append(remove)
        self.hook = hook
        return hook

    def wait(self, event: str | None = None, timeout: float = 10, after: int = 0) -> Delivery:
        """The first delivery of ``event`` (any event if None) past the first ``after`` deliveries, waiting
        for it up to ``timeout`` seconds; :class:`WebhookTimeout` lists what came instead."""

        def found() -> Delivery | None:
            return next(
                (d for d in self._recorded.deliveries[after:] if event is None or d.event == event), None
            )

        with self._recorded.changed:
            if self._recorded.changed.wait_for(lambda: found() is not None, timeout):
                delivery = found()
                assert delivery is not None
                return delivery
            got = [d.event or f"{d.method} {d.path}" for d in self._recorded.deliveries]
        what = f"{event} delivery" if event else "delivery"
        raise WebhookTimeout(
            f"no {what} reached {self.url} within {timeout:g} s; it got: {', '.join(map(str, got)) or 'nothing'}"
        )

    def start(self) -> WebhookReceiver:
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="webhook-receiver", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        try:
            while self._removals:
                self._removals.pop()()
        finally:
            if self._thread is not None:  # shutdown() waits for serve_forever: only once it runs
                self._server.shutdown()
                self._thread.join(10)
            self._server.server_close()

    def __enter__(self) -> WebhookReceiver:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
