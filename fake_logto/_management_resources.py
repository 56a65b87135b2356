"""The Management API's API resources and their scopes, as Logto's ``packages/core/src/routes/resource.ts``
and ``resource.scope.ts`` with their ``*.openapi.json``. Every route passes the guard first
(:mod:`._management_auth`), then the body guard (``koaGuard``: a bad body on an unknown id is a 400).

The resources are the tenant's live config (``tenant.config.resources``, replaced as a whole on each write,
so ``/oidc/auth`` and ``/oidc/token`` accept a new indicator at once); the ids, descriptions and creation
times of rows are the registry's (:mod:`._role_registry`). The Management API resource is listed first with
Logto's seeded ids; it cannot be changed or deleted (400 ``resource.cannot_modify_management_api`` /
``cannot_delete_management_api``), but can be made the default API, as Logto allows. A resource is
``Resources.guard`` (``tenantId``, ``id``, ``name``, ``indicator``, ``isDefault``, ``accessTokenTtl``), a
scope ``Scopes.guard`` (``tenantId``, ``id``, ``resourceId``, ``name``, ``description``, ``createdAt``).
``GET /resources`` pages only when asked (``koaPagination({isOptional: true})``) and adds each one's
``scopes`` with ``includeScopes=true``; a resource's scopes always page and take Logto's search over
``id``, ``name``, ``description`` (:mod:`._search`), also for an unknown resource (``[]``).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import _guards, paths
from ._config import MANAGEMENT_API_RESOURCE, Resource
from ._errors import LogtoError
from ._management_auth import authorized_tenant
from ._management_users import page_of
from ._role_registry import RoleRegistry, ScopeRow, stable_id
from ._search import search_filter
from ._store import new_id
from ._tenant import Tenant

TENANT_ID = "default"
YES = ("1", "true", "y", "yes", "yep", "yeah")  # @silverhand/essentials' ``yes``
SCOPE_NAME_MAX = 256  # scopes.name varchar(256)
SCOPE_SEARCH_FIELDS = ("id", "name", "description")


def resource_json(roles: RoleRegistry, resource: Resource) -> dict[str, Any]:
    return {
        "tenantId": TENANT_ID,
        "id": roles.resource_id(resource),
        "name": resource.name,
        "indicator": resource.indicator,
        "isDefault": resource.default,
        "accessTokenTtl": resource.access_token_ttl,
    }


def scope_json(roles: RoleRegistry, resource: Resource, name: str) -> dict[str, Any]:
    row = roles.scope_row(resource, name)
    return {
        "tenantId": TENANT_ID,
        "id": row.id,
        "resourceId": roles.resource_id(resource),
        "name": name,
        "description": row.description,
        "createdAt": row.created_at,
    }


def _resource(tenant: Tenant, rid: str) -> Resource:
    """``findResourceById``: 404 ``entity.not_exists_with_id`` naming the table."""
    resource = tenant.store.roles.resource_by_id(rid)
    if resource is None:
        raise LogtoError("entity.not_exists_with_id", 404, name="resources", id=rid)
    return resource


def _modifiable(tenant: Tenant, rid: str) -> Resource:
    resource = _resource(tenant, rid)
    if resource.indicator == MANAGEMENT_API_RESOURCE:
        raise LogtoError("resource.cannot_modify_management_api", 400)
    return resource


def _replace(tenant: Tenant, old: Resource | None, new: Resource | None) -> None:
    """Swap ``old`` for ``new`` in the live config (append when ``old`` is None, drop when ``new`` is)."""
    kept = [r for r in tenant.config.resources if old is None or r.indicator != old.indicator]
    if new is not None:
        index = next(
            (i for i, r in enumerate(tenant.config.resources) if old and r.indicator == old.indicator),
            len(kept),
        )
        kept.insert(index, new)
    tenant.config = dataclasses.replace(tenant.config, resources=tuple(kept))


def _ttl(body: dict[str, Any]) -> int | None:
    value = body.get("accessTokenTtl")
    if value is None:
        return _guards.field(body, "accessTokenTtl", int, optional=True)  # type: ignore[no-any-return]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return _guards.field(body, "accessTokenTtl", int)  # type: ignore[no-any-return]


def _optional_string(body: dict[str, Any], key: str, **kwargs: Any) -> str | None:
    if key in body and body[key] is None:  # zod's .optional() refuses an explicit null
        _guards.field(body, key, str)
    return _guards.string(body, key, **kwargs) if key in body else None


async def list_resources(request: Request) -> Response:
    tenant = authorized_tenant(request)
    query = request.query_params
    paged = "page" in query or "page_size" in query
    offset, limit = page_of(request) if paged else (0, None)
    with_scopes = (query.get("includeScopes") or "").lower() in YES
    roles = tenant.store.roles
    with tenant.store.lock:
        found = roles.resources()
        shown = found[offset : None if limit is None else offset + limit]
        body = [
            resource_json(roles, r)
            | ({"scopes": [scope_json(roles, r, s) for s in r.scopes]} if with_scopes else {})
            for r in shown
        ]
    return JSONResponse(body, headers={"Total-Number": str(len(found))} if paged else None)


async def create_resource(request: Request) -> Response:
    tenant = authorized_tenant(request)
    body = await _guards.body(request)
    name = _guards.string(body, "name", min_length=1)
    indicator = _guards.string(body, "indicator", min_length=1)
    ttl = _ttl(body)
    with tenant.store.lock:
        if any(r.indicator == indicator for r in tenant.store.roles.resources()):
            raise LogtoError("resource.resource_identifier_in_use", 422, indicator=indicator)
        resource = Resource(indicator, name, (), 3600 if ttl is None else ttl)
        tenant.store.roles.resource_ids[indicator] = stable_id("resource", indicator, new_id())
        _replace(tenant, None, resource)
        answer = resource_json(tenant.store.roles, resource) | {"scopes": []}
    return JSONResponse(answer, status_code=201)


async def get_resource(request: Request) -> Response:
    tenant = authorized_tenant(request)
    with tenant.store.lock:
        resource = _resource(tenant, request.path_params["id"])
        return JSONResponse(resource_json(tenant.store.roles, resource))


async def update_resource(request: Request) -> Response:
    tenant = authorized_tenant(request)
    body = await _guards.body(request)
    name = _optional_string(body, "name", min_length=1)
    ttl = _ttl(body)
    with tenant.store.lock:
        resource = _modifiable(tenant, request.path_params["id"])
        changed = dataclasses.replace(
            resource,
            name=resource.name if name is None else name,
            access_token_ttl=resource.access_token_ttl if ttl is None else ttl,
        )
        _replace(tenant, resource, changed)
        return JSONResponse(resource_json(tenant.store.roles, changed))


async def set_default(request: Request) -> Response:
    """One default at most: making one the default unsets the others (``setDefaultResource``)."""
    tenant = authorized_tenant(request)
    is_default: bool = _guards.field(await _guards.body(request), "isDefault", bool)
    with tenant.store.lock:
        resource = _resource(tenant, request.path_params["id"])
        indicator = resource.indicator
        config = tenant.config
        resources = tuple(
            dataclasses.replace(r, default=is_default)
            if r.indicator == indicator
            else (dataclasses.replace(r, default=False) if is_default else r)
            for r in config.resources
        )
        mapi = (
            is_default
            if indicator == MANAGEMENT_API_RESOURCE
            else (config.management_api_default and not is_default)
        )
        tenant.config = dataclasses.replace(config, resources=resources, management_api_default=mapi)
        changed = tenant.config.resource(indicator)
        assert changed is not None
        return JSONResponse(resource_json(tenant.store.roles, changed))


async def delete_resource(request: Request) -> Response:
    """Deleting a resource deletes its scopes and their place in every role (``on delete cascade``)."""
    tenant = authorized_tenant(request)
    with tenant.store.lock:
        resource = _resource(tenant, request.path_params["id"])
        if resource.indicator == MANAGEMENT_API_RESOURCE:
            raise LogtoError("resource.cannot_delete_management_api", 400)
        roles = tenant.store.roles
        roles.forget_scopes({roles.scope_row(resource, s).id for s in resource.scopes})
        for name in resource.scopes:
            roles.scope_rows.pop((resource.indicator, name), None)
        roles.resource_ids.pop(resource.indicator, None)
        _replace(tenant, resource, None)
    return Response(status_code=204)


async def list_scopes(request: Request) -> Response:
    tenant = authorized_tenant(request)
    offset, limit = page_of(request)
    matches = search_filter(request.query_params, SCOPE_SEARCH_FIELDS)
    roles = tenant.store.roles
    with tenant.store.lock:
        resource = roles.resource_by_id(request.path_params["resourceId"])
        rows = [scope_json(roles, resource, s) for s in resource.scopes] if resource else []
        found = [r for r in rows if matches(r)]
    return JSONResponse(found[offset : offset + limit], headers={"Total-Number": str(len(found))})


def _scope_name(body: dict[str, Any], *, required: bool) -> str | None:
    if not required and "name" not in body:
        return None
    name: str = _guards.string(body, "name", min_length=1, max_length=SCOPE_NAME_MAX)
    return name


def _description(body: dict[str, Any]) -> tuple[bool, str | None]:
    """``description``: text, nullable, optional — (given, value)."""
    if body.get("description") is None:
        return "description" in body, None
    return True, _guards.string(body, "description")


def _check_name(resource: Resource, name: str, own: str | None = None) -> None:
    if any(ch.isspace() for ch in name):
        raise LogtoError("scope.name_with_space", 400)
    if name != own and name in resource.scopes:
        raise LogtoError("scope.name_exists", 422, name=name)


async def create_scope(request: Request) -> Response:
    tenant = authorized_tenant(request)
    body = await _guards.body(request)
    name = _scope_name(body, required=True)
    assert name is not None
    _, description = _description(body)
    with tenant.store.lock:
        if any(ch.isspace() for ch in name):  # checked before the resource is looked up
            raise LogtoError("scope.name_with_space", 400)
        resource = _modifiable(tenant, request.path_params["resourceId"])
        _check_name(resource, name)
        roles = tenant.store.roles
        roles.scope_rows[(resource.indicator, name)] = ScopeRow(
            stable_id("scope", resource.indicator, name, new_id()), description, tenant.store.now_ms()
        )
        changed = dataclasses.replace(resource, scopes=(*resource.scopes, name))
        _replace(tenant, resource, changed)
        answer = scope_json(roles, changed, name)
    return JSONResponse(answer, status_code=201)


def _scope_by_id(roles: RoleRegistry, scope_id: str) -> tuple[Resource, str]:
    found = roles.scopes().get(scope_id)
    if found is None:  # ``updateScopeById`` → UpdateError → 404 ``entity.not_exists``
        raise LogtoError("entity.not_exists", 404, name="scope")
    return found


async def update_scope(request: Request) -> Response:
    """Logto updates the scope by id alone; the name is checked against the path's resource."""
    tenant = authorized_tenant(request)
    body = await _guards.body(request)
    name = _scope_name(body, required=False)
    given, description = _description(body)
    roles = tenant.store.roles
    with tenant.store.lock:
        path_resource = _modifiable(tenant, request.path_params["resourceId"])
        found = roles.scopes().get(request.path_params["scopeId"])
        if name:
            own = found[1] if found and found[0].indicator == path_resource.indicator else None
            _check_name(path_resource, name, own)
        resource, old = _scope_by_id(roles, request.path_params["scopeId"])
        row = roles.scope_row(resource, old)
        if given:
            row.description = description
        if name is not None and name != old:
            if name in resource.scopes:  # the scopes__resource_id_name unique constraint
                raise LogtoError("entity.unique_integrity_violation", 422)
            roles.scope_rows[(resource.indicator, name)] = roles.scope_rows.pop((resource.indicator, old))
            changed = dataclasses.replace(
                resource, scopes=tuple(name if s == old else s for s in resource.scopes)
            )
            _replace(tenant, resource, changed)
            resource, old = changed, name
        return JSONResponse(scope_json(roles, resource, old))


async def delete_scope(request: Request) -> Response:
    tenant = authorized_tenant(request)
    roles = tenant.store.roles
    with tenant.store.lock:
        _modifiable(tenant, request.path_params["resourceId"])
        found = roles.scopes().get(request.path_params["scopeId"])
        if found is None:  # DeletionError
            raise LogtoError("entity.not_found", 404)
        resource, name = found
        roles.forget_scopes({request.path_params["scopeId"]})
        roles.scope_rows.pop((resource.indicator, name), None)
        _replace(
            tenant,
            resource,
            dataclasses.replace(resource, scopes=tuple(s for s in resource.scopes if s != name)),
        )
    return Response(status_code=204)


ROUTES = [
    ("GET", paths.MANAGEMENT_RESOURCES, list_resources),
    ("POST", paths.MANAGEMENT_RESOURCES, create_resource),
    ("GET", paths.MANAGEMENT_RESOURCE, get_resource),
    ("PATCH", paths.MANAGEMENT_RESOURCE, update_resource),
    ("DELETE", paths.MANAGEMENT_RESOURCE, delete_resource),
    ("PATCH", paths.MANAGEMENT_RESOURCE_IS_DEFAULT, set_default),
    ("GET", paths.MANAGEMENT_RESOURCE_SCOPES, list_scopes),
    ("POST", paths.MANAGEMENT_RESOURCE_SCOPES, create_scope),
    ("PATCH", paths.MANAGEMENT_RESOURCE_SCOPE, update_scope),
    ("DELETE", paths.MANAGEMENT_RESOURCE_SCOPE, delete_scope),
]

__all__ = ["ROUTES", "resource_json", "scope_json"]
