"""One fake Logto tenant: config, clock, keys, store and connector, plus its public URLs."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from fakekit import async_http_client

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


@dataclass
class Tenant:
    config: TenantConfig
    clock: Clock
    keys: SigningKey
    endpoint: str  # public base URL: what goes in `iss` and in browser-facing URLs
    internal_url: str = ""  # back-channel base URL for other containers (docker-compose)
    store: TenantStore = field(init=False)
    http: httpx.AsyncClient = field(init=False)
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
        self.http = async_http_client(timeout=30)
        self.connectors = ConnectorRegistry(lambda: self.config, self.http, self.store.now_ms)
        self.sso = SsoRegistry(lambda: self.config.sso_connectors, self.endpoint)

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
