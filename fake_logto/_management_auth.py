"""The Management API's guard, as Logto's ``koaAuth`` (``packages/core/src/middleware/koa-auth/index.ts``
and ``utils.ts``): every ``/api`` Management route needs ``Authorization: Bearer <JWT>``, a token this
tenant signed (its JWKS, :mod:`._keys`) for the Management API resource (``https://default.logto.app/api``)
by this issuer, unexpired, with a ``sub``, whose scopes hold ``all``.

Answers (Logto's ``RequestError`` bodies, texts from ``packages/phrases/src/locales/en/errors/auth.ts``):
no header → 401 ``auth.authorization_header_missing``; not starting with ``Bearer`` → 401
``auth.authorization_token_type_not_supported`` with ``data: {supportedTypes: ["Bearer"]}``; a bad
signature, not a JWT, another issuer or audience, expired → 401 ``auth.unauthorized`` with jose's error
as ``data`` as Logto serialises it (``{code, name}``, plus ``claim``, ``reason`` and ``payload`` for a claim
check: :func:`_verified_claims`); no ``sub`` → 401 ``auth.jwt_sub_missing``; no ``all``
scope → 403 ``auth.forbidden``. Expiry is checked on the tenant clock (``clock.now()``), as fake_logto
expires every other token, so advancing the clock expires a Management API token too.

Dev mode (``Settings.dev_mode``, off by default, UNSAFE): Logto's ``verifyBearerTokenFromRequest``
skips the token check when it runs outside production or with ``INTEGRATION_TEST=true`` and the request
has a non-empty ``development-user-id`` header: the caller is that user, with the Management API's
scopes (``defaultManagementApi.scopes``: ``all``). Logto's integration tests call the Management API this
way. With dev mode off the header is ignored and the token rules above apply (no ``Authorization``: 401
``auth.authorization_header_missing``).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

from . import _guards
from ._config import MANAGEMENT_API_RESOURCE, MANAGEMENT_API_SCOPE
from ._errors import LogtoError
from ._keys import ALG
from ._tenant import Tenant

BEARER = "Bearer"
DEV_USER_HEADER = "development-user-id"


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


def _b64_json(part: str) -> Any:
    try:
        return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except (ValueError, UnicodeDecodeError):
        return None


def _jose(name: str, code: str, **claim_failure: Any) -> LogtoError:
    """401 ``auth.unauthorized`` with jose's error as JSON, its enumerable fields: ``code``, ``name``
    and, for a claim check, ``claim``, ``reason`` and the token's ``payload``."""
    return LogtoError("auth.unauthorized", 401, {"code": code, "name": name, **claim_failure})


def _claim_failed(payload: dict[str, Any], claim: str, reason: str, *, expired: bool = False) -> LogtoError:
    if expired:
        return _jose("JWTExpired", "ERR_JWT_EXPIRED", claim=claim, reason=reason, payload=payload)
    return _jose(
        "JWTClaimValidationFailed",
        "ERR_JWT_CLAIM_VALIDATION_FAILED",
        claim=claim,
        reason=reason,
        payload=payload,
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _now_in_token_frame(tenant: Tenant, payload: dict[str, Any]) -> float:
    """The tenant's "now" in the frame of the token's own ``iat``/``exp``. fake_logto stamps a JWT with the
    wall clock (:mod:`._issue`: SDKs check ``exp`` against real time) and records its expiry on the tenant
    clock; advancing the tenant clock by Δ after issue must expire it Δ sooner, and a token issued after an
    advance must not be born expired. For a token this tenant issued (its ``jti`` recorded) that is the
    tenant clock less the offset it had at issue; otherwise the tenant clock."""
    record = tenant.store.access_tokens.get(str(payload.get("jti", "")))
    exp: Any = payload.get("exp")
    if record is None or record.kind != "jwt" or not _is_number(exp):
        return tenant.now()
    return tenant.now() - (record.expires_at - float(exp))


def _verified_claims(tenant: Tenant, token: str) -> dict[str, Any]:
    """jose's ``jwtVerify`` with ``createLocalJWKSet``, step by step as it checks (``compactVerify``:
    the three parts, the header, the key by ``kid``, the signature; ``validateClaimsSet``: an object,
    ``iss`` and ``aud`` present then equal, ``iat``/``nbf``/``exp`` numbers, ``nbf`` reached, ``exp``
    not). A header without ``kid`` matches both EC keys Logto OSS verifies with (the tenant's and the
    admin tenant's): ``JWKSMultipleMatchingKeys``."""
    parts = token.split(".")
    header = _b64_json(parts[0]) if len(parts) == 3 else None
    if not isinstance(header, dict) or not isinstance(header.get("alg"), str):
        raise _jose("JWSInvalid", "ERR_JWS_INVALID")
    if "kid" not in header:
        raise _jose("JWKSMultipleMatchingKeys", "ERR_JWKS_MULTIPLE_MATCHING_KEYS")
    key = tenant.keys.key_for(header["kid"])
    if key is None or header["alg"] != ALG:
        raise _jose("JWKSNoMatchingKey", "ERR_JWKS_NO_MATCHING_KEY")
    from joserfc import jws  # joserfc and cryptography: loaded by the first use, not at start

    try:
        jws.deserialize_compact(token, key, algorithms=[ALG])
    except Exception as exc:  # joserfc raises several types for a bad signature or encoding
        raise _jose("JWSSignatureVerificationFailed", "ERR_JWS_SIGNATURE_VERIFICATION_FAILED") from exc
    payload = _b64_json(parts[1])
    if not isinstance(payload, dict):
        raise _jose("JWTInvalid", "ERR_JWT_INVALID")
    for claim in ("iss", "aud"):
        if claim not in payload:
            raise _claim_failed(payload, claim, "missing")
    if payload["iss"] != tenant.issuer:
        raise _claim_failed(payload, "iss", "check_failed")
    audience = payload["aud"]
    if MANAGEMENT_API_RESOURCE not in (audience if isinstance(audience, list) else [audience]):
        raise _claim_failed(payload, "aud", "check_failed")
    now = _now_in_token_frame(tenant, payload)
    if "iat" in payload and not _is_number(payload["iat"]):
        raise _claim_failed(payload, "iat", "invalid")
    for claim in ("nbf", "exp"):
        if claim not in payload:
            continue
        value: Any = payload[claim]
        if not _is_number(value):
            raise _claim_failed(payload, claim, "invalid")
        if claim == "nbf" and value > now:
            raise _claim_failed(payload, "nbf", "check_failed")
        if claim == "exp" and value <= now:
            raise _claim_failed(payload, "exp", "check_failed", expired=True)
    return payload


def authenticate(request: Request) -> Auth:
    """The caller of a Management API route, or Logto's 401/403 (see the module docstring)."""
    tenant: Tenant = request.app.state.tenant
    dev_user = request.headers.get(DEV_USER_HEADER)
    if dev_user and request.app.state.settings.dev_mode:
        return Auth(type="user", id=dev_user, scopes=frozenset({MANAGEMENT_API_SCOPE}))
    claims = _verified_claims(tenant, _bearer(request))
    sub = claims.get("sub")  # koa-auth checks `sub` before it parses `scope`
    if not sub or not isinstance(sub, str):
        raise LogtoError("auth.jwt_sub_missing", 401)
    scope = claims.get("scope", "")
    if not isinstance(scope, str):  # Logto's ``z.string().parse(scope)``: the ZodError is the data
        raise LogtoError("auth.unauthorized", 401, _guards.invalid_type("", "string", scope).data)
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
