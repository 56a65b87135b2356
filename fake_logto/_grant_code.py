"""The ``authorization_code`` grant: 60 s, single use (a second use revokes everything the first issued),
the redirect URI of the authorization request, PKCE S256 (node-oidc-provider's
``lib/actions/grants/authorization_code.js``, ``lib/helpers/grant_common.js``, ``lib/helpers/pkce.js``).
Every failure about the code itself is ``invalid_grant`` "grant request is invalid" (node-oidc-provider
keeps its detail out of the body)."""

from __future__ import annotations

import secrets
from typing import Any

from ._authorize import s256
from ._client_auth import Form, missing
from ._config import Application
from ._errors import invalid_grant
from ._grants import grant_user, log_tokens, resource_param, token_response
from ._issue import access_token_for, id_token, invalid_target, refresh_token
from ._request_checks import check_format
from ._tenant import Tenant


def check_pkce(verifier: str | None, challenge: str | None, method: str | None) -> None:
    """node-oidc-provider's ``lib/helpers/pkce.js``: a malformed verifier is an ``invalid_request``
    (``lib/helpers/pkce_format.js``); any other mismatch an ``invalid_grant``."""
    if verifier:
        check_format(verifier, "code_verifier")
    if not (verifier or challenge):
        return
    if (
        not verifier
        or method != "S256"
        or challenge is None
        or not secrets.compare_digest(s256(verifier).encode(), challenge.encode())
    ):
        raise invalid_grant()


def issues_refresh_token(tenant: Tenant, client: Application, scopes: list[str]) -> bool:
    """Logto's ``issueRefreshToken`` (``packages/core/src/oidc/init.ts``): with ``offline_access``
    granted, or for a web (non-native) application whose ``customClientMetadata.alwaysIssueRefreshToken``
    is set — without ``prompt=consent``. Every application running this grant allows ``refresh_token``."""
    if "offline_access" in scopes:
        return True
    with tenant.store.lock:
        row = tenant.store.roles.app_rows.get(client.id)
    always = row is not None and row.custom_client_metadata.get("alwaysIssueRefreshToken") is True
    return client.type != "native" and always


async def authorization_code(
    tenant: Tenant, client: Application, form: Form, _resources: list[str]
) -> dict[str, Any]:
    if "redirect_uri" not in form and len(client.redirect_uris) == 1:
        # allowOmittingSingleRegisteredRedirectUri (node-oidc-provider's default, kept by Logto)
        form = {**form, "redirect_uri": client.redirect_uris[0]}
    missing(form, "code", "redirect_uri")
    redirect_uri = form["redirect_uri"]
    store = tenant.store
    with store.lock:
        # node-oidc-provider's order: found, the client's, in time, its grant, PKCE, the redirect_uri,
        # and only then single use — a replay that fails an earlier check revokes nothing.
        code = store.codes.get(form["code"])
        if code is None or code.client_id != client.id or code.expires_at <= tenant.now():
            raise invalid_grant()
        if store.live_grant(code.grant_id) is None:
            raise invalid_grant()
        check_pkce(form.get("code_verifier"), code.code_challenge, code.code_challenge_method)
        if code.redirect_uri != redirect_uri:
            raise invalid_grant()
        if code.consumed:
            # A replayed code: revoke everything issued from its grant (RFC 6749 §4.1.2).
            store.revoke_grant(code.grant_id)
            raise invalid_grant()
        code.consumed = True
        grant = store.live_grant(code.grant_id)
    if grant is None:
        raise invalid_grant()
    user = grant_user(tenant, code.user_id)
    resource = resource_param(form)
    if resource is not None and tenant.config.resource(resource) is None:
        raise invalid_target()
    access, expires_in, scope, ids = access_token_for(
        tenant, client=client, user=user, grant=grant, resource=resource
    )
    refresh = (
        refresh_token(tenant, grant, client.id, code.scopes, code.auth_time, nonce=code.nonce)
        if issues_refresh_token(tenant, client, grant.scopes)
        else None
    )
    with store.lock:
        code.issued.extend(ids + ([refresh.token] if refresh else []))
    body = token_response(  # buildTokenResponse (lib/helpers/grant_common.js): the access token's scope
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
