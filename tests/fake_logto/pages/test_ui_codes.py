"""The verification-code page and the recovery rules: wrong, expired, replaced and over-tried codes, the
resend countdown, Mailgun failures and rate limits — each shown in the page's alert in Logto's words — and
the confirmations to create the account / to sign in instead. The code is typed into Logto's six boxes
(``passcode_0``…``passcode_5``) and the page submits itself once the last digit is in. Every flow starts
at ``/oidc/auth`` and ends with a code the token endpoint accepts."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, Route, expect
from ui_support import auth_url, exchange

from fake_logto import Running as LogtoRunning
from harness import Client, ExperienceClient
from harness._client import Mailbox
from harness._playwright import leaving_sign_in

# The API's messages (packages/phrases/src/locales/en/errors/verification-code.ts, request.ts) and the
# experience app's own (packages/phrases-experience/src/locales/en).
CODE_MISMATCH = "Invalid verification code."
CODE_EXPIRED = "Verification code has expired. Please request a new verification code."
CODE_TRIES = "Verification code retries limitation exceeded. Please request a new verification code."
RATE_LIMITED = "Too many messages sent to this recipient. Please try again later."
INVALID_PASSCODE = "The verification code is invalid."
RESENT = "The verification code has been resent"


def other_code(code: str) -> str:
    return f"{(int(code) + 1) % 10 ** len(code):0{len(code)}d}"


def start_registration(page: Page, logto: LogtoRunning, address: str) -> str:
    """Open the register page from /oidc/auth and send a code to ``address``; the authorization URL."""
    url = auth_url(logto, first_screen="register")
    page.goto(url)
    page.get_by_label("Email").fill(address)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Verify your email")).to_be_visible()
    return url


def enter(page: Page, code: str) -> None:
    """Type the code digit by digit, as Logto's integration tests do (``toFillVerificationCode``)."""
    for index, digit in enumerate(code):
        page.locator(f"input[name=passcode_{index}]").fill(digit)


def boxes(page: Page) -> list[str]:
    return [page.locator(f"input[name=passcode_{i}]").input_value() for i in range(6)]


# A paste as the browser fires it: a ClipboardEvent whose DataTransfer holds the text.
PASTE = """([selector, text]) => {
  const data = new DataTransfer();
  data.setData("text", text);
  document.querySelector(selector).dispatchEvent(
    new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
}"""


def test_code_page_shows_the_address_and_takes_a_pasted_code(
    page: Page, logto: LogtoRunning, mailbox: Mailbox, address: str
) -> None:
    url = start_registration(page, logto, address)
    expect(page).to_have_url(re.compile(r"/register/verification-code\?app_id=bookstore$"))
    expect(page.get_by_text(f"The verification code has been sent to your email {address}")).to_be_visible()
    group = page.get_by_role("group", name="Verification code")
    expect(group.locator("input")).to_have_count(6)
    first = page.locator("input[name=passcode_0]")
    expect(first).to_have_attribute("inputmode", "numeric")
    expect(first).to_have_attribute("autocomplete", "one-time-code")
    expect(first).to_be_focused()
    code = mailbox.wait_for_code(address, timeout=15)
    with leaving_sign_in(page) as app:  # pasted as an email spaces it out: the digits fill the boxes
        page.evaluate(PASTE, ["input[name=passcode_0]", f"{code[:3]} {code[3:]}"])
    assert exchange(logto, url, app.url)["email"] == address


def test_a_whole_code_typed_into_the_group_spreads_over_the_boxes_and_submits(
    page: Page, logto: LogtoRunning, mailbox: Mailbox, address: str
) -> None:
    """``get_by_label("Verification code").fill(code)`` fills the first box; the rest follow."""
    url = start_registration(page, logto, address)
    with leaving_sign_in(page) as app:
        page.get_by_label("Verification code").fill(mailbox.wait_for_code(address, timeout=15))
    assert exchange(logto, url, app.url)["email"] == address


def test_wrong_code_then_the_right_one(
    page: Page, logto: LogtoRunning, mailbox: Mailbox, address: str
) -> None:
    url = start_registration(page, logto, address)
    code = mailbox.wait_for_code(address, timeout=15)
    enter(page, other_code(code))
    expect(page.get_by_role("alert")).to_have_text(CODE_MISMATCH)
    assert boxes(page) == [""] * 6  # a refused code is cleared
    expect(page.locator("input[name=passcode_0]")).to_be_focused()
    page.locator("input[name=passcode_0]").fill(code[0])
    page.get_by_role("button", name="Continue").click()  # an incomplete code
    expect(page.get_by_role("alert")).to_have_text(INVALID_PASSCODE)
    with leaving_sign_in(page) as app:
        enter(page, code)
    assert exchange(logto, url, app.url)["email"] == address


def test_resend_after_the_countdown_sends_a_new_code_and_only_it_works(
    page: Page, logto: LogtoRunning, mailbox: Mailbox, address: str
) -> None:
    # The page's clock stands still but for fast_forward: a loaded machine taking seconds to reach the
    # first check must not change what the countdown shows.
    page.clock.install(time=1_700_000_000)
    page.clock.pause_at(1_700_000_001)
    url = start_registration(page, logto, address)
    first = mailbox.wait_for_message(address, timeout=15)
    resend = page.get_by_role("link", name="Resend verification code")
    expect(page.get_by_text("Not received yet? Resend after 59 seconds")).to_be_visible()
    expect(resend).to_be_hidden()
    page.clock.fast_forward("00:30")
    expect(page.get_by_text("Not received yet? Resend after 29 seconds")).to_be_visible()
    expect(resend).to_be_hidden()
    page.clock.fast_forward("00:30")
    expect(resend).to_be_visible()
    resend.click()
    expect(page.locator("div[role=toast]")).to_have_text(RESENT)
    expect(page.get_by_text("Not received yet? Resend after 59 seconds")).to_be_visible()  # again
    second = mailbox.wait_for_message(address, after=first["id"], timeout=15)
    assert second["id"] != first["id"]
    assert (mailbox.latest(address) or {}).get("id") == second["id"]

    if first["code"] != second["code"]:  # one in a million they are the same
        enter(page, first["code"])
        expect(page.get_by_role("alert")).to_have_text(CODE_MISMATCH)
    with leaving_sign_in(page) as app:
        enter(page, second["code"])
    assert exchange(logto, url, app.url)["email"] == address


# The page's next code send, answered by the server but held from the page until ``releaseSend()``.
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


def test_a_code_typed_while_the_resend_is_on_its_way_is_verified_against_the_new_send(
    page: Page, logto: LogtoRunning, mailbox: Mailbox, address: str
) -> None:
    """The new email can land before the page hears back from the resend: the code typed then is kept
    and verified once the send has answered (with its new verificationId), not refused."""
    # The page's clock stands still but for fast_forward: a loaded machine taking seconds to reach the
    # first check must not change what the countdown shows.
    page.clock.install(time=1_700_000_000)
    page.clock.pause_at(1_700_000_001)
    url = start_registration(page, logto, address)
    first = mailbox.wait_for_message(address, timeout=15)
    page.clock.fast_forward("01:00")
    page.evaluate(HOLD_NEXT_SEND)
    page.locator("input[name=passcode_0]").fill(first["code"][0])
    page.get_by_role("link", name="Resend verification code").click()
    assert boxes(page) == [""] * 6  # the old code went at the click
    code = mailbox.wait_for_code(address, after=first["id"], timeout=15)
    page.wait_for_function("() => window.releaseSend !== null")  # answered; the page still waits
    enter(page, code)  # the last digit submits: it waits for the send
    assert boxes(page) == list(code)
    with leaving_sign_in(page) as app:
        page.evaluate("() => window.releaseSend()")
    assert exchange(logto, url, app.url)["email"] == address


def test_nothing_can_be_typed_before_the_page_script_runs(
    page: Page, logto: LogtoRunning, mailbox: Mailbox, address: str
) -> None:
    """As Logto's single-page experience shows nothing before its script runs, the page's fields stay hidden
    (so not actionable) until experience.js has wired them: a busy machine cannot type into, or submit, a
    page the script does not handle yet. Released, the page shows, focuses the first box and takes the code."""
    url = start_registration(page, logto, address)
    code = mailbox.wait_for_code(address, timeout=15)
    held: list[Route] = []
    page.route("**/static/experience.js", lambda route: held.append(route))
    page.reload(wait_until="commit")
    first = page.locator("input[name=passcode_0]")
    expect(first).to_be_attached()
    expect(first).to_be_hidden()  # rendered, not shown: no script has run
    assert len(held) == 1
    held[0].continue_()
    expect(first).to_be_visible()
    expect(first).to_be_focused()
    with leaving_sign_in(page) as app:
        first.fill(code)
    assert exchange(logto, url, app.url)["email"] == address


def test_expired_code_says_so_and_a_new_one_works(
    page: Page, logto: LogtoRunning, mailbox: Mailbox, harness_client: Client, address: str
) -> None:
    # The page's clock stands still but for fast_forward: a loaded machine taking seconds to reach the
    # first check must not change what the countdown shows.
    page.clock.install(time=1_700_000_000)
    page.clock.pause_at(1_700_000_001)
    url = start_registration(page, logto, address)
    first = mailbox.wait_for_message(address, timeout=15)
    harness_client.logto.advance_clock(601)  # codes live 600 s
    enter(page, first["code"])
    expect(page.get_by_role("alert")).to_have_text(CODE_EXPIRED)

    page.clock.fast_forward("01:00")
    page.get_by_role("link", name="Resend verification code").click()
    expect(page.get_by_role("alert")).to_be_empty()
    code = mailbox.wait_for_code(address, after=first["id"], timeout=15)
    expect(page.locator("div[role=toast]")).to_have_text(RESENT)
    with leaving_sign_in(page) as app:
        enter(page, code)
    assert exchange(logto, url, app.url)["email"] == address


def test_too_many_wrong_codes(page: Page, logto: LogtoRunning, mailbox: Mailbox, address: str) -> None:
    start_registration(page, logto, address)
    code = mailbox.wait_for_code(address, timeout=15)
    alert = page.get_by_role("alert")
    for _ in range(10):
        enter(page, other_code(code))
        expect(alert).to_have_text(CODE_MISMATCH)
        expect(page.get_by_role("button", name="Continue")).to_be_enabled()  # the answer is in
        page.evaluate("() => { document.getElementById('alert').textContent = ''; }")
    enter(page, code)
    expect(alert).to_have_text(CODE_TRIES)


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
    expect(page.get_by_role("alert")).to_contain_text("Error occurred in connector")
    assert mailbox.messages(address) == []
    harness_client.faults.clear()
    create.click()
    with leaving_sign_in(page) as app:
        page.get_by_label("Verification code").fill(mailbox.wait_for_code(address, timeout=15))
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
    expect(page.get_by_role("alert")).to_have_text(RATE_LIMITED)


def test_unknown_email_on_sign_in_asks_to_create_the_account(
    page: Page, logto: LogtoRunning, mailbox: Mailbox, harness_client: Client, address: str
) -> None:
    url = auth_url(logto)
    page.goto(url)
    page.get_by_label("Email / Username").fill(address)
    page.get_by_role("button", name="Sign in", exact=True).click()
    # Passwords come first for emails on this tenant; the code is one link away.
    page.get_by_role("link", name="Sign in with verification code").click()
    expect(page).to_have_url(re.compile(r"/sign-in/verification-code"))
    enter(page, mailbox.wait_for_code(address, timeout=15))
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(f"No account found for {address}. Create a new one?")
    with leaving_sign_in(page) as app:
        dialog.get_by_role("button", name="Continue").click()
    claims = exchange(logto, url, app.url)
    created = [u["id"] for u in harness_client.logto.users.list() if u["primaryEmail"] == address]
    assert (claims["email"], created) == (address, [claims["sub"]])


def test_cancel_on_the_confirmation_goes_back(
    page: Page, logto: LogtoRunning, mailbox: Mailbox, address: str
) -> None:
    page.goto(auth_url(logto))
    page.get_by_label("Email / Username").fill(address)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_role("link", name="Sign in with verification code").click()
    enter(page, mailbox.wait_for_code(address, timeout=15))
    page.get_by_role("dialog").get_by_role("button", name="Cancel").click()
    expect(page.get_by_role("heading", name="Enter password")).to_be_visible()


def test_known_email_on_register_asks_to_sign_in(
    page: Page, logto: LogtoRunning, mailbox: Mailbox, harness_client: Client, address: str
) -> None:
    user = harness_client.logto.users.create(email=address)
    url = start_registration(page, logto, address)
    enter(page, mailbox.wait_for_code(address, timeout=15))
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(f"An account with {address} already exists. Continue to sign in.")
    with leaving_sign_in(page) as app:
        dialog.get_by_role("button", name="Continue").click()
    assert exchange(logto, url, app.url)["sub"] == user["id"]
