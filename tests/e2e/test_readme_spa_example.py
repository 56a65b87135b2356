"""A single-page app that starts signed in: the tokens where @logto/browser reads them, no sign-in hop."""

import pytest
from playwright.sync_api import Browser, expect

from harness import Harness, Mailbox, sign_in_spa_over_http


@pytest.mark.harness(app="spa")  # the sample SPA; for yours, its URL and its application's id
def test_spa_starts_signed_in(
    harness: Harness, mailbox: Mailbox, email_address: str, browser: Browser
) -> None:
    app_url, app_id = f"{harness.app_url}", harness.info()["app"]["id"]  # a public client (type "spa")
    state = sign_in_spa_over_http(
        app_url, email_address, mailbox, logto_endpoint=harness.logto_endpoint, app_id=app_id, register=True
    )
    context = browser.new_context(storage_state=state)  # localStorage: logto:<app id>:idToken, …
    page = context.new_page()
    page.goto(f"{app_url}/profile")
    expect(page.locator("#auth-state")).to_have_text("You are signed in.")
    expect(page.locator("#userinfo")).to_contain_text(email_address)  # its access token works
    context.close()
