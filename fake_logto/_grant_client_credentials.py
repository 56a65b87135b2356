"""The ``client_credentials`` grant: machine-to-machine apps, resource and organization JWT access tokens
(Logto's ``packages/core/src/oidc/grants/client-credentials.ts``, RFC 0006, on node-oidc-provider's
``lib/shared/check_resource.js``).

In Logto's order: an ``organization_id`` the app is not in → 403 ``access_denied``; the resource — the one
named, else the default API, unless an organization token is asked for — checked (``invalid_target``); neither
→ ``invalid_target``; two distinct resources (each checked first) → ``invalid_target`` "only a single resource
indicator value is supported for this grant type". The token carries the requested scopes the app's roles grant (its organization roles
there, with ``organization_id``); unknown scopes are dropped silently; nothing granted → no ``scope`` in the
response or the token (an organization token keeps an empty one).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from ._client_auth import Form
from ._config import RESERVED_RESOURCE_TTL, Application
from ._grants import log_tokens, token_response
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


async def client_credentials(
    tenant: Tenant, client: Application, form: Form, resources: list[str]
) -> dict[str, Any]:
    organization_id = form.get("organization_id") or None
    if organization_id is not None and not application_in_organization(
        tenant.config, client, organization_id
    ):
        raise access_denied("app has not associated with the organization")
    named = resources if len(resources) > 1 else [r for r in resources if r]  # an empty one is none
    resource = None
    indicator = named[-1] if named else None
    if organization_id is None or named:
        default = tenant.config.default_resource
        indicators = named or ([default.indicator] if default else [])
        for indicator in indicators:  # check_resource.js: each checked, in order
            _check_indicator(indicator)
            resource = tenant.config.resource(indicator)
            if resource is None:
                raise invalid_target()
        if len(set(indicators)) > 1:  # client-credentials.ts: after the scope, before the token
            raise invalid_target("only a single resource indicator value is supported for this grant type")
    requested = list(dict.fromkeys(form["scope"].split(" "))) if form.get("scope") else []
    extra = None
    scopes: list[str] | None
    if resource is not None:
        held = application_resource_scopes(
            tenant.config, tenant.store.roles, client, resource.indicator, organization_id
        )
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
