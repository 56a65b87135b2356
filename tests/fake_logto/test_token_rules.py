"""Issue 13's token rules (points 4, 5, 6, 8, 12), each against Logto's exact status and body:

refresh ``scope`` (Logto's ``grants/refresh-token.ts``), ``openid`` only where node-oidc-provider needs it
(``check_openid_scope.js``), client authentication at revocation and introspection and JWTs refused there
(``revocation.js``, ``introspection.js``, ``reject_structured_tokens.js``), the OIDC error body of Logto's
``koa-oidc-error-handler.ts`` and node-oidc-provider's order and texts (``token.js``, ``client_auth.js``,
``pkce.js``, ``check_pkce.js``), and token contents (``id_token.js``, ``formats/jwt.js``, ``userinfo.js``,
Logto's refresh token TTL and reuse interval).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from logto_support import API, M2M, SPA, WEB, auth_url, pkce, tenant_dict

from fake_logto import Running, parse_config
from fake_logto import Settings as LogtoSettings
from fake_logto import serve_in_thread as serve_logto
from fake_mailgun import Running as MailgunRunning
from harness._experience import ExperienceClient, callback_params

WEB_AUTH = (WEB["id"], WEB["secret"])
M2M_AUTH = (M2M["id"], M2M["secret"])


def _token(logto: Running, data: dict[str, str], auth: tuple[str, str] | None = WEB_AUTH) -> httpx.Response:
    return httpx.post(f"{logto.endpoint}/oidc/token", data=data, auth=auth)


def _header(token: str) -> dict[str, Any]:
    part = token.split(".")[0]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return decoded


def _claims(token: str) -> dict[str, Any]:
    part = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return decoded


def _web_tokens(logto: Running, email: str, read_code: Callable[[str], str], **extra: str) -> dict[str, Any]:
    with ExperienceClient(logto.endpoint) as browser:
        code = callback_params(browser.email_code_flow(auth_url(logto, **extra), email, read_code))["code"]
    response = _token(
        logto, {"grant_type": "authorization_code", "code": code, "redirect_uri": WEB["redirect"]}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _spa_tokens(logto: Running, email: str, read_code: Callable[[str], str]) -> dict[str, Any]:
    verifier, challenge = pkce()
    url = auth_url(
        logto,
        client_id=SPA["id"],
        redirect_uri=SPA["redirect"],
        code_challenge=challenge,
        code_challenge_method="S256",
    )
    with ExperienceClient(logto.endpoint) as browser:
        code = callback_params(browser.email_code_flow(url, email, read_code))["code"]
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": SPA["redirect"],
        "code_verifier": verifier,
        "client_id": SPA["id"],
    }
    response = _token(logto, data, auth=None)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _spa_refresh(logto: Running, refresh_token: str) -> httpx.Response:
    data = {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": SPA["id"]}
    return _token(logto, data, auth=None)


# --- point 4: refresh `scope` ----------------------------------------------------------------------------
def test_refresh_with_a_broader_scope_is_invalid_scope(
    logto: Running, email: str, read_code: Callable[[str], str]
) -> None:
    tokens = _web_tokens(logto, email, read_code)
    data = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], "scope": "openid phone"}
    response = _token(logto, data)
    assert response.status_code == 400
    assert response.json() == {
        "code": "oidc.invalid_scope",
        "message": "Invalid scope: {{error_description}}.",
        "error": "invalid_scope",
        "error_description": "refresh token missing requested scope",
        "scope": "phone",
    }


def test_refresh_with_a_narrower_scope_narrows_both_tokens_and_keeps_the_nonce(
    logto: Running, email: str, read_code: Callable[[str], str]
) -> None:
    tokens = _web_tokens(logto, email, read_code, nonce="n-0S6_WzA2Mj")
    assert _claims(tokens["id_token"])["nonce"] == "n-0S6_WzA2Mj"
    data = {
        "grant_type": "refresh_token",
        "refresh_token": tokens["refresh_token"],
        "scope": "openid profile",
    }
    response = _token(logto, data)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["scope"] == "openid profile"
    id_claims = _claims(body["id_token"])
    assert id_claims["nonce"] == "n-0S6_WzA2Mj"
    assert "email" not in id_claims
    me = httpx.get(f"{logto.endpoint}/oidc/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert "email" not in me.json()
    # Without openid the refresh answers no ID token at all.
    again = _token(logto, {**data, "refresh_token": body["refresh_token"], "scope": "profile"}).json()
    assert "id_token" not in again
    assert again["scope"] == "profile"


# --- point 5: openid only where node-oidc-provider needs it -----------------------------------------------
def test_an_oauth_request_without_openid_signs_in_without_an_id_token(
    logto: Running, email: str, read_code: Callable[[str], str]
) -> None:
    tokens = _web_tokens(logto, email, read_code, scope="offline_access profile")
    assert "id_token" not in tokens
    assert tokens["refresh_token"]
    me = httpx.get(f"{logto.endpoint}/oidc/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert me.status_code == 403
    assert me.json()["error_description"] == "access token missing openid scope"


@pytest.mark.parametrize("param", ["nonce", "max_age", "id_token_hint", "acr_values", "claims_locales"])
def test_an_openid_parameter_without_openid_is_invalid_request(logto: Running, param: str) -> None:
    url = auth_url(logto, scope="profile", state="st", **{param: "1"})
    response = httpx.get(url, follow_redirects=False)
    assert response.status_code == 303
    query = {k: v[0] for k, v in parse_qs(urlsplit(response.headers["location"]).query).items()}
    assert query["error"] == "invalid_request"
    assert query["error_description"] == f"openid scope must be requested when using the {param} parameter"
    assert query["state"] == "st"


# --- point 6: revocation and introspection ---------------------------------------------------------------
def test_an_unauthenticated_revoke_of_a_confidential_client_is_401_and_the_token_survives(
    logto: Running, email: str, read_code: Callable[[str], str]
) -> None:
    tokens = _web_tokens(logto, email, read_code)
    response = httpx.post(
        f"{logto.endpoint}/oidc/token/revocation",
        data={"client_id": WEB["id"], "token": tokens["refresh_token"]},
    )
    assert response.status_code == 401
    assert response.json() == {
        "code": "oidc.invalid_client",
        "message": "An OIDC error occurred: oidc.invalid_client.",
        "error": "invalid_client",
        "error_description": "client authentication failed",
    }
    refreshed = _token(logto, {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 200


@pytest.mark.parametrize(("path", "verb"), [("revocation", "revoked"), ("introspection", "introspected")])
def test_a_jwt_access_token_is_unsupported_token_type(logto: Running, path: str, verb: str) -> None:
    jwt = _token(logto, {"grant_type": "client_credentials", "resource": API}, auth=M2M_AUTH).json()
    response = httpx.post(
        f"{logto.endpoint}/oidc/token/{path}", data={"token": jwt["access_token"]}, auth=M2M_AUTH
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "oidc.unsupported_token_type",
        "message": "An OIDC error occurred: oidc.unsupported_token_type.",
        "error": "unsupported_token_type",
        "error_description": f"Structured JWT Tokens cannot be {verb} via the {path}_endpoint",
    }


def test_revoking_another_clients_token(logto: Running, email: str, read_code: Callable[[str], str]) -> None:
    tokens = _web_tokens(logto, email, read_code)
    # A public client: 200, nothing revoked (no guessing); a confidential one: invalid_request.
    public = httpx.post(
        f"{logto.endpoint}/oidc/token/revocation",
        data={"client_id": SPA["id"], "token": tokens["refresh_token"]},
    )
    assert public.status_code == 200
    confidential = httpx.post(
        f"{logto.endpoint}/oidc/token/revocation", data={"token": tokens["refresh_token"]}, auth=M2M_AUTH
    )
    assert confidential.status_code == 400
    assert (
        confidential.json()["error_description"] == "client is not authorized to revoke the presented token"
    )
    introspected = httpx.post(
        f"{logto.endpoint}/oidc/token/introspection", data={"token": tokens["refresh_token"]}, auth=WEB_AUTH
    ).json()
    assert introspected["active"] is True
    assert "token_type" not in introspected  # node-oidc-provider names no type for a refresh token


# --- point 8: Logto's error body, node-oidc-provider's order and texts ------------------------------------
def test_a_wrong_secret_is_client_authentication_failed_with_a_basic_challenge(logto: Running) -> None:
    response = _token(logto, {"grant_type": "refresh_token", "refresh_token": "x"}, auth=(WEB["id"], "wrong"))
    assert response.status_code == 401
    assert list(response.json()) == ["code", "message", "error", "error_description"]
    assert response.json()["error_description"] == "client authentication failed"
    assert response.headers["www-authenticate"] == (
        f'Basic realm="{logto.endpoint}/oidc", error="invalid_client", '
        'error_description="client authentication failed"'
    )


def test_the_client_is_authenticated_before_the_grant_type_is_checked(logto: Running) -> None:
    response = _token(logto, {"grant_type": "nope"}, auth=(WEB["id"], "not-the-secret"))
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    # An unknown client fails in Logto's adapter first (packages/core/src/oidc/adapter.ts): 400.
    unknown = _token(logto, {"grant_type": "nope"}, auth=("nobody", "x"))
    assert (unknown.status_code, unknown.json()["error_description"]) == (400, "invalid client nobody")
    missing = _token(logto, {"refresh_token": "x"})
    assert missing.status_code == 400
    assert missing.json()["error_description"] == "missing required parameter 'grant_type'"


def test_a_grant_type_the_client_may_not_use_is_invalid_request(logto: Running) -> None:
    response = _token(logto, {"grant_type": "client_credentials", "resource": API})
    assert response.status_code == 400
    assert response.json() == {
        "code": "oidc.invalid_request",
        "message": "Request is invalid.",
        "error": "invalid_request",
        "error_description": "requested grant type is not allowed for this client",
    }


def test_invalid_grant_carries_logtos_error_uri_and_parse_error_false_drops_the_extras(
    logto: Running,
) -> None:
    data = {"grant_type": "refresh_token", "refresh_token": "nope"}
    assert _token(logto, data).json() == {
        "code": "oidc.invalid_grant",
        "message": "Grant request is invalid.",
        "error_uri": "https://openid.sh/debug/invalid_grant",
        "error": "invalid_grant",
        "error_description": "grant request is invalid",
    }
    raw = httpx.post(f"{logto.endpoint}/oidc/token?parse_error=false", data=data, auth=WEB_AUTH)
    assert raw.json() == {"error": "invalid_grant", "error_description": "grant request is invalid"}


def test_pkce_failures_use_node_oidc_providers_texts(
    logto: Running, email: str, read_code: Callable[[str], str]
) -> None:
    lone = httpx.get(auth_url(logto, code_challenge="x" * 43), follow_redirects=False)
    query = parse_qs(urlsplit(lone.headers["location"]).query)
    assert query["error_description"] == ["code_challenge_method must be provided"]
    _verifier, challenge = pkce()
    with ExperienceClient(logto.endpoint) as browser:
        url = auth_url(logto, code_challenge=challenge, code_challenge_method="S256")
        code = callback_params(browser.email_code_flow(url, email, read_code))["code"]
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": WEB["redirect"]}
    short = _token(logto, {**data, "code_verifier": "short"})
    assert short.status_code == 400
    assert (
        short.json()["error_description"]
        == "code_verifier must be a string with a minimum length of 43 characters"
    )
    wrong = _token(logto, {**data, "code_verifier": "v" * 43})
    assert wrong.status_code == 400
    assert wrong.json()["error"] == "invalid_grant"


# --- point 12: token contents ------------------------------------------------------------------------------
def test_id_token_header_has_no_typ_and_an_unscoped_jwt_an_empty_scope_claim(
    logto: Running, email: str, read_code: Callable[[str], str]
) -> None:
    tokens = _web_tokens(logto, email, read_code, resource=API)
    assert set(_header(tokens["id_token"])) == {"alg", "kid"}
    # The API was named but none of its scopes granted: upstream node-oidc-provider leaves `scope` out
    # (lib/models/formats/jwt.js `scope || undefined`), but Logto's fork reverts that line and writes the
    # empty scope (logto-io/node-oidc-provider lib/models/formats/jwt.js `scope: scope`): the claim is "".
    data = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], "resource": API}
    api = _token(logto, data).json()
    assert _header(api["access_token"])["typ"] == "at+jwt"
    assert _claims(api["access_token"])["aud"] == API
    assert _claims(api["access_token"])["scope"] == ""


def test_userinfo_challenges_as_node_oidc_provider(logto: Running) -> None:
    realm = f'Bearer realm="{logto.endpoint}/oidc"'
    none = httpx.get(f"{logto.endpoint}/oidc/me")
    assert none.status_code == 401
    assert none.headers["www-authenticate"] == realm
    assert none.json()["error_description"] == "no access token provided"
    bad = httpx.get(f"{logto.endpoint}/oidc/me", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401
    assert bad.headers["www-authenticate"] == (
        f'{realm}, error="invalid_token", error_description="invalid token provided"'
    )
    query = httpx.get(f"{logto.endpoint}/oidc/me", params={"access_token": "nope"})
    assert query.status_code == 400
    assert query.json()["error_description"] == "access tokens must not be provided via query parameter"


@pytest.fixture
def own_logto(mailgun: MailgunRunning) -> Iterator[Running]:
    """A tenant of its own: these tests move its clock by days."""
    with serve_logto(LogtoSettings(port=0), config=parse_config(tenant_dict(mailgun.url))) as running:
        yield running


def test_spa_refresh_tokens_expire_14_days_after_first_issue(
    own_logto: Running, email: str, read_code: Callable[[str], str]
) -> None:
    tokens = _spa_tokens(own_logto, email, read_code)
    own_logto.tenant.clock.advance(13 * 24 * 3600)
    rotated = _spa_refresh(own_logto, tokens["refresh_token"])
    assert rotated.status_code == 200, rotated.text
    own_logto.tenant.clock.advance(24 * 3600 + 1)  # 14 days after the first issue: absolute, not sliding
    expired = _spa_refresh(own_logto, rotated.json()["refresh_token"])
    assert expired.status_code == 400
    assert expired.json()["error"] == "invalid_grant"


def test_reuse_inside_the_grace_period_issues_a_new_successor(
    own_logto: Running, email: str, read_code: Callable[[str], str]
) -> None:
    tokens = _spa_tokens(own_logto, email, read_code)
    first = _spa_refresh(own_logto, tokens["refresh_token"]).json()
    second = _spa_refresh(own_logto, tokens["refresh_token"])
    assert second.status_code == 200
    assert second.json()["refresh_token"] not in (tokens["refresh_token"], first["refresh_token"])
    # Both successors work: Logto's reuse interval treats the reused token as unconsumed.
    assert _spa_refresh(own_logto, first["refresh_token"]).status_code == 200
    assert _spa_refresh(own_logto, second.json()["refresh_token"]).status_code == 200
