"""``/oidc/auth/<uid>``: the authorization request resumed after its interaction.

As node-oidc-provider's ``lib/actions/authorization/resume.js``: the signed ``_interaction_resume``
cookie (path ``/oidc/auth/<uid>``) names the interaction — none: 400 ``session.not_found`` "authorization
request has expired" (Logto's ``koaOidcErrorHandler`` maps the provider's ``SessionNotFound``, with
``iss`` as ``authorization_error_handler.js`` adds it); an unknown or expired one: "interaction session
not found". The interaction is consumed and its cookie cleared; a submitted sign-in signs the browser in
(``session.loginAccount``: the ``_session`` cookie) and the policy runs again (:func:`._authorize.decide`):
after a sign-in Logto hops through ``/consent`` (:mod:`._consent` consents for the app and comes back
here), after the consent the code goes to the app.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from . import _cookies, _prompts, paths
from ._authorize import decide
from ._errors import OAuthError, SendBack
from ._store import SESSION_TTL, Session, new_id, new_token
from ._tenant import Tenant


async def resume(request: Request) -> Response:
    """``/oidc/auth/<uid>``: the interaction of the resume cookie, finished (resume.js), then the policy."""
    tenant: Tenant = request.app.state.tenant
    uid = _cookies.get(request, _cookies.RESUME)
    if uid is None:
        raise _cookies.SessionNotFound("authorization request has expired", iss=tenant.issuer)
    interaction = tenant.store.live_interaction(uid)
    if interaction is None:
        raise _cookies.SessionNotFound("interaction session not found", iss=tenant.issuer)
    store = tenant.store
    with store.lock:
        store.interactions.pop(uid, None)
    params = interaction.params
    client = tenant.config.application(interaction.client_id)
    if client is None:  # removed from the config since
        raise OAuthError("invalid_client", "client is invalid", client_id=interaction.client_id)
    back = SendBack(
        params["redirect_uri"],
        params["state"],
        client.id,
        flow=params.get("flow", uid),
        response_mode=params.get("response_mode", "query"),
    )
    session = store.live_session(_cookies.get(request, _cookies.SESSION))
    consent = params.get("prompt_name") == _prompts.CONSENT
    if interaction.submitted and interaction.user_id is not None and not consent:
        session = _sign_in(tenant, session, interaction.user_id, interaction.login_at)
        params = {**params, "prompts": [p for p in params["prompts"] if p != "login"], "max_age": None}
    consented = consent and interaction.submitted and session is not None
    if consented:
        params = {**params, "prompts": [p for p in params["prompts"] if p not in ("login", "consent")]}
        params["max_age"] = None
    response = decide(tenant, client, back, params, session, new_id(21), consented=consented)
    _cookies.clear(response, _cookies.RESUME, path=_cookies.resume_path(uid))
    return response


def _sign_in(tenant: Tenant, existing: Session | None, user_id: str, login_at: float | None) -> Session:
    """``session.loginAccount``: the browser's session, now for ``user_id`` (a new one for another user)."""
    now = tenant.now()
    store = tenant.store
    with store.lock:
        if existing is not None and existing.user_id == user_id:
            existing.login_at = login_at or now
            return existing
        session = Session(
            id=new_token(24), user_id=user_id, login_at=login_at or now, expires_at=now + SESSION_TTL
        )
        store.sessions[session.id] = session
        return session


ROUTES = [("GET", paths.AUTH_RESUME, resume)]
