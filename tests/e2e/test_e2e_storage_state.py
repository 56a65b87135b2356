"""The sample apps start signed in from ``POST /__harness/sign-in``'s storage state, loaded into a fresh
Playwright context: the route a Playwright Test ``globalSetup`` or ``harness sign-in`` takes."""

from __future__ import annotations

import uuid

import httpx
from e2e_support import expect_signed_in, sign_in_request
from playwright.sync_api import Browser

from fake_logto import paths as logto_paths
from harness._harness import Harness


def test_the_storage_state_starts_signed_in(app_harness: Harness, browser: Browser) -> None:
    assert app_harness.app_url is not None
    email = f"state-{uuid.uuid4().hex[:8]}@example.test"
    body = sign_in_request(app_harness, email)
    response = httpx.post(app_harness.logto.url + logto_paths.HARNESS_SIGN_IN, json=body, timeout=60)
    assert response.status_code == 200, response.text
    context = browser.new_context(storage_state=response.json()["storage_state"])
    try:
        page = context.new_page()
        page.goto(app_harness.app_url + "/")
        expect_signed_in(page, app_harness.app_url, email)
    finally:
        context.close()
