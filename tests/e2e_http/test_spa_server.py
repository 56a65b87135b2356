"""The sample SPA's static server (``e2e/apps/spa/server.py``): the page at each of the Go and Python apps'
routes (its script does what the route does, in the browser), the bundle, and nothing else. The app's flows
are tests/e2e's suites, in Chromium."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator

import httpx
import pytest

from e2e.apps.spa.server import PAGES, Settings, serve
from harness._apps import free_port

ROUTES = ["/", "/sign-in", "/register", "/callback", "/profile", "/sign-out"]


@pytest.fixture(scope="module")
def spa_url() -> Iterator[str]:
    port = free_port("127.0.0.1")
    settings = Settings("http://localhost:9/", "an <app>", f"http://localhost:{port}", "127.0.0.1", port)
    server = serve(settings)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield settings.base_url
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_the_server_apps_routes_are_the_spas_pages() -> None:
    assert sorted(PAGES) == sorted(ROUTES)


@pytest.mark.parametrize("route", ROUTES)
def test_each_route_answers_the_page_with_the_sdks_configuration(spa_url: str, route: str) -> None:
    answer = httpx.get(spa_url + route + "?code=x&state=y")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    found = re.search(r'<script id="logto-config" type="application/json">(.*?)</script>', answer.text)
    assert found is not None
    assert "<app>" not in found.group(1), "escaped inside the script element"
    assert json.loads(found.group(1)) == {"endpoint": "http://localhost:9/", "appId": "an <app>"}


def test_the_bundle_and_nothing_else(spa_url: str) -> None:
    bundle = httpx.get(spa_url + "/app.js")
    assert bundle.status_code == 200
    assert bundle.headers["content-type"] == "text/javascript; charset=utf-8"
    missing = httpx.get(spa_url + "/index.html")
    assert (missing.status_code, missing.text) == (404, "Not Found")
