"""The official Python SDK (PyPI ``logto`` 0.2.1, unmodified) against fake_logto on a real socket:
its sign-in URL → the Experience API → its callback; ID token verification, claims, userinfo, refresh,
and its sign-out URL."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from logto import LogtoClient, LogtoConfig, LogtoException, Storage
from logto_support import API, SPA, WEB

from fake_logto import Running
from harness._experience import ExperienceClient

# The SDK's aiohttp sessions leave their connector cleanup to the garbage collector.
pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


class DictStorage(Storage):
    """Per-client storage: the SDK's default MemoryStorage() is one object shared by every client."""

    def __init__(self) -> None:
        self.data: dict[str, str | None] = {}

    def get(self, key: str) -> str | None:
        return self.data.get(key)

    def set(self, key: str, value: str | None) -> None:
        self.data[key] = value

    def delete(self, key: str) -> None:
        self.data.pop(key, None)


def _sign_in(
    client: LogtoClient, logto: Running, redirect_uri: str, email: str, read_code: Callable[[str], str]
) -> str:
    sign_in_url = asyncio.run(client.signIn(redirect_uri))
    with ExperienceClient(logto.endpoint) as browser:
        return browser.email_code_flow(sign_in_url, email, read_code)


def test_traditional_app_signs_in_refreshes_and_signs_out(
    logto: Running, email: str, read_code: Callable[[str], str]
) -> None:
    config = LogtoConfig(
        endpoint=logto.endpoint, appId=WEB["id"], appSecret=WEB["secret"], resources=[API], scopes=["email"]
    )
    client = LogtoClient(config, storage=DictStorage())
    callback = _sign_in(client, logto, WEB["redirect"], email, read_code)
    asyncio.run(client.handleSignInCallback(callback))  # token request + ID token check (PyJWT + JWKS)

    assert client.isAuthenticated()
    claims = client.getIdTokenClaims()
    assert claims.iss == f"{logto.endpoint}/oidc"
    assert claims.aud == WEB["id"]
    assert claims.email == email
    user_id = claims.sub

    info = asyncio.run(client.fetchUserInfo())
    assert info.sub == user_id
    assert info.email == email

    # A token for the API resource comes from the refresh grant; it is a JWT the SDK can read.
    api_token = asyncio.run(client.getAccessToken(API))
    assert api_token is not None
    # No API scope was asked for, so the JWT has no `scope` claim (node-oidc-provider's formats/jwt.js:
    # `scope || undefined`) — which the SDK's getAccessTokenClaims model requires, on Logto as here.
    api_claims = jwt.decode(api_token, options={"verify_signature": False})
    assert api_claims["aud"] == API
    assert api_claims["sub"] == user_id
    assert "scope" not in api_claims
    assert client.getRefreshToken()

    sign_out = asyncio.run(client.signOut("http://localhost:3000"))
    parts = urlsplit(sign_out)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{logto.endpoint}/oidc/session/end"
    assert parse_qs(parts.query) == {
        "client_id": [WEB["id"]],
        "post_logout_redirect_uri": ["http://localhost:3000"],
    }
    assert not client.isAuthenticated()


def test_public_client_with_the_sdks_client_secret_none(
    logto: Running, email: str, read_code: Callable[[str], str]
) -> None:
    """Without a secret the SDK posts ``client_secret=None`` literally. A public client authenticates
    with ``none``, so any secret is the wrong mechanism: Logto answers 401 ``invalid_client``
    (node-oidc-provider's client_auth.js) — the Python SDK is for traditional web apps."""
    client = LogtoClient(
        LogtoConfig(endpoint=logto.endpoint, appId=SPA["id"], scopes=["email"]), storage=DictStorage()
    )
    callback = _sign_in(client, logto, SPA["redirect"], email, read_code)
    with pytest.raises(LogtoException) as raised:
        asyncio.run(client.handleSignInCallback(callback))
    body = json.loads(str(raised.value))
    assert body["error"] == "invalid_client"
    assert body["error_description"] == "client authentication failed"
    assert not client.isAuthenticated()
