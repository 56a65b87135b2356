"""An e2e test of sign-up: the app's pages, Logto's sign-in pages, the code from the mailbox."""

import pytest
from playwright.sync_api import Page, expect

from harness import Harness, Mailbox


@pytest.mark.harness(app="python")  # the sample app; for yours, see the text above
def test_register_by_email_code(harness: Harness, mailbox: Mailbox, email_address: str, page: Page) -> None:
    page.goto(f"{harness.app_url}/")
    page.get_by_role("link", name="Register").click()
    page.get_by_label("Email").fill(email_address)
    page.get_by_role("button", name="Create account").click()
    page.get_by_label("Verification code").fill(mailbox.wait_for_code(email_address))  # submits itself
    expect(page.get_by_text("You are signed in.")).to_be_visible()
    expect(page.locator("#email")).to_have_text(email_address)
