"""``/oidc/auth``: the authorization request, and ``/oidc/auth/<uid>`` which resumes it.

Order of checks as node-oidc-provider (``lib/actions/authorization/index.js``): the client and the exact
redirect_uri first — until both are good an error cannot be sent back, and Logto's ``renderError``
(``packages/core/src/oidc/init.ts``) answers it as JSON, 400 ``{error, error_description, state?, iss}``
plus Logto's ``code`` (``lib/shared/authorization_error_handler.js``, :mod:`._auth_errors`); then everything else as an error
sent back to the redirect_uri by the response mode (:mod:`._response_modes`) with ``state`` and ``iss`` —
each an :class:`~._errors.OAuthError` rendered by the one handler. Then the interaction policy
(:mod:`._prompts`): a session that will do, with a grant covering the request, gets the code at once;
otherwise the browser goes to ``/sign-in?…`` or ``/consent?app_id=…`` with a new interaction.

The resume, ``/oidc/auth/<uid>``, is :mod:`._resume`'s and runs the same policy (:func:`decide`).
A ``request_uri`` of a pushed request (:mod:`._par`) stands for its parameters (:func:`pushed_items`).
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import Response

from . import _cookies, _prompts, paths
from ._auth_errors import REDIRECT_URI_MISMATCH, Unredirectable, early_error, reject_dupes, single
from ._client_auth import post_as_get
from ._config import Application
from ._errors import SendBack
from ._issue import OIDC_SCOPES
from ._redirect_uris import redirect_uri_allowed
from ._request_checks import openid_scope_error, pkce_error, valid_scope
from ._response_modes import MODES, respond
from ._store import (
    AUTHORIZATION_CODE_TTL,
    GRANT_TTL,
    SESSION_TTL,
    AuthorizationCode,
    Grant,
    Session,
    new_id,
    new_token,
)
from ._tenant import Tenant

PROMPTS = ("none", "login", "consent")
PUSHED_REQUEST_URN = "urn:ietf:params:oauth:request_uri:"  # node-oidc-provider's lib/consts/index.js
REQUEST_URI_INVALID = "request_uri is invalid, expired, or was already used"


def _tenant(request: Request) -> Tenant:
    tenant: Tenant = request.app.state.tenant
    return tenant


def query_items(request: Request) -> list[tuple[str, str]]:
    """The query as (key, value) pairs, tolerant of the Go SDK's unencoded values (literal spaces that
    browsers send as %20, raw ``:`` and ``/`` in redirect_uri)."""
    raw = request.scope.get("query_string", b"").decode("latin-1")
    return parse_qsl(raw, keep_blank_values=True)


async def request_params(request: Request) -> list[tuple[str, str]]:
    """The query, or a POST's body as Logto forwards it to the GET route (:func:`._client_auth.post_as_get`)."""
    if request.method == "POST":
        return await post_as_get(request)
    return query_items(request)


def _first(items: list[tuple[str, str]], key: str, back: SendBack) -> str | None:
    values = [v for k, v in items if k == key]
    if len(values) > 1 and key != "resource":
        raise back.error("invalid_request", f"'{key}' parameter must not be provided twice")
    return values[0] if values else None


def _client(tenant: Tenant, items: list[tuple[str, str]]) -> Application:
    """``check_client.js``: the error is rendered (JSON)."""
    client_id = next((v for k, v in items if k == "client_id"), None)
    if not client_id:
        raise Unredirectable(tenant, items, "invalid_request", "missing required parameter 'client_id'", None)
    client = tenant.config.application(client_id)
    if client is None:
        raise Unredirectable(tenant, items, "invalid_client", "client is invalid", client_id)
    return client


def _client_and_redirect(tenant: Tenant, items: list[tuple[str, str]]) -> tuple[Application, str]:
    """The client and its exact redirect_uri; until both are good, errors are rendered (JSON), not sent."""
    client = _client(tenant, items)
    redirect_uri = next((v for k, v in items if k == "redirect_uri"), None)
    if not redirect_uri:
        raise Unredirectable(
            tenant, items, "invalid_request", "missing required parameter 'redirect_uri'", client.id
        )
    if not redirect_uri_allowed(client, redirect_uri):
        raise Unredirectable(tenant, items, "invalid_redirect_uri", REDIRECT_URI_MISMATCH, client.id)
    return client, redirect_uri


def pushed_items(tenant: Tenant, items: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], str | None]:
    """The request's parameters, and the id of the pushed request they came from. ``request`` is refused
    (request objects are off in Logto: ``reject_unsupported.js``); a ``request_uri`` must name a live
    pushed request (``load_pushed_authorization_request.js``) of the same client and response type, whose
    parameters then replace all others (``process_request_object.js``)."""
    keys = [k for k, v in items if v]  # node-oidc-provider's Params: an empty value is no value
    if "request" in keys:
        raise early_error(tenant, items, "request_not_supported", "")
    if "request_uri" not in keys:
        return items, None
    client = _client(tenant, items)
    uri = next(v for k, v in items if k == "request_uri" and v)
    if not uri.startswith(PUSHED_REQUEST_URN):
        raise early_error(tenant, items, "request_uri_not_supported", "")
    pushed = tenant.store.live_pushed_request(uri.removeprefix(PUSHED_REQUEST_URN))
    if pushed is None:
        raise early_error(tenant, items, "invalid_request_uri", REQUEST_URI_INVALID)
    replaced = ("state", "response_mode", "response_type")  # replaced before the checks below
    merged = [(k, v) for k, v in items if k not in replaced] + [p for p in pushed.items if p[0] in replaced]
    inner = dict(pushed.items)
    asked = single(items, "response_type")
    if asked is not None and asked != inner.get("response_type"):
        description = "request response_type must equal the one in request parameters"
        raise early_error(tenant, merged, "invalid_request_object", description)
    if inner.get("client_id") != client.id:
        description = "request client_id must equal the one in request parameters"
        raise early_error(tenant, merged, "invalid_request_object", description)
    return pushed.items, pushed.id


def validate(tenant: Tenant, items: list[tuple[str, str]]) -> tuple[Application, SendBack, dict[str, Any]]:
    """Check an authorization request; returns the client, the way back to it and the normalized
    parameters. Raises OAuthError: on the error page, or sent back to the redirect_uri."""
    client, redirect_uri = _client_and_redirect(tenant, items)
    mode = next((v for k, v in items if k == "response_mode"), None)
    back = SendBack(
        redirect_uri, next((v for k, v in items if k == "state"), None), client.id,
        response_mode=mode if mode in MODES else "query",
    )  # fmt: skip
    state = _first(items, "state", back)
    if mode is not None and mode not in MODES:  # check_response_mode.js
        raise back.error("unsupported_response_mode", "unsupported response_mode requested")
    params: dict[str, Any] = {"client_id": client.id, "redirect_uri": redirect_uri, "state": state}
    response_type = _first(items, "response_type", back)
    if response_type is None:
        raise back.error("invalid_request", "missing required parameter 'response_type'")
    if _first(items, "registration", back):  # reject_registration.js
        raise back.error("registration_not_supported", "")
    if response_type != "code":
        raise back.error("unsupported_response_type", "unsupported response_type requested")
    if client.type == "m2m":
        raise back.error("unauthorized_client", "requested response_type is not allowed for this client")
    prompts = (_first(items, "prompt", back) or "").split()
    if any(p not in PROMPTS for p in prompts):
        raise back.error("invalid_request", "unsupported prompt value requested")
    if "none" in prompts and len(prompts) > 1:
        raise back.error("invalid_request", "prompt none must only be used alone")
    scope = _first(items, "scope", back)
    if not valid_scope(scope):  # check_scope.js, after the prompt and before the openid scope
        raise back.error("invalid_scope", "scope contains invalid characters")
    scopes = list(dict.fromkeys((scope or "").split()))
    openid_error = openid_scope_error(scopes, dict(items), response_type)
    if openid_error is not None:
        raise back.error("invalid_request", openid_error)
    if "offline_access" in scopes and "consent" not in prompts:
        scopes.remove("offline_access")  # node-oidc-provider drops it silently without prompt=consent
    challenge = _first(items, "code_challenge", back)
    method = _first(items, "code_challenge_method", back)
    pkce_problem = pkce_error(challenge, method, public_client=not client.confidential)
    if pkce_problem is not None:
        raise back.error("invalid_request", pkce_problem)
    # No resource named: Logto's default API, if any (node-oidc-provider's lib/shared/check_resource.js
    # with Logto's defaultResource, packages/core/src/oidc/init.ts). The reserved organizations resource
    # is known to tenant.config.resource, as to Logto's findResource (packages/core/src/oidc/resource.ts).
    default = tenant.config.default_resource
    resources = [v for k, v in items if k == "resource"] or ([default.indicator] if default else [])
    for indicator in resources:
        if tenant.config.resource(indicator) is None:
            raise back.error("invalid_target", "resource indicator is missing, or unknown")
    # Only passed on to the sign-in page (Logto's interactions.url, packages/core/src/oidc/init.ts): Logto
    # checks no organization at the authorization endpoint.
    organization_id = _first(items, "organization_id", back)
    max_age = _prompts.read_max_age(_first(items, "max_age", back), back)
    hint_sub = _prompts.read_id_token_hint(tenant, client, _first(items, "id_token_hint", back), back)
    extras = _prompts.extra_params(items)
    if max_age == 0:  # check_max_age.js: max_age=0 is prompt=login
        max_age = None
        prompts = prompts if "login" in prompts else [*prompts, "login"]
    params.update(
        response_type=response_type,
        scopes=scopes,
        prompts=prompts,
        code_challenge=challenge,
        code_challenge_method=method if challenge else None,
        resources=resources,
        nonce=_first(items, "nonce", back),
        organization_id=organization_id,
        interaction_mode=extras.get("interaction_mode"),
        first_screen=extras.get("first_screen"),
        login_hint=extras.get("login_hint"),
        identifier=extras.get("identifier") or _first(items, "identifiers", back),
        direct_sign_in=extras.get("direct_sign_in"),
        ui_locales=extras.get("ui_locales"),
        extras=extras,
        max_age=max_age,
        id_token_hint_sub=hint_sub,
        response_mode=back.response_mode,
    )
    return client, back, params


def _resource_scopes(tenant: Tenant, indicator: str, requested: list[str]) -> list[str]:
    resource = tenant.config.resource(indicator)
    return [s for s in requested if resource is not None and s in resource.scopes]


def issue_code(
    tenant: Tenant, client: Application, params: dict[str, Any], session: Session, flow: str
) -> Response:
    """Consent (automatic for first-party apps), then the code, sent back to the redirect_uri."""
    store = tenant.store
    now = tenant.now()
    scopes = [s for s in params["scopes"] if not _is_resource_scope(tenant, s)]
    grant = Grant(
        id=new_id(16),
        user_id=session.user_id,
        client_id=client.id,
        scopes=scopes,
        resources={r: _resource_scopes(tenant, r, params["scopes"]) for r in params["resources"]},
        session_id=session.id,
        created_at=now,
        expires_at=now + GRANT_TTL,
        flow_id=flow,
    )
    code = AuthorizationCode(
        code=new_token(32),
        client_id=client.id,
        redirect_uri=params["redirect_uri"],
        user_id=session.user_id,
        grant_id=grant.id,
        session_id=session.id,
        scopes=scopes,
        resource=params["resources"][0] if len(params["resources"]) == 1 else None,
        code_challenge=params["code_challenge"],
        code_challenge_method=params["code_challenge_method"],
        nonce=params["nonce"],
        auth_time=session.login_at,
        expires_at=now + AUTHORIZATION_CODE_TTL,
    )
    with store.lock:
        store.grants[grant.id] = grant
        store.codes[code.code] = code
        session.grants[client.id] = grant.id
    user = store.users.get(session.user_id)
    tenant.events.record(
        "authorization_code_issued", flow=flow, client_id=client.id, email=user.primary_email if user else None,
        user_id=session.user_id, scopes=scopes, resources=grant.resources, redirect_uri=params["redirect_uri"],
        consent="automatic (first-party app)",
    )  # fmt: skip
    answer = {"code": code.code}
    if params["state"] is not None:
        answer["state"] = params["state"]
    answer["iss"] = tenant.issuer
    return respond(params.get("response_mode"), params["redirect_uri"], answer)


def _is_resource_scope(tenant: Tenant, scope: str) -> bool:
    return scope not in OIDC_SCOPES and not scope.startswith("urn:logto:scope:")


async def authorize(request: Request) -> Response:
    tenant = _tenant(request)
    given = await request_params(request)
    reject_dupes(tenant, given)  # before anything else (lib/actions/authorization/index.js)
    items, pushed = pushed_items(tenant, given)
    client, back, params = validate(tenant, items)
    params["pushed_request"] = pushed
    session = tenant.store.live_session(_cookies.get(request, _cookies.SESSION))
    flow = new_id(21)  # the debug view's flow, and the uid of the first interaction
    params["flow"] = flow
    return decide(tenant, client, replace(back, flow=flow), params, session, flow, consented=False)


def decide(
    tenant: Tenant,
    client: Application,
    back: SendBack,
    params: dict[str, Any],
    session: Session | None,
    uid: str,
    *,
    consented: bool,
) -> Response:
    """The interaction policy (:mod:`._prompts`): the code, an error under ``prompt=none``, or a new
    interaction at the sign-in or consent page."""
    failed_login = _prompts.login_check(tenant, params, session, params.get("id_token_hint_sub"))
    failed_consent = None
    if session is not None and failed_login is None and not consented:
        failed_consent = _prompts.consent_check(tenant, client, params, session)
    outcome = None
    if failed_login is None and failed_consent is None:
        outcome = "existing SSO session: silent sign-in" if not consented else "consented: the code"
    elif failed_login is None:
        outcome = "signed in: the browser goes to /consent"
    flow = params.get("flow", uid)
    _record_request(tenant, flow, client, params, outcome)
    if "none" in params["prompts"] and failed_login is not None:
        raise back.error("login_required", failed_login)
    if "none" in params["prompts"] and failed_consent is not None:
        raise back.error(*failed_consent)
    if failed_login is not None:
        return _prompts.start(tenant, client, params, uid=uid)
    assert session is not None
    response: Response
    if failed_consent is not None:
        response = _prompts.start(tenant, client, params, uid=uid, consent=session)
    elif params.get("pushed_request") and not tenant.store.consume_pushed_request(params["pushed_request"]):
        raise back.error("invalid_request_uri", REQUEST_URI_INVALID)  # respond.js: single use
    else:
        response = issue_code(tenant, client, params, session, flow)
    _cookies.set_signed(response, _cookies.SESSION, session.id, max_age=SESSION_TTL)
    return response


def _record_request(
    tenant: Tenant, flow: str, client: Application, params: dict[str, Any], outcome: str | None
) -> None:
    extras = ("first_screen", "interaction_mode", "login_hint", "organization_id", "ui_locales")
    tenant.events.record(
        "authorization_request",
        flow=flow,
        client_id=client.id,
        email=params.get("login_hint"),
        redirect_uri=params["redirect_uri"],
        scopes=params["scopes"],
        prompt=params["prompts"],
        pkce=params["code_challenge_method"] or "none",
        resources=params["resources"],
        state=params["state"],
        extras={k: params[k] for k in extras if params.get(k)},
        outcome=outcome or "interaction started: the browser goes to the sign-in page",
    )


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).decode().rstrip("=")


ROUTES = [
    ("GET", paths.AUTH, authorize),
    ("POST", paths.AUTH, authorize),
]
