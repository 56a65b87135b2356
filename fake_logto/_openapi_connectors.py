"""The OpenAPI operations of fake_logto's ``/api/connectors`` (:mod:`._management_connectors`), written out by
hand as Logto's ``packages/core/src/routes/connector/index.openapi.json`` and ``connectorResponseGuard``
describe them."""

from __future__ import annotations

from typing import Any

from . import paths
from ._openapi_management import GUARD_ANSWERS
from ._openapi_shapes import STRING, Operation, json_body, logto_error, obj, param

OBJECT: dict[str, Any] = {"type": "object"}
BOOLEAN: dict[str, Any] = {"type": "boolean"}
CONNECTOR: dict[str, Any] = obj(
    {
        "type": {"type": "string", "enum": ["Email", "Sms"]},
        "id": STRING,
        "connectorId": STRING,
        "target": STRING,
        "name": OBJECT,
        "config": OBJECT,
        "metadata": OBJECT,
        "syncProfile": BOOLEAN,
        "enableTokenStorage": BOOLEAN,
        "isDemo": BOOLEAN,
        "extraInfo": OBJECT,
    },
    "type",
    "id",
    "connectorId",
    "config",
)
SCHEMAS: dict[str, dict[str, Any]] = {"ManagementConnector": CONNECTOR}
ONE = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ManagementConnector"}}}}
NOT_FOUND = {"404": logto_error("entity.not_found")}


def _op(operation_id: str, summary: str, answers: dict[str, Any], *, one: bool = False) -> Operation:
    return {
        "tags": ["Management API"],
        "operationId": operation_id,
        "summary": summary,
        "description": "Logto's ``packages/core/src/routes/connector/index.ts``.",
        "security": [{"managementApi": []}],
        "parameters": [param("connector_id", "path", "the connector's id", required=True)] if one else [],
        "responses": {**answers, **GUARD_ANSWERS},
    }


def operations() -> dict[tuple[str, str], Operation]:
    listing = _op(
        "ListConnectors",
        "List the connectors",
        {"200": {"description": "the connectors", "content": {"application/json": {"schema": {
            "type": "array", "items": {"$ref": "#/components/schemas/ManagementConnector"}}}}}},
    )  # fmt: skip
    listing["parameters"] = [param("target", "query", "only connectors of this target")]
    create = _op(
        "CreateConnector",
        "Create a connector (Logto's mock email or SMS connector); it replaces the others of its type",
        {
            "200": {"description": "the connector", **ONE},
            "400": logto_error("guard.invalid_input or connector.invalid_config"),
            "422": logto_error("connector.not_found_with_connector_id"),
        },
    )
    body = {"connectorId": STRING, "config": OBJECT, "metadata": OBJECT, "syncProfile": BOOLEAN, "id": STRING}
    create["requestBody"] = json_body(obj(body | {"enableTokenStorage": BOOLEAN}, "connectorId"))
    return {
        ("GET", paths.MANAGEMENT_CONNECTORS): listing,
        ("POST", paths.MANAGEMENT_CONNECTORS): create,
        ("GET", paths.MANAGEMENT_CONNECTOR): _op(
            "GetConnector",
            "Get a connector",
            {"200": {"description": "the connector", **ONE}, **NOT_FOUND},
            one=True,
        ),
        ("DELETE", paths.MANAGEMENT_CONNECTOR): _op(
            "DeleteConnector",
            "Delete a connector",
            {"204": {"description": "deleted"}, **NOT_FOUND},
            one=True,
        ),
    }
