"""Machine-to-machine applications as organization members: ``GET``, ``POST``, ``PUT /organizations/:id/
applications`` and ``DELETE …/applications/:applicationId``, as Logto's ``packages/core/src/routes/organization/
application/index.ts`` (with ``queries/organization/application-relations.ts`` and its ``index.openapi.json``).
Every route passes the guard first (:mod:`._management_auth`); their roles are
:mod:`._management_organization_relations`.

As Logto answers: ``GET`` pages (``koaPagination``: ``page``/``page_size``, ``Total-Number``), ``q``
(``z.string().optional()``) matches ``applicationSearchKeys`` (id, name, description) as ``ilike '%q%'``;
each application is ``applicationResponseGuard`` (no internal secret) with its ``organizationRoles``
(``{id, name}`` by name); an unknown organization lists nothing (the query finds no rows). Logto's query has
no ``order by``; here the applications come in the order they joined. ``POST`` answers 201 with koa's
``Created`` text, ``PUT`` 204; a non-machine-to-machine application → 422 ``entity.db_constraint_violated``
(the ``application_type`` check), an unknown organization or application → 422
``entity.relation_foreign_key_not_found``; removing a non-member → 404 ``entity.not_found``. Each change
appends ``Organization.Membership.Updated`` with ``organizationId`` and the delta
(``addedApplicationIds``/``removedApplicationIds``: only the applications that really joined or left,
empty lists left out), fired even when nothing changed (:mod:`._data_hooks`).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import _data_hooks, _guards, paths
from ._errors import LogtoError
from ._management_applications import application_json
from ._management_auth import authorized_tenant
from ._management_organization_relations import created
from ._management_organizations import contains, fk_violation, matches, publish, query_value, role_entities
from ._management_users import page_of
from ._organization_registry import StoredOrganization
from ._tenant import Tenant

EVENT = "Organization.Membership.Updated"


def _check_apps(tenant: Tenant, org: StoredOrganization | None, app_ids: list[str]) -> StoredOrganization:
    """The ``application_type`` check (machine-to-machine only), then the foreign keys."""
    apps = [tenant.config.application(a) for a in app_ids]
    if any(app is not None and app.type != "m2m" for app in apps):
        raise LogtoError("entity.db_constraint_violated", 422)
    if org is None or any(app is None for app in apps):
        raise fk_violation()
    return org


def _application_json(tenant: Tenant, org: StoredOrganization, app_id: str) -> dict[str, Any] | None:
    app = tenant.config.application(app_id)
    if app is None:
        return None
    registry = tenant.store.organizations
    roles = [registry.roles[r] for a, r in org.application_roles if a == app_id and r in registry.roles]
    return application_json(tenant, app) | {"organizationRoles": role_entities(roles)}


async def list_applications(request: Request) -> Response:
    """``getApplicationsByOrganizationId``: paging first (``koaPagination``), then the query guard."""
    tenant = authorized_tenant(request)
    offset, limit = page_of(request)
    pattern = contains(query_value(request, "q"))
    with tenant.store.lock:
        org = tenant.store.organizations.organizations.get(request.path_params["id"])
        rows = (
            [] if org is None else [r for a in org.applications if (r := _application_json(tenant, org, a))]
        )
        found = [r for r in rows if matches(pattern, r["id"], r["name"], r["description"])]
    return JSONResponse(found[offset : offset + limit], headers={"Total-Number": str(len(found))})


async def add_applications(request: Request) -> Response:
    tenant = authorized_tenant(request)
    app_ids = _guards.string_list(await _guards.body(request), "applicationIds", nonempty=True)
    with tenant.store.lock:
        org = _check_apps(
            tenant, tenant.store.organizations.organizations.get(request.path_params["id"]), app_ids
        )
        added = [a for a in dict.fromkeys(app_ids) if a not in org.applications]
        org.applications.extend(added)
        publish(tenant)
    delta = _data_hooks.membership_delta(addedApplicationIds=added)
    _data_hooks.append(EVENT, organizationId=org.id, **delta)
    return created()


async def replace_applications(request: Request) -> Response:
    tenant = authorized_tenant(request)
    app_ids = list(dict.fromkeys(_guards.string_list(await _guards.body(request), "applicationIds")))
    added: list[str] = []
    removed: list[str] = []
    with tenant.store.lock:
        org = tenant.store.organizations.organizations.get(request.path_params["id"])
        if app_ids or org is not None:
            org = _check_apps(tenant, org, app_ids)
            added = [a for a in app_ids if a not in org.applications]
            removed = [a for a in org.applications if a not in app_ids]
            org.applications = [a for a in org.applications if a in app_ids] + added
            org.application_roles = [(a, r) for a, r in org.application_roles if a in app_ids]
            publish(tenant)
    delta = _data_hooks.membership_delta(addedApplicationIds=added, removedApplicationIds=removed)
    _data_hooks.append(EVENT, organizationId=request.path_params["id"], **delta)
    return Response(status_code=204)


async def remove_application(request: Request) -> Response:
    tenant = authorized_tenant(request)
    app_id = request.path_params["applicationId"]
    with tenant.store.lock:
        org = tenant.store.organizations.organizations.get(request.path_params["id"])
        if org is None or app_id not in org.applications:
            raise LogtoError("entity.not_found", 404)
        org.applications.remove(app_id)
        org.application_roles = [(a, r) for a, r in org.application_roles if a != app_id]
        publish(tenant)
    _data_hooks.append(EVENT, organizationId=org.id, removedApplicationIds=[app_id])
    return Response(status_code=204)


ROUTES = [
    ("GET", paths.MANAGEMENT_ORGANIZATION_APPLICATIONS, list_applications),
    ("POST", paths.MANAGEMENT_ORGANIZATION_APPLICATIONS, add_applications),
    ("PUT", paths.MANAGEMENT_ORGANIZATION_APPLICATIONS, replace_applications),
    ("DELETE", paths.MANAGEMENT_ORGANIZATION_APPLICATION, remove_application),
]

__all__ = ["ROUTES"]
