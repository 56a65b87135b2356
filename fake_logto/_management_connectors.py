"""The Management API's connectors (``/api/connectors``), as Logto's ``packages/core/src/routes/connector/
index.ts``, for the passwordless connectors the tenant can run: the configured Mailgun or SMTP one and
Logto's mock email and SMS connectors (:mod:`._mock_connectors`), which Logto's integration tests create
(``src/helpers/connector.ts``: list, delete by type, create). Rows live in :mod:`._connector_registry`.

- ``POST``: the body guard (``Connectors.createGuard`` picked: ``connectorId`` a string of at most 128,
  ``config`` and ``metadata`` objects, ``syncProfile`` and ``enableTokenStorage`` booleans, an optional
  proposed ``id``); an unknown factory → 422 ``connector.not_found_with_connector_id``; the config against
  the connector's guard → 400 ``connector.invalid_config`` (the ZodError as ``data``); then the row
  replaces every connector of its type (one working email and one SMS connector); 200 with the response.
- ``GET`` lists them (``?target=`` filters on the factory's target); ``GET /:id`` one, or 404
  ``entity.not_found``; ``DELETE /:id`` → 204, or 404 ``entity.not_found``.

A response is ``transpileLogtoConnector``'s: the type, the factory's metadata, then the row's ``id``,
``connectorId``, ``syncProfile``, ``metadata``, ``enableTokenStorage``, ``isDemo`` (false), ``extraInfo``
({}), ``config``. Not served (404): ``PATCH /:id``, ``/connector-factories``, ``/:factoryId/test``,
social connectors.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import _guards, paths
from ._connector_registry import ConnectorRow, short_id
from ._errors import LogtoError
from ._management_auth import authorized_tenant
from ._mock_connectors import FACTORIES, build_mock, config_issue


def response(row: ConnectorRow) -> dict[str, Any]:
    return {
        "type": row.type,
        **row.factory_metadata,
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
]
