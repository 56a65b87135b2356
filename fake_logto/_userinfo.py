"""``/oidc/me``: the claims of the granted scopes for an opaque access token (a resource JWT is refused,
as in Logto, where it is meant for the API it names)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import paths
from ._claims import userinfo_claims
from ._errors import OAuthError, invalid_token
from ._tenant import Tenant


async def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    if request.method == "POST" and request.headers.get("content-type", "").startswith(
        "application/x-www-form-urlencoded"
    ):
        form = await request.form()
        token = form.get("access_token")
        if isinstance(token, str) and token:
            return token
    raise invalid_token("no access token provided")


async def userinfo(request: Request) -> Response:
    tenant: Tenant = request.app.state.tenant
    value = await _bearer(request)
    store = tenant.store
    with store.lock:
        record = store.access_tokens.get(value)
        if record is None or record.revoked or record.expires_at <= tenant.now() or record.kind != "opaque":
            raise invalid_token("invalid token provided")
        user = store.users.get(record.user_id or "")
    if user is None:
        raise invalid_token("invalid token provided")
    if "openid" not in record.scopes:
        raise OAuthError("insufficient_scope", "access token missing 'openid' scope", 403)
    return JSONResponse(userinfo_claims(user, record.scopes), headers={"Cache-Control": "no-store"})


ROUTES = [("GET", paths.USERINFO, userinfo), ("POST", paths.USERINFO, userinfo)]
