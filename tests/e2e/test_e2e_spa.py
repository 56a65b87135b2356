"""What only the sample single-page app has (``e2e/apps/spa``: ``@logto/browser``, a public client with PKCE,
its tokens in ``localStorage``): the SDK's keys there (those :func:`harness.sign_in_spa_over_http` writes),
gone after sign-out; a browser starting signed in from ``harness sign-in``'s storage state; the sign-in
endpoint for a SPA. Its pages and flows are the other apps' (register, codes, sign-out, …): the suites of
tests/e2e run it beside them (``APPS`` in conftest.py). README's example is test_readme_spa_example.py."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from e2e_support import REGISTER, SIGNED_OUT, cell, expect_signed_in, follow, open_home
from playwright.sync_api import Browser, Page, expect

from harness import HarnessConfig, register, start_harness
from harness._cli import main
from harness._harness import Harness

TOKENS = ("accessToken", "idToken", "refreshToken")


@pytest.fixture(scope="module")
def spa(harness_config: HarnessConfig) -> Iterator[Harness]:
    with start_harness(harness_config, free_ports=True, app="spa") as harness:
        yield harness


def _url(harness: Harness) -> str:
    assert harness.app_url is not None
    return harness.app_url


def _stored(page: Page, app_id: str) -> list[str]:
    """The SDK's ``localStorage`` keys of the app (``logto:<app id>:<key>``), sorted."""
    keys: list[str] = page.evaluate(
        f"Object.keys(localStorage).filter(k => k.startsWith('logto:{app_id}:')).sort()"
    )
    return keys


def _profile_shows(page: Page, url: str, address: str) -> None:
    """The profile page's userinfo: the stored access token, sent to ``/oidc/me`` cross-origin."""
    page.goto(url + "/profile")
    expect(cell(page, "userinfo", "email")).to_have_text(address)
    expect(page.locator("#error")).to_have_count(0)


def test_the_tokens_are_in_local_storage_until_sign_out(page: Page, spa: Harness) -> None:
    address, url, app_id = f"spa-{uuid.uuid4().hex[:12]}@example.test", _url(spa), spa.info()["app"]["id"]
    open_home(page, url)
    follow(page, "Register", REGISTER)
    register(page, address, spa.client.mailbox)
    expect_signed_in(page, url, address)
    assert _stored(page, app_id) == [f"logto:{app_id}:{key}" for key in TOKENS]
    _profile_shows(page, url, address)

    page.get_by_role("link", name="Sign out").click()
    expect(page.locator("#auth-state")).to_have_text(SIGNED_OUT)
    expect(page).to_have_url(url + "/")
    assert _stored(page, app_id) == []


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
    assert sorted(result["tokens"]) == [f"logto:{app_id}:{k}" for k in TOKENS]
    context = browser.new_context(storage_state=str(state))
    try:
        page = context.new_page()
        page.goto(url + "/")
        expect_signed_in(page, url, address)  # no sign-in hop: the SDK read its tokens
        _profile_shows(page, url, address)
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
