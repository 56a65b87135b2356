"""The Management API's sign-in experience over HTTP (Logto's ``routes/sign-in-experience/index.ts``):
the row ``GET`` answers, a ``PATCH`` reaching the well-known and the Experience API at once, the guard,
Logto's validation refusals, and ``POST /__harness/reset`` restoring the configured experience."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from logto_support import PASSWORD_USER, auth_url, password_sign_in, tenant_dict

from fake_logto import Running, parse_config
from fake_logto import Settings as LogtoSettings
from fake_logto import serve_in_thread as serve_logto
from fake_mailgun import Running as MailgunRunning
from harness import ExperienceClient, ExperienceError, callback_params

MANAGEMENT = "https://default.logto.app/api"
ADMIN = {"id": "admin-m2m", "secret": "admin-secret"}
CODE_ONLY = {
    "sign_up": {"identifiers": ["email"], "verify": True, "password": False},
    "sign_in": [{"identifier": "email", "verification_code": True, "password": False}],
}
EMAIL_CODE = {"identifier": "email", "password": False, "verificationCode": True, "isPasswordPrimary": False}
EMAIL_BOTH = {"identifier": "email", "password": True, "verificationCode": True, "isPasswordPrimary": True}


def _serve(data: dict[str, Any], **changes: Any) -> Any:
    data["applications"].append({"name": "Admin", "type": "m2m", **ADMIN, "roles": ["management"]})
    data["roles"].append(
        {"name": "management", "type": "m2m", "scopes": [{"resource": MANAGEMENT, "scope": "all"}]}
    )
    config = dataclasses.replace(parse_config(data), **changes)
    return serve_logto(LogtoSettings(port=0), config=config)


@pytest.fixture
def mgmt(mailgun: MailgunRunning) -> Iterator[Running]:
    with _serve(tenant_dict(mailgun.url, sign_in_experience=CODE_ONLY)) as running:
        yield running


def _client(logto: Running) -> httpx.Client:
    token = httpx.post(
        f"{logto.endpoint}/oidc/token",
        data={"grant_type": "client_credentials", "resource": MANAGEMENT, "scope": "all"},
        auth=(ADMIN["id"], ADMIN["secret"]),
    ).json()["access_token"]
    return httpx.Client(base_url=logto.endpoint + "/api", headers={"authorization": f"Bearer {token}"})


@pytest.fixture
def api(mgmt: Running) -> Iterator[httpx.Client]:
    with _client(mgmt) as client:
        yield client


def _error(response: httpx.Response, status: int, code: str, message: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert (body["code"], body["message"]) == (code, message)
    return body


def _password_sign_in(logto: Running) -> str:
    return password_sign_in(
        logto.endpoint, auth_url(logto), PASSWORD_USER["email"], PASSWORD_USER["password"]
    )


def test_get_answers_the_row(api: httpx.Client, mgmt: Running) -> None:
    row = api.get("/sign-in-exp")
    assert row.status_code == 200
    body = row.json()
    well_known = httpx.get(f"{mgmt.endpoint}/api/.well-known/sign-in-exp").json()
    extras = {
        "socialConnectors",
        "ssoConnectors",
        "forgotPassword",
        "isDevelopmentTenant",
        "customProfileFields",
        "customProfileFieldCatalog",
    }
    assert set(body) == set(well_known) - extras | {"emailBlocklistPolicy", "forgotPasswordMethods"}
    assert "trustedDevice" not in body
    assert body["signIn"] == {"methods": [EMAIL_CODE]}
    assert body["signUp"] == {"identifiers": ["email"], "password": False, "verify": True}
    assert body["signInMode"] == "SignInAndRegister"
    assert body["forgotPasswordMethods"] == ["EmailVerificationCode"]
    assert body["emailBlocklistPolicy"] == {}


def test_patch_enabling_passwords_applies_at_once(api: httpx.Client, mgmt: Running) -> None:
    with pytest.raises(ExperienceError) as refused:
        _password_sign_in(mgmt)
    assert (refused.value.status, refused.value.code) == (422, "user.sign_in_method_not_enabled")

    answer = api.patch("/sign-in-exp", json={"signIn": {"methods": [EMAIL_BOTH]}})
    assert answer.status_code == 200, answer.text
    assert answer.json()["signIn"] == {"methods": [EMAIL_BOTH]}
    assert api.get("/sign-in-exp").json()["signIn"] == {"methods": [EMAIL_BOTH]}
    well_known = httpx.get(f"{mgmt.endpoint}/api/.well-known/sign-in-exp").json()
    assert well_known["signIn"]["methods"] == [EMAIL_BOTH]
    assert "code" in callback_params(_password_sign_in(mgmt))


def test_patch_sign_up_mode_and_forgot_password(api: httpx.Client, mgmt: Running) -> None:
    body = {
        "signUp": {"identifiers": ["username"], "password": True, "verify": False},
        "signIn": {
            "methods": [EMAIL_CODE | {"identifier": "username", "password": True, "verificationCode": False}]
        },
        "signInMode": "SignIn",
        "forgotPasswordMethods": [],
        "notAColumn": 1,  # stripped, as zod strips unknown keys
    }
    answer = api.patch("/sign-in-exp", json=body)
    assert answer.status_code == 200, answer.text
    row = answer.json()
    assert row["signUp"] == body["signUp"]
    assert (row["signInMode"], row["forgotPasswordMethods"]) == ("SignIn", [])
    assert "notAColumn" not in row
    well_known = httpx.get(f"{mgmt.endpoint}/api/.well-known/sign-in-exp").json()
    assert well_known["forgotPassword"] == {"email": False, "phone": False}
    with ExperienceClient(mgmt.endpoint) as browser:
        browser.start(auth_url(mgmt))
        browser.set_event("SignIn")
        with pytest.raises(ExperienceError) as refused:
            browser.switch_event("Register")
    assert refused.value.status == 403


def test_the_guard_applies(mgmt: Running) -> None:
    url = f"{mgmt.endpoint}/api/sign-in-exp"
    _error(httpx.get(url), 401, "auth.authorization_header_missing", "Authorization header is missing.")
    _error(
        httpx.patch(url, json={}, headers={"authorization": "Bearer nope"}),
        401,
        "auth.unauthorized",
        "Unauthorized. Please check credentials and its scope.",
    )


RULES = [
    (
        {"signUp": {"identifiers": ["email", "email"], "password": False, "verify": True}},
        "sign_in_experiences.duplicated_sign_up_identifiers",
        "Duplicate sign-up identifiers detected.",
    ),
    (
        {"signUp": {"identifiers": ["email"], "password": True, "verify": False}},
        "sign_in_experiences.passwordless_requires_verify",
        "Must enable verify for email/phone sign up identifier.",
    ),
    (
        {"signUp": {"identifiers": ["phone"], "password": False, "verify": True}},
        "sign_in_experiences.enabled_connector_not_found",
        "Enabled Sms connector not found.",
    ),
    (
        {"signIn": {"methods": [EMAIL_CODE | {"verificationCode": False}]}},
        "sign_in_experiences.at_least_one_authentication_factor",
        "You have to select at least one authentication factor.",
    ),
    (
        {"signIn": {"methods": [EMAIL_BOTH | {"verificationCode": False}]}},
        "sign_in_experiences.code_sign_in_must_be_enabled",
        "Verification code sign in must be enabled when set a password is not required in sign up.",
    ),
    (
        {"forgotPasswordMethods": ["PhoneVerificationCode"]},
        "sign_in_experiences.forgot_password_method_requires_connector",
        "Forgot password method requires a corresponding sms connector to be configured.",
    ),
    ({"signInMode": "Sometimes"}, "guard.invalid_input", "The request body is invalid."),
    (
        {"signIn": {"methods": [{"identifier": "email"}]}},
        "guard.invalid_input",
        "The request body is invalid.",
    ),
    ({"color": {"primaryColor": "#000000"}}, "guard.invalid_input", "The request body is invalid."),
    ({"signInMode": "Register"}, "guard.invalid_input", "The request body is invalid."),
]


@pytest.mark.parametrize(("body", "code", "message"), RULES, ids=[r[1] + str(i) for i, r in enumerate(RULES)])
def test_refusals(api: httpx.Client, body: dict[str, Any], code: str, message: str) -> None:
    before = api.get("/sign-in-exp").json()
    _error(api.patch("/sign-in-exp", json=body), 400, code, message)
    assert api.get("/sign-in-exp").json() == before


def test_no_email_connector_refuses_email_codes(mailgun: MailgunRunning) -> None:
    experience = {
        "sign_up": {"identifiers": ["username"], "verify": False, "password": True},
        "sign_in": [{"identifier": "username", "verification_code": False, "password": True}],
    }
    # A config file always has a connector (Mailgun's by default); a tenant built in code may have none.
    with (
        _serve(tenant_dict(mailgun.url, sign_in_experience=experience), connector=None) as logto,
        _client(logto) as api,
    ):
        message = "Enabled Email connector not found."
        code = "sign_in_experiences.enabled_connector_not_found"
        _error(api.patch("/sign-in-exp", json={"signIn": {"methods": [EMAIL_CODE]}}), 400, code, message)
        refused = api.patch("/sign-in-exp", json={"forgotPasswordMethods": ["EmailVerificationCode"]})
        text = "Forgot password method requires a corresponding email connector to be configured."
        _error(refused, 400, "sign_in_experiences.forgot_password_method_requires_connector", text)


def test_reset_restores_the_configured_experience(api: httpx.Client, mgmt: Running) -> None:
    configured = api.get("/sign-in-exp").json()
    assert api.patch("/sign-in-exp", json={"signIn": {"methods": [EMAIL_BOTH]}}).status_code == 200
    assert httpx.post(f"{mgmt.endpoint}/__harness/reset").status_code == 200
    with _client(mgmt) as fresh:
        assert fresh.get("/sign-in-exp").json() == configured


def test_the_control_route_patches_and_restores(mgmt: Running) -> None:
    url = f"{mgmt.endpoint}/__harness/sign-in-exp"
    well_known = f"{mgmt.endpoint}/api/.well-known/sign-in-exp"
    answer = httpx.patch(url, json={"signIn": {"methods": [EMAIL_BOTH]}})
    assert answer.status_code == 200, answer.text
    assert httpx.get(well_known).json()["signIn"]["methods"] == [EMAIL_BOTH]
    refused = httpx.patch(url, json={"signIn": {"methods": [EMAIL_CODE | {"verificationCode": False}]}})
    assert refused.status_code == 400
    assert refused.json() == {
        "error": "sign_in_experiences.at_least_one_authentication_factor",
        "message": "You have to select at least one authentication factor.",
    }
    not_object = httpx.patch(url, json=[1])
    assert not_object.status_code == 400
    assert not_object.json()["error"] == "invalid_request"
    restored = httpx.delete(url)
    assert restored.status_code == 200
    assert restored.json()["signIn"]["methods"] == [EMAIL_CODE]
    assert httpx.get(well_known).json()["signIn"]["methods"] == [EMAIL_CODE]
