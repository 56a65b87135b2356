"""``POST /oidc/token``: one handler per grant type, each in a room of its own, dispatched through
:data:`GRANTS` (``_grant_code``, ``_grant_refresh``, ``_grant_client_credentials``).

The order of checks is node-oidc-provider's ``lib/actions/token.js``: the body, repeated client
authentication parameters, the client authenticated, a repeated ``grant_type``, its presence, whether
Logto supports it (``unsupported_grant_type``), whether the client may use it (``invalid_request``: Logto's
``packages/core/src/oidc/utils.ts`` gives interactive apps ``authorization_code`` + ``refresh_token`` and
machine-to-machine apps ``client_credentials``), other repeated parameters, the ``scope`` syntax, then
the grant.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import paths
from ._client_auth import AUTH_PARAMS, Form, authenticate, basic_challenge, missing, read_form, reject_dupes
from ._config import Application
from ._errors import OAuthError, invalid_request
from ._grant_client_credentials import client_credentials
from ._grant_code import authorization_code
from ._grant_refresh import refresh
from ._grants import GrantHandler
from ._request_checks import valid_scope
from ._tenant import Tenant

GRANTS: dict[str, GrantHandler] = {
    "authorization_code": authorization_code,
    "refresh_token": refresh,
    "client_credentials": client_credentials,
}
# Logto supports these too; no app of the fake's config is allowed them (token exchange needs
# `allowTokenExchange`, the device flow a device-flow native app), so they answer "not allowed".
_NOT_ALLOWED = (
    "urn:ietf:params:oauth:grant-type:device_code",
    "urn:ietf:params:oauth:grant-type:token-exchange",
)
_ALLOWED: dict[str, frozenset[str]] = {
    "m2m": frozenset({"client_credentials"}),
}
# Each grant's parameters (node-oidc-provider's grants, Logto's grants/*.ts `parameters`, plus the
# repeatable `resource` of resource indicators).
GRANT_PARAMS: dict[str, frozenset[str]] = {
    "authorization_code": frozenset({"code", "code_verifier", "redirect_uri", "resource"}),
    "refresh_token": frozenset({"refresh_token", "scope", "organization_id", "resource"}),
    "client_credentials": frozenset({"scope", "organization_id", "resource"}),
}
_INTERACTIVE = frozenset({"authorization_code", "refresh_token"})


async def token(request: Request) -> Response:
    tenant: Tenant = request.app.state.tenant
    form = await read_form(request)
    client = authenticate(request, tenant, form)
    try:
        body = await _grant(request, tenant, client, form)
    except OAuthError as exc:
        raise basic_challenge(request, tenant, exc) from None
    return JSONResponse(body, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


async def _grant(request: Request, tenant: Tenant, client: Application, form: Form) -> dict[str, Any]:
    reject_dupes(request, only=frozenset({"grant_type"}))
    grant_type = form.get("grant_type", "")
    params = GRANT_PARAMS.get(grant_type)
    if params is not None:  # node-oidc-provider strips the parameters the grant does not know
        form = {k: v for k, v in form.items() if k in params or k in AUTH_PARAMS or k == "grant_type"}
        request.state.form_keys = [k for k in request.state.form_keys if k in form]
    missing(form, "grant_type")
    handler = GRANTS.get(grant_type)
    if handler is None and grant_type not in _NOT_ALLOWED:
        raise OAuthError("unsupported_grant_type", "unsupported grant_type requested")
    if handler is None or grant_type not in _ALLOWED.get(client.type, _INTERACTIVE):
        raise invalid_request("requested grant type is not allowed for this client")
    reject_dupes(request, allow=frozenset({"resource"}))
    if not valid_scope(form.get("scope")):
        raise OAuthError("invalid_scope", "scope contains invalid characters")
    resources = [v for k, v in request.state.form_items if k == "resource"]
    return await handler(tenant, client, form, resources)


ROUTES = [("POST", paths.TOKEN, token)]
