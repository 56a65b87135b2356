"""The code page seen from each sample app: a wrong code then the right one, a resend (only the new code
works), a code expired on Logto's clock, and a Mailgun outage — each explained, each recoverable."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from e2e_support import WRONG_CODE, enter_code, expect_signed_in, other_code, start_registration
from playwright.sync_api import Page, expect

from harness._harness import Harness


@pytest.fixture
def address() -> str:
    return f"code-{uuid.uuid4().hex[:12]}@example.test"


@pytest.fixture
def app_url(app_harness: Harness) -> str:
    assert app_harness.app_url is not None
    return app_harness.app_url


@pytest.fixture
def faults_cleared(app_harness: Harness) -> Iterator[None]:
    yield
    app_harness.client.faults.clear()


def test_wrong_code_then_the_right_one(page: Page, app_harness: Harness, app_url: str, address: str) -> None:
    start_registration(page, app_url, address)
    code = app_harness.client.mailbox.wait_for_code(address)
    enter_code(page, other_code(code))
    expect(page.get_by_role("alert")).to_have_text(WRONG_CODE)
    enter_code(page, code)
    expect_signed_in(page, app_url, address)


def test_resend_sends_a_new_code_and_only_it_works(
    page: Page, app_harness: Harness, app_url: str, address: str
) -> None:
    mailbox = app_harness.client.mailbox
    page.clock.install()
    start_registration(page, app_url, address)
    first = mailbox.wait_for_message(address)
    resend = page.get_by_role("link", name="Resend verification code")
    expect(resend).to_be_hidden()
    page.clock.fast_forward("01:00")  # the page's countdown
    resend.click()
    expect(page.get_by_role("status")).to_have_text("The verification code has been resent")
    second = mailbox.wait_for_message(address, after=first["id"])
    if first["code"] != second["code"]:  # one in a million they are the same
        enter_code(page, first["code"])
        expect(page.get_by_role("alert")).to_have_text(WRONG_CODE)
    enter_code(page, second["code"])
    expect_signed_in(page, app_url, address)


def test_expired_code_says_so_and_a_new_one_works(
    page: Page, app_harness: Harness, app_url: str, address: str
) -> None:
    mailbox = app_harness.client.mailbox
    page.clock.install()
    start_registration(page, app_url, address)
    first = mailbox.wait_for_message(address)
    app_harness.client.logto.advance_clock(601)  # codes live 600 s
    enter_code(page, first["code"])
    expect(page.get_by_role("alert")).to_have_text(
        "Verification code has expired. Please request a new verification code."
    )
    page.clock.fast_forward("01:00")
    page.get_by_role("link", name="Resend verification code").click()
    enter_code(page, mailbox.wait_for_code(address, after=first["id"]))
    expect_signed_in(page, app_url, address)


@pytest.mark.usefixtures("faults_cleared")
def test_mailgun_outage_is_shown_and_a_retry_works(
    page: Page, app_harness: Harness, app_url: str, address: str
) -> None:
    app_harness.client.faults.mailgun(status=503, count=1)
    page.goto(app_url + "/register")
    page.get_by_label("Email", exact=True).fill(address)
    create = page.get_by_role("button", name="Create account", exact=True)
    create.click()
    expect(page.get_by_role("alert")).to_contain_text("Error occurred in connector")
    assert app_harness.client.mailbox.messages(address) == []
    create.click()  # the outage was one request long
    enter_code(page, app_harness.client.mailbox.wait_for_code(address))
    expect_signed_in(page, app_url, address)
