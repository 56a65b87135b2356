"""The sign-in pages' enterprise SSO in a browser (:mod:`fake_logto._pages_sso`, ``static/sso.js``): an
email of an SSO domain turns the sign-in button into "Single Sign-On" and goes to the identity provider
stand-in; the "Use Single Sign-On" email page; Deny and a forged state back on the sign-in page with
Logto's toasts."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Page, expect
from ui_support import APP_ORIGIN, auth_url, exchange, tenant_dict

from fake_logto import Running as LogtoRunning
from fake_logto import Settings as LogtoSettings
from fake_logto import parse_config
from fake_logto import serve_in_thread as serve_logto
from fake_mailgun import Running


@pytest.fixture(scope="module")
def logto(mailgun: Running) -> Iterator[LogtoRunning]:
    data = tenant_dict(mailgun.url)
    data["sso_connectors"] = [
        {"id": "acme", "name": "Acme", "domains": ["acme.test"], "display_name": "Acme"}
    ]
    with serve_logto(LogtoSettings(port=0), config=parse_config(data)) as running:
        yield running


@pytest.fixture
def idp(logto: LogtoRunning) -> Iterator[str]:
    """The stand-in's identity URL (cleared after the test)."""
    url = f"{logto.endpoint}/__harness/sso/acme/identity"
    yield url
    httpx.delete(url)


def test_an_sso_email_signs_in_at_the_identity_provider(page: Page, logto: LogtoRunning) -> None:
    url = auth_url(logto)
    page.goto(url)
    page.get_by_label("Email / Username").fill("kim@acme.test")
    button = page.get_by_role("button", name="Single Sign-On")
    expect(button).to_be_visible()
    with page.expect_request(re.compile(r"^http://localhost:3000/callback\?")) as request:
        button.click()
        expect(page).to_have_title(re.compile("identity provider stand-in"))
        page.get_by_label("Subject (sub)").fill("kim-1")
        page.get_by_label("Email", exact=True).fill("kim@acme.test")
        page.get_by_label("Name").fill("Kim")
        page.get_by_role("button", name="Continue").click()
    claims = exchange(logto, url, request.value.url)
    assert (claims["email"], claims["name"]) == ("kim@acme.test", "Kim")


def test_the_single_sign_on_email_page(page: Page, logto: LogtoRunning, idp: str) -> None:
    httpx.put(idp, json={"id": "lee-1", "email": "lee@acme.test"}).raise_for_status()
    url = auth_url(logto)
    page.goto(url)
    page.get_by_role("link", name="Single Sign-On").click()
    expect(page).to_have_url(re.compile(r"/single-sign-on/email\?app_id=bookstore"))
    page.get_by_label("Email").fill("lee@other.test")
    page.get_by_role("button", name="Single Sign-On").click()
    expect(page.get_by_role("alert")).to_have_text("Single Sign-On is not enabled for this email account.")
    page.get_by_label("Email").fill("lee@acme.test")
    with page.expect_request(re.compile(r"^http://localhost:3000/callback\?")) as request:
        page.get_by_role("button", name="Single Sign-On").click()
    assert exchange(logto, url, request.value.url)["email"] == "lee@acme.test"


def test_deny_returns_to_sign_in_with_the_error(page: Page, logto: LogtoRunning, idp: str) -> None:
    httpx.put(idp, json={"deny": True}).raise_for_status()
    page.goto(auth_url(logto))
    page.get_by_label("Email / Username").fill("max@acme.test")
    page.get_by_role("button", name="Single Sign-On").click()
    expect(page).to_have_url(re.compile(r"/sign-in\?app_id=bookstore"))
    expect(page.get_by_role("status")).to_have_text("The request is with wrong input parameter(s).")


def test_a_state_mismatch_is_refused(page: Page, logto: LogtoRunning) -> None:
    page.goto(auth_url(logto))
    page.get_by_label("Email / Username").fill("ola@acme.test")
    page.get_by_role("button", name="Single Sign-On").click()
    expect(page).to_have_title(re.compile("identity provider stand-in"))  # the page stored its state
    page.goto(f"{logto.endpoint}/callback/acme?code=forged&state=forged")
    expect(page).to_have_url(re.compile(r"/sign-in"))
    expect(page.get_by_role("status")).to_have_text("The authorization is invalid")


def test_an_unknown_connectors_callback_goes_to_sign_in(page: Page, logto: LogtoRunning) -> None:
    page.goto(auth_url(logto))
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    page.goto(f"{logto.endpoint}/callback/nope?code=x&state=y")
    expect(page).to_have_url(re.compile(r"/sign-in"))
    assert APP_ORIGIN not in page.url


def test_direct_sign_in_goes_straight_to_the_identity_provider(
    page: Page, logto: LogtoRunning, idp: str
) -> None:
    httpx.put(idp, json={"id": "ned-1", "email": "ned@acme.test"}).raise_for_status()
    url = auth_url(logto, direct_sign_in="sso:acme")
    with page.expect_request(re.compile(r"^http://localhost:3000/callback\?")) as request:
        page.goto(url)
    assert exchange(logto, url, request.value.url)["email"] == "ned@acme.test"


def test_direct_sign_in_to_an_unknown_connector_falls_back(page: Page, logto: LogtoRunning) -> None:
    page.goto(auth_url(logto, direct_sign_in="sso:nope"))
    expect(page).to_have_url(re.compile(r"/sign-in$"))
