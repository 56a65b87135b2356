"""harness.Client and harness.AsyncClient against a running harness; the HTTP fast path handing a
signed-in session to a real browser."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Playwright, expect, sync_playwright

from harness import AsyncClient, Client, Harness, MailboxTimeout, load_harness_config, start_harness
from harness._fast_path import sign_in_over_http


def _send(harness: Harness, to: str, text: str) -> None:
    with httpx.Client(base_url=harness.mailgun_url, auth=("api", harness.config.mailgun_api_key)) as http:
        data = {"from": "a@example.test", "to": to, "subject": "code", "text": text}
        http.post(f"/v3/{harness.config.mailgun_domains[0]}/messages", data=data).raise_for_status()


def test_sync_client_operations(harness: Harness, email_address: str) -> None:
    with Client(harness.mailgun_url, harness.logto.url) as client:
        _send(harness, email_address, "Your code is 246810")
        first = client.mailbox.wait_for_message(email_address, timeout=5)
        assert client.mailbox.wait_for_code(email_address, timeout=5) == "246810"
        _send(harness, email_address, "Your code is 135791")
        assert client.mailbox.wait_for_code(email_address, after=first["id"], timeout=5) == "135791"
        assert [m["code"] for m in client.mailbox.messages(email_address)] == ["135791", "246810"]
        user = client.logto.users.create(email=f"u-{email_address}", password="a long password")
        assert user["primaryEmail"] == f"u-{email_address}"
        assert user["id"] in [u["id"] for u in client.logto.users.list()]
        client.logto.users.delete(user["id"])
        assert client.logto.advance_clock(5)["offset"] >= 5
        fault = client.faults.mailgun(status=429, count=1, retry_after=0)
        assert fault["status"] == 429
        client.faults.clear()
        with pytest.raises(MailboxTimeout):
            client.mailbox.wait_for_code(f"nobody-{email_address}", timeout=0.2)


def test_async_client_operations(harness: Harness, email_address: str) -> None:
    async def scenario() -> tuple[str, int]:
        async with AsyncClient(harness.mailgun_url, harness.logto.url) as client:
            waiting = asyncio.ensure_future(client.mailbox.wait_for_code(email_address, timeout=5))
            await asyncio.to_thread(_send, harness, email_address, "Your code is 975310")
            code = await waiting
            user = await client.logto.users.create(username=f"async-{uuid.uuid4().hex[:6]}")
            offset = await client.logto.advance_clock(1)
            await client.faults.mailgun(latency_ms=1, count=1)
            await client.faults.clear()
            assert user["username"].startswith("async-")
            return code, int(offset["offset"])

    code, offset = asyncio.run(scenario())
    assert code == "975310"
    assert offset >= 1


# --- the fast path: sign in over HTTP, then a browser already signed in --------------------------------
@pytest.fixture(scope="module")
def app_harness() -> Iterator[Harness]:
    with start_harness(load_harness_config(None), free_ports=True, app="python") as running:
        yield running


@pytest.fixture(scope="module")
def chromium(browser_type_launch_args: dict[str, object]) -> Iterator[Browser]:
    with sync_playwright() as pw:
        browser = _launch(pw, browser_type_launch_args)
        yield browser
        browser.close()


def _launch(pw: Playwright, args: dict[str, object]) -> Browser:
    return pw.chromium.launch(**args)  # type: ignore[arg-type]


def test_fast_path_hands_the_browser_a_signed_in_session(app_harness: Harness, chromium: Browser) -> None:
    email = f"fast-{uuid.uuid4().hex[:8]}@example.test"
    assert app_harness.app_url is not None
    state = sign_in_over_http(app_harness.app_url, email, app_harness.client.mailbox, event="Register")
    assert {c["name"] for c in state["cookies"]} >= {"bookstore_session", "_session"}
    context = chromium.new_context(storage_state=state)  # type: ignore[arg-type]
    try:
        page = context.new_page()
        page.goto(app_harness.app_url + "/")
        expect(page.get_by_text("You are signed in.")).to_be_visible()
        expect(page.get_by_text(email)).to_be_visible()
    finally:
        context.close()
