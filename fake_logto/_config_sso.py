"""The tenant config's ``[[sso_connectors]]``: enterprise SSO connectors the tenant starts with (and a
reset restores), each an OIDC connector bound to email domains and pointed at the identity provider
stand-in (:mod:`._sso_provider`) unless it names a real ``issuer``::

    [[sso_connectors]]
    name = "Acme"                   # connectorName (unique)
    domains = ["acme.test"]         # the email domains that sign in here
    id = "acme"                     # optional: the connector id (default: a generated one)
    provider = "OIDC"               # OIDC or Okta
    idp = "acme"                    # the stand-in provider's name (default: the id); issuer
                                    #   <endpoint>/sso-provider/<idp>
    issuer = ""                     # a real issuer instead of the stand-in
    client_id = "logto"             # client_secret = "logto-secret", scope = "", trust_unverified_email
    sync_profile = false            # display_name = "Acme SSO" (branding.displayName)
    [sso_connectors.identity]       # optional: the stand-in's preset identity (unattended sign-in)
    id = "acme-user-1"              # email, email_verified (true), name, avatar, phone, raw = {…}

``[sign_in_experience] single_sign_on`` (``singleSignOnEnabled``) defaults to on when any is listed.
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass, field
from typing import Any

from ._config import ConfigError
from ._config_reader import Reader, unique
from ._config_reader import url as _url
from ._social_identity import Identity

PROVIDERS = ("OIDC", "Okta")
_ALPHABET = string.ascii_lowercase + string.digits


@dataclass(frozen=True)
class SsoConnectorSeed:
    id: str
    name: str
    domains: tuple[str, ...]
    provider: str = "OIDC"
    idp: str = ""
    issuer: str = ""  # empty: the stand-in's <endpoint>/sso-provider/<idp>
    client_id: str = "logto"
    client_secret: str = "logto-secret"
    scope: str = ""
    trust_unverified_email: bool = False
    sync_profile: bool = False
    display_name: str = ""
    identity: Identity | None = field(default=None, hash=False)

    def config(self, endpoint: str) -> dict[str, Any]:
        """The connector's stored config (``basicOidcConnectorConfigGuard``'s output)."""
        issuer = self.issuer or f"{endpoint}/sso-provider/{self.idp}"
        body: dict[str, Any] = {
            "clientId": self.client_id,
            "clientSecret": self.client_secret,
            "issuer": issuer,
        }
        if self.scope:
            body["scope"] = self.scope
        body["trustUnverifiedEmail"] = self.trust_unverified_email
        return body


def _identity(r: Reader) -> Identity:
    raw = r.get("raw", dict, {})
    identity = Identity(
        r.string("id", required=True),
        email=r.string("email"),
        email_verified=r.get("email_verified", bool, True),
        name=r.string("name"),
        avatar=r.string("avatar"),
        phone=r.string("phone"),
        raw=dict(raw),
    )
    r.done()
    return identity


def _seed(r: Reader) -> SsoConnectorSeed:
    connector_id = r.string("id") or "".join(secrets.choice(_ALPHABET) for _ in range(12))
    domains = tuple(d.lower() for d in r.strings("domains"))
    if not domains:
        raise ConfigError(f"{r.where('domains')}: at least one email domain is required")
    issuer = r.string("issuer", "")
    identity = _identity(r.table("identity")) if "identity" in r.data else None
    seed = SsoConnectorSeed(
        id=connector_id,
        name=r.string("name", required=True),
        domains=domains,
        provider=r.choice("provider", PROVIDERS, "OIDC"),
        idp=r.string("idp", "") or connector_id,
        issuer=_url(issuer, r.where("issuer")).rstrip("/") if issuer else "",
        client_id=r.string("client_id", "logto"),
        client_secret=r.string("client_secret", "logto-secret"),
        scope=r.string("scope", ""),
        trust_unverified_email=r.get("trust_unverified_email", bool, False),
        sync_profile=r.get("sync_profile", bool, False),
        display_name=r.string("display_name", ""),
        identity=identity,
    )
    r.done()
    return seed


def read_sso_connectors(root: Reader) -> tuple[SsoConnectorSeed, ...]:
    seeds = tuple(_seed(r) for r in root.tables("sso_connectors"))
    unique([s.id for s in seeds], "sso_connectors", "id")
    unique([s.name for s in seeds], "sso_connectors", "name")
    return seeds
