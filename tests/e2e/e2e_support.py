"""What the sample-app suites share: the app's pages as a person reads them."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

SIGNED_IN = "You are signed in."
SIGNED_OUT = "You are not signed in."
WRONG_CODE = "Invalid verification code."  # verification_code.code_mismatch (packages/phrases)
SIGN_IN = "Sign in to your account"  # the sign-in pages' titles (packages/phrases-experience)
REGISTER = "Create your account"


def open_home(page: Page, app_url: str) -> None:
    page.goto(app_url + "/")
    expect(page.locator("#auth-state")).to_have_text(SIGNED_OUT)


def expect_signed_in(page: Page, app_url: str, address: str) -> None:
    """Back on the app's home page (after its callback), signed in as ``address``."""
    expect(page.locator("#auth-state")).to_have_text(SIGNED_IN)
    expect(page).to_have_url(app_url + "/")
    expect(page.locator("#email")).to_have_text(address)


def follow(page: Page, link: str, heading: str) -> None:
    """Click the app's ``link``; the sign-in UI's page ``heading`` shows."""
    page.get_by_role("link", name=link, exact=True).click()
    expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()


def start_registration(page: Page, app_url: str, address: str) -> None:
    """Home → "Register" → the register page → ``address`` → the code page."""
    open_home(page, app_url)
    follow(page, "Register", REGISTER)
    page.get_by_label("Email", exact=True).fill(address)
    page.get_by_role("button", name="Create account", exact=True).click()
    expect(page.get_by_role("heading", name="Verify your email")).to_be_visible()


def enter_code(page: Page, code: str) -> None:
    """Type the code in: the page submits itself once its last digit is in."""
    page.get_by_label("Verification code").fill(code)


def other_code(code: str) -> str:
    return f"{(int(code) + 1) % 10 ** len(code):0{len(code)}d}"


def cell(page: Page, table: str, name: str) -> Locator:
    """The value shown for ``name`` in the profile page's ``table`` (``id-token-claims``, ``userinfo``)."""
    row = page.locator(f"#{table} tr").filter(has=page.locator("th", has_text=re.compile(rf"^{name}$")))
    return row.locator("td")
