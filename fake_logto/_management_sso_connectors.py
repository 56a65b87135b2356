"""The Management API's enterprise SSO connectors, as Logto's ``packages/core/src/routes/sso-connector/
index.ts`` and ``utils.ts`` (rows in :mod:`._sso_registry`):

- ``GET /api/sso-connector-providers``: every factory's detail (``parseFactoryDetail``).
- ``POST /api/sso-connectors``: the body guard (``providerName`` and ``connectorName`` strings; ``config``
  an object, ``domains`` strings, ``branding`` ``{displayName?, logo?, darkLogo?}``, ``syncProfile``,
  ``enableTokenStorage`` booleans, all optional); an unknown provider 422 ``connector.not_found``; the
  domains lower-cased, a public one 422 ``single_sign_on.forbidden_domains``, a repeated one 422
  ``single_sign_on.duplicated_domains`` (the domains as ``data``); the config against the provider's
  guard 400 ``connector.invalid_config``; a taken name 409 ``single_sign_on.duplicate_connector_name``;
  then the IdP's discovery document fetched (:mod:`._sso_oidc`; a failure is the connector error, 400
  ``connector.invalid_config``); ``enableTokenStorage`` 422 ``request.feature_not_supported`` (the fake
  has no secret vault, as a Logto without ``SECRET_VAULT_KEK``); 200 with the row.
- ``GET /api/sso-connectors`` (optionally paged), ``GET …/:id``: the row with ``name``, ``providerType``,
  ``providerLogo``, ``providerLogoDark`` and, when the IdP answers, ``providerConfig`` (``getConfig``);
  an unknown id 404 ``entity.not_exists_with_id``.
- ``PATCH …/:id`` (the same fields, all optional, ``connectorName`` among them) and ``DELETE …/:id`` (204;
  the users' SSO identities of the connector go with it).

Not built: a config for the providers the fake does not run (SAML, Microsoft Entra ID SAML and OIDC,
Google Workspace) is refused with 400 ``guard.invalid_input`` saying so; they are stored with no config
only. The SAML signing-key and IdP-initiated routes are not served.
"""

from __future__ import annotations

import contextlib
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import _guards, _sso_oidc, paths
from ._connector_registry import short_id
from ._errors import LogtoError
from ._management_auth import authorized_tenant
from ._management_organizations import optional_page
from ._social_connectors import SocialError, as_logto
from ._sso_registry import (
    PROVIDERS,
    PUBLIC_DOMAINS,
    RUNS,
    SsoConnector,
    oidc_config_issues,
    parse_oidc_config,
)
from ._tenant import Tenant

_BRANDING = ("displayName", "logo", "darkLogo")


def _fields(body: dict[str, Any]) -> dict[str, Any]:
    """The guard of the optional fields, in the schema's column order."""
    found: dict[str, Any] = {}
    if "config" in body:
        found["config"] = _guards.field(body, "config", dict)
    if "domains" in body:
        domains = _guards.field(body, "domains", list)
        for i, domain in enumerate(domains):
            _guards.field({str(i): domain}, f"domains.{i}", str)
        found["domains"] = [d.lower() for d in domains]
    if "branding" in body:
        branding = _guards.field(body, "branding", dict)
        for key in _BRANDING:
            _guards.string(branding, f"branding.{key}", optional=True)
        found["branding"] = {k: branding[k] for k in _BRANDING if k in branding}
    for key in ("syncProfile", "enableTokenStorage"):
        if key in body:
            found[key] = _guards.field(body, key, bool)
    return found


def _validate_domains(domains: list[str]) -> None:
    """``validateConnectorDomains`` (``findDuplicatedOrBlockedEmailDomains``)."""
    forbidden = list(dict.fromkeys(d for d in domains if d in PUBLIC_DOMAINS))
    if forbidden:
        raise LogtoError("single_sign_on.forbidden_domains", 422, forbidden)
    duplicated = list(dict.fromkeys(d for i, d in enumerate(domains) if d in domains[:i]))
    if duplicated:
        raise LogtoError("single_sign_on.duplicated_domains", 422, duplicated)


def _parse_config(provider_name: str, config: dict[str, Any]) -> dict[str, Any]:
    """``parseConnectorConfig``: the provider's guard, 400 ``connector.invalid_config``."""
    if provider_name not in RUNS:
        raise LogtoError(
            "guard.invalid_input",
            400,
            details=f"fake_logto does not build {provider_name} connectors: it stores them without a config "
            f"and signs in with {' and '.join(RUNS)} (OIDC) connectors only",
        )
    if oidc_config_issues(config):
        raise LogtoError("connector.invalid_config", 400)
    return parse_oidc_config(config)


async def _check_connection(tenant: Tenant, config: dict[str, Any]) -> None:
    """``validateConnectorConfigConnectionStatus``: the IdP's discovery document must be fetched."""
    try:
        await _sso_oidc.oidc_config(tenant.http, config)
    except SocialError as exc:
        raise as_logto(exc) from None


def _guard_name(tenant: Tenant, name: str, own_id: str | None = None) -> None:
    found = tenant.sso.by_name(name)
    if found is not None and found.id != own_id:
        raise LogtoError("single_sign_on.duplicate_connector_name", 409)


async def _with_details(tenant: Tenant, connector: SsoConnector) -> dict[str, Any]:
    """``fetchConnectorProviderDetails``."""
    provider = PROVIDERS[connector.provider_name]
    logo = provider.detail()["logo"]
    body = {
        **connector.to_json(),
        "name": provider.display,
        "providerType": provider.type,
        "providerLogo": logo,
        "providerLogoDark": logo,
    }
    if connector.provider_name in RUNS and not oidc_config_issues(connector.config):
        with contextlib.suppress(SocialError):  # trySafe: no providerConfig
            body["providerConfig"] = await _sso_oidc.oidc_config(tenant.http, connector.config)
    return body


def connector_of(tenant: Tenant, connector_id: str) -> SsoConnector:
    """``getSsoConnectorById``: 404 ``entity.not_exists_with_id`` (the table's ``findById``)."""
    found = tenant.sso.get(connector_id)
    if found is None:
        raise LogtoError("entity.not_exists_with_id", 404, name="sso_connectors", id=connector_id)
    return found


async def providers(request: Request) -> Response:
    authorized_tenant(request)
    return JSONResponse([p.detail() for p in PROVIDERS.values()])


async def create(request: Request) -> Response:
    tenant = authorized_tenant(request)
    body = await _guards.body(request)
    fields = _fields(body)
    provider_name = _guards.string(body, "providerName")
    name = _guards.string(body, "connectorName")
    if provider_name not in PROVIDERS:
        raise LogtoError("connector.not_found", 422, type=provider_name)
    if "domains" in fields:
        _validate_domains(fields["domains"])
    config = _parse_config(provider_name, fields["config"]) if "config" in fields else None
    _guard_name(tenant, name)
    if config is not None:
        await _check_connection(tenant, config)
    if fields.get("enableTokenStorage"):
        raise LogtoError("request.feature_not_supported", 422)
    connector = SsoConnector(
        id=short_id(),
        provider_name=provider_name,
        connector_name=name,
        config=config or {},
        domains=fields.get("domains", []),
        branding=fields.get("branding", {}),
        sync_profile=fields.get("syncProfile", False),
        enable_token_storage=fields.get("enableTokenStorage", False),
        created_at=tenant.store.now_ms(),
    )
    with tenant.sso.lock:
        _guard_name(tenant, name)  # lost a race with another creation
        tenant.sso.connectors[connector.id] = connector
    return JSONResponse(connector.to_json())


async def list_connectors(request: Request) -> Response:
    tenant = authorized_tenant(request)
    rows = tenant.sso.ordered()
    offset, limit, headers = optional_page(request, len(rows))
    body = [await _with_details(tenant, c) for c in rows[offset : offset + limit]]
    return JSONResponse(body, headers=headers)


async def get_connector(request: Request) -> Response:
    tenant = authorized_tenant(request)
    connector = connector_of(tenant, request.path_params["id"])
    return JSONResponse(await _with_details(tenant, connector))


async def patch_connector(request: Request) -> Response:
    tenant = authorized_tenant(request)
    body = await _guards.body(request)
    fields = _fields(body)
    name = _guards.string(body, "connectorName", optional=True)
    connector = connector_of(tenant, request.path_params["id"])
    if "domains" in fields:
        _validate_domains(fields["domains"])
    if name:
        _guard_name(tenant, name, connector.id)
    config = _parse_config(connector.provider_name, fields["config"]) if "config" in fields else None
    if config is not None:
        await _check_connection(tenant, config)
    if fields.get("enableTokenStorage"):
        raise LogtoError("request.feature_not_supported", 422)
    with tenant.sso.lock:
        if config is not None:
            connector.config = config
        if name is not None:
            connector.connector_name = name
        connector.domains = fields.get("domains", connector.domains)
        connector.branding = fields.get("branding", connector.branding)
        connector.sync_profile = fields.get("syncProfile", connector.sync_profile)
        connector.enable_token_storage = fields.get("enableTokenStorage", connector.enable_token_storage)
    return JSONResponse(await _with_details(tenant, connector))


async def delete_connector(request: Request) -> Response:
    tenant = authorized_tenant(request)
    connector = connector_of(tenant, request.path_params["id"])
    tenant.sso.delete(connector.id)
    return Response(status_code=204)


ROUTES = [
    ("GET", paths.MANAGEMENT_SSO_CONNECTOR_PROVIDERS, providers),
    ("POST", paths.MANAGEMENT_SSO_CONNECTORS, create),
    ("GET", paths.MANAGEMENT_SSO_CONNECTORS, list_connectors),
    ("GET", paths.MANAGEMENT_SSO_CONNECTOR, get_connector),
    ("PATCH", paths.MANAGEMENT_SSO_CONNECTOR, patch_connector),
    ("DELETE", paths.MANAGEMENT_SSO_CONNECTOR, delete_connector),
]
