"""``/oidc/me``: the claims of the granted scopes for an opaque access token (a resource JWT is refused,
as in Logto, where it is meant for the API it names).

As node-oidc-provider's ``lib/actions/userinfo.js`` with ``lib/helpers/oidc_context.js`` ``getAccessToken``
(one mechanism: the ``Authorization: Bearer`` header or a form body's ``access_token``; never the query)
and ``lib/shared/set_www_authenticate_header.js``: every refusal carries ``WWW-Authenticate: Bearer
realm="<issuer>"`` plus ``error``, ``error_description`` and ``scope`` (only ``realm`` when no token was
sent). A cross-origin call from an origin the token's client does not allow is refused as on the token
endpoint (``_cors.py``). A user deleted since is Logto's ``findAccount`` ``invalid_grant`` (``packages/core/src/oidc/init.ts``).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import paths
from ._claims import userinfo_claims
from ._client_auth import format_list, read_body
from ._cors import check_client_origin
from ._errors import OAuthError, invalid_grant, invalid_request, invalid_token, www_authenticate
from ._request_checks import valid_scope
from ._tenant import Tenant


async def _access_token(request: Request) -> tuple[str, str | None]:
    """The access token and the request's ``scope`` parameter."""
    # conditional_body.js: a POST body read as selective_body.js (and Logto) read it (:func:`read_body`)
    items = await read_body(request) if request.method == "POST" else request.query_params.multi_items()
    keys = [k for k, _ in items]
    dupes = [k for k in ("scope", "access_token") if keys.count(k) > 1]  # reject_dupes.js
    if dupes:
        noun = "parameter" if len(dupes) == 1 else "parameters"
        raise invalid_request(f"{format_list(dupes)} {noun} must not be provided twice")
    form = dict(items) if request.method == "POST" else {}
    mechanisms = {
        "body": form.get("access_token", ""),
        "header": request.headers.get("authorization", ""),
        "query": request.query_params.get("access_token", ""),
    }
    given = [(name, value) for name, value in mechanisms.items() if value]
    if not given:
        raise invalid_token("no access token provided")
    if len(given) > 1:
        raise invalid_request("access token must only be provided using one mechanism")
    mechanism, value = given[0]
    if mechanism == "query":
        raise invalid_request("access tokens must not be provided via query parameter")
    if mechanism == "header":
        parts = value.split(" ")
        if len(parts) != 2:
            raise invalid_request("invalid authorization header value format")
        if parts[0].lower() == "dpop":
            raise invalid_request("`DPoP` header not provided")
        if parts[0].lower() != "bearer":
            raise invalid_request("authorization header scheme must be `Bearer`")
        value = parts[1]
    scope = form.get("scope") if request.method == "POST" else request.query_params.get("scope")
    return value, scope


async def userinfo(request: Request) -> Response:
    tenant: Tenant = request.app.state.tenant
    try:
        return await _userinfo(request, tenant)
    except OAuthError as exc:
        fields = {"realm": tenant.issuer}
        if exc.description != "no access token provided":
            fields.update(error=exc.error, error_description=exc.description)
        exc.headers["WWW-Authenticate"] = www_authenticate("Bearer", **fields, scope=exc.scope)
        raise


async def _userinfo(request: Request, tenant: Tenant) -> Response:
    value, scope = await _access_token(request)
    store = tenant.store
    with store.lock:
        record = store.access_tokens.get(value)
        if record is None or record.revoked or record.expires_at <= tenant.now() or record.kind != "opaque":
            raise invalid_token()
        if "openid" not in record.scopes:
            raise OAuthError("insufficient_scope", "access token missing openid scope", 403, scope="openid")
        if scope:
            if not valid_scope(scope):
                raise invalid_request("scope contains invalid characters")
            absent = [s for s in scope.split(" ") if s not in record.scopes]
            if absent:
                raise OAuthError(
                    "insufficient_scope", "access token missing requested scope", 403, scope=" ".join(absent)
                )
        client = tenant.config.application(record.client_id)
        if client is None:
            raise invalid_token()
        check_client_origin(request, client, tenant)  # clientBasedCORS, as the token's client is loaded
        user = store.users.get(record.user_id or "")
        if user is None:
            raise invalid_grant()
        grant = store.live_grant(record.grant_id or "")
        if grant is None or grant.client_id != record.client_id or grant.user_id != record.user_id:
            raise invalid_token()
    scopes = scope.split(" ") if scope else record.scopes
    return JSONResponse(userinfo_claims(user, scopes), headers={"Cache-Control": "no-store"})


ROUTES = [("GET", paths.USERINFO, userinfo), ("POST", paths.USERINFO, userinfo)]
