"""``/oidc/token/revocation`` (RFC 7009) and ``/oidc/token/introspection`` (RFC 7662).

Revocation needs no client authentication here (the SDKs post ``client_id`` + ``token`` only and ignore
errors) and always answers 200; revoking a refresh token revokes its grant. Introspection requires the
client to authenticate as at the token endpoint.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import paths
from ._client_auth import authenticate, read_form
from ._errors import invalid_request
from ._tenant import Tenant


async def revoke(request: Request) -> Response:
    tenant: Tenant = request.app.state.tenant
    form = await read_form(request)
    value = form.get("token")
    if not value:
        raise invalid_request("missing required parameter 'token'")
    client_id = form.get("client_id")
    store = tenant.store
    with store.lock:
        # A token is only revoked for the client it was issued to (RFC 7009 §2.1); others get 200 too.
        refresh = store.refresh_tokens.get(value)
        if refresh is not None and client_id in (None, refresh.client_id):
            store.revoke_grant(refresh.grant_id)
        access = store.access_tokens.get(value) or _jwt_record(tenant, value)
        if access is not None and client_id in (None, access.client_id):
            access.revoked = True
        grant = store.grants.get((refresh.grant_id if refresh else access.grant_id if access else None) or "")
    tenant.events.record(
        "revocation",
        flow=grant.flow_id if grant else None,
        client_id=client_id,
        token="refresh token (its grant revoked)"
        if refresh
        else "access token"
        if access
        else "unknown token (ignored)",
    )
    return Response(status_code=200)


def _jwt_record(tenant: Tenant, value: str) -> Any:
    claims = tenant.keys.verify(value)
    if claims is None:
        return None
    return tenant.store.access_tokens.get(str(claims.get("jti", "")))


async def introspect(request: Request) -> Response:
    tenant: Tenant = request.app.state.tenant
    form = await read_form(request)
    client = authenticate(request, tenant, form)
    value = form.get("token")
    if not value:
        raise invalid_request("missing required parameter 'token'")
    now = tenant.now()
    store = tenant.store
    with store.lock:
        refresh = store.refresh_tokens.get(value)
        if refresh is not None:
            grant = store.live_grant(refresh.grant_id)
            if (
                refresh.revoked
                or refresh.expires_at <= now
                or grant is None
                or refresh.consumed_at is not None
            ):
                return JSONResponse({"active": False})
            return JSONResponse(
                {
                    "active": True,
                    "client_id": refresh.client_id,
                    "exp": int(refresh.expires_at - tenant.clock.offset),
                    "iat": int(refresh.created_at - tenant.clock.offset),
                    "iss": tenant.issuer,
                    "scope": " ".join(refresh.scopes),
                    "sub": refresh.user_id,
                    "token_type": "refresh_token",
                }
            )
        access = store.access_tokens.get(value) or _jwt_record(tenant, value)
        if access is None or access.revoked or access.expires_at <= now:
            return JSONResponse({"active": False})
        body: dict[str, Any] = {
            "active": True,
            "client_id": access.client_id,
            "exp": int(access.expires_at - tenant.clock.offset),
            "iat": int(access.issued_at - tenant.clock.offset),
            "iss": tenant.issuer,
            "scope": " ".join(access.scopes),
            "token_type": "Bearer",
        }
        if access.user_id:
            body["sub"] = access.user_id
        if access.audience:
            body["aud"] = access.audience
    del client
    return JSONResponse(body)


ROUTES = [("POST", paths.REVOCATION, revoke), ("POST", paths.INTROSPECTION, introspect)]
