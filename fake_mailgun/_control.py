"""The mailbox control API under ``/__harness/``: read, wait for, and clear messages; inject faults; fire a
message's later events (opened, clicked, unsubscribed, complained, failed); follow an unsubscribe link.
The clock's route is :mod:`._clock_api`.

This is a stable contract (the harness client, the CLI, the inbox UI and other tools rely on it), and it
is what the OpenAPI schema at ``/openapi.json`` documents (bodies: :mod:`._control_models`). Errors are
:class:`fakekit.ControlError`, ``{"error": code, "message": text}``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from fakekit import ControlError, ErrorBody

from . import _mailbox_reads as reads
from . import _unsubscribe, paths
from ._control_models import (
    Deleted,
    EventSpec,
    FaultList,
    FaultSpec,
    Health,
    Message,
    MessageList,
    Status,
    WebhookDeliveryList,
)
from ._control_models import Event as EventBody
from ._control_models import Fault as FaultBody
from ._lifecycle import LifecycleError, fire
from ._state import State
from ._store import LATEST

_ERRORS: dict[int | str, dict[str, Any]] = {"4XX": {"model": ErrorBody, "description": "A control error"}}
router = APIRouter(tags=["mailbox control"], responses=_ERRORS)


def _documented(model: type[Any], status: int = 200) -> dict[str, Any]:
    """Route arguments documenting ``model`` as the answer, which the handler writes itself."""
    return {"response_model": None, "responses": {status: {"model": model, "description": "Success"}}}


def _bytes(media_type: str) -> dict[str, Any]:
    return {
        "response_class": Response,
        "responses": {
            200: {"description": "Success", "content": {media_type: {"schema": {"type": "string"}}}}
        },
    }


def _state(request: Request) -> State:
    state: State = request.app.state.fake_mailgun
    return state


@router.get(paths.HEALTH, summary="Liveness", **_documented(Health))
async def health(request: Request) -> dict[str, Any]:
    return reads.health(_state(request))


@router.get(paths.MAILBOX, summary="List messages, newest first", **_documented(MessageList))
async def list_messages(
    request: Request,
    to: str | None = Query(None, description="only messages to this address (to, cc or bcc)"),
    limit: int = Query(reads.DEFAULT_LIMIT, ge=1, le=reads.MAX_LIMIT),
) -> dict[str, Any]:
    return reads.listing(_state(request), to, limit)


@router.get(paths.MAILBOX_WAIT, summary="Wait server-side for a message", **_documented(Message))
async def wait_for_message(
    request: Request,
    to: str | None = Query(None, description="address to wait for (omit: any message)"),
    after: str | None = Query(None, description="a message id or 'latest': the first message newer than it"),
    timeout: float = Query(
        reads.DEFAULT_WAIT_SECONDS, gt=0, le=reads.MAX_WAIT_SECONDS, description="seconds to wait"
    ),
) -> Response:
    """Blocks until a message to ``to`` newer than ``after`` exists (without ``after``: the newest message
    to ``to``, if any, at once), then returns it; 408 on timeout. Waiters are woken by the store."""
    return await reads.wait(_state(request), to, after, timeout)


@router.get(paths.MAILBOX_MESSAGE, summary="One message (id or 'latest')", **_documented(Message))
async def get_message(
    request: Request, message_id: str, to: str | None = Query(None, description="with 'latest'")
) -> Response:
    return reads.answer(reads.message(_state(request), message_id, to))


@router.get(paths.MAILBOX_RAW, summary="A message's raw MIME source", **_bytes("message/rfc822"))
async def get_raw(request: Request, message_id: str, to: str | None = None) -> Response:
    message = reads.message(_state(request), message_id, to)
    return Response(message.raw, media_type="message/rfc822")


@router.get(paths.MAILBOX_ATTACHMENT, summary="One attachment's content", **_bytes("*/*"))
async def get_attachment(request: Request, message_id: str, index: int) -> Response:
    message = reads.message(_state(request), message_id, None)
    attachments = message.parsed.attachments
    if not 0 <= index < len(attachments):
        raise ControlError(404, "not_found", f"message {message_id} has no attachment {index}")
    att = attachments[index]
    disposition = f'attachment; filename="{att.filename}"' if att.filename else "attachment"
    return Response(att.content, media_type=att.content_type, headers={"Content-Disposition": disposition})


@router.delete(paths.MAILBOX, summary="Empty the mailbox", **_documented(Deleted))
async def clear_messages(request: Request) -> dict[str, Any]:
    return reads.clear(_state(request))


@router.post(
    paths.RESET,
    summary="Forget everything: messages, events, templates, webhooks, faults",
    **_documented(Status),
)
async def reset(request: Request) -> dict[str, Any]:
    _state(request).reset()
    return {"status": "reset"}


@router.post(paths.FAULTS, summary="Add a fault rule", status_code=201, **_documented(FaultBody, 201))
async def add_fault(request: Request, spec: FaultSpec) -> dict[str, Any]:
    try:
        fault = _state(request).faults.add(**spec.model_dump())
    except ValueError as exc:
        raise ControlError(400, "invalid_fault", str(exc)) from exc
    return fault.to_json()


@router.get(paths.FAULTS, summary="The active fault rules", **_documented(FaultList))
async def list_faults(request: Request) -> dict[str, Any]:
    return {"items": [f.to_json() for f in _state(request).faults.list()]}


@router.delete(paths.FAULTS, summary="Clear every fault rule", **_documented(Status))
async def clear_faults(request: Request) -> dict[str, Any]:
    _state(request).faults.clear()
    return {"status": "cleared"}


@router.get(
    paths.WEBHOOK_DELIVERIES,
    summary="Webhook posts made so far, with their answers",
    **_documented(WebhookDeliveryList),
)
async def webhook_deliveries(request: Request) -> dict[str, Any]:
    return {"items": list(_state(request).webhooks.deliveries)}


@router.post(
    paths.MAILBOX_EVENTS,
    summary="Fire a later event of a message (opened, clicked, unsubscribed, complained, failed)",
    status_code=201,
    **_documented(EventBody, 201),
)
async def fire_event(request: Request, message_id: str, spec: EventSpec) -> dict[str, Any]:
    """Records the event as Mailgun would (events API, logs, stats), updates the suppression lists (an
    unsubscribe, a complaint, a permanent bounce) and posts the signed webhook; answers the event."""
    state = _state(request)
    # A batch's copies share their Mailgun message id: the recipient's own copy (``latest`` stays latest).
    message = reads.message(state, message_id, spec.recipient if message_id != LATEST else None)
    details: dict[str, Any] = {
        "url": spec.url,
        "severity": spec.severity,
        "code": spec.code,
        "text": spec.message,
    }
    if spec.event == "unsubscribed":
        details["tags"] = spec.tags
    try:
        return fire(state, message, spec.event, spec.recipient or "", **details)
    except LifecycleError as exc:
        raise ControlError(400, "invalid_event", str(exc)) from exc


@router.get(paths.UNSUBSCRIBE, response_class=HTMLResponse, include_in_schema=False)
async def unsubscribe(request: Request, token: str) -> HTMLResponse:
    """Where ``%unsubscribe_url%`` links lead: unsubscribes, then says so (as Mailgun's page does)."""
    state = _state(request)
    client = request.client.host if request.client else "127.0.0.1"
    address = _unsubscribe.follow(state, token, request.headers.get("user-agent", ""), client)
    await state.webhooks.settle()
    status, body = _unsubscribe.page(address)
    return HTMLResponse(body, status_code=status)
