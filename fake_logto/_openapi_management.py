"""The OpenAPI operations of fake_logto's Management API (``/api/users``), written out by hand as Logto's
``packages/core/src/routes/admin-user/basics.openapi.json`` and ``search.openapi.json`` describe them: a
Bearer token for ``https://default.logto.app/api`` with scope ``all`` (:mod:`._management_auth`), Logto's
``{code, message, data?}`` errors."""

from __future__ import annotations

from typing import Any

from . import paths
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
        "isSuspended": {"type": "boolean"},
        "hasPassword": {"type": "boolean"},
    },
    "id",
    "customData",
    "isSuspended",
)
SCHEMAS: dict[str, dict[str, Any]] = {"ManagementUser": USER_SCHEMA}

GUARD_ANSWERS: dict[str, Any] = {
    "401": logto_error(
        "auth.authorization_header_missing, auth.authorization_token_type_not_supported, auth.unauthorized "
        "(a token not signed by this tenant, for another audience, or expired), auth.jwt_sub_missing"
    ),
    "403": logto_error("auth.forbidden: the token lacks the scope ``all``"),
}
NOT_FOUND = {"404": logto_error("entity.not_exists_with_id: no user with this id")}
BAD_BODY = {"400": logto_error("guard.invalid_input: a body Logto's guard refuses")}
USER_ANSWER = {"200": json_answer("the user", "ManagementUser")}
PROFILE_BODY = {
    "primaryEmail": STRING,
    "username": STRING,
    "name": STRING,
    "customData": OBJECT,
    "profile": OBJECT,
}


def _op(operation_id: str, summary: str, answers: dict[str, Any], body: Any = None) -> Operation:
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


def operations() -> dict[tuple[str, str], Operation]:
    listing = _op(
        "ListUsers",
        "List users, newest first; ``search`` matches id, email, phone, username, name",
        {
            "200": {
                "description": "a page of users; ``Total-Number`` counts all matches",
                "headers": {"Total-Number": {"schema": STRING, "description": "the number of matches"}},
                "content": {"application/json": {"schema": {"type": "array", "items": USER_SCHEMA}}},
            },
            "400": logto_error("guard.invalid_pagination"),
        },
    )
    listing["parameters"] = [
        param("page", "query", "the page, from 1", type="integer"),
        param("page_size", "query", "users a page (20 by default, at most 100)", type="integer"),
        param("search", "query", "a case-insensitive substring"),
    ]
    create = _op(
        "CreateUser",
        "Create a user",
        {
            **USER_ANSWER,
            **BAD_BODY,
            "422": logto_error("user.username_already_in_use, user.email_already_in_use"),
        },
        obj({**PROFILE_BODY, "password": STRING}),
    )
    create["parameters"] = []
    user = paths.MANAGEMENT_USER
    return {
        ("GET", paths.MANAGEMENT_USERS): listing,
        ("POST", paths.MANAGEMENT_USERS): create,
        ("GET", user): _op("GetUser", "Get a user", {**USER_ANSWER, **NOT_FOUND}),
        ("PATCH", user): _op(
            "UpdateUser",
            "Update a user's profile",
            {**USER_ANSWER, **NOT_FOUND, **BAD_BODY, "422": logto_error("an identifier in use")},
            obj({**PROFILE_BODY, "avatar": STRING}),
        ),
        ("DELETE", user): _op(
            "DeleteUser", "Delete a user", {"204": {"description": "deleted"}, **NOT_FOUND}
        ),
        ("PATCH", paths.MANAGEMENT_USER_CUSTOM_DATA): _op(
            "UpdateUserCustomData",
            "Replace a user's custom data",
            {"200": {"description": "the custom data", "content": {"application/json": {"schema": OBJECT}}}}
            | NOT_FOUND
            | BAD_BODY,
            obj({"customData": OBJECT}, "customData"),
        ),
        ("PATCH", paths.MANAGEMENT_USER_PASSWORD): _op(
            "UpdateUserPassword",
            "Set a user's password",
            {**USER_ANSWER, **NOT_FOUND, **BAD_BODY},
            obj({"password": STRING}, "password"),
        ),
        ("POST", paths.MANAGEMENT_USER_PASSWORD_VERIFY): _op(
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
        ("GET", paths.MANAGEMENT_USER_HAS_PASSWORD): _op(
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
        ("PATCH", paths.MANAGEMENT_USER_IS_SUSPENDED): _op(
            "UpdateUserIsSuspended",
            "Suspend or reinstate a user (suspending ends their sessions)",
            {**USER_ANSWER, **NOT_FOUND, **BAD_BODY},
            obj({"isSuspended": {"type": "boolean"}}, "isSuspended"),
        ),
    }
