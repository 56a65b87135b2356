"""Social sign-in over HTTP with the provider stand-in's preset identity: sign-up, sign-in again, Deny,
linking by verified email, and Logto's refusals (:mod:`fake_logto._verification_social`,
:mod:`fake_logto._social_connectors`, :mod:`fake_logto._social_provider`)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from management_support import logto_error
from social_support import (
    add_social,
    authorize,
    begin,
    identify,
    preset,
    provider_round_trip,
    verified,
    verify,
)

from fake_logto import Running as LogtoRunning
from harness import ExperienceClient


@pytest.fixture
def browser(mgmt: LogtoRunning) -> Iterator[ExperienceClient]:
    with ExperienceClient(mgmt.endpoint) as client:
        yield client


def _sign_up(mgmt: LogtoRunning, browser: ExperienceClient, connector_id: str) -> None:
    begin(mgmt, browser)
    verification_id = verified(browser, connector_id)
    logto_error(identify(browser, verification_id), 404, "user.identity_not_exist")
    browser.switch_event("Register")
    assert identify(browser, verification_id).status_code == 201
    redirect_to = browser.submit()
    assert redirect_to is not None
    assert browser.finish(redirect_to).startswith("http://localhost:3000/callback?code=")


def test_google_sign_up_then_sign_in_again_by_the_same_identity(
    mgmt: LogtoRunning, api: httpx.Client
) -> None:
    connector_id = add_social(api)
    preset(mgmt, "google", id="g-100", email="ann@gmail.test", name="Ann", avatar="https://img.test/a.png")
    with ExperienceClient(mgmt.endpoint) as first:
        _sign_up(mgmt, first, connector_id)
    [user] = [u for u in api.get("/users").json() if u["primaryEmail"] == "ann@gmail.test"]
    assert (user["name"], user["avatar"]) == ("Ann", "https://img.test/a.png")
    identity = user["identities"]["google"]
    assert identity["userId"] == "g-100"
    assert identity["details"]["email"] == "ann@gmail.test"
    assert identity["details"]["rawData"]["email_verified"] is True
    with ExperienceClient(mgmt.endpoint) as again:
        begin(mgmt, again)
        assert identify(again, verified(again, connector_id)).status_code == 204
        assert again.submit() is not None
    assert len([u for u in api.get("/users").json() if u["identities"]]) == 1


def test_github_identity_and_verified_primary_email(
    mgmt: LogtoRunning, api: httpx.Client, browser: ExperienceClient
) -> None:
    connector_id = add_social(api, "github-universal")
    preset(mgmt, "github", id="4242", email="octo@github.test", name="Octo")
    begin(mgmt, browser, "Register")
    assert identify(browser, verified(browser, connector_id)).status_code == 201
    [user] = [u for u in api.get("/users").json() if "github" in u["identities"]]
    assert user["primaryEmail"] == "octo@github.test"
    details = user["identities"]["github"]["details"]
    assert details["id"] == "4242"
    assert details["rawData"]["userEmails"][0]["verified"] is True


def test_deny_answers_the_connectors_error(
    mgmt: LogtoRunning, api: httpx.Client, browser: ExperienceClient
) -> None:
    google, github = add_social(api), add_social(api, "github-universal")
    preset(mgmt, "google", deny=True)
    preset(mgmt, "github", deny=True)
    begin(mgmt, browser)
    verification_id, query = provider_round_trip(browser, google)
    assert query == {"error": "access_denied", "state": "st-1"}
    body = logto_error(verify(browser, google, verification_id, query), 400, "connector.general")
    callback = f"{mgmt.endpoint}/callback/{google}"
    assert body["data"] == '{"error":"access_denied","state":"st-1","redirectUri":"' + callback + '"}'
    verification_id, query = provider_round_trip(browser, github)
    body = logto_error(
        verify(browser, github, verification_id, query),
        401,
        "connector.authorization_failed",
        "The user's authorization process is unsuccessful.",
    )
    assert body["data"] == "The user has denied your application access."


def test_a_verified_email_links_to_the_existing_account(
    mgmt: LogtoRunning, api: httpx.Client, browser: ExperienceClient
) -> None:
    existing = api.post("/users", json={"primaryEmail": "bob@corp.test"}).json()
    connector_id = add_social(api, sync_profile=True)
    preset(mgmt, "google", id="g-bob", email="bob@corp.test", name="Bobby")
    begin(mgmt, browser)
    verification_id = verified(browser, connector_id)
    body = logto_error(identify(browser, verification_id), 404, "user.identity_not_exist")
    assert body["data"] == {"relatedUser": {"type": "email", "value": "bob@corp.test"}}
    assert identify(browser, verification_id, linkSocialIdentity=True).status_code == 204
    assert browser.submit() is not None
    user = api.get(f"/users/{existing['id']}").json()
    assert user["identities"]["google"]["userId"] == "g-bob"
    assert user["name"] == "Bobby"  # syncProfile


def test_an_unverified_email_neither_links_nor_fills_the_profile(
    mgmt: LogtoRunning, api: httpx.Client, browser: ExperienceClient
) -> None:
    api.post("/users", json={"primaryEmail": "eve@corp.test"})
    connector_id = add_social(api)
    preset(mgmt, "google", id="g-eve", email="eve@corp.test", email_verified=False)
    begin(mgmt, browser)
    verification_id = verified(browser, connector_id)
    assert logto_error(identify(browser, verification_id), 404, "user.identity_not_exist")["data"] == {}
    logto_error(identify(browser, verification_id, linkSocialIdentity=True), 404, "user.identity_not_exist")
    browser.switch_event("Register")
    body = logto_error(identify(browser, verification_id), 422, "user.missing_profile")
    assert body["data"] == {"missingProfile": ["email"]}


def test_unknown_connector_and_mismatched_records(
    mgmt: LogtoRunning, api: httpx.Client, browser: ExperienceClient
) -> None:
    connector_id = add_social(api)
    begin(mgmt, browser)
    unknown = browser.http.post(
        f"{mgmt.endpoint}/api/experience/verification/social/nope/authorization-uri",
        json={"state": "s", "redirectUri": "http://localhost/cb"},
    )
    logto_error(unknown, 404, "entity.not_found")
    logto_error(
        verify(browser, "nope", "x", {"code": "c"}),
        422,
        "session.invalid_connector_id",
        "Unable to find available connector with id nope.",
    )
    logto_error(
        verify(browser, connector_id, "x", {"code": "c"}), 404, "session.verification_session_not_found"
    )
    empty = browser.http.post(
        f"{mgmt.endpoint}/api/experience/verification/social/{connector_id}/authorization-uri",
        json={"state": "", "redirectUri": "http://localhost/cb"},
    )
    logto_error(empty, 400, "session.insufficient_info", "Insufficient sign-in info.")


def test_a_used_code_is_the_providers_invalid_grant(
    mgmt: LogtoRunning, api: httpx.Client, browser: ExperienceClient
) -> None:
    connector_id = add_social(api)
    preset(mgmt, "google", id="g-1")
    begin(mgmt, browser)
    verification_id, query = provider_round_trip(browser, connector_id)
    assert verify(browser, connector_id, verification_id, query).status_code == 200
    again = logto_error(verify(browser, connector_id, verification_id, query), 400, "connector.general")
    assert "invalid_grant" in again["data"]


def test_mock_social_connector_needs_its_session(
    mgmt: LogtoRunning, api: httpx.Client, browser: ExperienceClient
) -> None:
    connector_id = add_social(api, "mock-social-connector")
    begin(mgmt, browser)
    verification_id, uri = authorize(browser, connector_id)
    assert uri.startswith("http://mock-social/?state=st-1&redirect_uri=")
    data = {"code": "c", "userId": "m-1", "email": "m@x.test"}
    assert verify(browser, connector_id, verification_id, data).status_code == 200
    logto_error(
        verify(browser, connector_id, verification_id, data),
        400,
        "session.connector_validation_session_not_found",
    )
    record = browser.http.get(f"{mgmt.endpoint}/api/experience/interaction").json()["verificationRecords"][0]
    assert record["socialUserInfo"]["id"] == "m-1"
    bad = logto_error(
        verify(browser, connector_id, verification_id, {"userId": 1}), 400, "connector.invalid_response"
    )
    callback = f"{mgmt.endpoint}/callback/{connector_id}"
    assert bad["data"] == '{"userId":1,"redirectUri":"' + callback + '"}'


def test_the_identity_of_another_user_cannot_sign_up_again(
    mgmt: LogtoRunning, api: httpx.Client, browser: ExperienceClient
) -> None:
    connector_id = add_social(api)
    preset(mgmt, "google", id="g-dup")
    user = api.post("/users", json={"username": "dup"}).json()
    assert api.put(f"/users/{user['id']}/identities/google", json={"userId": "g-dup"}).status_code == 201
    begin(mgmt, browser, "Register")
    logto_error(identify(browser, verified(browser, connector_id)), 422, "user.identity_already_in_use")
