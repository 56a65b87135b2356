"""The MFA pages in a browser (Logto's ``pages/MfaBinding``, ``pages/MfaVerification``, ``MfaOnboarding``,
reached as ``hooks/use-mfa-error-handler.ts`` reaches them from the submit's errors): TOTP bound at sign-up
under a mandatory policy with its QR code and key, asked for at the next sign-in, backup codes shown at
binding and each accepted once, "Skip" under a user-controlled policy, and the refusals in Logto's words."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from ui_support import assert_accessible, auth_url, exchange

from fake_logto import Running as LogtoRunning
from harness import Client
from harness._client import Mailbox
from harness._playwright import leaving_sign_in

PASSWORD = "a long passphrase"
# packages/phrases/src/locales/en/errors/session.ts (mfa) and phrases-experience (mfa.ts, error)
INVALID_TOTP = "Invalid TOTP code."
INVALID_BACKUP_CODE = "Invalid backup code."
INVALID_SESSION = "Session not found. Please go back and sign in again."


@pytest.fixture
def set_mfa(harness_client: Client) -> Iterator[Callable[..., None]]:
    """``set_mfa(["Totp"], "Mandatory")``: the tenant's MFA policy for this test; the configured one after."""

    def put(factors: list[str], policy: str) -> None:
        harness_client.logto.patch_sign_in_experience({"mfa": {"factors": factors, "policy": policy}})

    try:
        yield put
    finally:
        harness_client.logto.restore_sign_in_experience()


def user_id(client: Client, address: str) -> str:
    found: str = next(u["id"] for u in client.logto.users.list() if u.get("primaryEmail") == address)
    return found


def heading(page: Page, text: str) -> None:
    expect(page.get_by_role("heading", name=text, level=1)).to_be_visible()


def enter_totp(page: Page, code: str) -> None:
    """Type the app's code: the boxes submit themselves once full."""
    page.get_by_label("One-time code").fill(code)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def sign_in_with_password(page: Page, logto: LogtoRunning, address: str, submit: bool = True) -> str:
    """Email and password, up to the submit (which MFA may answer; ``submit=False``: up to the password's
    "Continue", not clicked); returns the authorization URL."""
    url = auth_url(logto)
    page.goto(url)
    page.get_by_label("Email / Username").fill(address)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    if submit:
        page.get_by_role("button", name="Continue", exact=True).click()
    return url


def afresh(page: Page) -> Page:
    """A new tab without the tenant's cookies (no SSO session): the next sign-in starts over. The old tab
    is left to its navigation to the app (nothing listens there)."""
    page.context.clear_cookies()
    return page.context.new_page()


def press_to_leave(page: Page, button: str) -> str:
    """Click ``button``, which ends the flow; returns the URL the browser left the sign-in pages for."""
    return finish(page, page.get_by_role("button", name=button, exact=True).click)


def finish(page: Page, action: Callable[[], Any]) -> str:
    """Run the action that ends the flow; returns the URL the browser left the sign-in pages for."""
    with leaving_sign_in(page) as departure:
        action()
    return departure.url


def test_totp_bound_at_sign_up_then_asked_at_the_next_sign_in(
    page: Page,
    logto: LogtoRunning,
    mailbox: Mailbox,
    harness_client: Client,
    address: str,
    set_mfa: Callable[..., None],
) -> None:
    set_mfa(["Totp"], "Mandatory")
    url = auth_url(logto)
    page.goto(url)
    page.get_by_role("link", name="Create account").click()
    with mailbox.expect_message(address) as sent:
        page.get_by_label("Email", exact=True).fill(address)
        page.get_by_role("button", name="Create account").click()
    page.get_by_label("Verification code").fill(sent.code)
    # user.missing_mfa with one factor: straight to its binding page (useStartTotpBinding), no "Skip".
    heading(page, "Add authenticator app")
    expect(page).to_have_url(re.compile(r"/mfa-binding/Totp\?app_id=bookstore$"))
    expect(page.get_by_role("heading", name="Step 1: Scan this QR code")).to_be_visible()
    expect(page.get_by_role("img", name="QR code")).to_have_attribute(
        "src", re.compile("^data:image/png;base64,")
    )
    expect(page.get_by_role("button", name="Skip")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("link", name="Can\u2019t scan the QR code?").click()
    expect(page.get_by_role("heading", name="Step 1: Copy and paste the key")).to_be_visible()
    expect(page.get_by_role("img", name="QR code")).to_be_hidden()
    pending = harness_client.logto.user_mfa(user_id(harness_client, address))
    expect(page.locator("#secret")).to_have_text(pending["pending_totp_secret"])
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_role("status")).to_have_text("Secret key copied.")

    uid = user_id(harness_client, address)
    code = harness_client.logto.totp_code(uid)  # the new secret's code, as the app that scanned it shows
    enter_totp(page, wrong(code))
    expect(page.get_by_role("alert")).to_have_text(INVALID_TOTP)
    expect(page.get_by_label("Digit 1 of 6")).to_have_value("")  # a refused code is cleared
    callback = finish(page, lambda: enter_totp(page, code))
    assert exchange(logto, url, callback)["email"] == address
    assert harness_client.logto.user_mfa(uid)["totp_secret"] == pending["pending_totp_secret"]

    harness_client.logto.advance_clock(3600)  # the code follows the tenant clock
    page = afresh(page)
    url = auth_url(logto)
    page.goto(url)
    with mailbox.expect_message(address) as sent:
        page.get_by_label("Email / Username").fill(address)
        page.get_by_role("button", name="Sign in", exact=True).click()
        page.get_by_role("link", name="Sign in with verification code").click()
    page.get_by_label("Verification code").fill(sent.code)
    heading(page, "2-step verification")  # session.mfa.require_mfa_verification
    expect(page).to_have_url(re.compile(r"/mfa-verification/Totp\?app_id=bookstore$"))
    expect(page.get_by_role("link", name="Try another method to verify")).to_have_count(0)  # TOTP only
    assert_accessible(page)
    code = harness_client.logto.totp_code(uid)
    enter_totp(page, wrong(code))
    expect(page.get_by_role("alert")).to_have_text(INVALID_TOTP)
    assert exchange(logto, url, finish(page, lambda: enter_totp(page, code)))["sub"] == uid


def test_backup_codes_shown_at_binding_then_each_accepted_once(
    page: Page, logto: LogtoRunning, harness_client: Client, address: str, set_mfa: Callable[..., None]
) -> None:
    set_mfa(["Totp", "BackupCode"], "Mandatory")
    uid = harness_client.logto.users.create(email=address, password=PASSWORD)["id"]
    sign_in_with_password(page, logto, address)
    heading(page, "Add authenticator app")
    enter_totp(page, harness_client.logto.totp_code(uid))
    # session.mfa.backup_code_required: the new codes (useStartBackupCodeBinding), no nav bar.
    heading(page, "Save your backup code")
    codes = page.get_by_role("list", name="Backup codes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    shown = codes.all_inner_texts()
    assert all(re.fullmatch(r"[0-9a-f]{10}", code) for code in shown), shown
    expect(page.get_by_role("button", name="Back")).to_have_count(0)
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download").click()
    assert download.value.suggested_filename == "backup_code.txt"
    press_to_leave(page, "Continue")
    assert [c["code"] for c in harness_client.logto.user_mfa(uid)["backup_codes"]] == shown

    for attempt in range(2):  # the first code: accepted once, then refused
        page = afresh(page)
        url = sign_in_with_password(page, logto, address)
        expect(page).to_have_url(re.compile(r"/mfa-verification/Totp\?"))  # the last used factor first
        page.get_by_role("link", name="Try another method to verify").click()
        heading(page, "2-step verification")
        assert_accessible(page)
        page.get_by_role("button", name=re.compile("^Backup code")).click()
        expect(page).to_have_url(re.compile(r"/mfa-verification/BackupCode\?app_id=bookstore$"))
        page.get_by_label("Backup code").fill(shown[0])
        if attempt == 0:
            callback = press_to_leave(page, "Continue")
            assert exchange(logto, url, callback)["sub"] == uid
            continue
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("alert")).to_have_text(INVALID_BACKUP_CODE)
        page.get_by_label("Backup code").fill(shown[1])
        press_to_leave(page, "Continue")
    used = [c for c in harness_client.logto.user_mfa(uid)["backup_codes"] if c.get("usedAt")]
    assert [c["code"] for c in used] == shown[:2]


def test_user_controlled_policy_is_skipped(
    page: Page, logto: LogtoRunning, harness_client: Client, address: str, set_mfa: Callable[..., None]
) -> None:
    set_mfa(["Totp"], "UserControlled")
    uid = harness_client.logto.users.create(email=address, password=PASSWORD)["id"]
    sign_in_with_password(page, logto, address)
    heading(page, "Turn on 2-step verification")  # user.suggest_mfa → MfaOnboarding
    assert_accessible(page)
    page.get_by_role("button", name="Enable 2-step verification").click()
    # user.missing_mfa, skippable: the binding page offers "Skip".
    heading(page, "Add authenticator app")
    press_to_leave(page, "Skip")
    assert harness_client.logto.user_mfa(uid)["totp_secret"] is None
    page = afresh(page)
    sign_in_with_password(page, logto, address, submit=False)
    press_to_leave(page, "Continue")  # skipped: not asked again

    other = address.replace("@", "-other@")
    harness_client.logto.users.create(email=other, password=PASSWORD)
    page = afresh(page)
    sign_in_with_password(page, logto, other)
    heading(page, "Turn on 2-step verification")
    press_to_leave(page, "Skip")  # skipped at the prompt


def test_factor_lists_follow_the_policy_and_the_user(
    page: Page, logto: LogtoRunning, harness_client: Client, address: str, set_mfa: Callable[..., None]
) -> None:
    set_mfa(["Totp", "BackupCode"], "PromptAtSignInAndSignUp")
    harness_client.logto.users.create(email=address, password=PASSWORD)
    sign_in_with_password(page, logto, address)
    heading(page, "Turn on 2-step verification")
    page.goto(f"{logto.endpoint}/mfa-binding?app_id=bookstore")
    heading(page, "Add 2-step verification")
    factors = page.locator("[data-factor]")
    expect(factors).to_have_count(1)  # backup codes are bound after another factor, never chosen
    expect(factors).to_have_accessible_name("Authenticator app OTP E.g., Google Authenticator, etc.")
    expect(page.get_by_role("button", name="Skip")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{logto.endpoint}/mfa-verification?app_id=bookstore")
    expect(page.locator("[data-factor]")).to_have_count(0)  # the user has none
    # An unbound factor: the user has no backup codes, so none is accepted.
    page.goto(f"{logto.endpoint}/mfa-verification/BackupCode?app_id=bookstore")
    page.get_by_label("Backup code").fill("0123456789")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_have_text(INVALID_BACKUP_CODE)
    # A binding page opened without starting the binding (its state): Logto's "invalid session".
    page.evaluate("sessionStorage.clear()")
    page.goto(f"{logto.endpoint}/mfa-binding/Totp?app_id=bookstore")
    expect(page.get_by_role("alert")).to_have_text(INVALID_SESSION)
    expect(page.get_by_role("button", name="Continue")).to_be_disabled()


def test_mfa_pages_need_an_interaction(page: Page, logto: LogtoRunning) -> None:
    page.goto(f"{logto.endpoint}/mfa-verification/Totp?app_id=bookstore")
    expect(page).to_have_url(re.compile(r"/unknown-session\?app_id=bookstore$"))
