"""Phone sign-up and sign-in by SMS code from each sample app: the tenant (a harness.toml, as a user would
write one) signs up and in by phone number, its Twilio connector pointed by default at the harness's
Twilio stand-in; the code is read from the mailbox by number."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from e2e_support import (
    REGISTER,
    SIGN_IN,
    SIGNED_IN,
    cell,
    enter_code,
    follow,
    new_browser_session,
    open_home,
)
from playwright.sync_api import Page, expect

from harness import HarnessConfig, load_harness_config
from harness._harness import Harness

HARNESS_TOML = """\
[tenant.sign_in_experience.sign_up]
identifiers = ["phone"]
verify = true
password = false

[[tenant.sign_in_experience.sign_in]]
identifier = "phone"
verification_code = true
password = false

[tenant.sms_connector]
kind = "twilio"
"""


@pytest.fixture(scope="module")
def harness_config(tmp_path_factory: pytest.TempPathFactory) -> HarnessConfig:
    path = Path(tmp_path_factory.mktemp("phone")) / "harness.toml"
    path.write_text(HARNESS_TOML, encoding="utf-8")
    return load_harness_config(path)


def test_phone_sign_up_then_sign_in(page: Page, app_harness: Harness) -> None:
    app_url, client = app_harness.app_url, app_harness.client
    assert app_url is not None
    number = f"+1201555{secrets.randbelow(9_000) + 1_000:04d}"

    open_home(page, app_url)
    follow(page, "Register", REGISTER)
    page.get_by_label("Phone number").fill(number)
    page.get_by_role("button", name="Create account", exact=True).click()
    expect(page.get_by_role("heading", name="Verify your phone number")).to_be_visible()
    first = client.mailbox.wait_for_message(number)
    enter_code(page, first["code"])
    expect(page.locator("#auth-state")).to_have_text(SIGNED_IN)
    (user,) = [u for u in client.logto.users.list() if u["primaryPhone"] == number.removeprefix("+")]

    new_browser_session(page, app_url)
    open_home(page, app_url)
    follow(page, "Sign in", SIGN_IN)
    page.get_by_label("Phone number").fill(number)
    page.get_by_role("button", name="Sign in", exact=True).click()
    enter_code(page, client.mailbox.wait_for_code(number, after=first["id"]))
    expect(page.locator("#auth-state")).to_have_text(SIGNED_IN)
    page.get_by_role("link", name="Profile").click()
    expect(cell(page, "id-token-claims", "sub")).to_have_text(user["id"])
