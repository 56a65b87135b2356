"""``POST /oidc/token``: one handler per grant type, dispatched through :data:`GRANTS`.

- authorization_code: 60 s, single use; a second use revokes everything the first issued; PKCE S256.
- refresh_token: rotation for public clients on every use, for confidential ones after 70 % of the
  token's life (Logto); a consumed token keeps working for ~3 s (grace), reuse after that revokes the
  whole grant; ``resource`` / ``organization_id`` select a JWT access token.
- client_credentials: machine-to-machine apps, resource JWTs.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import paths
from ._authorize import s256
from ._client_auth import Form, authenticate, read_form
from ._config import Application
from ._errors import OAuthError, invalid_grant, invalid_request
from ._events import decode_jwt
from ._issue import access_token_for, id_token, invalid_target, jwt_access_token, refresh_token
from ._store import REFRESH_GRACE, Grant, RefreshToken, User
from ._tenant import Tenant

GrantHandler = Callable[[Tenant, Application, Form], Awaitable[dict[str, Any]]]


def _user(tenant: Tenant, user_id: str) -> User:
    user = tenant.store.users.get(user_id)
    if user is None:
        raise invalid_grant("the user of this grant no longer exists")
    return user


def _resource_param(form: Form) -> str | None:
    resource = form.get("resource")
    return resource or None


def _response(
    access: str, expires_in: int, scope: str, *, id_token_value: str | None, refresh: str | None
) -> dict[str, Any]:
    body: dict[str, Any] = {"access_token": access, "expires_in": expires_in}
    if id_token_value is not None:
        body["id_token"] = id_token_value
    if refresh is not None:
        body["refresh_token"] = refresh
    body["scope"] = scope
    body["token_type"] = "Bearer"
    return body


async def authorization_code(tenant: Tenant, client: Application, form: Form) -> dict[str, Any]:
    code_value = form.get("code")
    if not code_value:
        raise invalid_request("missing required parameter 'code'")
    redirect_uri = form.get("redirect_uri")
    if not redirect_uri:
        raise invalid_request("missing required parameter 'redirect_uri'")
    store = tenant.store
    with store.lock:
        code = store.codes.get(code_value)
        if code is None:
            raise invalid_grant("grant request is invalid")
        # Client and expiry first, as node-oidc-provider: only the code's own client, in time, can
        # trigger the replay revocation.
        if code.client_id != client.id:
            raise invalid_grant("grant request is invalid")
        if code.expires_at <= tenant.now():
            raise invalid_grant("grant request is invalid")
        if code.consumed:
            # A replayed code: revoke everything issued from its first use (RFC 6749 §4.1.2).
            store.revoke_grant(code.grant_id)
            raise invalid_grant("grant request is invalid")
        if code.redirect_uri != redirect_uri:
            raise invalid_grant("grant request is invalid")
        verifier = form.get("code_verifier")
        if code.code_challenge is not None:
            if not verifier or not 43 <= len(verifier) <= 128:
                raise invalid_grant("PKCE verification failed")
            if not verifier.isascii() or not secrets.compare_digest(
                s256(verifier).encode(), code.code_challenge.encode()
            ):
                raise invalid_grant("PKCE verification failed")
        elif verifier:
            raise invalid_grant("PKCE verification failed")
        code.consumed = True
        grant = store.live_grant(code.grant_id)
    if grant is None:
        raise invalid_grant("grant request is invalid")
    user = _user(tenant, code.user_id)
    resource = _resource_param(form)
    if resource is not None and tenant.config.resource(resource) is None:
        raise invalid_target()
    access, expires_in, scope, ids = access_token_for(
        tenant, client=client, user=user, grant=grant, resource=resource
    )
    refresh = (
        refresh_token(tenant, grant, client.id, code.scopes, code.auth_time)
        if "offline_access" in grant.scopes
        else None
    )
    with store.lock:
        code.issued.extend(ids + ([refresh.token] if refresh else []))
    scope = " ".join(grant.scopes) if resource is None else scope
    body = _response(
        access,
        expires_in,
        scope,
        id_token_value=id_token(tenant, user, client.id, grant.scopes, code.nonce)
        if "openid" in grant.scopes
        else None,
        refresh=refresh.token if refresh else None,
    )
    _log_tokens(tenant, "tokens_issued", "authorization_code", client, grant, user, body, resource=resource)
    return body


def _rotate(tenant: Tenant, client: Application, token: RefreshToken, grant: Grant) -> RefreshToken:
    """Public clients rotate on every use; confidential ones once 70 % of the token's life has passed."""
    now = tenant.now()
    life = token.expires_at - token.created_at
    if client.confidential and now - token.created_at < 0.7 * life:
        return token
    successor = refresh_token(tenant, grant, client.id, token.scopes, token.auth_time)
    token.consumed_at = now
    token.successor = successor.token
    return successor


async def refresh(tenant: Tenant, client: Application, form: Form) -> dict[str, Any]:
    value = form.get("refresh_token")
    if not value:
        raise invalid_request("missing required parameter 'refresh_token'")
    store = tenant.store
    now = tenant.now()
    with store.lock:
        token = store.refresh_tokens.get(value)
        if token is None or token.revoked or token.expires_at <= now or token.client_id != client.id:
            raise invalid_grant("grant request is invalid")
        if token.consumed_at is not None:
            if now - token.consumed_at > REFRESH_GRACE:
                store.revoke_grant(token.grant_id)  # reuse detected: the whole grant goes
                raise invalid_grant("grant request is invalid")
            current = store.refresh_tokens.get(token.successor or "")
            if current is None or current.revoked:
                raise invalid_grant("grant request is invalid")
            issued = current
        else:
            issued = token
        grant = store.live_grant(token.grant_id)
        if grant is None:
            raise invalid_grant("grant request is invalid")
        if issued is token:
            issued = _rotate(tenant, client, token, grant)
    user = _user(tenant, token.user_id)
    resource = _resource_param(form)
    organization_id = form.get("organization_id") or None
    if resource is not None and organization_id is not None:
        raise invalid_request("resource and organization_id must not be combined")
    if resource is not None and resource not in grant.resources:
        raise invalid_target()
    access, expires_in, scope, _ids = access_token_for(
        tenant, client=client, user=user, grant=grant, resource=resource, organization_id=organization_id
    )
    if resource is None and organization_id is None:
        scope = " ".join(grant.scopes)
    body = _response(
        access,
        expires_in,
        scope,
        id_token_value=id_token(tenant, user, client.id, grant.scopes) if "openid" in grant.scopes else None,
        refresh=issued.token,
    )
    rotated = "rotated" if issued.token != value else "kept (confidential client, < 70 % of its life)"
    _log_tokens(
        tenant,
        "refresh",
        "refresh_token",
        client,
        grant,
        user,
        body,
        resource=resource,
        refresh_token=rotated,
    )
    return body


async def client_credentials(tenant: Tenant, client: Application, form: Form) -> dict[str, Any]:
    if client.type != "m2m":
        raise OAuthError("unauthorized_client", "requested grant type is not allowed for this client")
    indicator = _resource_param(form)
    if indicator is None:
        raise invalid_target("resource indicator is missing, or unknown")
    resource = tenant.config.resource(indicator)
    if resource is None:
        raise invalid_target()
    requested = (form.get("scope") or "").split()
    unknown = [s for s in requested if s not in resource.scopes]
    if unknown:
        raise OAuthError("invalid_scope", f"requested scope is not allowed: {' '.join(unknown)}")
    scopes = requested or list(resource.scopes)
    token, _record = jwt_access_token(
        tenant,
        client_id=client.id,
        subject=None,
        audience=indicator,
        scopes=scopes,
        ttl=resource.access_token_ttl,
        grant_id=None,
    )
    body = _response(token, resource.access_token_ttl, " ".join(scopes), id_token_value=None, refresh=None)
    _log_tokens(tenant, "tokens_issued", "client_credentials", client, None, None, body, resource=indicator)
    return body


def _log_tokens(
    tenant: Tenant,
    kind: str,
    grant_type: str,
    client: Application,
    grant: Grant | None,
    user: User | None,
    body: dict[str, Any],
    **extra: Any,
) -> None:
    """The debug view's record of tokens: decoded header and claims of every JWT, "opaque" otherwise."""
    tenant.events.record(
        kind,
        flow=grant.flow_id if grant else None,
        client_id=client.id,
        email=user.primary_email if user else None,
        grant_type=grant_type,
        id_token=decode_jwt(body["id_token"]) if "id_token" in body else None,
        access_token=decode_jwt(body["access_token"]) or "opaque (good at /oidc/me)",
        scope=body["scope"],
        expires_in=body["expires_in"],
        refresh_token_issued="refresh_token" in body,
        **extra,
    )


GRANTS: dict[str, GrantHandler] = {
    "authorization_code": authorization_code,
    "refresh_token": refresh,
    "client_credentials": client_credentials,
}
# Logto advertises these too; the fake does not implement them.
_KNOWN_UNSUPPORTED = (
    "implicit",
    "urn:ietf:params:oauth:grant-type:device_code",
    "urn:ietf:params:oauth:grant-type:token-exchange",
)


async def token(request: Request) -> Response:
    tenant: Tenant = request.app.state.tenant
    form = await read_form(request)
    grant_type = form.get("grant_type")
    if not grant_type:
        raise invalid_request("missing required parameter 'grant_type'")
    handler = GRANTS.get(grant_type)
    if handler is None:
        raise OAuthError("unsupported_grant_type", f"unsupported grant_type requested ({grant_type})")
    client = authenticate(request, tenant, form)
    if client.type == "m2m" and grant_type != "client_credentials":
        raise OAuthError("unauthorized_client", "requested grant type is not allowed for this client")
    body = await handler(tenant, client, form)
    return JSONResponse(body, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


ROUTES = [("POST", paths.TOKEN, token)]
