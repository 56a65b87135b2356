"""Minting tokens: ID tokens, opaque and resource (``at+jwt``) access tokens, refresh tokens.

Every grant type ends here. Token shapes follow node-oidc-provider v9: an ID token's header is
``{alg, kid}`` without ``typ`` (``lib/models/id_token.js`` signs the ``idtoken`` use with no ``typ``;
``lib/helpers/jwt.js`` drops an undefined one), a resource access token's is ``{alg, typ: "at+jwt", kid}``
and it carries no ``scope`` claim when no scope was granted (``lib/models/formats/jwt.js``: ``scope:
scope || undefined``). JWT ``iat``/``exp`` use the wall clock (SDKs verify them against their own
clock); the stored records expire on the tenant clock (the fake checks them). Token response shape:
``{access_token, expires_in, id_token?, refresh_token?, scope, token_type: "Bearer"}``.
"""

from __future__ import annotations

import uuid
from typing import Any

from ._claims import id_token_claims
from ._config import Application
from ._errors import OAuthError
from ._store import (
    ID_TOKEN_TTL,
    OPAQUE_ACCESS_TOKEN_TTL,
    REFRESH_TOKEN_TTL,
    AccessToken,
    Grant,
    RefreshToken,
    User,
    new_token,
)
from ._tenant import Tenant

OIDC_SCOPES = (
    "openid",
    "offline_access",
    "profile",
    "email",
    "phone",
    "address",
    "custom_data",
    "identities",
    "roles",
)


def invalid_target(description: str = "resource indicator is missing, or unknown") -> OAuthError:
    return OAuthError("invalid_target", description)


def id_token(tenant: Tenant, user: User, client_id: str, scopes: list[str], nonce: str | None = None) -> str:
    now = int(tenant.clock.wall())
    claims = {
        **id_token_claims(user, scopes),
        "iss": tenant.issuer,
        "aud": client_id,
        "exp": now + ID_TOKEN_TTL,
        "iat": now,
    }
    if nonce:
        claims["nonce"] = nonce
    return tenant.keys.sign(claims, typ=None)


def opaque_access_token(
    tenant: Tenant, *, client_id: str, user_id: str | None, scopes: list[str], grant_id: str | None
) -> AccessToken:
    now = tenant.now()
    token = AccessToken(
        id=new_token(32),
        kind="opaque",
        client_id=client_id,
        user_id=user_id,
        scopes=scopes,
        audience=None,
        grant_id=grant_id,
        issued_at=now,
        expires_at=now + OPAQUE_ACCESS_TOKEN_TTL,
    )
    with tenant.store.lock:
        tenant.store.access_tokens[token.id] = token
    return token


def jwt_access_token(
    tenant: Tenant,
    *,
    client_id: str,
    subject: str | None,
    audience: str,
    scopes: list[str],
    ttl: int,
    grant_id: str | None,
) -> tuple[str, AccessToken]:
    """A resource access token (RFC 9068 ``at+jwt``): claims jti, sub, iat, exp, scope (when any),
    client_id, iss, aud."""
    wall = int(tenant.clock.wall())
    jti = uuid.uuid4().hex
    claims: dict[str, Any] = {"jti": jti, "sub": subject or client_id, "iat": wall, "exp": wall + ttl}
    if scopes:
        claims["scope"] = " ".join(scopes)
    claims.update(client_id=client_id, iss=tenant.issuer, aud=audience)
    record = AccessToken(
        id=jti,
        kind="jwt",
        client_id=client_id,
        user_id=subject,
        scopes=scopes,
        audience=audience,
        grant_id=grant_id,
        issued_at=tenant.now(),
        expires_at=tenant.now() + ttl,
    )
    with tenant.store.lock:
        tenant.store.access_tokens[jti] = record
    return tenant.keys.sign(claims, typ="at+jwt"), record


def refresh_token(
    tenant: Tenant,
    grant: Grant,
    client_id: str,
    scopes: list[str],
    auth_time: float,
    *,
    nonce: str | None = None,
    expires_at: float | None = None,
) -> RefreshToken:
    """A refresh token good for 14 days (Logto's ``refreshTokenTtlInDays`` default), or until
    ``expires_at`` (a rotated SPA token keeps its predecessor's expiry)."""
    now = tenant.now()
    token = RefreshToken(
        token=new_token(32),
        grant_id=grant.id,
        client_id=client_id,
        user_id=grant.user_id,
        scopes=scopes,
        auth_time=auth_time,
        created_at=now,
        expires_at=min(now + REFRESH_TOKEN_TTL if expires_at is None else expires_at, grant.expires_at),
        nonce=nonce,
    )
    with tenant.store.lock:
        tenant.store.refresh_tokens[token.token] = token
    return token


def access_token_for(
    tenant: Tenant,
    *,
    client: Application,
    user: User,
    grant: Grant,
    resource: str | None,
    organization_id: str | None = None,
) -> tuple[str, int, str, list[str]]:
    """``(token, expires_in, scope string, record ids)`` for a user's grant: a JWT for ``resource`` (or an
    organization), else an opaque token good at ``/oidc/me``."""
    if organization_id is not None:
        if "urn:logto:scope:organizations" not in grant.scopes:
            raise invalid_target("organization tokens need the urn:logto:scope:organizations scope")
        if organization_id not in user.organizations:
            raise invalid_target("the user is not a member of this organization")
        scopes: list[str] = []
        token, record = jwt_access_token(
            tenant, client_id=client.id, subject=user.id, audience=f"urn:logto:organization:{organization_id}",
            scopes=scopes, ttl=3600, grant_id=grant.id,
        )  # fmt: skip
        return token, 3600, "", [record.id]
    if resource is not None:
        if resource not in grant.resources:
            raise invalid_target()
        config = tenant.config.resource(resource)
        ttl = config.access_token_ttl if config else 3600
        scopes = grant.resources[resource]
        token, record = jwt_access_token(
            tenant,
            client_id=client.id,
            subject=user.id,
            audience=resource,
            scopes=scopes,
            ttl=ttl,
            grant_id=grant.id,
        )
        return token, ttl, " ".join(scopes), [record.id]
    oidc_scopes = [s for s in grant.scopes if not s.startswith("urn:") or s.startswith("urn:logto:scope:")]
    opaque = opaque_access_token(
        tenant, client_id=client.id, user_id=user.id, scopes=oidc_scopes, grant_id=grant.id
    )
    return opaque.id, OPAQUE_ACCESS_TOKEN_TTL, " ".join(oidc_scopes), [opaque.id]
