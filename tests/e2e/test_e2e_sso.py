"""Single sign-on: both sample apps against ONE harness, as two apps of one tenant would be. Signed in on
one, the browser signs in on the other without a code (Logto's session), and sees the same user."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from e2e_support import REGISTER, SIGNED_OUT, expect_signed_in, follow, open_home
from playwright.sync_api import Page, expect

from harness import parse_harness_config, start_harness
from harness._apps import AppSettings, free_port, serve_app
from harness._harness import Harness
from harness._playwright import register


@dataclass
class TwoApps:
    harness: Harness
    urls: dict[str, str]  # app name → its URL


@pytest.fixture(scope="module")
def apps() -> Iterator[TwoApps]:
    """The harness with the Python app, plus the Go app on a port whose redirect URIs the tenant lists too
    (``start_harness`` puts the Python app's own first in the first application's lists)."""
    go_port = free_port("127.0.0.1")
    go_url = f"http://localhost:{go_port}"
    config = parse_harness_config(
        {
            "tenant": {
                "applications": [
                    {
                        "name": "Bookstore",
                        "type": "traditional",
                        "id": "bookstore",
                        "secret": "bookstore-secret",
                        "redirect_uris": [f"{go_url}/callback"],
                        "post_logout_redirect_uris": [go_url],
                    }
                ]
            }
        }
    )
    with start_harness(config, free_ports=True, app="python") as harness:
        application = harness.tenant.applications[0]
        assert application.redirect_uris[1:] == (f"{go_url}/callback",)
        settings = AppSettings(
            name="go",
            logto_endpoint=harness.logto_endpoint,
            app_id=application.id,
            app_secret=application.secret,
            port=go_port,
            host=config.host,
        )
        with serve_app(settings) as go_app:
            assert harness.app_url is not None
            yield TwoApps(harness, {"python": harness.app_url, "go": go_app.url})


@pytest.mark.parametrize(("first", "second"), [("python", "go"), ("go", "python")])
def test_signed_in_on_one_app_the_other_signs_in_without_a_code(
    page: Page, apps: TwoApps, first: str, second: str
) -> None:
    mailbox = apps.harness.client.mailbox
    address = f"sso-{uuid.uuid4().hex[:12]}@example.test"
    open_home(page, apps.urls[first])
    follow(page, "Register", REGISTER)
    register(page, address, mailbox)
    expect_signed_in(page, apps.urls[first], address)
    sent = len(mailbox.messages(address))

    page.goto(apps.urls[second] + "/")
    expect(page.locator("#auth-state")).to_have_text(SIGNED_OUT)  # its own session: not yet
    visited: list[str] = []
    page.on("framenavigated", lambda frame: visited.append(urlsplit(frame.url).path))
    page.get_by_role("link", name="Sign in", exact=True).click()
    expect_signed_in(page, apps.urls[second], address)  # straight back: no sign-in page, no code
    assert not {"/sign-in", "/register"} & set(visited), visited
    assert len(mailbox.messages(address)) == sent
