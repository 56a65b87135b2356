"""The continue pages (:mod:`fake_logto._pages_continue`) in a browser: a social sign-up whose identity
lacks what the sign-up requires (Google's ``email_verified`` false: no email) adds it — an email or a phone
number verified by code, a username — and signs in; Logto's dialogs when the added email is an account's
(link the identity, or try another), and the page's own refusals (packages/experience/src/pages/Continue).
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect
from ui_support import auth_url, exchange, tenant_dict

from fake_logto import Running as LogtoRunning
from fake_logto import Settings as LogtoSettings
from fake_logto import default_twilio_config, parse_config
from fake_logto import serve_in_thread as serve_logto
from fake_mailgun import DEFAULT_TWILIO_ACCOUNT_SID, DEFAULT_TWILIO_AUTH_TOKEN, Running
from harness._client import Mailbox
from harness._playwright import leaving_sign_in, pick_social_identity, social_button

LINK_EMAIL = (
    "For added security, please link your email with the account."  # description.link_email_description
)


@pytest.fixture(scope="module")
def logto(mailgun: Running) -> Iterator[LogtoRunning]:
    """Email sign-up, Google, and an SMS connector (Twilio at fake_mailgun) for the phone page."""
    twilio = default_twilio_config(mailgun.url, DEFAULT_TWILIO_ACCOUNT_SID, DEFAULT_TWILIO_AUTH_TOKEN)
    config = {
        **tenant_dict(mailgun.url),
        "social_connectors": [{"target": "google"}],
        "sms_connector": {"kind": "twilio", "config": twilio},
    }
    with serve_logto(LogtoSettings(port=0), config=parse_config(config)) as running:
        yield running


@pytest.fixture
def api(logto: LogtoRunning) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=logto.endpoint, timeout=30) as client:
        yield client


@pytest.fixture
def sign_up(api: httpx.Client) -> Iterator[Any]:
    """Patch the sign-up settings for one test (``PATCH /__harness/sign-in-exp``), restored after it."""

    def patch(**body: Any) -> None:
        response = api.patch("/__harness/sign-in-exp", json=body)
        assert response.status_code == 200, response.text

    yield patch
    api.delete("/__harness/sign-in-exp")


def _user(api: httpx.Client, user_id: str) -> dict[str, Any]:
    users: list[dict[str, Any]] = api.get("/__harness/users").json()["items"]
    return next(u for u in users if u["id"] == user_id)


def _unverified_google(page: Page, logto: LogtoRunning, ident: str, email: str | None = None) -> str:
    """Press "Continue with Google" and pick an identity whose email is not verified; the auth URL."""
    url = auth_url(logto)
    page.goto(url)
    social_button(page, "Google").click()
    identity: dict[str, str | bool] = {"id": ident, "email": email or f"{ident}@gmail.test"}
    pick_social_identity(page, {**identity, "email_verified": False})
    return url


def _code(page: Page, code: str) -> None:
    page.get_by_label("Verification code").fill(code)


def test_unverified_email_social_sign_up_links_a_verified_email(
    page: Page, logto: LogtoRunning, api: httpx.Client, mailbox: Mailbox
) -> None:
    ident, address = f"g-{uuid.uuid4().hex[:8]}", f"new-{uuid.uuid4().hex[:8]}@corp.test"
    url = _unverified_google(page, logto, ident)
    expect(page.get_by_role("heading", name="Link email")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/continue/email\?link_social=\w+&app_id=bookstore$"))
    expect(page.get_by_text(LINK_EMAIL)).to_be_visible()
    page.get_by_label("Email").fill(address)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Verify your email")).to_be_visible()
    with leaving_sign_in(page) as app:
        _code(page, mailbox.wait_for_code(address, timeout=15))
    claims = exchange(logto, url, app.url)
    user = _user(api, claims["sub"])
    assert user["primaryEmail"] == address
    assert user["identities"]["google"]["userId"] == ident


def test_the_page_checks_the_email_first(page: Page, logto: LogtoRunning) -> None:
    _unverified_google(page, logto, f"g-{uuid.uuid4().hex[:8]}")
    expect(page.get_by_role("heading", name="Link email")).to_be_visible()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_have_text("email is required")
    page.get_by_label("Email").fill("not-an-address")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_have_text("The email is invalid")


def test_an_email_in_use_offers_to_link_the_identity(
    page: Page, logto: LogtoRunning, api: httpx.Client, mailbox: Mailbox
) -> None:
    address = f"held-{uuid.uuid4().hex[:8]}@corp.test"
    existing = api.post("/__harness/users", json={"email": address}).json()
    ident = f"g-{uuid.uuid4().hex[:8]}"
    url = _unverified_google(page, logto, ident, address)
    page.get_by_label("Email").fill(address)
    page.get_by_role("button", name="Continue").click()
    _code(page, mailbox.wait_for_code(address, timeout=15))
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(
        f"The account with email {address} already exists. Would you like to link?"
    )
    expect(dialog.get_by_role("button", name="Change email")).to_be_visible()
    with leaving_sign_in(page) as app:
        dialog.get_by_role("button", name="Link and continue").click()
    assert exchange(logto, url, app.url)["sub"] == existing["id"]
    assert _user(api, existing["id"])["identities"]["google"]["userId"] == ident


def test_change_email_goes_back_to_the_form(
    page: Page, logto: LogtoRunning, api: httpx.Client, mailbox: Mailbox
) -> None:
    address = f"back-{uuid.uuid4().hex[:8]}@corp.test"
    api.post("/__harness/users", json={"email": address})
    _unverified_google(page, logto, f"g-{uuid.uuid4().hex[:8]}", address)
    page.get_by_label("Email").fill(address)
    page.get_by_role("button", name="Continue").click()
    _code(page, mailbox.wait_for_code(address, timeout=15))
    page.get_by_role("dialog").get_by_role("button", name="Change email").click()
    expect(page.get_by_role("heading", name="Link email")).to_be_visible()


def test_a_sign_in_adds_the_email_the_sign_up_now_requires(
    page: Page, logto: LogtoRunning, api: httpx.Client, mailbox: Mailbox
) -> None:
    """A SignIn interaction: an account without an email (a username and a password) is asked for one at
    submit; an address another account has is the "try another" alert, a new one is added."""
    name, password = f"u_{uuid.uuid4().hex[:8]}", "continue page password"
    created = api.post("/__harness/users", json={"username": name, "password": password})
    assert created.status_code in (200, 201), created.text
    taken = f"taken-{uuid.uuid4().hex[:8]}@corp.test"
    api.post("/__harness/users", json={"email": taken})
    url = auth_url(logto)
    page.goto(url)
    page.get_by_label("Email / Username").fill(name)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Link email")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/continue/email\?app_id=bookstore$"))
    page.get_by_label("Email").fill(taken)
    page.get_by_role("button", name="Continue").click()
    _code(page, mailbox.wait_for_code(taken, timeout=15))
    alert = page.get_by_role("dialog")
    expect(alert).to_contain_text(
        f"The account with email {taken} is linked to another account. Please try another email."
    )
    expect(alert.get_by_role("button")).to_have_count(1)
    alert.get_by_role("button", name="Change email").click()
    address = f"mine-{uuid.uuid4().hex[:8]}@corp.test"
    page.get_by_label("Email").fill(address)
    page.get_by_role("button", name="Continue").click()
    with leaving_sign_in(page) as app:
        _code(page, mailbox.wait_for_code(address, timeout=15))
    claims = exchange(logto, url, app.url)
    assert (_user(api, claims["sub"])["username"], _user(api, claims["sub"])["primaryEmail"]) == (
        name,
        address,
    )


def test_a_username_sign_up(page: Page, logto: LogtoRunning, api: httpx.Client, sign_up: Any) -> None:
    taken = f"taken_{uuid.uuid4().hex[:8]}"
    api.post("/__harness/users", json={"username": taken, "password": "some password 1"})
    sign_up(signUp={"identifiers": ["username"], "password": True, "verify": False})
    ident = f"g-{uuid.uuid4().hex[:8]}"
    url = _unverified_google(page, logto, ident)
    expect(page.get_by_role("heading", name="Set username")).to_be_visible()
    expect(
        page.get_by_text("Username is an alternative for sign-in. Username should contain only")
    ).to_be_visible()
    field = page.get_by_label("Username")
    for typed, said in (
        ("", "username is required"),
        ("1reader", "Username should not start with a number"),
        ("no-dashes", "Username should only contain letters, numbers, or underscores."),
        (taken, "This username is already in use."),  # the API's user.username_already_in_use
    ):
        field.fill(typed)
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("alert")).to_have_text(said)
    name = f"fresh_{uuid.uuid4().hex[:8]}"
    field.fill(name)
    with leaving_sign_in(page) as app:
        page.get_by_role("button", name="Continue").click()
    user = _user(api, exchange(logto, url, app.url)["sub"])
    assert (user["username"], user["identities"]["google"]["userId"]) == (name, ident)


def test_a_registration_whose_email_is_an_account_s_offers_to_sign_in(
    page: Page, logto: LogtoRunning, api: httpx.Client, mailbox: Mailbox, sign_up: Any
) -> None:
    """Username sign-up with an email as secondary identifier: the email page after the password; an address
    an account has, on a tenant signing in by email code, is "Continue to sign in" (Register, no social)."""
    address = f"known-{uuid.uuid4().hex[:8]}@corp.test"
    account = {"email": address, "username": f"known_{uuid.uuid4().hex[:8]}", "password": "known password 1"}
    existing = api.post("/__harness/users", json=account).json()  # all the sign-up asks for
    sign_up(
        signUp={
            "identifiers": ["username"],
            "password": True,
            "verify": True,
            "secondaryIdentifiers": [{"identifier": "email", "verify": True}],
        }
    )
    url = auth_url(logto, first_screen="register")
    page.goto(url)
    page.get_by_label("Username").fill(f"new_{uuid.uuid4().hex[:8]}")
    page.get_by_role("button", name="Create account").click()
    page.get_by_label("Password", exact=True).fill("a long enough password")
    confirm = page.get_by_label("Confirm password")
    if confirm.count():  # only without forgot-password (containers/SetPassword)
        confirm.fill("a long enough password")
    page.get_by_role("button", name="Save password").click()
    expect(page.get_by_role("heading", name="Link email")).to_be_visible()
    page.get_by_label("Email").fill(address)
    page.get_by_role("button", name="Continue").click()
    _code(page, mailbox.wait_for_code(address, timeout=15))
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text(f"An account with {address} already exists. Continue to sign in.")
    with leaving_sign_in(page) as app:
        dialog.get_by_role("button", name="Sign in").click()
    assert exchange(logto, url, app.url)["sub"] == existing["id"]


def test_a_restrictive_username_policy_is_described(page: Page, logto: LogtoRunning, sign_up: Any) -> None:
    sign_up(
        signUp={"identifiers": ["username"], "password": True, "verify": False},
        usernamePolicy={
            "caseSensitive": True,
            "minLength": 4,
            "maxLength": 8,
            "allowedChars": {"lowercase": True, "uppercase": False, "numbers": True, "underscore": True},
        },
    )
    _unverified_google(page, logto, f"g-{uuid.uuid4().hex[:8]}")
    expect(page.get_by_role("heading", name="Set username")).to_be_visible()
    expect(
        page.get_by_text(
            "Username is an alternative for sign-in. Username must be 4 to 8 characters and can only "
            "contain lowercase letters, numbers, and underscores."
        )
    ).to_be_visible()


def test_a_phone_sign_up(
    page: Page, logto: LogtoRunning, api: httpx.Client, mailbox: Mailbox, sign_up: Any
) -> None:
    sign_up(signUp={"identifiers": ["phone"], "password": False, "verify": True})
    number = f"1201555{secrets.randbelow(9_000) + 1_000:04d}"
    url = _unverified_google(page, logto, f"g-{uuid.uuid4().hex[:8]}")
    expect(page.get_by_role("heading", name="Link phone")).to_be_visible()
    field = page.get_by_label("Phone number")
    expect(field).to_have_attribute("type", "tel")
    field.fill("12")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_have_text("The phone number is invalid")
    field.fill(f"+{number}")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Verify your phone number")).to_be_visible()
    with leaving_sign_in(page) as app:
        _code(page, mailbox.wait_for_code(f"+{number}", timeout=15))
    assert _user(api, exchange(logto, url, app.url)["sub"])["primaryPhone"] == number


def test_an_email_or_phone_sign_up(
    page: Page, logto: LogtoRunning, api: httpx.Client, mailbox: Mailbox, sign_up: Any
) -> None:
    sign_up(signUp={"identifiers": ["email", "phone"], "password": False, "verify": True})
    address = f"either-{uuid.uuid4().hex[:8]}@corp.test"
    url = _unverified_google(page, logto, f"g-{uuid.uuid4().hex[:8]}")
    expect(page.get_by_role("heading", name="Link email or phone")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/continue/emailOrPhone\?link_social="))
    page.get_by_label("Email / Phone number").fill(address)
    page.get_by_role("button", name="Continue").click()
    with leaving_sign_in(page) as app:
        _code(page, mailbox.wait_for_code(address, timeout=15))
    assert _user(api, exchange(logto, url, app.url)["sub"])["primaryEmail"] == address


def test_continue_pages_need_an_interaction(page: Page, logto: LogtoRunning) -> None:
    page.context.clear_cookies()
    for path in ("/continue/email", "/continue/phone", "/continue/emailOrPhone", "/continue/username"):
        page.goto(path)
        expect(page).to_have_url(re.compile(r"/unknown-session$"))
