"""The MIME document an API send delivers: what the raw view, stored messages, resends and ``size`` show.

Its definition is the stdlib ``email`` package: ``MIMEText`` parts (UTF-8, quoted-printable, as Mailgun
delivers text parts) and multiparts, written by ``Message.as_bytes`` with ``policy.SMTP`` (``SMTPUTF8`` for
an internationalized address) — :func:`_generated`. That generator re-parses every ``Content-Type`` it
reads into header objects, which made composing about three quarters of a send's own time, so the shape
nearly every send has — ``text`` and/or ``html``, no attachments, every header short printable ASCII (a
line the generator writes as it is, without refolding) — is written directly (:func:`_written`), to the
byte what the generator writes for it (tests/fake_mailgun/test_send_mime.py compares the two on a corpus
and on random sends). Everything else goes through the generator.
"""

from __future__ import annotations

import email.policy
import random
import re
import sys
from datetime import datetime
from email import quoprimime
from email.charset import QP, Charset
from email.encoders import encode_base64
from email.header import Header
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr

from ._addresses import Pair, parse_addresses
from ._message import Attachment, display_address

Headers = list[tuple[str, str]]


def _encoded(value: str) -> str:
    return value if value.isascii() else Header(value, "utf-8").encode()


def _encoded_address(name: str, addr: str) -> str:
    if addr.isascii():
        return formataddr((name, addr), "utf-8")  # a non-ASCII name becomes an RFC 2047 encoded-word
    return display_address(name, addr)  # an internationalized address (SMTPUTF8) is written as UTF-8


def _encoded_addresses(values: list[str]) -> str:
    return ", ".join(_encoded_address(name, addr) for name, addr in parse_addresses(values))


def _top_headers(
    sender: str,
    to: list[Pair],
    cc: list[Pair],
    subject: str,
    date: datetime,
    message_id: str,
    headers: Headers,
) -> tuple[Headers, list[str]]:
    """The message's own headers: (name, text as the record shows it), and each value as written."""
    shown: Headers = []
    written: list[str] = []
    if sender:
        shown.append(("From", sender))
        written.append(_encoded_addresses([sender]))
    for name, pairs in (("To", to), ("Cc", cc)):
        if pairs:
            shown.append((name, ", ".join(display_address(n, a) for n, a in pairs)))
            written.append(", ".join(_encoded_address(n, a) for n, a in pairs))
    for name, value in [
        ("Subject", subject),
        ("Date", format_datetime(date)),
        ("Message-Id", f"<{message_id}>"),
        *headers,
    ]:
        shown.append((name, value))
        address_header = name.lower() in ("from", "to", "cc", "reply-to", "sender")
        written.append(_encoded_addresses([value]) if address_header else _encoded(value))
    return shown, written


# --- written directly ----------------------------------------------------------------------------------
_MAX_LINE = 78  # policy.SMTP's max_line_length: the generator refolds a longer header line
_NEWLINES = re.compile(r"\r\n|\r|\n")  # the generator's line ends (email.generator.NLCRE)
_BOUNDARY_DIGITS = len(repr(sys.maxsize - 1))  # email.generator's boundary token width
_BOUNDARY_HEADER = 'Content-Type: multipart/alternative; boundary="' + "=" * 17 + "==" + '"'
# A 64-bit token makes the multipart's Content-Type line longer than 78: the generator folds it before
# ``boundary`` (written below). A shorter one is left to the generator.
_BOUNDARY_FOLDED = len(_BOUNDARY_HEADER) - 2 + _BOUNDARY_DIGITS > _MAX_LINE
_TEXT_PART_HEADERS = {
    "plain": [
        ("Content-Type", 'text/plain; charset="utf-8"'),
        ("Content-Transfer-Encoding", "quoted-printable"),
    ],
    "html": [
        ("Content-Type", 'text/html; charset="utf-8"'),
        ("Content-Transfer-Encoding", "quoted-printable"),
    ],
}
_ALTERNATIVE_HEADERS = [("Content-Type", "multipart/alternative"), ("MIME-Version", "1.0")]


def _writes_as_is(name: str, value: str) -> bool:
    """Whether the generator writes ``name: value`` unchanged: printable ASCII, no line breaks, short."""
    return value.isascii() and value.isprintable() and len(name) + 2 + len(value) <= _MAX_LINE


def _text_part_bytes(body: str, subtype: str) -> str:
    """A MIMEText part as the generator writes it: its headers, a blank line, the quoted-printable body
    (``Charset.body_encode`` of the UTF-8 bytes), line ends as CRLF."""
    encoded = quoprimime.body_encode(body.encode("utf-8").decode("latin-1"))
    head = "".join(f"{k}: {v}\r\n" for k, v in _TEXT_PART_HEADERS[subtype])
    return head + "\r\n" + _NEWLINES.sub("\r\n", encoded)


def _written(shown: Headers, written: list[str], text: str, html: str) -> tuple[bytes, Headers] | None:
    """The generator's bytes for a text/html send without attachments, or None when it is not that shape."""
    names = [name for name, _ in shown]
    if any(n.lower().startswith(("content-", "mime-")) for n in names) or not all(
        _writes_as_is(n, v) for n, v in zip(names, written, strict=True)
    ):
        return None
    head = "".join(f"{n}: {v}\r\n" for n, v in zip(names, written, strict=True))
    if not (text and html):
        subtype = "html" if html else "plain"
        return (head + _text_part_bytes(html or text, subtype)).encode("ascii"), shown + _TEXT_PART_HEADERS[
            subtype
        ]
    if not _BOUNDARY_FOLDED:
        return None
    # Quoted-printable text never holds "==", so the boundary cannot occur in it (the generator checks).
    boundary = "=" * 15 + str(random.randrange(sys.maxsize)).zfill(_BOUNDARY_DIGITS) + "=="
    body = (
        f'Content-Type: multipart/alternative;\r\n boundary="{boundary}"\r\nMIME-Version: 1.0\r\n\r\n'
        f"--{boundary}\r\n{_text_part_bytes(text, 'plain')}\r\n"
        f"--{boundary}\r\n{_text_part_bytes(html, 'html')}\r\n"
        f"--{boundary}--\r\n"
    )
    return (head + body).encode("ascii"), shown + _ALTERNATIVE_HEADERS


# --- written by the stdlib generator -------------------------------------------------------------------
_UTF8_QP = Charset("utf-8")
_UTF8_QP.body_encoding = QP  # readable raw source, as Mailgun delivers text parts


def _text_part(body: str, subtype: str) -> MIMEText:
    part = MIMEText(body, subtype, _UTF8_QP)  # type: ignore[arg-type]
    del part["MIME-Version"]
    return part


def _attachment_part(att: Attachment) -> MIMEBase:
    maintype, _, subtype = att.content_type.partition("/")
    part = MIMEBase(maintype or "application", subtype or "octet-stream")
    del part["MIME-Version"]
    part.set_payload(att.content)
    encode_base64(part)
    filename = att.filename or "attachment"
    part.add_header("Content-Disposition", att.disposition, filename=filename)
    if att.disposition == "inline":
        part.add_header("Content-ID", f"<{att.content_id or filename}>")
    return part


def _generated(
    shown: Headers, written: list[str], text: str, html: str, attachments: list[Attachment]
) -> tuple[bytes, Headers]:
    body: Message
    if text and html:
        body = MIMEMultipart("alternative")
        body.attach(_text_part(text, "plain"))
        body.attach(_text_part(html, "html"))
    else:
        body = _text_part(html or text, "html" if html else "plain")
    inline = [a for a in attachments if a.disposition == "inline"]
    regular = [a for a in attachments if a.disposition != "inline"]
    if inline:
        related = MIMEMultipart("related")
        related.attach(body)
        for att in inline:
            related.attach(_attachment_part(att))
        body = related
    if regular:
        mixed = MIMEMultipart("mixed")
        mixed.attach(body)
        for att in regular:
            mixed.attach(_attachment_part(att))
        body = mixed
    for (name, _text), value in zip(shown, written, strict=True):
        body[name] = value
    # Move the envelope headers before the MIME headers, as mail clients write them.
    mime_headers = [(k, v) for k, v in body.items() if k.lower().startswith(("content-", "mime-"))]
    for name in {k for k, _ in mime_headers}:
        del body[name]
    for name, value in mime_headers:
        body[name] = value
    # An internationalized address cannot be encoded in ASCII headers: such a message is SMTPUTF8.
    international = any(not value.isascii() for _, value in body.items())
    raw = body.as_bytes(policy=email.policy.SMTPUTF8 if international else email.policy.SMTP)
    return raw, shown + [(k, str(v)) for k, v in mime_headers]


def compose_mime(
    *,
    sender: str,
    to: list[Pair],
    cc: list[Pair],
    subject: str,
    text: str,
    html: str,
    headers: Headers,
    attachments: list[Attachment],
    message_id: str,
    date: datetime,
) -> tuple[bytes, Headers]:
    """The MIME document Mailgun would deliver for an API send (what the inbox's "raw" view shows), and
    its top-level headers as text (the message record is built from the fields, not re-parsed).
    ``to`` and ``cc`` are the (name, address) pairs of the send, parsed once."""
    shown, written = _top_headers(sender, to, cc, subject, date, message_id, headers)
    direct = None if attachments else _written(shown, written, text, html)
    return direct if direct is not None else _generated(shown, written, text, html, attachments)
