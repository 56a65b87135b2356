"""The OpenAPI operations of fake_logto's API resources, applications and role members
(:mod:`._management_resources`, :mod:`._management_applications`, :mod:`._management_role_members`), written
out as Logto's ``routes/resource.openapi.json``, ``applications/application.openapi.json``,
``application-secret.openapi.json``, ``application-role.openapi.json`` and ``role.openapi.json`` describe them:
the Management API's Bearer token, Logto's ``{code, message, data?}`` errors, path parameters named as
Logto's routes name them."""

from __future__ import annotations

import re
from typing import Any

from . import paths
from ._openapi_shapes import STRING, Operation, json_body, logto_error, obj, param

NULLABLE: dict[str, Any] = {"type": ["string", "null"]}
OBJECT: dict[str, Any] = {"type": "object"}
INT: dict[str, Any] = {"type": "integer"}
FLAG: dict[str, Any] = {"type": "boolean"}
IDS: dict[str, Any] = {"type": "array", "items": STRING}
RESOURCE = obj(
    {
        "tenantId": STRING,
        "id": STRING,
        "name": STRING,
        "indicator": STRING,
        "isDefault": FLAG,
        "accessTokenTtl": INT,
    },
    "id",
    "indicator",
)
SCOPE = obj(
    {
        "tenantId": STRING,
        "id": STRING,
        "resourceId": STRING,
        "name": STRING,
        "description": NULLABLE,
        "createdAt": INT,
    },
    "id",
    "name",
)
URIS = {"type": "array", "items": STRING}
METADATA = obj(
    {"redirectUris": URIS, "postLogoutRedirectUris": URIS}, "redirectUris", "postLogoutRedirectUris"
)
APPLICATION = obj(
    {
        "tenantId": STRING,
        "id": STRING,
        "name": STRING,
        "secret": STRING,
        "description": NULLABLE,
        "type": {"type": "string", "enum": ["Native", "SPA", "Traditional", "MachineToMachine"]},
        "oidcClientMetadata": METADATA,
        "customClientMetadata": OBJECT,
        "customData": OBJECT,
        "isThirdParty": FLAG,
        "createdAt": INT,
    },
    "id",
    "name",
    "type",
)
SECRET = obj(
    {
        "applicationId": STRING,
        "name": STRING,
        "value": STRING,
        "createdAt": INT,
        "expiresAt": {"type": ["integer", "null"]},
    },
    "name",
    "value",
)
ROLE = obj(
    {"tenantId": STRING, "id": STRING, "name": STRING, "type": STRING, "isDefault": FLAG}, "id", "name"
)
USER = obj({"id": STRING}, "id")
GUARD = {
    "401": logto_error("auth.*: no, or a bad, Management API token"),
    "403": logto_error("auth.forbidden: the token lacks the scope ``all``"),
}
BAD = {"400": logto_error("guard.invalid_input, guard.invalid_pagination, request.invalid_input (search)")}
MISSING = {"404": logto_error("entity.not_exists_with_id / entity.not_exists / entity.not_found")}
CONFLICT = {"422": logto_error("a uniqueness or type rule Logto enforces (see the route's errors)")}
GONE = {"204": {"description": "done"}}
PAGE = [
    param("page", "query", "the page, from 1", type="integer"),
    param("page_size", "query", "items a page (20 by default, at most 100)", type="integer"),
]
SEARCH = [param("search", "query", "Logto's search (``search``, ``search.<field>``, ``mode``, ``joint``)")]


def _one(description: str, schema: dict[str, Any], status: str = "200") -> dict[str, Any]:
    return {status: {"description": description, "content": {"application/json": {"schema": schema}}}}


def _many(description: str, item: dict[str, Any]) -> dict[str, Any]:
    answer = _one(description, {"type": "array", "items": item})
    answer["200"]["headers"] = {"Total-Number": {"schema": STRING, "description": "when paged: all matches"}}
    return answer


def _op(
    source: str, op_id: str, summary: str, answers: dict[str, Any], body: Any = None, query: Any = ()
) -> tuple[str, str, Any, Any, Any, Any]:
    return (source, op_id, summary, answers, body, list(query))


NEW_APP = obj(
    {
        "name": STRING,
        "type": STRING,
        "description": NULLABLE,
        "oidcClientMetadata": METADATA,
        "customData": OBJECT,
    },
    "name",
    "type",
)
TABLE: dict[tuple[str, str], tuple[str, str, str, Any, Any, Any]] = {
    ("GET", paths.MANAGEMENT_RESOURCES): _op(
        "resource.ts", "ListResources", "List API resources, the Management API first",
        _many("the resources", RESOURCE) | BAD, None, [*PAGE, param("includeScopes", "query", "true: with scopes")],
    ),
    ("POST", paths.MANAGEMENT_RESOURCES): _op(
        "resource.ts", "CreateResource", "Create an API resource",
        _one("the resource", RESOURCE, "201") | BAD | CONFLICT,
        obj({"name": STRING, "indicator": STRING, "accessTokenTtl": INT}, "name", "indicator"),
    ),
    ("GET", paths.MANAGEMENT_RESOURCE): _op("resource.ts", "GetResource", "Get an API resource", _one("the resource", RESOURCE) | MISSING),
    ("PATCH", paths.MANAGEMENT_RESOURCE): _op(
        "resource.ts", "UpdateResource", "Rename an API resource or change its token TTL",
        _one("the resource", RESOURCE) | BAD | MISSING, obj({"name": STRING, "accessTokenTtl": INT}),
    ),
    ("DELETE", paths.MANAGEMENT_RESOURCE): _op("resource.ts", "DeleteResource", "Delete an API resource", GONE | BAD | MISSING),
    ("PATCH", paths.MANAGEMENT_RESOURCE_IS_DEFAULT): _op(
        "resource.ts", "UpdateResourceIsDefault", "Make an API resource the default (one at most)",
        _one("the resource", RESOURCE) | BAD | MISSING, obj({"isDefault": FLAG}, "isDefault"),
    ),
    ("GET", paths.MANAGEMENT_RESOURCE_SCOPES): _op(
        "resource.scope.ts", "ListResourceScopes", "List a resource's scopes", _many("the scopes", SCOPE) | BAD, None, PAGE + SEARCH
    ),
    ("POST", paths.MANAGEMENT_RESOURCE_SCOPES): _op(
        "resource.scope.ts", "CreateResourceScope", "Create a scope",
        _one("the scope", SCOPE, "201") | BAD | MISSING | CONFLICT, obj({"name": STRING, "description": NULLABLE}, "name"),
    ),
    ("PATCH", paths.MANAGEMENT_RESOURCE_SCOPE): _op(
        "resource.scope.ts", "UpdateResourceScope", "Rename or describe a scope",
        _one("the scope", SCOPE) | BAD | MISSING | CONFLICT, obj({"name": STRING, "description": NULLABLE}),
    ),
    ("DELETE", paths.MANAGEMENT_RESOURCE_SCOPE): _op("resource.scope.ts", "DeleteResourceScope", "Delete a scope", GONE | BAD | MISSING),
    ("GET", paths.MANAGEMENT_APPLICATIONS): _op(
        "applications/application.ts", "ListApplications", "List applications, newest first",
        _many("the applications", APPLICATION) | BAD, None,
        [*PAGE, *SEARCH, param("types", "query", "ApplicationType"), param("isThirdParty", "query", "true or false"),
         param("excludeRoleId", "query", "not this role's"), param("excludeOrganizationId", "query", "not this organization's")],
    ),
    ("POST", paths.MANAGEMENT_APPLICATIONS): _op(
        "applications/application.ts", "CreateApplication", "Create an application",
        _one("the application", APPLICATION) | BAD | CONFLICT | {"501": logto_error("application.protected_app_not_configured")}, NEW_APP,
    ),
    ("GET", paths.MANAGEMENT_APPLICATION): _op("applications/application.ts", "GetApplication", "Get an application", _one("the application", APPLICATION) | MISSING),
    ("PATCH", paths.MANAGEMENT_APPLICATION): _op(
        "applications/application.ts", "UpdateApplication", "Update an application",
        _one("the application", APPLICATION) | BAD | MISSING | CONFLICT, obj({"name": STRING, "description": NULLABLE, "oidcClientMetadata": METADATA}),
    ),
    ("DELETE", paths.MANAGEMENT_APPLICATION): _op("applications/application.ts", "DeleteApplication", "Delete an application", GONE | MISSING),
    ("GET", paths.MANAGEMENT_APPLICATION_SECRETS): _op(
        "applications/application-secret.ts", "ListApplicationSecrets", "An application's secrets",
        _one("the secrets", {"type": "array", "items": SECRET}) | MISSING,
    ),
    ("POST", paths.MANAGEMENT_APPLICATION_SECRETS): _op(
        "applications/application-secret.ts", "CreateApplicationSecret", "Add a secret",
        _one("the secret", SECRET, "201") | BAD | MISSING | CONFLICT, obj({"name": STRING, "expiresAt": {"type": ["integer", "null"]}}, "name"),
    ),
    ("DELETE", paths.MANAGEMENT_APPLICATION_SECRET): _op(
        "applications/application-secret.ts", "DeleteApplicationSecret", "Delete a secret by name", GONE | MISSING
    ),
    ("GET", paths.MANAGEMENT_APPLICATION_ROLES): _op(
        "applications/application-role.ts", "ListApplicationRoles", "A machine-to-machine app's roles",
        _many("the roles", ROLE) | BAD | MISSING | CONFLICT, None, PAGE + SEARCH,
    ),
    ("POST", paths.MANAGEMENT_APPLICATION_ROLES): _op(
        "applications/application-role.ts", "AssignApplicationRoles", "Give roles to a machine-to-machine app",
        _one("``{roleIds, addedRoleIds}``", obj({"roleIds": IDS, "addedRoleIds": IDS}), "201") | BAD | MISSING | CONFLICT,
        obj({"roleIds": IDS}, "roleIds"),
    ),
    ("PUT", paths.MANAGEMENT_APPLICATION_ROLES): _op(
        "applications/application-role.ts", "ReplaceApplicationRoles", "Replace a machine-to-machine app's roles",
        {"200": {"description": "replaced"}} | BAD | MISSING | CONFLICT, obj({"roleIds": IDS}, "roleIds"),
    ),
    ("DELETE", paths.MANAGEMENT_APPLICATION_ROLE): _op(
        "applications/application-role.ts", "DeleteApplicationRole", "Take a role from a machine-to-machine app", GONE | MISSING | CONFLICT
    ),
    ("GET", paths.MANAGEMENT_ROLE_USERS): _op("role.user.ts", "ListRoleUsers", "A role's users, newest first", _many("the users", USER) | BAD | MISSING, None, PAGE + SEARCH),
    ("POST", paths.MANAGEMENT_ROLE_USERS): _op(
        "role.user.ts", "CreateRoleUser", "Give a role to users", {"201": {"description": "given"}} | BAD | MISSING | CONFLICT, obj({"userIds": IDS}, "userIds")
    ),
    ("DELETE", paths.MANAGEMENT_ROLE_USER): _op("role.user.ts", "DeleteRoleUser", "Take a role from a user", GONE | MISSING),
    ("GET", paths.MANAGEMENT_ROLE_APPLICATIONS): _op(
        "role.application.ts", "ListRoleApplications", "A role's applications", _many("the applications", APPLICATION) | BAD | MISSING, None, PAGE + SEARCH
    ),
    ("POST", paths.MANAGEMENT_ROLE_APPLICATIONS): _op(
        "role.application.ts", "CreateRoleApplication", "Give a role to applications",
        {"201": {"description": "given"}} | BAD | MISSING | CONFLICT, obj({"applicationIds": IDS}, "applicationIds"),
    ),
    ("DELETE", paths.MANAGEMENT_ROLE_APPLICATION): _op("role.application.ts", "DeleteRoleApplication", "Take a role from an application", GONE | MISSING),
}  # fmt: skip


def operations() -> dict[tuple[str, str], Operation]:
    found: dict[tuple[str, str], Operation] = {}
    for (method, path), (source, op_id, summary, answers, body, query) in TABLE.items():
        path_params = [
            param(name, "path", f"``{name}``", required=True) for name in re.findall(r"{(\w+)}", path)
        ]
        operation: Operation = {
            "tags": ["Management API"],
            "operationId": op_id,
            "summary": summary,
            "description": f"Logto's ``packages/core/src/routes/{source}``.",
            "security": [{"managementApi": []}],
            "parameters": path_params + query,
            "responses": {**answers, **GUARD},
        }
        if body is not None:
            operation["requestBody"] = json_body(body)
        found[(method, path)] = operation
    return found
