"""Register and sign in by email code using ONLY the selectors Logto's own integration tests use
(``packages/integration-tests/src/ui-helpers/`` and ``src/tests/experience/``; a copy is in
``shared/conformance/logto-integration-tests``), so a test written against a real Logto tenant runs here
unchanged. Each step names the helper it mirrors:

- ``ExpectPage.toStart`` (``expect-page.ts``): the page has ``#app``.
- ``ExpectExperience.toBeAt`` (``expect-experience.ts``): the URL without its query is ``<endpoint>/<path>``.
- ``ExpectExperience.startWith(url, 'register')``: ``toClick('a', 'Create account')``.
- ``ExpectPage.toFillInput`` with ``submit``: ``input[name=<name>]``, then ``toClickSubmit``:
  ``button[type=submit]:not([disabled])``.
- ``ExpectExperience.toCompleteVerification`` / ``toFillVerificationCode``: ``input[name=passcode_<i>]``
  typed one digit each, nothing clicked after (the page submits itself).
- ``basic-sentinel.test.ts``: ``toClick('a', 'with verification code')`` on the password page.
- ``ExpectPage.toMatchAlert``: ``*[role=alert]`` with the text.

expect-puppeteer's ``toClick(selector, {text})`` is a substring match on the element's text, as
Playwright's ``has_text``; its ``toFill`` types the value, as ``press_sequentially``.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect
from ui_support import WEB, auth_url, exchange

from fake_logto import Running as LogtoRunning
from harness import Client
from harness._client import Mailbox
from harness.playwright import leaving_sign_in


def to_be_at(page: Page, logto: LogtoRunning, path: str) -> None:
    """``toBeAt(path)``: the page's URL, query stripped, is the experience URL of ``path``."""
    expect(page).to_have_url(re.compile(rf"^{re.escape(f'{logto.endpoint}/{path}')}(\?.*)?$"))


def to_start(page: Page, url: str) -> None:
    """``toStart(url)``: go there; the experience app's ``#app`` is on the page."""
    page.goto(url)
    expect(page.locator("#app")).to_have_count(1)


def to_click(page: Page, selector: str, text: str) -> None:
    """``toClick(selector, text)``."""
    page.locator(selector, has_text=text).first.click()


def to_fill_input(page: Page, name: str, value: str, *, submit: bool = False) -> None:
    """``toFillInput(name, value, {submit})``: ``input[name=<name>]``, then ``toClickSubmit``."""
    page.locator(f"input[name={name}]").fill(value)
    if submit:
        page.locator("button[type=submit]:not([disabled])").click()


def to_fill_verification_code(page: Page, code: str) -> str:
    """``toFillVerificationCode(code)``: each digit typed into ``passcode_<i>``; returns where the browser
    went once the last digit submitted the code (the app's redirect URI: nothing listens there)."""
    # leaving_sign_in also lets that navigation land (the browser's error page: nothing listens there),
    # so the next page.goto is not interrupted by it.
    with leaving_sign_in(page) as left:
        for index, digit in enumerate(code):
            page.locator(f"input[name=passcode_{index}]").press_sequentially(digit)
    assert left.url.startswith(WEB["redirect"]), left.url
    return left.url


def test_register_then_sign_in_by_email_code_with_logtos_selectors(
    page: Page, logto: LogtoRunning, mailbox: Mailbox, harness_client: Client, address: str
) -> None:
    # startWith(url, 'register'): the sign-in page, then the "Create account" link.
    url = auth_url(logto)
    to_start(page, url)
    to_be_at(page, logto, "sign-in")
    to_click(page, "a", "Create account")
    to_be_at(page, logto, "register")
    # toFillInput('identifier', email, { submit: true }); toCompleteVerification('register', 'Email').
    to_fill_input(page, "identifier", address, submit=True)
    to_be_at(page, logto, "register/verification-code")
    callback = to_fill_verification_code(page, mailbox.wait_for_code(address, timeout=15))
    registered = exchange(logto, url, callback)
    assert registered["email"] == address
    assert urlsplit(callback).path == urlsplit(WEB["redirect"]).path

    # Sign in again (a new interaction): this tenant puts the password first for emails, so the code is
    # basic-sentinel.test.ts's link "with verification code" on sign-in/password.
    first = mailbox.latest(address) or {}
    url = auth_url(logto, prompt="login")
    to_start(page, url)
    to_be_at(page, logto, "sign-in")
    to_fill_input(page, "identifier", address, submit=True)
    to_be_at(page, logto, "sign-in/password")
    to_click(page, "a", "with verification code")
    to_be_at(page, logto, "sign-in/verification-code")
    code = mailbox.wait_for_code(address, timeout=15, after=first["id"])
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for index, digit in enumerate(wrong):  # a wrong code: toMatchAlert
        page.locator(f"input[name=passcode_{index}]").press_sequentially(digit)
    expect(page.locator("*[role=alert]")).to_have_text("Invalid verification code.")
    callback = to_fill_verification_code(page, code)
    assert exchange(logto, url, callback)["sub"] == registered["sub"]
    assert [u["id"] for u in harness_client.logto.users.list() if u["primaryEmail"] == address] == [
        registered["sub"]
    ]
