"""Phone sign-up and sign-in by SMS code in the browser: the sign-in experience takes phone numbers, the
code goes out through Logto's Twilio connector request to fake_mailgun's Twilio stand-in and is read from
the mailbox by number. Negative: a wrong code, an expired one (the tenant clock), a number that is not one.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Page, expect
from ui_support import auth_url, exchange, tenant_dict

from fake_logto import Running as LogtoRunning
from fake_logto import Settings as LogtoSettings
from fake_logto import default_twilio_config, parse_config
from fake_logto import serve_in_thread as serve_logto
from fake_mailgun import DEFAULT_TWILIO_ACCOUNT_SID, DEFAULT_TWILIO_AUTH_TOKEN, Running
from harness import Client
from harness._client import Mailbox
from harness._playwright import leaving_sign_in

SEEDED = "12015550100"  # the seeded user's number (libphonenumber's US example range)
CODE_MISMATCH = "Invalid verification code."
CODE_EXPIRED = "Verification code has expired. Please request a new verification code."
INVALID_PHONE = "The phone number is invalid"  # phrases-experience error.invalid_phone


@pytest.fixture(scope="module")
def logto(mailgun: Running) -> Iterator[LogtoRunning]:
    """A tenant signing up and in by phone number and SMS code only, Twilio pointed at fake_mailgun."""
    tenant = tenant_dict(
        mailgun.url,
        sign_up={"identifiers": ["phone"], "verify": True, "password": False},
        sign_in=[{"identifier": "phone", "verification_code": True, "password": False}],
    )
    tenant["users"] = [{"phone": SEEDED, "name": "Phone reader"}]
    config = default_twilio_config(mailgun.url, DEFAULT_TWILIO_ACCOUNT_SID, DEFAULT_TWILIO_AUTH_TOKEN)
    tenant["sms_connector"] = {"kind": "twilio", "config": config}
    with serve_logto(LogtoSettings(port=0), config=parse_config(tenant)) as running:
        yield running


@pytest.fixture
def number() -> str:
    return f"1201555{secrets.randbelow(9_000) + 1_000:04d}"


def enter(page: Page, code: str) -> None:
    for index, digit in enumerate(code):
        page.locator(f"input[name=passcode_{index}]").fill(digit)


def register(page: Page, logto: LogtoRunning, number: str) -> str:
    url = auth_url(logto, first_screen="register")
    page.goto(url)
    field = page.get_by_label("Phone number")
    expect(field).to_have_attribute("type", "tel")
    field.fill(f"+1 {number[1:4]}-{number[4:7]}-{number[7:]}")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Verify your phone number")).to_be_visible()
    return url


def test_phone_sign_up_by_sms_code(page: Page, logto: LogtoRunning, mailbox: Mailbox, number: str) -> None:
    url = register(page, logto, number)
    expect(
        page.get_by_text(f"The verification code has been sent to your phone number +{number}")
    ).to_be_visible()
    message = mailbox.wait_for_message(f"+{number}", timeout=15)
    assert message["source"] == "twilio"
    assert message["text"].startswith("Your Logto sign-up verification code is ")
    with leaving_sign_in(page) as app:
        enter(page, message["code"])
    claims = exchange(logto, url, app.url)
    users = httpx.get(f"{logto.url}/__harness/users").json()["items"]
    assert [u["id"] for u in users if u["primaryPhone"] == number] == [claims["sub"]]


def test_phone_sign_in_by_sms_code(page: Page, logto: LogtoRunning, mailbox: Mailbox) -> None:
    newest = mailbox.latest(f"+{SEEDED}")
    url = auth_url(logto)
    page.goto(url)
    page.get_by_label("Phone number").fill(f"+{SEEDED}")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Verify your phone number")).to_be_visible()
    message = mailbox.wait_for_message(f"+{SEEDED}", after=newest["id"] if newest else None, timeout=15)
    assert message["text"].startswith("Your Logto sign-in verification code is ")
    with leaving_sign_in(page) as app:
        enter(page, message["code"])
    users = httpx.get(f"{logto.url}/__harness/users").json()["items"]
    seeded = next(u for u in users if u["primaryPhone"] == SEEDED)
    assert exchange(logto, url, app.url)["sub"] == seeded["id"]


def test_wrong_sms_code(page: Page, logto: LogtoRunning, mailbox: Mailbox, number: str) -> None:
    register(page, logto, number)
    code = mailbox.wait_for_code(f"+{number}", timeout=15)
    enter(page, f"{(int(code) + 1) % 1_000_000:06d}")
    expect(page.get_by_role("alert")).to_have_text(CODE_MISMATCH)


def test_expired_sms_code(
    page: Page, logto: LogtoRunning, mailbox: Mailbox, harness_client: Client, number: str
) -> None:
    register(page, logto, number)
    code = mailbox.wait_for_code(f"+{number}", timeout=15)
    harness_client.logto.advance_clock(601)  # codes live 600 s
    enter(page, code)
    expect(page.get_by_role("alert")).to_have_text(CODE_EXPIRED)


@pytest.mark.parametrize("typed", ["12", "+1 201 555 01234567890", "call me"])
def test_a_number_that_is_not_one_is_refused_on_the_page(
    page: Page, logto: LogtoRunning, mailbox: Mailbox, typed: str
) -> None:
    page.goto(auth_url(logto, first_screen="register"))
    page.get_by_label("Phone number").fill(typed)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("alert")).to_have_text(INVALID_PHONE)
    expect(page.get_by_label("Phone number")).to_have_attribute("aria-invalid", "true")
