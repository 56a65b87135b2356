"""The negative matrix: bad input gets Logto's own error (reference/logto.md "Errors"), never a 500.

Each case is one request (or a short setup then one request) and the exact error it must produce:
``{code: "oidc.<error>", message, error, error_description}`` from OIDC endpoints (the authorization
endpoint's unredirectable errors too, as JSON with ``state`` and ``iss``: Logto's ``renderError``), a
redirect with ``error``/``state``/``iss`` from the authorization endpoint, ``{code, message}`` from the API.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from logto_support import API, PASSWORD_USER, SPA, WEB, auth_url, password_sign_in, pkce

from fake_logto import Running
from harness._experience import ExperienceClient, ExperienceError, callback_params

WEB_AUTH = (WEB["id"], WEB["secret"])


def _auth(logto: Running, **params: str | None) -> httpx.Response:
    base = {
        "client_id": WEB["id"],
        "redirect_uri": WEB["redirect"],
        "response_type": "code",
        "scope": "openid profile",
        "state": "st",
    }
    merged = {k: v for k, v in {**base, **params}.items() if v is not None}
    return httpx.get(f"{logto.endpoint}/oidc/auth?{urlencode(merged)}", follow_redirects=False)


# --- the authorization endpoint: JSON (Logto's renderError) when the client or redirect_uri is bad -------
@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"client_id": None}, "invalid_request"),
        ({"client_id": "no-such-app"}, "invalid_client"),
        ({"redirect_uri": None}, "invalid_request"),
        ({"redirect_uri": "http://localhost:3000/evil"}, "invalid_redirect_uri"),
        ({"redirect_uri": "http://localhost:3000/callback/"}, "invalid_redirect_uri"),
        ({"client_id": "bookstore-spa"}, "invalid_redirect_uri"),
    ],
    ids=[
        "no-client",
        "unknown-client",
        "no-redirect",
        "foreign-redirect",
        "redirect-not-exact",
        "other-apps-redirect",
    ],
)
def test_auth_error_page(logto: Running, params: dict[str, str | None], error: str) -> None:
    response = _auth(logto, **params)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert (body["error"], body["code"]) == (error, f"oidc.{error}")
    assert body["error_description"]
    assert (body["state"], body["iss"]) == ("st", f"{logto.endpoint}/oidc")
    assert "location" not in response.headers


# --- the authorization endpoint: errors sent back to the redirect_uri ----------------------------------
@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"response_type": None}, "invalid_request"),
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"scope": "profile", "nonce": "n"}, "invalid_request"),
        ({"prompt": "none"}, "login_required"),
        ({"prompt": "none login"}, "invalid_request"),
        ({"prompt": "bogus"}, "invalid_request"),
        ({"code_challenge": "x" * 43, "code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge": "short", "code_challenge_method": "S256"}, "invalid_request"),
        ({"code_challenge_method": "S256"}, "invalid_request"),
        ({"resource": "https://unknown.example.test"}, "invalid_target"),
        ({"response_mode": "web_message"}, "unsupported_response_mode"),
        ({"max_age": "-1"}, "invalid_request"),
        ({"max_age": "soon"}, "invalid_request"),
        ({"id_token_hint": "not.a.jwt"}, "invalid_request"),
    ],
    ids=[
        "no-response-type", "token-response-type", "nonce-without-openid", "prompt-none-no-session", "prompt-none-combined",
        "prompt-unknown", "pkce-plain", "pkce-short", "pkce-method-alone", "unknown-resource",
        "unknown-response-mode", "negative-max-age", "non-numeric-max-age", "bad-id-token-hint",
    ],
)  # fmt: skip
def test_auth_error_redirect(logto: Running, params: dict[str, str | None], error: str) -> None:
    response = _auth(logto, **params)
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith(WEB["redirect"] + "?")
    query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    assert query["error"] == error
    assert query["state"] == "st"
    assert query["iss"] == f"{logto.endpoint}/oidc"
    assert query["error_description"]


def _auth_raw(logto: Running, pairs: list[tuple[str, str]]) -> httpx.Response:
    return httpx.get(f"{logto.endpoint}/oidc/auth?{urlencode(pairs)}", follow_redirects=False)


_BASE = [("response_type", "code"), ("scope", "openid"), ("state", "st")]


@pytest.mark.parametrize(
    ("repeated", "description"),
    [
        (["client_id"], "'client_id' parameter must not be provided twice"),
        (
            ["redirect_uri", "client_id"],
            "'client_id' and 'redirect_uri' parameters must not be provided twice",
        ),
    ],
)
def test_auth_repeated_client_id_is_rendered(logto: Running, repeated: list[str], description: str) -> None:
    """node-oidc-provider's lib/shared/reject_dupes.js runs before the client is known and drops what it
    names (ordered as lib/consts/param_list.js): without a single client_id the error cannot be sent
    back (lib/shared/authorization_error_handler.js), Logto's renderError answers JSON."""
    pairs = [("client_id", WEB["id"]), ("redirect_uri", WEB["redirect"]), *_BASE]
    pairs += [(k, v) for k, v in pairs if k in repeated]
    response = _auth_raw(logto, pairs)
    assert response.status_code == 400, response.text
    assert response.json() == {
        "code": "oidc.invalid_request",
        "message": "Request is invalid.",
        "error": "invalid_request",
        "error_description": description,
        "state": "st",
        "iss": f"{logto.endpoint}/oidc",
    }


def test_auth_repeated_redirect_uri_or_state(logto: Running) -> None:
    """A repeated redirect_uri is dropped, and the web app's only registered one stands in for it
    (lib/actions/authorization/one_redirect_uri_clients.js, the error handler's recovery); a repeated state
    is dropped too, so the error goes back without it."""
    pairs = [("client_id", WEB["id"]), ("redirect_uri", WEB["redirect"]), *_BASE]
    response = _auth_raw(logto, [*pairs, ("redirect_uri", WEB["redirect"]), ("state", "again")])
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith(WEB["redirect"] + "?")
    assert {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()} == {
        "error": "invalid_request",
        "error_description": "'redirect_uri' and 'state' parameters must not be provided twice",
        "iss": f"{logto.endpoint}/oidc",
    }


def test_auth_unknown_organization_goes_on_to_sign_in(logto: Running) -> None:
    """Logto checks no ``organization_id`` at the authorization endpoint: it is one of its extraParams,
    passed on to the sign-in page (packages/core/src/oidc/init.ts ``interactions.url``)."""
    response = _auth(logto, organization_id="org-nope")
    assert response.status_code == 303
    assert httpx.URL(response.headers["location"]).path == "/sign-in"


_AUTH_BODY = {
    "client_id": WEB["id"],
    "redirect_uri": WEB["redirect"],
    "response_type": "code",
    "scope": "openid",
}


@pytest.mark.parametrize("path", ["/auth", "/session/end"])
@pytest.mark.parametrize(
    "body",
    [
        {"files": {"client_id": (None, WEB["id"])}},
        {"content": "client_id=x", "headers": {"content-type": "text/plain"}},
    ],
    ids=["multipart", "text"],
)
def test_post_to_auth_or_end_session_only_as_a_form(logto: Running, path: str, body: dict[str, Any]) -> None:
    """node-oidc-provider v9 routes no POST /auth nor /session/end; Logto's koaOidcPostToGet
    (packages/core/src/middleware/koa-oidc-post-to-get.ts) forwards a urlencoded body (JSON re-labelled as
    one by packages/core/src/oidc/init.ts) to the GET route; anything else reaches koaOidcUnrecognizedRoute."""
    response = httpx.post(f"{logto.endpoint}/oidc{path}", follow_redirects=False, **body)
    assert response.status_code == 404, response.text
    assert response.json() == {
        "code": "oidc.invalid_request",
        "message": "Request is invalid.",
        "error": "invalid_request",
        "error_description": f"unrecognized route or not allowed method (POST on {path})",
    }


def test_post_to_auth_as_json_or_form(logto: Running) -> None:
    for body in ({"json": _AUTH_BODY}, {"data": _AUTH_BODY}):
        response = httpx.post(f"{logto.endpoint}/oidc/auth", follow_redirects=False, **body)  # type: ignore[arg-type]
        assert response.status_code == 303, response.text
        assert httpx.URL(response.headers["location"]).path == "/sign-in"
    # A JSON value a form cannot express (here a one-item list) is not forwarded.
    response = httpx.post(f"{logto.endpoint}/oidc/auth", json={**_AUTH_BODY, "scope": ["openid"]})
    assert response.status_code == 404, response.text


def test_userinfo_body_only_as_a_form(logto: Running) -> None:
    """node-oidc-provider's lib/shared/selective_body.js (via conditional_body.js) at POST /me: only a
    urlencoded body, or JSON that Logto re-labels as one (packages/core/src/oidc/init.ts)."""
    response = httpx.post(f"{logto.endpoint}/oidc/me", files={"access_token": (None, "x")})
    assert response.status_code == 400, response.text
    assert response.json() == {
        "code": "oidc.invalid_request",
        "message": "Request is invalid.",
        "error": "invalid_request",
        "error_description": "only application/x-www-form-urlencoded content-type bodies are supported on POST /me",
    }
    as_json = httpx.post(f"{logto.endpoint}/oidc/me", json={"access_token": "garbage"})
    assert (as_json.status_code, as_json.json()["error"]) == (401, "invalid_token")


def test_public_client_requires_pkce(logto: Running) -> None:
    response = _auth(logto, client_id=SPA["id"], redirect_uri=SPA["redirect"])
    query = parse_qs(urlsplit(response.headers["location"]).query)
    assert query["error"] == ["invalid_request"]
    assert "PKCE" in query["error_description"][0]


@pytest.mark.parametrize(
    "scope", ["openid\tprofile", "openid  profile", 'openid "profile"', "openid profile "]
)
def test_auth_scope_with_invalid_characters(logto: Running, scope: str) -> None:
    """node-oidc-provider's lib/actions/authorization/check_scope.js (lib/helpers/is_valid_scope.js): a
    scope outside RFC 6749's syntax is sent back as ``invalid_scope``, never on to the sign-in page."""
    response = _auth(logto, scope=scope)
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith(WEB["redirect"] + "?")
    assert {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()} == {
        "error": "invalid_scope",
        "error_description": "scope contains invalid characters",
        "state": "st",
        "iss": f"{logto.endpoint}/oidc",
    }


# --- the token endpoint ---------------------------------------------------------------------------------
def _token(logto: Running, data: dict[str, str], auth: Any = WEB_AUTH, **kwargs: Any) -> httpx.Response:
    return httpx.post(f"{logto.endpoint}/oidc/token", data=data, auth=auth, **kwargs)


def _expect(response: httpx.Response, status: int, error: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == error
    assert body["code"] == f"oidc.{error}"
    assert isinstance(body["message"], str)  # the JS SDK's isLogtoRequestError needs code and message
    assert body["error_description"]


@dataclass
class Issued:
    code: str
    verifier: str | None


@pytest.fixture
def fresh_code(logto: Running, email: str, read_code: Callable[[str], str]) -> Callable[..., Issued]:
    """A new authorization code for the web app (optionally with PKCE)."""

    def make(with_pkce: bool = False) -> Issued:
        verifier, challenge = pkce() if with_pkce else (None, None)
        extra = {"code_challenge": challenge, "code_challenge_method": "S256"} if challenge else {}
        with ExperienceClient(logto.endpoint) as browser:
            callback = browser.email_code_flow(auth_url(logto, **extra), email, read_code)
        return Issued(callback_params(callback)["code"], verifier)

    return make


def test_token_scope_with_invalid_characters(logto: Running) -> None:
    """node-oidc-provider's lib/actions/token.js ``validateScope`` (the same is_valid_scope.js check as at
    /oidc/auth); an empty ``scope`` is no scope there (lib/helpers/params.js), so it passes."""
    data = {"grant_type": "client_credentials", "resource": API, "scope": "read:books\twrite:books"}
    response = _token(logto, data, auth=("bookstore-m2m", "m2m-secret"))
    assert response.status_code == 400, response.text
    assert response.json() == {
        "code": "oidc.invalid_scope",
        "message": "Invalid scope: {{error_description}}.",
        "error": "invalid_scope",
        "error_description": "scope contains invalid characters",
    }
    data["scope"] = ""
    assert _token(logto, data, auth=("bookstore-m2m", "m2m-secret")).status_code == 200


def test_token_unknown_grant_type(logto: Running) -> None:
    _expect(_token(logto, {"grant_type": "password"}), 400, "unsupported_grant_type")


def test_token_missing_grant_type(logto: Running) -> None:
    _expect(_token(logto, {}), 400, "invalid_request")


def test_token_json_body_is_refused(logto: Running) -> None:
    _expect(
        httpx.post(f"{logto.endpoint}/oidc/token", json={"grant_type": "client_credentials"}),
        400,
        "invalid_request",
    )


def test_token_unknown_client(logto: Running) -> None:
    """Logto's client lookup answers 400 ``invalid client <id>`` (packages/core/src/oidc/adapter.ts; its
    integration test client-credentials-grant.test.ts), not node-oidc-provider's 401."""
    response = _token(
        logto,
        {"grant_type": "authorization_code", "code": "x", "redirect_uri": WEB["redirect"]},
        auth=("nobody", "x"),
    )
    _expect(response, 400, "invalid_client")
    assert response.json()["error_description"] == "invalid client nobody"


def test_token_wrong_secret(logto: Running) -> None:
    data = {"grant_type": "authorization_code", "code": "x", "redirect_uri": WEB["redirect"]}
    _expect(_token(logto, data, auth=(WEB["id"], "wrong")), 401, "invalid_client")


def test_token_confidential_client_without_secret(logto: Running) -> None:
    data = {
        "grant_type": "authorization_code",
        "code": "x",
        "redirect_uri": WEB["redirect"],
        "client_id": WEB["id"],
    }
    _expect(_token(logto, data, auth=None), 401, "invalid_client")


def test_token_secret_twice(logto: Running) -> None:
    data = {"grant_type": "refresh_token", "refresh_token": "x", "client_secret": WEB["secret"]}
    _expect(_token(logto, data), 400, "invalid_request")


def test_token_unknown_code(logto: Running) -> None:
    _expect(
        _token(logto, {"grant_type": "authorization_code", "code": "nope", "redirect_uri": WEB["redirect"]}),
        400,
        "invalid_grant",
    )


def test_token_missing_code(logto: Running) -> None:
    _expect(
        _token(logto, {"grant_type": "authorization_code", "redirect_uri": WEB["redirect"]}),
        400,
        "invalid_request",
    )


def test_token_redirect_uri_mismatch(logto: Running, fresh_code: Callable[..., Issued]) -> None:
    issued = fresh_code()
    data = {
        "grant_type": "authorization_code",
        "code": issued.code,
        "redirect_uri": "http://localhost:3000/other",
    }
    _expect(_token(logto, data), 400, "invalid_grant")


def test_token_missing_pkce_verifier(logto: Running, fresh_code: Callable[..., Issued]) -> None:
    issued = fresh_code(with_pkce=True)
    _expect(
        _token(
            logto, {"grant_type": "authorization_code", "code": issued.code, "redirect_uri": WEB["redirect"]}
        ),
        400,
        "invalid_grant",
    )


def test_token_wrong_pkce_verifier(logto: Running, fresh_code: Callable[..., Issued]) -> None:
    issued = fresh_code(with_pkce=True)
    data = {
        "grant_type": "authorization_code",
        "code": issued.code,
        "redirect_uri": WEB["redirect"],
        "code_verifier": secrets.token_urlsafe(32),
    }
    _expect(_token(logto, data), 400, "invalid_grant")


def test_token_code_reuse_revokes_what_it_issued(logto: Running, fresh_code: Callable[..., Issued]) -> None:
    issued = fresh_code()
    data = {"grant_type": "authorization_code", "code": issued.code, "redirect_uri": WEB["redirect"]}
    first = _token(logto, data)
    assert first.status_code == 200
    _expect(_token(logto, data), 400, "invalid_grant")
    tokens = first.json()
    _expect(
        _token(logto, {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}),
        400,
        "invalid_grant",
    )
    me = httpx.get(f"{logto.endpoint}/oidc/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert me.status_code == 401


def test_token_expired_code(logto: Running, fresh_code: Callable[..., Issued]) -> None:
    issued = fresh_code()
    logto.tenant.clock.advance(61)
    data = {"grant_type": "authorization_code", "code": issued.code, "redirect_uri": WEB["redirect"]}
    _expect(_token(logto, data), 400, "invalid_grant")


def test_token_code_of_another_client(logto: Running, fresh_code: Callable[..., Issued]) -> None:
    issued = fresh_code()
    data = {"grant_type": "authorization_code", "code": issued.code, "redirect_uri": WEB["redirect"]}
    # The m2m app may not use the grant at all: node-oidc-provider's token.js answers invalid_request.
    _expect(_token(logto, data, auth=("bookstore-m2m", "m2m-secret")), 400, "invalid_request")


def test_token_unknown_resource_on_exchange(logto: Running, fresh_code: Callable[..., Issued]) -> None:
    issued = fresh_code()
    data = {
        "grant_type": "authorization_code",
        "code": issued.code,
        "redirect_uri": WEB["redirect"],
        "resource": "https://nope.test",
    }
    _expect(_token(logto, data), 400, "invalid_target")


def test_refresh_unknown_token(logto: Running) -> None:
    _expect(_token(logto, {"grant_type": "refresh_token", "refresh_token": "nope"}), 400, "invalid_grant")


def test_refresh_reuse_after_grace_revokes_the_grant(
    logto: Running, email: str, read_code: Callable[[str], str]
) -> None:
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
    spa = {"client_id": SPA["id"]}
    tokens = _token(
        logto,
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": SPA["redirect"],
            "code_verifier": verifier,
            **spa,
        },
        auth=None,
    ).json()
    first = _token(
        logto, {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], **spa}, auth=None
    ).json()
    # Within the ~3 s grace the old token still works (a lost response is survivable) …
    within = _token(
        logto, {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], **spa}, auth=None
    )
    assert within.status_code == 200
    logto.tenant.clock.advance(4)
    # … after it, reuse is theft: the whole grant is revoked, the newest token included.
    _expect(
        _token(
            logto, {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], **spa}, auth=None
        ),
        400,
        "invalid_grant",
    )
    _expect(
        _token(
            logto, {"grant_type": "refresh_token", "refresh_token": first["refresh_token"], **spa}, auth=None
        ),
        400,
        "invalid_grant",
    )


def test_refresh_with_unknown_resource(logto: Running, fresh_code: Callable[..., Issued]) -> None:
    tokens = _token(
        logto,
        {"grant_type": "authorization_code", "code": fresh_code().code, "redirect_uri": WEB["redirect"]},
    ).json()
    data = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], "resource": API}
    _expect(_token(logto, data), 400, "invalid_target")


def test_client_credentials_for_a_web_app(logto: Running) -> None:
    """node-oidc-provider's lib/actions/token.js allowedGrantTypeCheck, before any grant handler (Logto's
    utils.ts gives only machine-to-machine apps client_credentials): never unauthorized_client."""
    response = _token(logto, {"grant_type": "client_credentials", "resource": API})
    _expect(response, 400, "invalid_request")
    assert response.json()["error_description"] == "requested grant type is not allowed for this client"


def test_client_credentials_without_resource(logto: Running) -> None:
    response = _token(logto, {"grant_type": "client_credentials"}, auth=("bookstore-m2m", "m2m-secret"))
    _expect(response, 400, "invalid_target")
    assert response.json()["error_description"] == "both `resource` and `organization_id` are not provided"


def test_client_credentials_unknown_scope_is_dropped(logto: Running) -> None:
    """Logto drops scopes the app's roles do not grant, silently (client-credentials.ts): no error, and
    nothing granted means no ``scope`` in the response."""
    data = {"grant_type": "client_credentials", "resource": API, "scope": "delete:everything"}
    response = _token(logto, data, auth=("bookstore-m2m", "m2m-secret"))
    assert response.status_code == 200, response.text
    assert "scope" not in response.json()


def test_client_credentials_relative_resource(logto: Running) -> None:
    data = {"grant_type": "client_credentials", "resource": "not-a-uri"}
    response = _token(logto, data, auth=("bookstore-m2m", "m2m-secret"))
    _expect(response, 400, "invalid_target")
    assert response.json()["error_description"] == "resource indicator must be an absolute URI"


def test_client_credentials_app_outside_the_organization(logto: Running) -> None:
    data = {"grant_type": "client_credentials", "organization_id": "org-acme"}
    response = _token(logto, data, auth=("bookstore-m2m", "m2m-secret"))
    _expect(response, 403, "access_denied")
    assert response.json()["error_description"] == "app has not associated with the organization"


def _organization_refresh(logto: Running, code: str) -> httpx.Response:
    tokens = _token(
        logto, {"grant_type": "authorization_code", "code": code, "redirect_uri": WEB["redirect"]}
    ).json()
    data = {
        "grant_type": "refresh_token",
        "refresh_token": tokens["refresh_token"],
        "organization_id": "org-acme",
    }
    return _token(logto, data)


def test_refresh_organization_token_for_a_non_member(
    logto: Running, email: str, read_code: Callable[[str], str]
) -> None:
    url = auth_url(logto, scope="openid offline_access urn:logto:scope:organizations")
    with ExperienceClient(logto.endpoint) as browser:
        code = callback_params(browser.email_code_flow(url, email, read_code))["code"]
    response = _organization_refresh(logto, code)
    _expect(response, 403, "access_denied")
    assert response.json()["error_description"] == "user is not a member of the organization"


def test_refresh_organization_token_without_the_organizations_scope(logto: Running) -> None:
    url = auth_url(logto, scope="openid offline_access")  # the member, without urn:logto:scope:organizations
    callback = password_sign_in(logto.endpoint, url, PASSWORD_USER["email"], PASSWORD_USER["password"])
    response = _organization_refresh(logto, callback_params(callback)["code"])
    _expect(response, 403, "insufficient_scope")
    assert response.json()["error_description"] == "refresh token missing required scope"


def test_userinfo_without_token(logto: Running) -> None:
    _expect(httpx.get(f"{logto.endpoint}/oidc/me"), 401, "invalid_token")


def test_userinfo_with_garbage_token(logto: Running) -> None:
    _expect(
        httpx.get(f"{logto.endpoint}/oidc/me", headers={"Authorization": "Bearer nope"}), 401, "invalid_token"
    )


def test_userinfo_with_a_resource_jwt(logto: Running) -> None:
    token = _token(
        logto, {"grant_type": "client_credentials", "resource": API}, auth=("bookstore-m2m", "m2m-secret")
    ).json()
    _expect(
        httpx.get(f"{logto.endpoint}/oidc/me", headers={"Authorization": f"Bearer {token['access_token']}"}),
        401,
        "invalid_token",
    )


def test_userinfo_after_the_clock_passes_expiry(logto: Running, fresh_code: Callable[..., Issued]) -> None:
    tokens = _token(
        logto,
        {"grant_type": "authorization_code", "code": fresh_code().code, "redirect_uri": WEB["redirect"]},
    ).json()
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert httpx.get(f"{logto.endpoint}/oidc/me", headers=headers).status_code == 200
    logto.tenant.clock.advance(3601)
    _expect(httpx.get(f"{logto.endpoint}/oidc/me", headers=headers), 401, "invalid_token")


def test_revocation_without_token(logto: Running) -> None:
    _expect(
        httpx.post(f"{logto.endpoint}/oidc/token/revocation", data={}, auth=WEB_AUTH),
        400,
        "invalid_request",
    )


def test_revocation_of_unknown_token_is_200(logto: Running) -> None:
    assert (
        httpx.post(
            f"{logto.endpoint}/oidc/token/revocation", data={"token": "nope"}, auth=WEB_AUTH
        ).status_code
        == 200
    )


def test_introspection_requires_client_auth(logto: Running) -> None:
    response = httpx.post(
        f"{logto.endpoint}/oidc/token/introspection", data={"token": "x", "client_id": WEB["id"]}
    )
    _expect(response, 401, "invalid_client")


# --- end session ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"client_id": WEB["id"], "post_logout_redirect_uri": "http://evil.test"}, "invalid_request"),
        ({"client_id": "nobody"}, "invalid_client"),
        ({"id_token_hint": "garbage"}, "invalid_request"),
    ],
    ids=["post-logout-not-registered", "unknown-client", "undecodable-id-token-hint"],
)
def test_end_session_errors(logto: Running, params: dict[str, str], error: str) -> None:
    response = httpx.get(f"{logto.endpoint}/oidc/session/end", params=params)
    _expect(response, 400, error)


# --- the Experience API ---------------------------------------------------------------------------------
@pytest.fixture
def interaction(logto: Running) -> ExperienceClient:
    client = ExperienceClient(logto.endpoint)
    client.start(auth_url(logto))
    return client


def _logto_error(call: Callable[[], Any], status: int, code: str) -> ExperienceError:
    with pytest.raises(ExperienceError) as caught:
        call()
    assert (caught.value.status, caught.value.code) == (status, code), caught.value.body
    assert caught.value.body["message"]
    return caught.value


def test_experience_without_interaction(logto: Running) -> None:
    with ExperienceClient(logto.endpoint) as nobody:
        error = _logto_error(lambda: nobody.set_event("SignIn"), 400, "session.not_found")
        assert error.body["error_description"] == "interaction session id cookie not found"


def test_experience_bad_event(interaction: ExperienceClient) -> None:
    with interaction:
        _logto_error(lambda: interaction.set_event("Hack"), 400, "guard.invalid_input")


def test_experience_unknown_email_on_sign_in(
    interaction: ExperienceClient, email: str, read_code: Callable[[str], str]
) -> None:
    with interaction:
        interaction.set_event("SignIn")
        vid = interaction.send_code(email, "SignIn")
        interaction.verify_code(email, vid, read_code(email))
        _logto_error(lambda: interaction.identify(vid), 404, "user.user_not_exist")


def test_experience_known_email_on_register(
    interaction: ExperienceClient, read_code: Callable[[str], str]
) -> None:
    known = "reader@example.test"
    with interaction:
        interaction.set_event("Register")
        vid = interaction.send_code(known, "Register")
        interaction.verify_code(known, vid, read_code(known))
        _logto_error(lambda: interaction.identify(vid), 422, "user.email_already_in_use")


def test_experience_wrong_code(
    interaction: ExperienceClient, email: str, read_code: Callable[[str], str]
) -> None:
    with interaction:
        interaction.set_event("Register")
        vid = interaction.send_code(email, "Register")
        right = read_code(email)
        wrong = "000000" if right != "000000" else "111111"
        _logto_error(
            lambda: interaction.verify_code(email, vid, wrong), 400, "verification_code.code_mismatch"
        )
        assert interaction.verify_code(email, vid, right) == vid


def test_experience_expired_code(
    logto: Running, interaction: ExperienceClient, email: str, read_code: Callable[[str], str]
) -> None:
    with interaction:
        interaction.set_event("Register")
        vid = interaction.send_code(email, "Register")
        code = read_code(email)
        logto.tenant.clock.advance(601)
        _logto_error(lambda: interaction.verify_code(email, vid, code), 400, "verification_code.expired")


def test_experience_unknown_verification(interaction: ExperienceClient, email: str) -> None:
    with interaction:
        interaction.set_event("Register")
        _logto_error(
            lambda: interaction.verify_code(email, "nope", "123456"),
            404,
            "session.verification_session_not_found",
        )


def test_experience_bad_identifier(interaction: ExperienceClient) -> None:
    with interaction:
        interaction.set_event("SignIn")
        _logto_error(lambda: interaction.send_code("not-an-email", "SignIn"), 400, "guard.invalid_input")


def test_experience_wrong_password(interaction: ExperienceClient) -> None:
    with interaction:
        interaction.set_event("SignIn")
        _logto_error(
            lambda: interaction.verify_password("email", "reader@example.test", "wrong"),
            422,
            "session.invalid_credentials",
        )


def test_experience_submit_before_identification(interaction: ExperienceClient) -> None:
    with interaction:
        interaction.set_event("SignIn")
        with pytest.raises(ExperienceError) as caught:
            interaction.submit()
        assert caught.value.status in (400, 404, 422)
        assert caught.value.code


def test_nothing_answers_500(logto: Running) -> None:
    """Garbage at every endpoint: a 4xx in Logto's shape, never a 5xx."""
    bodies = [b"", b"{", b"\xff\xfe", b"grant_type=" + b"x" * 5000, b"a=1&a=2"]
    for path in (
        "/oidc/token",
        "/oidc/token/revocation",
        "/oidc/token/introspection",
        "/oidc/me",
        "/oidc/session/end/confirm",
    ):
        for body in bodies:
            for content_type in ("application/x-www-form-urlencoded", "application/json", "text/plain"):
                response = httpx.post(
                    f"{logto.endpoint}{path}", content=body, headers={"content-type": content_type}
                )
                assert response.status_code < 500, (path, body, content_type, response.text)
    for path in (
        "/api/experience",
        "/api/experience/verification/verification-code",
        "/api/experience/identification",
    ):
        for body in bodies:
            response = httpx.request(
                "POST" if "verification" in path or "ident" in path else "PUT",
                f"{logto.endpoint}{path}",
                content=body,
                headers={"content-type": "application/json"},
            )
            assert response.status_code < 500, (path, body, response.text)
    assert httpx.get(f"{logto.endpoint}/oidc/auth?%ff%fe=1").status_code < 500
    assert httpx.get(f"{logto.endpoint}/oidc/auth/does-not-exist").status_code < 500


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).decode().rstrip("=")


def test_token_non_ascii_pkce_verifier(logto: Running, fresh_code: Callable[..., Issued]) -> None:
    issued = fresh_code(with_pkce=True)
    data = {
        "grant_type": "authorization_code",
        "code": issued.code,
        "redirect_uri": WEB["redirect"],
        "code_verifier": "é" * 43,
    }
    # node-oidc-provider's pkce_format.js checks the verifier's characters first: invalid_request.
    _expect(_token(logto, data), 400, "invalid_request")


def test_token_non_ascii_secret(logto: Running) -> None:
    _expect(
        _token(logto, {"grant_type": "refresh_token", "refresh_token": "x"}, auth=(WEB["id"], "sécret")),
        400,  # client_auth.js: a character outside VSCHAR is "not properly encoded"
        "invalid_request",
    )


# --- issue 13: client authentication everywhere, JWTs at revocation, refresh scope, /oidc/me ------------
def test_revocation_without_client_authentication(logto: Running) -> None:
    response = httpx.post(
        f"{logto.endpoint}/oidc/token/revocation", data={"client_id": WEB["id"], "token": "x"}
    )
    _expect(response, 401, "invalid_client")


def test_revocation_of_a_jwt(logto: Running) -> None:
    m2m = ("bookstore-m2m", "m2m-secret")
    jwt = _token(logto, {"grant_type": "client_credentials", "resource": API}, auth=m2m).json()
    response = httpx.post(
        f"{logto.endpoint}/oidc/token/revocation", data={"token": jwt["access_token"]}, auth=m2m
    )
    _expect(response, 400, "unsupported_token_type")


def test_token_secret_from_a_public_client(logto: Running) -> None:
    data = {
        "grant_type": "refresh_token",
        "refresh_token": "x",
        "client_id": SPA["id"],
        "client_secret": "None",
    }
    _expect(_token(logto, data, auth=None), 401, "invalid_client")


def test_token_malformed_basic_header(logto: Running) -> None:
    response = httpx.post(
        f"{logto.endpoint}/oidc/token",
        data={"grant_type": "refresh_token", "refresh_token": "x"},
        headers={"Authorization": "Basic not-base64!"},
    )
    _expect(response, 400, "invalid_request")


def test_refresh_with_a_scope_not_granted(logto: Running, fresh_code: Callable[..., Issued]) -> None:
    tokens = _token(
        logto,
        {"grant_type": "authorization_code", "code": fresh_code().code, "redirect_uri": WEB["redirect"]},
    ).json()
    data = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], "scope": "address"}
    _expect(_token(logto, data), 400, "invalid_scope")


def test_userinfo_token_in_the_query(logto: Running) -> None:
    _expect(httpx.get(f"{logto.endpoint}/oidc/me", params={"access_token": "x"}), 400, "invalid_request")
