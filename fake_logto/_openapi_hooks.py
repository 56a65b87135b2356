"""The OpenAPI operations of fake_logto's ``/api/hooks`` (:mod:`._management_hooks`), written out by hand as
Logto's ``packages/core/src/routes/hooks.openapi.json`` and the ``Hooks``/``Logs`` guards describe them."""

from __future__ import annotations

from typing import Any

from . import paths
from ._openapi_management import BAD_BODY, GUARD_ANSWERS
from ._openapi_shapes import STRING, Operation, json_answer, json_body, logto_error, obj, param

NUMBER: dict[str, Any] = {"type": "number"}
EVENTS: dict[str, Any] = {"type": "array", "items": STRING}
CONFIG: dict[str, Any] = obj(
    {"url": STRING, "headers": {"type": "object", "additionalProperties": STRING}, "retries": NUMBER}, "url"
)
HOOK_FIELDS: dict[str, Any] = {
    "tenantId": STRING,
    "id": STRING,
    "name": STRING,
    "event": {"type": ["string", "null"]},
    "events": EVENTS,
    "config": CONFIG,
    "signingKey": STRING,
    "enabled": {"type": "boolean"},
    "createdAt": NUMBER,
}
STATS: dict[str, Any] = obj({"successCount": NUMBER, "requestCount": NUMBER}, "successCount", "requestCount")
SCHEMAS: dict[str, dict[str, Any]] = {
    "ManagementHook": obj(HOOK_FIELDS | {"executionStats": STATS}, *HOOK_FIELDS),
    "ManagementHookLog": obj(
        {"id": STRING, "key": STRING, "payload": {"type": "object"}, "createdAt": NUMBER},
        "id",
        "key",
        "payload",
        "createdAt",
    ),
}
NOT_FOUND = {"404": logto_error("entity.not_exists_with_id, entity.not_exists or entity.not_found")}
HOOK_ANSWER = {"200": json_answer("the hook", "ManagementHook")}
BODY = obj(
    {
        "name": STRING,
        "event": STRING,
        "events": EVENTS,
        "config": CONFIG,
        "enabled": {"type": "boolean"},
        "createdAt": NUMBER,
    }
)
PAGE = [
    param("page", "query", "the page, from 1", type="integer"),
    param("page_size", "query", "items a page (20 by default, at most 100)", type="integer"),
]
STATS_PARAM = param("includeExecutionStats", "query", "add executionStats (the last 24 h)")


def _list(description: str, schema: str) -> dict[str, Any]:
    return {
        "description": description + "; ``Total-Number`` counts them all when paged",
        "headers": {"Total-Number": {"schema": STRING, "description": "the number of items"}},
        "content": {
            "application/json": {
                "schema": {"type": "array", "items": {"$ref": f"#/components/schemas/{schema}"}}
            }
        },
    }


def _op(
    operation_id: str, summary: str, answers: dict[str, Any], body: Any = None, *, one: bool = True
) -> Operation:
    operation: Operation = {
        "tags": ["Management API"],
        "operationId": operation_id,
        "summary": summary,
        "description": "Logto's ``packages/core/src/routes/hook.ts``.",
        "security": [{"managementApi": []}],
        "parameters": [param("hook_id", "path", "the hook's id", required=True)] if one else [],
        "responses": {**answers, **GUARD_ANSWERS},
    }
    if body is not None:
        operation["requestBody"] = json_body(body)
    return operation


def operations() -> dict[tuple[str, str], Operation]:
    listing = _op(
        "ListHooks",
        "List hooks, newest first (paged when page or page_size is given)",
        {"200": _list("the hooks", "ManagementHook"), "400": logto_error("guard.invalid_pagination")},
        one=False,
    )
    listing["parameters"] = [*PAGE, STATS_PARAM]
    get = _op("GetHook", "Get a hook", {**HOOK_ANSWER, **NOT_FOUND})
    get["parameters"].append(STATS_PARAM)
    logs = _op(
        "ListHookRecentLogs",
        "The hook's deliveries as logs, newest first (the last 24 h unless start_time or end_time is given)",
        {
            "200": _list("the logs", "ManagementHookLog"),
            "400": logto_error("guard.invalid_pagination, guard.invalid_input, log.invalid_time_window"),
        },
    )
    logs["parameters"] += [
        *PAGE,
        param("logKey", "query", "only this key, e.g. TriggerHook.PostRegister"),
        param("start_time", "query", "inclusive lower bound, unix ms"),
        param("end_time", "query", "inclusive upper bound, unix ms"),
        param("enableCap", "query", "cap the count (never reached here)"),
    ]
    test_body = obj({"events": EVENTS, "config": CONFIG}, "events", "config")
    return {
        ("GET", paths.MANAGEMENT_HOOKS): listing,
        ("POST", paths.MANAGEMENT_HOOKS): _op(
            "CreateHook",
            "Create a hook (it fires at once)",
            {
                "201": json_answer("the hook", "ManagementHook"),
                "400": logto_error("guard.invalid_input, hook.missing_events"),
            },
            BODY,
            one=False,
        ),
        ("GET", paths.MANAGEMENT_HOOK): get,
        ("PATCH", paths.MANAGEMENT_HOOK): _op(
            "UpdateHook",
            "Update a hook (a new config replaces the old)",
            {**HOOK_ANSWER, **NOT_FOUND, **BAD_BODY},
            BODY,
        ),
        ("DELETE", paths.MANAGEMENT_HOOK): _op(
            "DeleteHook", "Delete a hook", {"204": {"description": "deleted"}, **NOT_FOUND}
        ),
        ("PATCH", paths.MANAGEMENT_HOOK_SIGNING_KEY): _op(
            "UpdateHookSigningKey", "Regenerate a hook's signing key", {**HOOK_ANSWER, **NOT_FOUND}
        ),
        ("POST", paths.MANAGEMENT_HOOK_TEST): _op(
            "TestHook",
            "Send a sample payload of each event to the config given, signed with the hook's key",
            {
                "204": {"description": "every payload was answered 2xx"},
                **NOT_FOUND,
                **BAD_BODY,
                "422": logto_error("hook.endpoint_responded_with_error, hook.send_test_payload_failed"),
            },
            test_body,
        ),
        ("GET", paths.MANAGEMENT_HOOK_RECENT_LOGS): logs,
    }
