"""Request bodies of the ``/api`` routes read by their content type, as Logto's ``koaGuard`` has koa-body
read them (``packages/core/src/middleware/koa-guard.ts``: ``koaBody()`` with its defaults).

koa-body (``src/index.ts``, ``src/types.ts``) parses POST, PUT and PATCH bodies only, and picks the parser
by ``Content-Type``: a JSON type → the JSON value; ``application/x-www-form-urlencoded`` → an object
(``qs``: ``a[b]=c`` nests, ``a[]=x`` lists); ``text/*`` → the text itself, a string, which no object guard
accepts; any other type, or none → ``{}``. So a ``text/plain`` request — the one a cross-site page can
send without a preflight — never reaches a route as JSON.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request

JSON_TYPES = frozenset(
    {
        "application/json",
        "application/json-patch+json",
        "application/vnd.api+json",
        "application/csp-report",
        "application/reports+json",
    }
)
FORM_TYPE = "application/x-www-form-urlencoded"
PARSED_METHODS = frozenset({"POST", "PUT", "PATCH"})
_KEY_PART = re.compile(r"\[([^\[\]]*)\]")


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def _assign(target: dict[str, Any], key: str, value: str) -> None:
    """One ``qs`` pair: ``a[b][c]=v`` sets ``target["a"]["b"]["c"]``; ``a[]=v`` appends to a list."""
    head, _, rest = key.partition("[")
    parts = [head, *_KEY_PART.findall("[" + rest)] if rest else [head]
    node: Any = target
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if isinstance(node, list):
            node.append(value if last else {})
            node = node[-1]
            continue
        if last:
            existing = node.get(part)
            node[part] = (
                [*existing, value]
                if isinstance(existing, list)
                else ([existing, value] if isinstance(existing, str) else value)
            )
            return
        following = parts[index + 1]
        child = node.get(part)
        if not isinstance(child, dict | list):
            child = [] if following == "" else {}
            node[part] = child
        node = child


def parse_form(raw: str) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in parse_qsl(raw, keep_blank_values=True):
        _assign(result, key, value)
    return result


def _not_json(constant: str) -> Any:
    """``JSON.parse`` knows no ``NaN`` nor ``Infinity`` (Python's decoder does)."""
    raise ValueError(f"Unexpected token {constant[0]} in JSON")


async def read(request: Request) -> Any:
    """The body as koa-body hands it to the guard. Raises ``ValueError`` for malformed JSON."""
    if request.method not in PARSED_METHODS:
        return {}
    kind = media_type(request)
    if kind in JSON_TYPES:
        raw = await request.body()
        return json.loads(raw, parse_constant=_not_json) if raw.strip() else {}
    if kind == FORM_TYPE:
        return parse_form((await request.body()).decode("utf-8", errors="replace"))
    if kind.startswith("text/"):
        return (await request.body()).decode("utf-8", errors="replace")
    return {}
