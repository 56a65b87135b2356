"""fake_logto's OpenAPI document (``/openapi.json``): every route it serves, with its success and error
bodies as schemas.

The control API (``/__harness/``) is FastAPI's own document of its handlers, with its errors stated as
they are answered — :class:`fakekit.ErrorBody` with 400 for bad input, never FastAPI's 422. The
Logto-compatible routes read their requests themselves (form bodies, Logto's body guard), so their
operations are written out by hand (:mod:`._openapi_oidc`, :mod:`._openapi_experience`) and added here;
documenting them changes nothing about how they are answered.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from fakekit import ErrorBody

from . import (
    _openapi_connectors,
    _openapi_experience,
    _openapi_hooks,
    _openapi_management,
    _openapi_mfa,
    _openapi_oidc,
    _openapi_one_time_tokens,
    _openapi_resources,
    _openapi_sign_in_exp,
    _openapi_social,
    _openapi_sso,
    _openapi_webauthn,
    paths,
)
from ._openapi_shapes import STRING, Operation, html_answer, json_answer, obj
from ._routing import LogtoRoute
from ._sign_in_exp import KEYS as SIGN_IN_EXP_KEYS

NULLABLE_STRING: dict[str, Any] = {"type": ["string", "null"]}
DISCOVERY_URLS = (
    "issuer",
    "authorization_endpoint",
    "token_endpoint",
    "jwks_uri",
    "userinfo_endpoint",
    "end_session_endpoint",
    "revocation_endpoint",
    "introspection_endpoint",
)

# Component schemas of the Logto-compatible bodies (the shapes Logto and node-oidc-provider answer).
SCHEMAS: dict[str, dict[str, Any]] = {
    "OAuthError": obj(
        {
            "code": {"type": "string", "description": "Logto's ``oidc.<error>`` (or ``session.not_found``)"},
            "message": {"type": "string", "description": "Logto's English phrase for the code"},
            "error_uri": {"type": "string", "description": "for ``invalid_grant`` only"},
            "error": {"type": "string", "description": "RFC 6749 §5.2 error code"},
            "error_description": {
                "type": "string",
                "description": "absent for a few (request_uri_not_supported)",
            },
            "scope": {
                "type": "string",
                "description": "the scope missing (invalid_scope, insufficient_scope)",
            },
        },
        "error",
    ),
    "LogtoError": obj(
        {
            "code": {"type": "string", "description": "e.g. ``session.interaction_not_found``"},
            "message": STRING,
            "data": {"description": "details of some errors (e.g. ``guard.invalid_input``'s issues)"},
            "details": {"type": "string", "description": "a guard failure, readable"},
        },
        "code",
        "message",
    ),
    "Discovery": obj(
        {key: STRING for key in DISCOVERY_URLS} | {"scopes_supported": {"type": "array", "items": STRING}},
        *DISCOVERY_URLS[:5],
    ),
    "JWKS": obj(
        {"keys": {"type": "array", "items": obj({"kty": STRING, "kid": STRING, "alg": STRING}, "kty")}},
        "keys",
    ),
    "SignInExperience": obj(
        {key: {} for key in SIGN_IN_EXP_KEYS}
        | {
            "signUp": obj({"identifiers": {"type": "array", "items": STRING}}, "identifiers"),
            "signIn": obj({"methods": {"type": "array", "items": {"type": "object"}}}, "methods"),
            "signInMode": {"type": "string", "enum": ["SignInAndRegister", "SignIn", "Register"]},
            "forgotPassword": obj(
                {"email": {"type": "boolean"}, "phone": {"type": "boolean"}}, "email", "phone"
            ),
        },
        *SIGN_IN_EXP_KEYS,
    ),
    "TokenResponse": obj(
        {
            "access_token": STRING,
            "expires_in": {"type": "integer"},
            "id_token": STRING,
            "refresh_token": STRING,
            "scope": STRING,
            "token_type": {"type": "string", "enum": ["Bearer"]},
        },
        "access_token",
        "expires_in",
        "scope",
        "token_type",
    ),
    "Introspection": obj(
        {
            "active": {"type": "boolean"},
            "client_id": STRING,
            "exp": {"type": "integer"},
            "iat": {"type": "integer"},
            "iss": STRING,
            "scope": STRING,
            "sub": STRING,
            "aud": STRING,
            "token_type": STRING,
        },
        "active",
    ),
    "UserInfo": obj({"sub": STRING}, "sub"),
    "DeviceAuthorization": obj(
        {
            "device_code": STRING,
            "user_code": STRING,
            "verification_uri": STRING,
            "verification_uri_complete": STRING,
            "expires_in": {"type": "integer"},
        },
        "device_code",
        "user_code",
        "verification_uri",
        "expires_in",
    ),
    "PushedAuthorizationResponse": obj(
        {"request_uri": STRING, "expires_in": {"type": "integer"}}, "request_uri", "expires_in"
    ),
    "VerificationId": obj({"verificationId": STRING}, "verificationId"),
    "RedirectTo": obj({"redirectTo": STRING}, "redirectTo"),
    "Interaction": obj(
        {
            "interactionEvent": {
                "type": ["string", "null"],
                "enum": ["SignIn", "Register", "ForgotPassword", None],
            },
            "userId": STRING,
            "profile": {"type": "object"},
            "mfa": {"type": "object"},
            "verificationRecords": {"type": "array", "items": {"type": "object"}},
        },
        "interactionEvent",
        "profile",
        "verificationRecords",
    ),
    "User": obj(
        {
            "id": STRING,
            "username": NULLABLE_STRING,
            "primaryEmail": NULLABLE_STRING,
            "primaryPhone": NULLABLE_STRING,
        },
        "id",
    ),
}
SECURITY_SCHEMES = {
    "clientSecretBasic": {"type": "http", "scheme": "basic", "description": "client_id:client_secret"},
    "bearerAccessToken": {"type": "http", "scheme": "bearer", "description": "an opaque access token"},
    "managementApi": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "a client_credentials token for https://default.logto.app/api with scope all",
    },
}
CONTROL_ERROR = "ErrorBody"


def control_error(description: str) -> dict[str, Any]:
    return json_answer(description, CONTROL_ERROR)


# Control operations whose answers FastAPI cannot infer (the handler returns a Response itself).
CONTROL_ANSWERS: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", paths.CLOCK): {"200": json_answer("the clock, as GET answers it", "ClockState")},
    ("POST", paths.USERS): {
        "201": json_answer("the user, as GET lists it", "User"),
        "409": control_error("its email, username or phone is taken"),
    },
    ("DELETE", paths.USER): {
        "204": {"description": "deleted"},
        "404": control_error("no such user"),
    },
    ("GET", paths.DEBUG): {"200": html_answer("the debug view")},
    ("GET", paths.USER_MFA): {
        "200": json_answer("the user's factors and the tenant clock", "UserMfa"),
        "404": control_error("no such user"),
    },
    ("POST", paths.FAULTS): {  # _faults_control.py
        "201": json_answer("the rule, as GET lists it", "Fault"),
        "400": control_error(
            "invalid_fault: a rule the fake could not answer as Logto would; invalid_request"
        ),
    },
    ("POST", paths.ATTACK_TOKENS): {
        "200": json_answer("the token and the check a correct API rejects it on", "AttackToken"),
        "404": control_error("no such API resource"),
    },
    **_openapi_social.CONTROL_ANSWERS,
    **_openapi_sso.CONTROL_ANSWERS,
}


def _control(document: dict[str, Any]) -> None:
    """FastAPI's operations, answering as the control API does: bad input is a 400 control error."""
    for path, item in document["paths"].items():
        for method, operation in item.items():
            responses: dict[str, Any] = operation["responses"]
            had_input = responses.pop("422", None) is not None
            answers = CONTROL_ANSWERS.get((method.upper(), path))
            if answers is not None:
                responses.clear()
                responses.update(answers)
            if had_input:
                responses["400"] = control_error("invalid_request: a bad body or query parameter")


def build(title: str, version: str, description: str, routes: Iterable[Any]) -> dict[str, Any]:
    routes = list(routes)
    document = get_openapi(title=title, version=version, description=description, routes=routes)
    _control(document)
    logto: dict[tuple[str, str], Operation] = {
        **_openapi_oidc.operations(),
        **_openapi_experience.operations(),
        **_openapi_management.operations(),
        **_openapi_resources.operations(),
        **_openapi_hooks.operations(),
        **_openapi_connectors.operations(),
        **_openapi_one_time_tokens.operations(),
        **_openapi_sign_in_exp.operations(),
        **_openapi_mfa.operations(),
        **_openapi_webauthn.operations(),
        **_openapi_social.operations(),
        **_openapi_social.provider_operations(),
        **_openapi_social.page_operations(),
        **_openapi_sso.operations(),
        **_openapi_sso.provider_operations(),
    }
    paths_: dict[str, dict[str, Any]] = {}
    for route in routes:
        if isinstance(route, (APIRoute, LogtoRoute)) and not route.include_in_schema:
            for method in sorted(route.methods or ()):
                paths_.setdefault(route.path, {})[method.lower()] = logto[(method, route.path)]
    document["paths"] = paths_ | document["paths"]
    components = document.setdefault("components", {})
    components.setdefault("schemas", {}).update(
        SCHEMAS
        | _openapi_management.SCHEMAS
        | _openapi_hooks.SCHEMAS
        | _openapi_connectors.SCHEMAS
        | _openapi_one_time_tokens.SCHEMAS
    )
    components["schemas"][CONTROL_ERROR] = ErrorBody.model_json_schema()
    components["schemas"].pop("HTTPValidationError", None)
    components["schemas"].pop("ValidationError", None)
    components["securitySchemes"] = SECURITY_SCHEMES
    return document


def install(app: FastAPI, logto: Sequence[BaseRoute]) -> None:
    """Serve :func:`build`'s document of the ``logto`` routes (served in front of ``app``, the control
    app) and ``app``'s as ``app``'s ``/openapi.json`` (built once, on first request)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build(app.title, app.version, app.description, [*logto, *app.routes])
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
