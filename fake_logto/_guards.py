"""Request guards of the ``/api`` routes: Logto's ``koaGuard`` with its zod schemas.

A body that is not JSON, not an object, or misses or mistypes a field fails with ``guard.invalid_input``
(400, ``{"type": "body"}``; ``"query"`` for a query) before the route does anything — before it looks up
the entity its path names, so a bad body on an unknown id is a 400, not a 404 (``packages/core/src/
middleware/koa-guard.ts`` parses query, body and params before the handler). ``data`` is the ZodError as
JSON (``{"issues": [...], "name": "ZodError"}``, each issue as zod 3 words it: ``invalid_type`` with
``expected``/``received``, ``"Required"`` for a missing key, ``invalid_string`` with its ``validation``,
``too_small``/``too_big``, ``invalid_enum_value``, ``invalid_union``) and ``details`` Logto's readable
``formatZodError`` (``errors/RequestError/index.ts``). zod reports every issue of a body; the fake stops at
the first (same status, code and first issue). zod's rules: ``.optional()`` lets a key be absent but
refuses ``null``; ``.nullable()`` takes ``null``; unknown keys are stripped. The identifier formats are
``@logto/core-kit``'s ``regex.ts`` (JavaScript's ``$`` and ``\\d``: no trailing newline, ASCII digits).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request

from . import _body
from ._errors import LogtoError

EMAIL_RE = re.compile(r"^\S+@\S+\.\S+\Z")
PHONE_RE = re.compile(r"^\d+\Z", re.ASCII)
USERNAME_RE = re.compile(r"^[A-Z_a-z]\w*\Z", re.ASCII)
EMAIL_MAX = 256  # verificationCodeIdentifierGuard caps the address
# zod 3's ``.email()`` pattern (``\\Z``: JavaScript's ``$`` without the ``m`` flag).
ZOD_EMAIL = re.compile(
    r"^(?!\.)(?!.*\.\.)([A-Z0-9_'+\-\.]*)[A-Z0-9_+-]@([A-Z0-9][A-Z0-9\-]*\.)+[A-Z]{2,}\Z", re.IGNORECASE
)
_URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_SPECIAL_SCHEMES = ("http", "https", "ws", "wss", "ftp", "file")
_EXPECTED = {str: "string", bool: "boolean", int: "number", float: "number", dict: "object", list: "array"}


def received(value: Any) -> str:
    """zod's name for ``value``'s type (``ZodParsedType``)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    names: dict[type, str] = {str: "string", list: "array", dict: "object"}
    return names.get(type(value), "unknown")


def _path(path: str) -> list[str | int]:
    return [int(p) if p.isdigit() else p for p in path.split(".")] if path else []


def failed(issue: dict[str, Any], *, where: str = "body") -> LogtoError:
    """A ``guard.invalid_input`` carrying one zod ``issue`` (its ``path`` a dotted string here)."""
    path = issue["path"]
    issue = {**issue, "path": _path(path)}
    if issue["code"] == "invalid_type":
        text = f"Expected {issue['expected']} but received {issue['received']}."
    else:
        text = issue["message"]
    details = f'Error in key path "{path}": ({issue["code"]}) {text}'
    return LogtoError(
        "guard.invalid_input", 400, {"issues": [issue], "name": "ZodError"}, details=details, type=where
    )


def invalid(path: str, code: str, message: str, *, where: str = "body", **extra: Any) -> LogtoError:
    return failed({"code": code, **extra, "path": path, "message": message}, where=where)


def invalid_type(
    path: str, expected: str, value: Any, *, missing: bool = False, where: str = "body"
) -> LogtoError:
    got = "undefined" if missing else received(value)
    message = "Required" if missing else f"Expected {expected}, received {got}"
    return invalid(path, "invalid_type", message, where=where, expected=expected, received=got)


def too_small(path: str, minimum: int, kind: str = "string") -> LogtoError:
    unit = "character(s)" if kind == "string" else "element(s)"
    message = f"{kind.capitalize()} must contain at least {minimum} {unit}"
    return invalid(path, "too_small", message, minimum=minimum, type=kind, inclusive=True, exact=False)


def too_big(path: str, maximum: int) -> LogtoError:
    message = f"String must contain at most {maximum} character(s)"
    return invalid(path, "too_big", message, maximum=maximum, type="string", inclusive=True, exact=False)


async def body(request: Request) -> dict[str, Any]:
    """The request's object, read by content type as koa-body reads it (:mod:`._body`): a ``text/plain``
    body is a string, refused here; no parsable type reads as ``{}``."""
    try:
        data = await _body.read(request)
    except (ValueError, RecursionError) as exc:  # RecursionError: nesting too deep for the decoder
        raise LogtoError("guard.invalid_input", 400, details=f"Invalid JSON: {exc}", type="body") from exc
    if not isinstance(data, dict):
        raise invalid_type("", "object", data)
    return data


def field(
    obj: dict[str, Any], path: str, kind: type, *, optional: bool = False, nullable: bool = False
) -> Any:
    """``obj``'s member named by the last part of ``path`` (the full path goes in the error): absent is
    ``None`` when ``optional``, ``null`` is ``None`` when ``nullable``, anything else must be a ``kind``."""
    key = path.rpartition(".")[2]
    expected = _EXPECTED.get(kind, kind.__name__)
    if key not in obj:
        if optional:
            return None
        raise invalid_type(path, expected, None, missing=True)
    value = obj[key]
    if value is None and nullable:
        return None
    if not isinstance(value, kind) or isinstance(value, bool) is not (kind is bool):
        raise invalid_type(path, expected, value)
    return value


def _is_url(value: str) -> bool:
    """zod's ``.url()`` is ``new URL(value)`` succeeding: a scheme, and a host after a special one."""
    text = value.strip()
    match = _URL_SCHEME.match(text)
    if match is None or any(c in text for c in " \t\n"):
        return False
    scheme = match.group(0)[:-1].lower()
    rest = text[match.end() :].lstrip("/\\")
    return scheme not in _SPECIAL_SCHEMES or scheme == "file" or bool(rest.split("/")[0].split("@")[-1])


def _empty_union(path: str, value: Any) -> LogtoError:
    """``string()….or(literal(''))`` given a non-string: zod's ``invalid_union`` of both branches."""
    got = received(value)
    branches = [
        {"code": "invalid_type", "expected": "string", "received": got, "path": _path(path)}
        | {"message": f"Expected string, received {got}"},
        {"received": value, "code": "invalid_literal", "expected": "", "path": _path(path)}
        | {"message": 'Invalid literal value, expected ""'},
    ]
    union_errors = [{"issues": [issue], "name": "ZodError"} for issue in branches]
    return invalid(path, "invalid_union", "Invalid input", unionErrors=union_errors)


def string(
    obj: dict[str, Any],
    path: str,
    *,
    min_length: int = 0,
    max_length: int | None = None,
    pattern: re.Pattern[str] | None = None,
    url: bool = False,
    optional: bool = False,
    nullable: bool = False,
    or_empty: bool = False,
) -> Any:
    """A zod string: ``.min``/``.max``, ``.regex`` or ``.url()``, ``.or(literal(''))`` (``or_empty``),
    ``.nullable()``, ``.optional()``. Absent or ``null`` (where allowed) is ``None``."""
    key = path.rpartition(".")[2]
    if or_empty and key in obj and obj[key] is not None and not isinstance(obj[key], str):
        raise _empty_union(path, obj[key])
    value: str | None = field(obj, path, str, optional=optional, nullable=nullable)
    if value is None or (or_empty and value == ""):
        return value
    if len(value) < min_length:
        raise too_small(path, min_length)
    if max_length is not None and len(value) > max_length:
        raise too_big(path, max_length)
    if pattern is not None and not pattern.match(value):
        raise invalid(path, "invalid_string", "Invalid", validation="regex")
    if url and not _is_url(value):
        raise invalid(path, "invalid_string", "Invalid url", validation="url")
    return value


def optional(obj: dict[str, Any], path: str, kind: type, *, nullable: bool = False) -> Any:
    """zod's ``.optional()`` (absent → None) and, with ``nullable``, ``.nullable()``: an explicit ``null``
    is refused unless the field is nullable."""
    return field(obj, path, kind, optional=True, nullable=nullable)


def choice(
    obj: dict[str, Any], path: str, choices: tuple[str, ...], *, optional: bool = False, where: str = "body"
) -> Any:
    """A ``z.enum`` / ``z.nativeEnum`` of strings."""
    key = path.rpartition(".")[2]
    listed = " | ".join(f"'{c}'" for c in choices)
    if key not in obj and optional:
        return None
    value = obj.get(key)
    if not isinstance(value, str):
        raise invalid_type(path, listed, value, missing=key not in obj, where=where)
    if value not in choices:
        message = f"Invalid enum value. Expected {listed}, received '{value}'"
        raise invalid(path, "invalid_enum_value", message, where=where, received=value, options=list(choices))
    return value


def string_list(
    obj: dict[str, Any], path: str, *, nonempty: bool = False, optional: bool = False, min_length: int = 1
) -> Any:
    """``z.string().min(1).array()`` (``.nonempty()``, ``.optional()``; ``min_length`` 0: ``z.string()``), a
    list of ids or names; ``None`` when optional and absent."""
    values: list[Any] | None = field(obj, path, list, optional=optional)
    if values is None:
        return None
    if nonempty and not values:
        raise too_small(path, 1, "array")
    for i, value in enumerate(values):
        string({str(i): value}, f"{path}.{i}", min_length=min_length)
    return [str(v) for v in values]


def identifier(body: dict[str, Any], formats: Mapping[str, re.Pattern[str] | None]) -> tuple[str, str]:
    """``{identifier: {type, value}}`` with ``type`` one of ``formats`` and ``value`` in its format."""
    ident = field(body, "identifier", dict)
    kind: str = choice(ident, "identifier.type", tuple(formats))
    value: str = string(ident, "identifier.value", pattern=formats[kind])
    if kind == "email" and formats[kind] is not None and len(value) > EMAIL_MAX:
        raise too_big("identifier.value", EMAIL_MAX)
    return kind, value


def number(obj: dict[str, Any], path: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """``z.number().int().min(minimum).max(maximum)``: a whole number (``1.0`` is one, as in JavaScript)."""
    key = path.rpartition(".")[2]
    value = obj.get(key)
    if key not in obj or isinstance(value, bool) or not isinstance(value, int | float):
        raise invalid_type(path, "number", value, missing=key not in obj)
    if value != int(value):
        raise invalid(
            path, "invalid_type", "Expected integer, received float", expected="integer", received="float"
        )
    if minimum is not None and value < minimum:
        message = f"Number must be greater than or equal to {minimum}"
        raise invalid(path, "too_small", message, minimum=minimum, type="number", inclusive=True, exact=False)
    if maximum is not None and value > maximum:
        message = f"Number must be less than or equal to {maximum}"
        raise invalid(path, "too_big", message, maximum=maximum, type="number", inclusive=True, exact=False)
    return int(value)
