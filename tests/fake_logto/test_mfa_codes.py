"""Email and phone codes as MFA factors over HTTP, as Logto's (``verification-code.ts``
``mfa-verification-code``, ``classes/helpers.ts`` ``getProfileMfaFactors``, ``classes/mfa.ts``,
``profile-routes.ts``): a password sign-in asked for a code sent to the user's own email / phone (Twilio's
stand-in), binding a verified email / phone as the factor, the suggestion to add another factor, and
every refusal with Logto's status and body."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from logto_support import auth_url, tenant_dict
from management_support import api_client, with_admin

from fake_logto import Running as LogtoRunning
from fake_logto import Settings as LogtoSettings
from fake_logto import default_twilio_config, parse_config, paths
from fake_logto import serve_in_thread as serve_logto
from fake_mailgun import DEFAULT_TWILIO_ACCOUNT_SID, DEFAULT_TWILIO_AUTH_TOKEN, Running
from harness._errors import ExperienceError
from harness._experience import ExperienceClient

PASSWORD = "correct horse battery"
# Email sign-in by password only: an email code may then be an MFA factor (validateMfa).
EXPERIENCE = {
    "sign_up": {"identifiers": ["email"], "verify": True, "password": True},
    "sign_in": [
        {"identifier": "email", "verification_code": False, "password": True},
        {"identifier": "username", "verification_code": False, "password": True},
    ],
}


@pytest.fixture(scope="module")
def logto(mailgun: Running) -> Iterator[LogtoRunning]:
    base = default_twilio_config(mailgun.url, DEFAULT_TWILIO_ACCOUNT_SID, DEFAULT_TWILIO_AUTH_TOKEN)
    data = tenant_dict(
        mailgun.url, sign_in_experience=EXPERIENCE, sms_connector={"kind": "twilio", "config": base}
    )
    with serve_logto(LogtoSettings(port=0), config=parse_config(with_admin(data))) as running:
        yield running


@pytest.fixture(scope="module")
def api(logto: LogtoRunning) -> Iterator[httpx.Client]:
    with api_client(logto.endpoint) as client:
        yield client


@pytest.fixture
def browser(logto: LogtoRunning) -> Iterator[ExperienceClient]:
    with ExperienceClient(logto.endpoint) as client:
        yield client


def set_mfa(api: httpx.Client, factors: list[str], policy: str = "Mandatory") -> None:
    response = api.patch("/sign-in-exp", json={"mfa": {"factors": factors, "policy": policy}})
    assert response.status_code == 200, response.text


def new_user(api: httpx.Client, *, email: bool = True, phone: bool = False) -> dict[str, str]:
    tag = uuid.uuid4().hex[:10]
    profile = {"username": f"u{tag}", "password": PASSWORD}
    if email:
        profile["primaryEmail"] = f"mfa-{tag}@example.test"
    if phone:
        profile["primaryPhone"] = f"1201555{secrets.randbelow(10_000):04d}"
    response = api.post("/users", json=profile)
    assert response.status_code == 200, response.text
    return {**profile, "id": response.json()["id"]}


def message_to(mailgun: Running, to: str) -> dict[str, Any]:
    """The next message to ``to`` (an email address, or ``+`` and the number), by the server-side wait."""
    r = httpx.get(f"{mailgun.url}/__harness/messages/wait", params={"to": to, "timeout": 10}, timeout=15)
    assert r.status_code == 200, r.text
    message: dict[str, Any] = r.json()
    return message


def sign_in(browser: ExperienceClient, logto: LogtoRunning, user: dict[str, str]) -> None:
    """Started and identified by username and password, not yet submitted."""
    browser.start(auth_url(logto))
    browser.set_event("SignIn")
    browser.identify(browser.verify_password("username", user["username"], PASSWORD))


def refused(call: Any, status: int, code: str) -> dict[str, Any]:
    with pytest.raises(ExperienceError) as caught:
        call()
    assert (caught.value.status, caught.value.code) == (status, code), caught.value.body
    body: dict[str, Any] = caught.value.body
    return body


def records(browser: ExperienceClient) -> list[dict[str, Any]]:
    body = browser.http.get(browser.endpoint + paths.EXPERIENCE_INTERACTION).json()
    found: list[dict[str, Any]] = body["verificationRecords"]
    return found


# --- the sign-in's second factor ------------------------------------------------------------------------
def test_an_email_code_is_the_second_factor_of_a_password_sign_in(
    api: httpx.Client, logto: LogtoRunning, mailgun: Running, browser: ExperienceClient
) -> None:
    set_mfa(api, ["EmailVerificationCode"])
    user = new_user(api)
    sign_in(browser, logto, user)
    body = refused(browser.submit, 403, "session.mfa.require_mfa_verification")
    masked = user["primaryEmail"][:4] + "****@example.test"
    assert body["data"] == {
        "availableFactors": ["EmailVerificationCode"],
        "maskedIdentifiers": {"EmailVerificationCode": masked},
    }
    verification_id = browser.send_mfa_code("email")
    code = message_to(mailgun, user["primaryEmail"])["code"]
    assert browser.verify_mfa_code("email", verification_id, code) == verification_id
    assert records(browser)[-1] == {
        "id": verification_id,
        "type": "MfaEmailVerificationCode",
        "identifier": {"type": "email", "value": user["primaryEmail"]},
        "templateType": "MfaVerification",
        "verified": True,
    }
    redirect_to = browser.submit()
    assert redirect_to is not None
    assert "code=" in browser.finish(redirect_to)


def test_a_phone_code_by_twilio_is_the_second_factor(
    api: httpx.Client, logto: LogtoRunning, mailgun: Running, browser: ExperienceClient
) -> None:
    set_mfa(api, ["PhoneVerificationCode", "EmailVerificationCode"])
    user = new_user(api, phone=True)
    sign_in(browser, logto, user)
    body = refused(browser.submit, 403, "session.mfa.require_mfa_verification")
    assert body["data"]["availableFactors"] == ["PhoneVerificationCode", "EmailVerificationCode"]
    assert body["data"]["maskedIdentifiers"]["PhoneVerificationCode"] == "****" + user["primaryPhone"][-4:]
    verification_id = browser.send_mfa_code("phone")
    sms = message_to(mailgun, "+" + user["primaryPhone"])
    assert sms["source"] == "twilio"
    assert "MFA verification code" in sms["text"]  # the Twilio package's MfaVerification template
    browser.verify_mfa_code("phone", verification_id, sms["code"])
    assert browser.submit() is not None


def test_a_wrong_code_is_refused_and_mfa_still_required(
    api: httpx.Client, logto: LogtoRunning, mailgun: Running, browser: ExperienceClient
) -> None:
    set_mfa(api, ["EmailVerificationCode"])
    user = new_user(api)
    sign_in(browser, logto, user)
    verification_id = browser.send_mfa_code("email")
    code = message_to(mailgun, user["primaryEmail"])["code"]
    wrong = "000000" if code != "000000" else "111111"
    refused(
        lambda: browser.verify_mfa_code("email", verification_id, wrong),
        400,
        "verification_code.code_mismatch",
    )
    refused(lambda: browser.verify_mfa_code("email", verification_id, ""), 400, "verification_code.not_found")
    refused(browser.submit, 403, "session.mfa.require_mfa_verification")


def test_mfa_code_routes_refuse_as_logto(
    api: httpx.Client, logto: LogtoRunning, mailgun: Running, browser: ExperienceClient
) -> None:
    set_mfa(api, ["EmailVerificationCode", "PhoneVerificationCode"])
    user = new_user(api)
    browser.start(auth_url(logto))
    browser.set_event("SignIn")
    refused(lambda: browser.send_mfa_code("email"), 400, "session.identifier_not_found")
    browser.identify(browser.verify_password("username", user["username"], PASSWORD))
    refused(lambda: browser.send_mfa_code("phone"), 400, "session.mfa.mfa_factor_not_enabled")  # no phone
    refused(lambda: browser.send_mfa_code("username"), 400, "guard.invalid_input")
    verification_id = browser.send_mfa_code("email")
    refused(
        lambda: browser.verify_mfa_code("phone", verification_id, "123456"),
        404,
        "session.verification_session_not_found",
    )
    refused(
        lambda: browser.verify_mfa_code("email", "nope", "123456"),
        404,
        "session.verification_session_not_found",
    )
    # the sign-in code route does not take an MFA record, nor the MFA route a sign-in record
    refused(
        lambda: browser.verify_code(user["primaryEmail"], verification_id, "123456"),
        404,
        "session.verification_session_not_found",
    )
    sign_in_code = browser.send_code(user["primaryEmail"], "SignIn")
    refused(
        lambda: browser.verify_mfa_code("email", sign_in_code, "123456"),
        404,
        "session.verification_session_not_found",
    )
    refused(lambda: browser.identify(verification_id), 400, "session.verification_failed")


def test_a_code_of_a_factor_the_tenant_does_not_enable_is_no_mfa(
    api: httpx.Client, logto: LogtoRunning, mailgun: Running, browser: ExperienceClient
) -> None:
    """isMfaVerified counts only records of the user's enabled factors: with only the phone factor on, a
    code to the user's email is sent and checked, and is no second factor."""
    set_mfa(api, ["PhoneVerificationCode"])
    user = new_user(api, phone=True)
    sign_in(browser, logto, user)
    verification_id = browser.send_mfa_code("email")
    browser.verify_mfa_code("email", verification_id, message_to(mailgun, user["primaryEmail"])["code"])
    body = refused(browser.submit, 403, "session.mfa.require_mfa_verification")
    assert body["data"]["availableFactors"] == ["PhoneVerificationCode"]


# --- binding --------------------------------------------------------------------------------------------
def verified_email(browser: ExperienceClient, mailgun: Running, email: str, event: str) -> str:
    verification_id = browser.send_code(email, event)
    return browser.verify_code(email, verification_id, message_to(mailgun, email)["code"])


def test_a_phone_is_bound_as_the_factor_at_sign_in(
    api: httpx.Client, logto: LogtoRunning, mailgun: Running, browser: ExperienceClient
) -> None:
    """email-phone.test.ts "should bind Phone MFA on sign-in": the phone (no sign-up identifier here, so
    its code's template is BindMfa) becomes the user's, and the interaction needs no second code."""
    set_mfa(api, ["PhoneVerificationCode"])
    user = new_user(api)
    sign_in(browser, logto, user)
    body = refused(browser.submit, 422, "user.missing_mfa")
    assert body["data"] == {"availableFactors": ["PhoneVerificationCode"]}
    number = f"1201555{secrets.randbelow(10_000):04d}"
    unverified = browser.send_code(number, "SignIn", identifier_type="phone")
    sms = message_to(mailgun, "+" + number)
    assert "2-step verification setup code" in sms["text"]  # template BindMfa
    refused(lambda: browser.bind_mfa("PhoneVerificationCode", unverified), 400, "session.verification_failed")
    refused(
        lambda: browser.bind_mfa("EmailVerificationCode", unverified),
        404,
        "session.verification_session_not_found",
    )
    refused(
        lambda: browser.bind_mfa("PhoneVerificationCode", "nope"),
        404,
        "session.verification_session_not_found",
    )
    browser.verify_code(number, unverified, sms["code"], identifier_type="phone")
    browser.bind_mfa("PhoneVerificationCode", unverified)
    mfa_record = records(browser)[-1]
    assert (mfa_record["type"], mfa_record["verified"], mfa_record["identifier"]) == (
        "MfaPhoneVerificationCode",
        True,
        {"type": "phone", "value": number},
    )
    assert browser.submit() is not None
    assert api.get(f"/users/{user['id']}").json()["primaryPhone"] == number
    assert api.get(f"/users/{user['id']}/mfa-verifications").json() == []  # implicit: no stored entry
    with ExperienceClient(logto.endpoint) as again:  # the next sign-in asks for a code to that phone
        sign_in(again, logto, user)
        body = refused(again.submit, 403, "session.mfa.require_mfa_verification")
        assert body["data"]["maskedIdentifiers"] == {"PhoneVerificationCode": "****" + number[-4:]}


def test_an_email_factor_and_backup_codes_are_both_required(
    api: httpx.Client, logto: LogtoRunning, mailgun: Running, browser: ExperienceClient
) -> None:
    set_mfa(api, ["EmailVerificationCode", "BackupCode"])
    user = new_user(api, email=False)
    sign_in(browser, logto, user)
    email = f"bind-{uuid.uuid4().hex[:8]}@example.test"
    browser.bind_mfa("EmailVerificationCode", verified_email(browser, mailgun, email, "SignIn"))
    refused(browser.submit, 422, "session.mfa.backup_code_required")
    browser.bind_mfa("BackupCode", browser.generate_backup_codes()["verificationId"])
    assert browser.submit() is not None


def test_another_factor_is_suggested_after_an_email_sign_up(
    api: httpx.Client, logto: LogtoRunning, mailgun: Running, browser: ExperienceClient
) -> None:
    """mfa-suggestion.test.ts: email is the sign-up identifier and an MFA factor; TOTP is suggested."""
    set_mfa(api, ["EmailVerificationCode", "Totp"])
    email = f"new-{uuid.uuid4().hex[:8]}@example.test"
    browser.start(auth_url(logto))
    browser.set_event("Register")
    verification_id = verified_email(browser, mailgun, email, "Register")
    browser.add_profile(type="password", value=PASSWORD)
    browser.identify(verification_id)
    body = refused(browser.submit, 422, "session.mfa.suggest_additional_mfa")
    assert body["data"] == {
        "availableFactors": ["Totp", "EmailVerificationCode"],
        "maskedIdentifiers": {"EmailVerificationCode": email[:4] + "****@example.test"},
        "isWebAuthnUsedAsSignInPasskey": False,
        "skippable": True,
        "suggestion": True,
    }
    browser.skip_mfa_suggestion()
    assert browser.submit() is not None
    with ExperienceClient(logto.endpoint) as again:  # skipped for good: the next sign-in only verifies
        again.start(auth_url(logto))
        again.set_event("SignIn")
        again.identify(again.verify_password("email", email, PASSWORD))
        refused(again.submit, 403, "session.mfa.require_mfa_verification")
        mfa_id = again.send_mfa_code("email")
        again.verify_mfa_code("email", mfa_id, message_to(mailgun, email)["code"])
        assert again.submit() is not None


def test_mfa_at_sign_up_is_the_verified_sign_up_email(
    api: httpx.Client, logto: LogtoRunning, mailgun: Running, browser: ExperienceClient
) -> None:
    """email-with-signup.test.ts: the new user's email is their factor; an MFA code to it passes."""
    set_mfa(api, ["EmailVerificationCode"])
    email = f"new-{uuid.uuid4().hex[:8]}@example.test"
    browser.start(auth_url(logto))
    browser.set_event("Register")
    verification_id = verified_email(browser, mailgun, email, "Register")
    browser.add_profile(type="password", value=PASSWORD)
    browser.identify(verification_id)
    mfa_id = browser.send_mfa_code("email")
    browser.verify_mfa_code("email", mfa_id, message_to(mailgun, email)["code"])
    assert browser.submit() is not None
