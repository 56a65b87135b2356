"""The Management API's organization just-in-time provisioning settings: ``/api/organizations/{id}/jit/
email-domains``, ``/jit/roles`` and ``/jit/sso-connectors`` (the provisioning itself is
:mod:`._organization_jit`).

Routes as Logto's ``packages/core/src/routes/organization/jit/email-domains.ts`` (with the queries of
``queries/organization/email-domains.ts``) and ``jit/index.ts`` (``/jit/roles`` and ``/jit/sso-connectors``:
the ``SchemaRouter`` relation routes of ``utils/SchemaRouter.ts``, bodies ``organizationRoleIds`` and
``ssoConnectorIds``), refused as the organization router's ``errorHandler`` (``routes/organization/
utils.ts``) and ``koa-slonik-error-handler.ts`` refuse:

- ``GET …/jit/email-domains``: the rows ``{tenantId, organizationId, emailDomain}`` in insertion order (no
  ``order by``), paged only when ``page`` or ``page_size`` is given; an unknown organization has none (200).
- ``POST`` ``{emailDomain}`` (``z.string().min(1)``) → 201 with the row; longer than the column's 128 → 422
  ``entity.value_too_long``; already there → 422 ``entity.unique_integrity_violation``; unknown
  organization → 422 ``entity.relation_foreign_key_not_found``.
- ``PUT`` ``{emailDomains}`` (``z.string().array()``) → 204, the list replaces the old; an empty list is
  204 for any id; otherwise the same three refusals, nothing changed.
- ``DELETE …/jit/email-domains/{emailDomain}`` → 204; not there → 404 ``entity.not_found`` (``DeletionError``).
- ``/jit/roles``, ``/jit/sso-connectors``: ``GET`` (404 ``entity.not_found`` for an unknown organization:
  ``findById`` first; paged only when asked) lists the rows of ``OrganizationRoles.guard`` /
  ``SsoConnectors.guard``; ``POST`` (a non-empty id list) → 201 ``Created``, an id already there kept once
  (``on conflict do nothing``); ``PUT`` → 204 (an id twice → 422 ``entity.unique_integrity_violation``); an
  unknown organization, role or connector → 422 ``entity.relation_foreign_key_not_found``; ``DELETE
  …/{organizationRoleId}`` / ``…/{ssoConnectorId}`` → 204, else 404 ``entity.not_found``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import _guards, paths
from ._errors import LogtoError
from ._management_auth import authorized_tenant
from ._management_organization_relations import created
from ._management_organizations import TENANT_ID, fk_violation, optional_page, role_json
from ._organization_registry import StoredOrganization
from ._tenant import Tenant

Handler = Callable[[Request], Awaitable[Response]]

EMAIL_DOMAIN_MAX = 128  # organization_jit_email_domains.email_domain varchar(128)


def _domain_json(org_id: str, domain: str) -> dict[str, Any]:
    """An ``OrganizationJitEmailDomains`` row."""
    return {"tenantId": TENANT_ID, "organizationId": org_id, "emailDomain": domain}


def _too_long() -> LogtoError:
    """Postgres' 22001 as ``koaSlonikErrorHandler`` answers it: the database's message as ``data``."""
    message = f"value too long for type character varying({EMAIL_DOMAIN_MAX})"
    return LogtoError("entity.value_too_long", 422, {"message": message})


def _org(tenant: Tenant, org_id: str) -> StoredOrganization | None:
    return tenant.store.organizations.organizations.get(org_id)


# --- /jit/email-domains ---------------------------------------------------------------------------------
async def list_email_domains(request: Request) -> Response:
    tenant = authorized_tenant(request)
    org_id = request.path_params["id"]
    with tenant.store.lock:
        org = _org(tenant, org_id)
        domains = list(org.jit_email_domains) if org is not None else []
    offset, limit, headers = optional_page(request, len(domains))
    return JSONResponse([_domain_json(org_id, d) for d in domains[offset : offset + limit]], headers=headers)


async def add_email_domain(request: Request) -> Response:
    tenant = authorized_tenant(request)
    domain: str = _guards.string(await _guards.body(request), "emailDomain", min_length=1)
    with tenant.store.lock:
        org = _org(tenant, request.path_params["id"])
        if len(domain) > EMAIL_DOMAIN_MAX:
            raise _too_long()
        if org is None:
            raise fk_violation()
        if domain in org.jit_email_domains:
            raise LogtoError("entity.unique_integrity_violation", 422)
        org.jit_email_domains.append(domain)
    return JSONResponse(_domain_json(org.id, domain), status_code=201)


async def replace_email_domains(request: Request) -> Response:
    tenant = authorized_tenant(request)
    domains: list[str] = _guards.string_list(await _guards.body(request), "emailDomains", min_length=0)
    with tenant.store.lock:
        org = _org(tenant, request.path_params["id"])
        if domains:  # no rows to insert: nothing to refuse
            if any(len(d) > EMAIL_DOMAIN_MAX for d in domains):
                raise _too_long()
            if len(set(domains)) != len(domains):
                raise LogtoError("entity.unique_integrity_violation", 422)
            if org is None:
                raise fk_violation()
        if org is not None:
            org.jit_email_domains = list(domains)
    return Response(status_code=204)


async def delete_email_domain(request: Request) -> Response:
    tenant = authorized_tenant(request)
    domain = request.path_params["emailDomain"]
    with tenant.store.lock:
        org = _org(tenant, request.path_params["id"])
        if org is None or domain not in org.jit_email_domains:
            raise LogtoError("entity.not_found", 404)
        org.jit_email_domains.remove(domain)
    return Response(status_code=204)


# --- /jit/roles and /jit/sso-connectors: relation routes ------------------------------------------------
@dataclass(frozen=True)
class Relation:
    key: str  # the body's ids
    attribute: str  # StoredOrganization's list
    path_param: str


ROLES = Relation("organizationRoleIds", "jit_roles", "organizationRoleId")
SSO_CONNECTORS = Relation("ssoConnectorIds", "jit_sso_connectors", "ssoConnectorId")


def _rows(tenant: Tenant, relation: Relation) -> dict[str, dict[str, Any]]:
    """The related table's rows by id: ``OrganizationRoles.guard`` / ``SsoConnectors.guard``."""
    if relation is ROLES:
        return {r.id: role_json(r) for r in tenant.store.organizations.roles.values()}
    return {c.id: c.to_json() for c in tenant.sso.ordered()}


async def _list(request: Request, relation: Relation) -> Response:
    tenant = authorized_tenant(request)
    with tenant.store.lock:
        org = _org(tenant, request.path_params["id"])
        if org is None:  # SchemaRouter: ``findById`` of the organization first
            raise LogtoError("entity.not_found", 404)
        rows = _rows(tenant, relation)
        held = [rows[i] for i in getattr(org, relation.attribute) if i in rows]
    offset, limit, headers = optional_page(request, len(held))
    return JSONResponse(held[offset : offset + limit], headers=headers)


def _checked(
    tenant: Tenant, relation: Relation, org: StoredOrganization | None, ids: list[str]
) -> StoredOrganization:
    known = _rows(tenant, relation)
    if org is None or any(i not in known for i in ids):
        raise fk_violation()
    return org


async def _add(request: Request, relation: Relation) -> Response:
    tenant = authorized_tenant(request)
    ids = _guards.string_list(await _guards.body(request), relation.key, nonempty=True)
    with tenant.store.lock:
        org = _checked(tenant, relation, _org(tenant, request.path_params["id"]), ids)
        held: list[str] = getattr(org, relation.attribute)
        held.extend(i for i in dict.fromkeys(ids) if i not in held)  # on conflict do nothing
    return created()


async def _replace(request: Request, relation: Relation) -> Response:
    tenant = authorized_tenant(request)
    ids = _guards.string_list(await _guards.body(request), relation.key)
    with tenant.store.lock:
        org = _org(tenant, request.path_params["id"])
        if ids:  # no rows to insert: nothing to refuse
            if len(set(ids)) != len(ids):
                raise LogtoError("entity.unique_integrity_violation", 422)
            org = _checked(tenant, relation, org, ids)
        if org is not None:
            setattr(org, relation.attribute, list(ids))
    return Response(status_code=204)


async def _delete(request: Request, relation: Relation) -> Response:
    tenant = authorized_tenant(request)
    related = request.path_params[relation.path_param]
    with tenant.store.lock:
        org = _org(tenant, request.path_params["id"])
        held: list[str] = getattr(org, relation.attribute) if org is not None else []
        if related not in held:
            raise LogtoError("entity.not_found", 404)
        held.remove(related)
    return Response(status_code=204)


def _relation_routes(collection: str, one: str, relation: Relation) -> list[tuple[str, str, Handler]]:
    """``addRelationRoutes``' four routes, each a handler taking the request alone."""

    def bound(action: Callable[[Request, Relation], Awaitable[Response]]) -> Handler:
        async def handler(request: Request) -> Response:
            return await action(request, relation)

        handler.__name__ = f"{action.__name__.lstrip('_')}_{relation.attribute}"
        return handler

    return [
        ("GET", collection, bound(_list)),
        ("POST", collection, bound(_add)),
        ("PUT", collection, bound(_replace)),
        ("DELETE", one, bound(_delete)),
    ]


ROUTES = [
    ("GET", paths.MANAGEMENT_ORGANIZATION_JIT_EMAIL_DOMAINS, list_email_domains),
    ("POST", paths.MANAGEMENT_ORGANIZATION_JIT_EMAIL_DOMAINS, add_email_domain),
    ("PUT", paths.MANAGEMENT_ORGANIZATION_JIT_EMAIL_DOMAINS, replace_email_domains),
    ("DELETE", paths.MANAGEMENT_ORGANIZATION_JIT_EMAIL_DOMAIN, delete_email_domain),
    *_relation_routes(paths.MANAGEMENT_ORGANIZATION_JIT_ROLES, paths.MANAGEMENT_ORGANIZATION_JIT_ROLE, ROLES),
    *_relation_routes(
        paths.MANAGEMENT_ORGANIZATION_JIT_SSO_CONNECTORS,
        paths.MANAGEMENT_ORGANIZATION_JIT_SSO_CONNECTOR,
        SSO_CONNECTORS,
    ),
]
