"""The official Python SDK (PyPI ``logto`` 0.2.1, unmodified) against fake_logto on a real socket:
its sign-in URL → the Experience API → its callback; ID token verification, claims, userinfo, refresh,
and its sign-out URL; organizations (the SDK adds ``urn:logto:resource:organizations`` itself when
``urn:logto:scope:organizations`` is asked, ``LogtoClient._buildSignInUrl``) and role-based API scopes."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from logto import LogtoClient, LogtoConfig, LogtoException, Storage, UserInfoScope
from logto_support import API, MEMBER, ORG, OUTSIDER, SPA, VIEWER, WEB, authz_tenant_dict, password_sign_in

from fake_logto import Running, parse_config
from fake_logto import Settings as LogtoSettings
from fake_logto import serve_in_thread as serve_logto
from fake_mailgun import Running as MailgunRunning
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
    # No API scope was asked for, so the JWT's `scope` is "" (Logto's fork of node-oidc-provider writes
    # the empty scope: its lib/models/formats/jwt.js reverts upstream's `scope || undefined`); the SDK's
    # getAccessTokenClaims reads it.
    api_claims = jwt.decode(api_token, options={"verify_signature": False})
    assert api_claims["aud"] == API
    assert api_claims["sub"] == user_id
    assert api_claims["scope"] == ""
    assert asyncio.run(client.getAccessTokenClaims(API)).scope == ""
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


@pytest.fixture(scope="module")
def authz(mailgun: MailgunRunning) -> Iterator[Running]:
    """A tenant with roles and organizations (logto_support.authz_tenant_dict)."""
    with serve_logto(LogtoSettings(port=0), config=parse_config(authz_tenant_dict(mailgun.url))) as running:
        yield running


def _organization_client(authz: Running, user: dict[str, str]) -> LogtoClient:
    """The web app, signed in as ``user`` with organizations and the API's scopes."""
    config = LogtoConfig(
        endpoint=authz.endpoint,
        appId=WEB["id"],
        appSecret=WEB["secret"],
        resources=[API],
        scopes=[UserInfoScope.organizations, UserInfoScope.organization_roles, "roles",
                "read:members", "invite:members", "read:books", "write:books"],
    )  # fmt: skip
    client = LogtoClient(config, storage=DictStorage())
    sign_in_url = asyncio.run(client.signIn(WEB["redirect"]))
    assert "resource=urn%3Alogto%3Aresource%3Aorganizations" in sign_in_url  # the SDK's own doing
    callback = password_sign_in(authz.endpoint, sign_in_url, user["email"], user["password"])
    asyncio.run(client.handleSignInCallback(callback))
    assert client.isAuthenticated()
    return client


def test_organization_token_for_a_member_and_logtos_403_for_a_non_member(authz: Running) -> None:
    member = _organization_client(authz, MEMBER)
    claims = member.getIdTokenClaims()
    assert claims.organizations == [ORG]
    assert claims.organization_roles == [f"{ORG}:admin"]

    org_claims = asyncio.run(member.getOrganizationTokenClaims(ORG))
    assert org_claims.aud == f"urn:logto:organization:{ORG}"
    assert org_claims.sub == claims.sub
    assert org_claims.scope == "read:members invite:members"

    outsider = _organization_client(authz, OUTSIDER)
    with pytest.raises(LogtoException) as refused:
        asyncio.run(outsider.getOrganizationToken(ORG))
    assert json.loads(str(refused.value)) == {
        "error": "access_denied",
        "error_description": "user is not a member of the organization",
        "code": "oidc.access_denied",
        "message": "Access denied.",  # Logto's phrase (packages/phrases/src/locales/en/errors/oidc.ts)
    }


def test_a_user_without_the_role_gets_no_role_scope(authz: Running) -> None:
    member = _organization_client(authz, MEMBER)  # librarian: write:books; admin of the org: read:books
    assert asyncio.run(member.getAccessTokenClaims(API)).scope == "read:books write:books"
    viewer = _organization_client(authz, VIEWER)  # no role, a viewer in the organization
    viewer_claims = asyncio.run(viewer.getAccessTokenClaims(API))
    assert viewer_claims.aud == API
    assert viewer_claims.scope == ""
    assert asyncio.run(viewer.getOrganizationTokenClaims(ORG)).scope == "read:members"
