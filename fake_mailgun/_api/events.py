"""The events API: a domain's events, filtered and paged (the filtering and paging are :mod:`.._events`)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .. import _events, paths
from .._state import State
from .common import Route, base_url
from .models import Paging


class Event(BaseModel):
    """One event item as Mailgun writes it (``accepted``, ``delivered``, ``failed``)."""

    event: str
    id: str
    timestamp: float
    recipient: str
    log_level: str = Field(alias="log-level")
    message: dict[str, Any]
    envelope: dict[str, Any]
    flags: dict[str, Any]
    tags: list[str]
    user_variables: dict[str, Any] = Field(alias="user-variables")
    storage: dict[str, Any]


class EventPage(BaseModel):
    items: list[Event]
    paging: Paging


def _base(request: Request, state: State, domain: str) -> str:
    return f"{base_url(request, state)}{paths.EVENTS.format(domain=domain)}"


async def list_events(request: Request, state: State, domain: str) -> Response:
    query = _events.query_from_params(dict(request.query_params))
    return JSONResponse(
        _events.page(state.mailbox.events(domain), query, None, _base(request, state, domain))
    )


async def events_page(request: Request, state: State, domain: str) -> Response:
    query, cursor = _events.page_from_token(str(request.path_params["page"]))
    return JSONResponse(
        _events.page(state.mailbox.events(domain), query, cursor, _base(request, state, domain))
    )


ROUTES = [
    Route(
        "GET",
        paths.EVENTS,
        list_events,
        "Events, filtered and paged",
        EventPage,
        query=("begin", "end", "ascending", "limit", *_events.FILTERS),
    ),
    Route("GET", paths.EVENTS_PAGE, events_page, "A page of events by its token", EventPage),
]
