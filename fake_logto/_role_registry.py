"""The tenant's roles as the Management API changes them: Logto's ``roles``, ``roles_scopes`` and
``applications_roles`` tables (``packages/schemas/tables/roles.sql``, ``scopes.sql``), seeded from the config
(:mod:`._config`) and mutable at run time, so :mod:`._rbac` reads what ``/api/roles`` last wrote.

Ids are stable across resets: a configured role's id and a resource scope's id derive from their names
(the Management API resource keeps Logto's seeded ids ``management-api`` / ``management-api-all``,
``packages/schemas/src/seeds/management-api.ts``). Users hold roles by name (``User.roles``, what the
``roles`` claim carries), so a rename or a delete here is applied to them by the caller under the store lock.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from ._config import MANAGEMENT_API, MANAGEMENT_API_RESOURCE, Resource, TenantConfig

# Logto's ``role_type`` enum against the config's ``type``.
LOGTO_TYPES = {"user": "User", "m2m": "MachineToMachine"}


def stable_id(*parts: str) -> str:
    """A 21-character id (Logto's ``generateStandardId`` length) derived from ``parts``."""
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:21]


def resource_id(resource: Resource) -> str:
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


class RoleRegistry:
    def __init__(self, config: TenantConfig) -> None:
        self.config = config
        self.roles: dict[str, StoredRole] = {}
        self.seed()

    def seed(self) -> None:
        self.roles.clear()
        for role in self.config.roles:
            stored = StoredRole(
                stable_id("role", role.name), role.name, role.description, LOGTO_TYPES[role.type]
            )
            stored.scope_ids = [
                sid for sid, (res, name) in self.scopes().items() if (res.indicator, name) in role.scopes
            ]
            stored.application_ids = [a.id for a in self.config.applications if role.name in a.roles]
            self.roles[stored.id] = stored

    def scopes(self) -> dict[str, tuple[Resource, str]]:
        """Every resource scope by id, the Management API's included, in config order."""
        found: dict[str, tuple[Resource, str]] = {}
        for resource in (*self.config.resources, MANAGEMENT_API):
            for name in resource.scopes:
                found[scope_id(resource, name)] = (resource, name)
        return found

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
