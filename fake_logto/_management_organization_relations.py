"""The Management API's organization relations beyond membership: a member's organization roles, the
bulk role assignment, a member's organization scopes, and machine-to-machine applications as members with
their roles — Logto's ``packages/core/src/routes/organization/user/index.ts`` (``POST /:id/users/roles``),
``user/role-relations.ts``, ``application/index.ts`` (``POST /:id/applications/roles``) and
``application/role-relations.ts``; applications joining and leaving are
:mod:`._management_organization_applications`. Every route passes the guard first (:mod:`._management_auth`).

As Logto answers: ``/:id/users/:userId/roles`` (and ``…/roles/:organizationRoleId``) first checks the
membership (422 ``organization.require_membership``, before the body is read: a ``router.use`` ahead of the
route's guard), the same for applications. ``GET`` pages only when ``page`` or ``page_size`` is given. A
role assignment is refused as the database refuses the rows: a role of the other type → 422
``entity.db_constraint_violated`` (the ``…__role_type`` check, evaluated as each row goes in), an unknown
role, organization or non-member → 422 ``entity.relation_foreign_key_not_found`` (the foreign keys,
checked after the rows), nothing changed either way; ``organizationRoleNames`` naming no role → 422
``organization.role_names_not_found``. Removing what is not there → 404
``entity.not_found``. A relation ``POST`` without a body answers 201 with Koa's ``Created`` text.

What changes here reaches sign-in at once (:func:`._management_organizations.publish`): an organization
role assigned grants its organization scopes in the member's next organization token, and an application's
organization roles its ``client_credentials`` organization token.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import _data_hooks, _guards, paths
from ._errors import LogtoError
from ._management_auth import authorized_tenant
from ._management_organizations import TENANT_ID, fk_violation, optional_page, publish, role_json
from ._organization_registry import StoredOrganization
from ._tenant import Tenant


def created() -> Response:
    """Koa's answer to a 201 whose handler set no body: the status message as text."""
    return _data_hooks.StatusText("Created", status_code=201, media_type="text/plain")


@dataclass(frozen=True)
class Kind:
    """Users or applications as organization members: where an organization keeps them and their roles."""

    path_param: str
    members: str  # StoredOrganization attribute: member ids
    roles: str  # StoredOrganization attribute: (member id, role id) pairs
    role_type: str  # the organization role type its ``…__role_type`` check allows


USERS = Kind("userId", "members", "member_roles", "User")
APPS = Kind("applicationId", "applications", "application_roles", "MachineToMachine")


def _member_org(tenant: Tenant, request: Request, kind: Kind) -> StoredOrganization:
    """The ``router.use`` membership check of ``role-relations.ts``."""
    org = tenant.store.organizations.organizations.get(request.path_params["id"])
    if org is None or request.path_params[kind.path_param] not in getattr(org, kind.members):
        raise LogtoError("organization.require_membership", 422)
    return org


def _check_roles(tenant: Tenant, kind: Kind, role_ids: list[str], *, unique: bool = False) -> None:
    """The rows as the database takes them: each row's role-type check, then (``unique``: an insert
    without ``on conflict do nothing``) its primary key; the foreign keys after the statement."""
    roles = tenant.store.organizations.roles
    seen: set[str] = set()
    for role_id in role_ids:
        if role_id in roles and roles[role_id].type != kind.role_type:
            raise LogtoError("entity.db_constraint_violated", 422)
        if unique and role_id in seen:
            raise LogtoError("entity.unique_integrity_violation", 422)
        seen.add(role_id)
    if any(r not in roles for r in role_ids):
        raise fk_violation()


def _conjunction(names: list[str]) -> str:
    """``Intl.ListFormat('en', {type: 'conjunction'})``, as i18next's ``list`` formatter renders it."""
    if len(names) < 3:
        return " and ".join(names)
    return ", ".join(names[:-1]) + ", and " + names[-1]


def _user_role_ids(tenant: Tenant, body: dict[str, Any]) -> list[str]:
    """``organizationRoleIds`` and ``organizationRoleNames`` (both optional), names resolved to ids."""
    ids = (
        _guards.string_list(body, "organizationRoleIds")
        if _guards.optional(body, "organizationRoleIds", list)
        else []
    )
    names_given = _guards.optional(body, "organizationRoleNames", list)
    names = _guards.string_list(body, "organizationRoleNames") if names_given else []
    registry = tenant.store.organizations
    missing = [n for n in names if registry.role_id(n) is None]
    if missing:
        raise LogtoError("organization.role_names_not_found", 422, names=_conjunction(missing))
    return list(dict.fromkeys([*ids, *(str(registry.role_id(n)) for n in names)]))


def _held(tenant: Tenant, org: StoredOrganization, kind: Kind, member_id: str) -> list[str]:
    return [
        r for m, r in getattr(org, kind.roles) if m == member_id and r in tenant.store.organizations.roles
    ]


async def _list_roles(request: Request, kind: Kind) -> Response:
    tenant = authorized_tenant(request)
    with tenant.store.lock:
        org = _member_org(tenant, request, kind)
        held = _held(tenant, org, kind, request.path_params[kind.path_param])
        offset, limit, headers = optional_page(request, len(held))
        roles = tenant.store.organizations.roles
        body = [role_json(roles[r]) for r in held[offset : offset + limit]]
    return JSONResponse(body, headers=headers)


def _add(org: StoredOrganization, kind: Kind, pairs: list[tuple[str, str]]) -> None:
    existing: list[tuple[str, str]] = getattr(org, kind.roles)
    existing.extend(p for p in dict.fromkeys(pairs) if p not in existing)


async def list_user_roles(request: Request) -> Response:
    return await _list_roles(request, USERS)


async def add_user_roles(request: Request) -> Response:
    tenant = authorized_tenant(request)
    user_id = request.path_params["userId"]
    with tenant.store.lock:
        _member_org(tenant, request, USERS)
    body = await _guards.body(request)
    with tenant.store.lock:
        org = _member_org(tenant, request, USERS)
        role_ids = _user_role_ids(tenant, body)
        _check_roles(tenant, USERS, role_ids)
        _add(org, USERS, [(user_id, r) for r in role_ids])
        publish(tenant)
    return JSONResponse({"organizationRoleIds": role_ids}, status_code=201)


async def replace_user_roles(request: Request) -> Response:
    tenant = authorized_tenant(request)
    user_id = request.path_params["userId"]
    with tenant.store.lock:
        _member_org(tenant, request, USERS)
    body = await _guards.body(request)
    with tenant.store.lock:
        org = _member_org(tenant, request, USERS)
        role_ids = _user_role_ids(tenant, body)
        _check_roles(tenant, USERS, role_ids)
        org.member_roles = [(u, r) for u, r in org.member_roles if u != user_id] + [
            (user_id, r) for r in role_ids
        ]
        publish(tenant)
    return Response(status_code=204)


async def _remove_role(request: Request, kind: Kind) -> Response:
    tenant = authorized_tenant(request)
    with tenant.store.lock:
        org = _member_org(tenant, request, kind)
        pair = (request.path_params[kind.path_param], request.path_params["organizationRoleId"])
        pairs: list[tuple[str, str]] = getattr(org, kind.roles)
        if pair not in pairs:
            raise LogtoError("entity.not_found", 404)
        pairs.remove(pair)
        publish(tenant)
    return Response(status_code=204)


async def remove_user_role(request: Request) -> Response:
    return await _remove_role(request, USERS)


async def _bulk_roles(request: Request, kind: Kind, key: str) -> Response:
    """``POST /:id/users/roles`` / ``/:id/applications/roles``: every role to every member given."""
    tenant = authorized_tenant(request)
    body = await _guards.body(request)
    member_ids = _guards.string_list(body, key, nonempty=True)
    role_ids = _guards.string_list(body, "organizationRoleIds", nonempty=True)
    with tenant.store.lock:
        _check_roles(tenant, kind, role_ids)
        org = tenant.store.organizations.organizations.get(request.path_params["id"])
        if org is None or any(m not in getattr(org, kind.members) for m in member_ids):
            raise fk_violation()  # the rows reference a membership that is not there
        _add(org, kind, [(m, r) for r in role_ids for m in member_ids])
        publish(tenant)
    return created()


async def bulk_user_roles(request: Request) -> Response:
    return await _bulk_roles(request, USERS, "userIds")


async def list_user_scopes(request: Request) -> Response:
    """``usersRoles.getUserScopes``: the member's organization scopes there, by id (``distinct on``)."""
    tenant = authorized_tenant(request)
    registry = tenant.store.organizations
    with tenant.store.lock:
        org = registry.organizations.get(request.path_params["id"])
        roles = registry.user_roles(org, request.path_params["userId"]) if org else []
        scope_ids = sorted({s for role in roles for s in role.scope_ids if s in registry.scopes})
        body = [
            {
                "tenantId": TENANT_ID,
                "id": s,
                "name": registry.scopes[s].name,
                "description": registry.scopes[s].description,
            }
            for s in scope_ids
        ]
    return JSONResponse(body)


# --- applications' roles (membership itself: _management_organization_applications) -------------------
async def list_application_roles(request: Request) -> Response:
    return await _list_roles(request, APPS)


async def _set_application_roles(request: Request, *, replace: bool) -> Response:
    tenant = authorized_tenant(request)
    app_id = request.path_params["applicationId"]
    with tenant.store.lock:
        _member_org(tenant, request, APPS)
    role_ids = _guards.string_list(await _guards.body(request), "organizationRoleIds", nonempty=True)
    with tenant.store.lock:
        org = _member_org(tenant, request, APPS)
        _check_roles(tenant, APPS, role_ids, unique=replace)  # the PUT inserts the list as given
        if replace:
            org.application_roles = [(a, r) for a, r in org.application_roles if a != app_id]
        _add(org, APPS, [(app_id, r) for r in role_ids])
        publish(tenant)
    return Response(status_code=204) if replace else created()


async def add_application_roles(request: Request) -> Response:
    return await _set_application_roles(request, replace=False)


async def replace_application_roles(request: Request) -> Response:
    return await _set_application_roles(request, replace=True)


async def remove_application_role(request: Request) -> Response:
    return await _remove_role(request, APPS)


async def bulk_application_roles(request: Request) -> Response:
    return await _bulk_roles(request, APPS, "applicationIds")


ROUTES = [
    ("POST", paths.MANAGEMENT_ORGANIZATION_USERS_ROLES, bulk_user_roles),
    ("GET", paths.MANAGEMENT_ORGANIZATION_USER_ROLES, list_user_roles),
    ("POST", paths.MANAGEMENT_ORGANIZATION_USER_ROLES, add_user_roles),
    ("PUT", paths.MANAGEMENT_ORGANIZATION_USER_ROLES, replace_user_roles),
    ("DELETE", paths.MANAGEMENT_ORGANIZATION_USER_ROLE, remove_user_role),
    ("GET", paths.MANAGEMENT_ORGANIZATION_USER_SCOPES, list_user_scopes),
    ("POST", paths.MANAGEMENT_ORGANIZATION_APPLICATIONS_ROLES, bulk_application_roles),
    ("GET", paths.MANAGEMENT_ORGANIZATION_APPLICATION_ROLES, list_application_roles),
    ("POST", paths.MANAGEMENT_ORGANIZATION_APPLICATION_ROLES, add_application_roles),
    ("PUT", paths.MANAGEMENT_ORGANIZATION_APPLICATION_ROLES, replace_application_roles),
    ("DELETE", paths.MANAGEMENT_ORGANIZATION_APPLICATION_ROLE, remove_application_role),
]

__all__ = ["ROUTES", "created"]
