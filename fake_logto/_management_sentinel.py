"""``POST /api/sentinel-activities/delete``: the Management API's unblock of locked-out identifiers.

Follows ``packages/core/src/routes/sentinel-activities.ts`` (and its ``.openapi.json``): after the guard
(:mod:`._management_auth`), the body ``{targetType: 'User' | 'App', targets: string[]}`` (zod, unknown keys
stripped), then every sentinel activity (:mod:`._sentinel`) of those targets (by their SHA-256) is
forgotten; 204, whether or not any existed.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from . import _guards, paths
from ._management_auth import authorized_tenant

TARGET_TYPES = ("User", "App")  # SentinelActivityTargetType


async def delete_activities(request: Request) -> Response:
    """``POST /api/sentinel-activities/delete``: ``{targetType, targets}`` unblocks those identifiers; 204."""
    tenant = authorized_tenant(request)
    body = await _guards.body(request)
    target_type = _guards.choice(body, "targetType", TARGET_TYPES)
    targets: list[Any] = _guards.field(body, "targets", list)
    for i, target in enumerate(targets):
        _guards.field({str(i): target}, f"targets.{i}", str)
    tenant.sentinel.delete(target_type, targets)
    return Response(status_code=204)


ROUTES = [("POST", paths.MANAGEMENT_SENTINEL_ACTIVITIES_DELETE, delete_activities)]
