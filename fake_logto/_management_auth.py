"""The Management API's guard, as Logto's ``koaAuth`` (``packages/core/src/middleware/koa-auth/index.ts``
and ``utils.ts``): every ``/api`` Management route needs ``Authorization: Bearer <JWT>``, a token this
tenant signed (its JWKS, :mod:`._keys`) for the Management API resource (``https://default.logto.app/api``)
by this issuer, unexpired, with a ``sub``, whose scopes hold ``all``.

Answers (Logto's ``RequestError`` bodies, texts from ``packages/phrases/src/locales/en/errors/auth.ts``):
no header → 401 ``auth.authorization_header_missing``; not starting with ``Bearer`` → 401
``auth.authorization_token_type_not_supported`` with ``data: {supportedTypes: ["Bearer"]}``; a bad
signature, not a JWT, another issuer or audience, expired → 401 ``auth.unauthorized`` (Logto adds jose's
error object as ``data``; the fake leaves it out); no ``sub`` → 401 ``auth.jwt_sub_missing``; no ``all``
scope → 403 ``auth.forbidden``. Expiry is checked on the tenant clock (``clock.now()``), as fake_logto
expires every other token, so advancing the clock expires a Management API token too.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from ._config import MANAGEMENT_API_RESOURCE, MANAGEMENT_API_SCOPE
from ._errors import LogtoError
from ._tenant import Tenant

BEARER = "Bearer"


@dataclass(frozen=True)
class Auth:
    """Who calls (``ctx.auth``): an app (``sub`` is its client id) or a user."""

    type: str  # "app" | "user"
    id: str
    scopes: frozenset[str]


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization")
    if not header:
        raise LogtoError("auth.authorization_header_missing", 401)
    if not header.startswith(BEARER):
        raise LogtoError("auth.authorization_token_type_not_supported", 401, {"supportedTypes": [BEARER]})
    return header[len(BEARER) + 1 :]


def authenticate(request: Request) -> Auth:
    """The caller of a Management API route, or Logto's 401/403 (see the module docstring)."""
    tenant: Tenant = request.app.state.tenant
    claims = tenant.keys.verify(_bearer(request))
    if claims is None or claims.get("iss") != tenant.issuer:
        raise LogtoError("auth.unauthorized", 401)
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    exp, nbf, iat = claims.get("exp"), claims.get("nbf"), claims.get("iat")
    # jose's jwtVerify: exp/nbf/iat must be numbers when present; expired or not yet valid → refused.
    if any(
        v is not None and (isinstance(v, bool) or not isinstance(v, int | float)) for v in (exp, nbf, iat)
    ):
        raise LogtoError("auth.unauthorized", 401)
    now = tenant.now()
    if (
        MANAGEMENT_API_RESOURCE not in audiences
        or (exp is not None and exp <= now)
        or (nbf is not None and nbf > now)
    ):
        raise LogtoError("auth.unauthorized", 401)
    sub = claims.get("sub")  # koa-auth checks `sub` before it parses `scope`
    if not sub or not isinstance(sub, str):
        raise LogtoError("auth.jwt_sub_missing", 401)
    scope = claims.get("scope", "")
    if not isinstance(scope, str):  # Logto's ``z.string().parse(scope)`` fails into auth.unauthorized
        raise LogtoError("auth.unauthorized", 401)
    scopes = frozenset(scope.split(" "))
    if MANAGEMENT_API_SCOPE not in scopes:
        raise LogtoError("auth.forbidden", 403)
    kind = "app" if sub == claims.get("client_id") else "user"
    return Auth(type=kind, id=sub, scopes=scopes)


def authorized_tenant(request: Request) -> Tenant:
    """The tenant of a Management API route, once its caller passed :func:`authenticate`."""
    authenticate(request)
    tenant: Tenant = request.app.state.tenant
    return tenant
