"""Which scopes a user or a machine-to-machine app holds, as Logto resolves them from the tenant's roles.

Roles come from the store's :class:`._role_registry.RoleRegistry` (the config's, as ``/api/roles`` changed them).

- A resource: Logto's ``findResourceScopes`` (``packages/core/src/oidc/resource.ts``). The reserved
  ``urn:logto:resource:organizations`` carries every organization scope; a user holds the scopes of their
  roles plus those their organization roles grant for the resource — in every organization, or in the one
  named by ``organization_id`` (``findUserScopesForResourceIndicator``, ``packages/core/src/libraries/
  user.ts``); an app holds its roles' scopes (``findApplicationScopesForResourceIndicator``,
  ``packages/core/src/libraries/application.ts``), or with ``organization_id`` only what its organization
  roles grant for the resource (``appsRoles.getApplicationResourceScopes``).
- An organization: the organization scopes of the subject's organization roles there
  (``usersRoles.getUserScopes`` / ``appsRoles.getApplicationScopes``, used by
  ``packages/core/src/oidc/grants/refresh-token.ts`` and ``client-credentials.ts``).
"""

from __future__ import annotations

from collections.abc import Iterable

from ._config import ORGANIZATIONS_RESOURCE, Application, OrganizationRole, TenantConfig
from ._role_registry import RoleRegistry
from ._store import User


def _user_org_roles(config: TenantConfig, user: User, organization_id: str | None) -> list[OrganizationRole]:
    found = []
    for org_id in user.organizations:
        if organization_id is not None and org_id != organization_id:
            continue
        prefix = f"{org_id}:"
        for entry in user.organization_roles:
            role = (
                config.organization_template.role(entry[len(prefix) :]) if entry.startswith(prefix) else None
            )
            if role is not None:
                found.append(role)
    return found


def _app_org_roles(config: TenantConfig, app: Application, organization_id: str) -> list[OrganizationRole]:
    org = config.organization(organization_id)
    if org is None:
        return []
    roles = (
        config.organization_template.role(name) for app_id, name in org.application_roles if app_id == app.id
    )
    return [role for role in roles if role is not None]


def _for_resource(roles: Iterable[OrganizationRole], indicator: str) -> set[str]:
    return {scope for role in roles for res, scope in role.resource_scopes if res == indicator}


def _ordered(config: TenantConfig, roles: Iterable[OrganizationRole]) -> list[str]:
    held = {scope for role in roles for scope in role.scopes}
    return [scope for scope in config.organization_template.scopes if scope in held]


def user_resource_scopes(
    config: TenantConfig, roles: RoleRegistry, user: User, indicator: str, organization_id: str | None = None
) -> set[str]:
    if indicator == ORGANIZATIONS_RESOURCE:
        return set(config.organization_template.scopes)
    held = roles.user_scopes(user.roles, indicator)
    return held | _for_resource(_user_org_roles(config, user, organization_id), indicator)


def application_resource_scopes(
    config: TenantConfig,
    roles: RoleRegistry,
    app: Application,
    indicator: str,
    organization_id: str | None = None,
) -> set[str]:
    if indicator == ORGANIZATIONS_RESOURCE:
        return set(config.organization_template.scopes)
    if organization_id is not None:
        return _for_resource(_app_org_roles(config, app, organization_id), indicator)
    return roles.application_scopes(app.id, indicator)


def user_organization_scopes(config: TenantConfig, user: User, organization_id: str) -> list[str]:
    return _ordered(config, _user_org_roles(config, user, organization_id))


def application_organization_scopes(
    config: TenantConfig, app: Application, organization_id: str
) -> list[str]:
    return _ordered(config, _app_org_roles(config, app, organization_id))


def application_in_organization(config: TenantConfig, app: Application, organization_id: str) -> bool:
    org = config.organization(organization_id)
    return org is not None and app.id in org.applications
