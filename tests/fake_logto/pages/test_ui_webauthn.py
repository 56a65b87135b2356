"""Passkeys in the browser: under a policy that makes WebAuthn the one mandatory factor, a passkey created
at sign-up on ``/mfa-binding/WebAuthn`` and used at the next sign-in on ``/mfa-verification/WebAuthn``,
through Chromium's virtual authenticator (:func:`harness.playwright.virtual_authenticator`) — the fake on
``http://localhost:PORT``, a host name a relying party may have (an IP address may not)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from ui_support import assert_accessible, auth_url, exchange, tenant_dict

from fake_logto import Running as LogtoRunning
from fake_logto import Settings as LogtoSettings
from fake_logto import parse_config
from fake_logto import serve_in_thread as serve_logto
from fake_mailgun import Running
from harness import Client
from harness._client import Mailbox
from harness.playwright import VirtualAuthenticator, leaving_sign_in, virtual_authenticator

WEBAUTHN_ONLY = {"factors": ["WebAuthn"], "policy": "Mandatory"}
# Logto's words (packages/phrases/src/locales/en/errors: user.missing_mfa, session.mfa.require_mfa_verification)
MISSING_MFA = "You need to bind additional MFA before signing-in."
REQUIRE_MFA = "Mfa verification is required to sign in."


@pytest.fixture(scope="module")
def logto(mailgun: Running) -> Iterator[LogtoRunning]:
    """This module's tenant: WebAuthn the one factor, mandatory."""
    config = parse_config(tenant_dict(mailgun.url, mfa=WEBAUTHN_ONLY))
    with serve_logto(LogtoSettings(port=0), config=config) as running:
        yield running


@pytest.fixture
def authenticator(page: Page) -> Iterator[VirtualAuthenticator]:
    with virtual_authenticator(page) as added:
        yield added


def to_passkey_page(page: Page, logto: LogtoRunning, path: str, said: str) -> None:
    """The sign-in UI goes to the WebAuthn page at ``path`` itself when WebAuthn is the only factor (Logto's
    ``use-mfa-error-handler``: one factor, its page at once), after the submit's MFA error (``said``)."""
    del said
    target = page.get_by_role("heading", level=1, name=re.compile("Create a passkey|2-step verification"))
    expect(target).to_be_visible()
    expect(page).to_have_url(re.compile(re.escape(f"{logto.endpoint}{path}")))


def register_by_code(page: Page, address: str, mailbox: Mailbox) -> None:
    page.get_by_role("link", name="Create account").click()
    with mailbox.expect_message(address) as sent:
        page.get_by_label("Email", exact=True).fill(address)
        page.get_by_role("button", name="Create account", exact=True).click()
    page.get_by_label("Verification code").fill(sent.code)


def sign_in_by_code(page: Page, address: str, mailbox: Mailbox) -> None:
    """As :func:`harness.playwright.sign_in_with_email_code`, up to the code (the flow stops after it)."""
    with mailbox.expect_message(address) as sent:
        page.get_by_label("Email / Username").fill(address)
        page.get_by_role("button", name="Sign in", exact=True).click()
        use_code = page.get_by_role("link", name="Sign in with verification code")
        expect(page.get_by_label("Verification code").or_(use_code)).to_be_visible()
        if use_code.is_visible():
            use_code.click()
    page.get_by_label("Verification code").fill(sent.code)


def test_passkey_created_at_sign_up_then_used_at_sign_in(
    page: Page,
    logto: LogtoRunning,
    mailbox: Mailbox,
    harness_client: Client,
    authenticator: VirtualAuthenticator,
    address: str,
) -> None:
    url = auth_url(logto)
    page.goto(url)
    register_by_code(page, address, mailbox)
    to_passkey_page(page, logto, "/mfa-binding/WebAuthn", MISSING_MFA)
    expect(page.get_by_role("heading", name="Create a passkey", level=1)).to_be_visible()
    assert_accessible(page)
    create = page.get_by_role("button", name="Create a passkey")
    expect(create).to_be_enabled()  # the options are in
    with leaving_sign_in(page) as departure:
        create.click()
    claims = exchange(logto, url, departure.url)
    assert claims["email"] == address
    held = authenticator.credentials()
    assert [(c["rpId"], c["isResidentCredential"], c["signCount"]) for c in held] == [("localhost", True, 1)]
    (passkey,) = harness_client.logto.user_mfa(claims["sub"])["passkeys"]
    assert (passkey["rpId"], passkey["counter"], passkey["transports"]) == ("localhost", 1, ["internal"])

    url = auth_url(logto, prompt="login")  # a new sign-in, not the session's
    page.goto(url)
    sign_in_by_code(page, address, mailbox)
    to_passkey_page(page, logto, "/mfa-verification/WebAuthn", REQUIRE_MFA)
    expect(page.get_by_role("heading", name="Verify via passkey", level=2)).to_be_visible()
    assert_accessible(page)
    verify = page.get_by_role("button", name="Verify via passkey")
    expect(verify).to_be_enabled()
    with leaving_sign_in(page) as departure:
        verify.click()
    assert exchange(logto, url, departure.url)["sub"] == claims["sub"]
    assert authenticator.credentials()[0]["signCount"] == 2
    assert harness_client.logto.user_mfa(claims["sub"])["passkeys"][0]["counter"] == 2  # kept by the fake


def test_a_lost_passkey_is_refused_in_words(
    page: Page, logto: LogtoRunning, mailbox: Mailbox, authenticator: VirtualAuthenticator, address: str
) -> None:
    page.goto(auth_url(logto))
    register_by_code(page, address, mailbox)
    to_passkey_page(page, logto, "/mfa-binding/WebAuthn", MISSING_MFA)
    with leaving_sign_in(page):
        page.get_by_role("button", name="Create a passkey").click()
    authenticator.clear()  # the device is gone: the browser has no credential the options allow

    page.goto(auth_url(logto, prompt="login"))
    sign_in_by_code(page, address, mailbox)
    to_passkey_page(page, logto, "/mfa-verification/WebAuthn", REQUIRE_MFA)
    verify = page.get_by_role("button", name="Verify via passkey")
    expect(verify).to_be_enabled()
    verify.click()
    # mfa.webauthn_failed_to_verify (packages/phrases-experience), Logto's toast
    expect(page.get_by_role("status")).to_have_text("Failed to verify. Please try again.")
    expect(page).to_have_url(re.compile(r"/mfa-verification/WebAuthn"))


def test_without_an_interaction_the_pages_say_so(page: Page, logto: LogtoRunning) -> None:
    page.goto(f"{logto.endpoint}/mfa-binding/WebAuthn")
    expect(page).to_have_url(re.compile(r"/unknown-session"))
