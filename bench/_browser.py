"""The browser figure: register → sign-out → sign-in → sign-out in headless Chromium, through fake_logto's
own sign-in pages, one fresh browser context per test (as a pytest-playwright test gets).

The app is a stand-in: a tiny HTTP server on 127.0.0.1 that answers its redirect URIs, and a
``harness up`` whose tenant's app redirects there (the starter ``harness.toml`` with the app's URLs moved).
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from harness import Client, launch_options

from ._flows import auth_url
from ._proc import LOOPBACK
from ._subjects import Live, harness_up


class _App(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"<!doctype html><title>the app</title><p>the app</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def harness_with_app() -> Iterator[Live]:
    """A stand-in app on a free loopback port, and ``harness up`` with the tenant's app pointed at it."""
    server = ThreadingHTTPServer((LOOPBACK, 0), _App)
    thread = threading.Thread(target=server.serve_forever, name="bench-app", daemon=True)
    thread.start()
    try:
        app = f"http://{LOOPBACK}:{server.server_address[1]}"
        with tempfile.TemporaryDirectory(prefix="bench-browser-") as tmp:
            config = Path(tmp) / "harness.toml"
            # The starter config `harness init` writes, its app's URLs pointed at the stand-in app.
            subprocess.run(
                [sys.executable, "-m", "harness", "init", str(config)], check=True, capture_output=True
            )
            config.write_text(config.read_text().replace("http://localhost:3000", app))
            with harness_up(config) as live:
                yield live
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def browser_tests(info: dict[str, Any], count: int) -> tuple[list[float], float]:
    """Seconds per test for ``count`` tests, and the browser's launch seconds."""
    from playwright.sync_api import sync_playwright

    app = info["app"]
    endpoint = info["logto_endpoint"]
    sign_out = f"{endpoint}/oidc/session/end?" + urlencode(
        {"client_id": app["id"], "post_logout_redirect_uri": app["post_logout_redirect_uri"]}
    )
    times = []
    with Client(info["mailgun_url"], info["logto_url"]) as harness, sync_playwright() as playwright:
        started = time.perf_counter()
        browser = playwright.chromium.launch(**launch_options(headless=True))
        launch = time.perf_counter() - started
        try:
            for _ in range(count):
                email = f"browser-{uuid.uuid4().hex[:12]}@example.test"
                started = time.perf_counter()
                context = browser.new_context()
                page = context.new_page()
                page.set_default_timeout(20_000)

                def enter_code(after: str | None, email: str = email, page: Any = page) -> str:
                    message = harness.mailbox.wait_for_message(email, after=after, timeout=15)
                    # The code boxes, as a person types into them (the page submits the full code itself).
                    page.get_by_label("Verification code").fill(str(message["code"]))
                    page.wait_for_url(f"{app['redirect_uri']}?**")
                    return str(message["id"])

                page.goto(auth_url(info))  # register
                page.click("a[href*='/register']")
                page.fill("#identifier", email)
                page.click("button[type=submit]")
                page.wait_for_url("**/register/verification-code**")
                last = enter_code(None)
                page.goto(sign_out)
                page.wait_for_url(f"{app['post_logout_redirect_uri']}**")
                page.goto(auth_url(info))  # sign in again, with a new code
                page.fill("#identifier", email)
                page.click("button[type=submit]")
                page.wait_for_url("**/sign-in/verification-code**")
                enter_code(last)
                page.goto(sign_out)
                page.wait_for_url(f"{app['post_logout_redirect_uri']}**")
                context.close()
                times.append(time.perf_counter() - started)
        finally:
            browser.close()
    return times, launch
