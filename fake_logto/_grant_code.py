"""The ``authorization_code`` grant: 60 s, single use (a second use revokes everything the first issued),
the redirect URI of the authorization request, PKCE S256 (node-oidc-provider's
``lib/actions/grants/authorization_code.js``)."""

from __future__ import annotations

import secrets
from typing import Any

from ._authorize import s256
from ._client_auth import Form
from ._config import Application
from ._errors import invalid_grant, invalid_request
from ._grants import grant_user, log_tokens, resource_param, token_response
from ._issue import access_token_for, id_token, invalid_target, refresh_token
from ._tenant import Tenant


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
    user = grant_user(tenant, code.user_id)
    resource = resource_param(form)
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
    body = token_response(
        access,
        expires_in,
        scope,
        id_token_value=id_token(tenant, user, client.id, grant.scopes, code.nonce)
        if "openid" in grant.scopes
        else None,
        refresh=refresh.token if refresh else None,
    )
    log_tokens(tenant, "tokens_issued", "authorization_code", client, grant, user, body, resource=resource)
    return body
