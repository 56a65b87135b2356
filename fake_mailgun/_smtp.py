"""SMTP capture (aiosmtpd): the SMTP door into the one intake (:func:`._intake.receive`), like API mail.

AUTH is accepted with any credentials and without STARTTLS (it is a local capture); SMTPUTF8 and
8BITMIME are on. The MIME is read by the stdlib parser in :mod:`._message`. An ``smtp`` fault makes
DATA answer the chosen code instead.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from typing import Any

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, Session

from . import _intake
from ._message import CapturedMessage, parse_mime
from ._state import State

# aiosmtpd warns at every connection that AUTH without TLS is unsafe; for a loopback capture it is the point.
logging.getLogger("mail.log").setLevel(logging.ERROR)


def _accept_any(*_args: Any) -> AuthResult:
    return AuthResult(success=True)


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
        message = CapturedMessage(
            source="smtp",
            parsed=parse_mime(raw),
            raw=raw,
            recipients=list(envelope.rcpt_tos),
            received_at=self.state.now(),
            envelope_from=envelope.mail_from or "",
        )
        _intake.receive(self.state, [message])
        return f"250 OK: queued as {message.id}"


async def start_smtp(state: State, sock: socket.socket) -> asyncio.Server:
    """Serve SMTP on an already bound socket, on the running loop."""
    handler = CaptureHandler(state)
    loop = asyncio.get_running_loop()

    def factory() -> SMTP:
        return SMTP(
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
