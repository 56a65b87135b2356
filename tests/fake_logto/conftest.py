"""fake_logto on real sockets, its Mailgun connector pointed at the session's fake_mailgun."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import httpx
import pytest
from logto_support import tenant_dict
from management_support import api_client, with_admin

from fake_logto import Running as LogtoRunning
from fake_logto import Settings as LogtoSettings
from fake_logto import TenantConfig, parse_config
from fake_logto import serve_in_thread as serve_logto
from fake_mailgun import Running
from harness._experience import ExperienceClient


@pytest.fixture(scope="session")
def tenant_config(mailgun: Running) -> TenantConfig:
    return parse_config(tenant_dict(mailgun.url))


@pytest.fixture(scope="session")
def logto(tenant_config: TenantConfig) -> Iterator[LogtoRunning]:
    with serve_logto(LogtoSettings(port=0), config=tenant_config) as running:
        yield running


@pytest.fixture
def email() -> str:
    return f"u-{uuid.uuid4().hex[:12]}@example.test"


@pytest.fixture
def read_code(mailgun: Running) -> Iterator[Callable[[str], str]]:
    """Reads the next code sent to an address, through fake_mailgun's server-side wait."""
    last: dict[str, str] = {}
    with httpx.Client(base_url=mailgun.url, timeout=15) as client:

        def read(address: str) -> str:
            params = {"to": address, "timeout": 10}
            if address in last:
                params["after"] = last[address]
            response = client.get("/__harness/messages/wait", params=params)
            assert response.status_code == 200, response.text
            message = response.json()
            last[address] = message["id"]
            code: str = message["code"]
            return code

        yield read


@pytest.fixture
def browser_client(logto: LogtoRunning) -> Iterator[ExperienceClient]:
    """One "browser": a cookie jar driving the Experience API."""
    with ExperienceClient(logto.endpoint) as client:
        yield client


@pytest.fixture
def mgmt(mailgun: Running) -> Iterator[LogtoRunning]:
    """A fresh fake_logto whose tenant has the ``Admin`` M2M app of :mod:`management_support`."""
    with serve_logto(
        LogtoSettings(port=0), config=parse_config(with_admin(tenant_dict(mailgun.url)))
    ) as running:
        yield running


@pytest.fixture
def api(mgmt: LogtoRunning) -> Iterator[httpx.Client]:
    """A Management API client on :func:`mgmt` carrying the Admin app's ``client_credentials`` token."""
    with api_client(mgmt.endpoint) as client:
        yield client
