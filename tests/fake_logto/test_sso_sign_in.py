"""Enterprise SSO over HTTP against the identity provider stand-in: sign-up by an enterprise identity,
sign-in again, linking by email, the SSO-only domain rule and Logto's refusals
(:mod:`fake_logto._verification_sso`, :mod:`fake_logto._sso_oidc`, :mod:`fake_logto._sso_provider`)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from logto_support import auth_url
from management_support import logto_error
from sso_support import add_sso, authorize, identify, issuer, preset, round_trip, verified, verify

from fake_logto import Running as LogtoRunning
from harness import ExperienceClient


@pytest.fixture
def browser(mgmt: LogtoRunning) -> Iterator[ExperienceClient]:
    with ExperienceClient(mgmt.endpoint) as client:
        client.start(auth_url(mgmt))
        client.set_event("SignIn")
        yield client


def _register(browser: ExperienceClient, connector_id: str) -> str:
    verification_id = verified(browser, connector_id)
    logto_error(identify(browser, verification_id), 404, "user.sso_identity_not_exist")
    browser.switch_event("Register")
    assert identify(browser, verification_id).status_code == 201
    redirect_to = browser.submit()
    assert redirect_to is not None
    return browser.finish(redirect_to)


def test_sign_up_then_sign_in_again_by_the_same_identity(
    mgmt: LogtoRunning, api: httpx.Client, browser: ExperienceClient
) -> None:
    connector_id = add_sso(api, mgmt)
    preset(
        mgmt,
        id="emp-1",
        email="ann@acme.test",
        name="Ann",
        avatar="https://img.test/ann.png",
        raw={"given_name": "Ann"},
    )
    assert _register(browser, connector_id).startswith("http://localhost:3000/callback?code=")
    [user] = [u for u in api.get("/users").json() if u["primaryEmail"] == "ann@acme.test"]
    assert (user["name"], user["avatar"]) == ("Ann", "https://img.test/ann.png")
    full = api.get(f"/users/{user['id']}", params={"includeSsoIdentities": "true"}).json()
    [identity] = full["ssoIdentities"]
    assert identity["issuer"] == issuer(mgmt)
    assert (identity["identityId"], identity["ssoConnectorId"], identity["userId"]) == (
        "emp-1",
        connector_id,
        user["id"],
    )
    assert identity["detail"]["email"] == "ann@acme.test"
    assert identity["detail"]["givenName"] == "Ann"  # the other userinfo claims, camel-cased
    assert "ssoIdentities" not in api.get(f"/users/{user['id']}").json()
    with ExperienceClient(mgmt.endpoint) as again:
        again.start(auth_url(mgmt))
        again.set_event("SignIn")
        assert identify(again, verified(again, connector_id)).status_code == 204
        assert again.submit() is not None
    assert len([u for u in api.get("/users").json() if u["primaryEmail"] == "ann@acme.test"]) == 1


def test_an_existing_account_with_the_email_is_linked(
    mgmt: LogtoRunning, api: httpx.Client, browser: ExperienceClient
) -> None:
    created = api.post("/users", json={"primaryEmail": "bob@acme.test"})
    assert created.status_code == 200, created.text
    connector_id = add_sso(api, mgmt)
    preset(mgmt, id="emp-2", email="bob@acme.test")
    assert identify(browser, verified(browser, connector_id)).status_code == 204
    assert browser.submit() is not None
    full = api.get(f"/users/{created.json()['id']}", params={"includeSsoIdentities": "1"}).json()
    assert [i["identityId"] for i in full["ssoIdentities"]] == ["emp-2"]


def test_an_unverified_email_is_not_taken(
    mgmt: LogtoRunning, api: httpx.Client, browser: ExperienceClient
) -> None:
    api.post("/users", json={"primaryEmail": "eve@acme.test"})
    connector_id = add_sso(api, mgmt)
    preset(mgmt, id="emp-3", email="eve@acme.test", email_verified=False)
    verification_id = verified(browser, connector_id)
    logto_error(identify(browser, verification_id), 404, "user.sso_identity_not_exist")
    record = browser.http.get(f"{browser.endpoint}/api/experience/interaction").json()["verificationRecords"][
        0
    ]
    assert record["type"] == "EnterpriseSso"
    assert "email" not in record["enterpriseSsoUserInfo"]


def test_deny_is_the_connectors_invalid_request_parameters(
    mgmt: LogtoRunning, api: httpx.Client, browser: ExperienceClient
) -> None:
    connector_id = add_sso(api, mgmt)
    preset(mgmt, deny=True)
    verification_id, query = round_trip(browser, connector_id)
    assert query["error"] == "access_denied"
    body = logto_error(
        verify(browser, connector_id, verification_id, query), 500, "connector.invalid_request_parameters"
    )
    assert body["data"]["ssoErrorCode"] == "invalid_request_parameters"
    assert body["data"]["url"] == issuer(mgmt) + "/token"


def test_a_used_code_fails_the_token_exchange(
    mgmt: LogtoRunning, api: httpx.Client, browser: ExperienceClient
) -> None:
    connector_id = add_sso(api, mgmt)
    preset(mgmt, id="emp-4")
    verification_id, query = round_trip(browser, connector_id)
    assert verify(browser, connector_id, verification_id, query).status_code == 200
    again, _ = round_trip(browser, connector_id)
    body = logto_error(verify(browser, connector_id, again, query), 500, "connector.authorization_failed")
    assert body["data"]["message"] == "Fail to fetch token"


def test_the_connector_session_is_used_once(
    mgmt: LogtoRunning, api: httpx.Client, browser: ExperienceClient
) -> None:
    connector_id = add_sso(api, mgmt)
    preset(mgmt, id="emp-5")
    verification_id, query = round_trip(browser, connector_id)
    assert verify(browser, connector_id, verification_id, query).status_code == 200
    logto_error(
        verify(browser, connector_id, verification_id, query),
        400,
        "session.connector_validation_session_not_found",
    )


def test_unknown_connector_and_record_refusals(
    mgmt: LogtoRunning, api: httpx.Client, browser: ExperienceClient
) -> None:
    body = logto_error(authorize(browser, "nope"), 404, "entity.not_exists_with_id")
    assert body["message"] == "The sso_connectors with ID `nope` does not exist."
    connector_id = add_sso(api, mgmt)
    verification_id = authorize(browser, connector_id).json()["verificationId"]
    logto_error(verify(browser, "other", verification_id, {}), 404, "session.verification_session_not_found")
    logto_error(verify(browser, connector_id, "nope", {}), 404, "session.verification_session_not_found")
    down = api.post(
        "/sso-connectors",
        json={"providerName": "OIDC", "connectorName": "Down", "domains": ["down.test"]},
    ).json()["id"]
    body = logto_error(authorize(browser, down), 500, "connector.invalid_config")
    assert body["data"]["message"] == "invalid_connector_config"


def test_sign_in_needs_single_sign_on_on(
    mgmt: LogtoRunning, api: httpx.Client, browser: ExperienceClient
) -> None:
    connector_id = add_sso(api, mgmt)
    preset(mgmt, id="emp-6")
    verification_id = verified(browser, connector_id)
    api.patch("/sign-in-exp", json={"singleSignOnEnabled": False})
    logto_error(identify(browser, verification_id), 422, "user.sign_in_method_not_enabled")


def test_connectors_by_email(mgmt: LogtoRunning, api: httpx.Client) -> None:
    connector_id = add_sso(api, mgmt, ("acme.test", "Corp.Test"))
    url = f"{mgmt.endpoint}/api/experience/sso-connectors"
    for email in ("x@acme.test", "x@ACME.TEST", "x@corp.test"):
        assert httpx.get(url, params={"email": email}).json() == {"connectorIds": [connector_id]}
    assert httpx.get(url, params={"email": "x@other.test"}).json() == {"connectorIds": []}
    bad = logto_error(httpx.get(url, params={"email": "not-an-email"}), 400, "guard.invalid_input")
    assert "email" in bad["details"]
    logto_error(httpx.get(url), 400, "guard.invalid_input")
    api.patch("/sign-in-exp", json={"singleSignOnEnabled": False})
    assert httpx.get(url, params={"email": "x@acme.test"}).json() == {"connectorIds": []}


def test_an_sso_only_domain_refuses_a_code_sign_in(
    mgmt: LogtoRunning, api: httpx.Client, browser: ExperienceClient, read_code: object
) -> None:
    connector_id = add_sso(api, mgmt)
    sent = browser.http.post(
        f"{browser.endpoint}/api/experience/verification/verification-code",
        json={"identifier": {"type": "email", "value": "dan@acme.test"}, "interactionEvent": "SignIn"},
    )
    assert sent.status_code == 200, sent.text
    code = read_code("dan@acme.test")  # type: ignore[operator]
    checked = browser.http.post(
        f"{browser.endpoint}/api/experience/verification/verification-code/verify",
        json={
            "identifier": {"type": "email", "value": "dan@acme.test"},
            "verificationId": sent.json()["verificationId"],
            "code": code,
        },
    )
    assert checked.status_code == 200, checked.text
    body = logto_error(identify(browser, sent.json()["verificationId"]), 422, "session.sso_enabled")
    assert body["message"] == "Single sign on is enabled for this given email. Please sign in with SSO."
    assert [c["id"] for c in body["data"]["ssoConnectors"]] == [connector_id]
    browser.switch_event("Register")
    logto_error(identify(browser, sent.json()["verificationId"]), 422, "session.sso_enabled")


def test_sign_in_exp_lists_the_connectors_while_on(mgmt: LogtoRunning, api: httpx.Client) -> None:
    connector_id = add_sso(api, mgmt, branding={"displayName": "Acme Corp"})
    body = httpx.get(f"{mgmt.endpoint}/api/.well-known/sign-in-exp").json()
    assert body["singleSignOnEnabled"] is True
    [shown] = body["ssoConnectors"]
    assert (shown["id"], shown["connectorName"]) == (connector_id, "Acme Corp")
    assert shown["logo"].startswith("data:image/svg+xml")
    api.patch("/sign-in-exp", json={"singleSignOnEnabled": False})
    assert httpx.get(f"{mgmt.endpoint}/api/.well-known/sign-in-exp").json()["ssoConnectors"] == []


def test_an_sso_only_domain_refuses_a_password_sign_in(
    mgmt: LogtoRunning, api: httpx.Client, browser: ExperienceClient
) -> None:
    created = api.post("/users", json={"primaryEmail": "fay@acme.test", "password": "a long passphrase"})
    assert created.status_code == 200, created.text
    add_sso(api, mgmt)
    checked = browser.http.post(
        f"{browser.endpoint}/api/experience/verification/password",
        json={"identifier": {"type": "email", "value": "fay@acme.test"}, "password": "a long passphrase"},
    )
    assert checked.status_code == 200, checked.text
    logto_error(identify(browser, checked.json()["verificationId"]), 422, "session.sso_enabled")


def test_registering_an_identity_another_user_has_is_refused(
    mgmt: LogtoRunning, api: httpx.Client, browser: ExperienceClient
) -> None:
    connector_id = add_sso(api, mgmt)
    preset(mgmt, id="emp-7")
    _register(browser, connector_id)
    with ExperienceClient(mgmt.endpoint) as again:
        again.start(auth_url(mgmt))
        again.set_event("Register")
        logto_error(identify(again, verified(again, connector_id)), 422, "user.identity_already_in_use")
