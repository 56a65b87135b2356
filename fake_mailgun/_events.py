"""Mailgun's events API (``api-events.rst``): event items for every API send, filtered and paged.

Paging links are absolute URLs whose last segment is an opaque page token (base64 of the query and a
cursor), as mailgun.js follows them by that segment alone.
"""

from __future__ import annotations

import base64
import json
import secrets
from email.utils import parsedate_to_datetime
from typing import Any

from ._errors import bad_request
from ._message import CapturedMessage
from ._suppressions import Suppressed

MAX_LIMIT = 300
FILTERS = ("event", "from", "to", "recipient", "message-id", "subject", "tags", "tag", "severity")


def _event_id() -> str:
    return secrets.token_urlsafe(16)[:22]


def base_message(message: CapturedMessage) -> dict[str, Any]:
    p = message.parsed
    # Mailgun shows the To header as written ("Alice <alice@example.com>"), like "from".
    to_header = next((value for name, value in p.headers if name.lower() == "to"), "")
    return {
        "headers": {"to": to_header, "message-id": p.message_id, "from": p.sender, "subject": p.subject},
        "attachments": [
            {"filename": a.filename, "content-type": a.content_type, "size": len(a.content)}
            for a in p.attachments
        ],
        "recipients": list(message.recipients),
        "size": len(message.raw),
    }


def items_for(
    message: CapturedMessage,
    now: float,
    *,
    failure: tuple[int, str] | None = None,
    blocked: dict[str, Suppressed] | None = None,
) -> list[dict[str, Any]]:
    """The ``accepted`` then ``delivered`` (or ``failed``) events of one message, one per recipient; a
    recipient in ``blocked`` (a suppressed address) fails before any delivery attempt."""
    blocked = blocked or {}
    shown = base_message(message)
    test_mode = str(message.options.get("testmode", "")).lower() in ("yes", "true")
    events: list[dict[str, Any]] = []
    for recipient in message.recipients:
        common: dict[str, Any] = {
            "log-level": "info",
            "method": "HTTP" if message.source == "api" else "SMTP",
            "envelope": {"sender": message.envelope_from, "targets": recipient, "transport": "smtp"},
            "flags": {
                "is-test-mode": test_mode,
                "is-authenticated": True,
                "is-routed": False,
                "is-big": False,
            },
            "message": shown,
            "recipient": recipient,
            "recipient-domain": recipient.rpartition("@")[2],
            "tags": list(message.tags),
            "user-variables": dict(message.variables),
            "storage": {"url": f"/v3/domains/{message.domain}/messages/{message.id}", "key": message.id},
            "x-harness-message-id": message.id,
        }
        events.append({**common, "event": "accepted", "id": _event_id(), "timestamp": now})
        suppressed = blocked.get(recipient)
        if suppressed is not None:  # api-events.rst, "Failed (Permanent)"
            events.append(
                {
                    **common,
                    "event": "failed",
                    "log-level": "error",
                    "id": _event_id(),
                    "timestamp": now + 0.001,
                    "severity": "permanent",
                    "reason": suppressed.reason,
                    "delivery-status": {
                        "attempt-no": 1,
                        "message": "",
                        "code": suppressed.code,
                        "description": suppressed.description,
                        "session-seconds": 0.0,
                    },
                }
            )
        elif failure is None:
            events.append(
                {
                    **common,
                    "event": "delivered",
                    "id": _event_id(),
                    "timestamp": now + 0.001,
                    "delivery-status": {"code": 250, "message": "OK", "description": "", "tls": False},
                }
            )
        else:
            code, text = failure
            events.append(
                {
                    **common,
                    "event": "failed",
                    "log-level": "error" if code >= 500 else "warn",
                    "id": _event_id(),
                    "timestamp": now + 0.001,
                    "severity": "permanent" if code >= 500 else "temporary",
                    "reason": "bounce" if code >= 500 else "generic",
                    "delivery-status": {"code": code, "message": text, "description": text},
                }
            )
    return events


def _parse_time(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError) as exc:
        raise bad_request(f"invalid time format: {value}") from exc


def _field(event: dict[str, Any], name: str) -> list[str]:
    headers = event.get("message", {}).get("headers", {})
    table: dict[str, list[str]] = {
        "event": [event["event"]],
        "from": [headers.get("from", ""), event.get("envelope", {}).get("sender", "")],
        "to": [headers.get("to", "")],
        "recipient": [event.get("recipient", "")],
        "message-id": [headers.get("message-id", "")],
        "subject": [headers.get("subject", "")],
        "tags": list(event.get("tags", ())),
        "tag": list(event.get("tags", ())),
        "severity": [event.get("severity", "")],
    }
    return table[name]


def _matches(values: list[str], expression: str) -> bool:
    """Mailgun's filter expressions: ``a``, ``a OR b``, ``NOT a``, ``NOT a AND NOT b``."""
    lowered = [v.lower() for v in values]

    def term(t: str) -> bool:
        t = t.strip().strip('"').lower()
        if t.startswith("not "):
            return not term(t[4:])
        return any(t == v or (len(t) > 2 and t in v) for v in lowered)

    return any(all(term(part) for part in alt.split(" AND ")) for alt in expression.split(" OR "))


def _encode(state: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(state, separators=(",", ":")).encode()).decode().rstrip("=")


def _decode(token: str) -> dict[str, Any]:
    try:
        state = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except ValueError as exc:
        raise bad_request("invalid page URL") from exc
    if not isinstance(state, dict):
        raise bad_request("invalid page URL")
    return state


def query_from_params(params: dict[str, str]) -> dict[str, Any]:
    limit_text = params.get("limit", str(MAX_LIMIT))
    try:
        limit = int(limit_text)
    except ValueError as exc:
        raise bad_request(f"limit: invalid value {limit_text}") from exc
    if not 1 <= limit <= MAX_LIMIT:
        raise bad_request(f"limit: must be between 1 and {MAX_LIMIT}")
    begin = _parse_time(params["begin"]) if params.get("begin") else None
    end = _parse_time(params["end"]) if params.get("end") else None
    ascending_text = params.get("ascending", "")
    if ascending_text:
        ascending = ascending_text.lower() in ("yes", "true")
    else:
        ascending = begin is not None and end is None
    filters = {name: params[name] for name in FILTERS if params.get(name)}
    return {"limit": limit, "begin": begin, "end": end, "asc": ascending, "filters": filters}


def page(
    events: list[dict[str, Any]], query: dict[str, Any], cursor: dict[str, Any] | None, base_url: str
) -> dict[str, Any]:
    """One page of ``events`` (oldest first as stored) for ``query``; ``cursor`` = ``{"after"|"before": id}``
    positions in the query's order, or ``{"from_end": true}`` for the last page."""
    selected = [
        e
        for e in events
        if (query["begin"] is None or e["timestamp"] >= min(query["begin"], query["end"] or query["begin"]))
        and (query["end"] is None or e["timestamp"] <= max(query["end"], query["begin"] or query["end"]))
        and all(_matches(_field(e, name), expr) for name, expr in query["filters"].items())
    ]
    if not query["asc"]:
        selected.reverse()
    ids = [e["id"] for e in selected]
    limit = query["limit"]
    cursor = cursor or {}
    if "after" in cursor:
        start = ids.index(cursor["after"]) + 1 if cursor["after"] in ids else len(ids)
        chunk = selected[start : start + limit]
    elif "before" in cursor:
        stop = ids.index(cursor["before"]) if cursor["before"] in ids else 0
        chunk = selected[max(0, stop - limit) : stop]
    elif cursor.get("from_end"):
        chunk = selected[-limit:] if selected else []
    else:
        chunk = selected[:limit]

    def link(state: dict[str, Any]) -> str:
        return f"{base_url}/{_encode({'q': query, 'c': state})}"

    last_id = chunk[-1]["id"] if chunk else cursor.get("after") or cursor.get("before") or ""
    first_id = chunk[0]["id"] if chunk else cursor.get("before") or cursor.get("after") or ""
    return {
        "items": chunk,
        "paging": {
            "first": link({}),
            "last": link({"from_end": True}),
            "next": link({"after": last_id}) if last_id else link({"after": ""}),
            "previous": link({"before": first_id}) if first_id else link({"before": ""}),
        },
    }


def page_from_token(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    state = _decode(token)
    query, cursor = state.get("q"), state.get("c")
    if not isinstance(query, dict) or not isinstance(cursor, dict):
        raise bad_request("invalid page URL")
    return query, cursor
