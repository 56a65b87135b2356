"""The sample single-page app (``e2e/apps/spa``: ``@logto/browser``, a public client with PKCE, its tokens in
``localStorage``) in headless Chromium: register → sign out → sign in by email code, every call to Logto
cross-origin (Logto's CORS for the app's origin). A browser starting signed in from
:func:`harness.sign_in_spa_over_http`'s storage state is README's example, test_readme_spa_example.py."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from e2e_support import REGISTER, SIGN_IN, SIGNED_IN, SIGNED_OUT
from playwright.sync_api import Page, expect

from harness import HarnessConfig, register, sign_in_with_email_code, start_harness
from harness._harness import Harness


@pytest.fixture(scope="module")
def spa(harness_config: HarnessConfig) -> Iterator[Harness]:
    with start_harness(harness_config, free_ports=True, app="spa") as harness:
        yield harness


def _url(harness: Harness) -> str:
    assert harness.app_url is not None
    return harness.app_url


def _press(page: Page, button: str, heading: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()
    expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()


def _signed_in_as(page: Page, url: str, address: str) -> None:
    expect(page.locator("#auth-state")).to_have_text(SIGNED_IN)
    expect(page).to_have_url(url + "/")
    expect(page.locator("#email")).to_have_text(address)
    expect(page.locator("#userinfo-email")).to_have_text(address)  # the access token, at /oidc/me
    expect(page.locator("#error")).to_be_hidden()


def test_register_sign_out_and_sign_in_by_email_code(page: Page, spa: Harness) -> None:
    address, url, mailbox = f"spa-{uuid.uuid4().hex[:12]}@example.test", _url(spa), spa.client.mailbox
    page.goto(url + "/")
    expect(page.locator("#auth-state")).to_have_text(SIGNED_OUT)
    _press(page, "Register", REGISTER)
    register(page, address, mailbox)
    _signed_in_as(page, url, address)
    (user,) = [u for u in spa.client.logto.users.list() if u["primaryEmail"] == address]
    expect(page.locator("#sub")).to_have_text(user["id"])
    app_id = spa.info()["app"]["id"]  # the keys the SDK wrote: those sign_in_spa_over_http writes
    assert page.evaluate(
        f"Object.keys(localStorage).filter(k => k.startsWith('logto:{app_id}:')).sort()"
    ) == [f"logto:{app_id}:{key}" for key in ("accessToken", "idToken", "refreshToken")]

    # The SDK revokes its refresh token and goes to Logto's end-session page, which returns to the app.
    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(page.locator("#auth-state")).to_have_text(SIGNED_OUT)
    expect(page).to_have_url(url + "/")
    assert "_session" not in [c["name"] for c in page.context.cookies()], "the Logto session is gone"

    sent = len(mailbox.messages(address))
    _press(page, "Sign in", SIGN_IN)
    sign_in_with_email_code(page, address, mailbox)
    _signed_in_as(page, url, address)
    assert len(mailbox.messages(address)) == sent + 1
