"""Email and phone codes as the second factor in a browser (Logto's ``pages/MfaVerification/
EmailVerificationCode``, ``PhoneVerificationCode``, ``containers/MfaCodeVerification``, ``MfaFactorList``,
``pages/MfaBinding/EmailMfaBinding``): after a password sign-in the code goes to the user's own email (through
Mailgun) or phone (through Logto's Twilio request to fake_mailgun's stand-in) and is read from the mailbox;
a wrong code is refused in Logto's words; an email is bound as the factor through ``/continue/verification-
code``."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from ui_support import assert_accessible, auth_url, exchange, tenant_dict

from fake_logto import Running as LogtoRunning
from fake_logto import Settings as LogtoSettings
from fake_logto import default_twilio_config, parse_config
from fake_logto import serve_in_thread as serve_logto
from fake_mailgun import DEFAULT_TWILIO_ACCOUNT_SID, DEFAULT_TWILIO_AUTH_TOKEN, Running
from harness import Client
from harness._client import Mailbox
from harness._playwright import leaving_sign_in

PASSWORD = "a long passphrase"
EMAIL_USER = {"username": "mailreader", "email": "mail.reader@example.test", "password": PASSWORD}
PHONE_USER = {
    "username": "phonereader",
    "email": "phone.reader@example.test",
    "phone": "12015550142",
    "password": PASSWORD,
}
BARE_USER = {"username": "barereader", "password": PASSWORD}
CODE_MISMATCH = "Invalid verification code."  # errors/verification-code.ts code_mismatch


@pytest.fixture(scope="module")
def logto(mailgun: Running) -> Iterator[LogtoRunning]:
    """Username sign-up; sign-in by username or email and password (no code: the codes are the second
    factor); email and phone codes as mandatory MFA factors; Twilio pointed at fake_mailgun."""
    tenant = tenant_dict(
        mailgun.url,
        sign_up={"identifiers": ["username"], "verify": False, "password": True},
        sign_in=[
            {"identifier": "username", "verification_code": False, "password": True},
            {"identifier": "email", "verification_code": False, "password": True},
        ],
        mfa={"factors": ["EmailVerificationCode", "PhoneVerificationCode"], "policy": "Mandatory"},
    )
    tenant["users"] = [EMAIL_USER, PHONE_USER, BARE_USER]
    config = default_twilio_config(mailgun.url, DEFAULT_TWILIO_ACCOUNT_SID, DEFAULT_TWILIO_AUTH_TOKEN)
    tenant["sms_connector"] = {"kind": "twilio", "config": config}
    with serve_logto(LogtoSettings(port=0), config=parse_config(tenant)) as running:
        yield running


def sign_in(page: Page, logto: LogtoRunning, username: str) -> str:
    url = auth_url(logto)
    page.goto(url)
    page.get_by_label("Username / Email").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    return url


def enter(page: Page, code: str) -> None:
    page.get_by_label("Verification code").fill(code)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_an_email_code_is_the_second_factor_after_a_password_sign_in(
    page: Page, logto: LogtoRunning, mailbox: Mailbox
) -> None:
    """One factor (the user has no phone): straight to its page, the code already sent (use-mfa-error-handler)."""
    newest = mailbox.latest(EMAIL_USER["email"])
    url = sign_in(page, logto, EMAIL_USER["username"])
    expect(page.get_by_role("heading", name="Enter Email verification code")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/mfa-verification/EmailVerificationCode\?app_id=bookstore$"))
    expect(
        page.get_by_text("Please enter the email verification code sent to mail****@example.test.")
    ).to_be_visible()
    expect(page.get_by_role("link", name="Try another method to verify")).to_have_count(0)
    assert_accessible(page)
    message = mailbox.wait_for_message(
        EMAIL_USER["email"], after=newest["id"] if newest else None, timeout=15
    )
    enter(page, wrong(message["code"]))
    expect(page.get_by_role("alert")).to_have_text(CODE_MISMATCH)
    with leaving_sign_in(page) as app:
        enter(page, message["code"])
    assert exchange(logto, url, app.url)["sub"]


def test_a_phone_code_by_twilio_then_switching_to_the_email(
    page: Page, logto: LogtoRunning, mailbox: Mailbox
) -> None:
    """Two factors: the first (the phone) at once; "Try another method" lists both, masked; the email's
    button sends its code."""
    newest = mailbox.latest("+" + PHONE_USER["phone"])
    sign_in(page, logto, PHONE_USER["username"])
    expect(page.get_by_role("heading", name="Enter SMS verification code")).to_be_visible()
    expect(page.get_by_text("Please enter the SMS verification code sent to ****0142.")).to_be_visible()
    sms = mailbox.wait_for_message(
        "+" + PHONE_USER["phone"], after=newest["id"] if newest else None, timeout=15
    )
    assert sms["source"] == "twilio"
    assert sms["text"].startswith("Your Logto MFA verification code is ")
    page.get_by_role("link", name="Try another method to verify").click()
    expect(page.get_by_role("heading", name="2-step verification", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="SMS verification code Send to ****0142")).to_be_visible()
    assert_accessible(page)
    with mailbox.expect_message(PHONE_USER["email"]) as sent:
        page.get_by_role("button", name="Email verification code Send to phon****@example.test").click()
    expect(page.get_by_role("heading", name="Enter Email verification code")).to_be_visible()
    with leaving_sign_in(page):
        enter(page, sent.code)


def test_a_phone_code_is_the_second_factor(page: Page, logto: LogtoRunning, mailbox: Mailbox) -> None:
    newest = mailbox.latest("+" + PHONE_USER["phone"])
    url = sign_in(page, logto, PHONE_USER["username"])
    expect(page.get_by_role("heading", name="Enter SMS verification code")).to_be_visible()
    code = mailbox.wait_for_code(
        "+" + PHONE_USER["phone"], after=newest["id"] if newest else None, timeout=15
    )
    with leaving_sign_in(page) as app:
        enter(page, code)
    assert exchange(logto, url, app.url)["sub"]


def test_an_email_is_bound_as_the_factor(page: Page, logto: LogtoRunning, mailbox: Mailbox) -> None:
    """user.missing_mfa with two factors: the list; the email's page takes the address, its code is
    checked on /continue/verification-code, which binds it (the next sign-in asks a code to it)."""
    address = "bare.reader@example.test"
    sign_in(page, logto, BARE_USER["username"])
    expect(page.get_by_role("heading", name="Add 2-step verification")).to_be_visible()
    page.get_by_role("button", name="Email verification code Link your email address").click()
    expect(page.get_by_role("heading", name="Link your email address")).to_be_visible()
    assert_accessible(page)
    with mailbox.expect_message(address) as sent:
        page.get_by_label("Email", exact=True).fill(address)
        page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/continue/verification-code"))
    with leaving_sign_in(page):
        page.get_by_label("Verification code").fill(sent.code)
    second = page.context.new_page()
    page.context.clear_cookies()
    with mailbox.expect_message(address):
        sign_in(second, logto, BARE_USER["username"])
    expect(second.get_by_role("heading", name="Enter Email verification code")).to_be_visible()


def test_another_factor_is_suggested_after_an_email_sign_up(
    page: Page, logto: LogtoRunning, mailbox: Mailbox, harness_client: Client
) -> None:
    """session.mfa.suggest_additional_mfa (the new user's email is a factor, TOTP is configured too): the list
    "Add another 2-step verification", the email's button disabled with its masked address, and "Skip"
    (useSkipOptionalMfa) signs in."""
    address = f"new-{uuid.uuid4().hex[:8]}@example.test"
    harness_client.logto.patch_sign_in_experience(
        {
            "signUp": {"identifiers": ["email"], "password": True, "verify": True},
            "mfa": {"factors": ["EmailVerificationCode", "Totp"], "policy": "Mandatory"},
        }
    )
    try:
        url = auth_url(logto)
        page.goto(url)
        page.get_by_role("link", name="Create account").click()
        with mailbox.expect_message(address) as sent:
            page.get_by_label("Email", exact=True).fill(address)
            page.get_by_role("button", name="Create account").click()
        page.get_by_label("Verification code").fill(sent.code)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Save password").click()
        expect(page.get_by_role("heading", name="Add another 2-step verification")).to_be_visible()
        email = page.get_by_role(
            "button", name=f"Email verification code Send to {address[:4]}****@example.test"
        )
        expect(email).to_be_disabled()
        expect(
            page.get_by_role("button", name="Authenticator app OTP E.g., Google Authenticator, etc.")
        ).to_be_enabled()
        assert_accessible(page)
        with leaving_sign_in(page) as app:
            page.get_by_role("button", name="Skip").click()
        assert exchange(logto, url, app.url)["sub"]
    finally:
        harness_client.logto.restore_sign_in_experience()
