"""The pages one by one: an accessibility walk through every page of the sign-in UI (with its errors
showing), the unknown-session page in each way a browser lands there, and /consent before sign-in.

``UI_SCREENSHOTS=<dir>`` makes the walk save a screenshot of each page there (to look at the design).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from playwright.sync_api import Browser, Page, expect
from ui_support import assert_accessible, auth_url

from fake_logto import Running as LogtoRunning
from harness import Client
from harness._client import Mailbox
from harness._playwright import register


def shoot(page: Page, name: str) -> None:
    out = os.environ.get("UI_SCREENSHOTS")
    if out:
        page.screenshot(path=Path(out) / f"ui-{name}.png", full_page=True)


def check(page: Page, name: str, heading: str) -> None:
    expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
    assert_accessible(page)
    shoot(page, name)


def test_every_page_is_accessible(
    page: Page, logto: LogtoRunning, mailbox: Mailbox, harness_client: Client, address: str
) -> None:
    harness_client.logto.users.create(email=address, password="the old password")
    page.goto(auth_url(logto))
    check(page, "sign-in", "Sign in to your account")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text("email or username is required")
    check(page, "sign-in-error", "Sign in to your account")

    page.get_by_label("Email / Username").fill(address)
    page.get_by_role("button", name="Sign in", exact=True).click()
    check(page, "sign-in-password", "Enter password")
    expect(page.get_by_text(f"Sign in with the password to email {address}")).to_be_visible()
    page.get_by_label("Password", exact=True).fill("wrong password")
    page.get_by_role("button", name="Continue", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text("Incorrect account or password. Please check your input.")
    check(page, "sign-in-password-error", "Enter password")

    page.get_by_role("link", name="Sign in with verification code").click()
    check(page, "sign-in-verification-code", "Verify your email")
    wrong = "000000" if mailbox.wait_for_code(address) != "000000" else "1" * 6
    page.get_by_label("Verification code").fill(wrong)
    expect(page.get_by_role("alert")).to_have_text("Invalid verification code.")
    check(page, "verification-code-error", "Verify your email")

    page.get_by_role("button", name="Back").click()  # Logto's nav bar: back to the password page
    check(page, "sign-in-password-again", "Enter password")
    page.get_by_role("link", name="Forgot your password?").click()
    check(page, "forgot-password", "Reset password")
    expect(page.get_by_label("Email")).to_have_value(address)
    after = mailbox.messages(address, 1)[0]["id"]
    page.get_by_role("button", name="Continue").click()
    check(page, "forgot-password-verification-code", "Verify your email")
    page.get_by_label("Verification code").fill(mailbox.wait_for_code(address, after=after))
    check(page, "forgot-password-reset", "New password")

    page.goto("/sign-in")
    page.get_by_role("link", name="Create account").click()
    check(page, "register", "Create your account")
    page.goto("/continue/password")
    check(page, "continue-password", "Set password")
    page.goto("/register/password")
    check(page, "register-password", "New password")
    page.goto("/unknown-session?app_id=bookstore")
    check(page, "unknown-session", "Session not found")
    page.goto("/oidc/session/end/success?client_id=bookstore")
    check(page, "sign-out-success", "Sign-out success")


def test_pages_without_an_interaction_go_to_unknown_session(browser: Browser, logto: LogtoRunning) -> None:
    with browser.new_context(base_url=logto.endpoint) as context:  # no interaction cookie
        page = context.new_page()
        for path in ("/sign-in", "/register", "/sign-in/verification-code", "/forgot-password/reset"):
            page.goto(path)
            expect(page).to_have_url(re.compile(r"/unknown-session$"))
            expect(page.get_by_role("heading", name="Session not found")).to_be_visible()
        expect(page.get_by_text("Go back to the app and sign in again.")).to_be_visible()
        expect(page.get_by_role("button", name="Go back")).to_be_visible()


def test_finished_interaction_lands_on_unknown_session(
    page: Page, logto: LogtoRunning, mailbox: Mailbox, address: str
) -> None:
    register(page, address, mailbox, auth_url=auth_url(logto))
    page.goto("/register/verification-code")  # as a reload of the last page would: its interaction is over
    expect(page).to_have_url(re.compile(r"/unknown-session$"))
    expect(page.get_by_role("heading", name="Session not found")).to_be_visible()


def test_interaction_expiring_on_the_page_says_the_session_is_gone(
    page: Page, logto: LogtoRunning, harness_client: Client, address: str
) -> None:
    """The API answers 400 session.not_found; Logto's experience app shows the message of an error no
    caller handles (packages/experience/src/hooks/use-error-handler.ts), it does not navigate."""
    page.goto(auth_url(logto, first_screen="register"))
    harness_client.logto.advance_clock(3601)  # interactions live an hour
    page.get_by_label("Email").fill(address)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("alert")).to_have_text("Session not found. Please go back and sign in again.")
    expect(page).to_have_url(re.compile(r"/register\?app_id=bookstore$"))


def test_consent_before_sign_in_is_logtos_session_not_found(page: Page, logto: LogtoRunning) -> None:
    """For a first-party app ``/consent`` is Logto's auto-consent (packages/core/src/middleware/
    koa-auto-consent.ts): with an interaction but no signed-in session, 400 ``session.not_found``."""
    page.goto(auth_url(logto))
    answer = page.goto("/consent")
    assert answer is not None
    assert answer.status == 400
    assert answer.json() == {
        "code": "session.not_found",
        "message": "Session not found. Please go back and sign in again.",
    }
