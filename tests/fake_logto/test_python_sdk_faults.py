"""Faults and key rotation as the official Python SDK (PyPI ``logto``, unmodified) sees them: its refresh
meeting ``invalid_grant``, its sign-in meeting a token endpoint that is down, and its ID-token check
(PyJWT's ``PyJWKClient``) picking up a rotated key by refetching the JWKS."""

from __future__ import annotations

import asyncio
import json
import time
import types
from collections.abc import Callable, Iterator

import httpx
import jwt.jwks_client
import pytest
from logto import LogtoClient, LogtoConfig, LogtoException
from logto_support import API, WEB, tenant_dict
from test_python_sdk import DictStorage, _sign_in

from fake_logto import Running, parse_config, paths
from fake_logto import Settings as LogtoSettings
from fake_logto import serve_in_thread as serve_logto
from fake_mailgun import Running as MailgunRunning

# The SDK's aiohttp sessions leave their connector cleanup to the garbage collector.
pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")
COOLDOWN = 30  # PyJWKClient's cooldown_duration: no JWKS refetch for an unknown kid sooner (PyJWT 2.15)


@pytest.fixture(scope="module")
def flaky(mailgun: MailgunRunning) -> Iterator[Running]:
    """A tenant of its own: these tests rotate its keys."""
    with serve_logto(LogtoSettings(port=0), config=parse_config(tenant_dict(mailgun.url))) as running:
        yield running


@pytest.fixture
def control(flaky: Running) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=flaky.endpoint, timeout=30) as client:
        yield client
        client.delete(paths.FAULTS)


def _client(flaky: Running) -> LogtoClient:
    config = LogtoConfig(
        endpoint=flaky.endpoint, appId=WEB["id"], appSecret=WEB["secret"], resources=[API], scopes=["email"]
    )
    return LogtoClient(config, storage=DictStorage())


def test_the_sdks_refresh_sees_invalid_grant(
    flaky: Running, control: httpx.Client, email: str, read_code: Callable[[str], str]
) -> None:
    client = _client(flaky)
    asyncio.run(client.handleSignInCallback(_sign_in(client, flaky, WEB["redirect"], email, read_code)))
    rule = {"endpoint": "token", "grant_type": "refresh_token", "error": "invalid_grant", "count": 1}
    assert control.post(paths.FAULTS, json=rule).status_code == 201
    with pytest.raises(LogtoException) as raised:
        asyncio.run(client.getAccessToken(API))  # no token for API yet: the SDK refreshes
    assert json.loads(str(raised.value)) == {
        "code": "oidc.invalid_grant",
        "message": "Grant request is invalid.",
        "error_uri": "https://openid.sh/debug/invalid_grant",
        "error": "invalid_grant",
        "error_description": "grant request is invalid",
    }
    assert asyncio.run(client.getAccessToken(API))  # the fault is spent; the refresh token was fine


def test_the_sdks_sign_in_fails_on_a_token_endpoint_that_is_down(
    flaky: Running, control: httpx.Client, email: str, read_code: Callable[[str], str]
) -> None:
    client = _client(flaky)
    callback = _sign_in(client, flaky, WEB["redirect"], email, read_code)
    assert (
        control.post(paths.FAULTS, json={"endpoint": "token", "status": 503, "count": 1}).status_code == 201
    )
    with pytest.raises(LogtoException, match="Service Unavailable"):
        asyncio.run(client.handleSignInCallback(callback))
    assert not client.isAuthenticated()


def test_the_sdk_picks_up_a_rotated_key_by_refetching_the_jwks(
    flaky: Running,
    control: httpx.Client,
    email: str,
    read_code: Callable[[str], str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """PyJWKClient refetches the JWKS for an unknown kid, but not within 30 s of its last fetch: right
    after a rotation that dropped the old key, the SDK refuses the new ID token; once its cooldown has
    passed (its own clock moved, not slept) it refetches and accepts it."""
    client = _client(flaky)  # one client: one OidcCore, one PyJWKClient and its cache
    asyncio.run(client.handleSignInCallback(_sign_in(client, flaky, WEB["redirect"], email, read_code)))
    first_kid = jwt.get_unverified_header(client.getIdToken() or "")["kid"]
    rotated = control.post(paths.KEYS_ROTATE, json={"keep_previous": False}).json()
    assert rotated["kid"] != first_kid

    callback = _sign_in(client, flaky, WEB["redirect"], email, read_code)
    with pytest.raises(jwt.PyJWKClientError, match="Unable to find a signing key"):
        asyncio.run(client.handleSignInCallback(callback))

    later = types.SimpleNamespace(monotonic=lambda: time.monotonic() + COOLDOWN + 1)
    monkeypatch.setattr(jwt.jwks_client, "time", later)
    asyncio.run(client.handleSignInCallback(_sign_in(client, flaky, WEB["redirect"], email, read_code)))
    assert client.isAuthenticated()
    assert jwt.get_unverified_header(client.getIdToken() or "")["kid"] == rotated["kid"]
