"""Reading the tenant's authorization model (:mod:`._config`): roles, the organization template
(organization scopes and roles, organization API resources), organizations with their members and
machine-to-machine apps, and which roles users and apps hold — each checked as Logto's Management API
checks it (a role assigned must exist and be of the assignee's type; an organization role's scopes must be
organization scopes or scopes of a configured API resource; one default API resource at most).
"""

from __future__ import annotations

from collections.abc import Iterable

from ._config import (
    ROLE_TYPES,
    Application,
    ConfigError,
    Organization,
    OrganizationRole,
    OrganizationTemplate,
    Resource,
    Role,
    SeedUser,
)
from ._config_reader import Reader, unique


def _check_resource_scopes(
    pairs: Iterable[tuple[str, str]], resources: tuple[Resource, ...], where: str
) -> None:
    for indicator, scope in pairs:
        res = next((x for x in resources if x.indicator == indicator), None)
        if res is None or scope not in res.scopes:
            raise ConfigError(f"{where}: {indicator}:{scope} is not a scope of a configured resource")


def check_default_resource(resources: tuple[Resource, ...]) -> None:
    """One default API resource at most, as Logto keeps it (``PATCH /api/resources/:id/is-default``,
    ``packages/core/src/routes/resource.ts``; ``findDefaultResource`` reads the one)."""
    defaults = [i for i, r in enumerate(resources) if r.default]
    if len(defaults) > 1:
        raise ConfigError(
            f"resources[{defaults[1]}].default: only one resource can be the default "
            f"(resources[{defaults[0]}] is)"
        )


def read_roles(root: Reader, resources: tuple[Resource, ...]) -> tuple[Role, ...]:
    roles = []
    for r in root.tables("roles"):
        role = Role(
            name=r.string("name", required=True),
            description=r.string("description", ""),
            scopes=r.resource_scopes("scopes"),
            type=r.choice("type", ROLE_TYPES, "user"),  # type: ignore[arg-type]
        )
        r.done()
        _check_resource_scopes(role.scopes, resources, f"{r.path}.scopes")
        roles.append(role)
    unique([r.name for r in roles], "roles", "role name")
    return tuple(roles)


def read_organization_template(r: Reader, resources: tuple[Resource, ...]) -> OrganizationTemplate:
    scopes = r.strings("scopes")
    unique(list(scopes), r.where("scopes"), "scope")
    roles = []
    for t in r.tables("roles"):
        role = OrganizationRole(
            name=t.string("name", required=True),
            description=t.string("description", ""),
            type=t.choice("type", ROLE_TYPES, "user"),  # type: ignore[arg-type]
            scopes=t.strings("scopes"),
            resource_scopes=t.resource_scopes("resource_scopes"),
        )
        t.done()
        for i, scope in enumerate(role.scopes):
            if scope not in scopes:
                raise ConfigError(
                    f"{t.path}.scopes[{i}]: {scope!r} is not an organization scope "
                    f"(list it in {r.where('scopes')})"
                )
        _check_resource_scopes(role.resource_scopes, resources, f"{t.path}.resource_scopes")
        roles.append(role)
    r.done()
    unique([role.name for role in roles], r.where("roles"), "role name")
    return OrganizationTemplate(scopes=scopes, roles=tuple(roles))


def _org_role(template: OrganizationTemplate, name: str, kind: str, where: str) -> None:
    role = template.role(name)
    if role is None:
        raise ConfigError(f"{where}: no organization role named {name!r} in organization_template.roles")
    if role.type != kind:
        raise ConfigError(f"{where}: {name!r} is a {role.type} role, not a {kind} role")


def read_organizations(
    root: Reader, template: OrganizationTemplate, apps: tuple[Application, ...]
) -> tuple[Organization, ...]:
    organizations = []
    for r in root.tables("organizations"):
        org = Organization(
            id=r.string("id", required=True),
            name=r.string("name", "") or r.data.get("id", ""),
            members=r.strings("members"),
            roles=r.pairs("roles"),
            applications=r.strings("applications"),
            application_roles=r.pairs("application_roles"),
        )
        r.done()
        if ":" in org.id:
            raise ConfigError(f"{r.path}.id: must not contain ':' (organization roles read ORG_ID:ROLE)")
        for i, (member, role_name) in enumerate(org.roles):
            if member not in org.members:
                raise ConfigError(f"{r.path}.roles[{i}]: {member!r} is not in {r.path}.members")
            _org_role(template, role_name, "user", f"{r.path}.roles[{i}]")
        for i, app_id in enumerate(org.applications):
            app = next((a for a in apps if a.id == app_id), None)
            if app is None or app.type != "m2m":
                raise ConfigError(
                    f"{r.path}.applications[{i}]: {app_id!r} is not a machine-to-machine application"
                )
        for i, (app_id, role_name) in enumerate(org.application_roles):
            if app_id not in org.applications:
                raise ConfigError(
                    f"{r.path}.application_roles[{i}]: {app_id!r} is not in {r.path}.applications"
                )
            _org_role(template, role_name, "m2m", f"{r.path}.application_roles[{i}]")
        organizations.append(org)
    unique([o.id for o in organizations], "organizations", "id")
    return tuple(organizations)


def check_role_holders(
    roles: tuple[Role, ...], apps: tuple[Application, ...], users: tuple[SeedUser, ...]
) -> None:
    """Users hold user roles and machine-to-machine apps hold m2m roles (Logto refuses other pairings with
    ``user.invalid_role_type`` / ``application.invalid_role_type``: ``packages/core/src/routes/admin-user/
    role.ts``, ``packages/core/src/routes/applications/application-role.ts``)."""
    by_name = {role.name: role for role in roles}
    holders: list[tuple[str, tuple[str, ...], str]] = [
        (f"users[{i}].roles", user.roles, "user") for i, user in enumerate(users)
    ]
    for i, app in enumerate(apps):
        if app.roles and app.type != "m2m":
            raise ConfigError(f"applications[{i}].roles: only machine-to-machine applications hold roles")
        holders.append((f"applications[{i}].roles", app.roles, "m2m"))
    for where, names, kind in holders:
        for name in names:
            role = by_name.get(name)
            if role is None:
                raise ConfigError(f"{where}: no role named {name!r}")
            if role.type != kind:
                raise ConfigError(f"{where}: {name!r} is a {role.type} role, not a {kind} role")
