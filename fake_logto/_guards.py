"""Request-body guards of the ``/api`` routes: Logto's ``koaGuard`` with its zod schemas.

A body that is not JSON, not an object, or misses or mistypes a field fails with ``guard.invalid_input``
(400) before the route does anything, carrying zod-like ``data.issues`` and Logto's readable
``details`` (``packages/core/src/middleware/koa-guard.ts``, ``errors/RequestError``). The identifier
formats are ``@logto/core-kit``'s ``regex.ts``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request

from . import _body
from ._errors import LogtoError

EMAIL_RE = re.compile(r"^\S+@\S+\.\S+$")
PHONE_RE = re.compile(r"^\d+$")
USERNAME_RE = re.compile(r"^[A-Z_a-z]\w*$")
EMAIL_MAX = 256  # verificationCodeIdentifierGuard caps the address


def invalid(path: str, code: str, message: str) -> LogtoError:
    issue = {"code": code, "path": path.split(".") if path else [], "message": message}
    details = f'Error in key path "{path}": ({code}) {message}'
    return LogtoError("guard.invalid_input", 400, {"issues": [issue]}, details=details, type="body")


async def body(request: Request) -> dict[str, Any]:
    """The request's object, read by content type as koa-body reads it (:mod:`._body`): a ``text/plain``
    body is a string, refused here; no parsable type reads as ``{}``."""
    try:
        data = await _body.read(request)
    except (ValueError, RecursionError) as exc:  # RecursionError: nesting too deep for the decoder
        raise LogtoError("guard.invalid_input", 400, details=f"Invalid JSON: {exc}", type="body") from exc
    if not isinstance(data, dict):
        raise invalid("", "invalid_type", f"Expected object but received {type(data).__name__}.")
    return data


def field(obj: dict[str, Any], path: str, kind: type, *, optional: bool = False) -> Any:
    """``obj``'s member named by the last part of ``path`` (the full path goes in the error)."""
    key = path.rpartition(".")[2]
    if obj.get(key) is None:
        if optional:
            return None
        raise invalid(path, "invalid_type", f"Expected {kind.__name__} but received undefined.")
    value = obj[key]
    if not isinstance(value, kind) or isinstance(value, bool) is not (kind is bool):
        raise invalid(path, "invalid_type", f"Expected {kind.__name__} but received {type(value).__name__}.")
    return value


def string(
    obj: dict[str, Any],
    path: str,
    *,
    min_length: int = 0,
    max_length: int | None = None,
    pattern: re.Pattern[str] | None = None,
) -> str:
    value: str = field(obj, path, str)
    if len(value) < min_length:
        raise invalid(path, "too_small", f"String must contain at least {min_length} character(s)")
    if max_length is not None and len(value) > max_length:  # a varchar(n) column's zod ``.max(n)``
        raise invalid(path, "too_big", f"String must contain at most {max_length} character(s)")
    if pattern is not None and not pattern.match(value):
        raise invalid(path, "invalid_string", "Invalid")
    return value


def optional(obj: dict[str, Any], path: str, kind: type, *, nullable: bool = False) -> Any:
    """zod's ``.optional()`` (absent → None) and, with ``nullable``, ``.nullable()``: an explicit ``null``
    is refused unless the field is nullable."""
    key = path.rpartition(".")[2]
    if key not in obj:
        return None
    if obj[key] is None:
        if nullable:
            return None
        raise invalid(path, "invalid_type", f"Expected {kind.__name__} but received null.")
    return field(obj, path, kind)


def id_list(obj: dict[str, Any], path: str, *, nonempty: bool = False, min_length: int = 1) -> list[str]:
    """``z.string().min(1).array()`` (``.nonempty()`` with ``nonempty``): a list of ids."""
    values: list[Any] = field(obj, path, list)
    if nonempty and not values:
        raise invalid(path, "too_small", "Array must contain at least 1 element(s)")
    for i, value in enumerate(values):
        string({str(i): value}, f"{path}.{i}", min_length=min_length)
    return [str(v) for v in values]


def choice(obj: dict[str, Any], path: str, choices: tuple[str, ...]) -> str:
    value: str = field(obj, path, str)
    if value not in choices:
        raise invalid(path, "invalid_enum_value", f"Expected {' | '.join(choices)}, received '{value}'")
    return value


def identifier(body: dict[str, Any], formats: Mapping[str, re.Pattern[str] | None]) -> tuple[str, str]:
    """``{identifier: {type, value}}`` with ``type`` one of ``formats`` and ``value`` in its format."""
    ident = field(body, "identifier", dict)
    kind = choice(ident, "identifier.type", tuple(formats))
    value = string(ident, "identifier.value", pattern=formats[kind])
    if kind == "email" and formats[kind] is not None and len(value) > EMAIL_MAX:
        raise invalid("identifier.value", "too_big", f"String must contain at most {EMAIL_MAX} character(s)")
    return kind, value
