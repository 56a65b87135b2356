"""Who holds a role, from both sides: a role's users and applications (Logto's ``packages/core/src/routes/
role.user.ts``, ``role.application.ts``) and a machine-to-machine application's roles
(``routes/applications/application-role.ts``), with their ``*.openapi.json``. Every route passes the guard
first (:mod:`._management_auth`), then the body guard.

Relations are the store's: a user holds roles by name (``User.roles``), an application by id in the role
(:mod:`._role_registry`), so a role given here grants its scopes in the next token. Type rules are Logto's
and where Logto leaves them to the database, its answers: a user given a machine-to-machine role, or an
application a user role through ``/roles/:id/applications`` or ``PUT``, breaks the ``*_roles__role_type``
check (422 ``entity.db_constraint_violated``); ``POST /applications/:id/roles`` checks first (422
``application.invalid_role_type``); an app that is not machine-to-machine has no roles (422
``application.invalid_type``). A relation already there → 422 ``role.user_exists`` /
``role.application_exists`` (whose message keeps its placeholder: Logto interpolates ``userId``); removing
one that is not there → 404 ``entity.not_found``. Lists always page and take Logto's search
(:mod:`._search`): users over ``id``, ``primary_email``, ``primary_phone``, ``username``,
``name``, newest first; applications and roles over ``id``, ``name``, ``description``.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import _guards, paths
from ._config import Application
from ._errors import LogtoError
from ._management_applications import application_json, application_of
from ._management_auth import authorized_tenant
from ._management_roles import role_json
from ._management_users import page_of, user_json
from ._role_registry import StoredRole
from ._search import search_filter
from ._tenant import Tenant

USER_FIELDS = ("id", "primary_email", "primary_phone", "username", "name")
ROW_FIELDS = ("id", "name", "description")


def _role(tenant: Tenant, role_id: str) -> StoredRole:
    role = tenant.store.roles.roles.get(role_id)
    if role is None:
        raise LogtoError("entity.not_exists_with_id", 404, name="roles", id=role_id)
    return role


def _page(request: Request, rows: list[dict[str, Any]]) -> Response:
    offset, limit = page_of(request)
    return JSONResponse(rows[offset : offset + limit], headers={"Total-Number": str(len(rows))})


async def list_role_users(request: Request) -> Response:
    tenant = authorized_tenant(request)
    page_of(request)
    with tenant.store.lock:
        role = _role(tenant, request.path_params["id"])
        matches = search_filter(request.query_params, USER_FIELDS)
        users = sorted(
            (u for u in tenant.store.users.values() if role.name in u.roles),
            key=lambda u: u.created_at,
            reverse=True,
        )
        rows = [
            user_json(u)
            for u in users
            if matches(
                {
                    "id": u.id,
                    "primary_email": u.primary_email,
                    "primary_phone": u.primary_phone,
                    "username": u.username,
                    "name": u.name,
                }
            )
        ]
    return _page(request, rows)


async def add_role_users(request: Request) -> Response:
    tenant = authorized_tenant(request)
    user_ids = _guards.string_list(await _guards.body(request), "userIds", nonempty=True)
    with tenant.store.lock:
        role = _role(tenant, request.path_params["id"])
        users = tenant.store.users
        held = next((i for i in user_ids if i in users and role.name in users[i].roles), None)
        if held is not None:
            raise LogtoError("role.user_exists", 422, userId=held)
        if any(i not in users for i in user_ids):  # findUserById → NotFoundError
            raise LogtoError("entity.not_found", 404)
        if role.type != "User":
            raise LogtoError("entity.db_constraint_violated", 422)
        if len(set(user_ids)) != len(user_ids):  # users_roles__user_id_role_id
            raise LogtoError("entity.unique_integrity_violation", 422)
        for user_id in user_ids:
            users[user_id].roles.append(role.name)
    return Response(status_code=201)


async def remove_role_user(request: Request) -> Response:
    tenant = authorized_tenant(request)
    with tenant.store.lock:
        role = tenant.store.roles.roles.get(request.path_params["id"])
        user = tenant.store.users.get(request.path_params["userId"])
        if role is None or user is None or role.name not in user.roles:
            raise LogtoError("entity.not_found", 404)
        user.roles.remove(role.name)
    return Response(status_code=204)


async def list_role_applications(request: Request) -> Response:
    tenant = authorized_tenant(request)
    page_of(request)
    with tenant.store.lock:
        role = _role(tenant, request.path_params["id"])
        matches = search_filter(request.query_params, ROW_FIELDS)
        apps = [a for a in tenant.config.applications if a.id in role.application_ids and a.type == "m2m"]
        rows = [r for r in (application_json(tenant, a) for a in apps) if matches(r)]
    return _page(request, rows)


async def add_role_applications(request: Request) -> Response:
    tenant = authorized_tenant(request)
    app_ids = _guards.string_list(await _guards.body(request), "applicationIds", nonempty=True)
    with tenant.store.lock:
        role = _role(tenant, request.path_params["id"])
        if any(i in role.application_ids for i in app_ids):
            raise LogtoError("role.application_exists", 422)
        for app_id in app_ids:
            application_of(tenant, app_id)
        if role.type != "MachineToMachine":
            raise LogtoError("entity.db_constraint_violated", 422)
        if len(set(app_ids)) != len(app_ids):
            raise LogtoError("entity.unique_integrity_violation", 422)
        role.application_ids.extend(app_ids)
    return Response(status_code=201)


async def remove_role_application(request: Request) -> Response:
    tenant = authorized_tenant(request)
    with tenant.store.lock:
        role = tenant.store.roles.roles.get(request.path_params["id"])
        app_id = request.path_params["applicationId"]
        if role is None or app_id not in role.application_ids:
            raise LogtoError("entity.not_found", 404)
        role.application_ids.remove(app_id)
    return Response(status_code=204)


def _m2m_app(tenant: Tenant, app_id: str) -> Application:
    app = application_of(tenant, app_id)
    if app.type != "m2m":
        raise LogtoError("application.invalid_type", 422)
    return app


def _held(tenant: Tenant, app: Application) -> list[StoredRole]:
    return [r for r in tenant.store.roles.roles.values() if app.id in r.application_ids]


async def list_application_roles(request: Request) -> Response:
    tenant = authorized_tenant(request)
    page_of(request)
    with tenant.store.lock:
        app = _m2m_app(tenant, request.path_params["applicationId"])
        matches = search_filter(request.query_params, ROW_FIELDS)
        held = [r for r in _held(tenant, app) if r.type == "MachineToMachine"]
        rows = [row for row in (role_json(r) for r in held) if matches(row)]
    return _page(request, rows)


async def add_application_roles(request: Request) -> Response:
    tenant = authorized_tenant(request)
    role_ids = _guards.string_list(await _guards.body(request), "roleIds", nonempty=False)
    with tenant.store.lock:
        app = _m2m_app(tenant, request.path_params["applicationId"])
        held = {r.id for r in _held(tenant, app)}
        to_add = [i for i in dict.fromkeys(role_ids) if i not in held]
        roles = tenant.store.roles.roles
        if any(i in roles and roles[i].type != "MachineToMachine" for i in to_add):
            raise LogtoError("application.invalid_role_type", 422)
        for role_id in to_add:
            _role(tenant, role_id)
        for role_id in to_add:
            roles[role_id].application_ids.append(app.id)
    return JSONResponse({"roleIds": role_ids, "addedRoleIds": to_add}, status_code=201)


async def replace_application_roles(request: Request) -> Response:
    """Logto's ``PUT``: added roles must exist; the unwanted are removed, then a user role among the added
    breaks the ``applications_roles__role_type`` check (422) — after the removal (no transaction)."""
    tenant = authorized_tenant(request)
    role_ids = _guards.string_list(await _guards.body(request), "roleIds", nonempty=False)
    with tenant.store.lock:
        app = _m2m_app(tenant, request.path_params["applicationId"])
        held = _held(tenant, app)
        to_add = [i for i in role_ids if i not in {r.id for r in held}]
        wanted = [_role(tenant, role_id) for role_id in to_add]
        for role in held:
            if role.id not in role_ids:
                role.application_ids.remove(app.id)
        if any(r.type != "MachineToMachine" for r in wanted):
            raise LogtoError("entity.db_constraint_violated", 422)
        if len(set(to_add)) != len(to_add):
            raise LogtoError("entity.unique_integrity_violation", 422)
        for role in wanted:
            role.application_ids.append(app.id)
    return Response(status_code=200)


async def remove_application_role(request: Request) -> Response:
    tenant = authorized_tenant(request)
    with tenant.store.lock:
        app = _m2m_app(tenant, request.path_params["applicationId"])
        role = tenant.store.roles.roles.get(request.path_params["roleId"])
        if role is None or app.id not in role.application_ids:
            raise LogtoError("entity.not_found", 404)
        role.application_ids.remove(app.id)
    return Response(status_code=204)


ROUTES = [
    ("GET", paths.MANAGEMENT_ROLE_USERS, list_role_users),
    ("POST", paths.MANAGEMENT_ROLE_USERS, add_role_users),
    ("DELETE", paths.MANAGEMENT_ROLE_USER, remove_role_user),
    ("GET", paths.MANAGEMENT_ROLE_APPLICATIONS, list_role_applications),
    ("POST", paths.MANAGEMENT_ROLE_APPLICATIONS, add_role_applications),
    ("DELETE", paths.MANAGEMENT_ROLE_APPLICATION, remove_role_application),
    ("GET", paths.MANAGEMENT_APPLICATION_ROLES, list_application_roles),
    ("POST", paths.MANAGEMENT_APPLICATION_ROLES, add_application_roles),
    ("PUT", paths.MANAGEMENT_APPLICATION_ROLES, replace_application_roles),
    ("DELETE", paths.MANAGEMENT_APPLICATION_ROLE, remove_application_role),
]
