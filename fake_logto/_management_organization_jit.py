"""Organization just-in-time provisioning: the Management API's ``/api/organizations/{id}/jit/email-domains``
and ``/jit/roles``, and the provisioning of a new user into the organizations of their email's domain.

Routes as Logto's ``packages/core/src/routes/organization/jit/email-domains.ts`` (with the queries of
``queries/organization/email-domains.ts``) and ``jit/index.ts`` (``/jit/roles``: the ``SchemaRouter``
relation routes of ``utils/SchemaRouter.ts``, body ``organizationRoleIds``), refused as the organization
router's ``errorHandler`` (``routes/organization/utils.ts``) and ``koa-slonik-error-handler.ts`` refuse:

- ``GET …/jit/email-domains``: the rows ``{tenantId, organizationId, emailDomain}`` in insertion order (no
  ``order by``), paged only when ``page`` or ``page_size`` is given; an unknown organization has none (200).
- ``POST`` ``{emailDomain}`` (``z.string().min(1)``) → 201 with the row; longer than the column's 128 → 422
  ``entity.value_too_long``; already there → 422 ``entity.unique_integrity_violation``; unknown
  organization → 422 ``entity.relation_foreign_key_not_found``.
- ``PUT`` ``{emailDomains}`` (``z.string().array()``) → 204, the list replaces the old; an empty list is
  204 for any id; otherwise the same three refusals, nothing changed.
- ``DELETE …/jit/email-domains/{emailDomain}`` → 204; not there → 404 ``entity.not_found`` (``DeletionError``).
- ``/jit/roles``: ``GET`` (404 ``entity.not_found`` for an unknown organization: ``findById`` first) lists
  the roles as ``OrganizationRoles.guard``; ``POST`` ``{organizationRoleIds}`` (non-empty) → 201 ``Created``,
  a role already there kept once (``on conflict do nothing``); ``PUT`` → 204 (an id twice → 422
  ``entity.unique_integrity_violation``); an unknown organization or role → 422
  ``entity.relation_foreign_key_not_found``; ``DELETE …/jit/roles/{organizationRoleId}`` → 204, else 404.

Provisioning (:func:`provision_by_email`) is Logto's ``ProvisionLibrary.createUser`` →
``provisionNewUserJitOrganizations`` (``routes/experience/classes/libraries/provision-library.ts``) with
``libraries/user.ts``' ``provisionOrganizationsByEmailDomain``: a user the Experience API creates with a
primary email (and no enterprise SSO identity) joins every organization listing the part after the ``@``
(compared as stored: SQL ``=``), with that organization's JIT roles; each organization the user newly
joined appends ``Organization.Membership.Updated`` ``{organizationId, addedUserIds: [userId]}`` before
``User.Created``. Users created through the Management API are not provisioned (Logto's ``POST /users``
does not call it). Not modelled: ``/jit/sso-connectors`` (SSO provisioning).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import _data_hooks, _guards, _hooks, paths
from ._errors import LogtoError
from ._management_auth import authorized_tenant
from ._management_organization_relations import created
from ._management_organizations import TENANT_ID, fk_violation, optional_page, publish, role_json
from ._organization_registry import StoredOrganization
from ._tenant import Tenant

EMAIL_DOMAIN_MAX = 128  # organization_jit_email_domains.email_domain varchar(128)
MEMBERSHIP_UPDATED = "Organization.Membership.Updated"


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


# --- /jit/roles -----------------------------------------------------------------------------------------
async def list_roles(request: Request) -> Response:
    tenant = authorized_tenant(request)
    with tenant.store.lock:
        org = _org(tenant, request.path_params["id"])
        if org is None:
            raise LogtoError("entity.not_found", 404)
        roles = tenant.store.organizations.roles
        held = [r for r in org.jit_roles if r in roles]
        offset, limit, headers = optional_page(request, len(held))
        body = [role_json(roles[r]) for r in held[offset : offset + limit]]
    return JSONResponse(body, headers=headers)


def _checked_roles(tenant: Tenant, org: StoredOrganization | None, role_ids: list[str]) -> StoredOrganization:
    if org is None or any(r not in tenant.store.organizations.roles for r in role_ids):
        raise fk_violation()
    return org


async def add_roles(request: Request) -> Response:
    tenant = authorized_tenant(request)
    role_ids = _guards.string_list(await _guards.body(request), "organizationRoleIds", nonempty=True)
    with tenant.store.lock:
        org = _checked_roles(tenant, _org(tenant, request.path_params["id"]), role_ids)
        org.jit_roles.extend(r for r in dict.fromkeys(role_ids) if r not in org.jit_roles)
    return created()


async def replace_roles(request: Request) -> Response:
    tenant = authorized_tenant(request)
    role_ids = _guards.string_list(await _guards.body(request), "organizationRoleIds")
    with tenant.store.lock:
        org = _org(tenant, request.path_params["id"])
        if role_ids:  # no rows to insert: nothing to refuse
            if len(set(role_ids)) != len(role_ids):
                raise LogtoError("entity.unique_integrity_violation", 422)
            org = _checked_roles(tenant, org, role_ids)
        if org is not None:
            org.jit_roles = list(role_ids)
    return Response(status_code=204)


async def delete_role(request: Request) -> Response:
    tenant = authorized_tenant(request)
    role_id = request.path_params["organizationRoleId"]
    with tenant.store.lock:
        org = _org(tenant, request.path_params["id"])
        if org is None or role_id not in org.jit_roles:
            raise LogtoError("entity.not_found", 404)
        org.jit_roles.remove(role_id)
    return Response(status_code=204)


# --- provisioning ---------------------------------------------------------------------------------------
def provision_by_email(tenant: Tenant, user_id: str, email: str | None) -> list[str]:
    """``provisionOrganizationsByEmailDomain``: the user joins the organizations of ``email``'s domain with
    their JIT roles; the ids of those newly joined, each announced by ``Organization.Membership.Updated``.
    Called with the store's lock held."""
    domain = email.split("@")[1] if email and "@" in email else ""
    if not domain:
        return []
    registry = tenant.store.organizations
    joined: list[str] = []
    for org in registry.organizations.values():
        if domain not in org.jit_email_domains:
            continue
        if user_id not in org.members:
            org.members.append(user_id)
            joined.append(org.id)
        held = {(u, r) for u, r in org.member_roles}
        org.member_roles.extend((user_id, r) for r in org.jit_roles if (user_id, r) not in held)
    if joined:
        publish(tenant)
    for org_id in joined:
        _hooks.append_context(
            MEMBERSHIP_UPDATED, organizationId=org_id, **_data_hooks.membership_delta(addedUserIds=[user_id])
        )
    return joined


ROUTES = [
    ("GET", paths.MANAGEMENT_ORGANIZATION_JIT_EMAIL_DOMAINS, list_email_domains),
    ("POST", paths.MANAGEMENT_ORGANIZATION_JIT_EMAIL_DOMAINS, add_email_domain),
    ("PUT", paths.MANAGEMENT_ORGANIZATION_JIT_EMAIL_DOMAINS, replace_email_domains),
    ("DELETE", paths.MANAGEMENT_ORGANIZATION_JIT_EMAIL_DOMAIN, delete_email_domain),
    ("GET", paths.MANAGEMENT_ORGANIZATION_JIT_ROLES, list_roles),
    ("POST", paths.MANAGEMENT_ORGANIZATION_JIT_ROLES, add_roles),
    ("PUT", paths.MANAGEMENT_ORGANIZATION_JIT_ROLES, replace_roles),
    ("DELETE", paths.MANAGEMENT_ORGANIZATION_JIT_ROLE, delete_role),
]
