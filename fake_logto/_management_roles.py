"""The Management API's roles and a user's roles, as Logto's ``packages/core/src/routes/role.ts``,
``role.scope.ts`` (with ``libraries/role-scope.ts``) and ``admin-user/role.ts`` with their
``*.openapi.json``. Every route passes the guard first (:mod:`._management_auth`).

The roles are the store's (:mod:`._role_registry`): the config's, as these routes change them, and
:mod:`._rbac` reads them, so a role assigned here grants its scopes in the next access token. Bodies are
Logto's ``Roles.guard`` (``tenantId``, ``id``, ``name``, ``description``, ``type``, ``isDefault``); the
list adds ``usersCount``/``featuredUsers``/``applicationsCount``/``featuredApplications`` (three at most,
as the query caps them); a scope is ``Scopes.guard`` and, listed under a role, with its ``resource``.
Statuses as Logto's: ``POST /roles`` answers 200, ``POST /roles/:id/scopes`` and
``POST /users/:id/roles`` 201, ``PUT /users/:id/roles`` 200, deletes 204. Unknown role, scope or user →
404 ``entity.not_exists_with_id`` (``name`` the table: ``roles``, ``scopes``); removing a relation that is
not there → 404 ``entity.not_found`` (``DeletionError``).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import _data_hooks, _guards, _search, paths
from ._config import MANAGEMENT_API_RESOURCE
from ._errors import LogtoError
from ._management_auth import authorized_tenant
from ._management_resources import resource_json, scope_json
from ._management_users import page_of, user_of
from ._role_registry import RoleRegistry, StoredRole, stable_id
from ._store import new_id
from ._tenant import Tenant

TENANT_ID = "default"  # Logto OSS's tenant (``defaultTenantId``)
TYPES = ("User", "MachineToMachine")
NAME_MAX = 128  # roles.sql: name and description varchar(128)
ROLE_SEARCH_FIELDS = ("id", "name", "description")  # queries/roles.ts, queries/scope.ts
FEATURED = 3


def role_json(role: StoredRole) -> dict[str, Any]:
    return {
        "tenantId": TENANT_ID,
        "id": role.id,
        "name": role.name,
        "description": role.description,
        "type": role.type,
        "isDefault": role.is_default,
    }


def _scope_json(roles: RoleRegistry, scope_id: str, *, with_resource: bool = False) -> dict[str, Any]:
    resource, name = roles.scopes()[scope_id]
    body = scope_json(roles, resource, name)
    if with_resource:
        body["resource"] = resource_json(roles, resource)
    return body


def _role(tenant: Tenant, role_id: str) -> StoredRole:
    role = tenant.store.roles.roles.get(role_id)
    if role is None:
        raise LogtoError("entity.not_exists_with_id", 404, name="roles", id=role_id)
    return role


def _check_name_free(tenant: Tenant, name: str, own_id: str | None = None) -> None:
    taken = tenant.store.roles.by_name(name)
    if taken is not None and taken.id != own_id:
        raise LogtoError("role.name_in_use", 422, name=name)


def _check_scopes(tenant: Tenant, role: StoredRole, scope_ids: list[str], *, new: bool) -> None:
    """Logto's ``validateRoleScopeAssignment``: not yet on the role (422 ``role.scope_exists``), a scope that
    exists (404), no Management API scope on a user role (400)."""
    scopes = tenant.store.roles.scopes()
    for scope_id in scope_ids if not new else []:
        if scope_id in role.scope_ids:
            raise LogtoError("role.scope_exists", 422, scopeId=scope_id)
    for scope_id in scope_ids:
        if scope_id not in scopes:
            raise LogtoError("entity.not_exists_with_id", 404, name="scopes", id=scope_id)
        if role.type == "User" and scopes[scope_id][0].indicator == MANAGEMENT_API_RESOURCE:
            raise LogtoError("role.management_api_scopes_not_assignable_to_user_role", 400)


def _role_columns(role: StoredRole) -> dict[str, str | None]:
    return {"id": role.id, "name": role.name, "description": role.description}


def _scope_columns(roles: RoleRegistry, scope_id: str) -> dict[str, str | None]:
    return {"id": scope_id, "name": roles.scopes()[scope_id][1], "description": None}


def _name(body: dict[str, Any], key: str, *, optional: bool = False) -> Any:
    """``Roles.createGuard``'s ``name`` / ``description``: ``varchar(128) not null`` (``roles.sql``)."""
    return _guards.string(body, key, min_length=1, max_length=NAME_MAX, optional=optional)


def _excluded(tenant: Tenant, user_id: str | None, app_id: str | None) -> set[str]:
    """``excludeUserId`` / ``excludeApplicationId``: the roles that user or app holds (none if unknown)."""
    user = tenant.store.users.get(user_id) if user_id else None
    return {
        r.id
        for r in tenant.store.roles.roles.values()
        if (user is not None and r.name in user.roles) or (app_id and app_id in r.application_ids)
    }


async def list_roles(request: Request) -> Response:
    """``GET /roles`` (``routes/role.ts``): paging, the query guard (``type``), then the search
    (:mod:`._search`, over id, name and description) and the exclusions; in creation order."""
    tenant = authorized_tenant(request)
    offset, limit = page_of(request)
    query = request.query_params
    kind = _guards.choice(dict(query), "type", TYPES, optional=True, where="query")
    matches = _search.predicate(_search.parse(query), ROLE_SEARCH_FIELDS)
    with tenant.store.lock:
        excluded = _excluded(tenant, query.get("excludeUserId"), query.get("excludeApplicationId"))
        roles = [
            r
            for r in tenant.store.roles.roles.values()
            if (kind is None or r.type == kind) and r.id not in excluded and matches(_role_columns(r))
        ]
        body = []
        for role in roles[offset : offset + limit]:
            holders = [u for u in tenant.store.users.values() if role.name in u.roles]
            apps = [a for a in tenant.config.applications if a.id in role.application_ids]
            body.append(
                role_json(role)
                | {
                    "usersCount": len(holders),
                    "featuredUsers": [{"id": u.id, "avatar": u.avatar, "name": u.name} for u in holders][
                        :FEATURED
                    ],
                    "applicationsCount": len(apps),
                    "featuredApplications": [
                        {"id": a.id, "name": a.name, "type": "MachineToMachine"} for a in apps
                    ][:FEATURED],
                }
            )
    return JSONResponse(body, headers={"Total-Number": str(len(roles))})


async def create_role(request: Request) -> Response:
    tenant = authorized_tenant(request)
    body = await _guards.body(request)
    # Roles.createGuard without id, plus scopeIds, in its key order; null refused (optional only).
    _guards.string(body, "tenantId", max_length=21, optional=True)
    name = _name(body, "name")
    description = _name(body, "description")
    kind = _guards.choice(body, "type", TYPES, optional=True) or "User"
    is_default = _guards.field(body, "isDefault", bool, optional=True) or False
    scope_ids = _guards.string_list(body, "scopeIds", optional=True) or []
    with tenant.store.lock:
        _check_name_free(tenant, name)
        role = StoredRole(stable_id("role", name, new_id()), name, description, kind, is_default)
        _check_scopes(tenant, role, scope_ids, new=True)
        role.scope_ids = list(dict.fromkeys(scope_ids))
        tenant.store.roles.roles[role.id] = role
    if body.get("scopeIds") is not None:  # role.ts: `if (scopeIds)`, so an empty list fires too
        scopes = [_scope_json(tenant.store.roles, s) for s in role.scope_ids]
        _data_hooks.append("Role.Scopes.Updated", roleId=role.id, data=scopes)
    return JSONResponse(role_json(role))


async def get_role(request: Request) -> Response:
    tenant = authorized_tenant(request)
    return JSONResponse(role_json(_role(tenant, request.path_params["role_id"])))


async def update_role(request: Request) -> Response:
    tenant = authorized_tenant(request)
    body = await _guards.body(request)  # the guard first: a bad body on an unknown role is a 400
    name = _name(body, "name", optional=True)
    description = _name(body, "description", optional=True)
    is_default = _guards.field(body, "isDefault", bool, optional=True)
    role = _role(tenant, request.path_params["role_id"])
    with tenant.store.lock:
        if name is not None and name != role.name:
            _check_name_free(tenant, name, role.id)
            for user in tenant.store.users.values():
                user.roles = [name if n == role.name else n for n in user.roles]
            role.name = name
        if description is not None:
            role.description = description
        if is_default is not None:
            role.is_default = is_default
    return JSONResponse(role_json(role))


async def delete_role(request: Request) -> Response:
    tenant = authorized_tenant(request)
    with tenant.store.lock:
        role = _role(tenant, request.path_params["role_id"])
        del tenant.store.roles.roles[role.id]
        for user in tenant.store.users.values():
            user.roles = [n for n in user.roles if n != role.name]
    return Response(status_code=204)


async def list_role_scopes(request: Request) -> Response:
    """``koaPagination({ isOptional: true })``: without ``page``/``page_size`` every scope, no header."""
    tenant = authorized_tenant(request)
    paged = "page" in request.query_params or "page_size" in request.query_params
    offset, limit = page_of(request) if paged else (0, None)
    role = _role(tenant, request.path_params["role_id"])
    matches = _search.predicate(_search.parse(request.query_params), ROLE_SEARCH_FIELDS)
    with tenant.store.lock:
        registry = tenant.store.roles
        known = [s for s in role.scope_ids if s in registry.scopes() and matches(_scope_columns(registry, s))]
        body = [
            _scope_json(tenant.store.roles, s, with_resource=True)
            for s in known[offset : None if limit is None else offset + limit]
        ]
    headers = {"Total-Number": str(len(known))} if paged else None
    return JSONResponse(body, headers=headers)


async def add_role_scopes(request: Request) -> Response:
    tenant = authorized_tenant(request)
    body = await _guards.body(request)
    scope_ids = _guards.string_list(body, "scopeIds", nonempty=True)
    role = _role(tenant, request.path_params["role_id"])
    with tenant.store.lock:
        _check_scopes(tenant, role, scope_ids, new=False)
        role.scope_ids.extend(s for s in dict.fromkeys(scope_ids) if s not in role.scope_ids)
        answer = [
            _scope_json(tenant.store.roles, s) for s in role.scope_ids if s in tenant.store.roles.scopes()
        ]
    return JSONResponse(answer, status_code=201)


async def remove_role_scope(request: Request) -> Response:
    tenant = authorized_tenant(request)
    with tenant.store.lock:
        role = tenant.store.roles.roles.get(request.path_params["role_id"])
        scope_id = request.path_params["scope_id"]
        if role is None or scope_id not in role.scope_ids:
            raise LogtoError("entity.not_found", 404)
        role.scope_ids.remove(scope_id)
    return Response(status_code=204)


async def list_user_roles(request: Request) -> Response:
    tenant = authorized_tenant(request)
    offset, limit = page_of(request)
    user = user_of(tenant, request)
    matches = _search.predicate(_search.parse(request.query_params), ROLE_SEARCH_FIELDS)
    with tenant.store.lock:
        held = [
            r
            for r in tenant.store.roles.roles.values()
            if r.name in user.roles and r.type == "User" and matches(_role_columns(r))
        ]
    body = [role_json(r) for r in held[offset : offset + limit]]
    return JSONResponse(body, headers={"Total-Number": str(len(held))})


def _assignable(tenant: Tenant, role_ids: list[str]) -> list[StoredRole]:
    roles = [tenant.store.roles.roles.get(role_id) for role_id in role_ids]
    for role in roles:  # Logto checks the types of the roles found, then that each exists
        if role is not None and role.type != "User":
            raise LogtoError("user.invalid_role_type", 422, roleId=role.id)
    return [_role(tenant, role_id) for role_id in role_ids]


async def assign_user_roles(request: Request) -> Response:
    tenant = authorized_tenant(request)
    role_ids = _guards.string_list(await _guards.body(request), "roleIds")
    user = user_of(tenant, request)
    with tenant.store.lock:
        held = {r.id for r in tenant.store.roles.roles.values() if r.name in user.roles}
        to_add = [role_id for role_id in role_ids if role_id not in held]
        for role in _assignable(tenant, to_add):
            if role.name not in user.roles:
                user.roles.append(role.name)
    return JSONResponse({"roleIds": role_ids, "addedRoleIds": to_add}, status_code=201)


async def replace_user_roles(request: Request) -> Response:
    """Logto's ``PUT``: the route checks only that the added roles exist; a machine-to-machine role then
    breaks the ``users_roles__role_type`` check of ``tables/users_roles.sql``, which
    ``koa-slonik-error-handler.ts`` answers 422 ``entity.db_constraint_violated`` — after the old links
    were already removed (the steps are not one transaction)."""
    tenant = authorized_tenant(request)
    role_ids = _guards.string_list(await _guards.body(request), "roleIds")
    user = user_of(tenant, request)
    with tenant.store.lock:
        wanted = [_role(tenant, role_id) for role_id in dict.fromkeys(role_ids)]
        known = {r.name for r in tenant.store.roles.roles.values()}
        kept = [n for n in user.roles if n not in known]
        if any(r.type != "User" for r in wanted):
            user.roles = kept
            raise LogtoError("entity.db_constraint_violated", 422)
        user.roles = kept + [r.name for r in wanted]
    return JSONResponse({"roleIds": list(dict.fromkeys(role_ids))})


async def remove_user_role(request: Request) -> Response:
    tenant = authorized_tenant(request)
    with tenant.store.lock:
        user = tenant.store.users.get(request.path_params["user_id"])
        role = tenant.store.roles.roles.get(request.path_params["role_id"])
        if user is None or role is None or role.name not in user.roles:
            raise LogtoError("entity.not_found", 404)
        user.roles.remove(role.name)
    return Response(status_code=204)


ROUTES = [
    ("GET", paths.MANAGEMENT_ROLES, list_roles),
    ("POST", paths.MANAGEMENT_ROLES, create_role),
    ("GET", paths.MANAGEMENT_ROLE, get_role),
    ("PATCH", paths.MANAGEMENT_ROLE, update_role),
    ("DELETE", paths.MANAGEMENT_ROLE, delete_role),
    ("GET", paths.MANAGEMENT_ROLE_SCOPES, list_role_scopes),
    ("POST", paths.MANAGEMENT_ROLE_SCOPES, add_role_scopes),
    ("DELETE", paths.MANAGEMENT_ROLE_SCOPE, remove_role_scope),
    ("GET", paths.MANAGEMENT_USER_ROLES, list_user_roles),
    ("POST", paths.MANAGEMENT_USER_ROLES, assign_user_roles),
    ("PUT", paths.MANAGEMENT_USER_ROLES, replace_user_roles),
    ("DELETE", paths.MANAGEMENT_USER_ROLE, remove_user_role),
]

__all__ = ["ROUTES", "role_json"]
