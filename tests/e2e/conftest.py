"""The Playwright suites of the sample apps (``e2e/apps/go``, ``e2e/apps/python``, ``e2e/apps/spa``) in
headless Chromium.

Each module gets one harness per app (``app_harness``: module-scoped, parametrized over :data:`APPS`), one
browser (module-scoped ``playwright``/``browser`` from tests/conftest.py) and a fresh browser context per
test; every test signs in as its own address. A module whose tenant differs overrides ``harness_config``; a
test whose flow some app cannot take parametrizes ``app_harness`` itself (``indirect=True``) and says why.
Where the apps keep the user differently (a server session, the SPA's ``localStorage``), e2e_support.py's
helpers do each its way.

Under xdist the tests of one (module, app) pair share a worker (``pytest_xdist_make_scheduler`` in
tests/conftest.py), so each harness and browser starts once per run.
The run's wall time is printed at the end (``e2e suite wall time: N s``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from harness import HarnessConfig, load_harness_config, start_harness
from harness._harness import Harness

APPS = ("python", "go", "spa")
_STARTED = time.monotonic()

# A code's round trip through Mailgun, an app's callback and a scrypt hash take a moment on a busy machine.
expect.set_options(timeout=20_000)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    reports = [r for kind in terminalreporter.stats.values() for r in kind if hasattr(r, "start")]
    e2e = [r for r in reports if "tests/e2e/" in r.nodeid.replace("\\", "/")]
    if not e2e:
        return
    span = max(r.stop for r in e2e) - min(r.start for r in e2e)
    terminalreporter.write_line(
        f"e2e suite wall time: {time.monotonic() - _STARTED:.1f} s "
        f"({len({r.nodeid for r in e2e})} tests; first set-up to last teardown {span:.1f} s)"
    )


@pytest.fixture(scope="module")
def harness_config() -> HarnessConfig:
    """The tenant of this module's harnesses: the seed's (email sign-up and sign-in by code)."""
    return load_harness_config(None)


@pytest.fixture(scope="module", params=APPS)
def app_harness(request: pytest.FixtureRequest, harness_config: HarnessConfig) -> Iterator[Harness]:
    """The fakes on free ports and the sample app ``request.param`` signed in as the first application."""
    with start_harness(harness_config, free_ports=True, app=request.param) as harness:
        yield harness


@pytest.fixture(scope="module")
def browser_context_args() -> dict[str, object]:
    """No ``base_url``: pages are opened by full URL (and pytest-playwright's fallback is not requested)."""
    return {}
