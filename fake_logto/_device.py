"""``POST /oidc/device/auth``: the device authorization endpoint discovery advertises.

Logto enables node-oidc-provider's device flow (``deviceFlow`` in ``packages/core/src/oidc/init.ts``)
but only a native app marked for it (``isDeviceFlow``) may use the grant; no application of this tenant
is one. So the endpoint answers what Logto answers every other client, in node-oidc-provider's order
(``lib/actions/authorization/index.js`` for ``device_authorization``): the body read as at the token
endpoint, the client authenticated, then ``check_client_grant_type.js``'s 400 ``invalid_request``
"urn:ietf:params:oauth:grant-type:device_code is not allowed for this client".
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from . import paths
from ._client_auth import authenticate, read_form
from ._errors import invalid_request
from ._tenant import Tenant

DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code"


async def device_authorization(request: Request) -> Response:
    tenant: Tenant = request.app.state.tenant
    form = await read_form(request)
    authenticate(request, tenant, form)
    raise invalid_request(f"{DEVICE_CODE} is not allowed for this client")


ROUTES = [("POST", paths.DEVICE_AUTH, device_authorization)]
