"""``/oidc/session/end`` (RP-initiated logout), its confirm step and the success page.

As node-oidc-provider's ``lib/actions/end_session.js`` in Logto: an ``id_token_hint`` must decode, be
this tenant's for a known client (and agree with ``client_id``); ``post_logout_redirect_uri`` with a
client must be registered for it (``invalid_request`` "post_logout_redirect_uri not registered"), and
without a client (no ``client_id``, no ``id_token_hint``) it is dropped silently — the user lands on the
success page. Errors are JSON (Logto's ``renderError`` sets the body, ``packages/core/src/oidc/init.ts``).
With a signed-in session the confirm page is Logto's ``logoutSource`` (``packages/core/static/html/
logout.html`` around node-oidc-provider's ``op.logoutForm`` with the ``xsrf``, submitting itself with
``logout=yes``; the same for ``GET`` and a form ``POST``); without one, node-oidc-provider's self-submitting ``form_post`` page
(:func:`._response_modes.form_post_page`) with ``xsrf`` and ``logout=yes``. The confirm
(``/oidc/session/end/confirm``) destroys the session, clears its cookie, revokes the grants without
``offline_access`` and redirects (303) to the post-logout URI (+ state) or to the success page (with
``client_id`` only when ``logout`` was not sent), whose page is Logto's ``postLogoutSuccessSource``: the
title "Sign Out" and ``oidc.logout_success`` in the request's language (:func:`request_language`).
"""

from __future__ import annotations

import base64
import json
import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from . import _cookies, paths
from ._authorize import request_params
from ._client_auth import read_body
from ._errors import OAuthError, invalid_request, with_query
from ._pages import render
from ._redirect_uris import post_logout_redirect_uri_allowed
from ._response_modes import form_post_page
from ._store import Grant
from ._tenant import Tenant


def _decodes(token: str) -> bool:
    """``JWT.decode``: three parts, a JSON payload (no signature check)."""
    parts = token.split(".")
    if len(parts) != 3:
        return False
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except ValueError:
        return False
    return isinstance(payload, dict)


def _client_from_hint(tenant: Tenant, hint: str, client_id: str | None) -> str:
    """The client of an ID token this tenant signed (expired ones included, as the spec allows)."""
    if not _decodes(hint):
        raise invalid_request("could not decode id_token_hint")
    claims = tenant.keys.verify(hint)
    aud = claims.get("aud") if claims else None
    if claims is None or not isinstance(aud, str):
        raise invalid_request("could not validate id_token_hint")
    if client_id and client_id != aud:
        raise invalid_request("client_id does not match the provided id_token_hint")
    if tenant.config.application(aud) is None:
        raise OAuthError("invalid_client", "unrecognized id_token_hint audience", client_id=aud)
    return aud


async def end_session(request: Request) -> Response:
    tenant: Tenant = request.app.state.tenant
    params = dict(await request_params(request))
    hint = params.get("id_token_hint")
    client_id = _client_from_hint(tenant, hint, params.get("client_id")) if hint else params.get("client_id")
    if client_id and tenant.config.application(client_id) is None:
        raise OAuthError("invalid_client", "client is invalid", client_id=client_id)
    post_logout = params.get("post_logout_redirect_uri")
    if not client_id:
        client_id, post_logout = None, None  # no client: the URI is dropped, not refused
    elif post_logout is not None:
        client = tenant.config.application(client_id)
        assert client is not None
        if not post_logout_redirect_uri_allowed(client, post_logout):
            raise OAuthError(
                "invalid_request", "post_logout_redirect_uri not registered", client_id=client_id
            )
    pending: dict[str, Any] = {
        "post_logout_redirect_uri": post_logout,
        "state": params.get("state"),
        "client_id": client_id,
    }
    session = tenant.store.live_session(_cookies.get(request, _cookies.SESSION))
    xsrf = secrets.token_hex(24)
    with tenant.store.lock:
        tenant.store.pending_logouts[xsrf] = pending
    action = tenant.url(paths.END_SESSION_CONFIRM)
    if session is None:
        return form_post_page(action, {"xsrf": xsrf, "logout": "yes"})
    return render(request, "end_session_confirm.html", {"action": action, "xsrf": xsrf})


def _finish(tenant: Tenant, pending: dict[str, Any], logout: bool) -> RedirectResponse:
    target = pending.get("post_logout_redirect_uri")
    if target:
        url = with_query(target, {"state": pending["state"]}) if pending.get("state") else target
    else:
        forward = pending.get("client_id") if not logout else None
        url = tenant.url(paths.END_SESSION_SUCCESS) + (f"?client_id={forward}" if forward else "")
    response = RedirectResponse(url, status_code=303)
    _cookies.clear(response, _cookies.SESSION)
    return response


async def confirm(request: Request) -> Response:
    tenant: Tenant = request.app.state.tenant
    form = dict(await read_body(request))  # selective_body.js: urlencoded (or Logto's re-labelled JSON) only
    xsrf = form.get("xsrf")
    store = tenant.store
    with store.lock:
        pending = store.pending_logouts.pop(xsrf, None) if isinstance(xsrf, str) else None
    if pending is None:
        raise invalid_request("xsrf token invalid")
    session_id = _cookies.get(request, _cookies.SESSION)
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
    return _finish(tenant, pending, logout=bool(form.get("logout")))


# ``oidc.logout_success`` in each of Logto's locales (``packages/phrases/src/locales/*/translation/oidc.ts``),
# keyed by the i18next resource name (``builtInLanguages``).
LOGOUT_SUCCESS = {
    "ar": "لقد قمت بتسجيل الخروج بنجاح.",
    "de": "Sie haben sich erfolgreich abgemeldet.",
    "en": "You have successfully signed out.",
    "es": "Ha cerrado sesión con éxito.",
    "fa-IR": "خروج از حساب با موفقیت انجام شد.",
    "fr": "Vous vous êtes déconnecté avec succès.",
    "it": "Hai effettuato il logout correttamente.",
    "ja": "正常にログアウトしました。",
    "ko": "성공적으로 로그아웃했습니다.",
    "pl-PL": "Pomyślnie zostałeś wylogowany.",
    "pt-BR": "Você saiu com sucesso.",
    "pt-PT": "Sessão terminada com sucesso.",
    "ru": "Вы успешно вышли из системы.",
    "th": "คุณออกจากระบบสำเร็จแล้ว",
    "tr-TR": "Başarıyla çıkış yaptınız.",  # noqa: RUF001 (Turkish dotless i)
    "zh-CN": "你已经成功登出。",
    "zh-HK": "你已經成功登出。",
    "zh-TW": "你已經成功登出。",
}


def _format_code(code: str) -> str:
    """i18next's ``formatLanguageCode`` for a language-region tag (``pt-br`` -> ``pt-BR``)."""
    parts = code.split("-")
    return f"{parts[0].lower()}-{parts[1].upper()}" if len(parts) == 2 else code


def request_language(request: Request) -> str:
    """Logto's ``koaI18next``: the ``locale`` query values, then the ``Accept-Language`` tags by
    descending q (``detectLanguage``), the first that is exactly a supported resource once formatted;
    else ``en`` (``fallbackLng``) — a ``fr-CA`` does not fall back to ``fr``."""
    weighted: list[tuple[float, int, str]] = []
    for i, part in enumerate((request.headers.get("accept-language") or "").split(",")):
        tag, *params = (p.strip() for p in part.split(";"))
        if not tag:
            continue
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            try:
                quality = float(value) if key == "q" else quality
            except ValueError:
                continue
            if key == "q":
                break
        weighted.append((-quality, i, tag))
    candidates = [*request.query_params.getlist("locale"), *(tag for _, _, tag in sorted(weighted))]
    return next((c for c in map(_format_code, candidates) if c in LOGOUT_SUCCESS), "en")


async def success(request: Request) -> Response:
    """Logto's ``postLogoutSuccessSource``: "Sign Out" and ``oidc.logout_success`` in the request's
    language."""
    message = LOGOUT_SUCCESS[request_language(request)]
    return render(request, "end_session_success.html", {"message": message})


ROUTES = [
    ("GET", paths.END_SESSION, end_session),
    ("POST", paths.END_SESSION, end_session),
    ("POST", paths.END_SESSION_CONFIRM, confirm),
    ("GET", paths.END_SESSION_SUCCESS, success),
]
