"""The social sign-in pages: the provider's way back, the page that verifies the identity, the direct
sign-in landing and the link-account page (the "Continue with …" buttons themselves are on the sign-in
and register pages, :mod:`._pages`).

Routes of Logto's experience app (``packages/experience/src/App.tsx``):

- ``/callback/:connectorId`` (``pages/Callback``): the redirect URI the buttons give the connector; its
  script joins the query and the fragment and goes on to ``/callback/social/:connectorId``.
- ``/callback/social/:connectorId`` (``pages/SocialSignInWebCallback``): a connector the sign-in
  experience does not list sends the browser to the sign-in page; else the script checks the ``state``
  against what the button stored (``utils/social-connectors.ts`` ``validateState``), verifies, identifies
  and submits (``use-social-sign-in-listener.ts``); an unknown identity registers, links (automatic
  account linking) or goes to the link page; every other error is a toast on the sign-in page.
- ``/direct/:method/:target?`` (``pages/DirectSignIn``): ``direct_sign_in=social:<target>`` lands here; a
  listed connector of that target starts at once, else the browser goes to the ``fallback`` route
  (``hooks/use-fallback-route.ts``: a key of ``experience.routes``, else the sign-in page).
- ``/social/link/:connectorId`` (``pages/SocialLinkAccount``): "Link with <masked address>", or create a
  new account instead.

The pages only render; ``static/experience.js`` does every step through the Experience API.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from . import _pages_sso, paths
from ._pages import _app, _context, _interaction, _link, _tenant, render
from ._sign_in_exp import social_connectors, sso_connectors

# experience.routes (packages/schemas/src/consts/experience.ts): the keys ``fallback`` may name, and the
# pages of them this fake has.
FALLBACK_ROUTES = {"signIn": paths.SIGN_IN, "register": paths.REGISTER, "resetPassword": paths.RESET_PASSWORD}


def _listed(request: Request, key: str, value: str | None) -> dict[str, Any] | None:
    """The connector whose ``key`` is ``value`` as ``/api/.well-known/sign-in-exp`` lists it
    (``useConnectors().findConnectorById``; DirectSignIn's find by target)."""
    return next((c for c in social_connectors(_tenant(request)) if c[key] == value), None)


def _loading(request: Request, page: str, connector_id: str) -> Response:
    interaction = _interaction(request)
    context = _context(request, interaction, page, connectorId=connector_id)
    return render(request, "social_callback.html", context)


async def callback(request: Request) -> Response:
    return _loading(request, "callback", request.path_params["connector_id"])


async def social_callback(request: Request) -> Response:
    """``SocialSignInWebCallback``: the connector's type picks the page (``findConnectorById``: a social
    connector of the sign-in experience, then an SSO one), an unknown id goes to the sign-in page."""
    connector_id: str = request.path_params["connector_id"]
    if _listed(request, "id", connector_id) is not None:
        return _loading(request, "social-callback", connector_id)
    tenant = _tenant(request)
    if tenant.config.sign_in_experience.single_sign_on and connector_id in {
        c["id"] for c in sso_connectors(tenant)
    }:
        return await _pages_sso.callback(request)
    sign_in = _link(paths.SIGN_IN, _app(request, _interaction(request)))
    return RedirectResponse(sign_in, status_code=303)


async def direct(request: Request) -> Response:
    method, target = request.path_params["method"], request.path_params.get("target")
    if method == "social":
        connector = _listed(request, "target", target)
        if connector is not None:
            return _loading(request, "direct", connector["id"])
    route = FALLBACK_ROUTES.get(request.query_params.get("fallback", ""), paths.SIGN_IN)
    return RedirectResponse(_link(route, _app(request, _interaction(request))), status_code=303)


# pages/SocialLinkAccount getPageTitle and the container's getCreateAccountActionText, by sign-up identifiers.
_LINK_TEXTS = {
    "email": ("Link email", "Link another email"),
    "phone": ("Link phone", "Link another phone"),
    "both": ("Link email or phone", "Link another email or phone"),
    "none": ("Link or create account", "Create new one instead"),
}


async def social_link(request: Request) -> Response:
    interaction = _interaction(request)
    identifiers = set(_tenant(request).config.sign_in_experience.sign_up_identifiers)
    key = (
        "both"
        if {"email", "phone"} <= identifiers
        else "email"
        if "email" in identifiers
        else "phone"
        if "phone" in identifiers
        else "none"
    )
    title, create_text = _LINK_TEXTS[key]
    context = _context(request, interaction, "social-link", connectorId=request.path_params["connector_id"])
    context.update(title=title, create_text=create_text)
    return render(request, "social_link.html", context)


ROUTES = [
    ("GET", paths.SOCIAL_CALLBACK, social_callback),
    ("GET", paths.CALLBACK, callback),
    ("GET", paths.DIRECT, direct),
    ("GET", paths.DIRECT_TARGET, direct),
    ("GET", paths.SOCIAL_LINK, social_link),
]
