"""The Management API's one-time tokens: ``/api/one-time-tokens`` as Logto's
``packages/core/src/routes/one-time-tokens.ts`` (with ``one-time-tokens.openapi.json``) has them.

- ``GET /one-time-tokens`` (``?email`` in ``emailRegEx``, ``?status`` a ``OneTimeTokenStatus``; paging
  optional: with ``page``/``page_size`` a ``Total-Number`` that counts every token, as
  ``findTotalNumberOfOneTimeTokens`` does), ``GET /one-time-tokens/:id``;
- ``POST /one-time-tokens`` 201: ``{email, context?, expiresIn?}`` (``email`` a string of 1-128,
  ``context`` ``{jitOrganizationIds?: string[], interactionEvent?}``, ``expiresIn`` seconds ≥ 1, default
  600);
- ``POST /one-time-tokens/verify`` 200: ``{token, email}`` checked and consumed, with no interaction
  event (the library's refusals: :mod:`._one_time_tokens`);
- ``PUT /one-time-tokens/:id/status`` 200 (never back to ``active``), ``DELETE /one-time-tokens/:id`` 204.

Bodies are guarded before the id is looked up (``koaGuard``); the tokens are the store's
(:mod:`._one_time_tokens`), so the Experience API's one-time-token verification sees them at once.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import _guards, paths
from ._experience_context import EVENTS
from ._management_auth import authorized_tenant
from ._management_organizations import optional_page
from ._one_time_tokens import STATUSES

EMAIL_MAX, TOKEN_MAX = 128, 256  # one_time_tokens.sql: email varchar(128), token varchar(256)


def _context(body: dict[str, Any]) -> dict[str, Any]:
    """``oneTimeTokenContextGuard.optional()``: unknown keys stripped."""
    raw = _guards.optional(body, "context", dict)
    if raw is None:
        return {}
    context: dict[str, Any] = {}
    ids = _guards.field(raw, "context.jitOrganizationIds", list, optional=True)
    if ids is not None:
        for i, value in enumerate(ids):
            _guards.field({str(i): value}, f"context.jitOrganizationIds.{i}", str)
        context["jitOrganizationIds"] = list(ids)
    event = _guards.choice(raw, "context.interactionEvent", EVENTS, optional=True)
    if event is not None:
        context["interactionEvent"] = event
    return context


def _expires_in(body: dict[str, Any]) -> float | None:
    """``z.number().min(1).optional()`` (any number, not only whole ones)."""
    if "expiresIn" not in body:
        return None
    value = body["expiresIn"]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _guards.invalid_type("expiresIn", "number", value)
    if value < 1:
        message = "Number must be greater than or equal to 1"
        raise _guards.invalid(
            "expiresIn", "too_small", message, minimum=1, type="number", inclusive=True, exact=False
        )
    return float(value)


def _query(request: Request) -> tuple[str | None, str | None]:
    query = dict(request.query_params)
    email = None
    if "email" in query:
        email = query["email"]
        if not _guards.EMAIL_RE.match(email):
            raise _guards.invalid("email", "invalid_string", "Invalid", where="query", validation="regex")
    status = _guards.choice(query, "status", STATUSES, optional=True, where="query")
    return email, status


async def list_tokens(request: Request) -> Response:
    tenant = authorized_tenant(request)
    email, status = _query(request)
    tokens = tenant.store.one_time_tokens
    found = tokens.list(email, status)
    offset, limit, headers = optional_page(request, tokens.count())
    return JSONResponse([t.to_json() for t in found[offset : offset + limit]], headers=headers)


async def get_token(request: Request) -> Response:
    tenant = authorized_tenant(request)
    return JSONResponse(tenant.store.one_time_tokens.by_id(request.path_params["id"]).to_json())


async def create_token(request: Request) -> Response:
    tenant = authorized_tenant(request)
    body = await _guards.body(request)
    email: str = _guards.string(body, "email", min_length=1, max_length=EMAIL_MAX)
    context = _context(body)
    expires_in = _expires_in(body)
    token = tenant.store.one_time_tokens.create(email, context, expires_in)
    return JSONResponse(token.to_json(), status_code=201)


async def verify_token(request: Request) -> Response:
    tenant = authorized_tenant(request)
    body = await _guards.body(request)
    token: str = _guards.string(body, "token", min_length=1, max_length=TOKEN_MAX)
    email: str = _guards.string(body, "email", min_length=1, max_length=EMAIL_MAX)
    return JSONResponse(tenant.store.one_time_tokens.verify(token, email).to_json())


async def set_status(request: Request) -> Response:
    tenant = authorized_tenant(request)
    body = await _guards.body(request)
    status: str = _guards.choice(body, "status", STATUSES)
    token = tenant.store.one_time_tokens.set_status(request.path_params["id"], status)
    return JSONResponse(token.to_json())


async def delete_token(request: Request) -> Response:
    tenant = authorized_tenant(request)
    tenant.store.one_time_tokens.delete(request.path_params["id"])
    return Response(status_code=204)


ROUTES = [
    ("GET", paths.MANAGEMENT_ONE_TIME_TOKENS, list_tokens),
    ("POST", paths.MANAGEMENT_ONE_TIME_TOKENS, create_token),
    ("POST", paths.MANAGEMENT_ONE_TIME_TOKENS_VERIFY, verify_token),
    ("GET", paths.MANAGEMENT_ONE_TIME_TOKEN, get_token),
    ("PUT", paths.MANAGEMENT_ONE_TIME_TOKEN_STATUS, set_status),
    ("DELETE", paths.MANAGEMENT_ONE_TIME_TOKEN, delete_token),
]
