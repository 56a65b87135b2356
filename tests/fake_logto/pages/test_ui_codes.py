"""The verification-code page and the recovery rules: wrong, expired, replaced and over-tried codes, the
resend countdown, Mailgun failures and rate limits — each shown in words in the page's alert — and the
offers to create the account / to sign in instead. Every flow starts at ``/oidc/auth`` and ends with a
code the token endpoint accepts."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from ui_support import auth_url, exchange

from fake_logto import Running as LogtoRunning
from harness import Client, ExperienceClient
from harness._client import Mailbox
from harness._playwright import leaving_sign_in


def other_code(code: str) -> str:
    return f"{(int(code) + 1) % 10 ** len(code):0{len(code)}d}"


def start_registration(page: Page, logto: LogtoRunning, address: str) -> str:
    """Open the register page from /oidc/auth and send a code to ``address``; the authorization URL."""
    url = auth_url(logto, first_screen="register")
    page.goto(url)
    page.get_by_label("Email").fill(address)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Enter verification code")).to_be_visible()
    return url


def enter(page: Page, code: str) -> None:
    page.get_by_label("Verification code").fill(code)
    page.get_by_role("button", name="Continue").click()


def test_code_page_shows_the_address_and_takes_a_pasted_code(
    page: Page, logto: LogtoRunning, mailbox: Mailbox, address: str
) -> None:
    url = start_registration(page, logto, address)
    expect(page).to_have_url(re.compile(r"/register/verification-code\?app_id=bookstore$"))
    expect(page.get_by_text(f"The verification code has been sent to {address}.")).to_be_visible()
    field = page.get_by_label("Verification code")
    expect(field).to_have_attribute("autocomplete", "one-time-code")
    expect(field).to_have_attribute("inputmode", "numeric")
    code = mailbox.wait_for_code(address, timeout=15)
    field.fill(f"{code[:3]} {code[3:]}")  # as pasted from an email that spaces it out
    expect(field).to_have_value(code)
    with leaving_sign_in(page) as app:
        page.get_by_role("button", name="Continue").click()
    assert exchange(logto, url, app.url)["email"] == address


def test_wrong_code_then_the_right_one(
    page: Page, logto: LogtoRunning, mailbox: Mailbox, address: str
) -> None:
    url = start_registration(page, logto, address)
    code = mailbox.wait_for_code(address, timeout=15)
    enter(page, other_code(code))
    expect(page.get_by_role("alert")).to_have_text("That code is not right. Check the email and try again.")
    expect(page.get_by_label("Verification code")).to_have_attribute("aria-invalid", "true")
    enter(page, "123")
    expect(page.get_by_role("alert")).to_have_text("Enter the 6-digit code.")
    page.get_by_label("Verification code").fill(code)
    with leaving_sign_in(page) as app:
        page.get_by_role("button", name="Continue").click()
    assert exchange(logto, url, app.url)["email"] == address


def test_resend_after_the_countdown_sends_a_new_code_and_only_it_works(
    page: Page, logto: LogtoRunning, mailbox: Mailbox, address: str
) -> None:
    page.clock.install()
    url = start_registration(page, logto, address)
    first = mailbox.wait_for_message(address, timeout=15)
    resend = page.get_by_role("button", name="Resend")
    expect(page.get_by_text("Resend in 59 s")).to_be_visible()
    expect(resend).to_be_hidden()
    page.clock.fast_forward("00:30")
    expect(page.get_by_text("Resend in 29 s")).to_be_visible()
    expect(resend).to_be_hidden()
    page.clock.fast_forward("00:30")
    expect(page.get_by_text("Didn't get the code?")).to_be_visible()
    resend.click()
    expect(page.get_by_role("status")).to_have_text(f"A new code was sent to {address}.")
    expect(page.get_by_text("Resend in 59 s")).to_be_visible()  # the countdown starts again
    second = mailbox.wait_for_message(address, after=first["id"], timeout=15)
    assert second["id"] != first["id"]
    assert (mailbox.latest(address) or {}).get("id") == second["id"]

    if first["code"] != second["code"]:  # one in a million they are the same
        enter(page, first["code"])
        expect(page.get_by_role("alert")).to_have_text(
            "That code is not right. Check the email and try again."
        )
    page.get_by_label("Verification code").fill(second["code"])
    with leaving_sign_in(page) as app:
        page.get_by_role("button", name="Continue").click()
    assert exchange(logto, url, app.url)["email"] == address


# Holds the page's answer to the next code send until the test calls window.releaseSend(): the code is
# sent (the email exists) but the page has not heard back yet.
HOLD_NEXT_SEND = """() => {
  const realFetch = window.fetch;
  window.releaseSend = null;
  window.fetch = async (path, init) => {
    const response = await realFetch(path, init);
    if (String(path).endsWith("/verification/verification-code") && init && init.method === "POST") {
      await new Promise((release) => { window.releaseSend = release; });
    }
    return response;
  };
}"""


def test_a_code_typed_while_the_resend_is_on_its_way_is_kept(
    page: Page, logto: LogtoRunning, mailbox: Mailbox, address: str
) -> None:
    """Resend clears the void code at the click; a new code typed before the page hears back stays."""
    page.clock.install()
    url = start_registration(page, logto, address)
    first = mailbox.wait_for_message(address, timeout=15)
    page.clock.fast_forward("01:00")
    page.evaluate(HOLD_NEXT_SEND)
    page.get_by_label("Verification code").fill(first["code"])
    page.get_by_role("button", name="Resend").click()
    expect(page.get_by_label("Verification code")).to_have_value("")  # the old code went at the click
    code = mailbox.wait_for_code(address, after=first["id"], timeout=15)
    page.wait_for_function("() => window.releaseSend !== null")  # the send is answered, the page waits
    page.get_by_label("Verification code").fill(code)
    page.evaluate("() => window.releaseSend()")
    expect(page.get_by_role("status")).to_have_text(f"A new code was sent to {address}.")
    expect(page.get_by_label("Verification code")).to_have_value(code)
    with leaving_sign_in(page) as app:
        page.get_by_role("button", name="Continue").click()
    assert exchange(logto, url, app.url)["email"] == address


def test_expired_code_says_so_and_a_new_one_works(
    page: Page, logto: LogtoRunning, mailbox: Mailbox, harness_client: Client, address: str
) -> None:
    page.clock.install()
    url = start_registration(page, logto, address)
    first = mailbox.wait_for_message(address, timeout=15)
    harness_client.logto.advance_clock(601)  # codes live 600 s
    enter(page, first["code"])
    expect(page.get_by_role("alert")).to_have_text("This code has expired. Request a new one with “Resend”.")

    page.clock.fast_forward("01:00")
    page.get_by_role("button", name="Resend").click()
    expect(page.get_by_role("alert")).to_be_empty()
    code = mailbox.wait_for_code(address, after=first["id"], timeout=15)
    page.get_by_label("Verification code").fill(code)
    with leaving_sign_in(page) as app:
        page.get_by_role("button", name="Continue").click()
    assert exchange(logto, url, app.url)["email"] == address


def test_too_many_wrong_codes(page: Page, logto: LogtoRunning, mailbox: Mailbox, address: str) -> None:
    start_registration(page, logto, address)
    code = mailbox.wait_for_code(address, timeout=15)
    alert = page.get_by_role("alert")
    for _ in range(10):
        enter(page, other_code(code))
        expect(alert).to_have_text("That code is not right. Check the email and try again.")
        page.get_by_role("button", name="Continue").click(trial=True)  # the answer is in: enabled again
    enter(page, code)
    expect(alert).to_have_text("Too many wrong codes. Request a new code and try again.")


@pytest.mark.usefixtures("clean_faults")
def test_mailgun_failure_is_shown_and_retry_succeeds(
    page: Page, logto: LogtoRunning, mailbox: Mailbox, harness_client: Client, address: str
) -> None:
    harness_client.faults.mailgun(status=503, count=1)
    url = auth_url(logto, first_screen="register")
    page.goto(url)
    page.get_by_label("Email").fill(address)
    create = page.get_by_role("button", name="Create account")
    create.click()
    expect(page.get_by_role("alert")).to_have_text(
        "We couldn't send the email (the email service answered 503). Please try again in a moment."
    )
    assert mailbox.messages(address) == []
    harness_client.faults.clear()
    create.click()
    page.get_by_label("Verification code").fill(mailbox.wait_for_code(address, timeout=15))
    with leaving_sign_in(page) as app:
        page.get_by_role("button", name="Continue").click()
    assert exchange(logto, url, app.url)["email"] == address


def test_rate_limited_sends_are_explained(page: Page, logto: LogtoRunning, address: str) -> None:
    with ExperienceClient(logto.endpoint) as other_browser:  # ten codes from elsewhere fill the cap
        other_browser.start(auth_url(logto))
        other_browser.set_event("Register")
        for _ in range(10):
            other_browser.send_code(address, "Register")
    page.goto(auth_url(logto, first_screen="register"))
    page.get_by_label("Email").fill(address)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("alert")).to_have_text(
        "Too many codes were sent to this address. Wait a few minutes, then try again."
    )


def test_unknown_email_on_sign_in_offers_to_create_the_account(
    page: Page, logto: LogtoRunning, mailbox: Mailbox, harness_client: Client, address: str
) -> None:
    url = auth_url(logto)
    page.goto(url)
    page.get_by_label("Username or email").fill(address)
    page.get_by_role("button", name="Sign in", exact=True).click()
    # Passwords come first for emails on this tenant; the code is one click away.
    page.get_by_role("button", name="Sign in with verification code").click()
    expect(page).to_have_url(re.compile(r"/sign-in/verification-code"))
    enter(page, mailbox.wait_for_code(address, timeout=15))
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(f"There is no account for {address} yet. Create one now?")
    with leaving_sign_in(page) as app:
        alert.get_by_role("button", name="Create account").click()
    claims = exchange(logto, url, app.url)
    created = [u["id"] for u in harness_client.logto.users.list() if u["primaryEmail"] == address]
    assert (claims["email"], created) == (address, [claims["sub"]])


def test_known_email_on_register_offers_to_sign_in(
    page: Page, logto: LogtoRunning, mailbox: Mailbox, harness_client: Client, address: str
) -> None:
    user = harness_client.logto.users.create(email=address)
    url = start_registration(page, logto, address)
    enter(page, mailbox.wait_for_code(address, timeout=15))
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(f"{address} already has an account. Sign in instead?")
    with leaving_sign_in(page) as app:
        alert.get_by_role("button", name="Sign in").click()
    assert exchange(logto, url, app.url)["sub"] == user["id"]
