"""A sample app's back end as Logto's webhooks and Management API see it: registering in the browser sends
``PostRegister`` and ``User.Created`` to a receiver that checks ``logto-signature-sha-256`` with a plain
HMAC-SHA256 written here; a profile update through ``PATCH /api/users/{id}`` sends ``User.Data.Updated``;
``PATCH /api/sign-in-exp`` enabling passwords makes the password field appear on the sign-in page.

The receiver is the harness's ``WebhookReceiver``; the Management API calls go through the harness client
with the tenant's M2M app's ``client_credentials`` token (``[management]``), as an app's back end would."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from e2e_support import SIGN_IN, expect_signed_in, follow, open_home
from playwright.sync_api import Page, expect

from harness import Delivery, WebhookReceiver
from harness._harness import Harness
from harness._playwright import register

PASSWORD_AND_CODE = {
    "identifier": "email",
    "password": True,
    "verificationCode": True,
    "isPasswordPrimary": True,
}


def app_url(harness: Harness) -> str:
    assert harness.app_url is not None
    return harness.app_url


@pytest.fixture
def receiver(app_harness: Harness) -> Iterator[WebhookReceiver]:
    with WebhookReceiver(app_harness) as receiver:
        yield receiver


def signed_by(delivery: Delivery, signing_key: str) -> bool:
    """Logto's signature, checked as a receiver's own code would: hex HMAC-SHA256 of the raw body."""
    expected = hmac.new(signing_key.encode("utf-8"), delivery.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, delivery.headers.get("logto-signature-sha-256", ""))


def registered_user(page: Page, harness: Harness) -> str:
    """Register a new address in the browser from the app's "Register" link; returns the address."""
    address, url = f"hooked-{uuid.uuid4().hex[:12]}@example.test", app_url(harness)
    open_home(page, url)
    page.get_by_role("link", name="Register", exact=True).click()
    register(page, address, harness.client.mailbox)
    expect_signed_in(page, url, address)
    return address


def test_registering_sends_signed_post_register_and_user_created(
    page: Page, app_harness: Harness, receiver: WebhookReceiver
) -> None:
    hook = receiver.register("PostRegister", "User.Created")
    address = registered_user(page, app_harness)
    posted = receiver.wait(event="PostRegister", timeout=15)
    created = receiver.wait(event="User.Created", timeout=15)
    for delivery in (posted, created):
        assert signed_by(delivery, hook["signingKey"]), delivery.headers
        assert not signed_by(delivery, hook["signingKey"] + "x")
        assert delivery.json["hookId"] == hook["id"]
    assert posted.json["interactionEvent"] == "Register"
    assert posted.json["user"]["primaryEmail"] == address
    assert created.json["data"]["primaryEmail"] == address
    assert posted.json["userId"] == created.json["data"]["id"]


def test_a_management_api_profile_update_sends_user_data_updated(
    page: Page, app_harness: Harness, receiver: WebhookReceiver
) -> None:
    address = registered_user(page, app_harness)
    management = app_harness.client.management
    (user,) = management.users.list(search=address)
    hook = receiver.register("User.Data.Updated")
    updated = management.patch(f"/api/users/{user['id']}", {"name": "Ada Reader"})
    assert updated["name"] == "Ada Reader"
    delivery = receiver.wait(event="User.Data.Updated", timeout=15)
    assert signed_by(delivery, hook["signingKey"])
    assert (delivery.json["data"]["id"], delivery.json["data"]["name"]) == (user["id"], "Ada Reader")
    # koa-mount strips "/api": Logto's buildManagementApiContext reports the path inside the API app.
    context = (delivery.json["method"], delivery.json["path"], delivery.json["status"])
    assert context == ("PATCH", f"/users/{user['id']}", 200)


@pytest.fixture
def sign_in_exp_restored(app_harness: Harness) -> Iterator[dict[str, Any]]:
    """The sign-in experience before the test, put back through the Management API after it."""
    management = app_harness.client.management
    before: dict[str, Any] = management.sign_in_exp.get()
    yield before
    management.sign_in_exp.update(signIn=before["signIn"], signUp=before["signUp"])


def test_patching_the_sign_in_experience_shows_the_password_field(
    page: Page, app_harness: Harness, sign_in_exp_restored: dict[str, Any]
) -> None:
    """With passwords and codes both on, Logto's sign-in page asks for the identifier first and the
    password on the next page ("Enter password"); with codes only, there is no password field at all."""
    url, address = app_url(app_harness), f"reader-{uuid.uuid4().hex[:12]}@example.test"
    management = app_harness.client.management
    management.users.create(primaryEmail=address, password="correct horse battery staple")
    password = page.get_by_label("Password", exact=True)
    open_home(page, url)
    follow(page, "Sign in", SIGN_IN)
    expect(password).to_have_count(0)
    row = management.patch("/api/sign-in-exp", {"signIn": {"methods": [PASSWORD_AND_CODE]}})
    assert row["signIn"]["methods"] == [PASSWORD_AND_CODE]
    open_home(page, url)
    follow(page, "Sign in", SIGN_IN)
    page.get_by_label("Email", exact=True).fill(address)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", name="Enter password")).to_be_visible()
    password.fill("correct horse battery staple")
    page.get_by_role("button", name="Continue", exact=True).click()
    expect_signed_in(page, url, address)
