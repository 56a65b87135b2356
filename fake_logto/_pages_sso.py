"""The sign-in UI's enterprise SSO pages, as Logto's experience app (``packages/experience/src``):
``/single-sign-on/email`` (``pages/SingleSignOnEmail``: the enterprise email, checked with
``GET /api/experience/sso-connectors``), ``/single-sign-on/connectors`` (``pages/SingleSignOnConnectors``:
one button per connector of the email's domain) and ``/callback/:connectorId``
(``pages/SocialSignInWebCallback/SingleSignOn``: the IdP's answer, its ``state`` checked against the one
the page stored, then ``verify``, identify and submit, or registration on
``user.sso_identity_not_exist``). The sign-in page's "Use Single Sign-On" footer and its email watch
(``hooks/use-single-sign-on-watch.ts``: an email of an SSO domain turns the button into "Single
Sign-On") are ``templates/sso_footer.html``. The behaviour is ``static/sso.js``, through the
Experience API only.

``/direct/sso/:connectorId`` (``pages/DirectSignIn``, the SDKs' ``direct_sign_in=sso:<connectorId>``) goes
straight to the connector's IdP. The IdP returns to ``/callback/:connectorId`` (``pages/Callback``, one page for
social and SSO connectors: :mod:`._pages_social`), which goes on to ``/callback/social/:connectorId``; there
``SocialSignInWebCallback`` picks the social or the SSO page by the connector's type — :func:`callback` is the
SSO one.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from . import _sign_in_exp, paths
from ._pages import _app, _brand, _interaction, _link, _to_unknown_session, render


def sso_config(request: Request, page: str) -> dict[str, Any]:
    """What ``sso.js`` needs: the page, the app, the available connectors (``ssoConnectors``)."""
    tenant = request.app.state.tenant
    app = _app(request, _interaction(request))
    experience = tenant.config.sign_in_experience
    return {
        "page": page,
        "appId": app.id if app else None,
        "registration": experience.registration_enabled,
        "connectors": _sign_in_exp.sso_connectors(tenant) if experience.single_sign_on else [],
    }


def _page(template: str, page: str) -> Any:
    async def handler(request: Request) -> Response:
        interaction = _interaction(request)
        if interaction is None:
            return _to_unknown_session(request, None)
        app = _app(request, interaction)
        if not request.app.state.tenant.config.sign_in_experience.single_sign_on:
            return RedirectResponse(_link(paths.SIGN_IN, app), status_code=303)
        context = {
            "app": app,
            "brand": _brand(request.app.state.tenant, app),
            "sso": sso_config(request, page),
        }
        return render(request, template, {**context, "sign_in": _link(paths.SIGN_IN, app)})

    handler.__name__ = f"{page.replace('-', '_')}_page"
    return handler


async def callback(request: Request) -> Response:
    """``SocialSignInWebCallback``'s ``SingleSignOn`` (reached through :func:`._pages_social.social_callback`)."""
    interaction = _interaction(request)
    if interaction is None:
        return _to_unknown_session(request, None)
    app = _app(request, interaction)
    connector = request.app.state.tenant.sso.get(request.path_params["connector_id"])
    if connector is None:
        return RedirectResponse(_link(paths.SIGN_IN, app), status_code=303)
    sso = {**sso_config(request, "callback"), "connectorId": connector.id}
    context = {"app": app, "brand": _brand(request.app.state.tenant, app), "sso": sso}
    return render(request, "sso_callback.html", context)


async def direct(request: Request) -> Response:
    """``/direct/sso/:connectorId`` (``pages/DirectSignIn``): straight to the connector's IdP when the sign-in
    experience lists it, else to the ``fallback`` first screen."""
    interaction = _interaction(request)
    if interaction is None:
        return _to_unknown_session(request, None)
    app = _app(request, interaction)
    fallback = request.query_params.get("fallback") or "sign-in"
    sso = {**sso_config(request, "direct"), "connectorId": request.path_params["connector_id"]}
    context = {
        "app": app,
        "brand": _brand(request.app.state.tenant, app),
        "sso": sso | {"fallback": fallback},
    }
    return render(request, "sso_callback.html", context)


ROUTES = [
    ("GET", paths.DIRECT_SSO, direct),
    ("GET", paths.SINGLE_SIGN_ON_EMAIL, _page("sso_email.html", "sso-email")),
    ("GET", paths.SINGLE_SIGN_ON_CONNECTORS, _page("sso_connectors.html", "sso-connectors")),
]
