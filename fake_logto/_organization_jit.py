"""Organization just-in-time provisioning of a new user (the routes that configure it are
:mod:`._management_organization_jit`), as Logto's ``ProvisionLibrary`` (``routes/experience/classes/
libraries/provision-library.ts``: ``createUser`` → ``provisionNewUserJitOrganizations``, and
``addSsoIdentityToUser``) with ``libraries/user.ts``' ``provisionOrganizations`` /
``provisionOrganizationsByEmailDomain`` / ``insertJitMemberships``.

A user the Experience API creates joins, when they have an enterprise SSO identity, the organizations
listing its connector (``/jit/sso-connectors``), else, with a primary email, those listing the part after
its ``@`` (``/jit/email-domains``; compared as stored, SQL ``=``); an existing user linking an SSO identity
at sign-in joins its connector's organizations too (``addSsoIdentityToUser``). Each organization's JIT
roles (``/jit/roles``) are given with it. Every organization the user newly joined (not one they were
already in) appends ``Organization.Membership.Updated`` ``{organizationId, addedUserIds: [userId]}``
(``appendMembershipUpdatedHooks``), sent with the Experience API's metadata (:mod:`._hooks`). Users
created through the Management API are not provisioned (Logto's ``POST /users`` does not call it).
"""

from __future__ import annotations

from collections.abc import Callable

from . import _data_hooks, _hooks
from ._management_organizations import publish
from ._organization_registry import StoredOrganization
from ._tenant import Tenant

MEMBERSHIP_UPDATED = "Organization.Membership.Updated"


def _provision(tenant: Tenant, user_id: str, listed: Callable[[StoredOrganization], bool]) -> list[str]:
    """``insertJitMemberships``: into every ``listed`` organization with its JIT roles; the ids of those
    newly joined, each announced. Called with the store's lock held."""
    registry = tenant.store.organizations
    joined: list[str] = []
    touched = False
    for org in registry.organizations.values():
        if not listed(org):
            continue
        touched = True
        if user_id not in org.members:
            org.members.append(user_id)
            joined.append(org.id)
        held = set(org.member_roles)  # on conflict do nothing
        org.member_roles.extend(
            (user_id, r) for r in org.jit_roles if r in registry.roles and (user_id, r) not in held
        )
    if touched:
        publish(tenant)
    for org_id in joined:
        delta = _data_hooks.membership_delta(addedUserIds=[user_id])
        _hooks.append_context(MEMBERSHIP_UPDATED, organizationId=org_id, **delta)
    return joined


def provision_by_email(tenant: Tenant, user_id: str, email: str | None) -> list[str]:
    """``provisionOrganizationsByEmailDomain``: the organizations of ``email``'s domain."""
    domain = email.split("@")[1] if email and "@" in email else ""
    if not domain:
        return []
    return _provision(tenant, user_id, lambda org: domain in org.jit_email_domains)


def provision_by_sso_connector(tenant: Tenant, user_id: str, connector_id: str) -> list[str]:
    """``provisionOrganizations({userId, ssoConnectorId})``: the organizations of the SSO connector."""
    return _provision(tenant, user_id, lambda org: connector_id in org.jit_sso_connectors)
