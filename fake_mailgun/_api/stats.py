"""The stats and tags apps read: ``/v3/{domain}/stats/total``, ``/v3/{domain}/tags`` (list, one, update,
delete) and ``/v3/{domain}/tags/{tag}/stats``.

Shapes as ``api-stats.rst`` and ``api-tags.rst`` (mailgun/documentation) write them and mailgun.js reads
them (``StatsClient``/``StatsContainer``, ``DomainTagsClient``): ``{start, end, resolution, stats: [{time,
<event>: counts}]}`` with one bucket per hour/day/month (UTC) from ``start`` to ``end`` and only the
``event``s asked for; a tag is ``{tag, description, first-seen, last-seen}``. Counted from the domain's
events, so whatever the events API shows, the stats count.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any
from urllib.parse import urlencode

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .. import paths
from .._errors import bad_request, not_found
from .._state import State
from .common import Route, base_url, form_value, query_int, read_form
from .models import Paging

EVENTS = ("accepted", "delivered", "failed", "opened", "clicked", "unsubscribed", "complained", "stored")
RESOLUTIONS = ("hour", "day", "month")
_PERMANENT = ("suppress-bounce", "suppress-unsubscribe", "suppress-complaint", "bounce", "delayed-bounce")


class Stats(BaseModel):
    start: str
    end: str
    resolution: str
    stats: list[dict[str, Any]]


class TagStats(Stats):
    tag: str
    description: str


class Tag(BaseModel):
    tag: str
    description: str
    model_config = {"extra": "allow"}


class TagPage(BaseModel):
    items: list[Tag]
    paging: Paging


class TagAnswer(BaseModel):
    message: str


def _utc(when: float) -> str:
    return format_datetime(datetime.fromtimestamp(when, UTC)).replace("+0000", "UTC")


def _time(value: str, name: str) -> float:
    try:
        return float(value)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError):
        raise bad_request(f"Invalid format for parameter {name}: {value}") from None


def _floor(when: float, resolution: str) -> datetime:
    moment = datetime.fromtimestamp(when, UTC)
    if resolution == "hour":
        return moment.replace(minute=0, second=0, microsecond=0)
    moment = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return moment.replace(day=1) if resolution == "month" else moment


def _next(moment: datetime, resolution: str) -> datetime:
    if resolution == "hour":
        return moment + timedelta(hours=1)
    if resolution == "day":
        return moment + timedelta(days=1)
    return (moment.replace(day=28) + timedelta(days=4)).replace(day=1)


def _window(request: Request, now: float) -> tuple[list[str], float, float, str]:
    """The ``event``s, ``start``, ``end`` and ``resolution`` asked for (Mailgun's 400s)."""
    query = request.query_params
    events = [e for value in query.getlist("event") for e in value.split(",") if e]
    if not events:
        raise bad_request("'event' parameter is missing")
    for event in events:
        if event not in EVENTS:
            raise bad_request(f"Invalid event: {event}")
    resolution = query.get("resolution", "day")
    if resolution not in RESOLUTIONS:
        raise bad_request(f"Invalid resolution: {resolution}")
    end = _time(query["end"], "end") if query.get("end") else now
    start = _time(query["start"], "start") if query.get("start") else end - 7 * 86_400
    duration = query.get("duration", "")
    if duration:
        unit = {"h": "hour", "d": "day", "m": "month"}.get(duration[-1:], "")
        if not duration[:-1].isdigit() or not unit:
            raise bad_request(f"Invalid format for parameter duration: {duration}")
        resolution = unit
        span = {"hour": 3600, "day": 86_400, "month": 30 * 86_400}[unit]
        start = end - int(duration[:-1]) * span
    if start > end:
        raise bad_request("'start' must be before 'end'")
    if (end - start) / {"hour": 3600, "day": 86_400, "month": 28 * 86_400}[resolution] > 5000:
        raise bad_request("Too many buckets: narrow the time range or use a coarser resolution")
    return events, start, end, resolution


def _counts(event: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    mine = [e for e in items if e["event"] == event]
    if event == "accepted":
        return {"incoming": 0, "outgoing": len(mine), "total": len(mine)}
    if event == "delivered":
        return {"smtp": len(mine), "http": 0, "optimized": 0, "total": len(mine)}
    if event == "failed":
        permanent = [e for e in mine if e.get("severity") == "permanent"]
        temporary = [e for e in mine if e.get("severity") != "permanent"]
        counts = {reason: sum(1 for e in permanent if e.get("reason") == reason) for reason in _PERMANENT}
        return {
            "permanent": {**counts, "webhook": 0, "optimized": 0, "total": len(permanent)},
            "temporary": {"espblock": 0, "total": len(temporary)},
        }
    return {"total": len(mine)}


def _stats(
    state: State, domain: str, request: Request, keep: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    events, start, end, resolution = _window(request, state.now())
    items = [e for e in state.mailbox.events(domain) if start <= e["timestamp"] <= end and keep(e)]
    buckets = []
    moment = _floor(start, resolution)
    while moment.timestamp() <= end:
        after = _next(moment, resolution)
        inside = [e for e in items if moment.timestamp() <= e["timestamp"] < after.timestamp()]
        buckets.append({"time": _utc(moment.timestamp()), **{name: _counts(name, inside) for name in events}})
        moment = after
    return {"start": _utc(start), "end": _utc(end), "resolution": resolution, "stats": buckets}


async def stats_total(request: Request, state: State, domain: str) -> Response:
    return JSONResponse(_stats(state, domain, request, lambda _e: True))


def _iso(when: float) -> str:
    return datetime.fromtimestamp(when, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _tags(state: State, domain: str) -> dict[str, dict[str, Any]]:
    """Every tag the domain's mail carried (and not deleted since), by name."""
    seen: dict[str, dict[str, Any]] = {}
    for event in state.mailbox.events(domain):
        for tag in event.get("tags", ()):
            first = seen.get(tag, {}).get("first", event["timestamp"])
            seen[tag] = {"first": min(first, event["timestamp"]), "last": event["timestamp"]}
    found = {}
    for tag, times in sorted(seen.items()):
        note = state.tag_notes.get((domain, tag), {})
        if times["last"] <= note.get("deleted_at", float("-inf")):
            continue
        found[tag] = {
            "tag": tag,
            "description": note.get("description", ""),
            "first-seen": _iso(times["first"]),
            "last-seen": _iso(times["last"]),
        }
    return found


def _tag(state: State, domain: str, request: Request) -> dict[str, Any]:
    tag = _tags(state, domain).get(str(request.path_params["tag"]))
    if tag is None:
        raise not_found("tag not found")
    return tag


async def list_tags(request: Request, state: State, domain: str) -> Response:
    limit = query_int(request, "limit", 100)
    if not 1 <= limit <= 1000:
        raise bad_request("limit: must be between 1 and 1000")
    page, pivot = request.query_params.get("page", ""), request.query_params.get("tag", "")
    tags = list(_tags(state, domain).values())
    if page == "next":
        chunk = [t for t in tags if t["tag"] > pivot][:limit]
    elif page in ("previous", "prev"):
        chunk = [t for t in tags if t["tag"] < pivot][-limit:]
    elif page == "last":
        chunk = tags[-limit:]
    else:
        chunk = tags[:limit]
    base = f"{base_url(request, state)}{paths.TAGS.format(domain=domain)}"

    def link(direction: str, tag: str | None = None) -> str:
        return f"{base}?{urlencode({'page': direction, **({'tag': tag} if tag is not None else {}), 'limit': limit})}"

    first, last = (chunk[0]["tag"], chunk[-1]["tag"]) if chunk else (pivot, pivot)
    paging = {
        "first": link("first"),
        "last": link("last"),
        "next": link("next", last),
        "previous": link("previous", first),
    }
    return JSONResponse({"items": chunk, "paging": paging})


async def get_tag(request: Request, state: State, domain: str) -> Response:
    return JSONResponse(_tag(state, domain, request))


async def update_tag(request: Request, state: State, domain: str) -> Response:
    tag = _tag(state, domain, request)["tag"]
    description = form_value(await read_form(request), "description")
    state.tag_notes.setdefault((domain, tag), {})["description"] = description
    return JSONResponse({"message": "Tag updated"})


async def delete_tag(request: Request, state: State, domain: str) -> Response:
    tag = _tag(state, domain, request)["tag"]
    state.tag_notes[(domain, tag)] = {"deleted_at": state.now()}
    return JSONResponse({"message": "Tag deleted"})


async def tag_stats(request: Request, state: State, domain: str) -> Response:
    tag = _tag(state, domain, request)
    body = _stats(state, domain, request, lambda e: tag["tag"] in e.get("tags", ()))
    return JSONResponse({"tag": tag["tag"], "description": tag["description"], **body})


_WINDOW = ("event", "start", "end", "resolution", "duration")
ROUTES = [
    Route("GET", paths.STATS_TOTAL, stats_total, "Total stats of a domain", Stats, query=_WINDOW),
    Route("GET", paths.TAGS, list_tags, "Tags of a domain", TagPage, query=("limit", "page", "tag")),
    Route("GET", paths.TAG, get_tag, "One tag", Tag),
    Route("PUT", paths.TAG, update_tag, "Describe a tag", TagAnswer, form=("description",)),
    Route("DELETE", paths.TAG, delete_tag, "Delete a tag (its stats stay)", TagAnswer),
    Route("GET", paths.TAG_STATS, tag_stats, "Stats of one tag", TagStats, query=_WINDOW),
]
