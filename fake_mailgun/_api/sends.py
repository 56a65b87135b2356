"""``POST /v3/{domain}/messages`` and ``messages.mime``: the Mailgun API's door into the one intake.

A send reads its form, lets an ``api`` fault answer instead (after its latency), builds the message(s)
(:mod:`.._sending`) and hands them to :func:`.._intake.receive`. Answers as ``reference/mailgun.md``.
The handlers only: served at start by the light front (``.._front``), so this loads neither FastAPI nor
pydantic; their documented routes are :mod:`.messages`.
"""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .. import _intake
from .._message import CapturedMessage
from .._sending import build_messages, build_mime_message
from .._state import State
from .common import base_url, read_form


async def apply_fault(state: State, domain: str) -> None:
    """Let an ``api`` fault answer for this send (after its latency), if one applies."""
    action = state.faults.take("api")
    if action is None:
        return
    if action.latency_ms:
        await asyncio.sleep(action.latency_ms / 1000)  # injected latency is the feature, not a wait
    error = action.api_error(domain, state.now())
    if error is not None:
        raise error


def queued(message: CapturedMessage) -> JSONResponse:
    return JSONResponse({"id": f"<{message.parsed.message_id}>", "message": "Queued. Thank you."})


async def send_message(request: Request, state: State, domain: str) -> Response:
    form = await read_form(request)
    await apply_fault(state, domain)
    base = base_url(request, state)
    messages = build_messages(
        form, domain=domain, templates=state.templates, now=state.now(), unsubscribe_base=base
    )
    _intake.receive(state, messages, base_url=base)
    return queued(messages[0])


async def send_mime(request: Request, state: State, domain: str) -> Response:
    form = await read_form(request)
    await apply_fault(state, domain)
    message = build_mime_message(form, domain=domain, now=state.now())
    _intake.receive(state, [message], base_url=base_url(request, state))
    return queued(message)
