"""The captured message: one record for mail that came through the Mailgun API or through SMTP.

Both intakes hand raw MIME to :func:`parse_mime` (the stdlib ``email`` package, policy ``default``), so a
message looks the same whichever door it came in by; the API adds what only it knows (template, variables,
tags, options, domain).
"""

from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage, Message
from email.utils import getaddresses
from typing import Any, Literal

from ._extract import extract_codes, extract_links

Source = Literal["api", "smtp"]


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
    status: Literal["delivered", "failed"] = "delivered"
    id: str = ""
    seq: int = 0
    codes: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        p = self.parsed
        self.codes = extract_codes(p.subject, p.text, p.html)
        self.links = extract_links(p.text, p.html)

    @property
    def bcc(self) -> list[str]:
        shown = {a.lower() for a in self.parsed.to + self.parsed.cc}
        return [r for r in self.recipients if r.lower() not in shown]

    def is_for(self, address: str) -> bool:
        address = address.strip().lower()
        return any(r.lower() == address for r in self.recipients)

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


def addresses(values: list[str]) -> list[str]:
    """Bare addresses out of header-style values (``Name <a@b>``, comma-separated lists)."""
    return [addr for _name, addr in getaddresses(values) if addr]


def _content(part: Message) -> str:
    try:
        payload = part.get_content()  # type: ignore[attr-defined]
    except (LookupError, ValueError, AssertionError):
        raw = part.get_payload(decode=True)
        payload = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw or "")
    return payload if isinstance(payload, str) else payload.decode("utf-8", "replace")


def parse_mime(raw: bytes) -> ParsedMime:
    """Read a MIME document; never raises — broken input becomes ``defects`` and best-effort fields."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
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
                filename=filename,
                content_type=ctype,
                content=data if isinstance(data, bytes) else b"",
                disposition=disposition or ("inline" if cid else "attachment"),
                content_id=str(cid).strip("<>") if cid else None,
            )
        )
    headers = [(k, str(v)) for k, v in msg.items()]
    return ParsedMime(
        sender=str(msg.get("From", "")),
        to=addresses([str(v) for v in msg.get_all("To", [])]),
        cc=addresses([str(v) for v in msg.get_all("Cc", [])]),
        subject=str(msg.get("Subject", "")),
        text=text,
        html=html,
        headers=headers,
        attachments=attachments,
        message_id=str(msg.get("Message-Id", "")).strip().strip("<>"),
        defects=defects,
    )


def compose_mime(
    *,
    sender: str,
    to: list[str],
    cc: list[str],
    subject: str,
    text: str,
    html: str,
    headers: list[tuple[str, str]],
    attachments: list[Attachment],
    message_id: str,
    date: datetime,
) -> bytes:
    """The MIME document Mailgun would deliver for an API send (what the inbox's "raw" view shows)."""
    msg = EmailMessage(policy=email.policy.SMTPUTF8)
    if sender:
        msg["From"] = sender
    if to:
        msg["To"] = ", ".join(to)
    if cc:
        msg["Cc"] = ", ".join(cc)
    msg["Subject"] = subject
    msg["Date"] = date
    msg["Message-Id"] = f"<{message_id}>"
    for name, value in headers:
        msg[name] = value
    if text or not html:
        msg.set_content(text)
    if html:
        if text:
            msg.add_alternative(html, subtype="html")
        else:
            msg.set_content(html, subtype="html")
    for att in attachments:
        maintype, _, subtype = att.content_type.partition("/")
        if att.disposition == "inline":
            msg.add_attachment(
                att.content,
                maintype=maintype,
                subtype=subtype or "octet-stream",
                filename=att.filename,
                disposition="inline",
                cid=f"<{att.content_id or att.filename}>",
            )
        else:
            msg.add_attachment(
                att.content, maintype=maintype, subtype=subtype or "octet-stream", filename=att.filename
            )
    return msg.as_bytes()
