"""The webhook deliveries on the control API: ``GET /__harness/hook-deliveries`` lists every delivery
:mod:`._hooks` made (request headers and body, answer or error, duration, attempts) and
``GET /__harness/hook-deliveries/wait`` waits server-side for the next, as the debug events do."""

from __future__ import annotations

from typing import Any

from fastapi import Query
from starlette.requests import Request

from . import paths
from ._tenant import Tenant


def _tenant(request: Request) -> Tenant:
    tenant: Tenant = request.app.state.tenant
    return tenant


async def list_deliveries(
    request: Request,
    after: int = Query(0, ge=0, description="only deliveries with a larger id"),
    event: str | None = Query(None, description="only this hook event, e.g. ``PostRegister``"),
    hook_id: str | None = Query(None, description="only this hook's deliveries"),
) -> dict[str, Any]:
    """Every webhook delivery, oldest first: ``hookId``, ``event``, ``request`` (headers and JSON body),
    ``response`` (``statusCode`` and body, null on a network error), ``result`` (``Success`` or ``Error``),
    ``error``, ``attempts``, ``durationMs``, ``createdAt`` (tenant clock, ms) and ``logId`` (the id
    ``GET /api/hooks/{id}/recent-logs`` gives the same delivery)."""
    return {"items": _tenant(request).hooks.select(after, event, hook_id)}


async def wait_deliveries(
    request: Request,
    after: int = Query(0, ge=0, description="only deliveries with a larger id"),
    event: str | None = Query(None, description="only this hook event"),
    hook_id: str | None = Query(None, description="only this hook's deliveries"),
    timeout: float = Query(25.0, ge=0, le=300, description="seconds to wait (0: answer at once)"),
) -> dict[str, Any]:
    """Matching deliveries newer than ``after``; waits server-side up to ``timeout`` seconds for the first
    (then ``items`` is empty)."""
    return {"items": await _tenant(request).hooks.wait(after, timeout, event, hook_id)}


ROUTES = [
    ("GET", paths.HOOK_DELIVERIES_WAIT, wait_deliveries),
    ("GET", paths.HOOK_DELIVERIES, list_deliveries),
]
