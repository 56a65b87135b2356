"""The ``client_credentials`` grant: machine-to-machine apps, resource and organization JWT access tokens
(Logto's ``packages/core/src/oidc/grants/client-credentials.ts``, RFC 0006, on node-oidc-provider's
``lib/shared/check_resource.js``).

In Logto's order: an ``organization_id`` the app is not in → 403 ``access_denied``; the resource — the one
named, else the default API, unless an organization token is asked for — checked (``invalid_target``); neither
→ ``invalid_target``. The token carries the requested scopes the app's roles grant (its organization roles
there, with ``organization_id``); unknown scopes are dropped silently; nothing granted → no ``scope`` in the
response or the token (an organization token keeps an empty one).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from ._client_auth import Form
from ._config import RESERVED_RESOURCE_TTL, Application
from ._grants import log_tokens, resource_param, token_response
from ._issue import access_denied, invalid_target, jwt_access_token, organization_urn
from ._rbac import application_in_organization, application_organization_scopes, application_resource_scopes
from ._tenant import Tenant


def _check_indicator(indicator: str) -> None:
    """node-oidc-provider's ``checkResource``: an absolute URI without a fragment."""
    parts = urlsplit(indicator)
    if not parts.scheme:
        raise invalid_target("resource indicator must be an absolute URI")
    if "#" in indicator:
        raise invalid_target("resource indicator must not contain a fragment component")


async def client_credentials(tenant: Tenant, client: Application, form: Form) -> dict[str, Any]:
    organization_id = form.get("organization_id") or None
    if organization_id is not None and not application_in_organization(
        tenant.config, client, organization_id
    ):
        raise access_denied("app has not associated with the organization")
    indicator = resource_param(form)
    resource = None
    if organization_id is None or indicator is not None:
        default = tenant.config.default_resource
        indicator = indicator or (default.indicator if default else None)
        if indicator is not None:
            _check_indicator(indicator)
            resource = tenant.config.resource(indicator)
            if resource is None:
                raise invalid_target()
    requested = list(dict.fromkeys(form["scope"].split(" "))) if form.get("scope") else []
    extra = None
    scopes: list[str] | None
    if resource is not None:
        held = application_resource_scopes(tenant.config, client, resource.indicator, organization_id)
        scopes = [s for s in requested if s in held] or None
        audience, ttl = resource.indicator, resource.access_token_ttl
        extra = {"organization_id": organization_id} if organization_id is not None else None
    elif organization_id is not None:
        held_scopes = application_organization_scopes(tenant.config, client, organization_id)
        scopes = [s for s in held_scopes if s in requested]
        audience, ttl = organization_urn(organization_id), RESERVED_RESOURCE_TTL
    else:
        raise invalid_target("both `resource` and `organization_id` are not provided")
    token, _record = jwt_access_token(
        tenant, client_id=client.id, subject=None, audience=audience, scopes=scopes, ttl=ttl,
        grant_id=None, extra=extra,
    )  # fmt: skip
    body = token_response(
        token, ttl, None if scopes is None else " ".join(scopes), id_token_value=None, refresh=None
    )
    log_tokens(
        tenant, "tokens_issued", "client_credentials", client, None, None, body,
        resource=indicator, organization_id=organization_id,
    )  # fmt: skip
    return body
