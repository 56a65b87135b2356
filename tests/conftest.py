"""Shared fixtures: a real fake_mailgun on free ports (HTTP + SMTP) for the whole session."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest

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
