"""The OpenAPI operations of fake_logto's social routes, written out by hand as Logto's ``*.openapi.json``
beside them describe them: the Experience API's social verification
(``routes/experience/verification-routes/social-verification.ts``), ``/api/connectors/:id/authorization-uri``
(``routes/connector/authorization-uri.ts``) and the user identities (``routes/admin-user/social.ts``)."""

from __future__ import annotations

from typing import Any

from . import paths
from ._openapi_management import GUARD_ANSWERS
from ._openapi_shapes import (
    STRING,
    Operation,
    html_answer,
    inline_json_answer,
    interaction_cookie,
    json_answer,
    json_body,
    logto_error,
    obj,
    param,
    redirect,
)

OBJECT: dict[str, Any] = {"type": "object"}


def _experience(operation_id: str, summary: str, answers: dict[str, Any], body: dict[str, Any]) -> Operation:
    return {
        "tags": ["Experience API"],
        "operationId": operation_id,
        "summary": summary,
        "description": "Logto's ``packages/core/src/routes/experience/verification-routes/social-verification.ts``.",
        "parameters": [
            interaction_cookie(),
            param("connector_id", "path", "the social connector's id", required=True),
        ],
        "requestBody": json_body(body),
        "responses": {
            **answers,
            "400": logto_error(
                "session.not_found, guard.invalid_input, session.insufficient_info, connector.*"
            ),
        },
    }


def _management(
    operation_id: str, summary: str, answers: dict[str, Any], names: tuple[str, ...], body: Any = None
) -> Operation:
    operation: Operation = {
        "tags": ["Management API"],
        "operationId": operation_id,
        "summary": summary,
        "description": "Logto's ``routes/admin-user/social.ts`` / ``routes/connector/authorization-uri.ts``.",
        "security": [{"managementApi": []}],
        "parameters": [param(name, "path", f"the {name.replace('_', ' ')}", required=True) for name in names],
        "responses": {**answers, **GUARD_ANSWERS},
    }
    if body is not None:
        operation["requestBody"] = json_body(body)
    return operation


def operations() -> dict[tuple[str, str], Operation]:
    identities = inline_json_answer("the user's identities", OBJECT)
    return {
        ("POST", paths.EXPERIENCE_SOCIAL_AUTHORIZATION_URI): _experience(
            "experience_social_authorization_uri",
            "Start a social verification: the provider's authorization URI",
            {
                "200": inline_json_answer(
                    "the URI and the verification id",
                    obj({"authorizationUri": STRING, "verificationId": STRING}),
                ),
                "404": logto_error("entity.not_found (no such connector), session.interaction_not_found"),
            },
            obj({"state": STRING, "redirectUri": STRING}, "state", "redirectUri"),
        ),
        ("POST", paths.EXPERIENCE_SOCIAL_VERIFY): _experience(
            "experience_social_verify",
            "Verify the provider's callback data",
            {
                "200": inline_json_answer("the verification id", obj({"verificationId": STRING})),
                "401": logto_error("connector.authorization_failed, connector.social_invalid_access_token"),
                "404": logto_error("session.verification_session_not_found"),
                "422": logto_error("session.invalid_connector_id"),
            },
            obj({"connectorData": OBJECT, "verificationId": STRING}, "connectorData"),
        ),
        ("POST", paths.MANAGEMENT_CONNECTOR_AUTHORIZATION_URI): _management(
            "GetConnectorAuthorizationUri",
            "A social connector's authorization URI",
            {
                "200": inline_json_answer("the URI", obj({"redirectTo": STRING})),
                "400": logto_error(
                    "guard.invalid_input, session.insufficient_info, connector.unexpected_type"
                ),
                "404": logto_error("entity.not_found"),
            },
            ("connector_id",),
            obj({"state": STRING, "redirectUri": STRING}, "state", "redirectUri"),
        ),
        ("PUT", paths.MANAGEMENT_USER_IDENTITY): _management(
            "ReplaceUserIdentity",
            "Set a user's social identity for a target",
            {
                "200": identities,
                "201": identities,
                "404": logto_error("entity.not_found"),
                "422": logto_error("user.identity_already_in_use"),
            },
            ("user_id", "target"),
            obj({"userId": STRING, "details": OBJECT}, "userId"),
        ),
        ("POST", paths.MANAGEMENT_USER_IDENTITIES): _management(
            "CreateUserIdentity",
            "Link a social identity through a social connector's user info",
            {
                "200": identities,
                "404": logto_error("entity.not_found"),
                "422": logto_error("session.invalid_connector_id, user.identity_already_in_use"),
            },
            ("user_id",),
            obj({"connectorId": STRING, "connectorData": OBJECT}, "connectorId", "connectorData"),
        ),
        ("GET", paths.MANAGEMENT_USER_IDENTITY): _management(
            "GetUserIdentity",
            "A user's social identity",
            {
                "200": inline_json_answer("the identity", obj({"identity": OBJECT})),
                "404": logto_error("user.identity_not_exist"),
            },
            ("user_id", "target"),
        ),
    }


def _control(description: str) -> dict[str, Any]:
    return inline_json_answer(description, OBJECT)


_SEE_OTHER = {"description": "back to the redirect_uri with code and state, or the provider's error",
              "headers": {"Location": {"description": "the client's redirect_uri", "schema": STRING}}}  # fmt: skip
_UNKNOWN_TOKEN = {"401": _control("an unknown access token")}
_BAD = {"400": _control("a bad request"), "404": _control("no stand-in for this target (google, github)")}


def _provider(operation_id: str, summary: str, answers: dict[str, Any]) -> Operation:
    return {
        "tags": ["Social provider stand-in"],
        "operationId": operation_id,
        "summary": summary,
        "description": "The local Google / GitHub the social connectors talk to (``_social_provider.py``).",
        "parameters": [param("target", "path", "google or github", required=True)],
        "responses": {**answers, **_BAD},
    }


def provider_operations() -> dict[tuple[str, str], Operation]:
    """The stand-in's provider surface (not Logto's, not the control API)."""
    profile = {"200": _control("the identity in the provider's shape"), **_UNKNOWN_TOKEN}
    return {
        ("GET", paths.SOCIAL_AUTHORIZE): _provider(
            "social_authorize",
            "The authorization endpoint: a preset answers at once, else a page picks the identity",
            {
                "200": {"description": "the page", "content": {"text/html": {"schema": STRING}}},
                "303": _SEE_OTHER,
            },
        ),
        ("POST", paths.SOCIAL_AUTHORIZE): _provider(
            "social_authorize_submit", "The page's Continue / Deny", {"303": _SEE_OTHER}
        ),
        ("POST", paths.SOCIAL_TOKEN): _provider(
            "social_token",
            "The code for an access token (GitHub also answers its errors with a 200)",
            {"200": _control("the token response"), "401": _control("invalid_client")},
        ),
        ("GET", paths.SOCIAL_USERINFO): _provider("social_userinfo", "The identity", profile),
        ("POST", paths.SOCIAL_USERINFO): _provider("social_userinfo_post", "The identity", profile),
        ("GET", paths.SOCIAL_USER_EMAILS): _provider(
            "social_user_emails",
            "GitHub's /user/emails",
            {"200": inline_json_answer("the addresses", {"type": "array"}), **_UNKNOWN_TOKEN},
        ),
    }


# The stand-in's control answers (FastAPI cannot infer them: the handlers return Responses).
CONTROL_ANSWERS: dict[tuple[str, str], dict[str, Any]] = {
    ("PUT", paths.SOCIAL_IDENTITY): {
        "200": _control("the preset"),
        "400": json_answer("invalid_request: not an identity", "ErrorBody"),
        "404": json_answer("not_found: no stand-in for this target", "ErrorBody"),
    },
    ("DELETE", paths.SOCIAL_IDENTITY): {
        "204": {"description": "forgotten"},
        "404": json_answer("not_found: no stand-in for this target", "ErrorBody"),
    },
}


def page_operations() -> dict[tuple[str, str], Operation]:
    """The social pages (``_pages_social.py``): they render; their script drives the Experience API."""

    def page(operation_id: str, summary: str, answers: dict[str, Any], *params: dict[str, Any]) -> Operation:
        return {
            "tags": ["Sign-in UI"],
            "operationId": operation_id,
            "summary": summary,
            "description": "A page of Logto's sign-in UI (``packages/experience/src/App.tsx``).",
            "parameters": [*params, param("app_id", "query", "the application being signed in to")],
            "responses": {"200": html_answer("the page"), **answers},
        }

    connector = param("connector_id", "path", "the social connector's row id", required=True)
    method = param("method", "path", "social (sso: the fallback here)", required=True)
    target = param("target", "path", "the connector's target, e.g. google", required=True)
    fallback = param("fallback", "query", "a key of experience.routes (register), else the sign-in page")
    to_fallback = {"303": redirect("no listed connector of that target: the fallback route")}
    return {
        ("GET", paths.CALLBACK): page(
            "page_social_callback_landing", "The provider's way back: on to /callback/social/…", {}, connector
        ),
        ("GET", paths.SOCIAL_CALLBACK): page(
            "page_social_callback",
            "Verify the identity, then sign in, register or link",
            {"303": redirect("a connector the sign-in experience does not list: the sign-in page")},
            connector,
        ),
        ("GET", paths.DIRECT): page(
            "page_direct", "Direct sign-in without a target", to_fallback, method, fallback
        ),
        ("GET", paths.DIRECT_TARGET): page(
            "page_direct_target", "Direct sign-in: on to the provider", to_fallback, method, target, fallback
        ),
        ("GET", paths.SOCIAL_LINK): page(
            "page_social_link",
            "Link the identity to the related account",
            {},
            connector,
            interaction_cookie(),
        ),
    }
