"""``[management]`` of harness.toml: the machine-to-machine app through which the harness (its client, the
``management_api`` fixture, ``harness users``) and the app under test call the tenant's Management API.

A tenant's admin sets this up in the Console (https://a.logto.io/m2m-mapi): a machine-to-machine
application holding an m2m role that grants the Management API resource's one scope, ``all``. The harness
adds exactly that to its tenant — the application ``[management] app_id`` / ``app_secret`` and the role
:data:`ROLE` granting ``https://default.logto.app/api`` ``all`` (Logto OSS's ``defaultManagementApi``,
packages/schemas/src/seeds/management-api.ts) — unless the tenant already has an application of that id
(then it is the config's own). ``app_id = ""`` adds none.

Kept free of heavy imports: harness.toml is read before the web stack loads.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._config import HarnessConfig

# Logto OSS's Management API resource indicator and its scope (``PredefinedScope.All``); also what
# @logto/api's ``createManagementApi`` asks for (``allScope``, packages/api/src/management.ts).
MANAGEMENT_API_INDICATOR = "https://default.logto.app/api"
ALL_SCOPE = "all"
APP_NAME = "Harness Management API"
ROLE = "Harness Management API access"


@dataclass(frozen=True, kw_only=True)
class ManagementSettings:
    """``[management]``: the M2M app of the harness's tenant that holds the Management API role."""

    app_id: str = field(
        default="harness-management",
        metadata={
            "help": "client id of the machine-to-machine app the tenant gets, holding a role with the "
            'Management API\'s "all" scope ("": none)'
        },
    )
    app_secret: str = field(
        default="harness-management-secret",
        metadata={"help": "that app's client secret", "nonempty": True},
    )


def with_management_app(
    tenant: dict[str, Any], settings: ManagementSettings, seed_app: dict[str, Any]
) -> dict[str, Any]:
    """``tenant`` (a ``[tenant]`` table, not changed) plus the Management API app and its role, as the
    module docstring says. ``seed_app`` is the application a tenant without ``applications`` has (the
    seed's): it stays first, the one the sample app signs in as."""
    if not settings.app_id:
        return tenant
    tenant = copy.deepcopy(tenant)
    applications = tenant.get("applications", [dict(seed_app)])
    roles = tenant.get("roles", [])
    if not isinstance(applications, list) or not isinstance(roles, list):
        return tenant  # not tables: the tenant's reader names the field
    if any(isinstance(app, dict) and app.get("id") == settings.app_id for app in applications):
        return tenant
    if not any(isinstance(role, dict) and role.get("name") == ROLE for role in roles):
        roles.append(
            {
                "name": ROLE,
                "type": "m2m",
                "description": "Lets the harness's M2M app call the Management API",
                "scopes": [{"resource": MANAGEMENT_API_INDICATOR, "scope": ALL_SCOPE}],
            }
        )
    applications.append(
        {
            "name": APP_NAME,
            "type": "m2m",
            "id": settings.app_id,
            "secret": settings.app_secret,
            "roles": [ROLE],
        }
    )
    tenant["applications"], tenant["roles"] = applications, roles
    return tenant


def management_info(config: HarnessConfig) -> dict[str, str] | None:
    """``harness up --json``'s ``management``: the M2M app and the resource its tokens are for (None: no app)."""
    settings = config.management
    if not settings.app_id:
        return None
    return {
        "app_id": settings.app_id,
        "app_secret": settings.app_secret,
        "resource": MANAGEMENT_API_INDICATOR,
    }


def management_env(config: HarnessConfig) -> dict[str, str]:
    """What ``harness env`` exports for an app's back end that calls the Management API (none without an app)."""
    info = management_info(config)
    if info is None:
        return {}
    return {
        "LOGTO_M2M_APP_ID": info["app_id"],
        "LOGTO_M2M_APP_SECRET": info["app_secret"],
        "LOGTO_MANAGEMENT_API_RESOURCE": info["resource"],
    }
