"""A fault on the Logto side seen through a sample app (the Go app, with the official Go SDK
``logto-io/go``): the token endpoint answers 503 when the app's callback redeems the code, and the app
shows the SDK's error (``core/parse_response.go``: "unexpected status code: …, response body: …")."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from e2e_support import enter_code, start_registration
from playwright.sync_api import Page, expect

from harness import HarnessConfig, start_harness
from harness._harness import Harness


@pytest.fixture(scope="module")
def go_harness(harness_config: HarnessConfig) -> Iterator[Harness]:
    with start_harness(harness_config, free_ports=True, app="go") as harness:
        yield harness


def test_the_go_apps_sign_in_shows_the_token_endpoints_503(page: Page, go_harness: Harness) -> None:
    assert go_harness.app_url is not None
    address = f"fault-{uuid.uuid4().hex[:12]}@example.test"
    faults = go_harness.client.logto.faults
    try:
        start_registration(page, go_harness.app_url, address)
        code = go_harness.client.mailbox.wait_for_code(address)
        faults.add("token", status=503, count=1)
        enter_code(page, code)
        expect(page.locator("body")).to_have_text(
            "unexpected status code: 503, response body: Service Unavailable"
        )
        assert faults.list() == []  # spent on the app's code redemption
    finally:
        faults.clear()
