"""``POST /v3/{domain}/messages`` and ``messages.mime``: validate a send as Mailgun does, build the message.

Validation order and wording follow ``reference/mailgun.md`` (the error table is quoted word for word).
A form is a list of (key, value) pairs so repeated keys and their order survive; file parts arrive as
:class:`Attachment`.
"""

from __future__ import annotations

import json
import re
import secrets
from datetime import UTC, datetime
from typing import Any

from . import _send_options
from ._addresses import Pair, parse_addresses
from ._batch import recipients as batch_recipients
from ._batch import unique
from ._compose import compose_mime
from ._errors import bad_request
from ._extract import html_to_text
from ._message import Attachment, CapturedMessage, ParsedMime, addresses, parse_mime
from ._templates import Templates, Version, render
from ._unsubscribe import fill as fill_unsubscribe

FormValue = str | Attachment
Form = list[tuple[str, FormValue]]

MAX_RECIPIENTS = 1000
MAX_OPTIONS_BYTES = 16 * 1024


def _strings(form: Form, key: str) -> list[str]:
    return [v for k, v in form if k == key and isinstance(v, str)]


def _first(form: Form, key: str) -> str:
    values = _strings(form, key)
    return values[0] if values else ""


def _recipients(form: Form, key: str) -> list[Pair]:
    """Every (name, address) of a repeatable, comma-separated recipient field, parsed once per send;
    raises Mailgun's 400 if one is bad."""
    values = [v for v in _strings(form, key) if v.strip()]
    found = parse_addresses(values)
    for _name, addr in found:
        local, at, host = addr.rpartition("@")
        if not at or not local or ("." not in host and host != "localhost"):
            raise bad_request(f"'{key}' parameter is not a valid address. please check documentation")
    if values and not found:
        raise bad_request(f"'{key}' parameter is not a valid address. please check documentation")
    return found


def _bare(pairs: list[Pair]) -> list[str]:
    return [addr for _name, addr in pairs]


def _json_object(text: str, error: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise bad_request(error) from exc
    if not isinstance(value, dict):
        raise bad_request(error)
    return value


def _check_options(form: Form, now: float) -> tuple[dict[str, Any], float | None]:
    """The ``o:`` options (yes/no read as booleans) and the delivery time, if any (``_send_options``)."""
    size = sum(len(k) + len(v) for k, v in form if isinstance(v, str) and k[:2] in ("o:", "h:", "v:", "t:"))
    if size > MAX_OPTIONS_BYTES:
        raise bad_request("Send options (parameters starting with o:, h:, or v:) are limited to 16 kB total")
    options: dict[str, Any] = {}
    deliver_at = None
    for key, value in form:
        if not isinstance(value, str) or not key.startswith("o:") or key == "o:tag":
            continue
        if key == "o:deliverytime":
            deliver_at = _send_options.delivery_time(value, now)
        options[key[2:]] = _send_options.flag(value)
    return options, deliver_at


def _variables(form: Form) -> dict[str, Any]:
    """User variables: ``v:*`` (strings, as Mailgun returns them), then ``h:X-Mailgun-Variables``."""
    v_fields = [(k[2:], v) for k, v in form if isinstance(v, str) and k.startswith("v:")]
    headers = [v for k, v in form if isinstance(v, str) and k.lower() == "h:x-mailgun-variables"]
    return _send_options.user_variables(v_fields, headers, "h:X-Mailgun-Variables")


_FIELD_NAME = re.compile(r"[!-9;-~]+")  # RFC 5322 ftext: printable ASCII but the colon


def _headers(form: Form) -> list[Pair]:
    """The ``h:`` headers of a send, (name, value) with the value on one line; Mailgun's 400 for a name
    that cannot be written in a MIME header."""
    found = []
    for key, value in form:
        if not key.startswith("h:") or not isinstance(value, str):
            continue
        name = key[2:]
        if not name.isascii():
            raise bad_request(f"Header name must be pure ASCII: {name}")
        if not _FIELD_NAME.fullmatch(name):
            raise bad_request(f"Invalid header name: {name!r}")
        found.append((name, value.replace("\r", " ").replace("\n", " ")))
    return found


def new_message_id(domain: str, now: float) -> str:
    stamp = datetime.fromtimestamp(now, UTC).strftime("%Y%m%d%H%M%S")
    return f"{stamp}.{secrets.token_hex(8)}@{domain}"


def _template(
    form: Form, version: Version, variables: dict[str, Any], subject: str, text: str
) -> tuple[str, str, str, dict[str, Any]]:
    """Render a stored template: (subject, text, html, the message's template record)."""
    template_vars = dict(variables)
    if _first(form, "t:variables"):
        template_vars.update(
            _json_object(_first(form, "t:variables"), "'t:variables' parameter is not a valid JSON")
        )
    html = render(version.template, template_vars)
    if str(_first(form, "t:text")).lower() in _send_options.TRUE:
        text = html_to_text(html)
    subject = render(subject, template_vars) if "{{" in subject else subject
    info = {"name": _first(form, "template").lower(), "version": version.tag, "variables": template_vars}
    return subject, text, html, info


def _attachments(form: Form) -> list[Attachment]:
    files = [
        (k, v) for k, v in form if isinstance(v, Attachment) and k.split("[")[0] in ("attachment", "inline")
    ]
    return [
        Attachment(
            filename=v.filename,
            content_type=v.content_type,
            content=v.content,
            disposition="inline" if k.startswith("inline") else "attachment",
            content_id=v.filename if k.startswith("inline") else None,
        )
        for k, v in files
    ]


def build_messages(
    form: Form, *, domain: str, templates: Templates, now: float, unsubscribe_base: str = ""
) -> list[CapturedMessage]:
    """The message one API send creates — one copy, or one per ``to`` recipient with
    ``recipient-variables`` (:mod:`._batch`), every copy with the send's one Message-Id.
    ``unsubscribe_base``: where ``%unsubscribe_url%`` links point (:mod:`._unsubscribe`); each copy's
    links unsubscribe its own recipient (a batch copy's) or, for one copy to many, the first ``to``."""
    sender = _first(form, "from")
    template_name = _first(form, "template")
    template_version = None
    if template_name:
        template_version = templates.version(domain, template_name, _first(form, "t:version") or None)
    template_headers = template_version.headers if template_version else {}
    if not sender and not template_headers.get("From"):
        raise bad_request("'from' parameter is missing")
    seen: set[str] = set()
    to_pairs = unique(_recipients(form, "to"), seen)
    if not to_pairs:
        raise bad_request("'to' parameter is missing")
    sender_pairs = _recipients(form, "from") if sender else []
    cc_pairs = unique(_recipients(form, "cc"), seen)
    cc, bcc = _bare(cc_pairs), _bare(unique(_recipients(form, "bcc"), seen))
    if len(to_pairs) + len(cc) + len(bcc) > MAX_RECIPIENTS:
        raise bad_request("Too many recipients, max is 1000")
    text, html, amp = _first(form, "text"), _first(form, "html"), _first(form, "amp-html")
    if not (text or html or amp or template_name):
        raise bad_request(
            "Need at least one of 'text', 'html', 'amp-html' or 'template' parameters specified"
        )
    if html and template_name:
        raise bad_request("Only one parameters 'html' or 'template' is allowed")
    recipient_vars: dict[str, Any] | None = None
    if _first(form, "recipient-variables"):
        recipient_vars = _json_object(
            _first(form, "recipient-variables"), "'recipient-variables' parameter is not a valid JSON"
        )
    options, deliver_at = _check_options(form, now)
    variables = _variables(form)
    tags = _send_options.tags(_strings(form, "o:tag"))
    subject = _first(form, "subject") or template_headers.get("Subject", "")
    if not sender:
        sender = template_headers["From"]
        sender_pairs = parse_addresses([sender])
    headers = [h for h in _headers(form) if h[0].lower() != "x-mailgun-variables"]
    if template_headers.get("Reply-To") and not any(k.lower() == "reply-to" for k, _ in headers):
        headers.append(("Reply-To", template_headers["Reply-To"]))
    if tags:
        headers.append(("X-Mailgun-Tag", ", ".join(tags)))
    template_info: dict[str, Any] | None = None
    if template_version is not None:
        subject, text, html, template_info = _template(form, template_version, variables, subject, text)
    attachments = _attachments(form)
    envelope_from = next((addr for _name, addr in sender_pairs if addr), sender)
    message_id = new_message_id(domain, now)  # one send, one message: every copy shares it
    everyone = _bare(to_pairs) + cc + bcc
    copies = batch_recipients(to_pairs, recipient_vars) if recipient_vars is not None else [None]
    messages = []
    for copy in copies:
        fill = copy.fill if copy else str
        header_to = [copy.pair] if copy else to_pairs
        copy_vars = copy.fill_variables(variables) if copy else dict(variables)
        copy_headers = copy.fill_headers(headers) if copy else list(headers)
        if copy_vars:
            copy_headers.append(("X-Mailgun-Variables", _send_options.variables_header(copy_vars)))
        parts = {"subject": fill(subject), "text": fill(text), "html": fill(html)}
        if unsubscribe_base:
            owner = header_to[0][1]
            parts = {
                k: fill_unsubscribe(v, unsubscribe_base, domain, owner, message_id, tags)
                for k, v in parts.items()
            }
        raw, top_headers = compose_mime(
            sender=sender,
            to=header_to,
            cc=cc_pairs,
            headers=copy_headers,
            attachments=attachments,
            message_id=message_id,
            date=datetime.fromtimestamp(now, UTC),
            **parts,
        )
        # The record is built from the fields as sent (exact text, no re-parse of what we just wrote).
        parsed = ParsedMime(
            sender=sender,
            to=_bare(header_to),
            cc=cc,
            headers=top_headers,
            attachments=attachments,
            message_id=message_id,
            defects=[],
            **parts,
        )
        messages.append(
            CapturedMessage(
                source="api",
                parsed=parsed,
                raw=raw,
                recipients=_bare(header_to) + cc + bcc,
                received_at=now,
                domain=domain,
                template=template_info,
                variables=copy_vars,
                tags=tags,
                options=options,
                envelope_from=envelope_from,
                deliver_at=deliver_at,
                send_recipients=everyone,
            )
        )
    return messages


def envelope_to(form: Form) -> list[str]:
    """The ``to`` addresses of a form (repeated and/or comma-separated, each different); Mailgun's 400s."""
    to = _bare(unique(_recipients(form, "to")))
    if not to:
        raise bad_request("'to' parameter is missing")
    return to


def build_mime_message(form: Form, *, domain: str, now: float) -> CapturedMessage:
    """``messages.mime``: the MIME is taken as given; ``to`` lists the envelope recipients."""
    to = envelope_to(form)
    mime = next((v for k, v in form if k == "message"), None)
    if mime is None or (isinstance(mime, str) and not mime):
        raise bad_request("message parameter is missing")
    raw = mime.content if isinstance(mime, Attachment) else mime.encode("utf-8")
    options, deliver_at = _check_options(form, now)
    variables = _variables(form)
    parsed = parse_mime(raw)
    if not parsed.message_id:
        raw = b"Message-Id: <" + new_message_id(domain, now).encode() + b">\r\n" + raw
    if variables:
        raw = b"X-Mailgun-Variables: " + _send_options.variables_header(variables).encode() + b"\r\n" + raw
    parsed = parse_mime(raw)
    return CapturedMessage(
        source="api",
        parsed=parsed,
        raw=raw,
        recipients=to,
        received_at=now,
        domain=domain,
        variables=variables,
        tags=_send_options.tags(_strings(form, "o:tag")),
        options=options,
        envelope_from=addresses([parsed.sender])[0] if addresses([parsed.sender]) else "",
        deliver_at=deliver_at,
        send_recipients=to,
    )
