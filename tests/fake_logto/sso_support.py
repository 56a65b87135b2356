"""Helpers of the enterprise SSO tests: create an OIDC SSO connector pointed at the identity provider
stand-in, preset its identity, and walk the IdP round trip over HTTP the way the sign-in page does
(authorization URI → IdP → callback query → ``verify``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from fake_logto import Running as LogtoRunning
from harness import ExperienceClient

CLIENT = {"clientId": "acme-client", "clientSecret": "acme-secret"}


def issuer(logto: LogtoRunning, idp: str = "acme") -> str:
    return f"{logto.endpoint}/sso-provider/{idp}"


def add_sso(
    api: httpx.Client,
    logto: LogtoRunning,
    domains: tuple[str, ...] = ("acme.test",),
    *,
    idp: str = "acme",
    name: str = "Acme",
    enable: bool = True,
    **extra: Any,
) -> str:
    """Create the OIDC SSO connector (and turn single sign-on on); its id."""
    body = {
        "providerName": "OIDC",
        "connectorName": name,
        "domains": list(domains),
        "config": {**CLIENT, "issuer": issuer(logto, idp)},
        **extra,
    }
    created = api.post("/sso-connectors", json=body)
    assert created.status_code == 200, created.text
    if enable:
        patched = api.patch("/sign-in-exp", json={"singleSignOnEnabled": True})
        assert patched.status_code == 200, patched.text
    connector_id: str = created.json()["id"]
    return connector_id


def preset(logto: LogtoRunning, idp: str = "acme", **identity: Any) -> None:
    response = httpx.put(f"{logto.endpoint}/__harness/sso/{idp}/identity", json=identity)
    assert response.status_code == 200, response.text


def callback_uri(browser: ExperienceClient, connector_id: str) -> str:
    return f"{browser.endpoint}/callback/{connector_id}"


def authorize(browser: ExperienceClient, connector_id: str, state: str = "st-1") -> httpx.Response:
    return browser.http.post(
        f"{browser.endpoint}/api/experience/verification/sso/{connector_id}/authorization-uri",
        json={"state": state, "redirectUri": callback_uri(browser, connector_id)},
    )


def round_trip(browser: ExperienceClient, connector_id: str) -> tuple[str, dict[str, str]]:
    """To the IdP (a preset answers at once) and back: the verification id and the callback's query."""
    response = authorize(browser, connector_id)
    assert response.status_code == 200, response.text
    body = response.json()
    back = browser.http.get(body["authorizationUri"], follow_redirects=False)
    assert back.status_code == 303, back.text
    location = back.headers["location"]
    assert location.startswith(callback_uri(browser, connector_id) + "?")
    return body["verificationId"], dict(parse_qsl(urlsplit(location).query))


def verify(
    browser: ExperienceClient, connector_id: str, verification_id: str, data: dict[str, Any]
) -> httpx.Response:
    """What the page posts from its callback: the query (without ``state``) plus its redirect URI."""
    data = {k: v for k, v in data.items() if k != "state"}
    return browser.http.post(
        f"{browser.endpoint}/api/experience/verification/sso/{connector_id}/verify",
        json={
            "verificationId": verification_id,
            "connectorData": {**data, "redirectUri": callback_uri(browser, connector_id)},
        },
    )


def verified(browser: ExperienceClient, connector_id: str) -> str:
    verification_id, query = round_trip(browser, connector_id)
    response = verify(browser, connector_id, verification_id, query)
    assert response.status_code == 200, response.text
    return verification_id


def identify(browser: ExperienceClient, verification_id: str) -> httpx.Response:
    return browser.http.post(
        f"{browser.endpoint}/api/experience/identification", json={"verificationId": verification_id}
    )
