"""Data hooks fired by Management API writes, as Logto's ``packages/core/src/middleware/
koa-management-api-hooks.ts`` with ``libraries/hook/context-manager.ts`` (``HookContextManager``) and
``libraries/hook/utils.ts`` (``buildManagementApiContext``).

One table and one wrapper: :data:`REGISTRATION` is Logto's ``managementApiHooksRegistration``
(``packages/schemas/src/foundations/jsonb-types/hooks.ts``): after a Management API route succeeds,
``"<METHOD> <matchedRoute>"`` found there fires its event with the route's context and ``data`` = the
response body (null for a 204). :func:`with_data_hooks` wraps every ``/api`` Management route (the app
factory applies it), so a route gets its hooks by being served under Logto's route pattern: a Starlette
path such as ``/api/roles/{role_id}/scopes/{scope_id}`` is matched, segment by segment, to Logto's
``/roles/:id/scopes/:scopeId`` (:func:`logto_route`), which gives ``matchedRoute`` and the ``params``
names. A route that appends an event itself, as Logto's routes call ``ctx.appendDataHookContext``, calls
:func:`append` while it runs (e.g. ``User.Deleted`` in ``routes/admin-user/basics.ts``,
``Role.Scopes.Updated`` when ``POST /roles`` carries ``scopeIds`` in ``routes/role.ts``,
``Organization.Membership.Updated`` in ``routes/organization/user/index.ts``); those come first, the
registered one last, as the middleware appends it after the route.

Logto's explicit appends (``ctx.appendDataHookContext`` in ``packages/core/src/routes/**`` and
``libraries/**``, the experience/interaction flows aside) and where the fake makes each:

======================================  ==============================================  =========================
Logto source, route                     event and what it adds                          fake
======================================  ==============================================  =========================
admin-user/basics.ts                    ``User.Deleted``: the user as ``data``          ``_management_users``
``DELETE /users/:userId``               (``userInfoSelectFields``), route context       ``delete_user``
admin-user/basics.ts ``PATCH            ``User.Data.Updated``: the user, no route       ``_management_user_logto
/users/:userId/logto-configs``          context                                         _configs.update_config``
role.ts ``POST /roles`` with            ``Role.Scopes.Updated``: route context,         ``_management_roles``
``scopeIds``                            ``roleId``, ``data`` = the scopes               ``create_role``
organization-role/index.ts ``POST       ``OrganizationRole.Scopes.Updated``: route      ``_management_organization
/organization-roles`` with scope ids    context, ``organizationRoleId``, no ``data``    _roles.create_role``
organization/user/index.ts ``POST|PUT   ``Organization.Membership.Updated``: route      ``_management_organizations``
/organizations/:id/users``, ``DELETE    context, ``organizationId``, ``addedUserIds``,  ``add_members``,
…/users/:userId``                       ``removedUserIds`` (:func:`membership_delta`)   ``replace_members``, …
organization/application/index.ts       ``Organization.Membership.Updated`` with        ``_management_organization
``POST|PUT …/applications``, ``DELETE   ``addedApplicationIds``,                        _applications``
…/applications/:applicationId``         ``removedApplicationIds``
organization-invitation/index.ts        ``Organization.Membership.Updated``: route      ``_management_organization
``PUT /organization-invitations/:id/    context, ``organizationId``, ``addedUserIds``   _invitations.update_status``
status`` (Accepted)                     (the user unless already a member)
libraries/trusted-device.ts (from       ``TrustedDevice.Deleted`` (a dev feature), no   not served
admin-user/trusted-device.ts)           ``ip``
utils/SchemaRouter.ts relation routes   the ``hookEvent`` option: no router passes it   nothing to do
routes/account/** (Account API)         ``User.Data.Updated``                           not served
experience provision-library.ts,        ``Organization.Membership.Updated`` (JIT        ``_organization_jit``
verification-helpers/single-sign-on.ts  organization provisioning)                      (``_hooks.append_context``)
======================================  ==============================================  =========================

``data`` of a registered event is koa's ``ctx.response.body``: a route that set only a status (a 204, or a
201 answered with koa's ``Created`` text, :class:`StatusText`) leaves it undefined, so the payload has no
``data`` (koa ``lib/response.js``: setting the status nulls only a body that was set).

The payload is ``buildWebhooks``' (``libraries/hook/index.ts``): ``event``, ``createdAt``, ``userAgent``,
``ip``, then the context (``path`` below ``/api``, ``method``, ``status``, ``params``, ``matchedRoute``,
``data`` …) and ``hookId``; sent after the response, never failing it, through :func:`._hooks.deliver`.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from . import _hooks, paths
from ._user_info import user_info

if TYPE_CHECKING:
    from ._store import User
    from ._tenant import Tenant

# Logto's ``managementApiHooksRegistration``, verbatim.
REGISTRATION: Mapping[str, str] = {
    "POST /users": "User.Created",
    "PATCH /users/:userId": "User.Data.Updated",
    "PATCH /users/:userId/custom-data": "User.Data.Updated",
    "PATCH /users/:userId/profile": "User.Data.Updated",
    "PATCH /users/:userId/password": "User.Data.Updated",
    "PATCH /users/:userId/is-suspended": "User.SuspensionStatus.Updated",
    "POST /roles": "Role.Created",
    "DELETE /roles/:id": "Role.Deleted",
    "PATCH /roles/:id": "Role.Data.Updated",
    "POST /roles/:id/scopes": "Role.Scopes.Updated",
    "DELETE /roles/:id/scopes/:scopeId": "Role.Scopes.Updated",
    "POST /resources/:resourceId/scopes": "Scope.Created",
    "DELETE /resources/:resourceId/scopes/:scopeId": "Scope.Deleted",
    "PATCH /resources/:resourceId/scopes/:scopeId": "Scope.Data.Updated",
    "POST /organizations": "Organization.Created",
    "DELETE /organizations/:id": "Organization.Deleted",
    "PATCH /organizations/:id": "Organization.Data.Updated",
    "POST /organization-roles": "OrganizationRole.Created",
    "DELETE /organization-roles/:id": "OrganizationRole.Deleted",
    "PATCH /organization-roles/:id": "OrganizationRole.Data.Updated",
    "POST /organization-scopes": "OrganizationScope.Created",
    "DELETE /organization-scopes/:id": "OrganizationScope.Deleted",
    "PATCH /organization-scopes/:id": "OrganizationScope.Data.Updated",
    "PUT /organization-roles/:id/scopes": "OrganizationRole.Scopes.Updated",
    "POST /organization-roles/:id/scopes": "OrganizationRole.Scopes.Updated",
    "DELETE /organization-roles/:id/scopes/:organizationScopeId": "OrganizationRole.Scopes.Updated",
}

# Logto's patterns of the routes that append a data hook themselves (not in REGISTRATION): their
# ``matchedRoute`` and ``params`` names (routes/admin-user/basics.ts, organization/user/index.ts,
# organization/application/index.ts, organization-invitation/index.ts).
EXPLICIT_ROUTES: tuple[str, ...] = (
    "/users/:userId",
    "/users/:userId/logto-configs",
    "/organizations/:id/users",
    "/organizations/:id/users/:userId",
    "/organizations/:id/applications",
    "/organizations/:id/applications/:applicationId",
    "/organization-invitations/:id/status",
)
LOGTO_ROUTES: tuple[str, ...] = tuple(
    dict.fromkeys([key.partition(" ")[2] for key in REGISTRATION] + list(EXPLICIT_ROUTES))
)
_STARLETTE_PARAM = re.compile(r"^\{(\w+)(?::\w+)?\}$")
MEMBERSHIP_DELTA_CAP = 5000  # libraries/hook/utils.ts ``MEMBERSHIP_DELTA_CAP``
MEMBERSHIP_DELTA_FIELDS = ("addedUserIds", "removedUserIds", "addedApplicationIds", "removedApplicationIds")


class StatusText(Response):
    """Koa's answer to a route that set a status and no body (``ctx.body`` stays undefined): the status
    message as text, e.g. ``Created`` for a 201."""


def membership_delta(**lists: list[str]) -> dict[str, Any]:
    """``truncateMembershipDelta``: the non-empty lists, in Logto's field order, each cut at 5000 ids."""
    return {key: lists[key][:MEMBERSHIP_DELTA_CAP] for key in MEMBERSHIP_DELTA_FIELDS if lists.get(key)}


def is_management(path: str) -> bool:
    """A Management API route: ``/api`` but neither the Experience API nor the public ``.well-known``."""
    return (
        path.startswith(paths.API + "/")
        and not path.startswith(paths.EXPERIENCE)
        and not path.startswith(paths.API + "/.well-known")
    )


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def logto_route(path: str) -> str:
    """Logto's pattern of a Starlette route path below ``/api``: the known pattern with the same literal
    segments and parameters in the same places, else the path with ``{snake_name}`` as ``:camelName``."""
    segments = path.removeprefix(paths.API).split("/")
    for route in LOGTO_ROUTES:
        theirs = route.split("/")
        if len(theirs) == len(segments) and all(
            (t.startswith(":") and bool(_STARLETTE_PARAM.match(s))) or t == s
            for t, s in zip(theirs, segments, strict=True)
        ):
            return route
    converted = (
        ":" + _camel(found.group(1)) if (found := _STARLETTE_PARAM.match(s)) else s for s in segments
    )
    return "/".join(converted)


def registered_event(method: str, path: str) -> str | None:
    """The event Logto's table registers for a Starlette route, if any."""
    return REGISTRATION.get(f"{method} {logto_route(path)}")


@dataclass
class _Appended:
    event: str
    data: Any
    with_data: bool
    with_context: bool
    fields: dict[str, Any]


@dataclass
class _Pending:
    entries: list[_Appended] = field(default_factory=list)


_pending: contextvars.ContextVar[_Pending | None] = contextvars.ContextVar(
    "fake_logto_data_hooks", default=None
)


def append(event: str, *, user: User | None = None, context: bool = True, **fields: Any) -> None:
    """``ctx.appendDataHookContext(event, {...buildManagementApiContext(ctx), ...fields})`` from inside a
    Management API route: ``user`` is picked (``userInfoSelectFields``) into ``data``, first; the route's
    context (``context=False``: left out) is filled in once the route has answered."""
    pending = _pending.get()
    if pending is not None:
        picked = user_info(user) if user is not None else None
        pending.entries.append(_Appended(event, picked, user is not None, context, fields))


def _context(request: Request, route: str, names: list[str], status: int) -> dict[str, Any]:
    """``buildManagementApiContext``: koa's ``ctx.path`` (below the ``/api`` mount, undecoded),
    ``method``, ``status``, the router's ``params`` under Logto's names, ``_matchedRoute``."""
    raw = request.scope.get("raw_path")
    full = raw.decode("latin-1") if isinstance(raw, bytes) else request.url.path
    logto_names = re.findall(r":(\w+)", route)
    values = [str(request.path_params.get(name, "")) for name in names]
    return {
        "path": full.removeprefix(paths.API),
        "method": request.method,
        "status": status,
        "params": dict(zip(logto_names, values, strict=False)),
        "matchedRoute": route,
    }


def _body(response: Response) -> dict[str, Any]:
    """``{data: ctx.response.body}``; nothing when the route set no body (``undefined`` is not sent)."""
    raw = getattr(response, "body", b"")
    if not raw or isinstance(response, StatusText):
        return {}
    try:
        return {"data": json.loads(raw)}
    except ValueError:
        return {"data": raw.decode(errors="replace")}


def _payload(tenant: Tenant, request: Request, entry: _Appended, context: dict[str, Any]) -> dict[str, Any]:
    rest: dict[str, Any] = {"data": entry.data} if entry.with_data else {}
    if entry.with_context:
        rest.update(context)
    rest.update(entry.fields)
    return {
        "event": entry.event,
        "createdAt": _hooks.created_at(tenant),
        "userAgent": request.headers.get("user-agent"),
        "ip": request.client.host if request.client else None,
        **rest,
    }


def _email(payload: dict[str, Any]) -> str | None:
    data = payload.get("data")
    email = data.get("primaryEmail") if isinstance(data, dict) else None
    return email if isinstance(email, str) else None


async def _dispatch(tenant: Tenant, payloads: list[dict[str, Any]]) -> None:
    sends = [
        _hooks.deliver(tenant, hook, payload, email=_email(payload))
        for payload in payloads
        for hook in tenant.config.hooks
        if _hooks.matches(hook, payload["event"])
    ]
    await asyncio.gather(*sends)


def with_data_hooks(tenant: Tenant, method: str, path: str, handler: _hooks.Handler) -> _hooks.Handler:
    """``koaManagementApiHooks`` around one Management API route (``path`` its Starlette template)."""
    route = logto_route(path)
    registered = REGISTRATION.get(f"{method} {route}")
    names = [m.group(1) for s in path.split("/") if (m := _STARLETTE_PARAM.match(s))]

    @functools.wraps(handler)
    async def wrapped(request: Request) -> Response:
        pending = _Pending()
        token = _pending.set(pending)
        try:
            response = await handler(request)
        finally:
            _pending.reset(token)
        if response.status_code >= 400:  # a refused request fires nothing (Logto's routes throw)
            return response
        if registered is not None:  # ``{...buildManagementApiContext(ctx), data: ctx.response.body}``
            pending.entries.append(_Appended(registered, None, False, True, _body(response)))
        if pending.entries and tenant.config.hooks:
            context = _context(request, route, names, response.status_code)
            payloads = [_payload(tenant, request, entry, context) for entry in pending.entries]
            tenant.hooks.spawn(_dispatch(tenant, payloads))
        return response

    return wrapped
