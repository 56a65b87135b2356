"""One fake Logto tenant: config, clock, keys, store and connector, plus its public URLs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import paths
from ._clock import Clock
from ._config import TenantConfig
from ._connector_registry import ConnectorRegistry
from ._connectors import Connector
from ._events import EventLog
from ._faults import Faults
from ._hooks import HookDeliveries
from ._keys import SigningKey
from ._sentinel import Sentinel
from ._sso_registry import SsoRegistry
from ._store import TenantStore

if TYPE_CHECKING:
    import httpx


@dataclass
class Tenant:
    config: TenantConfig
    clock: Clock
    keys: SigningKey
    endpoint: str  # public base URL: what goes in `iss` and in browser-facing URLs
    internal_url: str = ""  # back-channel base URL for other containers (docker-compose)
    store: TenantStore = field(init=False)
    _http: httpx.AsyncClient | None = field(init=False, default=None, repr=False)
    connectors: ConnectorRegistry = field(init=False)  # the connectors table (/api/connectors)
    events: EventLog = field(init=False)
    hooks: HookDeliveries = field(init=False)  # webhook deliveries
    sentinel: Sentinel = field(init=False)  # sentinel activities: failed attempts, lockouts
    sso: SsoRegistry = field(init=False)  # enterprise SSO connectors, users' SSO identities, the IdP stand-in
    configured: TenantConfig = field(init=False)  # the config as loaded: what a reset restores
    faults: Faults = field(init=False)  # fault rules (_faults.py), applied by _fault_injection.py

    def __post_init__(self) -> None:
        self.endpoint = self.endpoint.rstrip("/")
        self.configured = self.config
        self.store = TenantStore(lambda: self.config, self.clock)
        self.events = EventLog(self.clock)
        self.hooks = HookDeliveries()
        self.sentinel = Sentinel(self.clock.now)
        self.faults = Faults()
        self.connectors = ConnectorRegistry(lambda: self.config, lambda: self.http, self.store.now_ms)
        self.sso = SsoRegistry(lambda: self.config.sso_connectors, self.endpoint)

    @property
    def http(self) -> httpx.AsyncClient:
        """The outgoing HTTP client (connector, webhooks), made on first use: importing httpx is no part
        of the fake's start."""
        if self._http is None:
            from fakekit import async_http_client

            self._http = async_http_client(timeout=30)
        return self._http

    async def aclose(self) -> None:
        """Close the HTTP client, if one was made."""
        if self._http is not None:
            await self._http.aclose()

    @property
    def connector(self) -> Connector | None:
        """The working email connector (the configured one unless the Management API replaced it)."""
        return self.connectors.email

    @property
    def issuer(self) -> str:
        return self.endpoint + paths.OIDC

    def url(self, path: str) -> str:
        return self.endpoint + path

    def now(self) -> float:
        return self.clock.now()
