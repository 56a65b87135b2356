"""``POST /v1/analytics/logs``: the logs API the SDKs now prefer to the events API.

Request and answer as documentation.mailgun.com's "List logs" reference and the official clients read
them (mailgun.js ``LogsClient`` and its ``Logs`` types, the Python SDK's ``analytics_logs`` example): a JSON
body ``{start, end, duration?, events?, filter: {AND: [{attribute, comparator, values: [{label, value}]}]},
include_totals?, pagination: {sort: "timestamp:asc|desc", token?, limit?}}``; the answer
``{start, end, items, pagination, aggregates: {all, metrics}}``. An item is the event as the events API
has it, re-keyed the logs' way: ``@timestamp`` (ISO 8601), ``domain: {name}``, ``user-variables`` as a
JSON string, ``storage.url`` a list. ``pagination.next`` (present while more items follow) is the token to
send back as ``pagination.token``; ``pagination.total`` answers ``include_totals``.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .. import paths
from .._errors import bad_request
from .._state import State
from .common import Route

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
DAY = 86_400.0
_DURATION_UNITS = {"m": 60.0, "h": 3600.0, "d": DAY}
# attribute → what it reads from an event
_ATTRIBUTES: dict[str, Any] = {
    "domain": lambda e, d: [d],
    "event": lambda e, d: [e["event"]],
    "recipient": lambda e, d: [e.get("recipient", "")],
    "recipient-domain": lambda e, d: [e.get("recipient-domain", "")],
    "tags": lambda e, d: list(e.get("tags", ())),
    "message-id": lambda e, d: [e.get("message", {}).get("headers", {}).get("message-id", "")],
    "subject": lambda e, d: [e.get("message", {}).get("headers", {}).get("subject", "")],
    "from": lambda e, d: [e.get("message", {}).get("headers", {}).get("from", "")],
    "severity": lambda e, d: [e.get("severity", "")],
    "reason": lambda e, d: [e.get("reason", "")],
}
_COMPARATORS: dict[str, Any] = {
    "=": lambda have, want: any(h.lower() == w.lower() for h in have for w in want),
    "!=": lambda have, want: not any(h.lower() == w.lower() for h in have for w in want),
    "contains": lambda have, want: any(w.lower() in h.lower() for h in have for w in want),
    "not contains": lambda have, want: not any(w.lower() in h.lower() for h in have for w in want),
}


class LogsPage(BaseModel):
    start: str
    end: str
    items: list[dict[str, Any]]
    pagination: dict[str, Any]
    aggregates: dict[str, Any]


def _rfc2822(when: float) -> str:
    return format_datetime(datetime.fromtimestamp(when, UTC)).replace("+0000", "-0000")


def _time(body: dict[str, Any], name: str, default: float) -> float:
    value = body.get(name)
    if value in (None, ""):
        return default
    if not isinstance(value, str):
        raise bad_request(f"Invalid format for parameter {name}: must be an RFC 2822 date")
    try:
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError):
        raise bad_request(f"Invalid format for parameter {name}: {value}") from None


def _duration(value: Any) -> float:
    text = str(value)
    if len(text) < 2 or not text[:-1].isdigit() or text[-1] not in _DURATION_UNITS:
        raise bad_request(f"Invalid format for parameter duration: {text}")
    return int(text[:-1]) * _DURATION_UNITS[text[-1]]


def _conditions(body: dict[str, Any]) -> list[tuple[Any, Any, list[str]]]:
    spec = body.get("filter")
    if spec in (None, {}):
        return []
    if not isinstance(spec, dict) or not isinstance(spec.get("AND"), list):
        raise bad_request("Invalid filter: the filter must have an AND list")
    found = []
    for condition in spec["AND"]:
        if not isinstance(condition, dict):
            raise bad_request("Invalid filter: each condition must be an object")
        attribute, comparator, values = (
            condition.get("attribute"),
            condition.get("comparator"),
            condition.get("values"),
        )
        if attribute not in _ATTRIBUTES:
            raise bad_request(f"Invalid filter: unknown attribute {attribute}")
        if comparator not in _COMPARATORS:
            raise bad_request(f"Invalid filter: unknown comparator {comparator}")
        if not isinstance(values, list) or not values or not all(isinstance(v, dict) for v in values):
            raise bad_request("Invalid filter: values must be a non-empty list of {label, value}")
        found.append(
            (_ATTRIBUTES[attribute], _COMPARATORS[comparator], [str(v.get("value", "")) for v in values])
        )
    return found


def log_item(event: dict[str, Any], domain: str) -> dict[str, Any]:
    """An events-API item in the logs' shape."""
    item = {k: v for k, v in event.items() if k not in ("timestamp", "x-harness-message-id")}
    stamp = datetime.fromtimestamp(event["timestamp"], UTC)
    item["@timestamp"] = stamp.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    item["domain"] = {"name": domain}
    item["user-variables"] = json.dumps(event.get("user-variables", {}))
    if "storage" in event:
        item["storage"] = {**event["storage"], "url": [event["storage"]["url"]]}
    return item


def _token(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode().rstrip("=")


def _offset(token: Any) -> int:
    if token in (None, ""):
        return 0
    try:
        offset = json.loads(base64.urlsafe_b64decode(str(token) + "=" * (-len(str(token)) % 4)))["o"]
    except (ValueError, KeyError, TypeError):
        raise bad_request("Invalid pagination token") from None
    if not isinstance(offset, int) or offset < 0:
        raise bad_request("Invalid pagination token")
    return offset


async def list_logs(request: Request, state: State, _domain: str) -> Response:
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        raise bad_request("Invalid JSON body") from None
    if not isinstance(body, dict):
        raise bad_request("Invalid JSON body: expected an object")
    now = state.now()
    end = _time(body, "end", now)
    start = end - _duration(body["duration"]) if body.get("duration") else _time(body, "start", end - DAY)
    if start > end:
        raise bad_request("start must be before end")
    events = body.get("events") or []
    if not isinstance(events, list) or not all(isinstance(e, str) for e in events):
        raise bad_request("Invalid format for parameter events: must be a list of event names")
    conditions = _conditions(body)
    pagination = body.get("pagination") or {}
    if not isinstance(pagination, dict):
        raise bad_request("Invalid format for parameter pagination")
    sort = pagination.get("sort", "timestamp:asc")
    if sort not in ("timestamp:asc", "timestamp:desc"):
        raise bad_request(f"Invalid sort: {sort}")
    limit = pagination.get("limit", DEFAULT_LIMIT)
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_LIMIT:
        raise bad_request(f"Invalid limit: must be between 1 and {MAX_LIMIT}")
    offset = _offset(pagination.get("token"))
    found = [
        (event, domain)
        for domain in state.settings.domains
        for event in state.mailbox.events(domain)
        if start <= event["timestamp"] <= end
        and (not events or event["event"] in events)
        and all(compare(read(event, domain), values) for read, compare, values in conditions)
    ]
    found.sort(key=lambda pair: pair[0]["timestamp"], reverse=sort.endswith("desc"))
    chunk = found[offset : offset + limit]
    page: dict[str, Any] = {}
    if offset + limit < len(found):
        page["next"] = _token(offset + limit)
    if offset:
        page["previous"] = _token(max(0, offset - limit))
    if body.get("include_totals"):
        page["total"] = len(found)
    return JSONResponse(
        {
            "start": _rfc2822(start),
            "end": _rfc2822(end),
            "items": [log_item(event, domain) for event, domain in chunk],
            "pagination": page,
            "aggregates": {"all": len(found), "metrics": {}},
        }
    )


ROUTES = [
    Route(
        "POST",
        paths.LOGS,
        list_logs,
        "Logs of every domain, filtered and paged (JSON body)",
        LogsPage,
    )
]
