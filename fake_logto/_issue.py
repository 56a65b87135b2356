"""Minting tokens: ID tokens, opaque, resource and organization (``at+jwt``) access tokens, refresh tokens.

Every grant type ends here. Token shapes follow node-oidc-provider v9: an ID token's header is
``{alg, kid}`` without ``typ`` (``lib/models/id_token.js`` signs the ``idtoken`` use with no ``typ``;
``lib/helpers/jwt.js`` drops an undefined one), a resource access token's is ``{alg, typ: "at+jwt", kid}``
and it carries no ``scope`` claim when no scope was granted (``lib/models/formats/jwt.js``: ``scope:
scope || undefined``). JWT ``iat``/``exp`` use the wall clock (SDKs verify them against their own
clock); the stored records expire on the tenant clock (the fake checks them). Token response shape:
``{access_token, expires_in, id_token?, refresh_token?, scope, token_type: "Bearer"}``.

Which access token a user's grant gets, and which scopes it carries (:func:`access_token_for`):

- ``organization_id`` without ``resource``: an organization token, audience ``urn:logto:organization:<id>``,
  3600 s, carrying the organization scopes of the user's organization roles there that the request (or the
  refresh token) holds (``packages/core/src/oidc/grants/refresh-token.ts``, ``grants/utils.ts``
  ``handleOrganizationToken``).
- a resource — named, or when none is named and ``openid`` is not in the scopes the grant's resource (of
  several, Logto's default API; node-oidc-provider's ``lib/helpers/resolve_resource.js`` with Logto's
  ``defaultResource`` and ``useGrantedResource: () => false``, ``packages/core/src/oidc/init.ts``): a JWT
  carrying the granted scopes the user's roles (and organization roles, narrowed to ``organization_id`` when given, which the
  token then names in an ``organization_id`` claim: ``packages/core/src/oidc/extra-token-claims.ts``) grant.
- else an opaque token good at ``/oidc/me``.

A ``scope`` that is empty stays in the JWT and the response as ``""``; one that is absent (a
``client_credentials`` token with nothing granted) is left out (the Logto fork's ``scope-always-present``
patch, logto-io/node-oidc-provider ``PATCHES.md``).
"""

from __future__ import annotations

import uuid
from typing import Any

from ._claims import id_token_claims
from ._config import RESERVED_RESOURCE_TTL, Application
from ._errors import OAuthError
from ._rbac import user_organization_scopes, user_resource_scopes
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


ORGANIZATIONS_SCOPE = "urn:logto:scope:organizations"


def invalid_target(description: str = "resource indicator is missing, or unknown") -> OAuthError:
    return OAuthError("invalid_target", description)


def access_denied(description: str) -> OAuthError:
    """Logto's RFC 0001 / 0006 denials answer 403 (``packages/core/src/oidc/grants/utils.ts``)."""
    return OAuthError("access_denied", description, 403)


def organization_urn(organization_id: str) -> str:
    return f"urn:logto:organization:{organization_id}"


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
    scopes: list[str] | None,
    ttl: int,
    grant_id: str | None,
    extra: dict[str, Any] | None = None,
) -> tuple[str, AccessToken]:
    """A resource access token (RFC 9068 ``at+jwt``): claims jti, sub, iat, exp, scope (unless ``scopes`` is
    None: node-oidc-provider's ``lib/models/formats/jwt.js`` leaves an unset scope out, while Logto's
    organization tokens carry ``scope: ""`` — its integration test ``client-credentials-grant.test.ts``),
    client_id, iss, aud, then Logto's extra token claims."""
    wall = int(tenant.clock.wall())
    jti = uuid.uuid4().hex
    claims: dict[str, Any] = {"jti": jti, "sub": subject or client_id, "iat": wall, "exp": wall + ttl}
    if scopes is not None:
        claims["scope"] = " ".join(scopes)
    claims.update({"client_id": client_id, "iss": tenant.issuer, "aud": audience, **(extra or {})})
    record = AccessToken(
        id=jti,
        kind="jwt",
        client_id=client_id,
        user_id=subject,
        scopes=scopes or [],
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


def check_organization_access(user: User, token_scopes: list[str], organization_id: str) -> None:
    """The refresh grant's RFC 0001 checks, membership first (``packages/core/src/oidc/grants/utils.ts``
    ``checkOrganizationAccess``, then ``refresh-token.ts``): both answer 403."""
    if organization_id not in user.organizations:
        raise access_denied("user is not a member of the organization")
    if ORGANIZATIONS_SCOPE not in token_scopes:
        # InsufficientScope(..., UserScope.Organizations): node-oidc-provider's err_out puts it in the body
        raise OAuthError(
            "insufficient_scope", "refresh token missing required scope", 403, scope=ORGANIZATIONS_SCOPE
        )


def granted_scopes(grant: Grant) -> list[str]:
    """The scopes a code or refresh token of ``grant`` holds: the OIDC scopes and every resource scope
    granted (node-oidc-provider's ``lib/helpers/combined_scope.js``)."""
    combined = list(grant.scopes)
    for scopes in grant.resources.values():
        combined.extend(s for s in scopes if s not in combined)
    return combined


def _resolve_resource(tenant: Tenant, grant: Grant, requested: str | None, scopes: list[str]) -> str | None:
    """The resource a user's token is for (node-oidc-provider's ``lib/helpers/resolve_resource.js``): the one
    named; else, without ``openid``, the code's (or refresh token's) resource — the grant's only one, or
    of several Logto's ``defaultResource`` (``packages/core/src/oidc/init.ts``), which must be among them."""
    if requested is not None:
        if requested not in grant.resources:
            raise invalid_target()
        return requested
    if not grant.resources or "openid" in scopes:
        return None
    if len(grant.resources) == 1:
        return next(iter(grant.resources))
    default = tenant.config.default_resource
    if default is None:
        return None
    if default.indicator not in grant.resources:
        raise invalid_target()
    return default.indicator


def access_token_for(
    tenant: Tenant,
    *,
    client: Application,
    user: User,
    grant: Grant,
    resource: str | None,
    organization_id: str | None = None,
    scopes: list[str] | None = None,
) -> tuple[str, int, str, list[str]]:
    """``(token, expires_in, scope string, record ids)`` for a user's grant (see the module docstring).
    ``scopes`` are the request's (a refresh ``scope``); None: every scope the grant holds."""
    effective = granted_scopes(grant) if scopes is None else scopes
    if organization_id is not None and resource is None:
        held = user_organization_scopes(tenant.config, user, organization_id)
        issued = [s for s in held if s in effective]
        token, record = jwt_access_token(
            tenant, client_id=client.id, subject=user.id, audience=organization_urn(organization_id),
            scopes=issued, ttl=RESERVED_RESOURCE_TTL, grant_id=grant.id,
        )  # fmt: skip
        return token, RESERVED_RESOURCE_TTL, " ".join(issued), [record.id]
    indicator = _resolve_resource(tenant, grant, resource, effective)
    if indicator is not None:
        config = tenant.config.resource(indicator)
        if config is None:
            raise invalid_target()
        held_scopes = user_resource_scopes(
            tenant.config, tenant.store.roles, user, indicator, organization_id
        )
        issued = [s for s in grant.resources[indicator] if s in effective and s in held_scopes]
        token, record = jwt_access_token(
            tenant, client_id=client.id, subject=user.id, audience=indicator, scopes=issued,
            ttl=config.access_token_ttl, grant_id=grant.id,
            extra={"organization_id": organization_id} if organization_id is not None else None,
        )  # fmt: skip
        return token, config.access_token_ttl, " ".join(issued), [record.id]
    oidc_scopes = [s for s in grant.scopes if s in effective]
    opaque = opaque_access_token(
        tenant, client_id=client.id, user_id=user.id, scopes=oidc_scopes, grant_id=grant.id
    )
    return opaque.id, OPAQUE_ACCESS_TOKEN_TTL, " ".join(oidc_scopes), [opaque.id]
