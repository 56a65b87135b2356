"""The tenant's authorization model as the Management API changes it: Logto's ``roles``, ``roles_scopes``,
``applications_roles``, the ids and descriptions of ``resources`` / ``scopes`` rows and the Management-API-only
columns of ``applications`` with their ``application_secrets`` (``packages/schemas/tables/*.sql``). Seeded
from the config (:mod:`._config`) and mutable at run time, so :mod:`._rbac` reads what ``/api/roles`` last
wrote. The resources and applications themselves live in the tenant's live config (``config_of()``: the
Management API replaces ``tenant.config``), so the OIDC endpoints see them at once.

Besides the configured roles, Logto's seed has one: the M2M role ``Logto Management API access`` holding
the Management API's ``all`` scope (unless the config names a role so).

Ids are stable across resets: a configured role's, resource's and scope's id derive from their names (the
Management API resource keeps Logto's seeded ids ``management-api`` / ``management-api-all``,
``packages/schemas/src/seeds/management-api.ts``); what the Management API creates gets a fresh id. Users
hold roles by name (``User.roles``, what the ``roles`` claim carries), so a rename or a delete here is
applied to them by the caller under the store lock.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ._config import MANAGEMENT_API_RESOURCE, MANAGEMENT_API_SCOPE, Resource, TenantConfig

# Logto's ``role_type`` enum against the config's ``type``.
LOGTO_TYPES = {"user": "User", "m2m": "MachineToMachine"}
MANAGEMENT_API_SCOPE_DESCRIPTION = "Default scope for Management API, allows all permissions."
# ``createPreConfiguredManagementApiAccessRole`` (packages/schemas/src/seeds/management-api.ts), seeded with
# the Management API's ``all`` scope by ``seedPreConfiguredManagementApiAccessRole``
# (packages/cli/src/commands/database/seed/roles.ts).
MANAGEMENT_API_ROLE = "Logto Management API access"
MANAGEMENT_API_ROLE_DESCRIPTION = "This default role grants access to the Logto management API."


def stable_id(*parts: str) -> str:
    """A 21-character id (Logto's ``generateStandardId`` length) derived from ``parts``."""
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:21]


def resource_id(resource: Resource) -> str:
    """A configured resource's id (one created by the API: :meth:`RoleRegistry.resource_id`)."""
    return (
        "management-api" if resource.indicator == MANAGEMENT_API_RESOURCE else stable_id(resource.indicator)
    )


def scope_id(resource: Resource, scope: str) -> str:
    if resource.indicator == MANAGEMENT_API_RESOURCE:
        return f"management-api-{scope}"
    return stable_id(resource.indicator, scope)


@dataclass
class StoredRole:
    id: str
    name: str
    description: str
    type: str  # "User" | "MachineToMachine"
    is_default: bool = False
    scope_ids: list[str] = field(default_factory=list)
    application_ids: list[str] = field(default_factory=list)


@dataclass
class ScopeRow:
    """A ``scopes`` row's own columns (its name and resource are the config's)."""

    id: str
    description: str | None
    created_at: int


@dataclass
class AppSecret:
    """An ``application_secrets`` row."""

    name: str
    value: str
    created_at: int
    expires_at: int | None = None


@dataclass
class AppRow:
    """An ``applications`` row's columns the config does not hold."""

    created_at: int
    description: str | None = None
    custom_data: dict[str, Any] = field(default_factory=dict)
    custom_client_metadata: dict[str, Any] = field(default_factory=dict)
    oidc_extra: dict[str, Any] = field(default_factory=dict)  # oidcClientMetadata beyond the URIs
    legacy_secret: bool = True  # a configured app's secret is Logto's legacy ``secret`` column
    secrets: list[AppSecret] = field(default_factory=list)


class RoleRegistry:
    def __init__(self, config_of: Callable[[], TenantConfig], now_ms: Callable[[], int]) -> None:
        self.config_of = config_of
        self.now_ms = now_ms
        self.roles: dict[str, StoredRole] = {}
        self.resource_ids: dict[str, str] = {}  # indicator -> id, for resources the API created
        self.scope_rows: dict[tuple[str, str], ScopeRow] = {}  # (indicator, name) -> row
        self.app_rows: dict[str, AppRow] = {}
        self.seed()

    @property
    def config(self) -> TenantConfig:
        return self.config_of()

    def seed(self) -> None:
        self.roles.clear()
        self.resource_ids.clear()
        self.scope_rows.clear()
        self.app_rows.clear()
        seeded = self.now_ms()  # the configured apps were created together, listed in config order
        self.app_rows.update((a.id, AppRow(created_at=seeded)) for a in self.config.applications)
        for role in self.config.roles:
            stored = StoredRole(
                stable_id("role", role.name), role.name, role.description, LOGTO_TYPES[role.type]
            )
            stored.scope_ids = [
                sid for sid, (res, name) in self.scopes().items() if (res.indicator, name) in role.scopes
            ]
            stored.application_ids = [a.id for a in self.config.applications if role.name in a.roles]
            self.roles[stored.id] = stored
        if self.by_name(MANAGEMENT_API_ROLE) is None:  # a configured role of that name stays as configured
            seeded_role = StoredRole(
                stable_id("role", MANAGEMENT_API_ROLE),
                MANAGEMENT_API_ROLE,
                MANAGEMENT_API_ROLE_DESCRIPTION,
                "MachineToMachine",
                scope_ids=[self.scope_row(self.config.management_api, MANAGEMENT_API_SCOPE).id],
            )
            self.roles[seeded_role.id] = seeded_role

    # --- resources and scopes -----------------------------------------------------------------------
    def resources(self) -> tuple[Resource, ...]:
        """Every API resource, the Management API's first (the seed inserts it with the tenant)."""
        return (self.config.management_api, *self.config.resources)

    def resource_id(self, resource: Resource) -> str:
        return self.resource_ids.get(resource.indicator) or resource_id(resource)

    def resource_by_id(self, rid: str) -> Resource | None:
        return next((r for r in self.resources() if self.resource_id(r) == rid), None)

    def scope_row(self, resource: Resource, name: str) -> ScopeRow:
        row = self.scope_rows.get((resource.indicator, name))
        if row is None:
            is_mapi = resource.indicator == MANAGEMENT_API_RESOURCE
            row = ScopeRow(
                scope_id(resource, name), MANAGEMENT_API_SCOPE_DESCRIPTION if is_mapi else None, self.now_ms()
            )
            self.scope_rows[(resource.indicator, name)] = row
        return row

    def scopes(self) -> dict[str, tuple[Resource, str]]:
        """Every resource scope by id, the Management API's included, in config order."""
        found: dict[str, tuple[Resource, str]] = {}
        for resource in (*self.config.resources, self.config.management_api):
            for name in resource.scopes:
                found[self.scope_row(resource, name).id] = (resource, name)
        return found

    def forget_scopes(self, scope_ids: set[str]) -> None:
        """The ``on delete cascade`` of ``roles_scopes``: a deleted scope leaves every role."""
        for role in self.roles.values():
            role.scope_ids = [s for s in role.scope_ids if s not in scope_ids]

    # --- applications -------------------------------------------------------------------------------
    def app_row(self, app_id: str) -> AppRow:
        row = self.app_rows.get(app_id)
        if row is None:
            row = self.app_rows[app_id] = AppRow(created_at=self.now_ms())
        return row

    def app_secret(self, app_id: str, value: str) -> AppSecret | None:
        """Logto's ``findByCredentials``: the ``application_secrets`` row with this value, if any."""
        row = self.app_rows.get(app_id)
        return next((s for s in row.secrets if s.value == value), None) if row else None

    def forget_application(self, app_id: str) -> None:
        self.app_rows.pop(app_id, None)
        for role in self.roles.values():
            role.application_ids = [a for a in role.application_ids if a != app_id]

    # --- roles --------------------------------------------------------------------------------------
    def by_name(self, name: str) -> StoredRole | None:
        return next((r for r in self.roles.values() if r.name == name), None)

    def granted(self, role: StoredRole, indicator: str) -> set[str]:
        scopes = self.scopes()
        return {scopes[s][1] for s in role.scope_ids if s in scopes and scopes[s][0].indicator == indicator}

    def user_scopes(self, names: list[str], indicator: str) -> set[str]:
        held: set[str] = set()
        for name in names:
            role = self.by_name(name)
            if role is not None and role.type == "User":
                held |= self.granted(role, indicator)
        return held

    def application_scopes(self, app_id: str, indicator: str) -> set[str]:
        held: set[str] = set()
        for role in self.roles.values():
            if app_id in role.application_ids:
                held |= self.granted(role, indicator)
        return held
