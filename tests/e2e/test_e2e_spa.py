"""The sample single-page app (``e2e/apps/spa``: ``@logto/browser``, a public client with PKCE, its tokens in
``localStorage``) in headless Chromium: register → sign out → sign in by email code, every call to Logto
cross-origin (Logto's CORS for the app's origin). A browser starting signed in from
:func:`harness.sign_in_spa_over_http`'s storage state is README's example, test_readme_spa_example.py."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from e2e_support import REGISTER, SIGN_IN, SIGNED_IN, SIGNED_OUT
from playwright.sync_api import Browser, Page, expect

from harness import HarnessConfig, register, sign_in_with_email_code, start_harness
from harness._cli import main
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


def test_starts_signed_in_from_harness_sign_in(
    browser: Browser, spa: Harness, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``harness sign-in --spa-app-id`` (issue 18: the SPA starts signed in from ``harness sign-in``'s state)."""
    address, url, app_id = f"spa-cli-{uuid.uuid4().hex[:8]}@example.test", _url(spa), spa.info()["app"]["id"]
    state = tmp_path / "state.json"
    flags = ["--mailgun-url", spa.mailgun_url, "--logto-url", spa.logto_endpoint, "--app-url", url]
    flags += ["--email", address, "--register", "--spa-app-id", app_id, "--storage-state", str(state)]
    assert main(["sign-in", *flags, "--json", "--quiet"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert sorted(result["tokens"]) == [
        f"logto:{app_id}:{k}" for k in ("accessToken", "idToken", "refreshToken")
    ]
    context = browser.new_context(storage_state=str(state))
    try:
        page = context.new_page()
        page.goto(url + "/")
        _signed_in_as(page, url, address)  # no sign-in hop: the SDK read its tokens
    finally:
        context.close()


def test_the_endpoint_signs_a_single_page_app_in(spa: Harness) -> None:
    address, url, app_id = f"spa-api-{uuid.uuid4().hex[:8]}@example.test", _url(spa), spa.info()["app"]["id"]
    body = {"app_url": url, "email": address, "register": True, "spa_app_id": app_id}
    answer = httpx.post(spa.info()["sign_in_url"], json=body, timeout=60)
    assert answer.status_code == 200, answer.text
    tokens = answer.json()["tokens"]
    claims = json.loads(base64.urlsafe_b64decode(tokens[f"logto:{app_id}:idToken"].split(".")[1] + "=="))
    assert claims["aud"] == app_id
    assert claims["iss"] == spa.logto_endpoint + "/oidc"
    refused = httpx.post(spa.info()["sign_in_url"], json={**body, "password": "a password 123"}, timeout=10)
    assert refused.status_code == 400
    assert "without a password" in refused.json()["message"]
    unknown = httpx.post(spa.info()["sign_in_url"], json={**body, "spa_app_id": "no-such-app"}, timeout=30)
    assert unknown.status_code == 422
    assert unknown.json()["hop"] == "the single-page app's sign-in"
