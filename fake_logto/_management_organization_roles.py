"""The Management API's organization roles (the organization template's roles) and their organization and
resource scopes, as Logto's ``packages/core/src/routes/organization-role/index.ts`` with the
``SchemaRouter`` (``utils/SchemaRouter.ts``) relation routes ``/scopes`` and ``/resource-scopes``, the
queries of ``queries/organization/index.ts`` and the errors of ``organization/utils.ts`` and
``middleware/koa-slonik-error-handler.ts``. Every route passes the guard first (:mod:`._management_auth`).

As Logto answers: ``GET /organization-roles`` pages the roles ordered by name, ``q`` matching id, name or
description (``ilike '%q%'``), each with ``scopes`` ``[{id, name}]`` and ``resourceScopes``
``[{id, name, resource: {id, name}}]`` (ordered by id: ``json_agg(distinct …)``); the other answers are
``OrganizationRoles.guard`` (``tenantId``, ``id``, ``name``, ``description``, ``type``), the guard strips
the scopes. ``POST`` (201) takes initial ``organizationScopeIds`` / ``resourceScopeIds`` in one transaction.
A taken name → 422 ``entity.unique_integrity_violation``; an unknown scope (or role, in a relation
``POST``/``PUT``) → 422 ``entity.relation_foreign_key_not_found`` and nothing changes; a relation ``PUT``
with an id twice → 422 ``entity.unique_integrity_violation`` (its insert has no ``on conflict``). Unknown
role: ``GET`` (and a relation ``GET``) → 404 ``entity.not_found`` (the role query's ``pool.one``),
``PATCH`` → 404 ``entity.not_exists`` (``UpdateError``), ``DELETE`` → 404 ``entity.not_found``
(``DeletionError``); removing a scope the role lacks → 404 ``entity.not_found``.

Changes reach sign-in at once (:func:`._management_organizations.publish`): the scopes of a role are what
its holders' next organization token carries. A ``PATCH`` that sets nothing answers the role unchanged
(Logto answers 500: ``update … set  where …``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import _data_hooks, _guards, paths
from ._errors import LogtoError
from ._management_auth import authorized_tenant
from ._management_organization_relations import created
from ._management_organizations import (
    TENANT_ID,
    contains,
    fk_violation,
    matches,
    optional_page,
    publish,
    query_value,
    role_json,
)
from ._management_users import page_of
from ._organization_registry import StoredOrganizationRole
from ._role_registry import resource_id
from ._store import new_id
from ._tenant import Tenant

TYPES = ("User", "MachineToMachine")  # ``RoleType``


def organization_scope_json(tenant: Tenant, scope_id: str) -> dict[str, Any]:
    """``OrganizationScopes.guard``."""
    scope = tenant.store.organizations.scopes[scope_id]
    return {"tenantId": TENANT_ID, "id": scope.id, "name": scope.name, "description": scope.description}


def _resource_scope_json(tenant: Tenant, scope_id: str) -> dict[str, Any]:
    """``Scopes.guard`` (the API resource scope's row)."""
    resource, name = tenant.store.roles.scopes()[scope_id]
    return {
        "tenantId": TENANT_ID,
        "id": scope_id,
        "resourceId": resource_id(resource),
        "name": name,
        "description": None,
        "createdAt": 0,
    }


def _with_scopes(tenant: Tenant, role: StoredOrganizationRole) -> dict[str, Any]:
    """``organizationRoleWithScopesGuard``."""
    scopes = tenant.store.organizations.scopes
    resource_scopes = tenant.store.roles.scopes()
    return role_json(role) | {
        "scopes": [{"id": s, "name": scopes[s].name} for s in sorted(role.scope_ids) if s in scopes],
        "resourceScopes": [
            {
                "id": s,
                "name": resource_scopes[s][1],
                "resource": {"id": resource_id(resource_scopes[s][0]), "name": resource_scopes[s][0].name},
            }
            for s in sorted(role.resource_scope_ids)
            if s in resource_scopes
        ],
    }


def _role_body(body: dict[str, Any], *, create: bool) -> dict[str, Any]:
    """``OrganizationRoles.createGuard`` / ``updateGuard`` without ``id``: the attributes it sets."""
    changes: dict[str, Any] = {}
    if "tenantId" in body:
        _guards.string(body, "tenantId", max_length=21)
    if create or "name" in body:
        changes["name"] = _guards.string(body, "name", min_length=1, max_length=128)
    if "description" in body:
        if _guards.optional(body, "description", str, nullable=True) is not None:
            _guards.string(body, "description", max_length=256)
        changes["description"] = body["description"]
    if _guards.optional(body, "type", str) is not None:
        changes["type"] = _guards.choice(body, "type", TYPES)
    return changes


def check_name_free(names: dict[str, Any], name: str | None, own_id: str | None = None) -> None:
    """The ``…__name`` unique constraint (``organization_roles``, ``organization_scopes``)."""
    if name is not None and any(v.name == name and v.id != own_id for v in names.values()):
        raise LogtoError("entity.unique_integrity_violation", 422)


async def list_roles(request: Request) -> Response:
    tenant = authorized_tenant(request)
    offset, limit = page_of(request)
    pattern = contains(query_value(request, "q"))
    with tenant.store.lock:
        roles = sorted(tenant.store.organizations.roles.values(), key=lambda r: r.name)
        found = [r for r in roles if matches(pattern, r.id, r.name, r.description)]
        body = [_with_scopes(tenant, r) for r in found[offset : offset + limit]]
    return JSONResponse(body, headers={"Total-Number": str(len(found))})


def _scope_ids(body: dict[str, Any], key: str) -> list[str]:
    """``z.array(z.string()).default([])``."""
    ids: list[str] | None = _guards.string_list(body, key, optional=True, min_length=0)
    return ids or []


async def create_role(request: Request) -> Response:
    tenant = authorized_tenant(request)
    body = await _guards.body(request)
    changes = _role_body(body, create=True)
    scope_ids, resource_scope_ids = (
        _scope_ids(body, "organizationScopeIds"),
        _scope_ids(body, "resourceScopeIds"),
    )
    registry = tenant.store.organizations
    with tenant.store.lock:
        check_name_free(registry.roles, changes["name"])
        if any(s not in registry.scopes for s in scope_ids) or any(
            s not in tenant.store.roles.scopes() for s in resource_scope_ids
        ):
            raise fk_violation()
        role = StoredOrganizationRole(
            id=new_id(21),
            scope_ids=list(dict.fromkeys(scope_ids)),
            resource_scope_ids=list(dict.fromkeys(resource_scope_ids)),
            **changes,
        )
        registry.roles[role.id] = role
        publish(tenant)
    if scope_ids or resource_scope_ids:  # organization-role/index.ts: only the role's id, no data
        _data_hooks.append("OrganizationRole.Scopes.Updated", organizationRoleId=role.id)
    return JSONResponse(role_json(role), status_code=201)


def _role(tenant: Tenant, role_id: str) -> StoredOrganizationRole:
    role = tenant.store.organizations.roles.get(role_id)
    if role is None:
        raise LogtoError("entity.not_found", 404)
    return role


async def get_role(request: Request) -> Response:
    tenant = authorized_tenant(request)
    return JSONResponse(role_json(_role(tenant, request.path_params["id"])))


async def update_role(request: Request) -> Response:
    tenant = authorized_tenant(request)
    changes = _role_body(await _guards.body(request), create=False)
    with tenant.store.lock:
        role = tenant.store.organizations.roles.get(request.path_params["id"])
        if role is None:
            raise LogtoError("entity.not_exists", 404, name="organization_role")
        check_name_free(tenant.store.organizations.roles, changes.get("name"), role.id)
        for attribute, value in changes.items():
            setattr(role, attribute, value)
        publish(tenant)
    return JSONResponse(role_json(role))


async def delete_role(request: Request) -> Response:
    """Its assignments go with it (``on delete cascade``)."""
    tenant = authorized_tenant(request)
    with tenant.store.lock:
        role_id = request.path_params["id"]
        if tenant.store.organizations.roles.pop(role_id, None) is None:
            raise LogtoError("entity.not_found", 404)
        for org in tenant.store.organizations.organizations.values():
            org.member_roles = [(u, r) for u, r in org.member_roles if r != role_id]
            org.application_roles = [(a, r) for a, r in org.application_roles if r != role_id]
        publish(tenant)
    return Response(status_code=204)


# --- the relation routes: /scopes and /resource-scopes ---------------------------------------------------
@dataclass(frozen=True)
class Relation:
    key: str  # the body's ids (``organizationScopeIds``, ``scopeIds``)
    attribute: str  # StoredOrganizationRole's list
    path_param: str


SCOPES = Relation("organizationScopeIds", "scope_ids", "organizationScopeId")
RESOURCE_SCOPES = Relation("scopeIds", "resource_scope_ids", "scopeId")


def _known(tenant: Tenant, relation: Relation) -> set[str]:
    if relation is SCOPES:
        return set(tenant.store.organizations.scopes)
    return set(tenant.store.roles.scopes())


def _json(tenant: Tenant, relation: Relation, scope_id: str) -> dict[str, Any]:
    if relation is SCOPES:
        return organization_scope_json(tenant, scope_id)
    return _resource_scope_json(tenant, scope_id)


async def _list(request: Request, relation: Relation) -> Response:
    tenant = authorized_tenant(request)
    with tenant.store.lock:
        role = _role(tenant, request.path_params["id"])
        known = _known(tenant, relation)
        held = [s for s in getattr(role, relation.attribute) if s in known]
        offset, limit, headers = optional_page(request, len(held))
        body = [_json(tenant, relation, s) for s in held[offset : offset + limit]]
    return JSONResponse(body, headers=headers)


async def _add(request: Request, relation: Relation) -> Response:
    tenant = authorized_tenant(request)
    ids = _guards.string_list(await _guards.body(request), relation.key, nonempty=True)
    with tenant.store.lock:
        role = tenant.store.organizations.roles.get(request.path_params["id"])
        known = _known(tenant, relation)
        if role is None or any(s not in known for s in ids):
            raise fk_violation()
        held: list[str] = getattr(role, relation.attribute)
        held.extend(s for s in dict.fromkeys(ids) if s not in held)
        publish(tenant)
    return created()


async def _replace(request: Request, relation: Relation) -> Response:
    tenant = authorized_tenant(request)
    ids = _guards.string_list(await _guards.body(request), relation.key)
    with tenant.store.lock:
        role = tenant.store.organizations.roles.get(request.path_params["id"])
        if ids:  # no rows to insert: nothing to refuse
            if len(set(ids)) != len(ids):
                raise LogtoError("entity.unique_integrity_violation", 422)
            known = _known(tenant, relation)
            if role is None or any(s not in known for s in ids):
                raise fk_violation()
        if role is not None:
            setattr(role, relation.attribute, list(ids))
            publish(tenant)
    return Response(status_code=204)


async def _remove(request: Request, relation: Relation) -> Response:
    tenant = authorized_tenant(request)
    with tenant.store.lock:
        role = tenant.store.organizations.roles.get(request.path_params["id"])
        scope_id = request.path_params[relation.path_param]
        held: list[str] = getattr(role, relation.attribute) if role is not None else []
        if scope_id not in held:
            raise LogtoError("entity.not_found", 404)
        held.remove(scope_id)
        publish(tenant)
    return Response(status_code=204)


async def list_scopes(request: Request) -> Response:
    return await _list(request, SCOPES)


async def add_scopes(request: Request) -> Response:
    return await _add(request, SCOPES)


async def replace_scopes(request: Request) -> Response:
    return await _replace(request, SCOPES)


async def remove_scope(request: Request) -> Response:
    return await _remove(request, SCOPES)


async def list_resource_scopes(request: Request) -> Response:
    return await _list(request, RESOURCE_SCOPES)


async def add_resource_scopes(request: Request) -> Response:
    return await _add(request, RESOURCE_SCOPES)


async def replace_resource_scopes(request: Request) -> Response:
    return await _replace(request, RESOURCE_SCOPES)


async def remove_resource_scope(request: Request) -> Response:
    return await _remove(request, RESOURCE_SCOPES)


ROUTES = [
    ("GET", paths.MANAGEMENT_ORGANIZATION_ROLES, list_roles),
    ("POST", paths.MANAGEMENT_ORGANIZATION_ROLES, create_role),
    ("GET", paths.MANAGEMENT_ORGANIZATION_ROLE, get_role),
    ("PATCH", paths.MANAGEMENT_ORGANIZATION_ROLE, update_role),
    ("DELETE", paths.MANAGEMENT_ORGANIZATION_ROLE, delete_role),
    ("GET", paths.MANAGEMENT_ORGANIZATION_ROLE_SCOPES, list_scopes),
    ("POST", paths.MANAGEMENT_ORGANIZATION_ROLE_SCOPES, add_scopes),
    ("PUT", paths.MANAGEMENT_ORGANIZATION_ROLE_SCOPES, replace_scopes),
    ("DELETE", paths.MANAGEMENT_ORGANIZATION_ROLE_SCOPE, remove_scope),
    ("GET", paths.MANAGEMENT_ORGANIZATION_ROLE_RESOURCE_SCOPES, list_resource_scopes),
    ("POST", paths.MANAGEMENT_ORGANIZATION_ROLE_RESOURCE_SCOPES, add_resource_scopes),
    ("PUT", paths.MANAGEMENT_ORGANIZATION_ROLE_RESOURCE_SCOPES, replace_resource_scopes),
    ("DELETE", paths.MANAGEMENT_ORGANIZATION_ROLE_RESOURCE_SCOPE, remove_resource_scope),
]

__all__ = ["ROUTES", "check_name_free", "organization_scope_json"]
