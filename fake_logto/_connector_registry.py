"""The tenant's connectors, as rows of Logto's ``connectors`` table, and the one working
connector of each type that sends codes (Logto keeps at most one email and one SMS connector: creating one
replaces the others of its type, ``replaceConnectorsByType`` in ``packages/core/src/routes/connector/
index.ts``).

The configured connectors (``[connector]``: Mailgun or SMTP, :mod:`._connectors`; ``[sms_connector]``:
Twilio or HTTP SMS, :mod:`._sms_connectors`) are the first rows;
``POST /api/connectors`` (:mod:`._management_connectors`) adds Logto's mock connectors
(:mod:`._mock_connectors`), ``DELETE`` removes a row. ``POST /__harness/reset`` restores the configured row.
Social rows (:mod:`._social_connectors`) have no sender; any number of them live beside the others, and the
provider stand-in they talk to (:mod:`._social_provider`) is :attr:`ConnectorRegistry.stand_in`.
"""

from __future__ import annotations

import secrets
import string
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ._config import TenantConfig
from ._connectors import Connector, build_connector
from ._sms_connector_config import KINDS as SMS_KINDS
from ._sms_connectors import build_sms_connector
from ._social_connectors import FACTORIES as SOCIAL_FACTORIES
from ._social_identity import read_identity
from ._social_provider import StandIn

if TYPE_CHECKING:
    import httpx

# The connector ids of Logto's own Mailgun and SMTP connectors (their ``constant.ts``).
CONFIGURED_IDS = {"mailgun": "mailgun-email-service", "smtp": "simple-mail-transfer-protocol"}
CONFIGURED_NAMES = {"mailgun": ("Mailgun", "mailgun"), "smtp": ("SMTP", "smtp")}
_ALPHABET = string.ascii_lowercase + string.digits


def short_id() -> str:
    """``generateStandardShortId()``: 12 characters of ``[0-9a-z]``."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(12))


@dataclass
class ConnectorRow:
    id: str
    connector_id: str  # the factory's id
    type: str  # "Email" | "Sms" | "Social"
    config: dict[str, Any]
    factory_metadata: dict[str, Any]  # the factory's ``ConnectorMetadata``
    sender: Connector | None  # None for a social connector
    sync_profile: bool = False
    metadata: dict[str, Any] = field(default_factory=dict)  # the row's own ``metadata`` column
    created_at: int = 0


class ConnectorRegistry:
    def __init__(
        self,
        config_of: Callable[[], TenantConfig],
        http: Callable[[], httpx.AsyncClient],
        now_ms: Callable[[], int],
    ):
        """``http``: gives the tenant's HTTP client (made on first use)."""
        self.config_of = config_of
        self.http = http
        self.now_ms = now_ms
        self.lock = threading.RLock()
        self.rows: list[ConnectorRow] = []
        self.stand_in = StandIn()
        self.reset()

    def reset(self) -> None:
        """Only the configured connectors, as the tenant started (the stand-in's presets too)."""
        configured = self.config_of().connector
        rows = []
        if configured is not None:
            name, target = CONFIGURED_NAMES[configured.kind]
            connector_id = CONFIGURED_IDS[configured.kind]
            metadata = {"id": connector_id, "target": target, "platform": None, "name": {"en": name}}
            sender = build_connector(configured.kind, configured.config, self.http)
            rows.append(
                ConnectorRow(connector_id, connector_id, "Email", configured.config, metadata, sender)
            )
        seeds = self.config_of().social_connectors
        for seed in seeds:  # [[social_connectors]] (_social_config.py)
            factory = SOCIAL_FACTORIES[seed.factory_id]
            row = ConnectorRow(
                seed.id, factory.id, "Social", dict(seed.config), factory.metadata(), None, seed.sync_profile
            )
            row.metadata, row.created_at = dict(seed.metadata), self.now_ms()
            rows.append(row)
        sms = self.config_of().sms_connector
        if sms is not None:
            connector_id, target, name = SMS_KINDS[sms.kind]
            metadata = {"id": connector_id, "target": target, "platform": None, "name": {"en": name}}
            sms_sender = build_sms_connector(sms.kind, sms.config, self.http)
            rows.append(ConnectorRow(connector_id, connector_id, "Sms", sms.config, metadata, sms_sender))
        with self.lock:
            self.rows = rows
        self.stand_in.reset()
        with self.stand_in.lock:
            for seed in seeds:
                if seed.identity is not None:
                    target = SOCIAL_FACTORIES[seed.factory_id].target
                    self.stand_in.presets[target] = read_identity(target, seed.identity)

    @staticmethod
    def metadata(row: ConnectorRow) -> dict[str, Any]:
        """The connector's metadata as Logto reads it: the row's ``metadata`` column over the factory's
        (``getLogtoConnectors``, packages/core/src/libraries/connector.ts)."""
        return {**row.factory_metadata, **row.metadata}

    def sender(self, connector_type: str) -> Connector | None:
        """The working connector of ``connector_type`` (``Email`` or ``Sms``), if any."""
        with self.lock:
            return next((row.sender for row in self.rows if row.type == connector_type and row.sender), None)

    @property
    def email(self) -> Connector | None:
        return self.sender("Email")

    def get(self, row_id: str) -> ConnectorRow | None:
        with self.lock:
            return next((row for row in self.rows if row.id == row_id), None)

    def replace_type(self, row: ConnectorRow) -> None:
        """Insert ``row``, dropping the other connectors of its type (one working per type)."""
        with self.lock:
            self.rows = [r for r in self.rows if r.type != row.type] + [row]

    def social(self) -> list[ConnectorRow]:
        with self.lock:
            return [row for row in self.rows if row.type == "Social"]

    def insert(self, row: ConnectorRow) -> None:
        with self.lock:
            self.rows = [*self.rows, row]

    def delete(self, row_id: str) -> bool:
        with self.lock:
            kept = [row for row in self.rows if row.id != row_id]
            found = len(kept) != len(self.rows)
            self.rows = kept
            return found
