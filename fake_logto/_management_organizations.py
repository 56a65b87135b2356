"""The Management API's organizations and their members, as Logto's ``packages/core/src/routes/organization/
index.ts`` and ``user/index.ts`` (built on ``utils/SchemaRouter.ts``, errors by ``organization/utils.ts``
and ``middleware/koa-slonik-error-handler.ts``) and ``admin-user/organization.ts``. Every route passes the
guard first (:mod:`._management_auth`); bodies are checked (400 ``guard.invalid_input``) before anything else.

The organizations are the store's (:mod:`._organization_registry`); after each change :func:`publish`
derives the users' organization claims and the config's organization view from it, so an organization
created here and a member added are in the member's next ID token and organization token.

Answers as Logto's: an organization is ``Organizations.guard`` without ``isTrustedDeviceAllowed`` (a dev
feature); ``GET /organizations`` pages (``koaPagination``) in creation order, ``q`` matches id or name as
``ilike '%q%'`` (``database/utils.ts`` ``buildSearchSql``), ``showFeatured`` (``yes()``) adds
``usersCount`` and up to three ``featuredUsers``; ``POST`` 201; unknown id → 404
``entity.not_exists_with_id`` (``GET``), ``entity.not_exists`` (``PATCH``, an ``UpdateError``),
``entity.not_found`` (``DELETE``, a ``DeletionError``). Members: ``GET`` pages the members ordered by id
with their ``organizationRoles`` (by name), ``q`` over ``userSearchKeys``, ``organizationRoleId`` filter,
an unknown organization lists nothing; ``POST`` 201 echoes ``userIds``; ``PUT`` 204; an unknown
organization or user → 422 ``entity.relation_foreign_key_not_found`` (the foreign key fails, nothing
changes); removing a non-member → 404 ``entity.not_found``; a removed member loses their organization
roles (``on delete cascade``). ``GET /users/:userId/organizations``: unknown user → 404
``entity.not_found`` (``findUserById``'s ``pool.one``). Member changes append ``Organization.Membership.Updated``
with the delta (:mod:`._data_hooks`).

One difference: a ``PATCH`` whose body sets nothing makes Logto build ``update … set  where …`` and answer
500; here it answers the organization unchanged (bad input is never a 500 here).
"""

from __future__ import annotations

import dataclasses
import math
import re
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import _data_hooks, _guards, paths
from ._errors import LogtoError
from ._management_auth import authorized_tenant
from ._management_users import page_of
from ._organization_registry import StoredOrganization, StoredOrganizationRole
from ._store import User, new_id
from ._tenant import Tenant
from ._user_info import user_info

TENANT_ID = "default"  # Logto OSS's tenant (``defaultTenantId``)
FEATURED = 3  # ``getFeatured``: ``limit 3``
HEX_COLOR_RE = re.compile(r"^#[\da-f]{3}([\da-f]{3})?$", re.IGNORECASE)  # core-kit ``hexColorRegEx``
URL_RE = re.compile(r"^[A-Za-z][A-Za-z\d+.-]*:\S+$")  # what ``new URL()`` (zod ``.url()``) parses
YES = ("1", "true", "y", "yes", "yep", "yeah")  # @silverhand/essentials ``yes``


# --- shared by the organization rooms ---------------------------------------------------------------------
def publish(tenant: Tenant) -> None:
    """After a change: every user's organization fields, and the config's organization view (:mod:`._rbac`
    and the reserved organizations resource read it)."""
    registry = tenant.store.organizations
    for user in tenant.store.users.values():
        registry.sync(user)
    tenant.config = dataclasses.replace(
        tenant.config,
        organization_template=registry.template(),
        organizations=registry.organizations_view(),
    )


def query_value(request: Request, key: str, *, min_length: int = 0) -> str | None:
    """A ``z.string().optional()`` query value: given twice (an array) or too short → 400."""
    values = request.query_params.getlist(key)
    if len(values) > 1 or any(len(v) < min_length for v in values):
        raise LogtoError("guard.invalid_input", 400, type="query")
    return values[0] if values else None


def contains(keyword: str | None) -> re.Pattern[str] | None:
    """``ilike '%keyword%'``: ``%`` and ``_`` in the keyword stay wildcards; no keyword, no filter."""
    if not keyword:
        return None
    parts = (".*" if c == "%" else "." if c == "_" else re.escape(c) for c in keyword)
    return re.compile(".*" + "".join(parts) + ".*", re.IGNORECASE | re.DOTALL)


def matches(pattern: re.Pattern[str] | None, *values: str | None) -> bool:
    return pattern is None or any(pattern.fullmatch(v) for v in values if v is not None)


def optional_page(request: Request, total: int) -> tuple[int, int, dict[str, str] | None]:
    """``koaPagination({ isOptional: true })``: neither ``page`` nor ``page_size`` → everything, no header."""
    if not (request.query_params.get("page") or request.query_params.get("page_size")):
        return 0, total, None
    offset, limit = page_of(request)
    return offset, limit, {"Total-Number": str(total)}


def role_json(role: StoredOrganizationRole) -> dict[str, Any]:
    """``OrganizationRoles.guard``."""
    return {
        "tenantId": TENANT_ID,
        "id": role.id,
        "name": role.name,
        "description": role.description,
        "type": role.type,
    }


def role_entities(roles: list[StoredOrganizationRole]) -> list[dict[str, str]]:
    """``aggregateRoles``: ``{id, name}`` ordered by name."""
    return [{"id": r.id, "name": r.name} for r in sorted(roles, key=lambda r: r.name)]


def org_json(org: StoredOrganization) -> dict[str, Any]:
    """``organizationResponseGuard``."""
    return {
        "tenantId": TENANT_ID,
        "id": org.id,
        "name": org.name,
        "description": org.description,
        "customData": org.custom_data,
        "isMfaRequired": org.is_mfa_required,
        "color": org.color,
        "branding": org.branding,
        "customCss": org.custom_css,
        "createdAt": org.created_at,
    }


def fk_violation() -> LogtoError:
    return LogtoError("entity.relation_foreign_key_not_found", 422)


# --- bodies ---------------------------------------------------------------------------------------------
def _partial(
    body: dict[str, Any], path: str, fields: dict[str, re.Pattern[str] | None]
) -> dict[str, Any] | None:
    """``partialColorGuard`` / ``brandingGuard``: an object of optional fields (a format, or None for a
    boolean); other keys are stripped."""
    value = _guards.optional(body, path, dict)
    if value is None:
        return None
    kept: dict[str, Any] = {}
    for key, pattern in fields.items():
        if pattern is None:
            flag = _guards.optional(value, f"{path}.{key}", bool)
            if flag is not None:
                kept[key] = flag
        elif _guards.optional(value, f"{path}.{key}", str) is not None:
            kept[key] = _guards.string(value, f"{path}.{key}", pattern=pattern)
    return kept


COLOR: dict[str, re.Pattern[str] | None] = {
    "primaryColor": HEX_COLOR_RE,
    "isDarkModeEnabled": None,
    "darkPrimaryColor": HEX_COLOR_RE,
}
BRANDING: dict[str, re.Pattern[str] | None] = dict.fromkeys(
    ("logoUrl", "darkLogoUrl", "favicon", "darkFavicon"), URL_RE
)


def _organization_body(body: dict[str, Any], *, create: bool) -> dict[str, Any]:
    """``Organizations.createGuard`` / ``updateGuard`` without ``id`` and the hidden field: the attributes
    the body sets, by :class:`StoredOrganization` name."""
    changes: dict[str, Any] = {}
    if "tenantId" in body:
        _guards.string(body, "tenantId", max_length=21)  # accepted, as Logto's guard accepts it
    if create or "name" in body:
        changes["name"] = _guards.string(body, "name", min_length=1, max_length=128)
    if "description" in body:
        description = _guards.optional(body, "description", str, nullable=True)
        if description is not None:
            _guards.string(body, "description", max_length=256)
        changes["description"] = description
    for key, attribute, kind in (
        ("customData", "custom_data", dict),
        ("isMfaRequired", "is_mfa_required", bool),
    ):
        value = _guards.optional(body, key, kind)
        if value is not None:
            changes[attribute] = value
    color, branding = _partial(body, "color", COLOR), _partial(body, "branding", BRANDING)
    changes |= {k: v for k, v in (("color", color), ("branding", branding)) if v is not None}
    if "customCss" in body:
        changes["custom_css"] = _guards.optional(body, "customCss", str, nullable=True)
    if "createdAt" in body:
        created = body["createdAt"]
        if isinstance(created, bool) or not isinstance(created, int | float) or not math.isfinite(created):
            raise _guards.invalid_type("createdAt", "number", created)
        changes["created_at"] = created
    return changes


# --- organizations --------------------------------------------------------------------------------------
def organization_of(tenant: Tenant, organization_id: str) -> StoredOrganization:
    org = tenant.store.organizations.organizations.get(organization_id)
    if org is None:
        raise LogtoError("entity.not_exists_with_id", 404, name="organizations", id=organization_id)
    return org


def _featured(tenant: Tenant, org: StoredOrganization) -> dict[str, Any]:
    users = [tenant.store.users[m] for m in org.members if m in tenant.store.users]
    featured = [{"id": u.id, "avatar": u.avatar, "name": u.name} for u in users[:FEATURED]]
    return {"usersCount": len(users), "featuredUsers": featured}


async def list_organizations(request: Request) -> Response:
    tenant = authorized_tenant(request)
    offset, limit = page_of(request)
    pattern = contains(query_value(request, "q"))
    featured = (query_value(request, "showFeatured") or "").lower() in YES
    with tenant.store.lock:
        found = [
            o for o in tenant.store.organizations.organizations.values() if matches(pattern, o.id, o.name)
        ]
        body = [
            org_json(o) | (_featured(tenant, o) if featured else {}) for o in found[offset : offset + limit]
        ]
    return JSONResponse(body, headers={"Total-Number": str(len(found))})


async def create_organization(request: Request) -> Response:
    tenant = authorized_tenant(request)
    changes = _organization_body(await _guards.body(request), create=True)
    with tenant.store.lock:
        org = StoredOrganization(id=new_id(12), created_at=tenant.store.now_ms(), **changes)
        tenant.store.organizations.organizations[org.id] = org
        publish(tenant)
    return JSONResponse(org_json(org), status_code=201)


async def get_organization(request: Request) -> Response:
    tenant = authorized_tenant(request)
    return JSONResponse(org_json(organization_of(tenant, request.path_params["id"])))


async def update_organization(request: Request) -> Response:
    tenant = authorized_tenant(request)
    changes = _organization_body(await _guards.body(request), create=False)
    with tenant.store.lock:
        org = tenant.store.organizations.organizations.get(request.path_params["id"])
        if org is None:
            raise LogtoError("entity.not_exists", 404, name="organization")
        for attribute, value in changes.items():
            setattr(org, attribute, value)
        publish(tenant)
    return JSONResponse(org_json(org))


async def delete_organization(request: Request) -> Response:
    tenant = authorized_tenant(request)
    with tenant.store.lock:
        if tenant.store.organizations.organizations.pop(request.path_params["id"], None) is None:
            raise LogtoError("entity.not_found", 404)
        publish(tenant)
    return Response(status_code=204)


# --- members --------------------------------------------------------------------------------------------
def _member_json(tenant: Tenant, org: StoredOrganization, user: User) -> dict[str, Any]:
    roles = tenant.store.organizations.user_roles(org, user.id)
    return user_info(user) | {"organizationRoles": role_entities(roles)}


async def list_members(request: Request) -> Response:
    tenant = authorized_tenant(request)
    offset, limit = page_of(request)
    pattern = contains(query_value(request, "q"))
    role_id = query_value(request, "organizationRoleId", min_length=1)
    with tenant.store.lock:
        org = tenant.store.organizations.organizations.get(request.path_params["id"])
        members = [tenant.store.users[m] for m in (org.members if org else []) if m in tenant.store.users]
        found = [
            u
            for u in sorted(members, key=lambda u: u.id)
            if matches(pattern, u.id, u.primary_email, u.primary_phone, u.username, u.name)
            and (role_id is None or (u.id, role_id) in (org.member_roles if org else []))
        ]
        body = [_member_json(tenant, org, u) for u in found[offset : offset + limit] if org is not None]
    return JSONResponse(body, headers={"Total-Number": str(len(found))})


def _check_users(tenant: Tenant, organization_id: str, user_ids: list[str]) -> StoredOrganization:
    """The rows' foreign keys: the organization and every user exist."""
    org = tenant.store.organizations.organizations.get(organization_id)
    if org is None or any(u not in tenant.store.users for u in user_ids):
        raise fk_violation()
    return org


async def add_members(request: Request) -> Response:
    tenant = authorized_tenant(request)
    user_ids = _guards.string_list(await _guards.body(request), "userIds", nonempty=True)
    with tenant.store.lock:
        org = _check_users(tenant, request.path_params["id"], user_ids)
        added = [u for u in dict.fromkeys(user_ids) if u not in org.members]
        org.members.extend(added)
        publish(tenant)
    delta = _data_hooks.membership_delta(addedUserIds=added)  # user/index.ts: those not members yet
    _data_hooks.append("Organization.Membership.Updated", organizationId=org.id, **delta)
    return JSONResponse({"userIds": user_ids}, status_code=201)


async def replace_members(request: Request) -> Response:
    tenant = authorized_tenant(request)
    user_ids = list(dict.fromkeys(_guards.string_list(await _guards.body(request), "userIds")))
    with tenant.store.lock:
        org = tenant.store.organizations.organizations.get(request.path_params["id"])
        added: list[str] = []
        removed: list[str] = []
        if user_ids or org is not None:  # no rows to insert: nothing to refuse
            org = _check_users(tenant, request.path_params["id"], user_ids)
            added = [u for u in user_ids if u not in org.members]
            removed = [m for m in org.members if m not in user_ids]
            org.members = [m for m in org.members if m in user_ids] + added
            org.member_roles = [(u, r) for u, r in org.member_roles if u in user_ids]
            publish(tenant)
    # ``replaceWithDelta``: fired even when nothing changed (no delta fields then)
    delta = _data_hooks.membership_delta(addedUserIds=added, removedUserIds=removed)
    _data_hooks.append("Organization.Membership.Updated", organizationId=request.path_params["id"], **delta)
    return Response(status_code=204)


async def remove_member(request: Request) -> Response:
    tenant = authorized_tenant(request)
    user_id = request.path_params["userId"]
    with tenant.store.lock:
        org = tenant.store.organizations.organizations.get(request.path_params["id"])
        if org is None or user_id not in org.members:
            raise LogtoError("entity.not_found", 404)
        org.members.remove(user_id)
        org.member_roles = [(u, r) for u, r in org.member_roles if u != user_id]
        publish(tenant)
    _data_hooks.append("Organization.Membership.Updated", organizationId=org.id, removedUserIds=[user_id])
    return Response(status_code=204)


async def list_user_organizations(request: Request) -> Response:
    """``admin-user/organization.ts``: not paged (it matches what the ID token carries)."""
    tenant = authorized_tenant(request)
    user_id = request.path_params["userId"]
    with tenant.store.lock:
        if user_id not in tenant.store.users:
            raise LogtoError("entity.not_found", 404)
        registry = tenant.store.organizations
        body = [
            org_json(o) | {"organizationRoles": role_entities(registry.user_roles(o, user_id))}
            for o in registry.organizations.values()
            if user_id in o.members
        ]
    return JSONResponse(body)


ROUTES = [
    ("GET", paths.MANAGEMENT_ORGANIZATIONS, list_organizations),
    ("POST", paths.MANAGEMENT_ORGANIZATIONS, create_organization),
    ("GET", paths.MANAGEMENT_ORGANIZATION, get_organization),
    ("PATCH", paths.MANAGEMENT_ORGANIZATION, update_organization),
    ("DELETE", paths.MANAGEMENT_ORGANIZATION, delete_organization),
    ("GET", paths.MANAGEMENT_ORGANIZATION_USERS, list_members),
    ("POST", paths.MANAGEMENT_ORGANIZATION_USERS, add_members),
    ("PUT", paths.MANAGEMENT_ORGANIZATION_USERS, replace_members),
    ("DELETE", paths.MANAGEMENT_ORGANIZATION_USER, remove_member),
    ("GET", paths.MANAGEMENT_USER_ORGANIZATIONS, list_user_organizations),
]

__all__ = [
    "ROUTES",
    "contains",
    "fk_violation",
    "matches",
    "optional_page",
    "org_json",
    "organization_of",
    "publish",
    "query_value",
    "role_entities",
    "role_json",
]
