"""An e2e test of a passkey: WebAuthn made mandatory, the passkey created in Chromium's virtual authenticator."""

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from harness import Harness, Mailbox
from harness.playwright import virtual_authenticator


@pytest.mark.harness(app="python")
def test_sign_up_with_a_passkey(
    harness: Harness, mailbox: Mailbox, email_address: str, page: Page, tenant_settings: Callable[..., Any]
) -> None:
    tenant_settings(sign_in_experience={"mfa": {"factors": ["WebAuthn"], "policy": "Mandatory"}})
    with virtual_authenticator(page) as authenticator:  # Chromium answers the passkey ceremonies itself
        page.goto(f"{harness.app_url}/")
        page.get_by_role("link", name="Register").click()
        page.get_by_label("Email").fill(email_address)
        page.get_by_role("button", name="Create account").click()
        page.get_by_label("Verification code").fill(mailbox.wait_for_code(email_address))
        page.get_by_role("button", name="Create a passkey").click()  # the only factor: its page at once
        expect(page.get_by_text("You are signed in.")).to_be_visible()
        assert [credential["rpId"] for credential in authenticator.credentials()] == ["localhost"]
