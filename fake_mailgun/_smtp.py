"""SMTP capture (aiosmtpd): the SMTP door into the one intake (:func:`._intake.receive`), like API mail.

AUTH is accepted with any credentials and without STARTTLS (it is a local capture); SMTPUTF8 and
8BITMIME are on. The MIME is read by the stdlib parser in :mod:`._message`. An ``smtp`` fault makes
DATA answer the chosen code instead.

Mail for a sending domain is a Mailgun send like an API one — the same events and webhooks, ``method:
SMTP`` — with its options in Mailgun's MIME headers (``user_manual.rst``, "Passing Sending Options",
"Batch Sending", "Attaching Data to Messages"): ``X-Mailgun-Tag`` (repeatable), ``X-Mailgun-Variables``
(repeatable, combined), ``X-Mailgun-Drop-Message`` (test mode), ``X-Mailgun-Deliver-By`` (scheduled;
a bad or too late time is refused with the API's text), ``X-Mailgun-Track[-Clicks|-Opens]``,
``X-Mailgun-Dkim``, ``X-Mailgun-Require-TLS``, ``X-Mailgun-Skip-Verification`` and
``X-Mailgun-Recipient-Variables`` (one copy per envelope recipient, ``%recipient%`` and
``%recipient.key%`` filled in the MIME). The sending domain is the SMTP login's (``postmaster@DOMAIN``,
as Mailgun's SMTP credentials are per domain), else the envelope sender's, if it is a configured domain;
other mail only reaches the mailbox. A variables header Mailgun could not parse is ignored ("Mailgun
won't be able to parse it"). Mail without a Message-Id gets one, as Mailgun adds it.
"""

from __future__ import annotations

import asyncio
import logging
import re
import socket
from typing import Any

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from . import _intake, _send_options
from ._batch import Recipient
from ._errors import MailgunError
from ._message import CapturedMessage, ParsedMime, parse_mime
from ._mime_later import has_message_id, parse_later
from ._sending import new_message_id
from ._state import State

# aiosmtpd warns at every connection that AUTH without TLS is unsafe; for a loopback capture it is the point.
logging.getLogger("mail.log").setLevel(logging.ERROR)

# X-Mailgun-* yes/no headers → the o: option each stands for.
_FLAG_HEADERS = {
    "x-mailgun-drop-message": "testmode",
    "x-mailgun-track": "tracking",
    "x-mailgun-track-clicks": "tracking-clicks",
    "x-mailgun-track-opens": "tracking-opens",
    "x-mailgun-dkim": "dkim",
    "x-mailgun-require-tls": "require-tls",
    "x-mailgun-skip-verification": "skip-verification",
}


_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
# "<local@domain>", then nothing or one space and the mail parameters: what nearly every client sends.
_PLAIN_PATH = re.compile(
    rf"<({_ATOM}(?:\.{_ATOM})*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)>(?: ([^\s(].*))?", re.DOTALL
)


class CaptureSMTP(SMTP):
    """aiosmtpd's SMTP session, reading a plain ``<local@domain>`` path of MAIL and RCPT without the
    stdlib's header-value parser (aiosmtpd builds a parse tree, and a class, per address); the answer is
    what ``SMTP._getaddr`` gives for it (tests/fake_mailgun/test_smtp_paths.py compares the two). Any
    other path goes to aiosmtpd."""

    def _getaddr(self, arg: str) -> tuple[str | None, str | None]:
        match = _PLAIN_PATH.fullmatch(arg)
        if match is None or (
            self.local_part_limit and len(match[1].rpartition("@")[0]) > self.local_part_limit
        ):
            return super()._getaddr(arg)
        return match[1], match[2] or ""


def _accept_any(
    _server: SMTP, _session: Session, _envelope: Envelope, _mechanism: str, data: Any
) -> AuthResult:
    return AuthResult(success=True, auth_data=data)


def _domain_of(address: str, domains: tuple[str, ...]) -> str | None:
    host = address.rpartition("@")[2].strip().strip(">").lower()
    return next((d for d in domains if d.lower() == host), None)


def sending_domain(state: State, session: Session, envelope: Envelope) -> str | None:
    """The login's domain, else the envelope sender's — if it is one this instance sends for."""
    domains = state.settings.domains
    login = session.auth_data.login if isinstance(session.auth_data, LoginPassword) else b""
    text = login.decode("utf-8", "replace") if isinstance(login, bytes) else str(login)
    return _domain_of(text, domains) or _domain_of(envelope.mail_from or "", domains)


def _headers(parsed: ParsedMime, name: str) -> list[str]:
    return [value for key, value in parsed.headers if key.lower() == name]


def _variables(parsed: ParsedMime, name: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for value in _headers(parsed, name):
        try:
            found.update(_send_options.variables_json(value, name))
        except MailgunError:
            continue
    return found


def _options(parsed: ParsedMime, now: float) -> tuple[dict[str, Any], float | None]:
    options: dict[str, Any] = {}
    for header, option in _FLAG_HEADERS.items():
        values = _headers(parsed, header)
        if values:
            options[option] = _send_options.flag(values[0])
    deliver_by = _headers(parsed, "x-mailgun-deliver-by")
    deliver_at = _send_options.delivery_time(deliver_by[0], now) if deliver_by else None
    if deliver_by:
        options["deliverytime"] = deliver_by[0]
    return options, deliver_at


def _copies(raw: bytes, rcpts: list[str], batch: dict[str, Any] | None) -> list[tuple[bytes, list[str]]]:
    """The MIME each envelope recipient gets: one copy for all, or one each filled for a batch."""
    if batch is None:
        return [(raw, rcpts)]
    copies = []
    for rcpt in rcpts:
        values = batch.get(rcpt)
        filled = Recipient(("", rcpt), values if isinstance(values, dict) else {}).fill
        copies.append(
            (filled(raw.decode("utf-8", "surrogateescape")).encode("utf-8", "surrogateescape"), [rcpt])
        )
    return copies


class CaptureHandler:
    def __init__(self, state: State) -> None:
        self.state = state

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        action = self.state.faults.take("smtp")
        if action is not None:
            if action.latency_ms:
                await asyncio.sleep(action.latency_ms / 1000)  # injected latency is the feature
            reply = action.smtp_reply()
            if reply is not None:
                return reply
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        state, now = self.state, self.state.now()
        domain = sending_domain(state, session, envelope)
        if domain is None and has_message_id(raw):
            parsed = parse_later(raw)  # mail for the mailbox only: nothing below reads it (._mime_later)
        else:
            parsed = parse_mime(raw)
            if not parsed.message_id:
                raw = (
                    b"Message-Id: <" + new_message_id(domain or "fake-mailgun", now).encode() + b">\r\n" + raw
                )
                parsed = parse_mime(raw)
        try:
            options, deliver_at = _options(parsed, now) if domain else ({}, None)
        except MailgunError as exc:
            return f"550 {exc.message}"
        batch = _variables(parsed, "x-mailgun-recipient-variables") if domain else {}
        rcpts = list(envelope.rcpt_tos)
        messages = []
        for copy, recipients in _copies(raw, rcpts, batch or None):
            copy_parsed = parse_mime(copy) if copy is not raw else parsed
            messages.append(
                CapturedMessage(
                    source="smtp",
                    parsed=copy_parsed,
                    raw=copy,
                    recipients=recipients,
                    received_at=now,
                    envelope_from=envelope.mail_from or "",
                    domain=domain,
                    tags=_send_options.tags(_headers(copy_parsed, "x-mailgun-tag")) if domain else [],
                    variables=_variables(copy_parsed, "x-mailgun-variables") if domain else {},
                    options=options,
                    deliver_at=deliver_at,
                    send_recipients=rcpts,
                )
            )
        _intake.receive(state, messages, base_url=state.base_url)
        return f"250 OK: queued as {messages[0].id or messages[0].parsed.message_id}"


async def start_smtp(state: State, sock: socket.socket) -> asyncio.Server:
    """Serve SMTP on an already bound socket, on the running loop."""
    handler = CaptureHandler(state)
    loop = asyncio.get_running_loop()

    def factory() -> CaptureSMTP:
        return CaptureSMTP(
            handler,
            hostname="fake-mailgun",
            ident="fake_mailgun ESMTP",
            enable_SMTPUTF8=True,
            decode_data=False,
            auth_require_tls=False,
            auth_required=False,
            authenticator=_accept_any,
            data_size_limit=52_428_800,
            loop=loop,
        )

    return await loop.create_server(factory, sock=sock)
