"""``/oidc/auth``: the authorization request, and ``/oidc/auth/<uid>`` which finishes it.

Order of checks as node-oidc-provider: the client and the exact redirect_uri first (failures on an
error page, since there is nowhere safe to redirect), then everything else as an error sent back to
the redirect_uri with ``state`` and ``iss`` — each an :class:`~._errors.OAuthError` that says how it
is answered, rendered by the one handler (``lib/shared/authorization_error_handler.js``). A live SSO session signs in silently (unless
``prompt=login``); otherwise an interaction is created, bound to the ``_interaction`` cookie, and the
browser goes to the sign-in UI route Logto's ``buildLoginPromptUrl`` picks
(``packages/core/src/oidc/utils.ts``). First-party apps are auto-consented.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from . import paths
from ._config import Application
from ._errors import OAuthError, SendBack, with_query
from ._issue import OIDC_SCOPES
from ._request_checks import openid_scope_error, pkce_error
from ._store import (
    AUTHORIZATION_CODE_TTL,
    GRANT_TTL,
    INTERACTION_TTL,
    SESSION_TTL,
    AuthorizationCode,
    Grant,
    Interaction,
    Session,
    new_id,
    new_token,
)
from ._tenant import Tenant

PROMPTS = ("none", "login", "consent")
FIRST_SCREENS = {
    "sign_in": paths.SIGN_IN,
    "signIn": paths.SIGN_IN,
    "register": paths.REGISTER,
    "signUp": paths.REGISTER,
    "reset_password": paths.RESET_PASSWORD,
    "identifier:sign_in": "/identifier-sign-in",
    "identifier:register": "/identifier-register",
    "single_sign_on": "/single-sign-on",
}
_ORGANIZATION_SCOPES = ("urn:logto:scope:organizations", "urn:logto:scope:organization_roles")


def _tenant(request: Request) -> Tenant:
    tenant: Tenant = request.app.state.tenant
    return tenant


def query_items(request: Request) -> list[tuple[str, str]]:
    """The query as (key, value) pairs, tolerant of the Go SDK's unencoded values (literal spaces that
    browsers send as %20, raw ``:`` and ``/`` in redirect_uri)."""
    raw = request.scope.get("query_string", b"").decode("latin-1")
    return parse_qsl(raw, keep_blank_values=True)


async def request_params(request: Request) -> list[tuple[str, str]]:
    if request.method == "POST":
        form = await request.form()
        return [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
    return query_items(request)


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _first(items: list[tuple[str, str]], key: str, back: SendBack) -> str | None:
    values = [v for k, v in items if k == key]
    if len(values) > 1 and key != "resource":
        raise back.error("invalid_request", f"'{key}' parameter must not be provided twice")
    return values[0] if values else None


def _client_and_redirect(tenant: Tenant, items: list[tuple[str, str]]) -> tuple[Application, str]:
    """The client and its exact redirect_uri; until both are good, errors go on the error page."""
    client_id = next((v for k, v in items if k == "client_id"), None)
    if not client_id:
        raise OAuthError("invalid_request", "missing required parameter 'client_id'", page=True)
    client = tenant.config.application(client_id)
    if client is None:
        raise OAuthError("invalid_client", "client is invalid", page=True, client_id=client_id)
    redirect_uri = next((v for k, v in items if k == "redirect_uri"), None)
    if not redirect_uri:
        raise OAuthError(
            "invalid_request", "missing required parameter 'redirect_uri'", page=True, client_id=client_id
        )
    if redirect_uri not in client.redirect_uris:
        raise OAuthError(
            "invalid_redirect_uri",
            "redirect_uri did not match any of the client's registered redirect_uris",
            page=True,
            client_id=client_id,
        )
    return client, redirect_uri


def validate(tenant: Tenant, items: list[tuple[str, str]]) -> tuple[Application, SendBack, dict[str, Any]]:
    """Check an authorization request; returns the client, the way back to it and the normalized
    parameters. Raises OAuthError: on the error page, or sent back to the redirect_uri."""
    client, redirect_uri = _client_and_redirect(tenant, items)
    keys = [k for k, _ in items]
    back = SendBack(redirect_uri, next((v for k, v in items if k == "state"), None), client.id)
    if keys.count("client_id") > 1 or keys.count("redirect_uri") > 1:
        raise back.error("invalid_request", "'client_id' and 'redirect_uri' must not be provided twice")
    state = _first(items, "state", back)
    params: dict[str, Any] = {"client_id": client.id, "redirect_uri": redirect_uri, "state": state}
    response_type = _first(items, "response_type", back)
    if response_type is None:
        raise back.error("invalid_request", "missing required parameter 'response_type'")
    if response_type != "code":
        raise back.error("unsupported_response_type", "unsupported response_type requested")
    if client.type == "m2m":
        raise back.error("unauthorized_client", "requested response_type is not allowed for this client")
    prompts = (_first(items, "prompt", back) or "").split()
    if any(p not in PROMPTS for p in prompts):
        raise back.error("invalid_request", "unsupported prompt value requested")
    if "none" in prompts and len(prompts) > 1:
        raise back.error("invalid_request", "prompt none must only be used alone")
    scopes = list(dict.fromkeys((_first(items, "scope", back) or "").split()))
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
    organization_id = _first(items, "organization_id", back)
    if organization_id is not None and not any(o.id == organization_id for o in tenant.config.organizations):
        raise back.error("invalid_target", "organization is unknown")
    interaction_mode = _first(items, "interaction_mode", back)
    if interaction_mode not in (None, "signIn", "signUp"):
        raise back.error("invalid_request", "interaction_mode must be signIn or signUp")
    first_screen = _first(items, "first_screen", back)
    if first_screen is not None and first_screen not in FIRST_SCREENS:
        raise back.error("invalid_request", f"first_screen must be one of {', '.join(sorted(FIRST_SCREENS))}")
    params.update(
        response_type=response_type,
        scopes=scopes,
        prompts=prompts,
        code_challenge=challenge,
        code_challenge_method=method if challenge else None,
        resources=resources,
        nonce=_first(items, "nonce", back),
        organization_id=organization_id,
        interaction_mode=interaction_mode,
        first_screen=first_screen,
        login_hint=_first(items, "login_hint", back),
        identifier=_first(items, "identifier", back) or _first(items, "identifiers", back),
        direct_sign_in=_first(items, "direct_sign_in", back),
        ui_locales=_first(items, "ui_locales", back),
    )
    return client, back, params


def _resource_scopes(tenant: Tenant, indicator: str, requested: list[str]) -> list[str]:
    resource = tenant.config.resource(indicator)
    return [s for s in requested if resource is not None and s in resource.scopes]


def issue_code(
    tenant: Tenant, client: Application, params: dict[str, Any], session: Session, flow: str
) -> RedirectResponse:
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
    return _redirect(with_query(params["redirect_uri"], answer))


def _is_resource_scope(tenant: Tenant, scope: str) -> bool:
    return scope not in OIDC_SCOPES and not scope.startswith("urn:logto:scope:")


def _sign_in_url(tenant: Tenant, client: Application, params: dict[str, Any]) -> str:
    route = paths.SIGN_IN
    if params["interaction_mode"] == "signUp":
        route = paths.REGISTER
    if params["first_screen"]:
        route = FIRST_SCREENS[params["first_screen"]]
    query = {"app_id": client.id}
    for key in ("organization_id", "ui_locales", "login_hint", "identifier"):
        if params[key]:
            query[key] = params[key]
    return with_query(tenant.url(route), query)


async def authorize(request: Request) -> Response:
    tenant = _tenant(request)
    client, back, params = validate(tenant, await request_params(request))
    session = tenant.store.live_session(request.cookies.get(paths.SESSION_COOKIE))
    flow = new_id(21)
    silent = session is not None and "login" not in params["prompts"]
    _record_request(tenant, flow, client, params, "existing SSO session: silent sign-in" if silent else None)
    if session is not None and silent:
        return issue_code(tenant, client, params, session, flow)
    if "none" in params["prompts"]:
        raise replace(back, flow=flow).error("login_required", "End-User authentication is required")
    now = tenant.now()
    interaction = Interaction(
        uid=flow, client_id=client.id, params=params, created_at=now, expires_at=now + INTERACTION_TTL
    )
    with tenant.store.lock:
        tenant.store.interactions[interaction.uid] = interaction
    response = _redirect(_sign_in_url(tenant, client, params))
    response.set_cookie(
        paths.INTERACTION_COOKIE,
        interaction.uid,
        max_age=INTERACTION_TTL,
        path="/",
        httponly=True,
        samesite="lax",
    )
    return response


async def resume(request: Request) -> Response:
    """``/oidc/auth/<uid>``: after the Experience API's submit, sign the browser in and issue the code."""
    tenant = _tenant(request)
    uid = request.path_params["uid"]
    interaction = tenant.store.live_interaction(uid)
    if interaction is None or request.cookies.get(paths.INTERACTION_COOKIE) != uid:
        return _redirect(tenant.url(paths.UNKNOWN_SESSION))
    client = tenant.config.application(interaction.client_id)
    if client is None or not interaction.submitted or interaction.user_id is None:
        return _redirect(
            _sign_in_url(tenant, client, interaction.params) if client else tenant.url(paths.UNKNOWN_SESSION)
        )
    store = tenant.store
    now = tenant.now()
    existing = store.live_session(request.cookies.get(paths.SESSION_COOKIE))
    with store.lock:
        if existing is not None and existing.user_id == interaction.user_id:
            session = existing
            session.login_at = interaction.login_at or now
        else:
            session = Session(
                id=new_token(24),
                user_id=interaction.user_id,
                login_at=interaction.login_at or now,
                expires_at=now + SESSION_TTL,
            )
            store.sessions[session.id] = session
        store.interactions.pop(uid, None)
    response = issue_code(tenant, client, interaction.params, session, interaction.uid)
    response.set_cookie(
        paths.SESSION_COOKIE, session.id, max_age=SESSION_TTL, path="/", httponly=True, samesite="lax"
    )
    response.delete_cookie(paths.INTERACTION_COOKIE, path="/")
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
    ("GET", paths.AUTH_RESUME, resume),
]
