"""Every room's routes on the documented FastAPI app (:func:`install`): each operation with its path
parameters, query and form fields, its 2xx body and Mailgun's error bodies in the OpenAPI document."""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI

from . import domains, events, logs, messages, stats, stored, suppressions, templates, webhooks
from .common import Route, guarded
from .models import MailgunErrorBody

ROUTES: list[Route] = [
    *messages.ROUTES,
    *stored.ROUTES,
    *events.ROUTES,
    *templates.ROUTES,
    *domains.ROUTES,
    *webhooks.ROUTES,
    *suppressions.ROUTES,
    *logs.ROUTES,
    *stats.ROUTES,
]
_PATH_PARAMETER = re.compile(r"{(\w+)}")
_TEXT = {"text/plain": {"schema": {"type": "string"}}}


def _parameters(route: Route) -> list[dict[str, Any]]:
    string = {"type": "string"}
    found = [
        {"name": n, "in": "path", "required": True, "schema": string}
        for n in _PATH_PARAMETER.findall(route.path)
    ]
    return found + [{"name": n, "in": "query", "required": False, "schema": string} for n in route.query]


def _openapi_extra(route: Route) -> dict[str, Any]:
    extra: dict[str, Any] = {"parameters": _parameters(route), "security": [{"basicAuth": []}]}
    if route.form:
        fields = {"type": "object", "properties": {name: {"type": "string"} for name in route.form}}
        extra["requestBody"] = {
            "content": {
                "application/x-www-form-urlencoded": {"schema": fields},
                "multipart/form-data": {"schema": fields},
            }
        }
    return extra


def _responses(route: Route) -> dict[int | str, dict[str, Any]]:
    answers: dict[int | str, dict[str, Any]] = {
        200: {"model": route.body, "description": "Success"},
        "4XX": {
            "model": MailgunErrorBody,
            "description": 'Refused as Mailgun refuses: `{"message": ...}` (401 `Forbidden` and 413 as text)',
            "content": _TEXT,
        },
    }
    if route.sends:
        answers["5XX"] = {
            "model": MailgunErrorBody,
            "description": "An injected `api` fault",
            "content": _TEXT,
        }
    return answers


def install(app: FastAPI) -> None:
    """Mount every Mailgun route on ``app``, documented.

    A send is served by a plain Starlette route registered ahead of its documented FastAPI route, which
    then only describes it in the OpenAPI document: the send is the hot path, and FastAPI's request
    handling (dependency solving, endpoint wrapping) is work it does not need — the handler reads its own
    form and answers its own JSON, and its errors go through the same exception handlers either way."""
    for route in ROUTES:
        if route.sends:
            app.router.add_route(
                route.path, guarded(route.handler), methods=[route.method], include_in_schema=False
            )
        app.add_api_route(
            route.path,
            guarded(route.handler),
            methods=[route.method],
            summary=route.summary,
            tags=["Mailgun API"],
            response_model=None,
            responses=_responses(route),
            openapi_extra=_openapi_extra(route),
        )
    security = {"basicAuth": {"type": "http", "scheme": "basic", "description": "user `api`, the API key"}}
    original = app.openapi

    def openapi() -> dict[str, Any]:
        schema = original()  # cached by FastAPI: adding the scheme again is a no-op
        schema.setdefault("components", {}).setdefault("securitySchemes", {}).update(security)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


__all__ = ["ROUTES", "install"]
