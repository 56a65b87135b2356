"""Server-rendered pages (Jinja2): the sign-in experience a browser walks through, errors, and the sign-out
confirm and success pages.

The experience routes are Logto's (``packages/experience/src/App.tsx``): ``/sign-in``,
``/sign-in/password``, ``/register``, ``/register/password``, ``/:flow/verification-code``,
``/forgot-password`` (also reached as ``/reset-password``, ``first_screen=reset_password``),
``/forgot-password/reset``, ``/continue/password``, ``/consent`` and ``/unknown-session``. They keep the
landmarks of Logto's experience app that tests select on (its integration tests' ``ui-helpers``): the
input names (``identifier``, ``password``, ``passcode_0``…, ``newPassword``, ``confirmPassword``), the
``name=submit`` buttons and their texts, links where Logto renders links, errors in ``role=alert`` with
Logto's phrases (``packages/phrases-experience``, and the API's own messages from ``packages/phrases``).
The server only renders them: which
fields show comes from the tenant's sign-in experience, and every step of the interaction is taken by
``static/experience.js`` through the Experience API (``/api/experience``), as an SDK-less client would —
never around it. State between pages (the identifier, the verificationId) lives in ``sessionStorage``;
the interaction itself is the server's cookie. A page that needs an interaction and finds none sends the
browser to ``/unknown-session``, as Logto's guarded routes do.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from . import paths
from ._config import Application, SignInExperience
from ._sign_in_exp import social_connectors
from ._store import Interaction
from ._tenant import Tenant

if TYPE_CHECKING:
    from jinja2 import Environment

_HERE = Path(__file__).parent
_STATIC = _HERE / "static"


# The flows a verification code serves, and the page each starts from ("Use a different email").
CODE_FLOWS = {
    "sign-in": paths.SIGN_IN,
    "register": paths.REGISTER,
    "forgot-password": paths.FORGOT_PASSWORD,
    "continue": paths.SIGN_IN,
}
STATIC_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
# Identifiers the pages take (a phone needs an SMS connector: ``[sms_connector]`` or a mock one).
UI_IDENTIFIERS = ("username", "email", "phone")
# What the consent page says each scope shares.
SCOPE_TEXT = {
    "openid": "Your user ID",
    "offline_access": "Stay signed in",
    "profile": "Your name, username and avatar",
    "email": "Your email address",
    "phone": "Your phone number",
    "custom_data": "Your custom data",
    "identities": "Your linked social accounts",
    "roles": "Your roles",
    "urn:logto:scope:organizations": "Your organizations",
    "urn:logto:scope:organization_roles": "Your organization roles",
}
LABELS = {"username": "Username", "email": "Email", "phone": "Phone number"}  # phrases-experience input.*
# getInputHtmlProps: one identifier → its own input type and autocomplete; several → text, each's.
INPUT_TYPES = {"email": "email", "phone": "tel"}
AUTOCOMPLETE = {"email": "email", "phone": "tel", "username": "username"}


def app_home(app: Application | None) -> str | None:
    """Where "back to the app" goes: its post-sign-out URI, else the origin of its redirect URI."""
    if app is None:
        return None
    if app.post_logout_redirect_uris:
        return app.post_logout_redirect_uris[0]
    if app.redirect_uris:
        parts = urlsplit(app.redirect_uris[0])
        return f"{parts.scheme}://{parts.netloc}/"
    return None


@functools.cache
def _environment() -> Environment:
    """The pages' Jinja environment, made for the first page served (jinja2 is no part of the start)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(_HERE / "templates"), autoescape=select_autoescape(["html"]))
    env.globals["app_home"] = app_home
    return env


def render(request: Request, template: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    tenant = request.app.state.tenant
    page = _environment().get_template(template).render(tenant=tenant, request=request, **context)
    return HTMLResponse(page, status_code=status, headers={"Cache-Control": "no-store"})


def error_page(request: Request, error: str, description: str, status: int = 400) -> HTMLResponse:
    return render(request, "error.html", {"error": error, "description": description}, status)


def _tenant(request: Request) -> Tenant:
    tenant: Tenant = request.app.state.tenant
    return tenant


def _interaction(request: Request) -> Interaction | None:
    return _tenant(request).store.live_interaction(request.cookies.get(paths.INTERACTION_COOKIE))


def _app(request: Request, interaction: Interaction | None) -> Application | None:
    """The app being signed in to: ``app_id`` (as /oidc/auth passes it), else the interaction's client."""
    config = _tenant(request).config
    app_id = request.query_params.get("app_id") or (interaction.client_id if interaction else "")
    return config.application(app_id)


def _brand(tenant: Tenant, app: Application | None) -> str:
    return tenant.config.sign_in_experience.app_name or (app.name if app else "Logto")


def _link(path: str, app: Application | None) -> str:
    return f"{path}?{urlencode({'app_id': app.id})}" if app else path


def _ui_methods(experience: SignInExperience) -> dict[str, dict[str, bool]]:
    """The sign-in methods the pages offer, as ``/api/.well-known/sign-in-exp`` describes them."""
    return {
        m.identifier: {
            "password": m.password,
            "verificationCode": m.verification_code,
            "isPasswordPrimary": m.password,
        }
        for m in experience.sign_in_methods
        if m.identifier in UI_IDENTIFIERS
    }


def _label(kinds: list[str]) -> str:
    """The identifier field's label, as Logto's ``SmartInputField`` builds it (``getInputHtmlProps``): the
    enabled identifiers in the sign-in experience's order, joined by " / " ("Email / Username")."""
    return " / ".join(LABELS[k] for k in kinds) or LABELS["email"]


def _sign_up_identifier(identifiers: tuple[str, ...]) -> str:
    """What the register page asks for first: a username when the sign-up takes one, a phone number when
    it takes only that, else an email."""
    if "username" in identifiers:
        return "username"
    return "phone" if "phone" in identifiers and "email" not in identifiers else "email"


def _forgot_password_enabled(tenant: Tenant) -> bool:
    return tenant.config.sign_in_experience.forgot_password_email and tenant.connector is not None


def _registration_enabled(tenant: Tenant) -> bool:
    return tenant.config.sign_in_experience.registration_enabled


def _password_min(tenant: Tenant) -> int:
    """The password policy's minimum length (the pages' own check before the API's)."""
    from ._password_policy import full  # here: it needs _errors, which needs this module

    minimum: int = full(tenant.config.sign_in_experience.password_policy)["length"]["min"]
    return minimum


def _context(request: Request, interaction: Interaction | None, page: str, **extra: Any) -> dict[str, Any]:
    """What every experience template gets, and ``config``: what its script needs, in the API's terms."""
    tenant = _tenant(request)
    app = _app(request, interaction)
    experience = tenant.config.sign_in_experience
    methods = _ui_methods(experience)
    policy = tenant.config.code_policy
    config = {
        "page": page,
        "appId": app.id if app else None,
        "registration": experience.registration_enabled,
        "signIn": {"methods": methods},
        # Logto asks for a username first when the sign-up identifiers include one.
        "signUp": {
            "identifier": _sign_up_identifier(experience.sign_up_identifiers),
            "password": experience.sign_up_password,
        },
        "forgotPassword": _forgot_password_enabled(tenant),
        "passwordMin": _password_min(tenant),
        "codeLength": policy.length,
        "resendSeconds": policy.resend_countdown,
        # The social sign-in settings the pages need (socialSignIn of the sign-in experience).
        "socialSignIn": dict(experience.social_sign_in),
        **extra,
    }
    links = {
        "sign_in": _link(paths.SIGN_IN, app),
        "sign_in_password": _link(paths.SIGN_IN_PASSWORD, app),
        "sign_in_code": _link(paths.VERIFICATION_CODE.format(flow="sign-in"), app),
        "register": _link(paths.REGISTER, app) if experience.registration_enabled else None,
        "forgot_password": _link(paths.FORGOT_PASSWORD, app) if config["forgotPassword"] else None,
    }
    return {
        "app": app,
        "brand": _brand(tenant, app),
        "config": config,
        "links": links,
        "identifier_label": _label(list(methods)),
        "identifier_type": INPUT_TYPES.get(next(iter(methods)), "text") if len(methods) == 1 else "text",
        "identifier_autocomplete": " ".join(AUTOCOMPLETE[m] for m in methods) or "email",
        # containers/SetPassword: only "newPassword" when forgot password is on (Lite), else a confirmation.
        "confirm_password": not config["forgotPassword"],
        "password_only": bool(methods)
        and all(m["password"] and not m["verificationCode"] for m in methods.values()),
        "login_hint": request.query_params.get("login_hint", ""),
        # The "Continue with …" buttons: /api/.well-known/sign-in-exp's socialConnectors.
        "social_connectors": social_connectors(tenant),
    }


def _to_unknown_session(request: Request, interaction: Interaction | None) -> Response:
    return RedirectResponse(_link(paths.UNKNOWN_SESSION, _app(request, interaction)), status_code=303)


def _experience_page(
    template: str, page: str, *, offered: Callable[[Tenant], bool] | None = None, **extra: Any
) -> Callable[[Request], Awaitable[Response]]:
    """A page of the sign-in UI that needs an interaction; ``offered``: whether the tenant has this flow
    at all (if not, the browser goes to the sign-in page)."""

    async def handler(request: Request) -> Response:
        interaction = _interaction(request)
        if interaction is None:
            return _to_unknown_session(request, None)
        if offered is not None and not offered(_tenant(request)):
            return RedirectResponse(_link(paths.SIGN_IN, _app(request, interaction)), status_code=303)
        return render(request, template, {**_context(request, interaction, page), **extra})

    handler.__name__ = f"{page.replace('-', '_')}_page"
    return handler


async def verification_code(request: Request) -> Response:
    """``/:flow/verification-code``: one page for the four flows a code serves."""
    flow = request.path_params["flow"]
    if flow not in CODE_FLOWS:
        return error_page(request, "not_found", f"There is no {flow!r} flow.", 404)
    interaction = _interaction(request)
    if interaction is None:
        return _to_unknown_session(request, None)
    context = _context(request, interaction, "verification-code", flow=flow)
    context.update(flow=flow, restart=_link(CODE_FLOWS[flow], context["app"]))
    return render(request, "verification_code.html", context)


async def consent(request: Request) -> Response:
    """``/consent``: first-party apps are consented automatically (``koa-auto-consent.ts``), so this only
    says what is shared and continues to ``/oidc/auth/<uid>`` once the interaction is submitted."""
    interaction = _interaction(request)
    if interaction is None:
        return _to_unknown_session(request, None)
    tenant = _tenant(request)
    resume = tenant.url(paths.AUTH_RESUME.format(uid=interaction.uid)) if interaction.submitted else None
    context = _context(request, interaction, "consent")
    context.update(scopes=interaction.params.get("scopes", []), scope_text=SCOPE_TEXT, resume=resume)
    return render(request, "consent.html", context)


async def unknown_session(request: Request) -> Response:
    app = _app(request, None)
    context = {"app": app, "brand": _brand(_tenant(request), app), "home": app_home(app)}
    return render(request, "unknown_session.html", context)


async def static(request: Request) -> Response:
    """The pages' script and style sheet, from the package: no CDN, everything works offline."""
    name = request.path_params["name"]
    path = _STATIC / name
    if "/" in name or path.suffix not in STATIC_TYPES or not path.is_file():
        return Response("not found", status_code=404, media_type="text/plain")
    return Response(
        path.read_bytes(), media_type=STATIC_TYPES[path.suffix], headers={"Cache-Control": "no-cache"}
    )


_forgot_password_page = _experience_page(
    "forgot_password.html", "forgot-password", offered=_forgot_password_enabled
)

ROUTES = [
    ("GET", paths.STATIC, static),
    ("GET", paths.SIGN_IN, _experience_page("sign_in.html", "sign-in")),
    ("GET", paths.SIGN_IN_PASSWORD, _experience_page("sign_in_password.html", "sign-in-password")),
    ("GET", paths.REGISTER, _experience_page("register.html", "register", offered=_registration_enabled)),
    (
        "GET",
        paths.REGISTER_PASSWORD,
        _experience_page("continue_password.html", "register-password", title="New password"),
    ),
    ("GET", paths.VERIFICATION_CODE, verification_code),
    ("GET", paths.FORGOT_PASSWORD, _forgot_password_page),
    ("GET", paths.RESET_PASSWORD, _forgot_password_page),
    (
        "GET",
        paths.FORGOT_PASSWORD_RESET,
        _experience_page("forgot_password_reset.html", "forgot-password-reset"),
    ),
    (
        "GET",
        paths.CONTINUE_PASSWORD,
        _experience_page("continue_password.html", "continue-password", title="Set password"),
    ),
    ("GET", paths.CONSENT, consent),
    ("GET", paths.UNKNOWN_SESSION, unknown_session),
]
