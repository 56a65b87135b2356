"""Text messages: a Twilio Messages API stand-in and an endpoint for Logto's HTTP SMS connector, both
doors into the one mailbox (:func:`._intake.receive`), so an SMS is read, waited for (``to=+15551234567``)
and shown like an email, with its ``codes`` extracted from the body.

- ``POST /2010-04-01/Accounts/{AccountSid}/Messages.json`` is what Logto's ``@logto/connector-twilio-sms``
  calls (``packages/connectors/connector-twilio-sms/src/index.ts`` and ``constant.ts``): HTTP Basic
  ``AccountSid:AuthToken``, an urlencoded form ``To``, ``MessagingServiceSid`` (or ``From``), ``Body``,
  ``RiskCheck``. It answers 201 with Twilio's Message resource (the fields of the connector's
  ``SendSmsResponse``, ``types.ts``; Twilio's "Message resource" reference), and refuses as Twilio does with
  ``{code, message, more_info, status}`` (the connector's ``sendSmsErrorResponseGuard``): 401 code 20003
  ``Authenticate`` for wrong credentials (Twilio's error 20003; captured answers of the API show that
  ``message``). The 400 texts for a missing ``To`` (21604), a missing ``From``/``MessagingServiceSid``
  (21603), a missing ``Body`` (21602) and an unparseable ``To`` (21211) follow Twilio's error catalogue's
  titles; their exact wording has no public capture and is the fake's.
- ``POST /http-sms`` is a URL to give Logto's ``@logto/connector-http-sms`` as its ``endpoint``
  (``packages/connectors/connector-http-sms/src/index.ts``): JSON ``{to, type, payload, ip?}``, with the
  configured ``Authorization`` header. The message's text is the posted JSON, its code ``payload.code``.
  With ``http_sms_authorization`` set, a request without exactly that header gets 401 (the fake's answer).

A text message is recorded with its number in E.164 (``+`` and digits) as its one recipient, the HTTP
request's headers as its ``headers``, the request body as its raw source, and no sending domain (no
Mailgun events or webhooks).
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

import phonenumbers
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from . import _intake, paths
from ._message import CapturedMessage, ParsedMime, Source, phone_digits
from ._state import State

router = APIRouter(tags=["SMS"])
API_VERSION = "2010-04-01"
_MORE_INFO = "https://www.twilio.com/docs/errors/{code}"
# Twilio's error codes for what a Messages request can lack (the titles of Twilio's error catalogue).
MISSING = {
    "To": (21604, "A 'To' phone number is required."),
    "From": (21603, "A 'From' phone number is required."),
    "Body": (21602, "Message body is required."),
}


class TwilioMessage(BaseModel):
    """Twilio's Message resource, as an accepted send answers it."""

    account_sid: str
    api_version: str
    body: str
    date_created: str
    date_sent: str | None
    date_updated: str
    direction: str
    error_code: int | None
    error_message: str | None
    from_: str | None = Field(alias="from")
    messaging_service_sid: str | None
    num_media: str
    num_segments: str
    price: str | None
    price_unit: str | None
    sid: str = Field(description="SM and 32 hex digits")
    status: str
    subresource_uris: dict[str, str]
    to: str = Field(description="the number in E.164")
    uri: str


class TwilioErrorBody(BaseModel):
    """Twilio's error answer."""

    code: int
    message: str
    more_info: str
    status: int


class HttpSmsAccepted(BaseModel):
    id: str = Field(description="the message's mailbox id")


class HttpSmsError(BaseModel):
    message: str


_TWILIO_FORM = {
    "type": "object",
    "properties": {name: {"type": "string"} for name in ("To", "From", "MessagingServiceSid", "Body")},
}
TWILIO_DOC: dict[str, Any] = {
    "response_model": None,
    "status_code": 201,
    "responses": {
        201: {"model": TwilioMessage, "description": "Accepted"},
        "4XX": {"model": TwilioErrorBody, "description": "Refused as Twilio refuses"},
    },
    "openapi_extra": {
        "requestBody": {"content": {"application/x-www-form-urlencoded": {"schema": _TWILIO_FORM}}},
        "security": [{"basicAuth": []}],
    },
}
HTTP_SMS_DOC: dict[str, Any] = {
    "response_model": None,
    "responses": {
        200: {"model": HttpSmsAccepted, "description": "Stored"},
        "4XX": {"model": HttpSmsError, "description": "Not a message, or not the configured Authorization"},
    },
    "openapi_extra": {
        "requestBody": {
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "to": {"type": "string"},
                            "type": {"type": "string"},
                            "payload": {"type": "object"},
                        },
                    }
                }
            }
        }
    },
}


def _state(request: Request) -> State:
    state: State = request.app.state.fake_mailgun
    return state


def twilio_error(status: int, code: int, message: str) -> JSONResponse:
    body = {"code": code, "message": message, "more_info": _MORE_INFO.format(code=code), "status": status}
    headers = {"WWW-Authenticate": 'Basic realm="Twilio API"'} if status == 401 else None
    return JSONResponse(body, status_code=status, headers=headers)


def _credentials(request: Request) -> tuple[str, str] | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, sep, password = base64.b64decode(token, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (user, password) if sep else None


def e164(number: str) -> str | None:
    """``number`` in E.164 (``+`` and digits), or None when it cannot be a phone number."""
    try:
        parsed = phonenumbers.parse(number if number.startswith("+") else "+" + number)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _sms(
    request: Request, source: Source, raw: bytes, *, to: str, sender: str, text: str, sid: str
) -> CapturedMessage:
    state = _state(request)
    parsed = ParsedMime(
        sender=sender,
        to=[to],
        cc=[],
        subject="",
        text=text,
        html="",
        headers=[(name.decode("latin-1"), value.decode("latin-1")) for name, value in request.headers.raw],
        attachments=[],
        message_id=sid,
        defects=[],
    )
    return CapturedMessage(source=source, parsed=parsed, raw=raw, recipients=[to], received_at=state.now())


def _deliver(request: Request, message: CapturedMessage) -> None:
    state = _state(request)
    base = (state.settings.public_url or str(request.base_url)).rstrip("/")
    _intake.receive(state, [message], base_url=base)


@router.post(paths.TWILIO_MESSAGES, summary="Twilio: send a text message", **TWILIO_DOC)
async def twilio_send(request: Request, account_sid: str) -> Response:
    settings = _state(request).settings
    expected = (settings.twilio_account_sid, settings.twilio_auth_token)
    credentials = _credentials(request)
    if credentials is None or not secrets.compare_digest(
        f"{credentials[0]}:{credentials[1]}".encode(), f"{expected[0]}:{expected[1]}".encode()
    ):
        return twilio_error(401, 20003, "Authenticate")
    if account_sid != settings.twilio_account_sid:
        return twilio_error(401, 20003, "Authenticate")
    raw = await request.body()
    try:
        form = await request.form()
    except Exception:  # starlette's errors for a broken body: Twilio sees no fields in it
        form = None
    fields = {k: v for k, v in (form or {}).items() if isinstance(v, str)}
    to = fields.get("To", "")
    sender = fields.get("From") or fields.get("MessagingServiceSid") or ""
    for name, present in (("To", to), ("From", sender), ("Body", fields.get("Body"))):
        if not present:
            code, text = MISSING[name]
            return twilio_error(400, code, text)
    number = e164(to)
    if number is None:
        return twilio_error(400, 21211, f"Invalid 'To' Phone Number: {to}")
    sid = "SM" + secrets.token_hex(16)
    message = _sms(request, "twilio", raw, to=number, sender=sender, text=fields["Body"], sid=sid)
    message.options = {k: v for k, v in fields.items() if k not in ("To", "From", "Body")}
    _deliver(request, message)
    return JSONResponse(_resource(message, account_sid, fields), status_code=201)


def _resource(message: CapturedMessage, account_sid: str, fields: dict[str, str]) -> dict[str, Any]:
    """Twilio's Message resource for an accepted send (a messaging service queues it as ``accepted``)."""
    sid = message.parsed.message_id
    date = format_datetime(datetime.fromtimestamp(message.received_at, UTC))
    uri = f"/{API_VERSION}/Accounts/{account_sid}/Messages/{sid}"
    return {
        "account_sid": account_sid,
        "api_version": API_VERSION,
        "body": fields["Body"],
        "date_created": date,
        "date_sent": None,
        "date_updated": date,
        "direction": "outbound-api",
        "error_code": None,
        "error_message": None,
        "from": fields.get("From"),
        "messaging_service_sid": fields.get("MessagingServiceSid"),
        "num_media": "0",
        "num_segments": "1",
        "price": None,
        "price_unit": None,
        "sid": sid,
        "status": "queued" if "From" in fields and "MessagingServiceSid" not in fields else "accepted",
        "subresource_uris": {"media": f"{uri}/Media.json"},
        "to": message.recipients[0],
        "uri": f"{uri}.json",
    }


@router.post(paths.HTTP_SMS, summary="Logto's HTTP SMS connector: receive a message to send", **HTTP_SMS_DOC)
async def http_sms(request: Request) -> Response:
    wanted = _state(request).settings.http_sms_authorization
    if wanted and not secrets.compare_digest(
        request.headers.get("authorization", "").encode(), wanted.encode()
    ):
        return JSONResponse({"message": "Unauthorized"}, status_code=401)
    raw = await request.body()
    try:
        body = json.loads(raw)
    except ValueError:
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("to"), str) or not body["to"]:
        return JSONResponse({"message": "expected JSON {to, type, payload}"}, status_code=400)
    number = e164(body["to"]) or "+" + phone_digits(body["to"])
    if number == "+":
        return JSONResponse({"message": f"not a phone number: {body['to']}"}, status_code=400)
    text = json.dumps(body, indent=2, ensure_ascii=False)
    message = _sms(request, "http-sms", raw, to=number, sender="", text=text, sid=secrets.token_hex(16))
    payload = body.get("payload")
    code = payload.get("code") if isinstance(payload, dict) else None
    if isinstance(code, str) and code:
        message.codes = [code, *(c for c in message.codes if c != code)]
    message.variables = body
    _deliver(request, message)
    return JSONResponse({"id": message.id})
