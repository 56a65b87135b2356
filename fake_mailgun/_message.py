"""The captured message: one record for mail that came through the Mailgun API or through SMTP.

Both intakes hand raw MIME to :func:`parse_mime` (the stdlib ``email`` package, policy ``default``), so a
message looks the same whichever door it came in by; the API adds what only it knows (template, variables,
tags, options, domain).
"""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.message import Message
from email.utils import getaddresses
from functools import cached_property
from typing import Any, Literal

from ._addresses import parse_addresses
from ._extract import extract_codes, extract_links

Source = Literal["api", "smtp", "twilio", "http-sms"]
SMS_SOURCES = ("twilio", "http-sms")  # text messages (._sms): addressed by phone number


@dataclass(frozen=True)
class Attachment:
    filename: str | None
    content_type: str
    content: bytes
    disposition: str  # "attachment" or "inline"
    content_id: str | None = None

    def to_json(self, message_id: str, index: int) -> dict[str, Any]:
        return {
            "index": index,
            "filename": self.filename,
            "content_type": self.content_type,
            "size": len(self.content),
            "disposition": self.disposition,
            "content_id": self.content_id,
            "url": f"/__harness/messages/{message_id}/attachments/{index}",
        }


@dataclass(frozen=True)
class ParsedMime:
    """What the stdlib parser read out of a MIME document."""

    sender: str
    to: list[str]
    cc: list[str]
    subject: str
    text: str
    html: str
    headers: list[tuple[str, str]]
    attachments: list[Attachment]
    message_id: str
    defects: list[str]


@dataclass
class CapturedMessage:
    """A message in the mailbox. ``id`` and ``seq`` are given by the store."""

    source: Source
    parsed: ParsedMime
    raw: bytes
    recipients: list[str]  # every envelope recipient (to + cc + bcc), bare addresses
    received_at: float
    domain: str | None = None
    template: dict[str, Any] | None = None
    variables: dict[str, Any] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)
    envelope_from: str = ""
    deliver_at: float | None = None  # o:deliverytime / X-Mailgun-Deliver-By (a "delivery" job on ._clock)
    send_recipients: list[str] = field(default_factory=list)  # every recipient of the send (a batch's too)
    storage_key: str = ""  # given by the intake: where the stored message is served (see ._api.stored)
    status: Literal["delivered", "failed"] = "delivered"
    id: str = ""
    seq: int = 0

    # Read out of the message on first use (a message nobody reads is never scanned), then kept.
    @cached_property
    def codes(self) -> list[str]:
        p = self.parsed
        return extract_codes(p.subject, p.text, p.html)

    @cached_property
    def links(self) -> list[str]:
        return extract_links(self.parsed.text, self.parsed.html)

    @property
    def test_mode(self) -> bool:
        return self.options.get("testmode") is True

    @property
    def bcc(self) -> list[str]:
        shown = {a.lower() for a in self.parsed.to + self.parsed.cc}
        return [r for r in self.recipients if r.lower() not in shown]

    @cached_property
    def recipient_keys(self) -> frozenset[str]:
        """Every envelope recipient as :func:`recipient_key` gives it: what :meth:`is_for` matches (the
        mailbox's filters and its index)."""
        return frozenset(recipient_key(r, strip=False) for r in self.recipients)

    def is_for(self, address: str) -> bool:
        """Whether ``address`` is a recipient; a text message's number matches however it is written
        (``+15551234567``, ``15551234567``, ``+1 555 123 4567``): see :func:`recipient_key`."""
        return recipient_key(address) in self.recipient_keys

    def summary(self) -> dict[str, Any]:
        p = self.parsed
        return {
            "id": self.id,
            "message_id": p.message_id,
            "from": p.sender,
            "to": p.to,
            "cc": p.cc,
            "bcc": self.bcc,
            "subject": p.subject,
            "source": self.source,
            "received_at": datetime.fromtimestamp(self.received_at, UTC).isoformat().replace("+00:00", "Z"),
            "code": self.codes[0] if self.codes else None,
            "status": self.status,
            "size": len(self.raw),
        }

    def to_json(self) -> dict[str, Any]:
        p = self.parsed
        headers: dict[str, str] = {}
        for name, value in p.headers:
            headers.setdefault(name, value)
        return {
            **self.summary(),
            "text": p.text,
            "html": p.html,
            "headers": headers,
            "recipients": self.recipients,
            "envelope_from": self.envelope_from,
            "domain": self.domain,
            "codes": self.codes,
            "links": self.links,
            "template": self.template,
            "variables": self.variables,
            "tags": self.tags,
            "options": self.options,
            "attachments": [a.to_json(self.id, i) for i, a in enumerate(p.attachments)],
            "defects": p.defects,
        }


def recipient_key(address: str, *, strip: bool = True) -> str:
    """What the mailbox files a recipient under (``strip=False``: a recipient is taken as given) and looks an
    address up by (stripped): an email address lower-cased, a phone number (no ``@``, some digits) as
    ``tel:<its digits>`` — so ``+1 555 123 4567`` finds a text to ``+15551234567``."""
    address = address.strip() if strip else address
    if "@" not in address:
        digits = phone_digits(address)
        if digits:
            return "tel:" + digits
    return address.lower()


def phone_digits(value: str) -> str:
    """A phone number's digits (``+1 (555) 123-4567`` → ``15551234567``); "" for an email address."""
    return "" if "@" in value else "".join(ch for ch in value if ch.isascii() and ch.isdigit())


def addresses(values: list[str]) -> list[str]:
    """Bare addresses out of header-style values (``Name <a@b>``, comma-separated lists)."""
    return [addr for _name, addr in parse_addresses(values) if addr]


def _utf8(value: str) -> str:
    """A raw header value whose 8-bit bytes (SMTPUTF8) the parser surrogate-escaped, read as UTF-8."""
    if any("\udc80" <= ch <= "\udcff" for ch in value):
        value = value.encode("ascii", "surrogateescape").decode("utf-8", "replace")
    return value


def _decode_header(value: str) -> str:
    """A raw header value → text: 8-bit UTF-8 (SMTPUTF8) and RFC 2047 encoded-words decoded, folding
    undone; undecodable input is kept as it came."""
    value = _utf8(value)
    if "=?" not in value:
        return " ".join(value.split()) if "\n" in value else value
    try:
        return str(make_header(decode_header(value)))
    except (LookupError, ValueError, HeaderParseError):
        return value


_ADDRESS_HEADERS = ("from", "to", "cc", "bcc", "reply-to", "sender")


def _decode_address_header(value: str) -> str:
    """An address header as text: like :func:`_decode_header`, but each name decoded from an encoded-word
    is quoted again when it needs it (``"Ré, Zoé" <a@b>``), so the text reads back as the same list —
    the form the API intake shows. A value that does not parse as addresses is decoded as a whole."""
    value = _utf8(value)
    if "=?" not in value:
        return _decode_header(value)
    pairs = getaddresses([" ".join(value.split())])
    if not pairs or any("@" not in addr or "=?" in addr for _name, addr in pairs):
        return _decode_header(value)
    return ", ".join(display_address(_decode_header(name), addr) for name, addr in pairs)


def _content(part: Message) -> str:
    """A text part's body as a Python string: decoded, the wire's CRLF line ends read as LF."""
    raw = part.get_payload(decode=True)
    if not isinstance(raw, bytes):
        raw = str(part.get_payload() or "").encode("utf-8", "surrogateescape")
    charset = part.get_content_charset() or "utf-8"
    try:
        text = raw.decode(charset, "replace")
    except LookupError:
        text = raw.decode("utf-8", "replace")
    return text.replace("\r\n", "\n")


def parse_mime(raw: bytes) -> ParsedMime:
    """Read a MIME document; never raises — broken input becomes ``defects`` and best-effort fields.

    The ``compat32`` policy with explicit header decoding is used because ``policy.default`` parses
    every header into objects and costs several milliseconds per message.
    """
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    text = html = ""
    attachments: list[Attachment] = []
    defects = [type(d).__name__ for d in msg.defects]
    for part in msg.walk():
        defects.extend(type(d).__name__ for d in part.defects)
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        disposition = part.get_content_disposition()
        filename = part.get_filename()
        if disposition is None and filename is None and ctype in ("text/plain", "text/html"):
            if ctype == "text/plain" and not text:
                text = _content(part)
                continue
            if ctype == "text/html" and not html:
                html = _content(part)
                continue
        data = part.get_payload(decode=True)
        cid = part.get("Content-ID")
        attachments.append(
            Attachment(
                filename=_decode_header(filename) if filename else None,
                content_type=ctype,
                content=data if isinstance(data, bytes) else b"",
                disposition=disposition or ("inline" if cid else "attachment"),
                content_id=str(cid).strip().strip("<>") if cid else None,
            )
        )
    raw_headers = [(k, str(v)) for k, v in msg.raw_items()]
    headers = [
        (k, _decode_address_header(v) if k.lower() in _ADDRESS_HEADERS else _decode_header(v))
        for k, v in raw_headers
    ]

    def every(name: str) -> list[str]:
        return [v for k, v in headers if k.lower() == name]

    return ParsedMime(
        sender=next(iter(every("from")), ""),
        to=addresses(every("to")),  # address headers' text keeps decoded names quoted: one entry each
        cc=addresses(every("cc")),
        subject=next(iter(every("subject")), ""),
        text=text,
        html=html,
        headers=headers,
        attachments=attachments,
        message_id=str(msg.get("Message-Id", "")).strip().strip("<>"),
        defects=defects,
    )


# RFC 5322 specials, control characters, and "=?" (a name that looks like an encoded-word is quoted so
# that readers do not decode it).
_NEEDS_QUOTES = re.compile(r'[][\\()<>@,:;".\x00-\x1f\x7f]|=\?')


def display_address(name: str, addr: str) -> str:
    """``Name <addr>`` as text, the name quoted (RFC 5322) when it holds specials."""
    if not name:
        return addr
    if _NEEDS_QUOTES.search(name):
        name = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"{name} <{addr}>"
