"""The pytest plugin (entry point ``pytest11``): the harness as fixtures.

- ``harness`` (session-wide by default) — both fakes started on free ports in threads, real sockets;
  its config from ``--harness-config``, the ``harness_config`` ini option, or a test's
  ``@pytest.mark.harness(config="…")`` (a marked test gets a harness of its own, shared by tests with the
  same marker).
- ``harness_client`` (``harness.Client``), ``mailbox``, ``logto_control``, ``faults``.
- ``email_address`` — unique per test and per xdist worker: tests never read each other's codes.
- With pytest-playwright, a system Chromium is used when Playwright's own is not installed.
"""

from __future__ import annotations

import contextlib
import os
import re
import uuid
from collections.abc import Iterator
from typing import cast

import pytest

# The servers load with the plugin, not on the first fixture: `harness up` defers these imports to start
# the sample app sooner, but a test run must not first import them inside a scope that is later undone
# (pytester's in-process runs drop the modules they imported; cryptography's Rust core then keeps
# references to classes that a re-import replaces — "curve must be an EllipticCurve instance").
import fake_logto._server  # noqa: F401
import fake_mailgun._server  # noqa: F401

from ._client import Client, Faults, Logto, Mailbox
from ._config import APP_KINDS, AppKind, load_harness_config
from ._harness import Harness, start_harness

MARKER = "harness"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("harness", "logto-harness")
    group.addoption(
        "--harness-config",
        dest="harness_config",
        default=None,
        help="harness.toml for the fakes the fixtures start",
    )
    parser.addini("harness_config", "harness.toml for the fakes the fixtures start", default="")
    group.addoption(
        "--harness-app", dest="harness_app", default=None, help="sample app to start: python, go or none"
    )
    parser.addini(
        "harness_app", "sample app the fixtures start with the fakes: python, go or none", default="none"
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(config=None, app=None): run this test against a harness started from another harness.toml "
        "and/or with a sample app (python, go)",
    )
    if config.pluginmanager.hasplugin("playwright"):
        # Registered now, after every entry-point plugin, so this override wins over pytest-playwright's.
        from . import _playwright_launch

        config.pluginmanager.register(_playwright_launch, "harness-playwright-launch")


class _Harnesses:
    """Harnesses of this session, one per config path, started on first use and stopped at the end."""

    def __init__(self) -> None:
        self.stack = contextlib.ExitStack()
        self.by_key: dict[tuple[str | None, AppKind], Harness] = {}

    def get(self, path: str | None, app: AppKind) -> Harness:
        if (path, app) not in self.by_key:
            started = start_harness(load_harness_config(path), free_ports=True, app=app)
            self.by_key[(path, app)] = self.stack.enter_context(started)
        return self.by_key[(path, app)]


@pytest.fixture(scope="session")
def _harnesses() -> Iterator[_Harnesses]:
    harnesses = _Harnesses()
    with harnesses.stack:
        yield harnesses


def _default_config(config: pytest.Config) -> str | None:
    path = config.getoption("harness_config") or config.getini("harness_config")
    return str(path) if path else None


@pytest.fixture
def harness(request: pytest.FixtureRequest, _harnesses: _Harnesses) -> Harness:
    """The running harness: ``.mailgun_url``, ``.logto_endpoint``, ``.client``, ``.info()``."""
    marker = request.node.get_closest_marker(MARKER)
    path = marker.kwargs.get("config") if marker else None
    app = (marker.kwargs.get("app") if marker else None) or request.config.getoption("harness_app")
    app = app or request.config.getini("harness_app") or "none"
    if app not in APP_KINDS:
        raise pytest.UsageError(f"the harness app must be one of {', '.join(APP_KINDS)}, not {app!r}")
    return _harnesses.get(str(path) if path else _default_config(request.config), cast(AppKind, app))


@pytest.fixture
def harness_client(harness: Harness) -> Client:
    return harness.client


@pytest.fixture
def mailbox(harness: Harness) -> Mailbox:
    """``mailbox.wait_for_code(address)`` blocks server-side until the email lands."""
    return harness.client.mailbox


@pytest.fixture
def logto_control(harness: Harness) -> Logto:
    """fake_logto's test control: ``advance_clock``, ``reset``, ``users``."""
    return harness.client.logto


@pytest.fixture
def faults(harness: Harness) -> Iterator[Faults]:
    """Mailgun fault injection, cleared after the test."""
    yield harness.client.faults
    harness.client.faults.clear()


@pytest.fixture
def email_address(request: pytest.FixtureRequest) -> str:
    """An address no other test (nor xdist worker) uses."""
    name = re.sub(r"[^a-z0-9]+", "-", request.node.name.lower()).strip("-")[:24]
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"{name}-{worker}-{uuid.uuid4().hex[:8]}@example.test"
