"""``/oidc/session/end`` (RP-initiated logout), its confirm step and the success page.

As node-oidc-provider in Logto: ``post_logout_redirect_uri`` needs a client (``client_id`` or
``id_token_hint``) and must be registered for it, else ``invalid_request`` on the error page (an
:class:`~._errors.OAuthError` the one handler renders, as node-oidc-provider's ``renderError``). With a
session, a confirm page auto-submits to ``/oidc/session/end/confirm``, which destroys the session,
clears its cookie, revokes the grants without ``offline_access`` and redirects (303) to the
post-logout URI (+ state) or to the success page.
"""

from __future__ import annotations

import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from . import paths
from ._authorize import request_params
from ._errors import OAuthError, with_query
from ._pages import render
from ._store import Grant
from ._tenant import Tenant


def _client_from_hint(tenant: Tenant, hint: str | None) -> str | None:
    """The ``aud`` of an ID token this tenant signed (expired ones included, as the spec allows)."""
    claims = tenant.keys.verify(hint) if hint else None
    aud = claims.get("aud") if claims else None
    return aud if isinstance(aud, str) else None


async def end_session(request: Request) -> Response:
    tenant: Tenant = request.app.state.tenant
    params = dict(await request_params(request))
    client_id = params.get("client_id") or _client_from_hint(tenant, params.get("id_token_hint"))
    post_logout = params.get("post_logout_redirect_uri")
    if client_id is not None and tenant.config.application(client_id) is None:
        raise OAuthError("invalid_client", "client is invalid", page=True, client_id=client_id)
    if post_logout:
        if client_id is None:
            raise OAuthError(
                "invalid_request",
                "post_logout_redirect_uri can only be used in combination with id_token_hint or client_id",
                page=True,
            )
        client = tenant.config.application(client_id)
        assert client is not None
        if post_logout not in client.post_logout_redirect_uris:
            raise OAuthError(
                "invalid_request", "post_logout_redirect_uri not registered", page=True, client_id=client_id
            )
    pending: dict[str, Any] = {
        "post_logout_redirect_uri": post_logout,
        "state": params.get("state"),
        "client_id": client_id,
    }
    session = tenant.store.live_session(request.cookies.get(paths.SESSION_COOKIE))
    if session is None:
        return _finish(tenant, pending)
    xsrf = secrets.token_urlsafe(16)
    with tenant.store.lock:
        tenant.store.pending_logouts[xsrf] = pending
    return render(
        request, "end_session_confirm.html", {"action": tenant.url(paths.END_SESSION_CONFIRM), "xsrf": xsrf}
    )


def _finish(tenant: Tenant, pending: dict[str, Any]) -> RedirectResponse:
    target = pending.get("post_logout_redirect_uri")
    if target:
        url = with_query(target, {"state": pending["state"]}) if pending.get("state") else target
    else:
        url = tenant.url(paths.END_SESSION_SUCCESS) + (
            f"?client_id={pending['client_id']}" if pending.get("client_id") else ""
        )
    response = RedirectResponse(url, status_code=303)
    response.delete_cookie(paths.SESSION_COOKIE, path="/")
    return response


async def confirm(request: Request) -> Response:
    tenant: Tenant = request.app.state.tenant
    form = await request.form()
    xsrf = form.get("xsrf")
    store = tenant.store
    with store.lock:
        pending = store.pending_logouts.pop(xsrf, None) if isinstance(xsrf, str) else None
    if pending is None:
        raise OAuthError("invalid_request", "xsrf token invalid", page=True)
    session_id = request.cookies.get(paths.SESSION_COOKIE)
    with store.lock:
        session = store.sessions.pop(session_id or "", None)
        if session is not None:
            # Every grant this session made, not only the newest per client: Logto keeps one grant per
            # session and client that accumulates scopes, the fake makes one per authorization. A client
            # whose authorizations ever included offline_access keeps them all (``persistsLogout``).
            by_client: dict[str, list[Grant]] = {}
            for grant in store.grants.values():
                if grant.session_id == session.id:
                    by_client.setdefault(grant.client_id, []).append(grant)
            for grants in by_client.values():
                if not any("offline_access" in grant.scopes for grant in grants):
                    for grant in grants:
                        store.revoke_grant(grant.id)
            user = store.users.get(session.user_id)
            flows = sorted({g.flow_id for gs in by_client.values() for g in gs if g.flow_id})
            for flow in [*flows] if flows else [None]:
                tenant.events.record(
                    "sign_out",
                    flow=flow,
                    client_id=pending.get("client_id"),
                    email=user.primary_email if user else None,
                    session="destroyed",
                    revoked_grants=[
                        c for c, gs in by_client.items() if not any("offline_access" in g.scopes for g in gs)
                    ],
                    post_logout_redirect_uri=pending.get("post_logout_redirect_uri"),
                )
    return _finish(tenant, pending)


async def success(request: Request) -> Response:
    return render(request, "end_session_success.html", {})


ROUTES = [
    ("GET", paths.END_SESSION, end_session),
    ("POST", paths.END_SESSION, end_session),
    ("POST", paths.END_SESSION_CONFIRM, confirm),
    ("GET", paths.END_SESSION_SUCCESS, success),
]
