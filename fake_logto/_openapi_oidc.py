"""The OpenAPI operations of fake_logto's OIDC routes (``/oidc``), written out by hand.

These handlers read the raw request as node-oidc-provider does (only ``application/x-www-form-urlencoded``
bodies on its POST endpoints, a repeated parameter refused), so FastAPI has nothing to infer their
documentation from — and must not validate them. Each operation names its parameters, its form body, its
success answer and its errors: ``{error, error_description, code}`` as node-oidc-provider answers them, the
JSON errors and the redirects of the authorization and end-session endpoints (Logto renders every error as
JSON). Any other path or method below ``/oidc`` is answered 404 ``invalid_request`` "unrecognized route
or not allowed method (…)"; CORS is :mod:`._cors`'s.
"""

from __future__ import annotations

from typing import Any

from . import paths
from ._openapi_shapes import (
    STRING,
    Operation,
    form_body,
    html_answer,
    json_answer,
    oauth_error,
    param,
    redirect,
)

# The authorization request's parameters (node-oidc-provider's, plus Logto's extra ones:
# packages/core/src/oidc/init.ts ``extraParams``).
AUTH_PARAMS: dict[str, str] = {
    "client_id": "the application's id",
    "redirect_uri": "one of the application's redirect URIs, exactly",
    "response_type": "only ``code``",
    "scope": "space-separated; must include ``openid``",
    "state": "echoed back to the redirect_uri",
    "prompt": "``login``, ``consent`` or ``none``",
    "code_challenge": "PKCE (S256), required for public clients",
    "code_challenge_method": "only ``S256``",
    "resource": "an API resource indicator (may repeat)",
    "nonce": "echoed in the ID token",
    "organization_id": "an organization of the tenant",
    "interaction_mode": "``signIn`` or ``signUp``",
    "first_screen": "the sign-in UI's first screen",
    "login_hint": "an email to prefill",
    "identifier": "identifiers the first screen offers",
    "direct_sign_in": "a direct sign-in method",
    "one_time_token": "a one-time token to sign in with",
    "ui_locales": "the UI language",
    "response_mode": "``query`` (default), ``fragment`` or ``form_post``",
    "max_age": "seconds since the last sign-in after which the user signs in again (0: now)",
    "id_token_hint": "an ID token of this tenant for the client: another subject signs in again",
    "request_uri": "``urn:ietf:params:oauth:request_uri:…`` from ``POST /oidc/request``: its parameters "
    "replace all others",
}
AUTH_ANSWERS: dict[str, Any] = {
    "200": html_answer("response_mode=form_post: the page that posts the answer to the redirect_uri"),
    "303": redirect(
        "relative, to /sign-in?… or /consent?app_id=… (an interaction starts: signed ``_interaction`` and "
        "``_interaction_resume`` cookies), to the redirect_uri with ``code``, ``state`` and ``iss`` (a live "
        "session with a grant), or with ``error``, ``error_description``, ``state`` and ``iss``"
    ),
    "400": oauth_error(
        "the client or its redirect_uri is missing or not registered (with ``state`` and ``iss``); "
        "form_post: the page that posts the error"
    ),
}
# Logto's koaOidcPostToGet (packages/core/src/middleware/koa-oidc-post-to-get.ts): node-oidc-provider v9
# routes no POST here; only a form body (or JSON a form can express) is forwarded to the GET route.
NOT_FORWARDED = oauth_error("invalid_request ``unrecognized route or not allowed method``: not a form body")
CLIENT_AUTH = {
    "client_id": STRING,
    "client_secret": {"type": "string", "description": "client_secret_post (or HTTP Basic)"},
}
SESSION_END_PARAMS = {
    "id_token_hint": "an ID token this tenant issued (names the client)",
    "client_id": "the application's id",
    "post_logout_redirect_uri": "one of the application's post-sign-out URIs",
    "state": "echoed back to the post_logout_redirect_uri",
}
SESSION_END_ANSWERS: dict[str, Any] = {
    "200": html_answer(
        "the page that confirms the sign-out (submits itself; without a session, "
        "node-oidc-provider's form_post page)"
    ),
    "400": oauth_error("unknown client, a bad id_token_hint, or an unregistered post_logout_redirect_uri"),
}
TOKEN_ERRORS: dict[str, Any] = {
    "400": oauth_error(
        "invalid_request, invalid_grant, invalid_scope, invalid_target, unsupported_grant_type, …"
    ),
    "401": oauth_error("invalid_client: unknown client or bad credentials"),
}
BASIC: list[dict[str, list[str]]] = [{}, {"clientSecretBasic": []}]


def operations() -> dict[tuple[str, str], Operation]:
    """Every OIDC operation by (method, path)."""
    auth = {
        "tags": ["OIDC"],
        "description": "node-oidc-provider's authorization endpoint as Logto runs it "
        "(``lib/actions/authorization/*.js``, errors by ``lib/shared/authorization_error_handler.js``).",
        "responses": AUTH_ANSWERS,
    }
    discovery = {
        "tags": ["OIDC"],
        "description": "Logto's discovery document (``packages/integration-tests/src/tests/api/oidc/discovery.test.ts``).",
        "responses": {"200": json_answer("the discovery document", "Discovery")},
    }
    session_end = {
        "tags": ["OIDC"],
        "description": "RP-initiated logout (node-oidc-provider's ``lib/actions/end_session.js``).",
        "responses": SESSION_END_ANSWERS,
    }
    userinfo = {
        "tags": ["OIDC"],
        "description": "The claims of the granted scopes for an opaque access token "
        "(node-oidc-provider's ``lib/actions/userinfo.js``; claims by ``packages/core/src/oidc/scope.ts``).",
        "security": [{}, {"bearerAccessToken": []}],
        "responses": {
            "200": json_answer("the user's claims", "UserInfo"),
            "400": oauth_error(
                "invalid_request (token sent twice, in the query, or a non-Bearer header); invalid_grant "
                "(the user is gone) — with ``WWW-Authenticate``"
            ),
            "401": oauth_error("invalid_token (with ``WWW-Authenticate``)"),
            "403": oauth_error("insufficient_scope: the token lacks ``openid`` or a requested scope"),
        },
    }
    return {
        ("GET", paths.DISCOVERY): {**discovery, "operationId": "discovery", "summary": "OpenID discovery"},
        ("GET", paths.DISCOVERY_OAUTH): {
            **discovery,
            "operationId": "discovery_oauth",
            "summary": "OAuth 2.0 server metadata (RFC 8414)",
        },
        ("GET", paths.JWKS): {
            "tags": ["OIDC"],
            "operationId": "jwks",
            "summary": "The signing keys (ES384)",
            "responses": {"200": json_answer("the JWK set", "JWKS", "application/jwk-set+json")},
        },
        ("GET", paths.AUTH): {
            **auth,
            "operationId": "authorize",
            "summary": "Authorization request (query)",
            "parameters": [param(k, "query", v) for k, v in AUTH_PARAMS.items()]
            + [param(paths.SESSION_COOKIE, "cookie", "a live SSO session: silent sign-in")],
        },
        ("POST", paths.AUTH): {
            **auth,
            "operationId": "authorize_post",
            "responses": {**AUTH_ANSWERS, "404": NOT_FORWARDED},
            "summary": "Authorization request (form post)",
            "parameters": [param(paths.SESSION_COOKIE, "cookie", "a live SSO session: silent sign-in")],
            "requestBody": form_body(
                {k: {"type": "string", "description": v} for k, v in AUTH_PARAMS.items()}
            ),
        },
        ("GET", paths.AUTH_RESUME): {
            "tags": ["OIDC"],
            "operationId": "authorize_resume",
            "summary": "Resume an authorization after its interaction",
            "description": "After the Experience API's submit or the consent: signs the browser in, hops "
            "through /consent, and sends the code to the redirect_uri (node-oidc-provider's "
            "``lib/actions/authorization/resume.js``).",
            "parameters": [
                param("uid", "path", "the interaction", required=True),
                param(
                    paths.RESUME_COOKIE, "cookie", "the interaction to resume (signed, path /oidc/auth/<uid>)"
                ),
                param(paths.SESSION_COOKIE, "cookie", "the browser's session"),
            ],
            "responses": {
                "200": html_answer("response_mode=form_post: the page that posts the answer"),
                "303": redirect(
                    "relative, to /consent?app_id=… after a sign-in; to the redirect_uri with the code after "
                    "the consent; to /sign-in?… if the interaction is not submitted"
                ),
                "400": oauth_error("session.not_found: no resume cookie, or its interaction is gone"),
            },
        },
        ("POST", paths.TOKEN): {
            "tags": ["OIDC"],
            "operationId": "token",
            "summary": "Token endpoint",
            "description": "node-oidc-provider's ``lib/actions/token.js`` with the grants Logto uses "
            "(``lib/actions/grants/*.js``); only form bodies, as there.",
            "security": BASIC,
            "requestBody": form_body(
                {
                    "grant_type": {
                        "type": "string",
                        "enum": ["authorization_code", "refresh_token", "client_credentials"],
                    },
                    "code": STRING,
                    "redirect_uri": STRING,
                    "code_verifier": STRING,
                    "refresh_token": STRING,
                    "scope": STRING,
                    "resource": STRING,
                    "organization_id": STRING,
                    **CLIENT_AUTH,
                },
                ("grant_type",),
            ),
            "responses": {"200": json_answer("the tokens", "TokenResponse"), **TOKEN_ERRORS},
        },
        ("GET", paths.USERINFO): {**userinfo, "operationId": "userinfo", "summary": "UserInfo (GET)"},
        ("POST", paths.USERINFO): {
            **userinfo,
            "operationId": "userinfo_post",
            "summary": "UserInfo (POST)",
            "requestBody": form_body({"access_token": STRING}),
        },
        ("GET", paths.END_SESSION): {
            **session_end,
            "operationId": "end_session",
            "summary": "Sign out (query)",
            "parameters": [param(k, "query", v) for k, v in SESSION_END_PARAMS.items()]
            + [param(paths.SESSION_COOKIE, "cookie", "the session to end")],
        },
        ("POST", paths.END_SESSION): {
            **session_end,
            "operationId": "end_session_post",
            "responses": {**SESSION_END_ANSWERS, "404": NOT_FORWARDED},
            "summary": "Sign out (form post)",
            "parameters": [param(paths.SESSION_COOKIE, "cookie", "the session to end")],
            "requestBody": form_body(
                {k: {"type": "string", "description": v} for k, v in SESSION_END_PARAMS.items()}
            ),
        },
        ("POST", paths.END_SESSION_CONFIRM): {
            "tags": ["OIDC"],
            "operationId": "end_session_confirm",
            "summary": "Confirm the sign-out",
            "description": "Destroys the session and redirects (node-oidc-provider's ``lib/actions/end_session.js``).",
            "parameters": [param(paths.SESSION_COOKIE, "cookie", "the session to end")],
            "requestBody": form_body(
                {
                    "xsrf": {"type": "string", "description": "from the confirm page"},
                    "logout": {"type": "string", "description": "``yes``: end the whole session"},
                }
            ),
            "responses": {
                "303": redirect("to the post_logout_redirect_uri (+ state) or the success page"),
                "400": oauth_error("invalid_request: unknown or used xsrf token"),
            },
        },
        ("GET", paths.END_SESSION_SUCCESS): {
            "tags": ["OIDC"],
            "operationId": "end_session_success",
            "summary": "Signed out",
            "parameters": [param("client_id", "query", "the application signed out of")],
            "responses": {"200": html_answer("the signed-out page")},
        },
        ("POST", paths.REVOCATION): {
            "tags": ["OIDC"],
            "operationId": "revoke",
            "summary": "Token revocation (RFC 7009)",
            "description": "node-oidc-provider's ``lib/actions/revocation.js``: the client authenticates as at "
            "the token endpoint; then 200 whether or not the token was known.",
            "security": BASIC,
            "requestBody": form_body({"token": STRING, "token_type_hint": STRING, **CLIENT_AUTH}, ("token",)),
            "responses": {
                "200": {"description": "revoked (or unknown): no body"},
                "400": oauth_error("invalid_request; unsupported_token_type (a JWT)"),
                "401": oauth_error("invalid_client: unknown client or bad credentials"),
            },
        },
        ("POST", paths.DEVICE_AUTH): {
            "tags": ["OIDC"],
            "operationId": "device_authorization",
            "summary": "Device authorization (RFC 8628)",
            "description": "Served as Logto answers a client that is not a device-flow app (none here is): "
            "the client authenticated, then 400 ``invalid_request`` (``check_client_grant_type.js``).",
            "security": BASIC,
            "requestBody": form_body({"scope": STRING, "resource": STRING, **CLIENT_AUTH}),
            "responses": {
                "201": json_answer(
                    "a device-flow app's codes (RFC 8628 §3.2): never, no application here is one",
                    "DeviceAuthorization",
                ),
                **TOKEN_ERRORS,
            },
        },
        ("POST", paths.PAR): {
            "tags": ["OIDC"],
            "operationId": "pushed_authorization_request",
            "summary": "Pushed authorization request (RFC 9126)",
            "description": "node-oidc-provider's ``pushed_authorization_request`` (``lib/actions/authorization/"
            "index.js``): the client authenticates as at the token endpoint, the parameters pass the "
            "authorization endpoint's checks; ``request_uri`` then stands for them at ``/oidc/auth`` (60 s, "
            "single use).",
            "security": BASIC,
            "requestBody": form_body(
                {
                    **{k: {"type": "string", "description": v} for k, v in AUTH_PARAMS.items()},
                    "request_uri": {"type": "string", "description": "refused: request_uri_not_supported"},
                    **CLIENT_AUTH,
                }
            ),
            "responses": {
                "201": json_answer("the request_uri and its lifetime", "PushedAuthorizationResponse"),
                "400": oauth_error(
                    "the authorization endpoint's errors, as JSON (an unregistered redirect_uri: "
                    "invalid_request); request_not_supported, request_uri_not_supported"
                ),
                "401": oauth_error("invalid_client: bad credentials"),
            },
        },
        ("POST", paths.INTROSPECTION): {
            "tags": ["OIDC"],
            "operationId": "introspect",
            "summary": "Token introspection (RFC 7662)",
            "description": "node-oidc-provider's ``lib/actions/introspection.js``.",
            "security": BASIC,
            "requestBody": form_body({"token": STRING, "token_type_hint": STRING, **CLIENT_AUTH}, ("token",)),
            "responses": {"200": json_answer("the token's state", "Introspection"), **TOKEN_ERRORS},
        },
    }
