"""2-step verification from each sample app, on a tenant whose MFA policy is mandatory (TOTP and backup
codes): the authenticator app bound at sign-up with the code the harness computes on the tenant clock, asked
for at the next sign-in, a saved backup code used once and refused the second time; and, under a
user-controlled policy, MFA skipped. The tenant comes from a harness.toml, as a user would write one."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_support import (
    SIGN_IN,
    enter_code,
    expect_signed_in,
    follow,
    new_browser_session,
    open_home,
    start_registration,
)
from playwright.sync_api import Page, expect

from harness import HarnessConfig, load_harness_config
from harness._harness import Harness

HARNESS_TOML = """\
[tenant.sign_in_experience.sign_up]
identifiers = ["email"]
verify = true
password = false

[[tenant.sign_in_experience.sign_in]]
identifier = "email"
verification_code = true
password = false

[tenant.sign_in_experience.mfa]
factors = ["Totp", "BackupCode"]
policy = "Mandatory"
"""


@pytest.fixture(scope="module")
def harness_config(tmp_path_factory: pytest.TempPathFactory) -> HarnessConfig:
    path = Path(tmp_path_factory.mktemp("mfa")) / "harness.toml"
    path.write_text(HARNESS_TOML, encoding="utf-8")
    return load_harness_config(path)


@pytest.fixture
def user_controlled(app_harness: Harness) -> Iterator[None]:
    """A user-controlled MFA policy for this test; the configured (mandatory) one after it."""
    logto = app_harness.client.logto
    logto.patch_sign_in_experience({"mfa": {"factors": ["Totp"], "policy": "UserControlled"}})
    try:
        yield
    finally:
        logto.restore_sign_in_experience()


def app_url(harness: Harness) -> str:
    assert harness.app_url is not None
    return harness.app_url


def totp_code(harness: Harness, address: str) -> str:
    """The code the user's authenticator app shows now (the harness's, on the tenant clock)."""
    user_id = next(u["id"] for u in harness.client.logto.users.list() if u["primaryEmail"] == address)
    return harness.client.logto.totp_code(user_id)


def sign_in_by_code(page: Page, harness: Harness, address: str) -> None:
    """From a signed-out browser: the app's "Sign in", the email, its code; MFA's page is next."""
    new_browser_session(page, app_url(harness))
    open_home(page, app_url(harness))
    follow(page, "Sign in", SIGN_IN)
    with harness.client.mailbox.expect_message(address) as sent:
        page.get_by_label("Email").fill(address)
        page.get_by_role("button", name="Sign in", exact=True).click()
    enter_code(page, sent.code)
    expect(page.get_by_role("heading", name="2-step verification", level=1)).to_be_visible()


def use_backup_code(page: Page, code: str) -> None:
    page.get_by_role("link", name="Try another method to verify").click()
    page.get_by_role("button", name="Backup code").click()
    page.get_by_label("Backup code").fill(code)
    page.get_by_role("button", name="Continue").click()


def test_totp_at_sign_up_and_sign_in_then_a_backup_code_once(page: Page, app_harness: Harness) -> None:
    address, url = f"mfa-{uuid.uuid4().hex[:12]}@example.test", app_url(app_harness)
    start_registration(page, url, address)
    enter_code(page, app_harness.client.mailbox.wait_for_code(address))
    expect(page.get_by_role("heading", name="Add authenticator app")).to_be_visible()
    page.get_by_label("One-time code").fill(totp_code(app_harness, address))
    expect(page.get_by_role("heading", name="Save your backup code")).to_be_visible()
    codes = page.get_by_role("list", name="Backup codes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    saved = codes.all_inner_texts()
    page.get_by_role("button", name="Continue").click()
    expect_signed_in(page, url, address)

    app_harness.client.logto.advance_clock(30)  # the next time step: a code is good once
    sign_in_by_code(page, app_harness, address)
    page.get_by_label("One-time code").fill(totp_code(app_harness, address))
    expect_signed_in(page, url, address)

    sign_in_by_code(page, app_harness, address)
    use_backup_code(page, saved[0])
    expect_signed_in(page, url, address)

    sign_in_by_code(page, app_harness, address)
    use_backup_code(page, saved[0])
    expect(page.get_by_role("alert")).to_have_text("Invalid backup code.")


@pytest.mark.usefixtures("user_controlled")
def test_user_controlled_mfa_is_skipped(page: Page, app_harness: Harness) -> None:
    address, url = f"skip-{uuid.uuid4().hex[:12]}@example.test", app_url(app_harness)
    start_registration(page, url, address)
    enter_code(page, app_harness.client.mailbox.wait_for_code(address))
    expect(page.get_by_role("heading", name="Turn on 2-step verification")).to_be_visible()
    page.get_by_role("button", name="Skip").click()
    expect_signed_in(page, url, address)
