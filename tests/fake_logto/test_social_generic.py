"""Logto's generic ``oidc`` and ``oauth2`` social connectors (:mod:`fake_logto._social_generic`) against the
identity provider stand-in, through the Experience API's social routes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from management_support import logto_error
from social_support import begin, identify, provider_round_trip, verified, verify

from fake_logto import Running as LogtoRunning
from harness import ExperienceClient


@pytest.fixture
def browser(mgmt: LogtoRunning) -> Iterator[ExperienceClient]:
    with ExperienceClient(mgmt.endpoint) as client:
        yield client


def _idp(logto: LogtoRunning) -> str:
    return f"{logto.endpoint}/sso-provider/corp"


def _oidc_config(logto: LogtoRunning, **extra: Any) -> dict[str, Any]:
    idp = _idp(logto)
    return {
        "authorizationEndpoint": f"{idp}/authorize",
        "tokenEndpoint": f"{idp}/token",
        "clientId": "corp-client",
        "clientSecret": "corp-secret",
        "scope": "profile email",
        "idTokenVerificationConfig": {"jwksUri": f"{idp}/jwks", "issuer": idp},
        **extra,
    }


def _oauth2_config(logto: LogtoRunning) -> dict[str, Any]:
    idp = _idp(logto)
    return {
        "authorizationEndpoint": f"{idp}/authorize",
        "tokenEndpoint": f"{idp}/token",
        "userInfoEndpoint": f"{idp}/userinfo",
        "clientId": "corp-client",
        "clientSecret": "corp-secret",
        "tokenEndpointResponseType": "json",
        "profileMap": {"id": "sub", "avatar": "picture"},
    }


def _add(api: httpx.Client, factory: str, config: dict[str, Any], target: str) -> str:
    created = api.post(
        "/connectors",
        json={
            "connectorId": factory,
            "config": config,
            "metadata": {"target": target, "name": {"en": "Corp"}},
        },
    )
    assert created.status_code == 200, created.text
    assert (created.json()["target"], created.json()["isStandard"]) == (target, True)
    api.patch("/sign-in-exp", json={"socialSignInConnectorTargets": [target]})
    connector_id: str = created.json()["id"]
    return connector_id


def _preset(logto: LogtoRunning, **identity: Any) -> None:
    httpx.put(f"{logto.endpoint}/__harness/sso/corp/identity", json=identity).raise_for_status()


@pytest.mark.parametrize("method", ["client_secret_post", "client_secret_basic", "client_secret_jwt"])
def test_oidc_sign_up_by_the_id_token(
    mgmt: LogtoRunning, api: httpx.Client, browser: ExperienceClient, method: str
) -> None:
    config = _oidc_config(mgmt, tokenEndpointAuthMethod=method)
    connector_id = _add(api, "oidc", config, "corp-oidc")
    _preset(mgmt, id="corp-1", email="ivy@corp.test", name="Ivy")
    begin(mgmt, browser, "Register")
    verification_id, query = provider_round_trip(browser, connector_id)
    assert verify(browser, connector_id, verification_id, query).status_code == 200
    assert identify(browser, verification_id).status_code == 201
    [user] = [u for u in api.get("/users").json() if u["primaryEmail"] == "ivy@corp.test"]
    identity = user["identities"]["corp-oidc"]
    assert identity["userId"] == "corp-1"
    assert identity["details"]["rawData"]["iss"] == _idp(mgmt)


def test_oidc_authorization_uri_and_refusals(
    mgmt: LogtoRunning, api: httpx.Client, browser: ExperienceClient
) -> None:
    logto_error(
        api.post("/connectors", json={"connectorId": "oidc", "config": _oidc_config(mgmt)}),
        400,
        "connector.should_specify_target",
    )
    bad = {"connectorId": "oidc", "config": {"clientId": "x"}, "metadata": {"target": "t"}}
    logto_error(api.post("/connectors", json=bad), 400, "connector.invalid_config")
    connector_id = _add(api, "oidc", _oidc_config(mgmt, customConfig={"loginHint": "x"}), "corp-oidc")
    _add(api, "oidc", _oidc_config(mgmt), "corp-two")  # a second instance of the standard factory
    begin(mgmt, browser)
    _preset(mgmt, deny=True)
    verification_id, query = provider_round_trip(browser, connector_id)
    assert query["error"] == "access_denied"
    body = logto_error(verify(browser, connector_id, verification_id, query), 400, "connector.general")
    assert "access_denied" in body["message"]


def test_oauth2_user_from_the_userinfo_endpoint(
    mgmt: LogtoRunning, api: httpx.Client, browser: ExperienceClient
) -> None:
    connector_id = _add(api, "oauth2", _oauth2_config(mgmt), "corp-oauth")
    _preset(mgmt, id="corp-2", email="joe@corp.test", avatar="https://img.test/joe.png")
    begin(mgmt, browser, "Register")
    verification_id = verified(browser, connector_id)
    assert identify(browser, verification_id).status_code == 201
    [user] = [u for u in api.get("/users").json() if u["primaryEmail"] == "joe@corp.test"]
    assert user["avatar"] == "https://img.test/joe.png"
    assert user["identities"]["corp-oauth"]["details"]["rawData"]["sub"] == "corp-2"


def test_oauth2_query_string_token_answer_is_invalid(
    mgmt: LogtoRunning, api: httpx.Client, browser: ExperienceClient
) -> None:
    config = {**_oauth2_config(mgmt), "tokenEndpointResponseType": "query-string"}
    connector_id = _add(api, "oauth2", config, "corp-oauth")
    _preset(mgmt, id="corp-3")
    begin(mgmt, browser)
    verification_id, query = provider_round_trip(browser, connector_id)
    logto_error(verify(browser, connector_id, verification_id, query), 400, "connector.invalid_response")
