"""The tenant's enterprise SSO connectors and its users' SSO identities: the rows of Logto's
``sso_connectors`` and ``user_sso_identities`` tables (``packages/schemas/tables/sso_connectors.sql``,
``user_sso_identities.sql``), and the provider factories of ``packages/core/src/sso/index.ts``.

Every factory is listed (``GET /api/sso-connector-providers``); the OIDC family the fake runs is ``OIDC``
and ``Okta`` (Logto's ``OktaSsoConnector`` is its ``OidcSsoConnector`` unchanged), configured by
``basicOidcConnectorConfigGuard`` (``sso/types/oidc.ts``) and run by :mod:`._sso_oidc`. The others
(``SAML``, ``AzureAD`` — SAML —, ``AzureAdOidc``, ``GoogleWorkspace``) are stored only with an empty
config (a valid SAML config in Logto; it holds no IdP), and none signs in: SAML metadata and assertions,
Azure's merged claims and Google's fixed issuer are not built (:data:`RUNS`).

A user's SSO identity is unique per ``(issuer, identityId)``; deleting a connector deletes its identities
(the table's cascade); a deleted user's identities are skipped. The provider logos are the fake's own
small SVGs, not Logto's artwork.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ._config_sso import SsoConnectorSeed
from ._guards import received
from ._sso_provider import IdpStandIn

TENANT_ID = "default"


def _logo(color: str) -> str:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24">'
        f'<circle cx="12" cy="12" r="10" fill="{color}"/></svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


@dataclass(frozen=True)
class Provider:
    """A factory's static detail (``parseFactoryDetail``) in English."""

    name: str  # providerName
    type: str  # providerType: "oidc" | "saml"
    display: str
    description: str
    color: str

    def detail(self) -> dict[str, Any]:
        logo = _logo(self.color)
        return {
            "providerName": self.name,
            "providerType": self.type,
            "logo": logo,
            "logoDark": logo,
            "description": self.description,
            "name": self.display,
        }


PROVIDERS: dict[str, Provider] = {
    p.name: p
    for p in (
        Provider(
            "OIDC",
            "oidc",
            "OIDC",
            "Modern protocol built on OAuth 2.0 for identity verification in web and mobile apps.",
            "#FF9800",
        ),
        Provider(
            "SAML",
            "saml",
            "SAML",
            "XML-based open standard for web single sign-on and identity federation.",
            "#C22E32",
        ),
        Provider(
            "AzureAD",
            "saml",
            "Microsoft Entra ID (SAML)",
            "Formerly Azure AD, a comprehensive cloud-based identity management service.",
            "#0078D4",
        ),
        Provider(
            "GoogleWorkspace",
            "oidc",
            "Google Workspace",
            "Unified and secure management of user access within the Google ecosystem.",
            "#4285F4",
        ),
        Provider(
            "Okta",
            "oidc",
            "Okta",
            "Centralizes identity management for customers, employees, and partners.",
            "#007DC1",
        ),
        Provider(
            "AzureAdOidc",
            "oidc",
            "Microsoft Entra ID (OIDC)",
            "OpenID Connect on the Microsoft identity platform. Formerly known as Azure AD OIDC.",
            "#0078D4",
        ),
    )
}
RUNS = ("OIDC", "Okta")  # the providers whose connectors sign in here
# ``singleSignOnDomainBlackList`` (packages/schemas/src/types/sso-connector.ts).
PUBLIC_DOMAINS = frozenset(
    [
        "gmail.com",
        "yahoo.com",
        "hotmail.com",
        "outlook.com",
        "live.com",
        "icloud.com",
        "aol.com",
        "yandex.com",
        "mail.com",
        "protonmail.com",
        "yanex.com",
        "gmx.com",
        "mail.ru",
        "zoho.com",
        "qq.com",
        "163.com",
        "126.com",
        "sina.com",
        "sohu.com",
    ]
)
_OIDC_STRINGS = ("clientId", "clientSecret", "issuer")


def oidc_config_issues(config: dict[str, Any]) -> list[dict[str, Any]]:
    """``basicOidcConnectorConfigGuard``'s zod issues (empty: valid)."""
    issues = []
    for key in (*_OIDC_STRINGS, "scope"):
        value = config.get(key)
        if isinstance(value, str) or (key == "scope" and value is None):
            continue
        got = "undefined" if value is None else received(value)
        issues.append({"code": "invalid_type", "expected": "string", "received": got, "path": [key]})
    trust = config.get("trustUnverifiedEmail")
    if trust is not None and not isinstance(trust, bool):
        issues.append(
            {
                "code": "invalid_type",
                "expected": "boolean",
                "received": received(trust),
                "path": ["trustUnverifiedEmail"],
            }
        )
    return issues


def parse_oidc_config(config: dict[str, Any]) -> dict[str, Any]:
    """The guard's output: its keys only (zod strips the rest), ``trustUnverifiedEmail`` defaulted."""
    parsed = {k: config[k] for k in _OIDC_STRINGS}
    if config.get("scope") is not None:
        parsed["scope"] = config["scope"]
    parsed["trustUnverifiedEmail"] = config.get("trustUnverifiedEmail", False)
    return parsed


def valid_config(provider_name: str, config: dict[str, Any]) -> bool:
    """``factory.configGuard.safeParse(config).success`` for the providers the fake knows how to check
    (an empty config is the only one stored for the others)."""
    if provider_name in ("SAML", "AzureAD"):
        return not config
    if provider_name in RUNS or provider_name == "AzureAdOidc":
        return not oidc_config_issues(config)
    return False  # GoogleWorkspace: its guard wants clientId/clientSecret; stored empty only


@dataclass
class SsoConnector:
    id: str
    provider_name: str
    connector_name: str
    config: dict[str, Any] = field(default_factory=dict)
    domains: list[str] = field(default_factory=list)
    branding: dict[str, Any] = field(default_factory=dict)
    sync_profile: bool = False
    enable_token_storage: bool = False
    created_at: int = 0

    def to_json(self) -> dict[str, Any]:
        """``SsoConnectors.guard``: the row."""
        return {
            "tenantId": TENANT_ID,
            "id": self.id,
            "providerName": self.provider_name,
            "connectorName": self.connector_name,
            "config": self.config,
            "domains": list(self.domains),
            "branding": dict(self.branding),
            "syncProfile": self.sync_profile,
            "enableTokenStorage": self.enable_token_storage,
            "createdAt": self.created_at,
        }

    @property
    def available(self) -> bool:
        """``getAvailableSsoConnectors``: a valid config and at least one domain."""
        return bool(self.domains) and valid_config(self.provider_name, self.config)


@dataclass
class UserSsoIdentity:
    id: str
    user_id: str
    issuer: str
    identity_id: str
    sso_connector_id: str
    detail: dict[str, Any]
    created_at: int
    updated_at: int

    def to_json(self) -> dict[str, Any]:
        return {
            "tenantId": TENANT_ID,
            "id": self.id,
            "userId": self.user_id,
            "issuer": self.issuer,
            "identityId": self.identity_id,
            "detail": self.detail,
            "createdAt": self.created_at,
            "updatedAt": self.updated_at,
            "ssoConnectorId": self.sso_connector_id,
        }


class SsoRegistry:
    """The two tables under one lock, and the identity provider stand-in (:mod:`._sso_provider`). The
    config's ``[[sso_connectors]]`` (and their preset identities) come back on :meth:`reset`."""

    def __init__(self, seeds: Callable[[], tuple[SsoConnectorSeed, ...]], endpoint: str) -> None:
        self.lock = threading.RLock()
        self.seeds, self.endpoint = seeds, endpoint
        self.stand_in = IdpStandIn()
        self.connectors: dict[str, SsoConnector] = {}
        self.identities: list[UserSsoIdentity] = []
        self.reset()

    def reset(self) -> None:
        self.stand_in.reset()
        with self.lock:
            self.connectors, self.identities = {}, []
            for seed in self.seeds():
                self.connectors[seed.id] = SsoConnector(
                    id=seed.id,
                    provider_name=seed.provider,
                    connector_name=seed.name,
                    config=seed.config(self.endpoint),
                    domains=list(seed.domains),
                    branding={"displayName": seed.display_name} if seed.display_name else {},
                    sync_profile=seed.sync_profile,
                )
                if seed.identity is not None and not seed.issuer:
                    self.stand_in.presets[seed.idp] = seed.identity

    def ordered(self) -> list[SsoConnector]:
        with self.lock:
            return list(self.connectors.values())

    def get(self, connector_id: str) -> SsoConnector | None:
        with self.lock:
            return self.connectors.get(connector_id)

    def by_name(self, name: str) -> SsoConnector | None:
        with self.lock:
            return next((c for c in self.connectors.values() if c.connector_name == name), None)

    def delete(self, connector_id: str) -> None:
        with self.lock:
            self.connectors.pop(connector_id, None)
            self.identities = [i for i in self.identities if i.sso_connector_id != connector_id]

    def by_email(self, email: str) -> list[SsoConnector]:
        """``getEnabledSsoConnectorsByEmail`` without the sign-in experience's switch."""
        domain = email.split("@")[1] if "@" in email else ""
        if not domain:
            return []
        return [c for c in self.ordered() if c.available and domain.lower() in (d.lower() for d in c.domains)]

    def identity(self, issuer: str, identity_id: str, users: dict[str, Any]) -> UserSsoIdentity | None:
        """``findUserSsoIdentityBySsoIdentityId`` (of a user that still exists)."""
        with self.lock:
            return next(
                (
                    i
                    for i in self.identities
                    if i.issuer == issuer and i.identity_id == identity_id and i.user_id in users
                ),
                None,
            )

    def of_user(self, user_id: str) -> list[UserSsoIdentity]:
        with self.lock:
            return [i for i in self.identities if i.user_id == user_id]
