"""Browser tests of fake_logto's sign-in pages: headless Chromium against fake_logto and fake_mailgun on
real sockets.

The module-scoped ``playwright`` and ``browser`` come from tests/conftest.py (see why there); this file
adds the tests' own tenant and points ``base_url`` at it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect
from ui_support import tenant_dict

from fake_logto import Running as LogtoRunning
from fake_logto import Settings as LogtoSettings
from fake_logto import parse_config
from fake_logto import serve_in_thread as serve_logto
from fake_mailgun import Running
from harness import Client
from harness._client import Mailbox

# Scrypt-hashed passwords and a code's round trip through Mailgun take a moment on a busy machine.
expect.set_options(timeout=15_000)


@pytest.fixture(scope="session")
def logto(mailgun: Running) -> Iterator[LogtoRunning]:
    """The browser tests' own tenant (they move its clock), its connector pointed at fake_mailgun."""
    with serve_logto(LogtoSettings(port=0), config=parse_config(tenant_dict(mailgun.url))) as running:
        yield running


@pytest.fixture(scope="module")
def browser_context_args(logto: LogtoRunning) -> dict[str, object]:
    return {"base_url": logto.endpoint}


@pytest.fixture
def harness_client(mailgun: Running, logto: LogtoRunning) -> Iterator[Client]:
    """The harness's client on these two fakes: mailbox waits, the tenant clock, users, faults."""
    with Client(mailgun.url, logto.url) as client:
        yield client


@pytest.fixture
def mailbox(harness_client: Client) -> Mailbox:
    return harness_client.mailbox
