"""Register, sign in by email code, the claims page, sign out and the refresh grant — through each sample
app's own pages and fake_logto's sign-in pages, in headless Chromium."""

from __future__ import annotations

import uuid

from e2e_support import (
    REGISTER,
    SIGN_IN,
    SIGNED_OUT,
    cell,
    expect_app_holds_no_tokens,
    expect_signed_in,
    follow,
    open_home,
)
from playwright.sync_api import Page, expect

from harness._harness import Harness
from harness._playwright import register, sign_in_with_email_code


def new_address() -> str:
    return f"e2e-{uuid.uuid4().hex[:12]}@example.test"


def app_url(harness: Harness) -> str:
    assert harness.app_url is not None
    return harness.app_url


def test_register_from_the_home_page(page: Page, app_harness: Harness) -> None:
    address, url = new_address(), app_url(app_harness)
    open_home(page, url)
    follow(page, "Register", REGISTER)
    register(page, address, app_harness.client.mailbox)
    expect_signed_in(page, url, address)
    (user,) = [u for u in app_harness.client.logto.users.list() if u["primaryEmail"] == address]
    assert user["id"]


def test_existing_user_signs_in_by_email_code_and_sees_the_claims(page: Page, app_harness: Harness) -> None:
    address, url = new_address(), app_url(app_harness)
    user = app_harness.client.logto.users.create(email=address)
    open_home(page, url)
    follow(page, "Sign in", SIGN_IN)
    sign_in_with_email_code(page, address, app_harness.client.mailbox)
    expect_signed_in(page, url, address)

    page.get_by_role("link", name="Profile").click()
    for table in ("id-token-claims", "userinfo"):
        expect(cell(page, table, "sub")).to_have_text(user["id"])
        expect(cell(page, table, "email")).to_have_text(address)
        expect(cell(page, table, "email_verified")).to_have_text("true")


def test_sign_out_ends_both_sessions_and_the_next_sign_in_asks_for_a_code(
    page: Page, app_harness: Harness
) -> None:
    address, url = new_address(), app_url(app_harness)
    mailbox = app_harness.client.mailbox
    open_home(page, url)
    follow(page, "Register", REGISTER)
    register(page, address, mailbox)
    expect_signed_in(page, url, address)

    # The app's /sign-out → Logto's end-session page (it submits itself) → the app's home.
    page.get_by_role("link", name="Sign out").click()
    expect(page.locator("#auth-state")).to_have_text(SIGNED_OUT)
    expect(page).to_have_url(url + "/")
    expect_app_holds_no_tokens(page, app_harness)
    assert "_session" not in [c["name"] for c in page.context.cookies()], "the Logto session is gone"

    # No silent SSO: "Sign in" shows Logto's sign-in page, and a new code is needed.
    sent = len(mailbox.messages(address))
    follow(page, "Sign in", SIGN_IN)
    sign_in_with_email_code(page, address, mailbox)
    expect_signed_in(page, url, address)
    assert len(mailbox.messages(address)) == sent + 1


def test_profile_userinfo_survives_the_access_token_expiring(page: Page, app_harness: Harness) -> None:
    """Last in the module: it moves the tenant clock an hour on."""
    address, url = new_address(), app_url(app_harness)
    open_home(page, url)
    follow(page, "Register", REGISTER)
    register(page, address, app_harness.client.mailbox)
    expect_signed_in(page, url, address)
    page.goto(url + "/profile")
    sub = cell(page, "userinfo", "sub").inner_text()
    expect(page.locator("#userinfo-note")).to_have_count(0)

    app_harness.client.logto.advance_clock(3700)  # the access token lives an hour on Logto's clock
    page.reload()
    expect(page.locator("#userinfo-note")).to_have_text(
        "The access token was rejected: refreshed it and retried."
    )
    expect(cell(page, "userinfo", "sub")).to_have_text(sub)
    expect(cell(page, "userinfo", "email")).to_have_text(address)
    page.reload()  # the refreshed token is kept: no second refresh
    expect(cell(page, "userinfo", "email")).to_have_text(address)
    expect(page.locator("#userinfo-note")).to_have_count(0)
