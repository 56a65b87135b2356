"""The mailbox control API under ``/__harness/``: read, wait for, and clear messages; inject faults.

This is a stable contract (the harness client, the CLI, the inbox UI and other tools rely on it), and it
is what the OpenAPI schema at ``/openapi.json`` documents. Errors are ``{"error": code, "message": text}``.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from . import paths
from ._state import State
from ._store import UnknownMessage

router = APIRouter(tags=["mailbox control"])
MAX_WAIT_SECONDS = 300.0


class ControlError(Exception):
    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.status, self.error, self.message = status, error, message


async def handle_control_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ControlError)
    return JSONResponse({"error": exc.error, "message": exc.message}, status_code=exc.status)


def _state(request: Request) -> State:
    state: State = request.app.state.fake_mailgun
    return state


class MessageList(BaseModel):
    items: list[dict[str, Any]] = Field(description="messages, newest first (full message objects)")
    total: int = Field(description="how many messages match, before the limit")


class FaultSpec(BaseModel):
    """A fault rule. ``count`` (next N sends) or ``rate`` (a fraction of sends); neither: every send."""

    target: Literal["api", "smtp", "delivery"] = "api"
    status: int | None = Field(
        None, description="HTTP status for api (401, 429, 500, 503…), SMTP code for smtp/delivery (4xx/5xx)"
    )
    count: int | None = Field(None, ge=1)
    rate: float | None = Field(None, gt=0, le=1)
    latency_ms: int = Field(0, ge=0, le=60_000)
    retry_after: int = Field(0, ge=0, description="Retry-After seconds on a 429")
    message: str | None = Field(None, description="replace the default error text")
    seed: int | None = Field(None, description="seed the random choice of a rate fault")


def _message(state: State, message_id: str, to: str | None) -> Any:
    try:
        return state.mailbox.get(message_id, to)
    except UnknownMessage as exc:
        raise ControlError(404, "not_found", str(exc)) from exc


@router.get(paths.HEALTH, summary="Liveness")
async def health(request: Request) -> dict[str, Any]:
    state = _state(request)
    return {"status": "ok", "domains": list(state.settings.domains)}


@router.get(paths.MAILBOX, summary="List messages, newest first", response_model=MessageList)
async def list_messages(
    request: Request,
    to: str | None = Query(None, description="only messages to this address (to, cc or bcc)"),
    limit: int = Query(50, ge=1, le=10_000),
) -> MessageList:
    found = _state(request).mailbox.messages(to)
    return MessageList(items=[m.to_json() for m in found[:limit]], total=len(found))


@router.get(
    paths.MAILBOX_WAIT,
    summary="Wait server-side for a message",
    responses={408: {"description": "no such message arrived in time"}},
)
async def wait_for_message(
    request: Request,
    to: str | None = Query(None, description="address to wait for (omit: any message)"),
    after: str | None = Query(None, description="a message id: return the first message newer than it"),
    timeout: float = Query(30.0, gt=0, le=MAX_WAIT_SECONDS, description="seconds to wait"),
) -> dict[str, Any]:
    """Blocks until a message to ``to`` newer than ``after`` exists (without ``after``: the newest message
    to ``to``, if any, at once), then returns it; 408 on timeout. Waiters are woken by the store."""
    after_seq: int | None = None
    if after not in (None, ""):
        if after == "latest":
            newest = _state(request).mailbox.messages(to)
            after_seq = newest[0].seq if newest else 0
        elif after.isdigit():
            after_seq = int(after)
        else:
            raise ControlError(400, "invalid_after", f"'after' must be a message id, got {after!r}")
    message = await _state(request).mailbox.wait(to, after_seq, timeout)
    if message is None:
        who = f"to {to}" if to else "at all"
        since = f" after {after}" if after else ""
        raise ControlError(408, "timeout", f"no message {who}{since} arrived within {timeout:g} s")
    return message.to_json()


@router.get(paths.MAILBOX_MESSAGE, summary="One message (id or 'latest')")
async def get_message(
    request: Request, message_id: str, to: str | None = Query(None, description="with 'latest'")
) -> dict[str, Any]:
    return dict(_message(_state(request), message_id, to).to_json())


@router.get(paths.MAILBOX_RAW, summary="A message's raw MIME source", response_class=Response)
async def get_raw(request: Request, message_id: str, to: str | None = None) -> Response:
    message = _message(_state(request), message_id, to)
    return Response(message.raw, media_type="message/rfc822")


@router.get(paths.MAILBOX_ATTACHMENT, summary="One attachment's content", response_class=Response)
async def get_attachment(request: Request, message_id: str, index: int) -> Response:
    message = _message(_state(request), message_id, None)
    attachments = message.parsed.attachments
    if not 0 <= index < len(attachments):
        raise ControlError(404, "not_found", f"message {message_id} has no attachment {index}")
    att = attachments[index]
    disposition = f'attachment; filename="{att.filename}"' if att.filename else "attachment"
    return Response(att.content, media_type=att.content_type, headers={"Content-Disposition": disposition})


@router.delete(paths.MAILBOX, summary="Empty the mailbox")
async def clear_messages(request: Request) -> dict[str, Any]:
    return {"deleted": _state(request).mailbox.clear()}


@router.post(paths.RESET, summary="Forget everything: messages, events, templates, webhooks, faults")
async def reset(request: Request) -> dict[str, Any]:
    _state(request).reset()
    return {"status": "reset"}


@router.post(paths.FAULTS, summary="Add a fault rule", status_code=201)
async def add_fault(request: Request, spec: FaultSpec) -> dict[str, Any]:
    try:
        fault = _state(request).faults.add(**spec.model_dump())
    except ValueError as exc:
        raise ControlError(400, "invalid_fault", str(exc)) from exc
    return fault.to_json()


@router.get(paths.FAULTS, summary="The active fault rules")
async def list_faults(request: Request) -> dict[str, Any]:
    return {"items": [f.to_json() for f in _state(request).faults.list()]}


@router.delete(paths.FAULTS, summary="Clear every fault rule")
async def clear_faults(request: Request) -> dict[str, Any]:
    _state(request).faults.clear()
    return {"status": "cleared"}


@router.get(paths.WEBHOOK_DELIVERIES, summary="Webhook posts made so far, with their answers")
async def webhook_deliveries(request: Request) -> dict[str, Any]:
    return {"items": list(_state(request).webhooks.deliveries)}
