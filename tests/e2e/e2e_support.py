"""What the sample-app suites share: the app's pages as a person reads them.

The three apps show the same pages (docs/sample-apps.md); where they keep the user differently — the Go and
Python apps in a server-side session behind a cookie, the single-page app in the browser's ``localStorage``
(@logto/browser) — the helpers here take that into account, so that each test reads the same for every app.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Locator, Page, expect

from harness._harness import Harness

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


def is_spa(harness: Harness) -> bool:
    """The app is the single-page app (its tokens in the browser, not in a server session)."""
    return harness.app is not None and harness.app.name == "spa"


def new_browser_session(page: Page, app_url: str) -> None:
    """A browser that has not been here: no cookies (the server apps' session, Logto's) and an empty
    ``localStorage`` on the app's origin (the SPA's tokens). Leaves the page on an empty page of the app."""
    page.context.clear_cookies()
    page.goto(app_url + "/no-such-page")  # any page of the app's origin, short of the app itself
    page.evaluate("localStorage.clear()")


def expect_app_holds_no_tokens(page: Page, harness: Harness) -> None:
    """After signing out, the app keeps no token: a server app's ``/profile`` answers 401 (its session is
    empty); the SPA has no ``logto:<app id>:`` token in ``localStorage`` (@logto/browser's keys) and its
    ``/profile`` says "You are not signed in."."""
    assert harness.app_url is not None
    if not is_spa(harness):
        assert page.request.get(harness.app_url + "/profile").status == 401, "the app's session holds tokens"
        return
    prefix = f"logto:{harness.info()['app']['id']}:"
    stored = page.evaluate(f"Object.keys(localStorage).filter(k => k.startsWith({prefix!r}))")
    assert not [k for k in stored if k.removeprefix(prefix) in ("idToken", "accessToken", "refreshToken")]
    page.goto(harness.app_url + "/profile")
    expect(page.locator("#auth-state")).to_have_text(SIGNED_OUT)
    page.goto(harness.app_url + "/")


def sign_in_request(harness: Harness, email: str) -> dict[str, Any]:
    """``POST /__harness/sign-in``'s body registering ``email`` through the app (``spa_app_id`` for the SPA:
    its sign-in is the SDK's, run as a public client, and the tokens go to ``localStorage``)."""
    body: dict[str, Any] = {"app_url": harness.app_url, "email": email, "register": True}
    if is_spa(harness):
        body["spa_app_id"] = harness.info()["app"]["id"]
    return body
