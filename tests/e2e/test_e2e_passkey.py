"""A passkey as each sample app's users meet it: the tenant (a harness.toml) makes WebAuthn the one mandatory
MFA factor; a user registers from the app, creates a passkey in Chromium's virtual authenticator, signs out,
and signs in again with a code and that passkey. The harness serves Logto on ``http://localhost:PORT``: a
relying party id must be a host name, not an IP address."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from e2e_support import SIGN_IN, SIGNED_OUT, enter_code, expect_signed_in, follow, start_registration
from playwright.sync_api import Page, expect

from harness import HarnessConfig, load_harness_config
from harness._harness import Harness
from harness.playwright import VirtualAuthenticator, virtual_authenticator

HARNESS_TOML = """\
[tenant.sign_in_experience.mfa]
factors = ["WebAuthn"]
policy = "Mandatory"
"""
# Logto's words (packages/phrases/src/locales/en/errors): user.missing_mfa, session.mfa.require_mfa_verification
MISSING_MFA = "You need to bind additional MFA before signing-in."
REQUIRE_MFA = "Mfa verification is required to sign in."


@pytest.fixture(scope="module")
def harness_config(tmp_path_factory: pytest.TempPathFactory) -> HarnessConfig:
    path = Path(tmp_path_factory.mktemp("passkey")) / "harness.toml"
    path.write_text(HARNESS_TOML, encoding="utf-8")
    return load_harness_config(path)


@pytest.fixture
def authenticator(page: Page) -> Iterator[VirtualAuthenticator]:
    with virtual_authenticator(page) as added:
        yield added


def to_passkey_page(page: Page, path: str, said: str) -> None:
    """The sign-in UI goes to the WebAuthn page at ``path`` itself after the submit's MFA error (``said``):
    WebAuthn is the only factor, so Logto's error handler opens its page at once."""
    del said
    heading = page.get_by_role("heading", level=1, name=re.compile("Create a passkey|2-step verification"))
    expect(heading).to_be_visible()
    assert urlsplit(page.url).path == path


def test_a_passkey_created_at_sign_up_signs_in_again(
    page: Page, app_harness: Harness, authenticator: VirtualAuthenticator
) -> None:
    address = f"passkey-{uuid.uuid4().hex[:12]}@example.test"
    assert app_harness.app_url is not None
    url, mailbox = app_harness.app_url, app_harness.client.mailbox
    start_registration(page, url, address)
    enter_code(page, mailbox.wait_for_code(address))
    to_passkey_page(page, "/mfa-binding/WebAuthn", MISSING_MFA)
    create = page.get_by_role("button", name="Create a passkey")
    expect(create).to_be_enabled()
    create.click()
    expect_signed_in(page, url, address)
    assert [c["rpId"] for c in authenticator.credentials()] == ["localhost"]

    page.get_by_role("link", name="Sign out").click()
    expect(page.locator("#auth-state")).to_have_text(SIGNED_OUT)
    sent = mailbox.wait_for_message(address)
    follow(page, "Sign in", SIGN_IN)
    page.get_by_label(re.compile("email", re.IGNORECASE)).fill(address)
    page.get_by_role("button", name="Sign in", exact=True).click()
    enter_code(page, mailbox.wait_for_code(address, after=sent["id"]))
    to_passkey_page(page, "/mfa-verification/WebAuthn", REQUIRE_MFA)
    verify = page.get_by_role("button", name="Verify via passkey")
    expect(verify).to_be_enabled()
    verify.click()
    expect_signed_in(page, url, address)
    assert authenticator.credentials()[0]["signCount"] == 2
