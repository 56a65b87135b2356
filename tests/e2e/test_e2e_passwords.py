"""Passwords, when the tenant enables them: sign in with a seeded user's password, and reset a forgotten
password by email code — from each sample app's "Sign in" link. The tenant comes from a harness.toml, as a
user would write one."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from e2e_support import SIGN_IN, expect_signed_in, follow, open_home
from playwright.sync_api import Page

from harness import HarnessConfig, load_harness_config
from harness._harness import Harness
from harness._playwright import reset_password, sign_in_with_password

SEEDED = f"reader-{uuid.uuid4().hex[:12]}@example.test"
SEEDED_PASSWORD = "correct horse battery staple"

HARNESS_TOML = f"""\
[[tenant.users]]
email = "{SEEDED}"
password = "{SEEDED_PASSWORD}"

[tenant.sign_in_experience.sign_up]
identifiers = ["email"]
verify = true
password = false

[[tenant.sign_in_experience.sign_in]]
identifier = "email"
verification_code = true
password = true
"""


@pytest.fixture(scope="module")
def harness_config(tmp_path_factory: pytest.TempPathFactory) -> HarnessConfig:
    path = Path(tmp_path_factory.mktemp("passwords")) / "harness.toml"
    path.write_text(HARNESS_TOML, encoding="utf-8")
    return load_harness_config(path)


def app_url(harness: Harness) -> str:
    assert harness.app_url is not None
    return harness.app_url


def test_seeded_user_signs_in_with_a_password(page: Page, app_harness: Harness) -> None:
    url = app_url(app_harness)
    open_home(page, url)
    follow(page, "Sign in", SIGN_IN)
    sign_in_with_password(page, SEEDED, SEEDED_PASSWORD)
    expect_signed_in(page, url, SEEDED)


def test_forgotten_password_is_reset_by_email_code(page: Page, app_harness: Harness) -> None:
    address, url = f"forgot-{uuid.uuid4().hex[:12]}@example.test", app_url(app_harness)
    app_harness.client.logto.users.create(email=address, password="an old password nobody remembers")
    open_home(page, url)
    follow(page, "Sign in", SIGN_IN)
    reset_password(page, address, "a brand new passphrase", app_harness.client.mailbox)
    sign_in_with_password(page, address, "a brand new passphrase")
    expect_signed_in(page, url, address)
