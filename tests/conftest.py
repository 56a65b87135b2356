"""Shared fixtures: a real fake_mailgun on free ports (HTTP + SMTP) for the whole session."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright

from fake_mailgun import DEFAULT_API_KEY, DEFAULT_DOMAIN, Running, Settings, serve_in_thread

OTHER_DOMAIN = "other.example.test"


@pytest.fixture(scope="session")
def mailgun() -> Iterator[Running]:
    settings = Settings(port=0, smtp_port=0, domains=(DEFAULT_DOMAIN, OTHER_DOMAIN))
    with serve_in_thread(settings) as running:
        yield running


@pytest.fixture
def control(mailgun: Running) -> Iterator[httpx.Client]:
    """An HTTP client on the fake's control API (and, with ``auth=``, its Mailgun API)."""
    with httpx.Client(base_url=mailgun.url, timeout=30) as client:
        yield client


@pytest.fixture
def api(mailgun: Running) -> Iterator[httpx.Client]:
    """A raw HTTP client on the Mailgun API, authenticated as ``api:<key>``."""
    with httpx.Client(base_url=mailgun.url, auth=("api", DEFAULT_API_KEY), timeout=30) as client:
        yield client


@pytest.fixture
def address() -> str:
    """A recipient no other test uses (tests isolate by address, never by clearing the mailbox)."""
    return f"user-{uuid.uuid4().hex[:12]}@example.test"


@pytest.fixture
def clean_faults(control: httpx.Client) -> Iterator[None]:
    control.delete("/__harness/faults")
    yield
    control.delete("/__harness/faults")


# pytest-playwright's `playwright` and `browser` are session-scoped; ours end with each test module: while
# the sync API runs, the main thread looks as if it were inside an event loop, which breaks `asyncio.run`
# in modules that run later. (Test modules also set `browser_context_args` themselves, so the plugin's
# fallback `base_url` fixture — deprecated by pytest 9, an error under filterwarnings=error — is unused.)
@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="module")
def browser(playwright: Playwright, browser_type_launch_args: dict[str, object]) -> Iterator[Browser]:
    browser = playwright.chromium.launch(**browser_type_launch_args)  # type: ignore[arg-type]
    yield browser
    browser.close()


E2E_APPS = ("python", "go", "spa")


def harness_scope(nodeid: str) -> str:
    """The tests that share a harness and a browser: one module's, for one app (``[python-chromium]``)."""
    module, _, name = nodeid.partition("::")
    if "tests/e2e/" not in module.replace("\\", "/"):
        return nodeid
    params = name.partition("[")[2].rstrip("]").split("-")
    apps = [p for p in params if p in E2E_APPS]
    return f"{module}[{apps[0]}]" if len(apps) == 1 else module


@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """With ``-n N`` (``--dist load``), send each :func:`harness_scope` to one worker whole, so that its
    harness (the Python app alone takes seconds to start) and its browser start once per run."""
    if config.getoption("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling  # type: ignore[import-untyped]

    class ByHarness(LoadScopeScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            return harness_scope(nodeid)

    return ByHarness(config, log)
