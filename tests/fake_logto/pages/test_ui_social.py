"""The social sign-in pages (:mod:`fake_logto._pages_social`) in a browser: the "Continue with …" buttons
of a tenant seeded by ``[[social_connectors]]``, the provider stand-in's page, the way back, and Logto's
refusals as its experience shows them (packages/experience/src/pages/SocialSignInWebCallback)."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect
from ui_support import assert_accessible, auth_url, exchange, tenant_dict

from fake_logto import Running as LogtoRunning
from fake_logto import Settings as LogtoSettings
from fake_logto import parse_config
from fake_logto import serve_in_thread as serve_logto
from fake_mailgun import Running
from harness._client import Mailbox
from harness._playwright import leaving_sign_in, pick_social_identity, sign_in_with_social, social_button

SOCIAL = [{"target": "google"}, {"target": "github", "name": "GitHub Enterprise"}]
# error.invalid_connector_auth (packages/phrases-experience/src/locales/en/error/index.ts)
INVALID_AUTH = "The authorization is invalid"


@pytest.fixture(scope="module")
def logto(mailgun: Running) -> Iterator[LogtoRunning]:
    """This module's tenant: the browser tests' one, with Google and GitHub seeded."""
    config = {**tenant_dict(mailgun.url), "social_connectors": SOCIAL}
    with serve_logto(LogtoSettings(port=0), config=parse_config(config)) as running:
        yield running


@pytest.fixture
def api(logto: LogtoRunning) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=logto.endpoint, timeout=30) as client:
        yield client


def _users(api: httpx.Client) -> list[dict[str, Any]]:
    response = api.get("/__harness/users")
    assert response.status_code == 200, response.text
    users: list[dict[str, Any]] = response.json()["items"]
    return users


def _toast(page: Page, text: str) -> None:
    expect(page.get_by_role("heading", name="Sign in to your account")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text(text)


def test_buttons_on_sign_in_and_register(page: Page, logto: LogtoRunning) -> None:
    page.goto(auth_url(logto))
    google = social_button(page, "Google")
    expect(google).to_be_visible()
    expect(google.get_by_role("img", name="google")).to_have_attribute("src", re.compile("^data:image/svg"))
    expect(social_button(page, "GitHub Enterprise")).to_be_visible()
    expect(page.get_by_role("separator")).to_have_text("or")
    assert_accessible(page)
    page.get_by_role("link", name="Create account").click()
    expect(social_button(page, "Google")).to_be_visible()


def test_google_sign_up_then_sign_in_again(page: Page, logto: LogtoRunning, api: httpx.Client) -> None:
    ident = f"g-{uuid.uuid4().hex[:8]}"
    identity = {"id": ident, "email": f"{ident}@gmail.test", "name": "Ann"}
    first = auth_url(logto)
    claims = exchange(logto, first, sign_in_with_social(page, "Google", identity, auth_url=first))
    [user] = [u for u in _users(api) if u["id"] == claims["sub"]]
    assert user["identities"]["google"]["userId"] == ident
    assert (user["primaryEmail"], user["name"]) == (identity["email"], "Ann")
    again = auth_url(logto, prompt="login")
    assert (
        exchange(logto, again, sign_in_with_social(page, "Google", identity, auth_url=again))["sub"]
        == (claims["sub"])
    )


def test_deny_is_the_connectors_error_on_the_sign_in_page(page: Page, logto: LogtoRunning) -> None:
    """Nothing reaches the app: the listener's global handler toasts the error on the sign-in page."""
    page.goto(auth_url(logto))
    social_button(page, "Google").click()
    pick_social_identity(page, {}, deny=True)
    # connector.general: the connector's data is the JSON of the callback data, and the handler's message
    # JSON.stringify of that string (koa-connector-error-handler.ts).
    data = json.dumps(
        {"redirectUri": f"{logto.endpoint}/callback/google", "error": "access_denied"}, separators=(",", ":")
    )
    _toast(page, "Error occurred in connector: " + json.dumps(data))
    social_button(page, "GitHub Enterprise").click()
    pick_social_identity(page, {}, deny=True)
    _toast(page, "The user's authorization process is unsuccessful.")  # connector.authorization_failed


def test_a_state_that_is_not_the_stored_one_is_refused(page: Page, logto: LogtoRunning) -> None:
    page.goto(auth_url(logto))
    social_button(page, "Google").click()
    expect(page.get_by_role("heading", name="Sign in with google")).to_be_visible()
    page.goto(f"{logto.endpoint}/callback/google?code=whatever&state=forged")
    _toast(page, INVALID_AUTH)
    page.goto(f"{logto.endpoint}/callback/google?code=whatever")  # no state at all
    _toast(page, INVALID_AUTH)


def test_an_unknown_connector_goes_to_the_sign_in_page(page: Page, logto: LogtoRunning) -> None:
    page.goto(auth_url(logto))
    page.goto(f"{logto.endpoint}/callback/nope?code=c&state=s")
    expect(page).to_have_url(re.compile(r"/sign-in\?app_id=bookstore$"))
    expect(page.get_by_role("heading", name="Sign in to your account")).to_be_visible()


def test_a_verified_email_of_an_account_offers_to_link_it(
    page: Page, logto: LogtoRunning, api: httpx.Client
) -> None:
    address = f"bob-{uuid.uuid4().hex[:8]}@corp.test"
    existing = api.post("/__harness/users", json={"email": address}).json()
    url = auth_url(logto)
    page.goto(url)
    social_button(page, "Google").click()
    pick_social_identity(page, {"id": f"g-{uuid.uuid4().hex[:8]}", "email": address})
    expect(page.get_by_role("heading", name="Link email")).to_be_visible()
    bind = page.get_by_role("button", name=f"Link with {address[:4]}****@corp.test")
    expect(page.get_by_role("link", name="Link another email")).to_be_visible()
    with leaving_sign_in(page) as departure:
        bind.click()
    assert exchange(logto, url, departure.url)["sub"] == existing["id"]
    [user] = [u for u in _users(api) if u["id"] == existing["id"]]
    assert "google" in user["identities"]


def test_an_unverified_email_does_not_link(
    page: Page, logto: LogtoRunning, api: httpx.Client, mailbox: Mailbox
) -> None:
    """No email in the user info (Google's ``email_verified`` false): a new account that needs an email —
    ``user.missing_profile``, which Logto's pages answer with their "Link email" page
    (``use-required-profile-error-handler.ts``); the email added there, verified by code, completes the
    sign-up (more in test_ui_continue.py)."""
    address = f"eve-{uuid.uuid4().hex[:8]}@corp.test"
    existing = api.post("/__harness/users", json={"email": address}).json()
    url = auth_url(logto)
    page.goto(url)
    social_button(page, "Google").click()
    ident = f"g-{uuid.uuid4().hex[:8]}"
    pick_social_identity(page, {"id": ident, "email": address, "email_verified": False})
    expect(page.get_by_role("heading", name="Link email")).to_be_visible()
    [user] = [u for u in _users(api) if u["id"] == existing["id"]]
    assert user["identities"] == {}
    added = f"eve-{uuid.uuid4().hex[:8]}@mine.test"
    page.get_by_label("Email").fill(added)
    page.get_by_role("button", name="Continue").click()
    with leaving_sign_in(page) as app:
        page.get_by_label("Verification code").fill(mailbox.wait_for_code(added, timeout=15))
    claims = exchange(logto, url, app.url)
    [user] = [u for u in _users(api) if u["id"] == claims["sub"]]
    assert (user["primaryEmail"], user["identities"]["google"]["userId"]) == (added, ident)


def test_direct_sign_in_lands_on_the_provider(page: Page, logto: LogtoRunning) -> None:
    page.goto(auth_url(logto, direct_sign_in="social:google"))
    expect(page.get_by_role("heading", name="Sign in with google")).to_be_visible()
    page.goto(auth_url(logto, direct_sign_in="social:facebook"))  # no such connector: the fallback
    expect(page).to_have_url(re.compile(r"/sign-in\?app_id=bookstore$"))


def test_automatic_account_linking_skips_the_link_page(
    page: Page, logto: LogtoRunning, api: httpx.Client
) -> None:
    address = f"cy-{uuid.uuid4().hex[:8]}@corp.test"
    existing = api.post("/__harness/users", json={"email": address}).json()
    patched = api.patch("/__harness/sign-in-exp", json={"socialSignIn": {"automaticAccountLinking": True}})
    assert patched.status_code == 200, patched.text
    try:
        url = auth_url(logto)
        identity = {"id": f"g-{uuid.uuid4().hex[:8]}", "email": address}
        assert (
            exchange(logto, url, sign_in_with_social(page, "Google", identity, auth_url=url))["sub"]
            == (existing["id"])
        )
    finally:
        api.delete("/__harness/sign-in-exp")
