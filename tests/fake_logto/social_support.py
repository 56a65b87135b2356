"""Helpers of the social sign-in tests: create a social connector, preset the stand-in's identity, and walk
the provider round trip over HTTP the way the sign-in page does (authorization URI → provider → callback
query → ``verify``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
from logto_support import auth_url

from fake_logto import Running as LogtoRunning
from harness import ExperienceClient

CONFIG = {"clientId": "social-client", "clientSecret": "social-secret"}
TARGETS = {"google-universal": "google", "github-universal": "github", "mock-social-connector": "mock-social"}


def add_social(api: httpx.Client, factory: str = "google-universal", *, sync_profile: bool = False) -> str:
    """Create the social connector and show it on the sign-in experience; its row id."""
    created = api.post(
        "/connectors", json={"connectorId": factory, "config": CONFIG, "syncProfile": sync_profile}
    )
    assert created.status_code == 200, created.text
    targets = [row["target"] for row in api.get("/connectors").json() if row["type"] == "Social"]
    patched = api.patch("/sign-in-exp", json={"socialSignInConnectorTargets": targets})
    assert patched.status_code == 200, patched.text
    row_id: str = created.json()["id"]
    return row_id


def preset(logto: LogtoRunning, target: str, **identity: Any) -> None:
    response = httpx.put(f"{logto.endpoint}/__harness/social/{target}/identity", json=identity)
    assert response.status_code == 200, response.text


def begin(logto: LogtoRunning, browser: ExperienceClient, event: str = "SignIn") -> None:
    browser.start(auth_url(logto))
    browser.set_event(event)


def authorize(browser: ExperienceClient, connector_id: str, state: str = "st-1") -> tuple[str, str]:
    """``authorization-uri``: the verification id and the provider URL."""
    response = browser.http.post(
        f"{browser.endpoint}/api/experience/verification/social/{connector_id}/authorization-uri",
        json={"state": state, "redirectUri": callback_uri(browser, connector_id)},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    return body["verificationId"], body["authorizationUri"]


def callback_uri(browser: ExperienceClient, connector_id: str) -> str:
    return f"{browser.endpoint}/callback/{connector_id}"


def provider_round_trip(browser: ExperienceClient, connector_id: str) -> tuple[str, dict[str, str]]:
    """To the stand-in (a preset answers at once) and back: the verification id and the callback's query."""
    verification_id, uri = authorize(browser, connector_id)
    back = browser.http.get(uri, follow_redirects=False)
    assert back.status_code == 303, back.text
    location = back.headers["location"]
    assert location.startswith(callback_uri(browser, connector_id) + "?")
    return verification_id, dict(parse_qsl(urlsplit(location).query))


def verify(
    browser: ExperienceClient, connector_id: str, verification_id: str, query: dict[str, str]
) -> httpx.Response:
    """What the page posts from its callback: the query plus its redirect URI."""
    data = {**query, "redirectUri": callback_uri(browser, connector_id)}
    return browser.http.post(
        f"{browser.endpoint}/api/experience/verification/social/{connector_id}/verify",
        json={"verificationId": verification_id, "connectorData": data},
    )


def identify(browser: ExperienceClient, verification_id: str, **extra: Any) -> httpx.Response:
    return browser.http.post(
        f"{browser.endpoint}/api/experience/identification", json={"verificationId": verification_id, **extra}
    )


def verified(browser: ExperienceClient, connector_id: str) -> str:
    """A verified social record (the preset identity); its id."""
    verification_id, query = provider_round_trip(browser, connector_id)
    response = verify(browser, connector_id, verification_id, query)
    assert response.status_code == 200, response.text
    return verification_id
