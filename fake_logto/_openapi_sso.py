"""The OpenAPI operations of fake_logto's enterprise SSO, written out by hand as Logto's ``*.openapi.json``
beside them describe them: the Experience API's SSO verification and ``/api/experience/sso-connectors``
(``routes/experience/verification-routes/enterprise-sso-verification.ts``, ``anonymous-routes``), the
Management API's ``/api/sso-connectors`` (``routes/sso-connector/index.ts``), the SSO pages, and the
identity provider stand-in (not Logto's surface) with its control routes."""

from __future__ import annotations

from typing import Any

from . import paths
from ._openapi_experience import PAGE_ANSWERS
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
ARRAY: dict[str, Any] = {"type": "array"}


def _experience(operation_id: str, summary: str, answers: dict[str, Any], body: dict[str, Any]) -> Operation:
    return {
        "tags": ["Experience API"],
        "operationId": operation_id,
        "summary": summary,
        "description": "Logto's ``routes/experience/verification-routes/enterprise-sso-verification.ts``.",
        "parameters": [
            interaction_cookie(),
            param("connector_id", "path", "the SSO connector's id", required=True),
        ],
        "requestBody": json_body(body),
        "responses": {
            **answers,
            "400": logto_error("session.not_found, guard.invalid_input, session.connector_validation_*"),
            "500": logto_error("connector.*: the IdP or the connector's config failed"),
        },
    }


def _management(
    operation_id: str, summary: str, answers: dict[str, Any], *, with_id: bool = True, body: Any = None
) -> Operation:
    operation: Operation = {
        "tags": ["Management API"],
        "operationId": operation_id,
        "summary": summary,
        "description": "Logto's ``routes/sso-connector/index.ts``.",
        "security": [{"managementApi": []}],
        "parameters": [param("id", "path", "the SSO connector's id", required=True)] if with_id else [],
        "responses": {**answers, **GUARD_ANSWERS},
    }
    if body is not None:
        operation["requestBody"] = json_body(body)
    return operation


_FIELDS = {
    "config": OBJECT,
    "domains": {"type": "array", "items": STRING},
    "branding": OBJECT,
    "syncProfile": {"type": "boolean"},
    "enableTokenStorage": {"type": "boolean"},
    "connectorName": STRING,
}


def operations() -> dict[tuple[str, str], Operation]:
    connector = inline_json_answer("the connector", OBJECT)
    refused = {
        "400": logto_error("guard.invalid_input, connector.invalid_config"),
        "409": logto_error("single_sign_on.duplicate_connector_name"),
        "422": logto_error("connector.not_found, single_sign_on.*_domains, request.feature_not_supported"),
    }
    return {
        ("GET", paths.EXPERIENCE_SSO_CONNECTORS): {
            "tags": ["Experience API"],
            "operationId": "experience_sso_connectors",
            "summary": "The SSO connectors of an email's domain",
            "description": "Logto's ``routes/experience/anonymous-routes/index.ts``.",
            "parameters": [param("email", "query", "an email address", required=True)],
            "responses": {
                "200": inline_json_answer(
                    "their ids", obj({"connectorIds": {"type": "array", "items": STRING}})
                ),
                "400": logto_error("guard.invalid_input: not an email"),
            },
        },
        ("POST", paths.EXPERIENCE_SSO_AUTHORIZATION_URI): _experience(
            "experience_sso_authorization_uri",
            "Start an enterprise SSO verification: the IdP's authorization URI",
            {
                "200": inline_json_answer(
                    "the URI and the verification id",
                    obj({"authorizationUri": STRING, "verificationId": STRING}),
                ),
                "404": logto_error(
                    "entity.not_exists_with_id (no such connector), session.interaction_not_found"
                ),
            },
            obj({"state": STRING, "redirectUri": STRING}, "state", "redirectUri"),
        ),
        ("POST", paths.EXPERIENCE_SSO_VERIFY): _experience(
            "experience_sso_verify",
            "Verify the IdP's callback data",
            {
                "200": inline_json_answer("the verification id", obj({"verificationId": STRING})),
                "404": logto_error("session.verification_session_not_found, entity.not_exists_with_id"),
            },
            obj({"connectorData": OBJECT, "verificationId": STRING}, "connectorData", "verificationId"),
        ),
        ("GET", paths.MANAGEMENT_SSO_CONNECTOR_PROVIDERS): _management(
            "ListSsoConnectorProviders",
            "The SSO providers",
            {"200": inline_json_answer("their details", ARRAY)},
            with_id=False,
        ),
        ("POST", paths.MANAGEMENT_SSO_CONNECTORS): _management(
            "CreateSsoConnector",
            "Create an SSO connector",
            {"200": connector, **refused},
            with_id=False,
            body=obj({**_FIELDS, "providerName": STRING}, "providerName", "connectorName"),
        ),
        ("GET", paths.MANAGEMENT_SSO_CONNECTORS): {
            **_management(
                "ListSsoConnectors",
                "The SSO connectors",
                {"200": inline_json_answer("them", ARRAY)},
                with_id=False,
            ),
            "parameters": [
                param("page", "query", "a page number"),
                param("page_size", "query", "a page size"),
            ],
        },
        ("GET", paths.MANAGEMENT_SSO_CONNECTOR): _management(
            "GetSsoConnector",
            "An SSO connector",
            {"200": connector, "404": logto_error("entity.not_exists_with_id")},
        ),
        ("PATCH", paths.MANAGEMENT_SSO_CONNECTOR): _management(
            "UpdateSsoConnector",
            "Update an SSO connector",
            {"200": connector, **refused, "404": logto_error("entity.not_exists_with_id")},
            body=obj(_FIELDS),
        ),
        ("DELETE", paths.MANAGEMENT_SSO_CONNECTOR): _management(
            "DeleteSsoConnector",
            "Delete an SSO connector",
            {"204": {"description": "deleted"}, "404": logto_error("entity.not_exists_with_id")},
        ),
        **_pages(),
    }


def _pages() -> dict[tuple[str, str], Operation]:
    def page(path: str, operation_id: str, summary: str, extra: tuple[dict[str, Any], ...] = ()) -> Operation:
        return {
            "tags": ["Sign-in UI"],
            "operationId": operation_id,
            "summary": summary,
            "description": "A page of Logto's sign-in UI (``packages/experience/src/App.tsx``).",
            "parameters": [
                *extra,
                param("app_id", "query", "the application being signed in to"),
                interaction_cookie(),
            ],
            "responses": PAGE_ANSWERS,
        }

    connector = param("connector_id", "path", "the connector's id", required=True)
    return {
        ("GET", paths.SINGLE_SIGN_ON_EMAIL): page(
            paths.SINGLE_SIGN_ON_EMAIL, "page_sso_email", "Single Sign-On: the email"
        ),
        ("GET", paths.SINGLE_SIGN_ON_CONNECTORS): page(
            paths.SINGLE_SIGN_ON_CONNECTORS, "page_sso_connectors", "Single Sign-On: the connectors"
        ),
        ("GET", paths.DIRECT_SSO): page(
            paths.DIRECT_SSO,
            "page_direct_sso",
            "direct_sign_in=sso:<connectorId>",
            (connector, param("fallback", "query", "the first screen to fall back to")),
        ),
    }


_BAD = {
    "400": inline_json_answer("a bad request", OBJECT),
    "404": inline_json_answer("not a provider name", OBJECT),
}
_SEE_OTHER = redirect("back to the redirect_uri with code and state, or access_denied")


def _provider(operation_id: str, summary: str, answers: dict[str, Any]) -> Operation:
    return {
        "tags": ["Identity provider stand-in"],
        "operationId": operation_id,
        "summary": summary,
        "description": "The local OIDC identity providers the SSO connectors talk to (``_sso_provider.py``).",
        "parameters": [param("idp", "path", "the provider's name", required=True)],
        "responses": {**answers, **_BAD},
    }


def provider_operations() -> dict[tuple[str, str], Operation]:
    document = {"200": inline_json_answer("the document", OBJECT)}
    return {
        ("GET", paths.SSO_IDP_DISCOVERY): _provider("idp_discovery", "The discovery document", document),
        ("GET", paths.SSO_IDP_JWKS): _provider("idp_jwks", "The signing key", document),
        ("GET", paths.SSO_IDP_AUTHORIZE): _provider(
            "idp_authorize",
            "The authorization endpoint: a preset answers at once, else a page picks the identity",
            {"200": html_answer("the page"), "303": _SEE_OTHER},
        ),
        ("POST", paths.SSO_IDP_AUTHORIZE): _provider(
            "idp_authorize_submit", "The page's Continue / Deny", {"303": _SEE_OTHER}
        ),
        ("POST", paths.SSO_IDP_TOKEN): _provider(
            "idp_token",
            "The code for tokens (an ID token among them)",
            {
                "200": inline_json_answer("the token response", OBJECT),
                "401": inline_json_answer("invalid_client", OBJECT),
            },
        ),
        ("GET", paths.SSO_IDP_USERINFO): _provider(
            "idp_userinfo",
            "The identity's claims",
            {
                "200": inline_json_answer("the claims", OBJECT),
                "401": inline_json_answer("invalid_token", OBJECT),
            },
        ),
    }


# The stand-in's control answers (FastAPI cannot infer them: the handlers return Responses).
CONTROL_ANSWERS: dict[tuple[str, str], dict[str, Any]] = {
    ("PUT", paths.SSO_IDP_IDENTITY): {
        "200": inline_json_answer("the preset", OBJECT),
        "400": json_answer("invalid_request: not an identity", "ErrorBody"),
        "404": json_answer("not_found: not a provider name", "ErrorBody"),
    },
    ("DELETE", paths.SSO_IDP_IDENTITY): {
        "204": {"description": "forgotten"},
        "404": json_answer("not_found: not a provider name", "ErrorBody"),
    },
}
