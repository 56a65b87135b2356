"""Webhooks: the config's ``[[hooks]]`` fired by the Experience API as Logto fires them, signed, delivered
after the response, and every delivery recorded (:class:`HookDeliveries`, read by :mod:`._hooks_control`).

Follows Logto's ``packages/core/src/routes/experience/middleware/koa-experience-interaction-hooks.ts``
(:func:`with_hooks`: a route appends interaction results and data-hook contexts while it runs; after it
succeeds they are dispatched, never delaying nor failing the response), ``libraries/hook/index.ts``
(the payloads: :func:`interaction_payload`, :func:`data_payload`; a hook matches when enabled and listing
the event), ``libraries/hook/context-manager.ts`` (``User.*`` data carries the user picked by
``userInfoSelectFields``) and ``libraries/hook/utils.ts`` (``sendWebhookRequest``: ``POST`` of the JSON
payload with ``user-agent: Logto (https://logto.io/)``, the hook's headers, ``logto-signature-sha-256`` =
hex HMAC-SHA256 of that JSON with the signing key (``utils/sign.ts``), a 10 s timeout).

Retries: Logto passes ky 1.2.3 ``retry: {limit: 3}``, but ky retries only the methods of its default
``retry.methods`` (get, put, head, delete, options, trace), so a webhook ``POST`` is sent once; a non-2xx
answer or a network error is logged as ``result: "Error"`` with the error as Node prints it
(:func:`fetch_error`). Each delivery records ``attempts`` (always 1), ``createdAt`` (tenant clock, ms) and
``logId``: the record is also the ``logs`` row ``GET /api/hooks/{id}/recent-logs`` answers.

The hooks are ``tenant.config.hooks``: the config's, as ``/api/hooks`` (:mod:`._management_hooks`) changes
them; Management API data hooks are :mod:`._data_hooks`.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from fakekit import Waiters

from . import paths
from ._config import Hook
from ._hook_errors import fetch_error, http_error, send_errors
from ._store import new_id
from ._user_info import user_info

if TYPE_CHECKING:
    import httpx

    from ._store import User
    from ._tenant import Tenant

Handler = Callable[[Request], Awaitable[Response]]
USER_AGENT = "Logto (https://logto.io/)"
TIMEOUT = 10.0  # ky's `timeout: 10_000`
SIGNATURE_HEADER = "logto-signature-sha-256"
MAX_DELIVERIES = 10_000
# InteractionEvent → InteractionHookEvent (context-manager.ts ``interactionEventToHookEvent``).
HOOK_EVENT = {"Register": "PostRegister", "SignIn": "PostSignIn", "ForgotPassword": "PostResetPassword"}
# ApplicationType of @logto/schemas, by the config's application type.
APPLICATION_TYPES = {
    "traditional": "Traditional",
    "spa": "SPA",
    "native": "Native",
    "m2m": "MachineToMachine",
}


def sign(signing_key: str, body: bytes) -> str:
    """``utils/sign.ts``: hex HMAC-SHA256 of the JSON body."""
    return hmac.new(signing_key.encode(), body, hashlib.sha256).hexdigest()


# ``data`` is sent even when null (JSON keeps a null; a body koa never had is left out by the caller).
KEEP_NULL = frozenset({"data"})


def matches(hook: Hook, event: str) -> bool:
    """``buildWebhooks``' filter: enabled, and listing the event — the legacy single ``event`` only while
    ``events`` is empty (libraries/hook/index.ts)."""
    return hook.enabled and (event in hook.events if hook.events else hook.event == event)


def encode(payload: dict[str, Any]) -> bytes:
    """``JSON.stringify``: no spaces, non-ASCII kept, ``undefined`` (None here) members left out."""
    kept = {k: v for k, v in payload.items() if v is not None or k in KEEP_NULL}
    return json.dumps(kept, separators=(",", ":"), ensure_ascii=False).encode()


def request_headers(hook: Hook, body: bytes) -> dict[str, str]:
    """ky's headers: Logto's user agent, the hook's own (which may replace it), the signature (when the
    hook has a signing key), and the JSON content type unless the hook set one."""
    headers = {"user-agent": USER_AGENT}
    headers.update({k.lower(): v for k, v in hook.headers})
    if hook.signing_key:
        headers[SIGNATURE_HEADER] = sign(hook.signing_key, body)
    headers.setdefault("content-type", "application/json")
    return headers


@dataclass
class Metadata:
    """What ``koaExperienceInteractionHooks`` reads before the route runs."""

    interaction_event: str
    session_id: str  # the interaction's jti
    application_id: str
    user_agent: str | None
    ip: str | None
    email: str | None = None  # for the debug view only


@dataclass
class Pending:
    metadata: Metadata
    user_ids: list[str] = field(default_factory=list)
    data: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (event, its context)


_pending: contextvars.ContextVar[Pending | None] = contextvars.ContextVar("fake_logto_hooks", default=None)


def append_interaction(user_id: str) -> None:
    """``assignReleaseOnSuccessInteractionHookResult({userId})``: PostRegister/PostSignIn/PostResetPassword
    after the route succeeds."""
    pending = _pending.get()
    if pending is not None:
        pending.user_ids.append(user_id)


def append_data(event: str, user: User) -> None:
    """``appendDataHookContext(event, {user})``: the user picked now, sent as ``data``."""
    append_context(event, data=user_info(user))


def append_context(event: str, **context: Any) -> None:
    """``appendDataHookContext(event, context)`` without a user: the fields as given (e.g.
    ``Organization.Membership.Updated``'s ``organizationId`` and ``addedUserIds`` from JIT provisioning)."""
    pending = _pending.get()
    if pending is not None:
        pending.data.append((event, context))


def created_at(tenant: Tenant) -> str:
    moment = datetime.fromtimestamp(tenant.clock.now(), UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _application(tenant: Tenant, client_id: str) -> dict[str, Any] | None:
    app = tenant.config.application(client_id)
    if app is None:
        return None
    return {"id": app.id, "type": APPLICATION_TYPES[app.type], "name": app.name, "description": None}


def interaction_payload(tenant: Tenant, meta: Metadata, user_id: str) -> dict[str, Any]:
    """``triggerInteractionHooks``' payload, in its key order (``hookId`` is added last, per hook)."""
    user = tenant.store.users.get(user_id)
    return {
        "event": HOOK_EVENT[meta.interaction_event],
        "interactionEvent": meta.interaction_event,
        "createdAt": created_at(tenant),
        "sessionId": meta.session_id,
        "userAgent": meta.user_agent,
        "userId": user_id,
        "userIp": meta.ip,
        "user": user_info(user) if user else None,
        "application": _application(tenant, meta.application_id),
    }


def data_payload(tenant: Tenant, meta: Metadata, event: str, context: dict[str, Any]) -> dict[str, Any]:
    """``buildWebhooks``' payload for a data hook of the Experience API: the interaction metadata and
    ``ip``, no Management API context (``path``, ``method``, ``status``, ``params``, ``matchedRoute``),
    then the appended context (``data`` for a user event)."""
    return {
        "event": event,
        "createdAt": created_at(tenant),
        "interactionEvent": meta.interaction_event,
        "userAgent": meta.user_agent,
        "applicationId": meta.application_id,
        "sessionId": meta.session_id,
        "ip": meta.ip,
        "application": _application(tenant, meta.application_id),
        **context,
    }


class HookDeliveries:
    """Every delivery, oldest first, with a server-side wait (as :class:`~._events.EventLog`)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[dict[str, Any]] = []
        self._seq = 0
        self._waiters: Waiters[dict[str, Any]] = Waiters()
        self._tasks: set[asyncio.Task[None]] = set()

    def add(self, delivery: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self._seq += 1
            delivery = {"id": self._seq, **delivery}
            self._items.append(delivery)
            del self._items[:-MAX_DELIVERIES]
        self._waiters.notify(delivery)
        return delivery

    @staticmethod
    def _matches(item: dict[str, Any], after: int, event: str | None, hook_id: str | None) -> bool:
        return (
            item["id"] > after
            and (event is None or item["event"] == event)
            and (hook_id is None or item["hookId"] == hook_id)
        )

    def select(
        self, after: int = 0, event: str | None = None, hook_id: str | None = None
    ) -> list[dict[str, Any]]:
        with self._lock:
            return [d for d in self._items if self._matches(d, after, event, hook_id)]

    async def wait(
        self, after: int, timeout: float, event: str | None = None, hook_id: str | None = None
    ) -> list[dict[str, Any]]:
        """Matching deliveries newer than ``after``, waiting up to ``timeout`` s for the first one."""
        with self._lock:
            found = [d for d in self._items if self._matches(d, after, event, hook_id)]
            if found or timeout <= 0:
                return found
            waiter = self._waiters.expect(lambda d: self._matches(d, after, event, hook_id))
        if await self._waiters.wait(waiter, timeout) is None:
            return []
        return self.select(after, event, hook_id)

    def spawn(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def reset(self) -> None:
        with self._lock:
            self._items.clear()


def _parse(response: httpx.Response) -> dict[str, Any]:
    """``parseResponse``: the status and the body, as JSON when it parses."""
    try:
        body: Any = response.json()
    except ValueError:
        body = response.text
    return {"statusCode": response.status_code, "body": body}


async def post(tenant: Tenant, url: str, headers: dict[str, str], body: bytes) -> httpx.Response:
    """``sendWebhookRequest``'s ``POST`` (ky's 10 s timeout), header values as fetch's byte strings
    (latin-1); raises one of :func:`._hook_errors.send_errors`."""
    raw = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()]
    return await tenant.http.post(url, content=body, headers=raw, timeout=TIMEOUT, follow_redirects=True)


async def deliver(
    tenant: Tenant,
    hook: Hook,
    payload: dict[str, Any],
    *,
    flow: str | None = None,
    client_id: str | None = None,
    email: str | None = None,
) -> dict[str, Any]:
    """``sendWebhook``: one ``POST``, recorded as Logto logs it (``TriggerHook.<event>``); ``flow``,
    ``client_id`` and ``email`` file it in the debug view."""
    payload = {**payload, "hookId": hook.id}
    body = encode(payload)
    headers = request_headers(hook, body)
    response: dict[str, Any] | None = None
    error: str | None = None
    started = time.monotonic()
    try:
        answer = await post(tenant, hook.url, headers, body)
        response = _parse(answer)
        if not answer.is_success:  # ky throws HTTPError for any status outside 200-299
            error = http_error(answer)
    except send_errors() as exc:  # trySafe: a hook never crashes the app
        error = fetch_error(exc, hook.url)
    delivery = tenant.hooks.add(
        {
            "key": f"TriggerHook.{payload['event']}",
            "hookId": hook.id,
            "hookName": hook.name,
            "event": payload["event"],
            "url": hook.url,
            "request": {"headers": headers, "body": json.loads(body)},
            "response": response,
            "result": "Error" if error else "Success",
            "error": error,
            "attempts": 1,
            "durationMs": round((time.monotonic() - started) * 1000, 1),
            "createdAt": int(tenant.clock.now() * 1000),
            "logId": new_id(21),
        }
    )
    tenant.events.record(
        "webhook", flow=flow, client_id=client_id, email=email,
        delivery=delivery["id"], hook_id=hook.id, event=payload["event"], url=hook.url,
        status=response["statusCode"] if response else None, result=delivery["result"], error=error,
        duration_ms=delivery["durationMs"], request=delivery["request"], response=response,
    )  # fmt: skip
    return delivery


async def _dispatch(tenant: Tenant, pending: Pending) -> None:
    meta = pending.metadata
    payloads = [interaction_payload(tenant, meta, user_id) for user_id in pending.user_ids]
    payloads += [data_payload(tenant, meta, event, data) for event, data in pending.data]
    sends = [
        deliver(tenant, hook, payload, flow=meta.session_id, client_id=meta.application_id, email=meta.email)
        for payload in payloads
        for hook in tenant.config.hooks
        if matches(hook, payload["event"])
    ]
    await asyncio.gather(*sends)


def _metadata(tenant: Tenant, request: Request) -> Metadata | None:
    interaction = tenant.store.interactions.get(request.cookies.get(paths.INTERACTION_COOKIE) or "")
    if interaction is None or interaction.event is None:
        return None  # no interaction event yet: Logto's middleware appends nothing
    user = tenant.store.users.get(interaction.user_id or "")
    email = user.primary_email if user else None
    return Metadata(
        interaction_event=interaction.event,
        session_id=interaction.uid,
        application_id=interaction.client_id,
        user_agent=request.headers.get("user-agent"),
        ip=request.client.host if request.client else None,
        email=email,
    )


def with_hooks(tenant: Tenant, handler: Handler) -> Handler:
    """``koaExperienceInteractionHooks`` around an Experience API route."""

    @functools.wraps(handler)
    async def wrapped(request: Request) -> Response:
        if not tenant.config.hooks:  # nothing to deliver: no metadata to read either
            return await handler(request)
        meta = _metadata(tenant, request)
        if meta is None:
            return await handler(request)
        pending = Pending(meta)
        token = _pending.set(pending)
        try:
            response = await handler(request)
        finally:
            _pending.reset(token)
        if response.status_code < 400 and (pending.user_ids or pending.data):
            if meta.email is None and pending.data:
                data = pending.data[0][1].get("data")
                meta.email = data.get("primaryEmail") if isinstance(data, dict) else None
            tenant.hooks.spawn(_dispatch(tenant, pending))
        return response

    return wrapped
