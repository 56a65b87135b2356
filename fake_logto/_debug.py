"""The debug view: every auth flow as a timeline (``GET /__harness/``), and the same events as JSON
(``GET /__harness/events``, ``GET /__harness/events/wait`` which blocks server-side for new ones).

The page only reads the JSON API (live updates through the wait endpoint, no polling interval); events
are recorded by the rooms through ``tenant.events`` (:mod:`._events`).
"""

from __future__ import annotations

from typing import Any

from fastapi import Query
from starlette.requests import Request
from starlette.responses import Response

from . import paths
from ._pages import render
from ._tenant import Tenant


def _tenant(request: Request) -> Tenant:
    tenant: Tenant = request.app.state.tenant
    return tenant


async def debug_page(request: Request) -> Response:
    tenant = _tenant(request)
    return render(request, "debug.html", {"apps": tenant.config.applications})


async def list_events(
    request: Request,
    after: int = Query(0, ge=0, description="only events with a larger id"),
    email: str | None = Query(None, description="only flows that involve this email"),
    client_id: str | None = Query(None, description="only this application's events"),
    flow: str | None = Query(None, description="only this flow"),
    last: int | None = Query(None, ge=1, description="only the newest this many (of those selected)"),
) -> dict[str, Any]:
    """Every recorded hop, oldest first: authorization requests, interaction steps, codes sent (with the
    Mailgun delivery status and an inbox link), tokens issued (decoded), refreshes, revocations,
    sign-outs and errors."""
    items = _tenant(request).events.select(after, email, client_id, flow)
    return {"items": items[-last:] if last else items}


async def wait_events(
    request: Request,
    after: int = Query(0, ge=0),
    timeout: float = Query(25.0, ge=0, le=300, description="seconds to wait (0: answer at once)"),
) -> dict[str, Any]:
    """Events newer than ``after``; waits server-side up to ``timeout`` seconds for the first (then
    ``items`` is empty)."""
    return {"items": await _tenant(request).events.wait(after, timeout)}


ROUTES = [
    ("GET", paths.DEBUG, debug_page),
    ("GET", paths.EVENTS_WAIT, wait_events),
    ("GET", paths.EVENTS, list_events),
]
