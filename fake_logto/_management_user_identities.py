"""The Management API's user social identities (``packages/core/src/routes/admin-user/social.ts``); the
``DELETE`` lives with the users (:mod:`._management_users`).

- ``PUT /api/users/:userId/identities/:target`` ``{userId, details?}`` (``identityGuard``): an identity another
  user has for ``target`` is 422 ``user.identity_already_in_use``; 201 when ``target`` is new to the user,
  else 200; answers the user's identities.
- ``POST /api/users/:userId/identities`` ``{connectorId, connectorData}``: the connector's user info
  (:mod:`._social_connectors`, without a connector session); an unknown connector 404 ``entity.not_found``;
  not social 422 ``session.invalid_connector_id``; then the same uniqueness check; 200 with the identities.
- ``GET /api/users/:userId/identities/:target``: ``{identity}``, or 404 ``user.identity_not_exist``.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import _guards, _social_connectors, paths
from ._errors import LogtoError
from ._management_auth import authorized_tenant
from ._management_users import user_of
from ._store import User
from ._tenant import Tenant


def _taken(tenant: Tenant, target: str, identity_id: str, user: User) -> bool:
    """``hasUserWithIdentity(target, id, excludeUserId)``."""
    with tenant.store.lock:
        return any(
            other.id != user.id
            and isinstance(other.identities.get(target), dict)
            and other.identities[target].get("userId") == identity_id
            for other in tenant.store.users.values()
        )


def _link(tenant: Tenant, user: User, target: str, identity: dict[str, Any]) -> dict[str, Any]:
    with tenant.store.lock:
        if _taken(tenant, target, identity["userId"], user):
            raise LogtoError("user.identity_already_in_use", 422)
        user.identities = {**user.identities, target: identity}
        user.updated_at = tenant.store.now_ms()
        return dict(user.identities)


async def put_identity(request: Request) -> Response:
    tenant = authorized_tenant(request)
    body = await _guards.body(request)
    identity_id = _guards.string(body, "userId")
    details = _guards.field(body, "details", dict, optional=True)
    user = user_of(tenant, request)
    target: str = request.path_params["target"]
    created = target not in user.identities
    identity: dict[str, Any] = {"userId": identity_id}
    if details is not None:
        identity["details"] = details
    identities = _link(tenant, user, target, identity)
    return JSONResponse(identities, status_code=201 if created else 200)


async def post_identity(request: Request) -> Response:
    tenant = authorized_tenant(request)
    body = await _guards.body(request)
    connector_id = _guards.string(body, "connectorId")
    data: dict[str, Any] = _guards.field(body, "connectorData", dict)
    row = tenant.connectors.get(connector_id)
    if row is None:
        raise LogtoError("entity.not_found", 404)
    user = user_of(tenant, request)
    if row.type != "Social":
        raise LogtoError("session.invalid_connector_id", 422, connectorId=connector_id)
    try:
        info = await _social_connectors.user_info(
            row.connector_id, row.config, data, lambda: None, tenant.connectors.stand_in, tenant.http
        )
    except _social_connectors.SocialError as exc:
        raise _social_connectors.as_logto(exc) from None
    target: str = row.factory_metadata["target"]
    return JSONResponse(_link(tenant, user, target, {"userId": info["id"], "details": info}))


async def get_identity(request: Request) -> Response:
    tenant = authorized_tenant(request)
    user = user_of(tenant, request)
    target: str = request.path_params["target"]
    with tenant.store.lock:
        if target not in user.identities:
            raise LogtoError("user.identity_not_exist", 404)
        return JSONResponse({"identity": user.identities[target]})


ROUTES = [
    ("PUT", paths.MANAGEMENT_USER_IDENTITY, put_identity),
    ("POST", paths.MANAGEMENT_USER_IDENTITIES, post_identity),
    ("GET", paths.MANAGEMENT_USER_IDENTITY, get_identity),
]
