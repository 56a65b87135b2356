"""Every flow of the sign-in pages, from a real ``/oidc/auth`` request to the app's redirect URI with a
code the token endpoint accepts — driven by the harness's Playwright helpers, which use labels and roles
only and read codes from the mailbox's server-side wait."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from ui_support import PASSWORD_USER, auth_url, exchange

from fake_logto import Running as LogtoRunning
from harness import Client
from harness._client import Mailbox
from harness._playwright import (
    SignInFailed,
    leaving_sign_in,
    register,
    reset_password,
    sign_in_with_email_code,
    sign_in_with_password,
)

# session.invalid_credentials (packages/phrases/src/locales/en/errors/session.ts)
INCORRECT = "Incorrect account or password. Please check your input."


def test_register(page: Page, logto: LogtoRunning, mailbox: Mailbox, address: str) -> None:
    url = auth_url(logto)
    page.goto(url)
    expect(page).to_have_url(re.compile(r"/sign-in\?app_id=bookstore"))
    callback = register(page, address, mailbox)
    assert exchange(logto, url, callback)["email"] == address


def test_sign_in_with_email_code(
    page: Page, logto: LogtoRunning, mailbox: Mailbox, harness_client: Client, address: str
) -> None:
    user = harness_client.logto.users.create(email=address)
    url = auth_url(logto)
    callback = sign_in_with_email_code(page, address, mailbox, auth_url=url)
    claims = exchange(logto, url, callback)
    assert (claims["sub"], claims["email"]) == (user["id"], address)


def test_sign_in_with_email_and_password(
    page: Page, logto: LogtoRunning, harness_client: Client, address: str
) -> None:
    user = harness_client.logto.users.create(email=address, password="a long passphrase")
    url = auth_url(logto)
    callback = sign_in_with_password(page, address, "a long passphrase", auth_url=url)
    assert exchange(logto, url, callback)["sub"] == user["id"]


def test_sign_in_with_username_and_password(page: Page, logto: LogtoRunning) -> None:
    url = auth_url(logto)
    callback = sign_in_with_password(page, PASSWORD_USER["username"], PASSWORD_USER["password"], auth_url=url)
    claims = exchange(logto, url, callback)
    assert (claims["username"], claims["email"]) == (PASSWORD_USER["username"], PASSWORD_USER["email"])


def test_wrong_password_is_refused_in_words(page: Page, logto: LogtoRunning) -> None:
    page.goto(auth_url(logto))
    page.get_by_label("Email / Username").fill(PASSWORD_USER["username"])
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_label("Password", exact=True).fill("not the password")
    page.get_by_role("button", name="Continue", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text(INCORRECT)
    expect(page.get_by_label("Password", exact=True)).to_have_attribute("aria-invalid", "true")


def test_forgot_password_then_sign_in_with_the_new_one(
    page: Page, logto: LogtoRunning, mailbox: Mailbox, harness_client: Client, address: str
) -> None:
    user = harness_client.logto.users.create(email=address, password="the old password")
    url = auth_url(logto)
    reset_password(page, address, "the new password", mailbox, auth_url=url)
    expect(page.get_by_label("Email / Username")).to_have_value(address)  # remembered for signing in

    # The old password is gone…
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_label("Password", exact=True).fill("the old password")
    page.get_by_role("button", name="Continue", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text(INCORRECT)
    # …and the new one signs in, in the same interaction the reset ran in.
    page.get_by_label("Password", exact=True).fill("the new password")
    with leaving_sign_in(page) as app:
        page.get_by_role("button", name="Continue", exact=True).click()
    assert exchange(logto, url, app.url)["sub"] == user["id"]


def test_new_password_is_checked_before_it_is_sent(
    page: Page, logto: LogtoRunning, mailbox: Mailbox, harness_client: Client, address: str
) -> None:
    """Forgot password is on, so the form is Logto's "Lite" one: no confirmation field."""
    harness_client.logto.users.create(email=address, password="the old password")
    page.goto(auth_url(logto, first_screen="reset_password"))
    expect(page.get_by_role("heading", name="Reset password")).to_be_visible()
    page.get_by_label("Email").fill(address)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Verification code").fill(mailbox.wait_for_code(address, timeout=15))
    expect(page.get_by_role("heading", name="New password")).to_be_visible()
    expect(page.get_by_label("Confirm password")).to_have_count(0)
    new = page.get_by_label("Password", exact=True)
    save = page.get_by_role("button", name="Save password")
    save.click()
    expect(page.get_by_role("alert")).to_have_text("Password is required")
    new.fill("short")
    save.click()
    expect(page.get_by_role("alert")).to_have_text("Minimum length is 8.")
    new.fill("the old password")
    save.click()
    expect(page.get_by_role("alert")).to_have_text("New password cannot be the same as your old password.")


def test_login_hint_prefills_the_email(page: Page, logto: LogtoRunning, address: str) -> None:
    page.goto(auth_url(logto, login_hint=address))
    expect(page.get_by_label("Email / Username")).to_have_value(address)


@pytest.mark.parametrize("param", [{"first_screen": "register"}, {"interaction_mode": "signUp"}])
def test_register_first(
    page: Page, logto: LogtoRunning, mailbox: Mailbox, address: str, param: dict[str, str]
) -> None:
    url = auth_url(logto, login_hint=address, **param)
    page.goto(url)
    expect(page).to_have_url(re.compile(r"/register\?"))
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    expect(page.get_by_label("Email")).to_have_value(address)
    callback = register(page, address, mailbox)
    assert exchange(logto, url, callback)["email"] == address


def test_links_between_sign_in_and_register(page: Page, logto: LogtoRunning) -> None:
    page.goto(auth_url(logto))
    page.get_by_role("link", name="Create account").click()
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    expect(page.get_by_text("Already have an account?")).to_be_visible()
    page.get_by_role("link", name="Sign in").click()
    expect(page.get_by_role("heading", name="Sign in to your account")).to_be_visible()
    expect(page.get_by_text("No account yet?")).to_be_visible()


def test_sign_out_pages(page: Page, logto: LogtoRunning, mailbox: Mailbox, address: str) -> None:
    register(page, address, mailbox, auth_url=auth_url(logto))
    page.goto(f"{logto.endpoint}/oidc/session/end?client_id=bookstore")
    # The confirm page submits itself with logout=yes (Logto's logout.html), so node-oidc-provider's
    # end_session.js forwards no client_id to the success page.
    expect(page).to_have_url(re.compile(r"/oidc/session/end/success$"))
    expect(page.get_by_role("heading", name="Sign-out success")).to_be_visible()
    expect(page.get_by_text("You have successfully signed out.")).to_be_visible()
    # Signed out for real: the next authorization shows the sign-in page again.
    page.goto(auth_url(logto))
    expect(page.get_by_role("heading", name="Sign in to your account")).to_be_visible()


def test_a_helper_that_cannot_finish_says_why(page: Page, logto: LogtoRunning) -> None:
    with pytest.raises(SignInFailed, match=r"the page's alert says: Incorrect account or password\."):
        sign_in_with_password(page, PASSWORD_USER["username"], "not it", auth_url=auth_url(logto), timeout=2)
