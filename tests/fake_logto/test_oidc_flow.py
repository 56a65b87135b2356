"""The browser flow of reference/logto.md, over HTTP only (httpx + a cookie jar, no browser), against
fake_logto and fake_mailgun on real sockets: register by email code, sign in again with a new code,
refresh, userinfo, revoke, end session."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet
from logto_support import API, WEB, auth_url, pkce

from fake_logto import Running
from fake_mailgun import Running as MailgunRunning
from harness._experience import ExperienceClient, ExperienceError, callback_params


def _exchange(logto: Running, code: str, **extra: str) -> dict[str, object]:
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": WEB["redirect"], **extra}
    response = httpx.post(f"{logto.endpoint}/oidc/token", data=data, auth=(WEB["id"], WEB["secret"]))
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def _verify(logto: Running, token: str) -> dict[str, object]:
    jwks = httpx.get(f"{logto.endpoint}/oidc/jwks").json()
    decoded = jwt.decode(token, KeySet.import_key_set(jwks), algorithms=["ES384"])
    assert decoded.header["alg"] == "ES384"
    assert decoded.header["kid"] == jwks["keys"][0]["kid"]
    return dict(decoded.claims)


def test_register_sign_in_again_refresh_userinfo_revoke_sign_out(
    logto: Running, email: str, read_code: Callable[[str], str]
) -> None:
    # 1. GET /oidc/auth → 303 to the relative /sign-in?app_id=… with the (signed) interaction cookies.
    with ExperienceClient(logto.endpoint) as browser:
        url = auth_url(logto, state="s-register")
        response = browser.start(url)
        assert response.headers["location"] == f"/sign-in?app_id={WEB['id']}"
        assert {"_interaction", "_interaction.sig", "_interaction_resume", "_interaction_resume.sig"} <= set(
            browser.http.cookies
        )

        # 2. The sign-in UI drives the Experience API: register by email code.
        browser.set_event("Register")
        verification = browser.send_code(email, "Register")
        browser.verify_code(email, verification, read_code(email))
        assert browser.identify(verification) == 201
        redirect_to = browser.submit()
        assert redirect_to is not None
        assert redirect_to.startswith(f"{logto.endpoint}/oidc/auth/")

        # 3. → 303 redirect_uri?code&state&iss, and an SSO session cookie.
        callback = callback_params(browser.finish(redirect_to))
        assert callback["state"] == "s-register"
        assert callback["iss"] == f"{logto.endpoint}/oidc"
        assert "_session" in browser.http.cookies

    tokens = _exchange(logto, callback["code"])
    assert tokens["token_type"] == "Bearer"
    assert isinstance(tokens["expires_in"], int)
    assert tokens["expires_in"] > 60
    assert set(str(tokens["scope"]).split()) == {"openid", "offline_access", "profile", "email"}
    claims = _verify(logto, str(tokens["id_token"]))
    assert claims["aud"] == WEB["id"]
    assert claims["iss"] == f"{logto.endpoint}/oidc"
    assert claims["email"] == email
    assert claims["email_verified"] is True
    assert claims["name"] is None
    assert claims["username"] is None
    assert isinstance(claims["created_at"], int)
    assert claims["created_at"] > 10**12  # milliseconds
    user_id = claims["sub"]

    # Sign in again, in a fresh browser, with a new code.
    with ExperienceClient(logto.endpoint) as browser:
        callback = callback_params(browser.email_code_flow(auth_url(logto), email, read_code, event="SignIn"))
    again = _exchange(logto, callback["code"])
    assert _verify(logto, str(again["id_token"]))["sub"] == user_id

    # Userinfo with the opaque access token.
    me = httpx.get(f"{logto.endpoint}/oidc/me", headers={"Authorization": f"Bearer {again['access_token']}"})
    assert me.status_code == 200
    assert me.json()["sub"] == user_id
    assert me.json()["email"] == email

    # Refresh: new access token, still the same user; a resource JWT on request.
    refreshed = httpx.post(
        f"{logto.endpoint}/oidc/token",
        data={"grant_type": "refresh_token", "refresh_token": again["refresh_token"]},
        auth=(WEB["id"], WEB["secret"]),
    ).json()
    assert refreshed["access_token"] != again["access_token"]
    assert refreshed["refresh_token"]
    assert _verify(logto, refreshed["id_token"])["sub"] == user_id

    # The SDKs' sign-out revoke posts only client_id + token: a confidential client must authenticate,
    # so Logto answers 401 and the refresh token survives (node-oidc-provider's revocation.js).
    unauthenticated = httpx.post(
        f"{logto.endpoint}/oidc/token/revocation",
        data={"client_id": WEB["id"], "token": refreshed["refresh_token"]},
    )
    assert unauthenticated.status_code == 401
    assert unauthenticated.json()["error"] == "invalid_client"
    # Revoked with the client's credentials: it and its grant stop working.
    revoked = httpx.post(
        f"{logto.endpoint}/oidc/token/revocation",
        data={"token": refreshed["refresh_token"]},
        auth=(WEB["id"], WEB["secret"]),
    )
    assert revoked.status_code == 200
    reuse = httpx.post(
        f"{logto.endpoint}/oidc/token",
        data={"grant_type": "refresh_token", "refresh_token": refreshed["refresh_token"]},
        auth=(WEB["id"], WEB["secret"]),
    )
    assert reuse.status_code == 400
    assert reuse.json()["error"] == "invalid_grant"
    stale = httpx.get(
        f"{logto.endpoint}/oidc/me", headers={"Authorization": f"Bearer {refreshed['access_token']}"}
    )
    assert stale.status_code == 401


def test_sso_then_end_session(logto: Running, email: str, read_code: Callable[[str], str]) -> None:
    with ExperienceClient(logto.endpoint) as browser:
        browser.email_code_flow(auth_url(logto), email, read_code, event="Register")
        # An existing session signs in silently. With prompt=consent (as the SDKs ask) Logto still hops
        # through /consent, which consents for the first-party app and returns to /oidc/auth.
        silent = browser.start(auth_url(logto, state="silent"))
        assert silent.headers["location"] == f"/consent?app_id={WEB['id']}"
        assert callback_params(browser.finish(str(browser.landing)))["state"] == "silent"
        # Without a prompt, the session's grant covers the request: the code at once.
        at_once = browser.start(auth_url(logto, state="at-once", prompt=None))  # type: ignore[arg-type]
        assert callback_params(at_once.headers["location"])["state"] == "at-once"
        assert "code" in callback_params(at_once.headers["location"])

        # End session: confirm page → confirm → post-logout redirect with state.
        end = browser.http.get(
            f"{logto.endpoint}/oidc/session/end",
            params={
                "client_id": WEB["id"],
                "post_logout_redirect_uri": "http://localhost:3000",
                "state": "bye",
            },
        )
        assert end.status_code == 200
        assert 'action="' + f"{logto.endpoint}/oidc/session/end/confirm" in end.text
        xsrf = end.text.split('name="xsrf" value="')[1].split('"')[0]
        confirmed = browser.http.post(
            f"{logto.endpoint}/oidc/session/end/confirm", data={"xsrf": xsrf, "logout": "yes"}
        )
        assert confirmed.status_code == 303
        assert confirmed.headers["location"] == "http://localhost:3000?state=bye"
        assert "_session" not in browser.http.cookies

        # No silent SSO any more: /oidc/auth goes to the sign-in page again.
        after = browser.start(auth_url(logto))
        assert "/sign-in?" in after.headers["location"]


def test_spa_with_pkce_gets_a_resource_jwt(
    logto: Running, email: str, read_code: Callable[[str], str]
) -> None:
    verifier, challenge = pkce()
    url = auth_url(
        logto,
        client_id="bookstore-spa",
        redirect_uri="http://localhost:5173/callback",
        code_challenge=challenge,
        code_challenge_method="S256",
        resource=API,
        scope="openid offline_access profile read:books",
    )
    with ExperienceClient(logto.endpoint) as browser:
        callback = callback_params(browser.email_code_flow(url, email, read_code))
    response = httpx.post(
        f"{logto.endpoint}/oidc/token",
        data={
            "grant_type": "authorization_code",
            "client_id": "bookstore-spa",
            "code": callback["code"],
            "redirect_uri": "http://localhost:5173/callback",
            "code_verifier": verifier,
            "resource": API,
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    # A new user holds no role: Logto grants none of the requested API scopes (issue 13, point 2).
    assert body["scope"] == ""
    assert body["expires_in"] == 900
    jwks = httpx.get(f"{logto.endpoint}/oidc/jwks").json()
    token = jwt.decode(body["access_token"], KeySet.import_key_set(jwks), algorithms=["ES384"])
    assert token.header["typ"] == "at+jwt"
    assert token.claims["aud"] == API
    assert token.claims["scope"] == ""
    assert token.claims["client_id"] == "bookstore-spa"
    assert set(token.claims) >= {"jti", "sub", "iat", "exp", "iss"}
    # Public clients rotate the refresh token on every use.
    first = httpx.post(
        f"{logto.endpoint}/oidc/token",
        data={
            "grant_type": "refresh_token",
            "client_id": "bookstore-spa",
            "refresh_token": body["refresh_token"],
        },
    ).json()
    assert first["refresh_token"] != body["refresh_token"]


def test_client_credentials_for_m2m(logto: Running) -> None:
    response = httpx.post(
        f"{logto.endpoint}/oidc/token",
        data={"grant_type": "client_credentials", "resource": API, "scope": "read:books"},
        auth=("bookstore-m2m", "m2m-secret"),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["token_type"], body["scope"], body["expires_in"]) == ("Bearer", "read:books", 900)
    assert "refresh_token" not in body
    assert "id_token" not in body
    # A JWT access token is not introspectable (node-oidc-provider's reject_structured_tokens.js).
    introspected = httpx.post(
        f"{logto.endpoint}/oidc/token/introspection",
        data={"token": body["access_token"]},
        auth=("bookstore-m2m", "m2m-secret"),
    )
    assert introspected.status_code == 400
    assert introspected.json()["error"] == "unsupported_token_type"


def test_discovery_and_jwks_shapes(logto: Running) -> None:
    discovery = httpx.get(f"{logto.endpoint}/oidc/.well-known/openid-configuration").json()
    assert discovery["issuer"] == f"{logto.endpoint}/oidc"
    assert discovery["id_token_signing_alg_values_supported"] == ["ES384"]
    assert discovery["code_challenge_methods_supported"] == ["S256"]
    for key in ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri", "end_session_endpoint",
                "revocation_endpoint", "introspection_endpoint"):  # fmt: skip
        assert discovery[key].startswith(logto.endpoint + "/oidc/")
    response = httpx.get(discovery["jwks_uri"])
    assert response.headers["content-type"].startswith("application/jwk-set+json")
    assert response.headers["cache-control"] == "no-cache, max-age=0, must-revalidate"
    (key,) = response.json()["keys"]
    assert set(key) == {"kty", "use", "kid", "alg", "crv", "x", "y"}
    assert all(isinstance(v, str) for v in key.values())
    assert (key["kty"], key["crv"], key["alg"], key["use"]) == ("EC", "P-384", "ES384", "sig")


def test_expired_code_then_a_new_one_works(
    logto: Running, email: str, read_code: Callable[[str], str]
) -> None:
    with ExperienceClient(logto.endpoint) as browser:
        browser.start(auth_url(logto))
        browser.set_event("Register")
        first = browser.send_code(email, "Register")
        old_code = read_code(email)
        logto.tenant.clock.advance(601)
        with pytest.raises(ExperienceError) as expired:
            browser.verify_code(email, first, old_code)
        assert (expired.value.status, expired.value.code) == (400, "verification_code.expired")
        second = browser.send_code(email, "Register")
        browser.verify_code(email, second, read_code(email))
        assert browser.identify(second) == 201


def test_mailgun_down_gives_connector_general_and_creates_nothing(
    logto: Running, mailgun: MailgunRunning, email: str, read_code: Callable[[str], str]
) -> None:
    with httpx.Client(base_url=mailgun.url) as control, ExperienceClient(logto.endpoint) as browser:
        control.post("/__harness/faults", json={"status": 503, "count": 1}).raise_for_status()
        try:
            browser.start(auth_url(logto))
            browser.set_event("Register")
            with pytest.raises(ExperienceError) as failed:
                browser.send_code(email, "Register")
            assert (failed.value.status, failed.value.code) == (400, "connector.general")
            assert failed.value.body["data"]["statusCode"] == 503
        finally:
            control.delete("/__harness/faults")
        assert control.get("/__harness/messages", params={"to": email}).json()["total"] == 0
        users = httpx.get(f"{logto.url}/__harness/users").json()["items"]
        assert email not in [u["primaryEmail"] for u in users]
        # Mailgun is back: the same interaction goes on and registers.
        verification = browser.send_code(email, "Register")
        browser.verify_code(email, verification, read_code(email))
        assert browser.identify(verification) == 201
