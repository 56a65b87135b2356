"""The Management API's organization scopes (the organization template's permissions), as Logto's
``packages/core/src/routes/organization-scope/index.ts``: a plain ``SchemaRouter`` (``utils/SchemaRouter.ts``)
over ``organization_scopes`` with optional paging, ordered by name, ``q`` matching the name
(``ilike '%q%'``). Every route passes the guard first (:mod:`._management_auth`).

Bodies and answers are ``OrganizationScopes.guard`` (``tenantId``, ``id``, ``name`` — at most 128 —,
``description`` — nullable, at most 256). ``POST`` answers 201; a taken name → 422
``entity.unique_integrity_violation``; unknown id → 404 ``entity.not_exists_with_id`` (``GET``),
``entity.not_exists`` (``PATCH``), ``entity.not_found`` (``DELETE``). A deleted scope leaves every role
(``on delete cascade``), and a new one joins the reserved organizations resource, both at once
(:func:`._management_organizations.publish`). A ``PATCH`` that sets nothing answers the scope unchanged
(Logto answers 500: ``update … set  where …``).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import _guards, paths
from ._errors import LogtoError
from ._management_auth import authorized_tenant
from ._management_organization_roles import check_name_free, organization_scope_json
from ._management_organizations import contains, matches, optional_page, publish, query_value
from ._organization_registry import StoredOrganizationScope
from ._store import new_id


def _scope_body(body: dict[str, Any], *, create: bool) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if "tenantId" in body:
        _guards.string(body, "tenantId", max_length=21)
    if create or "name" in body:
        changes["name"] = _guards.string(body, "name", min_length=1, max_length=128)
    if "description" in body:
        if _guards.optional(body, "description", str, nullable=True) is not None:
            _guards.string(body, "description", max_length=256)
        changes["description"] = body["description"]
    return changes


async def list_scopes(request: Request) -> Response:
    tenant = authorized_tenant(request)
    pattern = contains(query_value(request, "q"))
    with tenant.store.lock:
        scopes = sorted(tenant.store.organizations.scopes.values(), key=lambda s: s.name)
        found = [s for s in scopes if matches(pattern, s.name)]
        offset, limit, headers = optional_page(request, len(found))
        body = [organization_scope_json(tenant, s.id) for s in found[offset : offset + limit]]
    return JSONResponse(body, headers=headers)


async def create_scope(request: Request) -> Response:
    tenant = authorized_tenant(request)
    changes = _scope_body(await _guards.body(request), create=True)
    with tenant.store.lock:
        scopes = tenant.store.organizations.scopes
        check_name_free(scopes, changes["name"])
        scope = StoredOrganizationScope(id=new_id(21), **changes)
        scopes[scope.id] = scope
        publish(tenant)
        return JSONResponse(organization_scope_json(tenant, scope.id), status_code=201)


async def get_scope(request: Request) -> Response:
    tenant = authorized_tenant(request)
    scope_id = request.path_params["id"]
    with tenant.store.lock:
        if scope_id not in tenant.store.organizations.scopes:
            raise LogtoError("entity.not_exists_with_id", 404, name="organization_scopes", id=scope_id)
        return JSONResponse(organization_scope_json(tenant, scope_id))


async def update_scope(request: Request) -> Response:
    tenant = authorized_tenant(request)
    changes = _scope_body(await _guards.body(request), create=False)
    with tenant.store.lock:
        scopes = tenant.store.organizations.scopes
        scope = scopes.get(request.path_params["id"])
        if scope is None:
            raise LogtoError("entity.not_exists", 404, name="organization_scope")
        check_name_free(scopes, changes.get("name"), scope.id)
        for attribute, value in changes.items():
            setattr(scope, attribute, value)
        publish(tenant)
        return JSONResponse(organization_scope_json(tenant, scope.id))


async def delete_scope(request: Request) -> Response:
    tenant = authorized_tenant(request)
    scope_id = request.path_params["id"]
    with tenant.store.lock:
        if tenant.store.organizations.scopes.pop(scope_id, None) is None:
            raise LogtoError("entity.not_found", 404)
        for role in tenant.store.organizations.roles.values():
            role.scope_ids = [s for s in role.scope_ids if s != scope_id]
        publish(tenant)
    return Response(status_code=204)


ROUTES = [
    ("GET", paths.MANAGEMENT_ORGANIZATION_SCOPES, list_scopes),
    ("POST", paths.MANAGEMENT_ORGANIZATION_SCOPES, create_scope),
    ("GET", paths.MANAGEMENT_ORGANIZATION_SCOPE, get_scope),
    ("PATCH", paths.MANAGEMENT_ORGANIZATION_SCOPE, update_scope),
    ("DELETE", paths.MANAGEMENT_ORGANIZATION_SCOPE, delete_scope),
]
