"""``POST /oidc/token``: one handler per grant type, each in a room of its own, dispatched through
:data:`GRANTS` (``_grant_code``, ``_grant_refresh``, ``_grant_client_credentials``)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import paths
from ._client_auth import authenticate, read_form
from ._errors import OAuthError, invalid_request
from ._grant_client_credentials import client_credentials
from ._grant_code import authorization_code
from ._grant_refresh import refresh
from ._grants import GrantHandler
from ._tenant import Tenant

GRANTS: dict[str, GrantHandler] = {
    "authorization_code": authorization_code,
    "refresh_token": refresh,
    "client_credentials": client_credentials,
}
# Logto advertises these too; the fake does not implement them.
_KNOWN_UNSUPPORTED = (
    "implicit",
    "urn:ietf:params:oauth:grant-type:device_code",
    "urn:ietf:params:oauth:grant-type:token-exchange",
)


async def token(request: Request) -> Response:
    tenant: Tenant = request.app.state.tenant
    form = await read_form(request)
    grant_type = form.get("grant_type")
    if not grant_type:
        raise invalid_request("missing required parameter 'grant_type'")
    handler = GRANTS.get(grant_type)
    if handler is None:
        raise OAuthError("unsupported_grant_type", f"unsupported grant_type requested ({grant_type})")
    client = authenticate(request, tenant, form)
    if client.type == "m2m" and grant_type != "client_credentials":
        raise OAuthError("unauthorized_client", "requested grant type is not allowed for this client")
    body = await handler(tenant, client, form)
    return JSONResponse(body, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


ROUTES = [("POST", paths.TOKEN, token)]
