"""The Management API's applications and their secrets, as Logto's ``packages/core/src/routes/applications/
application.ts`` and ``application-secret.ts`` with their ``*.openapi.json``. Every route passes the guard
first (:mod:`._management_auth`), then the body guard.

The applications are the tenant's live config (``tenant.config.applications``, replaced on each write): one
created here runs the authorization code flow with its redirect URIs and ``client_credentials`` at once;
one deleted is an unknown client. The config's ``type`` is Logto's ``ApplicationType`` (``traditional`` →
``Traditional``, ``spa`` → ``SPA``, ``native`` → ``Native``, ``m2m`` → ``MachineToMachine``); Protected and
SAML apps are Logto Cloud features (``application.protected_app_not_configured`` 501,
``application.saml.use_saml_app_api``). A body is ``applicationResponseGuard``: a configured app's secret is
Logto's legacy ``secret`` column and shown; one created here gets an internal secret (never shown) and, for
Traditional and machine-to-machine apps, an ``application_secrets`` row named ``Default secret`` (32
characters, ``generateStandardSecret``) — what the client authenticates with. The list is newest first
(``order by created_at desc``), pages only when asked, takes ``types``, ``isThirdParty``,
``excludeRoleId`` / ``excludeOrganizationId`` (not both: 400 ``request.invalid_input``) and Logto's search
over ``id``, ``name``, ``description`` (:mod:`._search`).
"""

from __future__ import annotations

import dataclasses
import secrets
import string
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import _guards, paths
from ._config import Application
from ._errors import LogtoError
from ._management_auth import authorized_tenant
from ._management_users import page_of
from ._redirect_uris import valid_redirect_uri
from ._role_registry import AppRow, AppSecret
from ._search import search_filter
from ._tenant import Tenant

TENANT_ID = "default"
TYPES = {"traditional": "Traditional", "spa": "SPA", "native": "Native", "m2m": "MachineToMachine"}
CONFIG_TYPES = {logto: config for config, logto in TYPES.items()}
ALL_TYPES = ("Native", "SPA", "Traditional", "MachineToMachine", "Protected", "SAML")
WITH_SECRETS = ("Traditional", "MachineToMachine")  # hasSecrets, without Protected and SAML
DEFAULT_SECRET = "Default secret"  # defaultApplicationSecretName
INTERNAL_PREFIX = "#internal:"
NAME_MAX = 256  # applications.name / application_secrets.name varchar(256)
SEARCH_FIELDS = ("id", "name", "description")
CUSTOM_FLAGS = ("alwaysIssueRefreshToken", "rotateRefreshToken", "allowTokenExchange", "isDeviceFlow")
_SECRET_ALPHABET = string.digits + string.ascii_letters
_ID_ALPHABET = string.digits + string.ascii_lowercase


def standard_secret() -> str:
    return "".join(secrets.choice(_SECRET_ALPHABET) for _ in range(32))


def application_json(tenant: Tenant, app: Application) -> dict[str, Any]:
    row = tenant.store.roles.app_row(app.id)
    body: dict[str, Any] = {"tenantId": TENANT_ID, "id": app.id, "name": app.name}
    if row.legacy_secret:
        body["secret"] = app.secret
    return body | {
        "description": row.description,
        "type": TYPES[app.type],
        "oidcClientMetadata": {
            "redirectUris": list(app.redirect_uris),
            "postLogoutRedirectUris": list(app.post_logout_redirect_uris),
            **row.oidc_extra,
        },
        "customClientMetadata": row.custom_client_metadata,
        "protectedAppMetadata": None,
        "customData": row.custom_data,
        "isThirdParty": not app.first_party,
        "appLevelAccessControlEnabled": False,
        "createdAt": row.created_at,
    }


def application_of(tenant: Tenant, app_id: str) -> Application:
    """``findApplicationById``: 404 ``entity.not_exists_with_id`` naming the table."""
    app = tenant.config.application(app_id)
    if app is None:
        raise LogtoError("entity.not_exists_with_id", 404, name="applications", id=app_id)
    return app


def _uris(metadata: dict[str, Any], key: str) -> tuple[str, ...]:
    path = f"oidcClientMetadata.{key}"
    values: list[Any] = _guards.field(metadata, path, list)
    for i, value in enumerate(values):
        _guards.field({str(i): value}, f"{path}.{i}", str)
        if not valid_redirect_uri(value):
            raise _guards.invalid(f"{path}.{i}", "custom", "Invalid input")
    return tuple(values)


def _metadata(body: dict[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...], dict[str, Any]] | None:
    """``oidcClientMetadataGuard``: both URI lists required; the other keys kept as given."""
    if "oidcClientMetadata" not in body:
        return None
    metadata: dict[str, Any] = _guards.field(body, "oidcClientMetadata", dict)
    redirects, post_logout = _uris(metadata, "redirectUris"), _uris(metadata, "postLogoutRedirectUris")
    extra = {k: metadata[k] for k in ("backchannelLogoutUri", "logoUri") if isinstance(metadata.get(k), str)}
    if isinstance(metadata.get("backchannelLogoutSessionRequired"), bool):
        extra["backchannelLogoutSessionRequired"] = metadata["backchannelLogoutSessionRequired"]
    return redirects, post_logout, extra


def _name(body: dict[str, Any]) -> str:
    name: str = _guards.string(body, "name", min_length=1, max_length=NAME_MAX)
    return name


def _optional(body: dict[str, Any], key: str, kind: type, *, nullable: bool = False) -> Any:
    if key in body and body[key] is None and not nullable:
        _guards.field(body, key, kind)  # zod's .optional() refuses an explicit null
    return _guards.field(body, key, kind, optional=True)


def _common(body: dict[str, Any]) -> dict[str, Any]:
    """The fields create and PATCH share, guarded (only those given)."""
    found: dict[str, Any] = {}
    if "description" in body:
        found["description"] = _optional(body, "description", str, nullable=True)
    for key in ("customClientMetadata", "customData"):
        if key in body:
            found[key] = _optional(body, key, dict)
    for flag in CUSTOM_FLAGS:  # customClientMetadataGuard's z.boolean().optional() members
        if found.get("customClientMetadata") is not None:
            _guards.optional(found["customClientMetadata"], f"customClientMetadata.{flag}", bool)
    if found.get("customClientMetadata") is not None:  # z.string().min(1).array().optional()
        _guards.string_list(
            found["customClientMetadata"], "customClientMetadata.corsAllowedOrigins", optional=True
        )
    return found


def _apply(row: AppRow, fields: dict[str, Any]) -> None:
    if "description" in fields:
        row.description = fields["description"]
    if fields.get("customClientMetadata") is not None:
        row.custom_client_metadata = fields["customClientMetadata"]
    if fields.get("customData") is not None:
        row.custom_data = fields["customData"]


async def list_applications(request: Request) -> Response:
    tenant = authorized_tenant(request)
    query = request.query_params
    paged = "page" in query or "page_size" in query
    offset, limit = page_of(request) if paged else (0, None)
    types = query.getlist("types")
    third = query.get("isThirdParty")
    if any(t not in ALL_TYPES for t in types) or third not in (None, "true", "false"):
        raise LogtoError("guard.invalid_input", 400, type="query")
    exclude_role, exclude_org = query.get("excludeRoleId"), query.get("excludeOrganizationId")
    if exclude_role and exclude_org:
        raise LogtoError(
            "request.invalid_input",
            400,
            reason="Parameter `excludeRoleId` and `excludeOrganizationId` cannot be used at the same time.",
        )
    matches = search_filter(query, SEARCH_FIELDS)
    with tenant.store.lock:
        role = tenant.store.roles.roles.get(exclude_role or "")
        excluded = set(role.application_ids if role else ())
        org = tenant.config.organization(exclude_org or "")
        excluded |= set(org.applications if org else ())
        rows = [application_json(tenant, a) for a in tenant.config.applications if a.id not in excluded]
        rows.sort(key=lambda r: -int(r["createdAt"]))
        found = [
            r
            for r in rows
            if (not types or r["type"] in types)
            and (third is None or r["isThirdParty"] == (third == "true"))
            and matches(r)
        ]
    shown = found[offset : None if limit is None else offset + limit]
    return JSONResponse(shown, headers={"Total-Number": str(len(found))} if paged else None)


async def create_application(request: Request) -> Response:
    tenant = authorized_tenant(request)
    body = await _guards.body(request)
    name = _name(body)
    kind = _guards.choice(body, "type", ALL_TYPES)
    metadata = _metadata(body)
    fields = _common(body)
    third_party = _optional(body, "isThirdParty", bool) or False
    if kind == "SAML":
        raise LogtoError("application.saml.use_saml_app_api", 400)
    device_flow = (fields.get("customClientMetadata") or {}).get("isDeviceFlow")
    if kind != "Native" and device_flow:
        raise LogtoError("application.device_flow_native_only", 422)
    if kind == "Protected":
        if body.get("protectedAppMetadata") is None:
            raise LogtoError("application.protected_app_metadata_is_required", 400)
        raise LogtoError("application.protected_app_not_configured", 501)
    if third_party and kind not in ("Traditional", "SPA", "Native"):
        raise LogtoError("application.invalid_third_party_application_type", 400)
    redirects, post_logout, extra = metadata or ((), (), {})
    app = Application(
        name=name,
        type=CONFIG_TYPES[kind],  # type: ignore[arg-type]
        id="".join(secrets.choice(_ID_ALPHABET) for _ in range(21)),
        secret=INTERNAL_PREFIX + standard_secret(),
        redirect_uris=redirects,
        post_logout_redirect_uris=post_logout,
        first_party=not third_party,
    )
    with tenant.store.lock:
        now = tenant.store.now_ms()
        row = tenant.store.roles.app_rows[app.id] = AppRow(
            created_at=now, legacy_secret=False, oidc_extra=extra
        )
        _apply(row, fields)
        if kind in WITH_SECRETS:
            row.secrets.append(AppSecret(DEFAULT_SECRET, standard_secret(), now))
        tenant.config = dataclasses.replace(tenant.config, applications=(*tenant.config.applications, app))
        return JSONResponse(application_json(tenant, app))


async def get_application(request: Request) -> Response:
    tenant = authorized_tenant(request)
    with tenant.store.lock:
        app = application_of(tenant, request.path_params["id"])
        return JSONResponse(application_json(tenant, app) | {"isAdmin": False})


async def update_application(request: Request) -> Response:
    """``PATCH``: the given columns replaced (``oidcClientMetadata`` as a whole); ``type`` and
    ``isThirdParty`` cannot change (zod strips them)."""
    tenant = authorized_tenant(request)
    body = await _guards.body(request)
    name = _name(body) if "name" in body else None
    metadata = _metadata(body)
    fields = _common(body)
    _optional(body, "isAdmin", bool)
    with tenant.store.lock:
        app = application_of(tenant, request.path_params["id"])
        row = tenant.store.roles.app_row(app.id)
        new_flow = (fields.get("customClientMetadata") or {}).get("isDeviceFlow")
        if "customClientMetadata" in fields and bool(new_flow) != bool(
            row.custom_client_metadata.get("isDeviceFlow")
        ):
            raise LogtoError("application.device_flow_not_changeable", 422)
        _apply(row, fields)
        changed = dataclasses.replace(app, name=app.name if name is None else name)
        if metadata is not None:
            changed = dataclasses.replace(
                changed, redirect_uris=metadata[0], post_logout_redirect_uris=metadata[1]
            )
            row.oidc_extra = metadata[2]
        tenant.config = dataclasses.replace(
            tenant.config,
            applications=tuple(changed if a.id == app.id else a for a in tenant.config.applications),
        )
        return JSONResponse(application_json(tenant, changed))


async def delete_application(request: Request) -> Response:
    tenant = authorized_tenant(request)
    with tenant.store.lock:
        app = application_of(tenant, request.path_params["id"])
        tenant.store.roles.forget_application(app.id)
        tenant.config = dataclasses.replace(
            tenant.config, applications=tuple(a for a in tenant.config.applications if a.id != app.id)
        )
    return Response(status_code=204)


def secret_json(app_id: str, secret: AppSecret) -> dict[str, Any]:
    return {
        "tenantId": TENANT_ID,
        "applicationId": app_id,
        "name": secret.name,
        "value": secret.value,
        "createdAt": secret.created_at,
        "expiresAt": secret.expires_at,
    }


async def list_secrets(request: Request) -> Response:
    tenant = authorized_tenant(request)
    with tenant.store.lock:
        app = application_of(tenant, request.path_params["id"])
        row = tenant.store.roles.app_row(app.id)
        return JSONResponse([secret_json(app.id, s) for s in row.secrets])


async def create_secret(request: Request) -> Response:
    """A secret of another name; the ``application_type`` check of ``application_secrets`` refuses SPA and
    native apps (422 ``entity.db_constraint_violated``), its primary key a taken name."""
    tenant = authorized_tenant(request)
    body = await _guards.body(request)
    name = _name(body)
    expires_at = _optional(body, "expiresAt", int, nullable=True)
    with tenant.store.lock:
        if expires_at is not None and expires_at <= tenant.store.now_ms():
            raise LogtoError(
                "request.invalid_input", 400, reason="The value of `expiresAt` must be in the future."
            )
        app = application_of(tenant, request.path_params["id"])
        row = tenant.store.roles.app_row(app.id)
        if any(s.name == name for s in row.secrets):
            raise LogtoError("application.secret_name_exists", 422)
        if TYPES[app.type] not in WITH_SECRETS:
            raise LogtoError("entity.db_constraint_violated", 422)
        secret = AppSecret(name, standard_secret(), tenant.store.now_ms(), expires_at)
        row.secrets.append(secret)
        return JSONResponse(secret_json(app.id, secret), status_code=201)


async def delete_secret(request: Request) -> Response:
    tenant = authorized_tenant(request)
    with tenant.store.lock:
        app = application_of(tenant, request.path_params["id"])
        row = tenant.store.roles.app_row(app.id)
        kept = [s for s in row.secrets if s.name != request.path_params["name"]]
        if len(kept) == len(row.secrets):  # DeletionError
            raise LogtoError("entity.not_found", 404)
        row.secrets = kept
    return Response(status_code=204)


ROUTES = [
    ("GET", paths.MANAGEMENT_APPLICATIONS, list_applications),
    ("POST", paths.MANAGEMENT_APPLICATIONS, create_application),
    ("GET", paths.MANAGEMENT_APPLICATION, get_application),
    ("PATCH", paths.MANAGEMENT_APPLICATION, update_application),
    ("DELETE", paths.MANAGEMENT_APPLICATION, delete_application),
    ("GET", paths.MANAGEMENT_APPLICATION_SECRETS, list_secrets),
    ("POST", paths.MANAGEMENT_APPLICATION_SECRETS, create_secret),
    ("DELETE", paths.MANAGEMENT_APPLICATION_SECRET, delete_secret),
]

__all__ = ["ROUTES", "application_json", "application_of"]
