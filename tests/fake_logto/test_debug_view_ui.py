"""The debug view in a real browser: sign in through the Python sample app, sign out, then find the
whole flow — its code, the ID token's decoded claims, the sign-out — on ``/__harness/``. Also takes the
docs' screenshots from what the browser shows: into docs/screenshots/ with ``UPDATE_SCREENSHOTS=1``,
else into the test's temporary folder (so a test run leaves the checkout unchanged)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from harness import Harness, load_harness_config, start_harness
from harness._playwright import register

DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if os.environ.get("UPDATE_SCREENSHOTS"):
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        return DOCS_SCREENSHOTS
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="module")
def running() -> Iterator[Harness]:
    with start_harness(load_harness_config(None), free_ports=True, app="python") as harness:
        yield harness


@pytest.fixture(scope="module")
def browser_context_args(running: Harness) -> dict[str, object]:
    return {"viewport": {"width": 1280, "height": 860}}


def test_debug_view_shows_the_flow(page: Page, running: Harness, screenshots: Path) -> None:
    email = f"debug-{uuid.uuid4().hex[:8]}@example.test"
    assert running.app_url is not None
    page.goto(f"{running.app_url}/register")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.screenshot(path=str(screenshots / "sign-in.png"))
    register(page, email, running.client.mailbox)
    expect(page.get_by_text("You are signed in.")).to_be_visible()
    page.get_by_role("link", name="Sign out").click()
    expect(page.get_by_text("You are not signed in.")).to_be_visible()

    page.goto(f"{running.logto.url}/__harness/")
    page.get_by_label("Email").fill(email)
    flow = (
        page.get_by_role("region", name="Flow")
        .filter(has_text=email)
        .or_(page.locator("section.flow").filter(has_text=email))
    )
    expect(flow.first).to_be_visible()
    expect(flow.first.get_by_text("Verification code sent")).to_be_visible()
    expect(flow.first.get_by_text("Register code to " + email)).to_be_visible()
    expect(flow.first.get_by_text("Sign-out")).to_be_visible()
    flow.first.get_by_text("ID token (JWT, ES384)").first.click()
    claims = flow.first.locator("details[open] > pre").first
    expect(claims).to_contain_text('"email_verified": true')
    expect(claims).to_contain_text(f'"email": "{email}"')
    expect(claims).to_contain_text('"alg": "ES384"')
    page.screenshot(path=str(screenshots / "debug-view.png"), full_page=False)

    page.goto(running.mailgun_url + "/")
    page.get_by_role("link", name=email).or_(page.get_by_role("link").filter(has_text=email)).first.click()
    expect(page.get_by_role("button", name="Copy code")).to_be_visible()
    page.screenshot(path=str(screenshots / "inbox.png"))
