"""The ``client_credentials`` grant: machine-to-machine apps, resource JWT access tokens (Logto's
``packages/core/src/oidc/grants/client-credentials.ts``)."""

from __future__ import annotations

from typing import Any

from ._client_auth import Form
from ._config import Application
from ._errors import OAuthError
from ._grants import log_tokens, resource_param, token_response
from ._issue import invalid_target, jwt_access_token
from ._tenant import Tenant


async def client_credentials(tenant: Tenant, client: Application, form: Form) -> dict[str, Any]:
    if client.type != "m2m":
        raise OAuthError("unauthorized_client", "requested grant type is not allowed for this client")
    indicator = resource_param(form)
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
    body = token_response(
        token, resource.access_token_ttl, " ".join(scopes), id_token_value=None, refresh=None
    )
    log_tokens(tenant, "tokens_issued", "client_credentials", client, None, None, body, resource=indicator)
    return body
