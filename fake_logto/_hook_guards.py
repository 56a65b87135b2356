"""The body guards of ``/api/hooks`` (:mod:`._management_hooks`), as Logto's ``routes/hook.ts`` builds them
with zod 3: ``Hooks.createGuard`` (``packages/schemas/tables/hooks.sql`` through the schema generator:
``name`` a string of 1 to 256, ``enabled`` a boolean, ``createdAt`` a number, ``tenantId`` a string of at
most 21) without ``id`` and ``signingKey``, extended with ``event`` (one of the available hook events) and
``events`` (a non-empty array of them, duplicates dropped); ``config`` is ``hookConfigGuard``
(``packages/schemas/src/foundations/jsonb-types/hooks.ts``: ``url`` any string, ``headers`` a record of
strings, ``retries`` 0 to 3). ``PATCH`` is the same ``.partial()`` with a nullable ``event``;
``POST …/test`` takes ``events`` and ``config``, both required.

The first failing field, in the schema's key order, answers 400 ``guard.invalid_input`` with zod's issue
code and message (:func:`._guards.invalid`); unknown keys are stripped; ``null`` is refused where the
field is not ``.nullable()``.
"""

from __future__ import annotations

import math
from typing import Any

from . import _guards
from ._config import HOOK_EVENTS
from ._errors import LogtoError

NAME_MAX = 256  # hooks.name varchar(256)
TENANT_ID_MAX = 21
RETRIES_MAX = 3
_MISSING = object()
_ENUM = " | ".join(f"'{event}'" for event in HOOK_EVENTS)


def _typed(obj: dict[str, Any], path: str, kind: str, *, optional: bool = False) -> Any:
    """``obj``'s member at the last part of ``path`` if it has zod type ``kind``; ``_MISSING`` when absent
    and optional."""
    key = path.rpartition(".")[2]
    if key not in obj:
        if optional:
            return _MISSING
        raise _guards.invalid_type(path, kind, None, missing=True)
    value = obj[key]
    if _guards.received(value) != kind:
        raise _guards.invalid_type(path, kind, value)
    return value


def _too_small(path: str, what: str, limit: int) -> LogtoError:
    return _guards.invalid(
        path,
        "too_small",
        f"{what} must contain at least {limit} {'character(s)' if what == 'String' else 'element(s)'}",
    )


def _string(obj: dict[str, Any], path: str, min_length: int, max_length: int) -> Any:
    value = _typed(obj, path, "string", optional=True)
    if value is _MISSING:
        return value
    if len(value) < min_length:
        raise _too_small(path, "String", min_length)
    if len(value) > max_length:
        raise _guards.invalid(path, "too_big", f"String must contain at most {max_length} character(s)")
    return value


def _event(value: Any, path: str) -> str:
    """``z.enum(availableHookEvents)``."""
    if not isinstance(value, str):
        raise _guards.invalid_type(path, _ENUM, value)
    if value not in HOOK_EVENTS:
        raise _guards.invalid(
            path, "invalid_enum_value", f"Invalid enum value. Expected {_ENUM}, received '{value}'"
        )
    return value


def _events(obj: dict[str, Any], path: str, *, optional: bool) -> Any:
    """``nonemptyUniqueHookEventsGuard``: a non-empty array of events, deduplicated."""
    values = _typed(obj, path, "array", optional=optional)
    if values is _MISSING:
        return values
    if not values:
        raise _too_small(path, "Array", 1)
    return tuple(dict.fromkeys(_event(v, f"{path}.{i}") for i, v in enumerate(values)))


def _config(obj: dict[str, Any], path: str, *, optional: bool) -> dict[str, Any] | None:
    """``hookConfigGuard``, as the :class:`~._config.Hook` fields ``url``, ``headers``, ``retries``."""
    config = _typed(obj, path, "object", optional=optional)
    if config is _MISSING:
        return None
    url = _typed(config, f"{path}.url", "string")
    headers = _typed(config, f"{path}.headers", "object", optional=True)
    pairs: tuple[tuple[str, str], ...] = ()
    if headers is not _MISSING:
        for key, value in headers.items():
            if not isinstance(value, str):
                raise _guards.invalid_type(f"{path}.headers.{key}", "string", value)
        pairs = tuple(headers.items())
    retries = _typed(config, f"{path}.retries", "number", optional=True)
    if retries is not _MISSING and retries < 0:
        raise _guards.invalid(f"{path}.retries", "too_small", "Number must be greater than or equal to 0")
    if retries is not _MISSING and retries > RETRIES_MAX:
        raise _guards.invalid(
            f"{path}.retries", "too_big", f"Number must be less than or equal to {RETRIES_MAX}"
        )
    return {"url": url, "headers": pairs, "retries": None if retries is _MISSING else retries}


def _fields(body: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    """The guarded fields, in the schema's key order, as :class:`~._config.Hook` field names."""
    _string(body, "tenantId", 0, TENANT_ID_MAX)  # accepted, then left to the tenant's own id
    fields: dict[str, Any] = {}
    name = _string(body, "name", 1, NAME_MAX)
    if name is not _MISSING:
        fields["name"] = name
    if "event" in body:  # null is an event of its own only where the guard is ``.nullable()``
        fields["event"] = None if body["event"] is None and partial else _event(body["event"], "event")
    events = _events(body, "events", optional=True)
    if events is not _MISSING:
        fields["events"] = events
    config = _config(body, "config", optional=partial)
    if config is not None:
        fields.update(config)
    enabled = _typed(body, "enabled", "boolean", optional=True)
    if enabled is not _MISSING:
        fields["enabled"] = enabled
    created = _typed(body, "createdAt", "number", optional=True)
    if created is not _MISSING:
        if not math.isfinite(created):  # 1e400 parses as Infinity, which no timestamp column holds here
            raise _guards.invalid("createdAt", "not_finite", "Number must be finite")
        fields["created_at"] = int(created)
    return fields


def create_body(body: dict[str, Any]) -> dict[str, Any]:
    """``POST /hooks``: ``config`` required, ``event`` not nullable."""
    return _fields(body, partial=False)


def update_body(body: dict[str, Any]) -> dict[str, Any]:
    """``PATCH /hooks/:id``: every field optional, ``event`` nullable."""
    return _fields(body, partial=True)


def test_body(body: dict[str, Any]) -> tuple[tuple[str, ...], dict[str, Any]]:
    """``POST /hooks/:id/test``: ``{events, config}``."""
    events = _events(body, "events", optional=False)
    config = _config(body, "config", optional=False)
    assert config is not None
    return events, config
