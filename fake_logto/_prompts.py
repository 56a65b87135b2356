"""The interaction policy of ``/oidc/auth``: whether the browser must sign in or consent first, and how an
interaction starts.

node-oidc-provider's default policy (``lib/helpers/interaction_policy/prompts/login.js``,
``consent.js``): *login* is needed without a session, for a requested ``prompt=login``, past ``max_age``
or when ``id_token_hint`` names another subject; *consent* when the session has no grant of the requested
scopes for the client, for a requested ``prompt=consent``, and always for a native app. Under
``prompt=none`` the failed check is the error (``login_required``, ``consent_required``,
``interaction_required``) with its description.

An interaction (``lib/actions/authorization/interactions.js``) gets a new uid, the ``_interaction``
cookie (path ``/``) and the ``_interaction_resume`` cookie (path ``/oidc/auth/<uid>``), both signed
(:mod:`._cookies`), and a 303 to a *relative* URL from Logto's ``interactions.url``
(``packages/core/src/oidc/init.ts``): ``/sign-in?…`` from ``buildLoginPromptUrl`` or
``/consent?app_id=…`` from ``buildConsentPromptUrl`` (``oidc/utils.ts``). The extra parameters go through
``extraParamsObjectGuard`` (``packages/schemas/src/consts/oidc.ts``) as a whole: one bad value (an unknown
``first_screen`` or ``interaction_mode``) and Logto drops them all — the browser lands on plain
``/sign-in?app_id=…``, no error.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.responses import RedirectResponse

from . import _cookies, paths
from ._config import Application
from ._errors import SendBack
from ._issue import OIDC_SCOPES
from ._store import INTERACTION_TTL, Interaction, Session
from ._tenant import Tenant

# FirstScreen (packages/schemas/src/consts/oidc.ts) -> its route (experience.routes).
FIRST_SCREENS = {
    "sign_in": paths.SIGN_IN,
    "signIn": paths.SIGN_IN,
    "register": paths.REGISTER,
    "reset_password": paths.RESET_PASSWORD,
    "identifier:sign_in": "/identifier-sign-in",
    "identifier:register": "/identifier-register",
    "single_sign_on": "/single-sign-on",
}
INTERACTION_MODES = ("signIn", "signUp")
EXTRA_PARAMS = (
    "interaction_mode",
    "first_screen",
    "direct_sign_in",
    "organization_id",
    "login_hint",
    "ui_locales",
    "identifier",
    "one_time_token",
    "google_one_tap_credential",
)
_ENUMS = {"interaction_mode": INTERACTION_MODES, "first_screen": tuple(FIRST_SCREENS)}
CONSENT = "consent"  # an interaction's params["prompt_name"] when it asks for consent


def extra_params(items: list[tuple[str, str]]) -> dict[str, str]:
    """``extraParamsObjectGuard`` as ``trySafe`` applies it: all the extra parameters, or none."""
    extras = {k: v for k, v in items if k in EXTRA_PARAMS}
    if any(key in extras and extras[key] not in allowed for key, allowed in _ENUMS.items()):
        return {}
    return extras


def read_max_age(value: str | None, back: SendBack) -> int | None:
    """check_max_age.js: a non-negative safe integer."""
    if value is None:
        return None
    try:
        max_age = int(value.strip())
    except ValueError:
        max_age = -1
    if not 0 <= max_age <= 2**53 - 1:
        raise back.error("invalid_request", "invalid max_age parameter value")
    return max_age


def read_id_token_hint(tenant: Tenant, client: Application, hint: str | None, back: SendBack) -> str | None:
    """check_id_token_hint.js: an ID token this tenant signed for this client (expired ones too);
    returns its ``sub``."""
    if hint is None:
        return None
    claims = tenant.keys.verify(hint)
    if claims is None or claims.get("aud") != client.id or claims.get("iss") != tenant.issuer:
        raise back.error("invalid_request", "could not validate id_token_hint")
    sub = claims.get("sub")
    return sub if isinstance(sub, str) else None


def login_check(
    tenant: Tenant, params: dict[str, Any], session: Session | None, hint_sub: str | None
) -> str | None:
    """The description of the login check that fails, or ``None`` when the session will do."""
    if session is None:
        return "End-User authentication is required"
    if "login" in params["prompts"]:
        return "login prompt was not resolved"
    max_age = params.get("max_age")
    if max_age is not None and tenant.now() - session.login_at > max_age:
        return "End-User authentication could not be obtained"
    if hint_sub is not None and hint_sub != session.user_id:
        return "id_token_hint and authenticated subject do not match"
    return None


def consent_check(
    tenant: Tenant, client: Application, params: dict[str, Any], session: Session
) -> tuple[str, str] | None:
    """``(error, description)`` of the consent check that fails, or ``None`` when the grant covers all."""
    if client.type == "native":
        return "interaction_required", "native clients require End-User interaction"
    if CONSENT in params["prompts"]:
        return "consent_required", "consent prompt was not resolved"
    grant = tenant.store.live_grant(session.grants.get(client.id, ""))
    requested = {s for s in params["scopes"] if s in OIDC_SCOPES or s.startswith("urn:logto:scope:")}
    if (
        grant is None
        or not requested <= set(grant.scopes)
        or not set(params["resources"]) <= set(grant.resources)
    ):
        return "consent_required", "requested scopes not granted"
    return None


def sign_in_path(client: Application, params: dict[str, Any]) -> str:
    """``'/' + buildLoginPromptUrl(params, sharedParams)``: relative, as Logto redirects."""
    extras: dict[str, str] = params.get("extras", {})
    key = extras.get("first_screen") or extras.get("interaction_mode") or "sign_in"
    route = paths.REGISTER if key == "signUp" else FIRST_SCREENS[key]
    query = {"app_id": client.id}
    for name in ("organization_id", "ui_locales", "one_time_token", "login_hint", "identifier"):
        if extras.get(name):
            query[name] = extras[name]
    method, _, target = extras.get("direct_sign_in", "").partition(":")
    if method == "sso":  # buildLoginPromptUrl: /direct/<method>/<target>?…&fallback=<first screen>
        query["fallback"] = route.lstrip("/")
        return "/" + "/".join(p for p in ("direct", method, target) if p) + f"?{urlencode(query)}"
    return f"{route}?{urlencode(query)}"


def consent_path(client: Application) -> str:
    return f"{paths.CONSENT}?{urlencode({'app_id': client.id})}"


def start(
    tenant: Tenant, client: Application, params: dict[str, Any], *, uid: str, consent: Session | None = None
) -> RedirectResponse:
    """A new interaction ``uid`` (login, or consent for ``consent``'s user) and the 303 to its page."""
    now = tenant.now()
    interaction = Interaction(
        uid=uid,
        client_id=client.id,
        params={**params, "prompt_name": CONSENT if consent else "login"},
        created_at=now,
        expires_at=now + INTERACTION_TTL,
    )
    if consent is not None:
        interaction.user_id, interaction.login_at = consent.user_id, consent.login_at
    with tenant.store.lock:
        tenant.store.interactions[interaction.uid] = interaction
    location = consent_path(client) if consent else sign_in_path(client, params)
    response = RedirectResponse(location, status_code=303)
    _cookies.set_signed(response, _cookies.INTERACTION, interaction.uid, max_age=INTERACTION_TTL)
    _cookies.set_signed(
        response,
        _cookies.RESUME,
        interaction.uid,
        max_age=INTERACTION_TTL,
        path=_cookies.resume_path(interaction.uid),
    )
    return response
