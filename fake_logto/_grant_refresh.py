"""The ``refresh_token`` grant: rotation for public clients on every use, for confidential ones after 70 %
of the token's life (Logto); a consumed token counts as unused for 3 s (Logto's reuse interval: a use
inside it rotates again, issuing a new successor), reuse after that revokes the whole grant; ``scope``
narrows the access and ID tokens (never broadens: ``invalid_scope``); refreshed ID tokens keep the
authorization request's ``nonce``; ``resource`` / ``organization_id`` select a JWT access token
(node-oidc-provider's ``lib/actions/grants/refresh_token.js``, Logto's
``packages/core/src/oidc/grants/refresh-token.ts``).

``organization_id`` (RFC 0001): a non-member gets 403 ``access_denied``, a refresh token without
``urn:logto:scope:organizations`` 403 ``insufficient_scope`` — checked before the token is rotated, as Logto
does, so a refused request leaves it usable. The ``resource`` is resolved only after the rotation (Logto's
order): a refresh refused with ``invalid_target`` has consumed a rotating token (a public client's always),
whose successor was saved but never answered. With ``resource`` and ``organization_id``, the token is a
resource token narrowed to that organization (:func:`._issue.access_token_for`)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ._client_auth import Form, missing
from ._config import Application
from ._errors import OAuthError, invalid_grant
from ._grants import grant_user, log_tokens, resource_param, token_response
from ._issue import access_token_for, check_organization_access, id_token, refresh_token
from ._store import REFRESH_GRACE, Grant, RefreshToken
from ._tenant import Tenant


def _rotate(tenant: Tenant, client: Application, token: RefreshToken, grant: Grant) -> RefreshToken:
    """Logto's ``rotateRefreshToken`` (``packages/core/src/oidc/defaults.ts``): public clients rotate on
    every use, confidential ones once 70 % of the token's life has passed. A rotated SPA token keeps its
    predecessor's expiry — 14 days after the first issue, absolute (``refreshTokenTtl``: the
    ``RotatedRefreshToken``'s ``remainingTTL`` for a ``web`` app authenticating with ``none``); a native
    app's gets a fresh 14 days."""
    now = tenant.now()
    life = token.expires_at - token.created_at
    if client.confidential and now - token.created_at < 0.7 * life:
        return token
    successor = refresh_token(
        tenant,
        grant,
        client.id,
        token.scopes,
        token.auth_time,
        nonce=token.nonce,
        expires_at=token.expires_at if client.type == "spa" else None,
    )
    token.consumed_at = now  # Logto's consume() stamps it anew on every use inside the grace
    token.successor = successor.token
    return successor


def _narrowed(token: RefreshToken, grant: Grant, scope: str | None) -> Grant:
    """The grant as far as a refresh request's ``scope`` narrows it; a scope the refresh token does
    not hold is ``invalid_scope`` (Logto's ``grants/refresh-token.ts``)."""
    if not scope:
        return grant
    requested = list(dict.fromkeys(scope.split(" ")))
    held = set(token.scopes).union(*grant.resources.values())
    absent = [s for s in requested if s not in held]
    if absent:
        noun = "scope" if len(absent) == 1 else "scopes"
        raise OAuthError("invalid_scope", f"refresh token missing requested {noun}", scope=" ".join(absent))
    return replace(
        grant,
        scopes=[s for s in grant.scopes if s in requested],
        resources={r: [s for s in granted if s in requested] for r, granted in grant.resources.items()},
    )


async def refresh(tenant: Tenant, client: Application, form: Form, _resources: list[str]) -> dict[str, Any]:
    missing(form, "refresh_token")
    value = form["refresh_token"]
    store = tenant.store
    now = tenant.now()
    with store.lock:
        # Logto's order: found, the client's, in time, its grant, the scope, the user, not reused.
        token = store.refresh_tokens.get(value)
        if token is None or token.revoked or token.client_id != client.id or token.expires_at <= now:
            raise invalid_grant()
        live = store.live_grant(token.grant_id)
        if live is None:
            raise invalid_grant()
        grant = _narrowed(token, live, form.get("scope"))
        user = grant_user(tenant, token.user_id)
        if token.consumed_at is not None and now - token.consumed_at > REFRESH_GRACE:
            store.revoke_grant(token.grant_id)  # reuse detected: the whole grant goes
            raise invalid_grant()
        organization_id = form.get("organization_id") or None
        if organization_id is not None:  # before the rotation: a refused request leaves the token usable
            check_organization_access(user, token.scopes, organization_id)
        # Logto consumes the token and saves its successor before the resource is resolved: a refusal from
        # here on (a bad ``resource``: invalid_target) leaves the token used and the successor unseen.
        issued = _rotate(tenant, client, token, live)
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
        id_token_value=id_token(tenant, user, client.id, grant.scopes, token.nonce)
        if "openid" in grant.scopes
        else None,
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
