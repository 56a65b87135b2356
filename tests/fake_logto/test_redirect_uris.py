"""Wildcard redirect URIs as Logto has them: registered through ``POST /api/applications`` (core-kit's
``validateRedirectUrl``), matched at ``/oidc/auth`` and ``/oidc/session/end``
(``packages/core/src/oidc/redirect-uri``) and by the token endpoint's client-based CORS."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from logto_support import PASSWORD_USER, auth_url, password_sign_in, pkce
from management_support import logto_error

from fake_logto import Running
from fake_logto._config import Application
from fake_logto._redirect_uris import (
    origin_matches,
    parse,
    post_logout_redirect_uri_allowed,
    redirect_uri_allowed,
    valid_redirect_uri,
    wildcard_match,
)

PATTERN = "https://*.example.com/callback"
SIGNED_OUT = "https://*.example.com/signed-out"


@pytest.mark.parametrize(
    "uri",
    [
        PATTERN,
        "https://*.example.com/*",
        "https://pr-*.preview.example.com:8443/cb",
        "http://localhost:3000/callback",
        "io.logto://callback",
        "com.example.app:/oauth",
        "myapp://*.anything",  # a custom scheme passes core-kit's "mobile" check, wildcard or not
    ],
)
def test_the_guard_takes_what_core_kit_validates(uri: str) -> None:
    assert valid_redirect_uri(uri)


@pytest.mark.parametrize(
    "uri",
    [
        "*://example.com/cb",  # wildcard in the scheme
        "https://example.com/cb?next=*",  # in the query
        "https://example.com/cb#*",  # in the fragment
        "https://*/cb",  # a wildcard host without a dot
        "https://example.com:*/cb",  # in the port
        "https://user@*.example.com/cb",  # credentials
        "https://*.example.com/a/../cb",  # dot segments
        "https://example.com/a/%2E%2E/cb",
        "not a url",
        "1app://cb",
    ],
)
def test_the_guard_refuses_what_core_kit_refuses(uri: str) -> None:
    assert not valid_redirect_uri(uri)


def _url(value: str) -> Any:
    parsed = parse(value)
    assert parsed is not None
    return parsed


@pytest.mark.parametrize(
    ("actual", "matches"),
    [
        ("https://tenant.example.com/callback", True),
        ("https://TENANT.example.com:443/callback", True),  # host case and the default port
        ("https://a.b.example.com/callback", False),  # one label per *
        ("https://example.com/callback", False),
        ("https://tenant.example.net/callback", False),
        ("http://tenant.example.com/callback", False),
        ("https://tenant.example.com:8443/callback", False),
        ("https://tenant.example.com/callback?x=1", False),  # query must equal
        ("https://tenant.example.com/other", False),
    ],
)
def test_wildcard_matching(actual: str, matches: bool) -> None:
    assert wildcard_match(PATTERN, _url(actual)) is matches


def test_overly_broad_patterns_never_match() -> None:
    assert not wildcard_match("https://*.com/cb", _url("https://example.com/cb"))
    assert not wildcard_match("https://example.*/cb", _url("https://example.com/cb"))
    assert wildcard_match("https://example.com/cb/*", _url("https://example.com/cb/a/b"))


def test_the_client_matchers() -> None:
    spa = Application("s", "spa", "s", "", redirect_uris=(PATTERN,), post_logout_redirect_uris=(SIGNED_OUT,))
    assert redirect_uri_allowed(spa, "https://tenant.example.com/callback")
    assert not redirect_uri_allowed(spa, PATTERN)  # a value holding * never matches
    assert post_logout_redirect_uri_allowed(spa, "https://tenant.example.com/signed-out")
    assert not post_logout_redirect_uri_allowed(spa, "https://tenant.example.net/signed-out")
    exact = Application("e", "spa", "e", "", redirect_uris=("https://app.example.com",))
    assert redirect_uri_allowed(exact, "https://APP.example.com/")  # the URL parser's href
    assert not redirect_uri_allowed(exact, "https://app.example.com/?")
    loopback = ("http://127.0.0.1:3000/cb",)
    native = Application("n", "native", "n", "", redirect_uris=loopback, post_logout_redirect_uris=loopback)
    web = Application("w", "spa", "w", "", redirect_uris=loopback)
    assert redirect_uri_allowed(native, "http://127.0.0.1:51234/cb")  # RFC 8252: native only
    assert not redirect_uri_allowed(web, "http://127.0.0.1:51234/cb")
    assert not post_logout_redirect_uri_allowed(native, "http://127.0.0.1:51234/cb")


def test_origin_against_a_wildcard_redirect_uri() -> None:
    assert origin_matches("https://tenant.example.com", PATTERN)
    assert not origin_matches("https://tenant.example.net", PATTERN)
    assert not origin_matches("https://tenant.example.com:8443", PATTERN)
    assert not origin_matches("http://tenant.example.com", PATTERN)


def _wildcard_app(api: httpx.Client) -> dict[str, Any]:
    metadata = {"redirectUris": [PATTERN], "postLogoutRedirectUris": [SIGNED_OUT]}
    created = api.post("/applications", json={"name": "Wild", "type": "SPA", "oidcClientMetadata": metadata})
    assert created.status_code == 200, created.text
    body: dict[str, Any] = created.json()
    assert body["oidcClientMetadata"]["redirectUris"] == [PATTERN]
    return body


def test_a_bad_wildcard_is_refused_by_the_guard(api: httpx.Client) -> None:
    metadata = {"redirectUris": ["https://*/callback"], "postLogoutRedirectUris": []}
    body = logto_error(
        api.post("/applications", json={"name": "x", "type": "SPA", "oidcClientMetadata": metadata}),
        400,
        "guard.invalid_input",
    )
    assert body["data"]["issues"][0]["path"] == ["oidcClientMetadata", "redirectUris", 0]


def test_a_wildcard_app_signs_in_on_a_matching_host_and_refuses_another(
    mgmt: Running, api: httpx.Client
) -> None:
    app = _wildcard_app(api)
    good = "https://tenant.example.com/callback"
    _verifier, challenge = pkce()  # a SPA is a public client: PKCE is required
    url = auth_url(
        mgmt, client_id=app["id"], redirect_uri=good, scope="openid", prompt="login",
        code_challenge=challenge, code_challenge_method="S256",
    )  # fmt: skip
    callback = password_sign_in(mgmt.endpoint, url, PASSWORD_USER["email"], PASSWORD_USER["password"])
    assert callback.startswith(good + "?code=")
    bad = httpx.get(auth_url(mgmt, client_id=app["id"], redirect_uri="https://tenant.example.net/callback"))
    assert bad.status_code == 400
    assert (bad.json()["error"], bad.json()["error_description"]) == (
        "invalid_redirect_uri",
        "redirect_uri did not match any of the client's registered redirect_uris",
    )


def test_end_session_takes_a_matching_post_logout_uri_only(mgmt: Running, api: httpx.Client) -> None:
    app = _wildcard_app(api)
    end = f"{mgmt.endpoint}/oidc/session/end"
    good = httpx.get(
        end, params={"client_id": app["id"], "post_logout_redirect_uri": SIGNED_OUT.replace("*", "x")}
    )
    assert good.status_code == 200
    bad = httpx.get(
        end, params={"client_id": app["id"], "post_logout_redirect_uri": "https://x.example.net/signed-out"}
    )
    assert bad.status_code == 400
    assert bad.json()["error_description"] == "post_logout_redirect_uri not registered"
    pattern = httpx.get(end, params={"client_id": app["id"], "post_logout_redirect_uri": SIGNED_OUT})
    assert pattern.status_code == 400


def test_token_cors_allows_an_origin_matching_the_wildcard(mgmt: Running, api: httpx.Client) -> None:
    app = _wildcard_app(api)

    def token(origin: str) -> httpx.Response:
        return httpx.post(
            f"{mgmt.endpoint}/oidc/token",
            data={"grant_type": "authorization_code", "client_id": app["id"], "code": "nope"},
            headers={"origin": origin},
        )

    allowed = token("https://tenant.example.com")
    assert allowed.headers.get("access-control-allow-origin") == "https://tenant.example.com"
    foreign = token("https://tenant.example.net")
    assert "access-control-allow-origin" not in foreign.headers
    assert foreign.status_code == 400
    assert foreign.json()["error_description"] == (
        f"origin https://tenant.example.net not allowed for client: {app['id']}"
    )
