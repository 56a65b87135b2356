"""The tenant's organizations, organization roles and organization scopes as the Management API changes
them: Logto's ``organizations``, ``organization_roles``, ``organization_scopes`` tables and their relation
tables (``packages/schemas/tables/organization*.sql``), seeded from the config (:mod:`._config`:
``organization_template``, ``organizations``) and mutable at run time.

The registry is the truth; two things are derived from it after every change so that sign-in sees it at
once: each user's ``organizations`` / ``organization_roles`` / ``organization_names`` (what the ID token's
claims and the refresh grant's membership check read, :mod:`._claims`, :mod:`._issue`) by :meth:`sync`,
and the config's ``organization_template`` / ``organizations`` (what :mod:`._rbac` and the reserved
organizations resource read) by :meth:`template` and :meth:`organizations_view`.

An organization's invitations (``organization_invitations`` with ``organization_invitation_role_relations``,
:mod:`._management_organization_invitations`) live on it, so they go when it goes (``on delete cascade``), as
they go with their inviter or accepting user (:meth:`OrganizationRegistry.forget_user`); a deleted role
drops out of them where they are read.

Ids are stable across resets: a configured organization keeps its config id, a configured organization
role or scope gets an id derived from its name (:func:`._role_registry.stable_id`). A configured
organization's ``members`` (emails or usernames) join it when a user with that identifier is created, as
the seeded users always did. Relations keep their insertion order (Logto's relation queries have no
``order by``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ._config import Organization, OrganizationRole, OrganizationTemplate, TenantConfig
from ._role_registry import RoleRegistry, stable_id

# Logto's ``role_type`` enum against the config's ``type``.
ROLE_TYPES = {"user": "User", "m2m": "MachineToMachine"}


@dataclass
class StoredInvitation:
    """An ``organization_invitations`` row and its roles; ``status`` is the stored one (a ``Pending`` row
    past ``expires_at`` reads as ``Expired`` without being changed, as Logto's ``findEntity`` computes it)."""

    id: str
    organization_id: str
    invitee: str
    inviter_id: str | None
    expires_at: float  # epoch ms, as given
    created_at: int  # epoch ms
    updated_at: int
    seq: int  # creation order, for equal ``created_at``
    status: str = "Pending"
    accepted_user_id: str | None = None
    role_ids: list[str] = field(default_factory=list)  # organization_invitation_role_relations

    def status_at(self, now_ms: int) -> str:
        return "Expired" if self.status == "Pending" and self.expires_at < now_ms else self.status


@dataclass
class StoredOrganization:
    id: str
    name: str
    created_at: int  # epoch ms
    description: str | None = None
    custom_data: dict[str, Any] = field(default_factory=dict)
    is_mfa_required: bool = False
    color: dict[str, Any] = field(default_factory=dict)
    branding: dict[str, Any] = field(default_factory=dict)
    custom_css: str | None = None
    members: list[str] = field(default_factory=list)  # user ids
    member_roles: list[tuple[str, str]] = field(default_factory=list)  # (user id, organization role id)
    applications: list[str] = field(default_factory=list)  # application ids
    application_roles: list[tuple[str, str]] = field(default_factory=list)  # (app id, role id)
    jit_email_domains: list[str] = field(default_factory=list)  # organization_jit_email_domains
    jit_roles: list[str] = field(default_factory=list)  # organization_jit_roles: organization role ids
    jit_sso_connectors: list[str] = field(default_factory=list)  # organization_jit_sso_connectors
    invitations: list[StoredInvitation] = field(default_factory=list)  # organization_invitations
    seed_members: tuple[str, ...] = ()  # the config's member identifiers
    seed_roles: tuple[tuple[str, str], ...] = ()  # (member identifier, role name)


@dataclass
class StoredOrganizationRole:
    id: str
    name: str
    description: str | None = None
    type: str = "User"  # "User" | "MachineToMachine"
    scope_ids: list[str] = field(default_factory=list)  # organization scope ids
    resource_scope_ids: list[str] = field(default_factory=list)  # API resource scope ids


@dataclass
class StoredOrganizationScope:
    id: str
    name: str
    description: str | None = None


class OrganizationRegistry:
    def __init__(self, config_of: Callable[[], TenantConfig], roles: RoleRegistry) -> None:
        self.config_of = config_of  # the tenant's live config: the configured one when a reset re-seeds
        self.resource_scopes = roles  # the API resources' scopes (ids and names)
        self.organizations: dict[str, StoredOrganization] = {}
        self.roles: dict[str, StoredOrganizationRole] = {}
        self.scopes: dict[str, StoredOrganizationScope] = {}

    def seed(self, now_ms: int) -> None:
        self.organizations.clear()
        self.roles.clear()
        self.scopes.clear()
        config = self.config_of()
        template = config.organization_template
        for name in template.scopes:
            scope = StoredOrganizationScope(stable_id("organization-scope", name), name)
            self.scopes[scope.id] = scope
        resource_ids = {
            (res.indicator, name): sid for sid, (res, name) in self.resource_scopes.scopes().items()
        }
        for role in template.roles:
            stored = StoredOrganizationRole(
                stable_id("organization-role", role.name),
                role.name,
                role.description or None,
                ROLE_TYPES[role.type],
                [s.id for s in self.scopes.values() if s.name in role.scopes],
                [resource_ids[pair] for pair in role.resource_scopes if pair in resource_ids],
            )
            self.roles[stored.id] = stored
        for org in config.organizations:
            stored_org = StoredOrganization(
                org.id,
                org.name,
                now_ms,
                applications=list(org.applications),
                seed_members=org.members,
                seed_roles=org.roles,
            )
            for app_id, role_name in org.application_roles:
                role_id = self.role_id(role_name)
                if role_id is not None:
                    stored_org.application_roles.append((app_id, role_id))
            self.organizations[org.id] = stored_org

    def role_id(self, name: str) -> str | None:
        return next((r.id for r in self.roles.values() if r.name == name), None)

    # --- users ------------------------------------------------------------------------------------------
    def join(self, user_id: str, identifiers: Iterable[str | None]) -> None:
        """A new user joins the configured organizations listing one of its identifiers as a member."""
        known = {i for i in identifiers if i}
        for org in self.organizations.values():
            if known.isdisjoint(org.seed_members) or user_id in org.members:
                continue
            org.members.append(user_id)
            for member, role_name in org.seed_roles:
                role_id = self.role_id(role_name)
                if member in known and role_id is not None and (user_id, role_id) not in org.member_roles:
                    org.member_roles.append((user_id, role_id))

    def forget_user(self, user_id: str) -> None:
        """The user's memberships, organization roles and the invitations it sent or accepted cascade away
        with it (``on delete cascade``)."""
        for org in self.organizations.values():
            org.members = [m for m in org.members if m != user_id]
            org.member_roles = [(u, r) for u, r in org.member_roles if u != user_id]
            org.invitations = [
                i for i in org.invitations if user_id not in (i.inviter_id, i.accepted_user_id)
            ]

    def invitation(self, invitation_id: str) -> StoredInvitation | None:
        return next(
            (i for o in self.organizations.values() for i in o.invitations if i.id == invitation_id), None
        )

    def invitation_roles(self, invitation: StoredInvitation) -> list[StoredOrganizationRole]:
        return [self.roles[r] for r in invitation.role_ids if r in self.roles]

    def user_roles(self, org: StoredOrganization, user_id: str) -> list[StoredOrganizationRole]:
        return [self.roles[r] for u, r in org.member_roles if u == user_id and r in self.roles]

    def sync(self, user: Any) -> None:
        """Derive ``user``'s organization fields (a :class:`._store.User`) from the registry."""
        orgs = [o for o in self.organizations.values() if user.id in o.members]
        user.organizations = [o.id for o in orgs]
        user.organization_names = {o.id: o.name for o in orgs}
        user.organization_roles = [f"{o.id}:{r.name}" for o in orgs for r in self.user_roles(o, user.id)]

    # --- the config's view ------------------------------------------------------------------------------
    def template(self) -> OrganizationTemplate:
        resource_scopes = self.resource_scopes.scopes()
        roles = tuple(
            OrganizationRole(
                name=role.name,
                description=role.description or "",
                type="m2m" if role.type == "MachineToMachine" else "user",
                scopes=tuple(self.scopes[s].name for s in role.scope_ids if s in self.scopes),
                resource_scopes=tuple(
                    (resource_scopes[s][0].indicator, resource_scopes[s][1])
                    for s in role.resource_scope_ids
                    if s in resource_scopes
                ),
            )
            for role in self.roles.values()
        )
        return OrganizationTemplate(scopes=tuple(s.name for s in self.scopes.values()), roles=roles)

    def organizations_view(self) -> tuple[Organization, ...]:
        return tuple(
            Organization(
                id=org.id,
                name=org.name,
                applications=tuple(org.applications),
                application_roles=tuple(
                    (app_id, self.roles[role_id].name)
                    for app_id, role_id in org.application_roles
                    if role_id in self.roles
                ),
            )
            for org in self.organizations.values()
        )
