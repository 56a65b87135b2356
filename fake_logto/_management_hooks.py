"""The Management API's webhooks (``/api/hooks``), as Logto's ``packages/core/src/routes/hook.ts`` with
``hooks.openapi.json``, ``queries/hooks.ts`` and ``queries/log.ts``. Every route passes the guard first
(:mod:`._management_auth`), then the body guard (:mod:`._hook_guards`), then looks the hook up.

The hooks are ``tenant.config.hooks``: the config's ``[[hooks]]`` as these routes change them (the config
is replaced, so a created hook fires at once; a reset restores the configured ones). A hook is Logto's
``Hooks.guard`` row (``tenantId``, ``id``, ``name``, ``event``, ``events``, ``config`` {url, headers?,
retries?}, ``signingKey``, ``enabled``, ``createdAt``), newest first. Logto checks nothing of
``config.url`` but that it is a string: a URL that cannot be reached shows up as a failed delivery.

Answers as Logto's: create 201 (no ``events`` nor ``event`` → 400 ``hook.missing_events``); unknown id on
``GET`` and ``POST …/test`` → 404 ``entity.not_exists_with_id`` (``name`` ``hooks``), on ``PATCH`` and
``PATCH …/signing-key`` → 404 ``entity.not_exists`` (``hook``, the ``UpdateError``), on ``DELETE`` → 404
``entity.not_found`` (the ``DeletionError``). ``includeExecutionStats`` adds ``executionStats``
{``requestCount``, ``successCount``} over the last 24 h (any value on the list as essentials' ``yes()``
reads it, any non-empty value on one hook). ``PATCH`` with nothing to set answers the hook unchanged
(Logto's query fails on an empty ``set``). ``recent-logs`` are the hook's deliveries as ``logs`` rows
(:func:`log_row`); ``POST …/test`` is :mod:`._hook_testing`.
"""

from __future__ import annotations

import dataclasses
import math
import re
import secrets
import string
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import _guards, _hook_guards, _hook_testing, paths
from ._config import Hook
from ._errors import LogtoError
from ._management_auth import authorized_tenant
from ._management_users import page_of
from ._store import new_id
from ._tenant import Tenant

TENANT_ID = "default"
DAY_MS = 24 * 3600 * 1000
TRIGGER_HOOK = "TriggerHook"  # hook.Type.TriggerHook, the key prefix of the webhook logs
_YES = ("1", "true", "y", "yes", "yep", "yeah")  # @silverhand/essentials ``yes()``
# ``Number(raw)`` of a JS string: decimal (with Infinity), or 0x/0o/0b integers; blank is 0.
_JS_DECIMAL = re.compile(r"[+-]?(Infinity|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)")
_JS_RADIX = re.compile(r"0([xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)")


def generate_secret() -> str:
    """``generateStandardSecret()``: 32 alphanumerics."""
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))


def hook_json(hook: Hook) -> dict[str, Any]:
    """The ``hooks`` row; ``config`` as Postgres' jsonb keeps it (keys by length, then bytes)."""
    config: dict[str, Any] = {"url": hook.url}
    if hook.headers:
        config["headers"] = dict(sorted(hook.headers, key=lambda kv: (len(kv[0]), kv[0])))
    if hook.retries is not None:
        config["retries"] = hook.retries
    return {
        "tenantId": TENANT_ID,
        "id": hook.id,
        "name": hook.name,
        "event": hook.event,
        "events": list(hook.events),
        "config": config,
        "signingKey": hook.signing_key,
        "enabled": hook.enabled,
        "createdAt": hook.created_at,
    }


def _newest_first(tenant: Tenant) -> list[Hook]:
    """``findAllHooks``: ``order by created_at desc``."""
    return sorted(tenant.config.hooks, key=lambda h: -h.created_at)


def _find(tenant: Tenant, hook_id: str) -> Hook | None:
    return next((h for h in tenant.config.hooks if h.id == hook_id), None)


def _replace(tenant: Tenant, hooks: tuple[Hook, ...]) -> None:
    tenant.config = dataclasses.replace(tenant.config, hooks=hooks)


def _query(request: Request, key: str) -> str | None:
    """A ``z.string().optional()`` query value: a repeated key is an array, refused."""
    values = request.query_params.getlist(key)
    if len(values) > 1:
        raise _guards.invalid_type(key, "string", values, where="query")
    return values[0] if values else None


def _stats(tenant: Tenant, hook: Hook) -> dict[str, int]:
    """``getHookExecutionStatsByHookId``: the hook's logs of the last 24 h."""
    since = tenant.store.now_ms() - DAY_MS
    recent = [d for d in tenant.hooks.select(hook_id=hook.id) if d["createdAt"] > since]
    return {
        "successCount": sum(d["result"] == "Success" for d in recent),
        "requestCount": len(recent),
    }


def _with_stats(tenant: Tenant, hook: Hook, include: bool) -> dict[str, Any]:
    body = hook_json(hook)
    if include:
        body["executionStats"] = _stats(tenant, hook)
    return body


async def list_hooks(request: Request) -> Response:
    """``koaPagination({isOptional: true})``: without ``page`` and ``page_size`` every hook, no header."""
    tenant = authorized_tenant(request)
    paged = bool(request.query_params.get("page") or request.query_params.get("page_size"))
    offset, limit = page_of(request) if paged else (0, len(tenant.config.hooks))
    raw = _query(request, "includeExecutionStats")
    include = raw is not None and raw.lower() in _YES
    hooks = _newest_first(tenant)
    body = [_with_stats(tenant, h, include) for h in hooks[offset : offset + limit]]
    return JSONResponse(body, headers={"Total-Number": str(len(hooks))} if paged else None)


async def get_hook(request: Request) -> Response:
    tenant = authorized_tenant(request)
    include = bool(_query(request, "includeExecutionStats"))
    hook_id = request.path_params["hook_id"]
    hook = _find(tenant, hook_id)
    if hook is None:
        raise LogtoError("entity.not_exists_with_id", 404, name="hooks", id=hook_id)
    return JSONResponse(_with_stats(tenant, hook, include))


async def create_hook(request: Request) -> Response:
    tenant = authorized_tenant(request)
    fields = _hook_guards.create_body(await _guards.body(request))
    if "events" not in fields and "event" not in fields:  # assertThat(events ?? event)
        raise LogtoError("hook.missing_events", 400)
    hook = Hook(
        id=new_id(21),
        name=fields.get("name", ""),
        events=fields.get("events", ()),
        url=fields["url"],
        signing_key=generate_secret(),
        headers=fields.get("headers", ()),
        enabled=fields.get("enabled", True),
        event=fields.get("event"),
        retries=fields.get("retries"),
        created_at=fields.get("created_at", tenant.store.now_ms()),
    )
    _replace(tenant, (*tenant.config.hooks, hook))
    return JSONResponse(hook_json(hook), status_code=201)


def _update(tenant: Tenant, hook_id: str, changes: dict[str, Any]) -> Hook:
    """``updateHookById``: no row → ``UpdateError`` → 404 ``entity.not_exists``."""
    hook = _find(tenant, hook_id)
    if hook is None:
        raise LogtoError("entity.not_exists", 404, name="hook")
    updated = dataclasses.replace(hook, **changes)
    _replace(tenant, tuple(updated if h.id == hook_id else h for h in tenant.config.hooks))
    return updated


async def update_hook(request: Request) -> Response:
    """``jsonbMode: 'replace'``: a new ``config`` replaces the old one whole."""
    tenant = authorized_tenant(request)
    changes = _hook_guards.update_body(await _guards.body(request))
    return JSONResponse(hook_json(_update(tenant, request.path_params["hook_id"], changes)))


async def regenerate_signing_key(request: Request) -> Response:
    tenant = authorized_tenant(request)
    hook = _update(tenant, request.path_params["hook_id"], {"signing_key": generate_secret()})
    return JSONResponse(hook_json(hook))


async def delete_hook(request: Request) -> Response:
    tenant = authorized_tenant(request)
    hook_id = request.path_params["hook_id"]
    if _find(tenant, hook_id) is None:
        raise LogtoError("entity.not_found", 404)
    _replace(tenant, tuple(h for h in tenant.config.hooks if h.id != hook_id))
    return Response(status_code=204)


async def test_hook(request: Request) -> Response:
    tenant = authorized_tenant(request)
    events, config = _hook_guards.test_body(await _guards.body(request))
    hook_id = request.path_params["hook_id"]
    hook = _find(tenant, hook_id)
    if hook is None:
        raise LogtoError("entity.not_exists_with_id", 404, name="hooks", id=hook_id)
    await _hook_testing.send(tenant, hook, events, config)
    return Response(status_code=204)


def _timestamp(request: Request, key: str) -> float | None:
    """``parseTimestampParam``: ``Number(raw)``, finite, else 400 ``guard.invalid_input``."""
    raw = _query(request, key)
    if raw is None:
        return None
    text = raw.strip()
    value = math.nan
    if not text:
        value = 0.0
    elif _JS_RADIX.fullmatch(text):
        value = float(int(text, 0))
    elif _JS_DECIMAL.fullmatch(text):
        value = float(text.replace("Infinity", "inf"))
    if not math.isfinite(value):
        raise LogtoError("guard.invalid_input", 400, type=key)
    return value


_SECRET_PARTS = ("secret", "password", "apikey", "privatekey", "credential", "cookie")


def _sensitive(key: str, value: Any) -> bool:
    """``isSensitiveDataKey`` (``utils/sensitive-data.ts``)."""
    name = key.replace("_", "").replace("-", "").lower()
    if name in ("passwordverified", "haspassword") and isinstance(value, bool):
        return False  # a password status, not a password
    if name == "applicationsecret" and isinstance(value, dict) and list(value) == ["name"]:
        return not isinstance(value["name"], str)  # a secret's name is not the secret
    return (
        name in ("authorization", "xfunctionskey", "token")
        or name.endswith("token")
        or any(part in name for part in _SECRET_PARTS)
    )


def sanitize(value: Any) -> Any:
    """``sanitizeSensitiveData``: what Logto masks (``******``) or drops before it stores a log."""
    if isinstance(value, str):
        return value.replace("\0", "")
    if isinstance(value, list):
        return [sanitize(v) for v in value]
    if not isinstance(value, dict):
        return value
    kept: dict[str, Any] = {}
    for key, element in value.items():
        key = key.replace("\0", "")
        name = key.replace("_", "").replace("-", "").lower()
        if name.startswith("script") or name.endswith("script") or "environmentvariables" in name:
            continue
        kept[key] = "******" if _sensitive(key, element) else sanitize(element)
    return kept


def log_row(delivery: dict[str, Any]) -> dict[str, Any]:
    """A delivery as the ``logs`` row ``sendWebhook`` inserts: ``LogEntry``'s payload (``hookId``,
    ``hookRequest``, ``response`` when there was an HTTP answer, ``error`` on failure; ``key`` and
    ``result`` last, as ``sanitizeLogContextPayload`` re-adds them)."""
    payload: dict[str, Any] = {
        "hookId": delivery["hookId"],
        "hookRequest": {"body": delivery["request"]["body"]},
    }
    if delivery["response"] is not None:
        payload["response"] = delivery["response"]
    if delivery["error"] is not None:
        payload["error"] = delivery["error"]
    payload = sanitize(payload) | {"key": delivery["key"], "result": delivery["result"]}
    return {
        "id": delivery["logId"],
        "key": delivery["key"],
        "payload": payload,
        "createdAt": delivery["createdAt"],
    }


async def recent_logs(request: Request) -> Response:
    """``findLogs``/``countLogs``: this hook's ``TriggerHook.*`` logs, newest first, ``logKey`` the exact
    key, ``start_time``/``end_time`` (ms, inclusive) or else the last 24 h; paged, with ``Total-Number``."""
    tenant = authorized_tenant(request)
    offset, limit = page_of(request)
    log_key = _query(request, "logKey")
    _query(request, "enableCap")  # at most 10 000 deliveries are kept: never capped
    start, end = _timestamp(request, "start_time"), _timestamp(request, "end_time")
    if start is not None and end is not None and start > end:
        raise LogtoError("log.invalid_time_window", 400)
    if start is None and end is None:
        start = tenant.store.now_ms() - DAY_MS
    found = [
        d
        for d in reversed(tenant.hooks.select(hook_id=request.path_params["hook_id"]))
        if d["key"].startswith(TRIGGER_HOOK)
        and (log_key is None or d["key"] == log_key)
        and (start is None or d["createdAt"] >= start)
        and (end is None or d["createdAt"] < end + 1)
    ]
    body = [log_row(d) for d in found[offset : offset + limit]]
    return JSONResponse(body, headers={"Total-Number": str(len(found))})


ROUTES = [
    ("GET", paths.MANAGEMENT_HOOKS, list_hooks),
    ("POST", paths.MANAGEMENT_HOOKS, create_hook),
    ("GET", paths.MANAGEMENT_HOOK, get_hook),
    ("PATCH", paths.MANAGEMENT_HOOK, update_hook),
    ("DELETE", paths.MANAGEMENT_HOOK, delete_hook),
    ("PATCH", paths.MANAGEMENT_HOOK_SIGNING_KEY, regenerate_signing_key),
    ("POST", paths.MANAGEMENT_HOOK_TEST, test_hook),
    ("GET", paths.MANAGEMENT_HOOK_RECENT_LOGS, recent_logs),
]

__all__ = ["ROUTES", "hook_json", "log_row"]
