"""The OpenAPI operations of fake_logto's one-time tokens, written out by hand as Logto's
``packages/core/src/routes/one-time-tokens.openapi.json`` and
``routes/experience/verification-routes/one-time-token.openapi.json`` describe them: the Management API's
``/api/one-time-tokens`` (:mod:`._management_one_time_tokens`) and the Experience API's one-time-token
verification (:mod:`._verification_one_time_token`); also ``PATCH /api/users/:userId/password/expiration``
(:mod:`._management_password_expiration`, ``routes/admin-user/basics.ts``)."""

from __future__ import annotations

from typing import Any

from . import _guards, paths
from ._one_time_tokens import STATUSES
from ._openapi_management import BAD_BODY, GUARD_ANSWERS
from ._openapi_shapes import (
    EVENT,
    STRING,
    Operation,
    identifier,
    interaction_cookie,
    json_answer,
    json_body,
    logto_error,
    obj,
    param,
)

NUMBER: dict[str, Any] = {"type": "number"}
STATUS: dict[str, Any] = {"type": "string", "enum": list(STATUSES)}
CONTEXT: dict[str, Any] = obj(
    {"jitOrganizationIds": {"type": "array", "items": STRING}, "interactionEvent": EVENT}
)
FIELDS: dict[str, Any] = {
    "tenantId": STRING,
    "id": STRING,
    "email": STRING,
    "token": STRING,
    "context": CONTEXT,
    "status": STATUS,
    "createdAt": NUMBER,
    "expiresAt": NUMBER,
}
SCHEMAS: dict[str, dict[str, Any]] = {"OneTimeToken": obj(FIELDS, *FIELDS)}
ANSWER = {"200": json_answer("the one-time token", "OneTimeToken")}
NOT_FOUND = {"404": logto_error("entity.not_exists_with_id: no one-time token with this id")}
REFUSED = logto_error(
    "guard.invalid_input; one_time_token.email_mismatch, token_expired, token_consumed, token_revoked"
)
ID = param("id", "path", "the one-time token's id", required=True)


def _op(operation_id: str, summary: str, answers: dict[str, Any], body: Any = None) -> Operation:
    operation: Operation = {
        "tags": ["Management API"],
        "operationId": operation_id,
        "summary": summary,
        "description": "Logto's ``packages/core/src/routes/one-time-tokens.ts``.",
        "security": [{"managementApi": []}],
        "parameters": [],
        "responses": {**answers, **GUARD_ANSWERS},
    }
    if body is not None:
        operation["requestBody"] = json_body(body)
    return operation


def _with_id(operation: Operation) -> Operation:
    operation["parameters"] = [ID]
    return operation


def operations() -> dict[tuple[str, str], Operation]:
    listing = _op(
        "ListOneTimeTokens",
        "List one-time tokens, newest first (paged when page or page_size is given)",
        {
            "200": {
                "description": "the tokens; Total-Number (when paged) counts every token",
                "content": {
                    "application/json": {
                        "schema": {"type": "array", "items": {"$ref": "#/components/schemas/OneTimeToken"}}
                    }
                },
            },
            "400": logto_error("guard.invalid_input (query), guard.invalid_pagination"),
        },
    )
    listing["parameters"] = [
        param("email", "query", "only this email"),
        param("status", "query", "only this status", type="string", enum=list(STATUSES)),
        param("page", "query", "the page, from 1", type="integer"),
        param("page_size", "query", "items a page (20 by default, at most 100)", type="integer"),
    ]
    create_body = obj({"email": STRING, "context": CONTEXT, "expiresIn": NUMBER}, "email")
    verify_body = obj({"token": STRING, "email": STRING}, "token", "email")
    experience_body = obj(
        {"identifier": identifier({"email": _guards.EMAIL_RE}), "token": STRING}, "identifier", "token"
    )
    return {
        ("GET", paths.MANAGEMENT_ONE_TIME_TOKENS): listing,
        ("POST", paths.MANAGEMENT_ONE_TIME_TOKENS): _op(
            "AddOneTimeToken",
            "Create an active one-time token (expiresIn seconds, 600 by default)",
            {"201": json_answer("the token", "OneTimeToken"), **BAD_BODY},
            create_body,
        ),
        ("POST", paths.MANAGEMENT_ONE_TIME_TOKENS_VERIFY): _op(
            "VerifyOneTimeToken",
            "Check a token for an email and consume it",
            {
                **ANSWER,
                "400": REFUSED,
                "404": logto_error("one_time_token.token_not_found"),
            },
            verify_body,
        ),
        ("GET", paths.MANAGEMENT_ONE_TIME_TOKEN): _with_id(
            _op("GetOneTimeToken", "Get a one-time token", {**ANSWER, **NOT_FOUND})
        ),
        ("PUT", paths.MANAGEMENT_ONE_TIME_TOKEN_STATUS): _with_id(
            _op(
                "ReplaceOneTimeTokenStatus",
                "Set a token's status (never back to active)",
                {
                    **ANSWER,
                    "400": logto_error("guard.invalid_input, one_time_token.cannot_reactivate_token"),
                    **NOT_FOUND,
                },
                obj({"status": STATUS}, "status"),
            )
        ),
        ("DELETE", paths.MANAGEMENT_ONE_TIME_TOKEN): _with_id(
            _op(
                "DeleteOneTimeToken",
                "Delete a one-time token",
                {"204": {"description": "deleted"}, "404": logto_error("entity.not_found")},
            )
        ),
        ("PATCH", paths.MANAGEMENT_USER_PASSWORD_EXPIRATION): {
            **_op(
                "UpdateUserPasswordExpiration",
                "Expire (or un-expire) a user's password",
                {
                    "200": json_answer("the user", "ManagementUser"),
                    "400": logto_error(
                        "guard.invalid_input, sign_in_experiences.password_expiration_not_enabled"
                    ),
                    "404": logto_error("entity.not_found: no user with this id"),
                },
                obj({"isExpired": {"type": "boolean"}}, "isExpired"),
            ),
            "description": "Logto's ``packages/core/src/routes/admin-user/basics.ts``.",
            "parameters": [param("user_id", "path", "the user's id", required=True)],
        },
        ("POST", paths.EXPERIENCE_ONE_TIME_TOKEN_VERIFY): {
            "tags": ["Experience API"],
            "operationId": "experience_verify_one_time_token",
            "summary": "Verify a one-time token for an email (consumes it)",
            "description": "Logto's ``packages/core/src/routes/experience/verification-routes/one-time-token.ts``.",
            "parameters": [interaction_cookie()],
            "requestBody": json_body(experience_body),
            "responses": {
                "200": json_answer("the verification record's id", "VerificationId"),
                "400": logto_error(
                    "session.not_found, guard.invalid_input, one_time_token.email_mismatch, token_expired, "
                    "token_consumed, token_revoked, interaction_event_mismatch, "
                    "session.verification_blocked_too_many_attempts"
                ),
                "404": logto_error("session.interaction_not_found, one_time_token.token_not_found"),
            },
        },
    }
