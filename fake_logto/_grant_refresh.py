"""The ``refresh_token`` grant: rotation for public clients on every use, for confidential ones after 70 %
of the token's life (Logto); a consumed token keeps working for ~3 s (grace), reuse after that revokes the
whole grant; ``resource`` / ``organization_id`` select a JWT access token (node-oidc-provider's
``lib/actions/grants/refresh_token.js``, Logto's ``packages/core/src/oidc/grants/refresh-token.ts``).

``organization_id`` (RFC 0001): a non-member gets 403 ``access_denied``, a refresh token without
``urn:logto:scope:organizations`` 403 ``insufficient_scope`` — checked before the token is rotated, as Logto
does, so a refused request leaves it usable. With ``resource`` too, the token is a resource token narrowed
to that organization (:func:`._issue.access_token_for`)."""

from __future__ import annotations

from typing import Any

from ._client_auth import Form
from ._config import Application
from ._errors import invalid_grant, invalid_request
from ._grants import grant_user, log_tokens, resource_param, token_response
from ._issue import access_token_for, check_organization_access, id_token, refresh_token
from ._store import REFRESH_GRACE, Grant, RefreshToken
from ._tenant import Tenant


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
        organization_id = form.get("organization_id") or None
        if organization_id is not None:
            check_organization_access(grant_user(tenant, token.user_id), token.scopes, organization_id)
        if issued is token:
            issued = _rotate(tenant, client, token, grant)
    user = grant_user(tenant, token.user_id)
    resource = resource_param(form)
    requested = form["scope"].split() if form.get("scope") else None
    access, expires_in, scope, _ids = access_token_for(
        tenant, client=client, user=user, grant=grant, resource=resource, organization_id=organization_id,
        scopes=requested,
    )  # fmt: skip
    body = token_response(
        access,
        expires_in,
        scope,
        id_token_value=id_token(tenant, user, client.id, grant.scopes) if "openid" in grant.scopes else None,
        refresh=issued.token,
    )
    rotated = "rotated" if issued.token != value else "kept (confidential client, < 70 % of its life)"
    log_tokens(
        tenant,
        "refresh",
        "refresh_token",
        client,
        grant,
        user,
        body,
        resource=resource,
        organization_id=organization_id,
        refresh_token=rotated,
    )
    return body
