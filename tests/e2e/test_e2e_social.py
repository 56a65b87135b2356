"""Social sign-in from each sample app: "Continue with Google" on Logto's sign-in page, an identity picked on
the provider stand-in's page, back to the app signed in — again by the same identity, Deny, linking to an
existing account by a verified email, an unverified one replaced on Logto's "Link email" page, and
``direct_sign_in`` from the SDK's option. The tenant's Google connector comes from harness.toml
(``[[tenant.social_connectors]]``), with no API call."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from e2e_support import (
    SIGN_IN,
    SIGNED_OUT,
    cell,
    expect_signed_in,
    follow,
    new_browser_session,
    open_home,
)
from playwright.sync_api import Page, expect

from harness import HarnessConfig, load_harness_config, social_sign_in_over_http
from harness._harness import Harness
from harness.playwright import pick_social_identity, sign_in_with_social, social_button

HARNESS_TOML = """\
[[tenant.social_connectors]]
target = "google"
"""


@pytest.fixture(scope="module")
def harness_config(tmp_path_factory: pytest.TempPathFactory) -> HarnessConfig:
    path = Path(tmp_path_factory.mktemp("social")) / "harness.toml"
    path.write_text(HARNESS_TOML, encoding="utf-8")
    return load_harness_config(path)


def app_url(harness: Harness) -> str:
    assert harness.app_url is not None
    return harness.app_url


def _identity(name: str) -> dict[str, str]:
    ident = f"{name}-{uuid.uuid4().hex[:10]}"
    return {"id": ident, "email": f"{ident}@gmail.test", "name": name.title()}


def _sub(page: Page, url: str) -> str:
    page.goto(url + "/profile")
    return cell(page, "id-token-claims", "sub").inner_text()


def test_google_sign_up_then_sign_in_again(page: Page, app_harness: Harness) -> None:
    url, identity = app_url(app_harness), _identity("ann")
    open_home(page, url)
    follow(page, "Sign in", SIGN_IN)
    sign_in_with_social(page, "Google", identity)
    expect_signed_in(page, url, identity["email"])
    first = _sub(page, url)
    new_browser_session(page, url)  # Logto asks again
    open_home(page, url)
    follow(page, "Sign in", SIGN_IN)
    sign_in_with_social(page, "Google", identity)
    expect_signed_in(page, url, identity["email"])
    assert _sub(page, url) == first
    [user] = [u for u in app_harness.client.logto.users.list() if u["id"] == first]
    assert user["identities"]["google"]["userId"] == identity["id"]


def test_deny_shows_logtos_error_and_the_app_gets_nothing(page: Page, app_harness: Harness) -> None:
    url = app_url(app_harness)
    open_home(page, url)
    follow(page, "Sign in", SIGN_IN)
    social_button(page, "Google").click()
    pick_social_identity(page, {}, deny=True)
    # connector.general, as Logto's callback page toasts it on the sign-in page (JSON.stringify of the
    # connector's data string, koa-connector-error-handler.ts).
    logto = app_harness.logto_endpoint
    data = json.dumps(
        {"redirectUri": f"{logto}/callback/google", "error": "access_denied"}, separators=(",", ":")
    )
    expect(page.get_by_role("heading", name=SIGN_IN)).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("Error occurred in connector: " + json.dumps(data))
    page.goto(url + "/")
    expect(page.locator("#auth-state")).to_have_text(SIGNED_OUT)


def test_a_verified_email_links_to_the_existing_account(page: Page, app_harness: Harness) -> None:
    url, identity = app_url(app_harness), _identity("bob")
    existing = app_harness.client.logto.users.create(email=identity["email"])
    open_home(page, url)
    follow(page, "Sign in", SIGN_IN)
    social_button(page, "Google").click()
    pick_social_identity(page, identity)
    expect(page.get_by_role("heading", name="Link email")).to_be_visible()
    page.get_by_role("button", name=f"Link with {identity['id'][:4]}****@gmail.test").click()
    expect_signed_in(page, url, identity["email"])
    assert _sub(page, url) == existing["id"]


def test_an_unverified_email_is_added_on_the_continue_page(page: Page, app_harness: Harness) -> None:
    """Google's ``email_verified`` false: Logto's "Link email" page asks for an email, a code verifies it,
    and the app is signed in as that address with the identity linked."""
    url, identity = app_url(app_harness), _identity("cal")
    address = f"{identity['id']}@mine.test"
    open_home(page, url)
    follow(page, "Sign in", SIGN_IN)
    social_button(page, "Google").click()
    pick_social_identity(page, {**identity, "email_verified": False})
    expect(page.get_by_role("heading", name="Link email")).to_be_visible()
    page.get_by_label("Email").fill(address)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Verification code").fill(app_harness.client.mailbox.wait_for_code(address))
    expect_signed_in(page, url, address)
    [user] = [u for u in app_harness.client.logto.users.list() if u["primaryEmail"] == address]
    assert user["identities"]["google"]["userId"] == identity["id"]


@pytest.mark.parametrize("app_harness", ["go", "spa"], indirect=True)
def test_direct_sign_in_from_the_sdk_option(page: Page, app_harness: Harness) -> None:
    """``/sign-in?direct_sign_in=social:google``: the SDK's direct sign-in option (the Go SDK's
    ``DirectSignIn``, @logto/browser's ``directSignIn``) — not the Python app: the Python SDK (logto 0.2.1,
    its latest) has no such option, so its app has none to pass."""
    assert app_harness.app is not None
    assert app_harness.app.name in ("go", "spa")
    url, identity = app_url(app_harness), _identity("dee")
    open_home(page, url)
    visited: list[str] = []
    page.on("framenavigated", lambda frame: visited.append(frame.url))
    page.goto(url + "/sign-in?direct_sign_in=social:google")
    pick_social_identity(page, identity)  # straight to the provider
    expect_signed_in(page, url, identity["email"])
    logto = app_harness.logto_endpoint
    assert not [u for u in visited if u.startswith((f"{logto}/sign-in", f"{logto}/register"))], visited
    assert any(u.startswith(f"{logto}/direct/social/google?") for u in visited), visited


@pytest.mark.parametrize("app_harness", ["python", "go"], indirect=True)
def test_over_http_with_a_preset_identity(page: Page, app_harness: Harness) -> None:
    """No browser on the way: the stand-in's preset identity answers, and the session goes to the page —
    the server apps only: ``social_sign_in_over_http`` follows the app's ``/sign-in`` redirect and callback
    over HTTP, which a single-page app (its sign-in and callback are JavaScript) does not answer."""
    url, identity = app_url(app_harness), _identity("http")
    logto = app_harness.client.logto
    logto.preset_social_identity("google", **identity)
    try:
        state = social_sign_in_over_http(url, "google")
        again = social_sign_in_over_http(url, "google")  # the same identity: one user
    finally:
        logto.clear_social_identity("google")
    users = [u for u in logto.users.list() if "google" in u["identities"]]
    [user] = [u for u in users if u["identities"]["google"]["userId"] == identity["id"]]
    assert user["primaryEmail"] == identity["email"]
    assert again["cookies"]
    page.context.add_cookies(state["cookies"])
    page.goto(url + "/")
    expect_signed_in(page, url, identity["email"])
