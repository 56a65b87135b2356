"""The OpenAPI operations of fake_logto's Management API (``/api/users``), written out by hand as Logto's
``packages/core/src/routes/admin-user/basics.openapi.json`` and ``search.openapi.json`` describe them: a
Bearer token for ``https://default.logto.app/api`` with scope ``all`` (:mod:`._management_auth`), Logto's
``{code, message, data?}`` errors; the roles routes as ``routes/role.openapi.json``, ``role.scope.openapi.json``
and ``admin-user/role.openapi.json`` (:mod:`._management_roles`)."""

from __future__ import annotations

from typing import Any

from . import paths
from ._openapi_organizations import operations as organization_operations
from ._openapi_shapes import STRING, Operation, json_answer, json_body, logto_error, obj, param

NULLABLE: dict[str, Any] = {"type": ["string", "null"]}
OBJECT: dict[str, Any] = {"type": "object"}

USER_SCHEMA: dict[str, Any] = obj(
    {
        "id": STRING,
        "username": NULLABLE,
        "primaryEmail": NULLABLE,
        "primaryPhone": NULLABLE,
        "name": NULLABLE,
        "avatar": NULLABLE,
        "customData": OBJECT,
        "identities": OBJECT,
        "lastSignInAt": {"type": ["integer", "null"]},
        "createdAt": {"type": "integer"},
        "updatedAt": {"type": "integer"},
        "profile": OBJECT,
        "applicationId": NULLABLE,
        "cimdClientId": NULLABLE,
        "isSuspended": {"type": "boolean"},
        "hasPassword": {"type": "boolean"},
        "passwordDigest": NULLABLE,  # with includePasswordHash
        "passwordAlgorithm": NULLABLE,
        "ssoIdentities": {"type": "array", "items": OBJECT},  # with includeSsoIdentities
    },
    "id",
    "customData",
    "isSuspended",
)
SCHEMAS: dict[str, dict[str, Any]] = {"ManagementUser": USER_SCHEMA}  # + ManagementRole, below

GUARD_ANSWERS: dict[str, Any] = {
    "401": logto_error(
        "auth.authorization_header_missing, auth.authorization_token_type_not_supported, auth.unauthorized "
        "(a token not signed by this tenant, for another audience, or expired), auth.jwt_sub_missing"
    ),
    "403": logto_error("auth.forbidden: the token lacks the scope ``all``"),
}
NOT_FOUND = {"404": logto_error("entity.not_found: no user with this id")}
BAD_BODY = {"400": logto_error("guard.invalid_input: a body Logto's guard refuses")}
USER_ANSWER = {"200": json_answer("the user", "ManagementUser")}
PROFILE_BODY = {
    "primaryEmail": STRING,
    "username": STRING,
    "name": STRING,
    "customData": OBJECT,
    "profile": OBJECT,
}


def api_op(operation_id: str, summary: str, answers: dict[str, Any], body: Any = None) -> Operation:
    operation: Operation = {
        "tags": ["Management API"],
        "operationId": operation_id,
        "summary": summary,
        "description": "Logto's ``packages/core/src/routes/admin-user/basics.ts``.",
        "security": [{"managementApi": []}],
        "parameters": [param("user_id", "path", "the user's id", required=True)],
        "responses": {**answers, **GUARD_ANSWERS},
    }
    if body is not None:
        operation["requestBody"] = json_body(body)
    return operation


_object_answer = {"description": "the object", "content": {"application/json": {"schema": OBJECT}}}


def _identity_op() -> Operation:
    operation = api_op(
        "DeleteUserIdentity",
        "Remove a user's social identity (``admin-user/social.ts``)",
        {**USER_ANSWER, "404": logto_error("entity.not_exists_with_id, user.identity_not_exist")},
    )
    operation["parameters"].append(param("target", "path", "the social connector target", required=True))
    return operation


def operations() -> dict[tuple[str, str], Operation]:
    listing = api_op(
        "ListUsers",
        "List users, newest first; ``search`` matches id, email, phone, username, name",
        {
            "200": {
                "description": "a page of users; ``Total-Number`` counts all matches",
                "headers": {"Total-Number": {"schema": STRING, "description": "the number of matches"}},
                "content": {"application/json": {"schema": {"type": "array", "items": USER_SCHEMA}}},
            },
            "400": logto_error("guard.invalid_pagination, request.invalid_input (a search Logto refuses)"),
        },
    )
    listing["parameters"] = [
        param("page", "query", "the page, from 1", type="integer"),
        param("page_size", "query", "users a page (20 by default, at most 100)", type="integer"),
        param("search", "query", "a case-insensitive substring"),
        param(
            "includePasswordHash", "query", "``true``: each user's ``passwordDigest``/``passwordAlgorithm``"
        ),
    ]
    create = api_op(
        "CreateUser",
        "Create a user",
        {
            **USER_ANSWER,
            **BAD_BODY,
            "422": logto_error("user.username_already_in_use, user.email_already_in_use"),
        },
        obj({**PROFILE_BODY, "password": STRING, "passwordDigest": STRING, "passwordAlgorithm": STRING}),
    )
    create["parameters"] = []
    get_user = api_op("GetUser", "Get a user", {**USER_ANSWER, **NOT_FOUND})
    get_user["parameters"] += [
        param(
            "includePasswordHash", "query", "``true``: the user's ``passwordDigest``/``passwordAlgorithm``"
        ),
        param("includeSsoIdentities", "query", "``true``: the user's ``ssoIdentities``"),
    ]
    user = paths.MANAGEMENT_USER
    return (
        _role_operations()
        | organization_operations()
        | {
            ("GET", paths.MANAGEMENT_USERS): listing,
            ("POST", paths.MANAGEMENT_USERS): create,
            ("GET", user): get_user,
            ("PATCH", user): api_op(
                "UpdateUser",
                "Update a user's profile",
                {**USER_ANSWER, **NOT_FOUND, **BAD_BODY, "422": logto_error("an identifier in use")},
                obj({**PROFILE_BODY, "avatar": STRING}),
            ),
            ("DELETE", user): api_op(
                "DeleteUser", "Delete a user", {"204": {"description": "deleted"}, **NOT_FOUND}
            ),
            ("PATCH", paths.MANAGEMENT_USER_CUSTOM_DATA): api_op(
                "UpdateUserCustomData",
                "Merge into a user's custom data (top-level keys)",
                {
                    "200": {
                        "description": "the custom data",
                        "content": {"application/json": {"schema": OBJECT}},
                    }
                }
                | NOT_FOUND
                | BAD_BODY,
                obj({"customData": OBJECT}, "customData"),
            ),
            ("GET", paths.MANAGEMENT_USER_CUSTOM_DATA): api_op(
                "ListUserCustomData", "A user's custom data", {"200": _object_answer, **NOT_FOUND}
            ),
            ("PATCH", paths.MANAGEMENT_USER_PROFILE): api_op(
                "UpdateUserProfile",
                "Merge into a user's ``profile`` (OpenID standard claims)",
                {"200": _object_answer, **NOT_FOUND, **BAD_BODY},
                obj({"profile": OBJECT}, "profile"),
            ),
            ("DELETE", paths.MANAGEMENT_USER_IDENTITY): _identity_op(),
            ("PATCH", paths.MANAGEMENT_USER_PASSWORD): api_op(
                "UpdateUserPassword",
                "Set a user's password",
                {**USER_ANSWER, **NOT_FOUND, **BAD_BODY},
                obj({"password": STRING}, "password"),
            ),
            ("POST", paths.MANAGEMENT_USER_PASSWORD_VERIFY): api_op(
                "VerifyUserPassword",
                "Check a user's password",
                {
                    "204": {"description": "the password is right"},
                    **NOT_FOUND,
                    **BAD_BODY,
                    "422": logto_error("session.invalid_credentials"),
                },
                obj({"password": STRING}, "password"),
            ),
            ("GET", paths.MANAGEMENT_USER_HAS_PASSWORD): api_op(
                "GetUserHasPassword",
                "Whether a user has a password",
                {
                    "200": {
                        "description": "``{hasPassword}``",
                        "content": {
                            "application/json": {
                                "schema": obj({"hasPassword": {"type": "boolean"}}, "hasPassword")
                            }
                        },
                    },
                    **NOT_FOUND,
                },
            ),
            ("PATCH", paths.MANAGEMENT_USER_IS_SUSPENDED): api_op(
                "UpdateUserIsSuspended",
                "Suspend or reinstate a user (suspending ends their sessions)",
                {**USER_ANSWER, **NOT_FOUND, **BAD_BODY},
                obj({"isSuspended": {"type": "boolean"}}, "isSuspended"),
            ),
        }
    )


ROLE_SCHEMA: dict[str, Any] = obj(
    {
        "tenantId": STRING,
        "id": STRING,
        "name": STRING,
        "description": STRING,
        "type": {"type": "string", "enum": ["User", "MachineToMachine"]},
        "isDefault": {"type": "boolean"},
    },
    "id",
    "name",
    "type",
)
ROLE_NOT_FOUND = {"404": logto_error("entity.not_exists_with_id: no role (or scope, or user) with this id")}
IDS = {"type": "array", "items": STRING}


def _list(description: str, item: Any) -> dict[str, Any]:
    return {
        "description": description + "; ``Total-Number`` counts them all",
        "headers": {"Total-Number": {"schema": STRING, "description": "the number of items"}},
        "content": {"application/json": {"schema": {"type": "array", "items": item}}},
    }


def _role_op(
    operation_id: str, summary: str, answers: dict[str, Any], body: Any = None, *names: str
) -> Operation:
    operation = api_op(operation_id, summary, answers, body)
    operation["description"] = "Logto's ``packages/core/src/routes/role.ts`` and ``admin-user/role.ts``."
    operation["parameters"] = [param(n, "path", f"the {n[:-3]}'s id", required=True) for n in names]
    return operation


def _role_operations() -> dict[tuple[str, str], Operation]:
    role, scopes, user_roles = (
        paths.MANAGEMENT_ROLE,
        paths.MANAGEMENT_ROLE_SCOPES,
        paths.MANAGEMENT_USER_ROLES,
    )
    page = [
        param("page", "query", "the page, from 1", type="integer"),
        param("page_size", "query", "items a page (20 by default, at most 100)", type="integer"),
    ]
    listing = _role_op(
        "ListRoles",
        "List roles with their users' and applications' counts",
        {"200": _list("a page of roles", OBJECT), "400": logto_error("guard.invalid_pagination")},
    )
    listing["parameters"] = [*page, param("type", "query", "User or MachineToMachine")]
    role_body = obj({"name": STRING, "description": STRING, "type": STRING, "scopeIds": IDS}, "name")
    role_answer = {"200": json_answer("the role", "ManagementRole")}
    gone = {"204": {"description": "removed"}, "404": logto_error("entity.not_found: not assigned")}
    scope_list = _role_op(
        "ListRoleScopes",
        "The role's scopes with their resource (paged when page or page_size is given)",
        {"200": _list("the scopes", OBJECT), **ROLE_NOT_FOUND},
        None,
        "role_id",
    )
    scope_list["parameters"] += page
    user_list = _role_op(
        "ListUserRoles",
        "The user's (user-type) roles",
        {"200": _list("the roles", ROLE_SCHEMA), **ROLE_NOT_FOUND},
        None,
        "user_id",
    )
    user_list["parameters"] += page
    return {
        ("GET", paths.MANAGEMENT_ROLES): listing,
        ("POST", paths.MANAGEMENT_ROLES): _role_op(
            "CreateRole",
            "Create a role, optionally with scopes",
            {
                **role_answer,
                **BAD_BODY,
                **ROLE_NOT_FOUND,
                "422": logto_error("role.name_in_use"),
            },
            role_body,
        ),
        ("GET", role): _role_op("GetRole", "Get a role", {**role_answer, **ROLE_NOT_FOUND}, None, "role_id"),
        ("PATCH", role): _role_op(
            "UpdateRole",
            "Update a role's name, description or isDefault",
            {**role_answer, **ROLE_NOT_FOUND, **BAD_BODY, "422": logto_error("role.name_in_use")},
            obj({"name": STRING, "description": STRING, "isDefault": {"type": "boolean"}}),
            "role_id",
        ),
        ("DELETE", role): _role_op(
            "DeleteRole",
            "Delete a role",
            {"204": {"description": "deleted"}, **ROLE_NOT_FOUND},
            None,
            "role_id",
        ),
        ("GET", scopes): scope_list,
        ("POST", scopes): _role_op(
            "CreateRoleScope",
            "Add scopes to a role",
            {
                "201": {
                    "description": "the role's scopes",
                    "content": {"application/json": {"schema": {"type": "array", "items": OBJECT}}},
                },
                **ROLE_NOT_FOUND,
                **BAD_BODY,
                "422": logto_error("role.scope_exists"),
            },
            obj({"scopeIds": IDS}, "scopeIds"),
            "role_id",
        ),
        ("DELETE", paths.MANAGEMENT_ROLE_SCOPE): _role_op(
            "DeleteRoleScope", "Remove a scope from a role", gone, None, "role_id", "scope_id"
        ),
        ("GET", user_roles): user_list,
        ("POST", user_roles): _role_op(
            "AssignUserRoles",
            "Assign roles to a user",
            {
                "201": {
                    "description": "``{roleIds, addedRoleIds}``",
                    "content": {"application/json": {"schema": obj({"roleIds": IDS, "addedRoleIds": IDS})}},
                },
                **ROLE_NOT_FOUND,
                **BAD_BODY,
                "422": logto_error("user.invalid_role_type"),
            },
            obj({"roleIds": IDS}, "roleIds"),
            "user_id",
        ),
        ("PUT", user_roles): _role_op(
            "ReplaceUserRoles",
            "Replace a user's roles",
            {
                "200": {
                    "description": "``{roleIds}``",
                    "content": {"application/json": {"schema": obj({"roleIds": IDS})}},
                },
                **ROLE_NOT_FOUND,
                **BAD_BODY,
            },
            obj({"roleIds": IDS}, "roleIds"),
            "user_id",
        ),
        ("DELETE", paths.MANAGEMENT_USER_ROLE): _role_op(
            "DeleteUserRole", "Remove a role from a user", gone, None, "user_id", "role_id"
        ),
    }


SCHEMAS["ManagementRole"] = ROLE_SCHEMA

# The ``sign_in_experiences`` row (routes/sign-in-experience/index.openapi.json, SignInExperiences.guard).
