"""CORS as Logto answers it: node-oidc-provider's own handling on ``/oidc/*``, Logto's ``koaCors`` on
``/api/*``.

``/oidc``: only the routes node-oidc-provider gives a CORS policy (``lib/helpers/initialize_app.js``,
``lib/shared/cors.js``) — discovery and JWKS open to any origin (``GET``), ``/me`` (``GET,POST``) and the
client endpoints (token, revocation, introspection, device authorization, pushed
authorization requests: ``POST``). A preflight
(``OPTIONS`` with ``Access-Control-Request-Method``) is answered 204 with ``Access-Control-Allow-Origin``
the request's ``Origin`` (``*`` without one), ``Access-Control-Max-Age: 3600``, the route's methods and the
requested headers echoed; every other answer of those routes carries the origin and exposes
``WWW-Authenticate``. A client endpoint called with an ``Origin`` checks it against the client
(Logto's ``clientBasedCORS``, ``packages/core/src/oidc/init.ts`` and ``isOriginAllowed`` in
``oidc/utils.ts``: the tenant's own origin, one of the app's ``customClientMetadata.corsAllowedOrigins``,
or one of the client's redirect URIs' origins, a wildcard URI's by its pattern) and refuses any
other with 400 ``invalid_request`` "origin <o> not allowed for client: <id>" and no CORS header. The
userinfo endpoint checks the client its access token was issued to, once the token is found and its
scopes checked (``loadAccessTokenClient`` in node-oidc-provider's ``lib/shared/access_token.js``). A
preflight is never checked against a client (``lib/shared/cors.js``): any origin passes it, and the
call itself is refused. ``OPTIONS`` anywhere else under ``/oidc`` (the authorization and end-session
endpoints among them: browsers navigate to those) is an unrecognized route (404).

``/api``: ``koaCors([adminUrlSet, cloudUrlSet], …)`` (``packages/core/src/middleware/koa-cors.ts``,
mounted in ``routes/init.ts``) in production allows only the admin console's origins, which this tenant
has none of: no origin is ever allowed, so no ``Access-Control-*`` header is sent and a cross-site page
cannot read an answer or pass a preflight. ``OPTIONS`` on an API path gets koa-router's
``allowedMethods`` answer: 200, empty, ``Allow`` listing the path's methods.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import paths
from ._config import Application
from ._errors import OAuthError
from ._redirect_uris import origin_matches

if TYPE_CHECKING:
    from ._tenant import Tenant

MAX_AGE = "3600"
DENIED = "fake_logto.cors_denied"  # scope flag: the client refused the origin, send no CORS header
_METHOD_ORDER = ("HEAD", "GET", "POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class Policy:
    methods: str
    expose: str | None = "WWW-Authenticate"


_OPEN = Policy("GET", None)
_CLIENT = Policy("POST")
OIDC_POLICIES: dict[str, Policy] = {
    paths.DISCOVERY: _OPEN,
    paths.DISCOVERY_OAUTH: _OPEN,
    paths.JWKS: _OPEN,
    paths.USERINFO: Policy("GET,POST"),
    paths.TOKEN: _CLIENT,
    paths.REVOCATION: _CLIENT,
    paths.INTROSPECTION: _CLIENT,
    paths.DEVICE_AUTH: _CLIENT,
    paths.PAR: _CLIENT,
}


def cors_allowed_origins(tenant: Tenant, client_id: str) -> list[str]:
    """The app's ``customClientMetadata.corsAllowedOrigins`` (set through the Management API)."""
    with tenant.store.lock:
        row = tenant.store.roles.app_rows.get(client_id)
        origins = row.custom_client_metadata.get("corsAllowedOrigins") if row is not None else None
    return [o for o in origins if isinstance(o, str)] if isinstance(origins, list) else []


def check_client_origin(request: Request, client: Application, tenant: Tenant) -> None:
    """``clientBasedCORS``: a cross-origin call must come from the tenant or one of the client's origins."""
    origin = request.headers.get("origin")
    if not origin:
        return
    own = f"{request.url.scheme}://{request.url.netloc}"
    exact = [u for u in client.redirect_uris if "*" not in u]
    allowed = {own, *cors_allowed_origins(tenant, client.id)}
    allowed |= {f"{p.scheme}://{p.netloc}" for p in map(urlsplit, exact)}
    patterns = [u for u in client.redirect_uris if "*" in u]
    if origin not in allowed and not any(origin_matches(origin, u) for u in patterns):
        request.scope[DENIED] = True
        raise OAuthError("invalid_request", f"origin {origin} not allowed for client: {client.id}")


class Cors:
    """ASGI middleware: the preflights and response headers above; ``routes`` is the app's route table
    (for the methods an ``/api`` path allows)."""

    def __init__(self, app: ASGIApp, routes: Sequence[BaseRoute]) -> None:
        self.app, self.routes = app, routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path, method = scope["path"], scope["method"]
        headers = Headers(scope=scope)
        origin = headers.get("origin") or "*"
        policy = OIDC_POLICIES.get(path)
        if policy is not None:
            if method == "OPTIONS" and headers.get("access-control-request-method"):
                preflight = {
                    "Vary": "Origin",
                    "Access-Control-Allow-Origin": origin,
                    "Access-Control-Max-Age": MAX_AGE,
                    "Access-Control-Allow-Methods": policy.methods,
                }
                requested = headers.get("access-control-request-headers")
                if requested:
                    preflight["Access-Control-Allow-Headers"] = requested
                await Response(status_code=204, headers=preflight)(scope, receive, send)
                return
            if method != "OPTIONS":
                await self.app(scope, receive, _adding(send, scope, origin, policy))
                return
        if path == paths.API or path.startswith(paths.API + "/"):
            allowed = self._allowed(scope) if method == "OPTIONS" else []
            if allowed:
                answer = Response(status_code=200, headers={"Allow": ", ".join(allowed), "Vary": "Origin"})
                await answer(scope, receive, send)
                return
            await self.app(scope, receive, _adding(send, scope, None, None))
            return
        await self.app(scope, receive, send)

    def _allowed(self, scope: Scope) -> list[str]:
        methods: list[str] = []
        for route in self.routes:
            if route.matches(scope)[0] != Match.NONE:  # the path matched (PARTIAL: not for OPTIONS)
                route_methods = getattr(route, "methods", None) or set()
                methods += [m for m in _METHOD_ORDER if m in route_methods and m not in methods]
        return methods


def _adding(send: Send, scope: Scope, origin: str | None, policy: Policy | None) -> Send:
    """``send`` with ``Vary: Origin`` and, for an ``/oidc`` policy, the allow-origin and expose headers."""

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            headers.add_vary_header("Origin")
            if policy is not None and origin is not None and not scope.get(DENIED):
                headers["Access-Control-Allow-Origin"] = origin
                if policy.expose:
                    headers["Access-Control-Expose-Headers"] = policy.expose
        await send(message)

    return wrapped
