"""``POST /api/hooks/{id}/test``: a sample payload of each event, sent to the ``config`` given (not the
hook's own), signed with the hook's signing key, as Logto's ``libraries/hook/index.ts``
(``triggerTestHook``) and ``libraries/hook/utils.ts`` (``generateHookTestPayload``, ``sendWebhookRequest``).

An answer outside 2xx → 422 ``hook.endpoint_responded_with_error`` with ``data: {responseStatus,
responseBody}`` (the body as text); no answer (a URL that does not parse, a refused connection, a timeout)
→ 422 ``hook.send_test_payload_failed``, "Failed to send test payload: <the error as Node prints it>".
Like Logto, test sends are not logged (not in ``recent-logs`` nor the execution stats); the debug view
shows them as ``webhook`` events marked ``test``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from typing import TYPE_CHECKING, Any

from . import _hooks
from ._config import Hook
from ._errors import LogtoError
from ._hook_errors import fetch_error, send_errors

if TYPE_CHECKING:
    from ._tenant import Tenant

FAKE_USER_ID = "fake-id"
INTERACTION_EVENTS = ("PostRegister", "PostSignIn", "PostSignInAdaptiveMfaTriggered", "PostResetPassword")
DATA_CONTEXT: dict[str, Any] = {
    "path": "/fake-path/:id",
    "method": "POST",
    "status": 200,
    "params": {"id": FAKE_USER_ID},
    "data": {"result": "success"},
}


def _interaction_context(now_ms: int) -> dict[str, Any]:
    return {
        "sessionId": "fake-session-id",
        "userIp": "fake-user-ip",
        "userId": FAKE_USER_ID,
        "user": {
            "id": FAKE_USER_ID,
            "username": "fake-user",
            "primaryEmail": "fake-user@fake-service.com",
            "primaryPhone": "1234567890",
            "name": "Fake User",
            "avatar": "https://fake-service.com/avatars/fake-user.png",
            "customData": {"theme": "light"},
            "identities": {"google": {"userId": "fake-google-user-id"}},
            "profile": {},
            "applicationId": "fake-application-id",
            "cimdClientId": None,
            "isSuspended": False,
            "lastSignInAt": now_ms,
            "createdAt": now_ms,
            "updatedAt": now_ms,
        },
        "application": {
            "id": "fake-spa-application-id",
            "type": "SPA",
            "name": "Fake Application",
            "description": "Fake application data for testing",
        },
    }


def sample_payload(tenant: Tenant, hook_id: str, event: str) -> dict[str, Any]:
    """``generateHookTestPayload``: interaction events carry a fake user and application, the others a
    fake Management API context."""
    basic = {"hookId": hook_id, "createdAt": _hooks.created_at(tenant), "userAgent": "fake-user-agent"}
    if event in INTERACTION_EVENTS:
        return {"event": event, **basic, **_interaction_context(int(tenant.clock.now() * 1000))}
    return {"event": event, **basic, **DATA_CONTEXT}


async def _send_one(tenant: Tenant, target: Hook, event: str) -> LogtoError | None:
    body = _hooks.encode(sample_payload(tenant, target.id, event))
    headers = _hooks.request_headers(target, body)
    started = time.monotonic()
    status: int | None = None
    try:
        answer = await _hooks.post(tenant, target.url, headers, body)
        status = answer.status_code
        error = None
        if not answer.is_success:
            data = {"responseStatus": answer.status_code, "responseBody": answer.text}
            error = LogtoError("hook.endpoint_responded_with_error", 422, data)
    except send_errors() as exc:
        message = fetch_error(exc, target.url)
        error = LogtoError("hook.send_test_payload_failed", 422, message=message)
    tenant.events.record(
        "webhook", hook_id=target.id, event=event, url=target.url, status=status, test=True,
        result="Error" if error else "Success", error=error.message if error else None,
        duration_ms=round((time.monotonic() - started) * 1000, 1),
    )  # fmt: skip
    return error


async def send(tenant: Tenant, hook: Hook, events: tuple[str, ...], config: dict[str, Any]) -> None:
    """``triggerTestHook``: every event at once; the first failure answers."""
    target = dataclasses.replace(hook, url=config["url"], headers=config["headers"])
    errors = await asyncio.gather(*(_send_one(tenant, target, event) for event in events))
    failed = next((error for error in errors if error is not None), None)
    if failed is not None:
        raise failed
