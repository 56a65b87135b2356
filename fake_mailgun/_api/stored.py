"""Stored messages (``/v3/domains/{domain}/messages/{key}``): read one back, or resend it.

Follows ``api-sending.rst`` ("Retrieving Stored Messages", and the resend example) and what the official
clients read: mailgun.js ``messages.retrieveStoredEmail`` / ``resendEmail`` (``StoredEmailResponse``:
the top-level MIME headers as keys, ``recipients``, ``sender``, ``from``, ``subject``, ``body-plain``,
``body-html``, ``stripped-*``, ``attachments``, ``content-id-map``, ``message-headers`` as ``[name,
value]`` pairs), mailgun-go ``GetStoredMessage`` / ``GetStoredMessageRaw`` (with ``Accept:
message/rfc2822`` the answer is JSON with the whole MIME in ``body-mime``) / ``GetStoredAttachment`` /
``ReSend`` (``to`` repeated or comma-separated), and the Python SDK's ``resend_message`` (a POST to the
absolute ``storage.url``). A resend is a new message — its own Message-Id, events and webhooks — of the
stored MIME to the new recipients. An unknown or expired key: 404 ``{"message": "Message not found"}``
(the fake's wording; Mailgun documents none).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from pydantic import BaseModel, ConfigDict
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .. import _intake, paths
from .._errors import not_found
from .._message import CapturedMessage, parse_mime
from .._sending import envelope_to, new_message_id
from .._state import State
from .common import Route, base_url, read_form
from .messages import Queued
from .sends import apply_fault, queued

_HEADER_KEYS = ("content-type", "from", "message-id", "mime-version", "subject", "to")


class StoredMessage(BaseModel):
    """A stored message as JSON (with ``Accept: message/rfc2822``: recipients, sender, from, subject and
    ``body-mime`` only)."""

    model_config = ConfigDict(extra="allow")
    recipients: str
    sender: str
    subject: str


def _stored(request: Request, state: State, domain: str) -> CapturedMessage:
    found = state.stored.get(domain, str(request.path_params["key"]), state.now())
    if found is None:
        raise not_found("Message not found")
    return found


def _url(request: Request, state: State, domain: str) -> str:
    return _intake.storage_url(base_url(request, state), domain, str(request.path_params["key"]))


def _json(message: CapturedMessage, url: str) -> dict[str, Any]:
    p = message.parsed
    body: dict[str, Any] = {}
    for name, value in p.headers:
        if name.lower() in _HEADER_KEYS or name.lower().startswith("x-mailgun-"):
            body.setdefault(name, value)
    attachments = [
        {
            "name": a.filename or "",
            "content-type": a.content_type,
            "size": len(a.content),
            "url": f"{url}/attachments/{i}",
        }
        for i, a in enumerate(p.attachments)
    ]
    return {
        **body,
        "recipients": ", ".join(message.recipients),
        "sender": message.envelope_from,
        "from": p.sender,
        "subject": p.subject,
        "body-plain": p.text,
        "body-html": p.html,
        "stripped-text": p.text.strip(),
        "stripped-signature": "",
        "stripped-html": p.html,
        "attachments": attachments,
        "content-id-map": {
            f"<{a.content_id}>": attachments[i] for i, a in enumerate(p.attachments) if a.content_id
        },
        "message-headers": [[name, value] for name, value in p.headers],
    }


async def get_stored(request: Request, state: State, domain: str) -> Response:
    message = _stored(request, state, domain)
    if "message/rfc2822" in request.headers.get("accept", "").lower():
        p = message.parsed
        return JSONResponse(
            {
                "recipients": ", ".join(message.recipients),
                "sender": message.envelope_from,
                "from": p.sender,
                "subject": p.subject,
                "body-mime": message.raw.decode("utf-8", "replace"),
            }
        )
    return JSONResponse(_json(message, _url(request, state, domain)))


async def get_stored_attachment(request: Request, state: State, domain: str) -> Response:
    attachments = _stored(request, state, domain).parsed.attachments
    index = str(request.path_params["index"])
    if not index.isdigit() or int(index) >= len(attachments):
        raise not_found("Attachment not found")
    attachment = attachments[int(index)]
    return Response(attachment.content, media_type=attachment.content_type)


def _with_message_id(raw: bytes, message_id: str) -> bytes:
    """``raw`` with its Message-Id header (the first, top-level one) replaced by ``message_id``."""
    head, sep, rest = raw.partition(b"\r\n\r\n")
    if not sep:
        head, sep, rest = raw.partition(b"\n\n")
    lines = head.splitlines(keepends=True)
    kept = []
    skipping = False
    for line in lines:
        if line[:1] in (b" ", b"\t") and skipping:
            continue
        skipping = line.lower().startswith(b"message-id:")
        if not skipping:
            kept.append(line)
    return b"Message-Id: <" + message_id.encode() + b">\r\n" + b"".join(kept) + sep + rest


async def resend(request: Request, state: State, domain: str) -> Response:
    form = await read_form(request)
    stored = _stored(request, state, domain)
    await apply_fault(state, domain)
    to = envelope_to(form)
    now = state.now()
    raw = _with_message_id(stored.raw, new_message_id(domain, now))
    message = dataclasses.replace(
        stored,
        parsed=parse_mime(raw),
        raw=raw,
        recipients=to,
        send_recipients=to,
        received_at=now,
        deliver_at=None,
        storage_key="",
        id="",
        seq=0,
    )
    _intake.receive(state, [message], base_url=base_url(request, state))
    return queued(message)


ROUTES = [
    Route(
        "GET",
        paths.STORED_MESSAGE,
        get_stored,
        "A stored message (JSON; body-mime with Accept: message/rfc2822)",
        StoredMessage,
    ),
    Route(
        "POST",
        paths.STORED_MESSAGE,
        resend,
        "Resend a stored message to `to`",
        Queued,
        form=("to",),
        sends=True,
    ),
    Route(
        "GET",
        paths.STORED_ATTACHMENT,
        get_stored_attachment,
        "An attachment of a stored message",
        StoredMessage,
    ),
]
