"""Building blocks of fake_logto's hand-written OpenAPI operations (:mod:`._openapi_oidc`,
:mod:`._openapi_experience`): parameters, request bodies in the content type a route reads, answers that
point at the document's component schemas (:mod:`._openapi`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from . import paths

Operation = dict[str, Any]

REF = "#/components/schemas/"
STRING: dict[str, Any] = {"type": "string"}
HTML: dict[str, Any] = {"text/html": {"schema": STRING}}
FORM = "application/x-www-form-urlencoded"
EVENT: dict[str, Any] = {"type": "string", "enum": ["SignIn", "Register", "ForgotPassword"]}


def ref(name: str) -> dict[str, str]:
    return {"$ref": REF + name}


def json_answer(description: str, schema: str, media_type: str = "application/json") -> dict[str, Any]:
    return {"description": description, "content": {media_type: {"schema": ref(schema)}}}


def inline_json_answer(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    """A JSON answer whose schema is written in place (not a component)."""
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def html_answer(description: str) -> dict[str, Any]:
    return {"description": description, "content": HTML}


def redirect(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "headers": {"Location": {"description": "where the browser goes next", "schema": STRING}},
    }


def oauth_error(description: str) -> dict[str, Any]:
    return json_answer(description, "OAuthError")


def logto_error(description: str) -> dict[str, Any]:
    return json_answer(description, "LogtoError")


def param(
    name: str, where: str, description: str, *, required: bool = False, **schema: Any
) -> dict[str, Any]:
    return {
        "name": name,
        "in": where,
        "required": required,
        "description": description,
        "schema": schema or STRING,
    }


def interaction_cookie() -> dict[str, Any]:
    return param(paths.INTERACTION_COOKIE, "cookie", "the interaction /oidc/auth started")


def form_body(properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    return {"required": bool(required), "content": {FORM: {"schema": schema}}}


def json_body(schema: dict[str, Any], *, required: bool = True) -> dict[str, Any]:
    return {"required": required, "content": {"application/json": {"schema": schema}}}


def obj(properties: dict[str, Any], *required: str) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    return schema


def pattern(regex: re.Pattern[str] | None) -> dict[str, Any]:
    """A string in the format Logto's guard checks (``@logto/core-kit``'s ``regex.ts``, :mod:`._guards`)."""
    return {"type": "string", "pattern": regex.pattern} if regex is not None else STRING


def identifier(formats: Mapping[str, re.Pattern[str] | None]) -> dict[str, Any]:
    """``{type, value}`` with ``value`` in the format of its ``type``."""
    return {
        "oneOf": [
            obj({"type": {"type": "string", "enum": [kind]}, "value": pattern(regex)}, "type", "value")
            for kind, regex in formats.items()
        ]
    }
