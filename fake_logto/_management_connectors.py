"""The Management API's connectors (``/api/connectors``), as Logto's ``packages/core/src/routes/connector/
index.ts``, for the passwordless connectors the tenant can run: the configured Mailgun or SMTP one and
Logto's mock email and SMS connectors (:mod:`._mock_connectors`), which Logto's integration tests create
(``src/helpers/connector.ts``: list, delete by type, create), and the social connectors
(:mod:`._social_connectors`: the mock one, Google, GitHub). Rows live in :mod:`._connector_registry`.

- ``POST``: the body guard (``Connectors.createGuard`` picked: ``connectorId`` a string of at most 128,
  ``config`` and ``metadata`` objects, ``syncProfile`` and ``enableTokenStorage`` booleans, an optional
  proposed ``id``); an unknown factory → 422 ``connector.not_found_with_connector_id``; the config against
  the connector's guard → 400 ``connector.invalid_config`` (the ZodError as ``data``); then the row
  replaces every connector of its type (one working email and one SMS connector); 200 with the response.
  A social factory first: ``metadata`` refused for these non-standard connectors (400
  ``connector.cannot_overwrite_metadata_for_non_standard_connector``), one instance per factory (422
  ``connector.multiple_instances_not_supported``), one per target and platform (422
  ``connector.multiple_target_with_same_platform``); it is inserted beside the others.
- ``POST /:id/authorization-uri`` (``authorization-uri.ts``): ``{state, redirectUri}`` strings → the social
  connector's ``{redirectTo}``; empty → 400 ``session.insufficient_info``; unknown id 404
  ``entity.not_found``; not social → 400 ``connector.unexpected_type``.
- ``GET`` lists them (``?target=`` filters on the factory's target); ``GET /:id`` one, or 404
  ``entity.not_found``; ``DELETE /:id`` → 204, or 404 ``entity.not_found``.

A response is ``transpileLogtoConnector``'s: the type, the factory's metadata, then the row's ``id``,
``connectorId``, ``syncProfile``, ``metadata``, ``enableTokenStorage``, ``isDemo`` (false), ``extraInfo``
({}), ``config``. Not served (404): ``PATCH /:id``, ``/connector-factories``, ``/:factoryId/test``,
(the generic ``oidc`` and ``oauth2`` social connectors are created here: :mod:`._social_generic`).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import _guards, _social_connectors, _social_generic, paths
from ._connector_registry import ConnectorRegistry, ConnectorRow, short_id
from ._errors import LogtoError
from ._management_auth import authorized_tenant
from ._mock_connectors import FACTORIES, build_mock, config_issue


def response(row: ConnectorRow) -> dict[str, Any]:
    return {
        "type": row.type,
        **ConnectorRegistry.metadata(row),  # transpileLogtoConnector: the merged metadata
        "id": row.id,
        "connectorId": row.connector_id,
        "syncProfile": row.sync_profile,
        "metadata": row.metadata,
        "enableTokenStorage": False,
        "isDemo": False,
        "extraInfo": {},
        "config": row.config,
    }


async def list_connectors(request: Request) -> Response:
    tenant = authorized_tenant(request)
    target = request.query_params.get("target")
    with tenant.connectors.lock:
        rows = list(tenant.connectors.rows)
    return JSONResponse(
        [response(r) for r in rows if target is None or r.factory_metadata.get("target") == target]
    )


async def get_connector(request: Request) -> Response:
    tenant = authorized_tenant(request)
    row = tenant.connectors.get(request.path_params["connector_id"])
    if row is None:
        raise LogtoError("entity.not_found", 404)
    return JSONResponse(response(row))


async def create_connector(request: Request) -> Response:
    tenant = authorized_tenant(request)
    body = await _guards.body(request)
    connector_id: str = _guards.string(body, "connectorId", min_length=1, max_length=128)
    config = _guards.optional(body, "config", dict)
    metadata = _guards.optional(body, "metadata", dict)
    sync_profile = _guards.optional(body, "syncProfile", bool)
    _guards.optional(body, "enableTokenStorage", bool)
    proposed = _guards.string(body, "id", min_length=1, max_length=128, optional=True)
    social = _social_connectors.FACTORIES.get(connector_id) or _social_generic.FACTORIES.get(connector_id)
    if social is not None:
        return _create_social(request, social, config, metadata, sync_profile, proposed)
    factory = FACTORIES.get(connector_id)
    if factory is None:
        raise LogtoError("connector.not_found_with_connector_id", 422)
    if config is not None and (issue := config_issue(connector_id, config)) is not None:
        raise LogtoError("connector.invalid_config", 400, {"issues": [issue], "name": "ZodError"})
    row = ConnectorRow(
        id=proposed or short_id(),
        connector_id=connector_id,
        type=factory.type,
        config=config or {},
        factory_metadata=factory.metadata(),
        sender=build_mock(connector_id, config or {}, request.app.state.settings.mock_connector_dir),
        sync_profile=bool(sync_profile),
        metadata=metadata or {},
        created_at=tenant.store.now_ms(),
    )
    tenant.connectors.replace_type(row)
    return JSONResponse(response(row))


def _create_social(
    request: Request,
    factory: _social_connectors.SocialFactory,
    config: dict[str, Any] | None,
    metadata: dict[str, Any] | None,
    sync_profile: bool | None,
    proposed: str | None,
) -> Response:
    """The social branch of the route, in Logto's order; the generic ``oidc`` and ``oauth2`` connectors are
    standard ones (:mod:`._social_generic`): a ``metadata.target`` of their own, any number of instances."""
    tenant = authorized_tenant(request)
    standard = factory.id in _social_generic.FACTORIES
    if standard and not (metadata or {}).get("target"):
        raise LogtoError("connector.should_specify_target", 400)
    if metadata is not None and not standard:
        raise LogtoError("connector.cannot_overwrite_metadata_for_non_standard_connector", 400)
    rows = tenant.connectors.social()
    if not standard and any(row.connector_id == factory.id for row in rows):
        raise LogtoError("connector.multiple_instances_not_supported", 422)
    target = (metadata or {}).get("target") or factory.target
    duplicate = next((r for r in rows if r.factory_metadata["target"] == target), None)
    if duplicate is not None:
        data = {"connectorId": duplicate.connector_id, "connectorName": duplicate.factory_metadata["name"]}
        raise LogtoError("connector.multiple_target_with_same_platform", 422, data)
    if standard:
        if config is not None and not _social_generic.config_valid(factory.id, config):
            raise LogtoError("connector.invalid_config", 400)
    elif config is not None and (issue := _social_connectors.config_issue(factory.id, config)) is not None:
        raise LogtoError("connector.invalid_config", 400, {"issues": [issue], "name": "ZodError"})
    row = ConnectorRow(
        id=proposed or short_id(),
        connector_id=factory.id,
        type="Social",
        config=config or {},
        factory_metadata=_social_generic.metadata(factory.id, metadata or {})
        if standard
        else factory.metadata(),
        sender=None,
        sync_profile=bool(sync_profile),
        metadata=metadata or {} if standard else {},
        created_at=tenant.store.now_ms(),
    )
    tenant.connectors.insert(row)
    return JSONResponse(response(row))


async def authorization_uri(request: Request) -> Response:
    tenant = authorized_tenant(request)
    body = await _guards.body(request)
    state = _guards.string(body, "state")
    redirect_uri = _guards.string(body, "redirectUri")
    if not state or not redirect_uri:
        raise LogtoError("session.insufficient_info", 400)
    row = tenant.connectors.get(request.path_params["connector_id"])
    if row is None:
        raise LogtoError("entity.not_found", 404)
    if row.type != "Social":
        raise LogtoError("connector.unexpected_type", 400)
    payload = {"state": state, "redirectUri": redirect_uri, "connectorId": row.id}
    try:
        uri, _ = _social_connectors.authorization_uri(
            row.connector_id, row.config, stand_in_url(tenant, row), payload
        )
    except _social_connectors.SocialError as exc:
        raise _social_connectors.as_logto(exc) from None
    return JSONResponse({"redirectTo": uri})


def stand_in_url(tenant: Any, row: ConnectorRow) -> str:
    """The stand-in's authorization endpoint for ``row``'s target."""
    url: str = tenant.url(paths.SOCIAL_AUTHORIZE.format(target=row.factory_metadata["target"]))
    return url


async def delete_connector(request: Request) -> Response:
    tenant = authorized_tenant(request)
    if not tenant.connectors.delete(request.path_params["connector_id"]):
        raise LogtoError("entity.not_found", 404)
    return Response(status_code=204)


ROUTES = [
    ("GET", paths.MANAGEMENT_CONNECTORS, list_connectors),
    ("POST", paths.MANAGEMENT_CONNECTORS, create_connector),
    ("GET", paths.MANAGEMENT_CONNECTOR, get_connector),
    ("DELETE", paths.MANAGEMENT_CONNECTOR, delete_connector),
    ("POST", paths.MANAGEMENT_CONNECTOR_AUTHORIZATION_URI, authorization_uri),
]
