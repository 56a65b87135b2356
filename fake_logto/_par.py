"""``POST /oidc/request``: pushed authorization requests (RFC 9126), served and advertised as Logto does —
node-oidc-provider v9 enables ``features.pushedAuthorizationRequests`` by default
(``lib/helpers/defaults.js``) and Logto's ``packages/core/src/oidc/init.ts`` leaves it on.

node-oidc-provider's ``pushed_authorization_request`` stack (``lib/actions/authorization/index.js``), in
its order: the body read and the client authenticated as at the token endpoint (:mod:`._client_auth`); the
authorization parameters (``lib/consts/param_list.js``, ``resource`` and Logto's extra parameters; an empty
value is no value), a repeat refused but ``resource``'s; ``request`` and ``request_uri`` refused
(``reject_unsupported.js``: request objects are off, a request_uri belongs to ``/oidc/auth``); an unknown
``response_mode``; ``response_type`` and ``client_id`` both present (``oauth_required.js``: HTTP Basic
alone does not name the client here); no ``registration`` (``reject_registration.js``); a client with one registered redirect_uri gets it when none is
given (``one_redirect_uri_clients.js``; ``allowUnregisteredRedirectUris`` is off, so any other must be
registered); then every check of ``/oidc/auth`` (:func:`._authorize.validate`). Each error is JSON in
Logto's shape, never sent to the redirect_uri, and a redirect_uri not registered is ``invalid_request``
(``pushed_authorization_request_remap_errors.js``). Success: 201 ``{"expires_in": 60, "request_uri":
"urn:ietf:params:oauth:request_uri:<id>"}`` (``pushed_authorization_request_response.js``), good at
``/oidc/auth`` for 60 s and until its code is issued (:func:`._authorize.pushed_items`).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import _prompts, paths
from ._authorize import PUSHED_REQUEST_URN, validate
from ._client_auth import authenticate, missing, read_form, reject_dupes
from ._errors import OAuthError
from ._response_modes import MODES
from ._store import PUSHED_REQUEST_TTL, PushedRequest, new_token
from ._tenant import Tenant

PARAMS = frozenset(
    {
        "acr_values", "claims_locales", "client_id", "code_challenge", "code_challenge_method", "display",
        "id_token_hint", "login_hint", "max_age", "nonce", "prompt", "redirect_uri", "registration",
        "request", "request_uri", "response_mode", "response_type", "scope", "state", "ui_locales",
        "resource", *_prompts.EXTRA_PARAMS,
    }
)  # fmt: skip


async def push(request: Request) -> Response:
    tenant: Tenant = request.app.state.tenant
    form = await read_form(request)
    client = authenticate(request, tenant, form)
    pairs: list[tuple[str, str]] = [(k, v) for k, v in request.state.form_items if k in PARAMS]
    request.state.form_keys = [k for k, _ in pairs]
    reject_dupes(request, allow=frozenset({"resource"}))
    items = [(k, v) for k, v in pairs if v]
    params = dict(items)
    if "request" in params:
        raise OAuthError("request_not_supported", "")
    if "request_uri" in params:
        raise OAuthError("request_uri_not_supported", "")
    if params.get("response_mode", "query") not in MODES:
        raise OAuthError("unsupported_response_mode", "unsupported response_mode requested")
    missing(params, "response_type", "client_id")
    if "registration" in params:  # reject_registration.js
        raise OAuthError("registration_not_supported", "")
    if "redirect_uri" not in params and len(client.redirect_uris) == 1:
        items.append(("redirect_uri", client.redirect_uris[0]))
    try:
        _client, _back, checked = validate(tenant, items)
    except OAuthError as exc:  # answered here, as JSON
        error = "invalid_request" if exc.error == "invalid_redirect_uri" else exc.error
        raise OAuthError(error, exc.description, exc.status, client_id=client.id, scope=exc.scope) from None
    pushed = PushedRequest(
        id=new_token(16)[:21],  # node-oidc-provider's nanoid(): 21 URL-safe characters
        client_id=client.id,
        items=items,
        expires_at=tenant.now() + PUSHED_REQUEST_TTL,
    )
    with tenant.store.lock:
        tenant.store.pushed_requests[pushed.id] = pushed
    request_uri = PUSHED_REQUEST_URN + pushed.id
    tenant.events.record(
        "pushed_authorization_request", client_id=client.id, request_uri=request_uri,
        redirect_uri=checked["redirect_uri"], scopes=checked["scopes"], resources=checked["resources"],
    )  # fmt: skip
    return JSONResponse(
        {"expires_in": PUSHED_REQUEST_TTL, "request_uri": request_uri},
        status_code=201,
        headers={"Cache-Control": "no-store"},
    )


ROUTES = [("POST", paths.PAR, push)]
