"""The OpenAPI operations of fake_logto's organization routes (:mod:`._management_organizations`,
:mod:`._management_organization_relations`, :mod:`._management_organization_applications`,
:mod:`._management_organization_roles`, :mod:`._management_organization_jit`,
:mod:`._management_organization_scopes`, :mod:`._management_organization_invitations`), written out as Logto's
``routes/organization/index.openapi.json``, ``organization-invitation/index.openapi.json``,
``organization/jit/*.openapi.json``,
``organization/user/index.openapi.json``, ``organization/application/index.openapi.json``,
``organization-role/index.openapi.json``, ``organization-scope/index.openapi.json`` and
``admin-user/organization.openapi.json`` describe them: the Management API's Bearer token and Logto's
``{code, message, data?}`` errors."""

from __future__ import annotations

import re
from typing import Any

from . import paths
from ._openapi_shapes import STRING, Operation, json_body, logto_error, obj, param

NULLABLE: dict[str, Any] = {"type": ["string", "null"]}
OBJECT: dict[str, Any] = {"type": "object"}
IDS: dict[str, Any] = {"type": "array", "items": STRING}
ROLE_ENTITIES: dict[str, Any] = {"type": "array", "items": obj({"id": STRING, "name": STRING}, "id", "name")}
ORGANIZATION: dict[str, Any] = obj(
    {
        "tenantId": STRING,
        "id": STRING,
        "name": STRING,
        "description": NULLABLE,
        "customData": OBJECT,
        "isMfaRequired": {"type": "boolean"},
        "color": OBJECT,
        "branding": OBJECT,
        "customCss": NULLABLE,
        "createdAt": {"type": "number"},
    },
    "id",
    "name",
    "customData",
)
ROLE: dict[str, Any] = obj(
    {
        "tenantId": STRING,
        "id": STRING,
        "name": STRING,
        "description": NULLABLE,
        "type": {"type": "string", "enum": ["User", "MachineToMachine"]},
    },
    "id",
    "name",
    "type",
)
SCOPE: dict[str, Any] = obj(
    {"tenantId": STRING, "id": STRING, "name": STRING, "description": NULLABLE}, "id", "name"
)
ORGANIZATION_BODY = obj(
    {
        "name": STRING,
        "description": NULLABLE,
        "customData": OBJECT,
        "isMfaRequired": {"type": "boolean"},
        "color": OBJECT,
        "branding": OBJECT,
        "customCss": NULLABLE,
    }
)
ROLE_BODY = obj({"name": STRING, "description": NULLABLE, "type": ROLE["properties"]["type"]})
SCOPE_BODY = obj({"name": STRING, "description": NULLABLE})
PAGE = [
    param("page", "query", "the page, from 1", type="integer"),
    param("page_size", "query", "items a page (20 by default, at most 100)", type="integer"),
]
GUARD: dict[str, Any] = {
    "401": logto_error("auth.*: no, or a bad, Management API token"),
    "403": logto_error("auth.forbidden: the token lacks the scope ``all``"),
}
BAD = {"400": logto_error("guard.invalid_input, guard.invalid_pagination")}
NOT_FOUND = {"404": logto_error("entity.not_exists_with_id, entity.not_exists, entity.not_found")}
REFUSED = {
    "422": logto_error(
        "entity.relation_foreign_key_not_found, entity.unique_integrity_violation, "
        "entity.db_constraint_violated, organization.require_membership, organization.role_names_not_found"
    )
}
NO_CONTENT = {"204": {"description": "done"}}
CREATED = {"201": {"description": "added", "content": {"text/plain": {"schema": STRING}}}}


def _json(description: str, schema: dict[str, Any], status: str = "200") -> dict[str, Any]:
    return {status: {"description": description, "content": {"application/json": {"schema": schema}}}}


def _list(description: str, item: dict[str, Any]) -> dict[str, Any]:
    answer = _json(description, {"type": "array", "items": item})
    answer["200"]["headers"] = {"Total-Number": {"schema": STRING, "description": "the number of items"}}
    return answer


def _op(
    method: str,
    path: str,
    operation_id: str,
    summary: str,
    answers: dict[str, Any],
    body: Any = None,
    *query: Any,
) -> tuple[tuple[str, str], Operation]:
    path_params = [param(name, "path", f"the {name}", required=True) for name in re.findall(r"{(\w+)}", path)]
    operation: Operation = {
        "tags": ["Management API"],
        "operationId": operation_id,
        "summary": summary,
        "description": "Logto's ``packages/core/src/routes/organization*/**`` (see fake_logto's module).",
        "security": [{"managementApi": []}],
        "parameters": [*path_params, *query],
        "responses": {**answers, **BAD, **GUARD},
    }
    if body is not None:
        operation["requestBody"] = json_body(body)
    return (method, path), operation


def operations() -> dict[tuple[str, str], Operation]:
    p = paths
    q = param("q", "query", "a case-insensitive substring (``%`` and ``_`` are wildcards)")
    role_ids = obj({"organizationRoleIds": IDS, "organizationRoleNames": IDS})
    with_roles = {
        **ORGANIZATION,
        "properties": {**ORGANIZATION["properties"], "organizationRoles": ROLE_ENTITIES},
    }
    member = obj({"id": STRING, "organizationRoles": ROLE_ENTITIES}, "id", "organizationRoles")
    app = obj(
        {"id": STRING, "name": STRING, "organizationRoles": ROLE_ENTITIES}, "id", "name", "organizationRoles"
    )
    role_with_scopes = {**ROLE, "properties": {**ROLE["properties"], "scopes": IDS, "resourceScopes": IDS}}
    role_with_scopes["properties"]["scopes"] = {"type": "array", "items": OBJECT}
    role_with_scopes["properties"]["resourceScopes"] = {"type": "array", "items": OBJECT}
    featured = param("showFeatured", "query", "``true``: add usersCount and featuredUsers")
    entries = [
        _op("GET", p.MANAGEMENT_ORGANIZATIONS, "ListOrganizations", "List organizations", _list("a page", ORGANIZATION), None, *PAGE, q, featured),
        _op("POST", p.MANAGEMENT_ORGANIZATIONS, "CreateOrganization", "Create an organization", _json("the organization", ORGANIZATION, "201"), obj({**ORGANIZATION_BODY["properties"]}, "name")),
        _op("GET", p.MANAGEMENT_ORGANIZATION, "GetOrganization", "Get an organization", {**_json("the organization", ORGANIZATION), **NOT_FOUND}),
        _op("PATCH", p.MANAGEMENT_ORGANIZATION, "UpdateOrganization", "Update an organization", {**_json("the organization", ORGANIZATION), **NOT_FOUND}, ORGANIZATION_BODY),
        _op("DELETE", p.MANAGEMENT_ORGANIZATION, "DeleteOrganization", "Delete an organization", {**NO_CONTENT, **NOT_FOUND}),
        _op("GET", p.MANAGEMENT_ORGANIZATION_USERS, "ListOrganizationUsers", "List the members with their organization roles", _list("a page", member), None, *PAGE, q, param("organizationRoleId", "query", "only members with this role")),
        _op("POST", p.MANAGEMENT_ORGANIZATION_USERS, "AddOrganizationUsers", "Add members", {**_json("``{userIds}``", obj({"userIds": IDS}), "201"), **REFUSED}, obj({"userIds": IDS}, "userIds")),
        _op("PUT", p.MANAGEMENT_ORGANIZATION_USERS, "ReplaceOrganizationUsers", "Replace the members", {**NO_CONTENT, **REFUSED}, obj({"userIds": IDS}, "userIds")),
        _op("DELETE", p.MANAGEMENT_ORGANIZATION_USER, "DeleteOrganizationUser", "Remove a member (and their organization roles)", {**NO_CONTENT, **NOT_FOUND}),
        _op("POST", p.MANAGEMENT_ORGANIZATION_USERS_ROLES, "AssignOrganizationRolesToUsers", "Give every member listed every role listed", {**CREATED, **REFUSED}, obj({"userIds": IDS, "organizationRoleIds": IDS}, "userIds", "organizationRoleIds")),
        _op("GET", p.MANAGEMENT_ORGANIZATION_USER_ROLES, "ListOrganizationUserRoles", "A member's organization roles (paged when asked)", {**_list("the roles", ROLE), **REFUSED}, None, *PAGE),
        _op("POST", p.MANAGEMENT_ORGANIZATION_USER_ROLES, "AssignOrganizationRolesToUser", "Give a member organization roles", {**_json("``{organizationRoleIds}``", obj({"organizationRoleIds": IDS}), "201"), **REFUSED}, role_ids),
        _op("PUT", p.MANAGEMENT_ORGANIZATION_USER_ROLES, "ReplaceOrganizationUserRoles", "Replace a member's organization roles", {**NO_CONTENT, **REFUSED}, role_ids),
        _op("DELETE", p.MANAGEMENT_ORGANIZATION_USER_ROLE, "DeleteOrganizationUserRole", "Take an organization role from a member", {**NO_CONTENT, **NOT_FOUND, **REFUSED}),
        _op("GET", p.MANAGEMENT_ORGANIZATION_USER_SCOPES, "ListOrganizationUserScopes", "A member's organization scopes there", _json("the scopes", {"type": "array", "items": SCOPE})),
        _op("GET", p.MANAGEMENT_ORGANIZATION_APPLICATIONS, "ListOrganizationApplications", "List the applications with their organization roles", _list("a page", app), None, *PAGE, q),
        _op("POST", p.MANAGEMENT_ORGANIZATION_APPLICATIONS, "AddOrganizationApplications", "Add machine-to-machine applications", {**CREATED, **REFUSED}, obj({"applicationIds": IDS}, "applicationIds")),
        _op("PUT", p.MANAGEMENT_ORGANIZATION_APPLICATIONS, "ReplaceOrganizationApplications", "Replace the applications", {**NO_CONTENT, **REFUSED}, obj({"applicationIds": IDS}, "applicationIds")),
        _op("DELETE", p.MANAGEMENT_ORGANIZATION_APPLICATION, "DeleteOrganizationApplication", "Remove an application", {**NO_CONTENT, **NOT_FOUND}),
        _op("POST", p.MANAGEMENT_ORGANIZATION_APPLICATIONS_ROLES, "AssignOrganizationRolesToApplications", "Give every application listed every role listed", {**CREATED, **REFUSED}, obj({"applicationIds": IDS, "organizationRoleIds": IDS}, "applicationIds", "organizationRoleIds")),
        _op("GET", p.MANAGEMENT_ORGANIZATION_APPLICATION_ROLES, "ListOrganizationApplicationRoles", "An application's organization roles", {**_list("the roles", ROLE), **REFUSED}, None, *PAGE),
        _op("POST", p.MANAGEMENT_ORGANIZATION_APPLICATION_ROLES, "AssignOrganizationRolesToApplication", "Give an application organization roles", {**CREATED, **REFUSED}, obj({"organizationRoleIds": IDS}, "organizationRoleIds")),
        _op("PUT", p.MANAGEMENT_ORGANIZATION_APPLICATION_ROLES, "ReplaceOrganizationApplicationRoles", "Replace an application's organization roles", {**NO_CONTENT, **REFUSED}, obj({"organizationRoleIds": IDS}, "organizationRoleIds")),
        _op("DELETE", p.MANAGEMENT_ORGANIZATION_APPLICATION_ROLE, "DeleteOrganizationApplicationRole", "Take an organization role from an application", {**NO_CONTENT, **NOT_FOUND, **REFUSED}),
        _op("GET", p.MANAGEMENT_USER_ORGANIZATIONS, "ListUserOrganizations", "A user's organizations with their organization roles", {**_json("the organizations", {"type": "array", "items": with_roles}), **NOT_FOUND}),
        _op("GET", p.MANAGEMENT_ORGANIZATION_ROLES, "ListOrganizationRoles", "List organization roles with their scopes", _list("a page", role_with_scopes), None, *PAGE, q),
        _op("POST", p.MANAGEMENT_ORGANIZATION_ROLES, "CreateOrganizationRole", "Create an organization role", {**_json("the role", ROLE, "201"), **REFUSED}, obj({**ROLE_BODY["properties"], "organizationScopeIds": IDS, "resourceScopeIds": IDS}, "name")),
        _op("GET", p.MANAGEMENT_ORGANIZATION_ROLE, "GetOrganizationRole", "Get an organization role", {**_json("the role", ROLE), **NOT_FOUND}),
        _op("PATCH", p.MANAGEMENT_ORGANIZATION_ROLE, "UpdateOrganizationRole", "Update an organization role", {**_json("the role", ROLE), **NOT_FOUND, **REFUSED}, ROLE_BODY),
        _op("DELETE", p.MANAGEMENT_ORGANIZATION_ROLE, "DeleteOrganizationRole", "Delete an organization role", {**NO_CONTENT, **NOT_FOUND}),
        _op("GET", p.MANAGEMENT_ORGANIZATION_SCOPES, "ListOrganizationScopes", "List organization scopes (paged when asked)", _list("the scopes", SCOPE), None, *PAGE, q),
        _op("POST", p.MANAGEMENT_ORGANIZATION_SCOPES, "CreateOrganizationScope", "Create an organization scope", {**_json("the scope", SCOPE, "201"), **REFUSED}, obj(SCOPE_BODY["properties"], "name")),
        _op("GET", p.MANAGEMENT_ORGANIZATION_SCOPE, "GetOrganizationScope", "Get an organization scope", {**_json("the scope", SCOPE), **NOT_FOUND}),
        _op("PATCH", p.MANAGEMENT_ORGANIZATION_SCOPE, "UpdateOrganizationScope", "Update an organization scope", {**_json("the scope", SCOPE), **NOT_FOUND, **REFUSED}, SCOPE_BODY),
        _op("DELETE", p.MANAGEMENT_ORGANIZATION_SCOPE, "DeleteOrganizationScope", "Delete an organization scope", {**NO_CONTENT, **NOT_FOUND}),
    ]  # fmt: skip
    for relation, key, item, param_name in (
        (p.MANAGEMENT_ORGANIZATION_ROLE_SCOPES, "organizationScopeIds", SCOPE, p.MANAGEMENT_ORGANIZATION_ROLE_SCOPE),
        (p.MANAGEMENT_ORGANIZATION_ROLE_RESOURCE_SCOPES, "scopeIds", OBJECT, p.MANAGEMENT_ORGANIZATION_ROLE_RESOURCE_SCOPE),
    ):  # fmt: skip
        name = "ResourceScopes" if key == "scopeIds" else "Scopes"
        body = obj({key: IDS}, key)
        entries += [
            _op("GET", relation, f"ListOrganizationRole{name}", "A role's scopes (paged when asked)", {**_list("the scopes", item), **NOT_FOUND}, None, *PAGE),
            _op("POST", relation, f"AddOrganizationRole{name}", "Add scopes to a role", {**CREATED, **REFUSED}, body),
            _op("PUT", relation, f"ReplaceOrganizationRole{name}", "Replace a role's scopes", {**NO_CONTENT, **REFUSED}, body),
            _op("DELETE", param_name, f"DeleteOrganizationRole{name[:-1]}", "Remove a scope from a role", {**NO_CONTENT, **NOT_FOUND}),
        ]  # fmt: skip
    entries += _jit_operations()
    entries += _invitation_operations()
    return dict(entries)


def _jit_operations() -> list[tuple[tuple[str, str], Operation]]:
    """:mod:`._management_organization_jit`, as ``organization/jit/email-domains.openapi.json``,
    ``jit/roles.openapi.json`` and ``jit/sso-connectors.openapi.json`` (operation ids as Logto's ``buildOperationId``: ``jit/`` is a namespace)."""
    p = paths
    domain = obj(
        {"tenantId": STRING, "organizationId": STRING, "emailDomain": STRING}, "organizationId", "emailDomain"
    )
    too_long = {
        "422": logto_error(
            "entity.value_too_long, entity.unique_integrity_violation, entity.relation_foreign_key_not_found"
        )
    }
    not_found = {"404": logto_error("entity.not_found")}
    role_ids = obj({"organizationRoleIds": IDS}, "organizationRoleIds")
    return [
        _op("GET", p.MANAGEMENT_ORGANIZATION_JIT_EMAIL_DOMAINS, "ListOrganizationJitEmailDomains", "Get organization JIT email domains", _list("the email domains (paged when asked)", domain), None, *PAGE),
        _op("POST", p.MANAGEMENT_ORGANIZATION_JIT_EMAIL_DOMAINS, "CreateOrganizationJitEmailDomain", "Add organization JIT email domain", {**_json("the email domain", domain, "201"), **too_long}, obj({"emailDomain": STRING}, "emailDomain")),
        _op("PUT", p.MANAGEMENT_ORGANIZATION_JIT_EMAIL_DOMAINS, "ReplaceOrganizationJitEmailDomains", "Replace organization JIT email domains", {**NO_CONTENT, **too_long}, obj({"emailDomains": IDS}, "emailDomains")),
        _op("DELETE", p.MANAGEMENT_ORGANIZATION_JIT_EMAIL_DOMAIN, "DeleteOrganizationJitEmailDomain", "Remove organization JIT email domain", {**NO_CONTENT, **not_found}),
        _op("GET", p.MANAGEMENT_ORGANIZATION_JIT_ROLES, "ListOrganizationJitRoles", "Get organization JIT default roles", {**_list("the roles (paged when asked)", ROLE), **not_found}, None, *PAGE),
        _op("POST", p.MANAGEMENT_ORGANIZATION_JIT_ROLES, "CreateOrganizationJitRole", "Add organization JIT default roles", {**CREATED, **REFUSED}, role_ids),
        _op("PUT", p.MANAGEMENT_ORGANIZATION_JIT_ROLES, "ReplaceOrganizationJitRoles", "Replace organization JIT default roles", {**NO_CONTENT, **REFUSED}, role_ids),
        _op("DELETE", p.MANAGEMENT_ORGANIZATION_JIT_ROLE, "DeleteOrganizationJitRole", "Remove organization JIT default role", {**NO_CONTENT, **not_found}),
        _op("GET", p.MANAGEMENT_ORGANIZATION_JIT_SSO_CONNECTORS, "ListOrganizationJitSsoConnectors", "Get organization JIT SSO connectors", {**_list("the SSO connectors (paged when asked)", OBJECT), **not_found}, None, *PAGE),
        _op("POST", p.MANAGEMENT_ORGANIZATION_JIT_SSO_CONNECTORS, "CreateOrganizationJitSsoConnector", "Add organization JIT SSO connectors", {**CREATED, **REFUSED}, obj({"ssoConnectorIds": IDS}, "ssoConnectorIds")),
        _op("PUT", p.MANAGEMENT_ORGANIZATION_JIT_SSO_CONNECTORS, "ReplaceOrganizationJitSsoConnectors", "Replace organization JIT SSO connectors", {**NO_CONTENT, **REFUSED}, obj({"ssoConnectorIds": IDS}, "ssoConnectorIds")),
        _op("DELETE", p.MANAGEMENT_ORGANIZATION_JIT_SSO_CONNECTOR, "DeleteOrganizationJitSsoConnector", "Remove organization JIT SSO connector", {**NO_CONTENT, **not_found}),
    ]  # fmt: skip


def _invitation_operations() -> list[tuple[tuple[str, str], Operation]]:
    """:mod:`._management_organization_invitations`, as ``organization-invitation/index.openapi.json``
    (operation ids by ``buildOperationId``)."""
    p = paths
    number = {"type": "number"}
    status = {"type": "string", "enum": ["Pending", "Accepted", "Expired", "Revoked"]}
    invitation = obj(
        {
            "tenantId": STRING,
            "id": STRING,
            "inviterId": NULLABLE,
            "invitee": STRING,
            "acceptedUserId": NULLABLE,
            "organizationId": STRING,
            "status": status,
            "createdAt": number,
            "updatedAt": number,
            "expiresAt": number,
            "organizationRoles": ROLE_ENTITIES,
        },
        "id",
        "invitee",
        "organizationId",
        "status",
        "expiresAt",
        "organizationRoles",
    )
    payload = {
        **obj({"code": STRING, "link": STRING, "locale": STRING, "uiLocales": STRING}),
        "additionalProperties": True,
        "description": "``SendMessagePayload``: the template's variables (``{{link}}`` …)",
    }
    create = obj(
        {
            "inviterId": NULLABLE,
            "invitee": {"type": "string", "format": "email"},
            "organizationId": STRING,
            "expiresAt": {**number, "description": "epoch ms, in the future"},
            "organizationRoleIds": IDS,
            "messagePayload": {
                "description": "the email's payload, or ``false`` (no email)",
                "oneOf": [payload, {"type": "boolean", "enum": [False]}],
            },
        },
        "invitee",
        "organizationId",
        "expiresAt",
    )
    update = obj(
        {"status": {"type": "string", "enum": ["Accepted", "Revoked"]}, "acceptedUserId": NULLABLE}, "status"
    )
    refused = {
        "422": logto_error(
            "request.invalid_input, entity.unique_integrity_violation, entity.relation_foreign_key_not_found, entity.value_too_long"
        )
    }
    not_found = {"404": logto_error("entity.not_found")}
    limited = {"429": logto_error("request.message_rate_limited")}
    no_connector = {"501": logto_error("connector.not_found: no email connector")}
    query = [
        param(name, "query", f"only the invitations of this {name}")
        for name in ("organizationId", "inviterId", "invitee")
    ]
    return [
        _op("GET", p.MANAGEMENT_ORGANIZATION_INVITATIONS, "ListOrganizationInvitations", "Get organization invitations", _json("every invitation matching, newest first (not paged)", {"type": "array", "items": invitation}), None, *query),
        _op("POST", p.MANAGEMENT_ORGANIZATION_INVITATIONS, "CreateOrganizationInvitation", "Create organization invitation", {**_json("the invitation (Pending)", invitation, "201"), **refused, **limited, **no_connector}, create),
        _op("GET", p.MANAGEMENT_ORGANIZATION_INVITATION, "GetOrganizationInvitation", "Get organization invitation", {**_json("the invitation", invitation), **not_found}),
        _op("DELETE", p.MANAGEMENT_ORGANIZATION_INVITATION, "DeleteOrganizationInvitation", "Delete organization invitation", {**NO_CONTENT, **not_found}),
        _op("PUT", p.MANAGEMENT_ORGANIZATION_INVITATION_STATUS, "ReplaceOrganizationInvitationStatus", "Update organization invitation status", {**_json("the invitation", invitation), **not_found, **refused}, update),
        _op("POST", p.MANAGEMENT_ORGANIZATION_INVITATION_MESSAGE, "CreateOrganizationInvitationMessage", "Resend invitation message", {**NO_CONTENT, **not_found, **limited, **no_connector}, payload),
    ]  # fmt: skip
