"""CORS as a single-page app meets it: the SPA's origin allowed by its redirect URIs or by
``customClientMetadata.corsAllowedOrigins`` (Logto's ``isOriginAllowed``, ``packages/core/src/oidc/utils.ts``),
on the token endpoint and on userinfo (node-oidc-provider's ``lib/shared/access_token.js`` loads the
token's client); any other origin refused with 400 ``invalid_request`` and no CORS header; the preflights
(``lib/shared/cors.js``, ``lib/helpers/initialize_app.js``). The first cases are in test_endpoint_rules.py.
"""

from __future__ import annotations

import httpx
from logto_support import PASSWORD_USER, SPA, auth_url, password_sign_in, pkce

from fake_logto import Running, paths
from harness._experience import callback_params

SPA_ORIGIN = "http://localhost:5173"
OTHER = "https://shop.example.test"


def _refused(response: httpx.Response, origin: str) -> None:
    assert response.status_code == 400
    assert response.json() == {
        "code": "oidc.invalid_request",
        "message": "Request is invalid.",
        "error": "invalid_request",
        "error_description": f"origin {origin} not allowed for client: {SPA['id']}",
    }
    assert "access-control-allow-origin" not in response.headers


def _spa_tokens(logto: Running, origin: str = SPA_ORIGIN) -> httpx.Response:
    """A password sign-in as the SPA, its code exchanged (PKCE, no secret) from ``origin``."""
    verifier, challenge = pkce()
    url = auth_url(
        logto,
        client_id=SPA["id"],
        redirect_uri=SPA["redirect"],
        code_challenge=challenge,
        code_challenge_method="S256",
    )
    callback = password_sign_in(logto.endpoint, url, PASSWORD_USER["email"], PASSWORD_USER["password"])
    form = {
        "grant_type": "authorization_code",
        "code": callback_params(callback)["code"],
        "redirect_uri": SPA["redirect"],
        "client_id": SPA["id"],
        "code_verifier": verifier,
    }
    return httpx.post(f"{logto.endpoint}{paths.TOKEN}", data=form, headers={"Origin": origin})


def test_userinfo_allows_the_tokens_client_origin_and_refuses_others(logto: Running) -> None:
    tokens = _spa_tokens(logto)
    assert tokens.status_code == 200, tokens.text
    assert tokens.headers["access-control-allow-origin"] == SPA_ORIGIN
    bearer = {"Authorization": f"Bearer {tokens.json()['access_token']}"}
    me = httpx.get(f"{logto.endpoint}{paths.USERINFO}", headers={**bearer, "Origin": SPA_ORIGIN})
    assert me.status_code == 200, me.text
    assert me.headers["access-control-allow-origin"] == SPA_ORIGIN
    assert me.headers["access-control-expose-headers"] == "WWW-Authenticate"
    assert "Origin" in me.headers["vary"]
    foreign = httpx.get(f"{logto.endpoint}{paths.USERINFO}", headers={**bearer, "Origin": OTHER})
    _refused(foreign, OTHER)
    # The tenant's own origin is always allowed (clientBasedCORS's ``ctx.URL.origin === origin``).
    tenant_origin = logto.endpoint.rstrip("/")
    own = httpx.get(f"{logto.endpoint}{paths.USERINFO}", headers={**bearer, "Origin": tenant_origin})
    assert (own.status_code, own.headers["access-control-allow-origin"]) == (200, tenant_origin)


def test_a_bad_token_is_answered_before_the_origin_is_checked(logto: Running) -> None:
    """The client is loaded only from a valid token: an unknown one is ``invalid_token``, with CORS."""
    response = httpx.get(
        f"{logto.endpoint}{paths.USERINFO}", headers={"Authorization": "Bearer nope", "Origin": OTHER}
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"
    assert response.headers["access-control-allow-origin"] == OTHER


def test_the_token_endpoint_refuses_a_foreign_origin_even_with_a_good_code(logto: Running) -> None:
    _refused(_spa_tokens(logto, OTHER), OTHER)


def test_cors_allowed_origins_adds_an_origin(mgmt: Running, api: httpx.Client) -> None:
    form = {"grant_type": "refresh_token", "refresh_token": "nope", "client_id": SPA["id"]}
    token_url = f"{mgmt.endpoint}{paths.TOKEN}"
    _refused(httpx.post(token_url, data=form, headers={"Origin": OTHER}), OTHER)
    patched = api.patch(
        f"/applications/{SPA['id']}", json={"customClientMetadata": {"corsAllowedOrigins": [OTHER]}}
    )
    assert patched.status_code == 200, patched.text
    allowed = httpx.post(token_url, data=form, headers={"Origin": OTHER})
    assert allowed.json()["error"] == "invalid_grant"  # past the origin: the refresh token is unknown
    assert allowed.headers["access-control-allow-origin"] == OTHER
    still = "https://other.example.test"
    _refused(httpx.post(token_url, data=form, headers={"Origin": still}), still)


def test_cors_allowed_origins_is_a_list_of_non_empty_strings(api: httpx.Client) -> None:
    """customClientMetadataGuard: ``z.string().min(1).array().optional()``."""
    for bad, issue in (([""], "too_small"), ("http://x.test", "invalid_type")):
        response = api.patch(
            f"/applications/{SPA['id']}", json={"customClientMetadata": {"corsAllowedOrigins": bad}}
        )
        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "guard.invalid_input"
        (found,) = body["data"]["issues"]
        assert found["code"] == issue
        assert found["path"][:2] == ["customClientMetadata", "corsAllowedOrigins"]


def test_preflights_of_the_spa_endpoints(logto: Running) -> None:
    """Preflights pass for any origin (the client is not known yet); navigations have none (404)."""
    asks = {
        "Origin": OTHER,
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization",
    }
    for path, methods in ((paths.USERINFO, "GET,POST"), (paths.JWKS, "GET"), (paths.DISCOVERY, "GET")):
        response = httpx.options(f"{logto.endpoint}{path}", headers=asks)
        assert response.status_code == 204, path
        assert response.headers["access-control-allow-origin"] == OTHER
        assert response.headers["access-control-allow-methods"] == methods
        assert response.headers["access-control-allow-headers"] == "authorization"
        assert response.headers["access-control-max-age"] == "3600"
        assert response.content == b""
    jwks = httpx.get(f"{logto.endpoint}{paths.JWKS}", headers={"Origin": OTHER})
    assert jwks.headers["access-control-allow-origin"] == OTHER
    assert "access-control-expose-headers" not in jwks.headers
    end = httpx.options(f"{logto.endpoint}{paths.END_SESSION}", headers=asks)
    assert end.status_code == 404
    assert end.json() == {
        "code": "oidc.invalid_request",
        "message": "Request is invalid.",
        "error": "invalid_request",
        "error_description": "unrecognized route or not allowed method (OPTIONS on /session/end)",
    }
    assert "access-control-allow-origin" not in end.headers
