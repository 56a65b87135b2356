"""What an application's and a user's settings change in the tokens: ``customClientMetadata.
alwaysIssueRefreshToken`` (Logto's ``issueRefreshToken`` in ``packages/core/src/oidc/init.ts``) and the
profile claims of the ID token (``getUserClaimsData`` in ``packages/core/src/oidc/scope.ts``)."""

from __future__ import annotations

from typing import Any

import httpx
import jwt
from logto_support import PASSWORD_USER, auth_url, password_sign_in, pkce
from management_support import logto_error

from fake_logto import Running
from harness import callback_params

REDIRECT = "http://localhost:4100/callback"
NATIVE_REDIRECT = "io.logto://callback"


def _app(api: httpx.Client, kind: str, redirect: str, **custom: Any) -> dict[str, Any]:
    body = {
        "name": "Options",
        "type": kind,
        "oidcClientMetadata": {"redirectUris": [redirect], "postLogoutRedirectUris": []},
        "customClientMetadata": custom,
    }
    created = api.post("/applications", json=body)
    assert created.status_code == 200, created.text
    app: dict[str, Any] = created.json()
    return app


def _tokens(
    mgmt: Running, api: httpx.Client, app: dict[str, Any], redirect: str, scope: str
) -> dict[str, Any]:
    """Sign the password user in with ``prompt=login`` (never ``consent``) and redeem the code."""
    verifier, challenge = pkce()  # public clients must use PKCE
    url = auth_url(
        mgmt, client_id=app["id"], redirect_uri=redirect, scope=scope, prompt="login",
        code_challenge=challenge, code_challenge_method="S256",
    )  # fmt: skip
    callback = password_sign_in(mgmt.endpoint, url, PASSWORD_USER["email"], PASSWORD_USER["password"])
    code = callback_params(callback)["code"]
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect,
        "code_verifier": verifier,
    }
    auth = None
    if app["type"] == "Traditional":
        [secret] = api.get(f"/applications/{app['id']}/secrets").json()
        auth = (app["id"], secret["value"])
    else:
        form["client_id"] = app["id"]
    response = httpx.post(f"{mgmt.endpoint}/oidc/token", data=form, auth=auth)
    assert response.status_code == 200, response.text
    tokens: dict[str, Any] = response.json()
    return tokens


def test_always_issue_refresh_token_without_prompt_consent(mgmt: Running, api: httpx.Client) -> None:
    app = _app(api, "Traditional", REDIRECT, alwaysIssueRefreshToken=True)
    tokens = _tokens(mgmt, api, app, REDIRECT, "openid")
    assert "refresh_token" in tokens
    [secret] = api.get(f"/applications/{app['id']}/secrets").json()
    refreshed = httpx.post(
        f"{mgmt.endpoint}/oidc/token",
        data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        auth=(app["id"], secret["value"]),
    )
    assert refreshed.status_code == 200, refreshed.text


def test_no_refresh_token_without_the_option_or_for_a_native_app(mgmt: Running, api: httpx.Client) -> None:
    plain = _app(api, "Traditional", REDIRECT, alwaysIssueRefreshToken=False)
    assert "refresh_token" not in _tokens(mgmt, api, plain, REDIRECT, "openid")
    native = _app(api, "Native", NATIVE_REDIRECT, alwaysIssueRefreshToken=True)
    assert "refresh_token" not in _tokens(mgmt, api, native, NATIVE_REDIRECT, "openid")


def test_the_option_must_be_a_boolean(api: httpx.Client) -> None:
    body = {"name": "x", "type": "SPA", "customClientMetadata": {"alwaysIssueRefreshToken": "yes"}}
    error = logto_error(api.post("/applications", json=body), 400, "guard.invalid_input")
    assert error["data"]["issues"][0]["path"] == ["customClientMetadata", "alwaysIssueRefreshToken"]


def _claims(mgmt: Running, api: httpx.Client) -> dict[str, Any]:
    app = _app(api, "Traditional", REDIRECT)
    id_token = _tokens(mgmt, api, app, REDIRECT, "openid profile address")["id_token"]
    claims: dict[str, Any] = jwt.decode(id_token, options={"verify_signature": False})
    return claims


def _user_id(api: httpx.Client) -> str:
    [user] = api.get("/users", params={"search": PASSWORD_USER["email"]}).json()
    user_id: str = user["id"]
    return user_id


def test_preferred_username_mirrors_the_username_until_the_profile_sets_one(
    mgmt: Running, api: httpx.Client
) -> None:
    claims = _claims(mgmt, api)
    assert claims["preferred_username"] == PASSWORD_USER["username"]
    assert {"nickname", "address"}.isdisjoint(claims)  # unset profile claims are left out
    profile = {"preferredUsername": "the_reader", "nickname": "Rea", "address": {"country": "NZ"}}
    patched = api.patch(f"/users/{_user_id(api)}", json={"profile": profile})
    assert patched.status_code == 200, patched.text
    claims = _claims(mgmt, api)
    assert (claims["preferred_username"], claims["username"]) == ("the_reader", PASSWORD_USER["username"])
    assert (claims["nickname"], claims["address"]) == ("Rea", {"country": "NZ"})
