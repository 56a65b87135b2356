"""The configured sign-in experience decides what the pages show: password at sign-up, sign-in by
password only with registration off, sign-in by email code only. Each tenant is a fake_logto of its own."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from ui_support import auth_url, exchange, tenant_dict

from fake_logto import Running as LogtoRunning
from fake_logto import Settings as LogtoSettings
from fake_logto import parse_config
from fake_logto import serve_in_thread as serve_logto
from fake_mailgun import Running
from harness import Client
from harness._client import Mailbox
from harness._playwright import register, sign_in_with_email_code, sign_in_with_password


def serve(mailgun: Running, **experience: Any) -> Iterator[LogtoRunning]:
    config = parse_config(tenant_dict(mailgun.url, **experience))
    with serve_logto(LogtoSettings(port=0), config=config) as running:
        yield running


@pytest.fixture(scope="module")
def password_sign_up(mailgun: Running) -> Iterator[LogtoRunning]:
    yield from serve(mailgun, sign_up={"identifiers": ["email"], "verify": True, "password": True})


@pytest.fixture(scope="module")
def password_only(mailgun: Running) -> Iterator[LogtoRunning]:
    yield from serve(
        mailgun,
        sign_up={"identifiers": ["email"], "verify": True, "enabled": False},
        sign_in=[{"identifier": "email", "verification_code": False, "password": True}],
    )


@pytest.fixture(scope="module")
def code_only(mailgun: Running) -> Iterator[LogtoRunning]:
    yield from serve(mailgun, sign_in=[{"identifier": "email", "verification_code": True, "password": False}])


def test_sign_up_with_a_password(
    page: Page, password_sign_up: LogtoRunning, mailbox: Mailbox, address: str
) -> None:
    url = auth_url(password_sign_up)
    callback = register(page, address, mailbox, auth_url=url, password="my first password")
    assert exchange(password_sign_up, url, callback)["email"] == address

    url = auth_url(password_sign_up, prompt="login")
    callback = sign_in_with_password(page, address, "my first password", auth_url=url)
    assert exchange(password_sign_up, url, callback)["email"] == address


def test_sign_up_password_is_checked(
    page: Page, password_sign_up: LogtoRunning, mailbox: Mailbox, address: str
) -> None:
    page.goto(auth_url(password_sign_up, first_screen="register"))
    page.get_by_label("Email").fill(address)
    page.get_by_role("button", name="Create account").click()
    page.get_by_label("Verification code").fill(mailbox.wait_for_code(address, timeout=15))
    expect(page).to_have_url(re.compile(r"/continue/password\?app_id=bookstore$"))
    expect(page.get_by_role("heading", name="Set password")).to_be_visible()
    expect(page.get_by_text("Password requires a minimum of 8 characters.")).to_be_visible()
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_role("button", name="Save password").click()
    expect(page.get_by_role("alert")).to_have_text("Minimum length is 8.")


def create_user(mailgun: Running, logto: LogtoRunning, **profile: str) -> dict[str, Any]:
    with Client(mailgun.url, logto.url) as client:
        return client.logto.users.create(**profile)


def test_password_only_tenant_signs_in_on_one_form(
    page: Page, password_only: LogtoRunning, mailgun: Running, address: str
) -> None:
    user = create_user(mailgun, password_only, email=address, password="one form password")
    url = auth_url(password_only)
    page.goto(url)
    expect(page.get_by_label("Email")).to_be_visible()
    expect(page.get_by_label("Password", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Forgot your password?")).to_be_visible()
    expect(page.get_by_role("link", name="Create account")).to_have_count(0)  # registration is off
    callback = sign_in_with_password(page, address, "one form password")
    assert exchange(password_only, url, callback)["sub"] == user["id"]


def test_register_page_is_not_offered_when_registration_is_off(
    page: Page, password_only: LogtoRunning
) -> None:
    page.goto(auth_url(password_only, first_screen="register"))
    expect(page).to_have_url(re.compile(r"/sign-in\?app_id=bookstore$"))
    expect(page.get_by_role("heading", name="Sign in to your account")).to_be_visible()


def test_code_only_tenant_sends_the_code_at_once(
    page: Page, code_only: LogtoRunning, mailgun: Running, mailbox: Mailbox, address: str
) -> None:
    user = create_user(mailgun, code_only, email=address)
    url = auth_url(code_only)
    page.goto(url)
    expect(page.get_by_label("Email", exact=True)).to_have_attribute("type", "email")
    page.get_by_label("Email", exact=True).fill(address)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/sign-in/verification-code\?app_id=bookstore$"))
    expect(page.get_by_role("link", name="Sign in with password")).to_be_hidden()
    page.get_by_role("button", name="Back").click()
    callback = sign_in_with_email_code(page, address, mailbox)
    assert exchange(code_only, url, callback)["sub"] == user["id"]
