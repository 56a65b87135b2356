"""``/oidc/token/revocation`` (RFC 7009) and ``/oidc/token/introspection`` (RFC 7662), as node-oidc-provider's
``lib/actions/revocation.js`` and ``lib/actions/introspection.js`` with the default ``allowedPolicy`` of
``lib/helpers/defaults.js`` (Logto keeps both).

Both authenticate the client first, exactly as the token endpoint does (``_client_auth``): a confidential
client that posts only ``client_id`` + ``token`` — the official SDKs' sign-out revoke — is answered 401
``invalid_client`` and its refresh token survives. Then a repeated parameter, a missing ``token``, and a
structured (JWT) token are refused (``lib/shared/reject_structured_tokens.js``: 400
``unsupported_token_type``). Revocation answers 200 with an empty body for an unknown token or one of
another public client; a confidential client presenting another client's token gets ``invalid_request``.
Revoking a refresh token revokes its grant; revoking an opaque access token revokes every token of its
grant but keeps the grant (``lib/helpers/revoke.js`` with the default ``revokeGrantPolicy``).
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import paths
from ._client_auth import authenticate, basic_challenge, missing, read_form, reject_dupes
from ._config import Application
from ._errors import OAuthError, invalid_request
from ._store import REFRESH_GRACE, AccessToken, RefreshToken
from ._tenant import Tenant


def is_structured(token: str) -> bool:
    """jose's ``decodeProtectedHeader`` succeeds: three or five parts, the first a JSON object."""
    parts = token.split(".")
    if len(parts) not in (3, 5) or not parts[0]:
        return False
    try:
        header = json.loads(base64.urlsafe_b64decode(parts[0] + "=" * (-len(parts[0]) % 4)))
    except (ValueError, binascii.Error):
        return False
    return isinstance(header, dict)


async def _checked(request: Request, tenant: Tenant, route: str) -> tuple[Application, str]:
    """The common front of both endpoints; returns the authenticated client and the token."""
    form = await read_form(request)
    client = authenticate(request, tenant, form)
    try:
        reject_dupes(request)
        missing(form, "token")
        if is_structured(form["token"]):
            verb = "revoked" if route == "revocation" else "introspected"
            raise OAuthError(
                "unsupported_token_type",
                f"Structured JWT Tokens cannot be {verb} via the {route}_endpoint",
            )
    except OAuthError as exc:
        raise basic_challenge(request, tenant, exc) from None
    return client, form["token"]


def _find(tenant: Tenant, value: str) -> RefreshToken | AccessToken | None:
    """An opaque access token or a refresh token, unless revoked (Logto deletes those) or expired."""
    store = tenant.store
    access = store.access_tokens.get(value)
    token = access if access is not None and access.kind == "opaque" else store.refresh_tokens.get(value)
    if token is None or token.revoked or token.expires_at <= tenant.now():
        return None
    return token


async def revoke(request: Request) -> Response:
    tenant: Tenant = request.app.state.tenant
    client, value = await _checked(request, tenant, "revocation")
    store = tenant.store
    with store.lock:
        token = _find(tenant, value)
        answered = "unknown token (ignored)"
        if token is not None and token.client_id != client.id:
            if client.confidential:
                raise basic_challenge(
                    request, tenant, invalid_request("client is not authorized to revoke the presented token")
                )
            token, answered = None, "another client's token (ignored)"
        grant_id = token.grant_id if token is not None else None
        if isinstance(token, RefreshToken):
            store.revoke_grant(token.grant_id)
            answered = "refresh token (its grant revoked)"
        elif token is not None:
            token.revoked = True
            others: list[AccessToken | RefreshToken] = [*store.access_tokens.values()]
            others.extend(store.refresh_tokens.values())
            for other in others:
                if token.grant_id is not None and other.grant_id == token.grant_id:
                    other.revoked = True
            answered = "access token (the tokens of its grant revoked)"
        grant = store.grants.get(grant_id or "")
    tenant.events.record(
        "revocation", flow=grant.flow_id if grant else None, client_id=client.id, token=answered
    )
    return Response(status_code=200)


def _active(tenant: Tenant, token: RefreshToken | AccessToken) -> bool:
    """``isValid`` (a refresh token consumed past Logto's reuse interval is not), and its grant live."""
    consumed_at = token.consumed_at if isinstance(token, RefreshToken) else None
    if consumed_at is not None and tenant.now() - consumed_at > REFRESH_GRACE:
        return False
    if token.grant_id is None:
        return True
    grant = tenant.store.live_grant(token.grant_id)
    return grant is not None and grant.client_id == token.client_id and grant.user_id == token.user_id


async def introspect(request: Request) -> Response:
    tenant: Tenant = request.app.state.tenant
    client, value = await _checked(request, tenant, "introspection")
    store = tenant.store
    with store.lock:
        token = _find(tenant, value)
        if token is None or not _active(tenant, token):
            return JSONResponse({"active": False}, headers={"Cache-Control": "no-store"})
        if not client.confidential and token.client_id != client.id:
            return JSONResponse({"active": False}, headers={"Cache-Control": "no-store"})
        body: dict[str, Any] = {"active": True}
        if token.user_id:
            body["sub"] = token.user_id
        issued_at = token.created_at if isinstance(token, RefreshToken) else token.issued_at
        body.update(
            client_id=token.client_id,
            exp=int(token.expires_at - tenant.clock.offset),
            iat=int(issued_at - tenant.clock.offset),
            iss=tenant.issuer,
        )
        if token.scopes:
            body["scope"] = " ".join(token.scopes)
        if isinstance(token, AccessToken):
            body["token_type"] = "Bearer"
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


ROUTES = [("POST", paths.REVOCATION, revoke), ("POST", paths.INTROSPECTION, introspect)]
