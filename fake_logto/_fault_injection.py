"""Applies :mod:`._faults`' rules: an ASGI middleware before the routes (inside CORS, so a browser sees a
faulted answer as it would Logto's) that delays, drops or answers a matching request of the Logto surface
and records each applied fault in the debug view (``kind: "fault"``). Control paths are never faulted.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fakekit import drop_connection

from . import _auth_errors, _errors, paths
from ._faults import OAUTH_ERRORS, Fault, phrase
from ._tenant import Tenant


async def _response(tenant: Tenant, request: Request, fault: Fault) -> Response:
    """What a fault answers once its delay is over, each error rendered by its one handler."""
    if fault.error is not None:
        status, default = OAUTH_ERRORS[fault.error]
        description = default if fault.error_description is None else fault.error_description
        if request.url.path == paths.AUTH:
            items = list(request.query_params.multi_items())
            error = _auth_errors.early_error(tenant, items, fault.error, description)
        else:
            error = _errors.OAuthError(fault.error, description, fault.status or status)
        return await _errors.handle_oauth(request, error)
    if fault.code is not None:
        return await _errors.handle_logto(request, _errors.LogtoError(fault.code, fault.status or 400))
    # A status alone; or a drop with no connection to drop (an in-process ASGI transport): a gateway's 502.
    status = fault.status or 502
    return PlainTextResponse(phrase(status) or "Error", status_code=status)


class FaultInjection:
    """ASGI middleware: before the routes, let a fault answer (or delay) a request of the Logto surface."""

    def __init__(self, app: ASGIApp, tenant: Tenant) -> None:
        self.app, self.tenant = app, tenant

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path, method = scope.get("path", ""), scope.get("method", "")
        faults = self.tenant.faults
        if scope["type"] != "http" or path.startswith(paths.CONTROL) or not faults.list():
            await self.app(scope, receive, send)
            return
        body: bytes | None = None
        grant_type = None
        if faults.wants_grant_type(method, path):
            body = await _read_body(receive)
            grant_type = dict(parse_qsl(body.decode("latin-1"))).get("grant_type")
        fault = faults.take(method, path, grant_type)
        downstream = receive if body is None else _replay(body, receive)
        if fault is None:
            await self.app(scope, downstream, send)
            return
        request = Request(scope, downstream)
        self.tenant.events.record(
            "fault", client_id=request.query_params.get("client_id"), endpoint=path, method=method,
            rule=fault.id, answer=fault.answer, delay_ms=fault.delay_ms,
        )  # fmt: skip
        if fault.delay_ms:
            await self.tenant.clock.hold(fault.delay_ms / 1000)
        if fault.answer == "delay":
            await self.app(scope, downstream, send)
        elif fault.drop and await drop_connection(receive):
            return
        else:
            await (await _response(self.tenant, request, fault))(scope, downstream, send)


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives the body already read once, then defers to the server's."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed
