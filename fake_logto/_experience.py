"""The Experience API (``/api/experience``): the calls the sign-in UI makes to sign in, register, reset.

Follows ``packages/core/src/routes/experience/`` — ``index.ts`` (start, switch event, submit, interaction)
and ``profile-routes.ts`` here; the verifications are :mod:`._verification`'s, the identification
:mod:`._identification`'s, what they share (the interaction of the cookie, the rules of
``classes/experience-interaction.ts`` and ``classes/libraries/sign-in-experience-validator.ts``)
:mod:`._experience_context`'s. Every route is bound to the signed interaction cookie
(none, or an expired interaction: 400 ``session.not_found``; not started with ``PUT /api/experience``: 404
``session.interaction_not_found``);
every error is a :class:`LogtoError`. Codes are :mod:`._codes`'s, the pending profile :mod:`._profile`'s,
body checks :mod:`._guards`'.

The interaction keeps Logto's state: the event, one verification record per type, the identified user and
the pending profile; failed passwords and codes go through the sentinel (:mod:`._sentinel`); MFA (the
``/profile/mfa`` routes and the submit's checks) is :mod:`._mfa`'s. Not modelled: captcha (social:
:mod:`._verification_social`, enterprise SSO: :mod:`._verification_sso`).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import (
    _email_blocklist,
    _extra_profile,
    _guards,
    _hooks,
    _mfa,
    _mfa_codes,
    _profile,
    _verification_social,
    _verification_sso,
    paths,
)
from ._errors import LogtoError
from ._experience_context import (
    NO_CONTENT,
    Ctx,
    bind,
    guard_event,
    identified_user,
    read_event,
    record_json,
    stage,
    user_if_any,
    verification,
)
from ._mfa_records import PendingMfa
from ._store import User
from ._verification_records import SocialVerification


# --- start, switch event ----------------------------------------------------------------------------
async def start(request: Request) -> Response:
    """``PUT /api/experience``: begin (or begin again) with an event; forgets everything so far."""
    ctx = bind(request, started=False)
    event = read_event(await _guards.body(request))
    with ctx.tenant.store.lock:
        interaction = ctx.interaction
        interaction.event, interaction.user_id = event, None
        interaction.submitted, interaction.login_at = False, None
        interaction.verifications.clear()
        interaction.profile.clear()
        interaction.mfa = PendingMfa()
    return Response(status_code=NO_CONTENT)


async def set_event(request: Request) -> Response:
    """``PUT /api/experience/interaction-event``: switch SignIn <-> Register, keeping the verifications."""
    ctx = bind(request)
    event = read_event(await _guards.body(request))
    guard_event(ctx, event)
    if (event == "ForgotPassword") != (ctx.event == "ForgotPassword"):
        raise LogtoError("session.not_supported_for_forgot_password", 400)
    if event != ctx.event:  # setInteractionEvent: profile.cleanUp()
        _verification_social.forget_pending(ctx)
    with ctx.tenant.store.lock:
        if event != ctx.event:
            ctx.interaction.profile.clear()
        ctx.interaction.event = event
    return Response(status_code=NO_CONTENT)


# --- profile -----------------------------------------------------------------------------------------
async def _profile_from_verification(ctx: Ctx, kind: str, verification_id: str) -> None:
    _mfa_codes.stage_verified_identifier(ctx, kind, verification_id)  # shared with binding an MFA factor


async def _profile_social(ctx: Ctx, _kind: str, verification_id: str) -> None:
    """``type: social``: a verified social identity to link (``signInAndLinkWithSocial``) or to create."""
    record = verification(ctx, verification_id)
    if not isinstance(record, SocialVerification):
        raise LogtoError("session.verification_session_not_found", 404)
    _verification_sso.guard_sso_only(ctx, _verification_sso.email_of(record))
    email = _verification_sso.email_of(record)
    if email:  # guardEmailBlocklist: the identity's email
        _email_blocklist.guard_email(ctx.experience.email_blocklist_policy, email)
    _verification_social.stage_profile(ctx, record, user_if_any(ctx))


async def _profile_username(ctx: Ctx, _kind: str, username: str) -> None:
    stage(ctx, {"username": username})


async def _profile_password(ctx: Ctx, _kind: str, password: str) -> None:
    await _profile.stage_password(ctx.tenant.store, ctx.interaction, user_if_any(ctx), password, reset=False)


# type -> (body field, its format, setter)
PROFILE_TYPES: dict[str, tuple[str, re.Pattern[str] | None, Callable[[Ctx, str, str], Awaitable[None]]]] = {
    "username": ("value", _guards.USERNAME_RE, _profile_username),
    "password": ("value", None, _profile_password),
    "email": ("verificationId", None, _profile_from_verification),
    "phone": ("verificationId", None, _profile_from_verification),
    "social": ("verificationId", None, _profile_social),
}


async def update_profile(request: Request) -> Response:
    """``POST /api/experience/profile``: stage a username, a password, or a verified email/phone."""
    ctx = bind(request)
    body = await _guards.body(request)
    kind = _guards.choice(body, "type", (*PROFILE_TYPES, _extra_profile.TYPE))
    extra = _extra_profile.guard(body) if kind == _extra_profile.TYPE else None
    if extra is None:
        field, pattern, setter = PROFILE_TYPES[kind]
        argument = _guards.string(body, field, pattern=pattern)
    if ctx.event == "ForgotPassword":
        raise LogtoError("session.not_supported_for_forgot_password", 400)
    if ctx.event == "SignIn":  # social profiles are staged before MFA (profile-routes.ts)
        identified_user(ctx) if kind == "social" else _mfa.guard_verification_status(ctx)
    if extra is not None:
        _profile.stage_extra(ctx.tenant.store, ctx.interaction, _extra_profile.parse(extra))
    else:
        await setter(ctx, kind, argument)
    return Response(status_code=NO_CONTENT)


async def reset_password(request: Request) -> Response:
    """``PUT /api/experience/profile/password``: stage the new password of a ForgotPassword interaction."""
    ctx = bind(request)
    password = _guards.string(await _guards.body(request), "password")
    if ctx.event != "ForgotPassword":
        raise LogtoError("session.invalid_interaction_type", 400)
    user = identified_user(ctx)
    await _profile.stage_password(ctx.tenant.store, ctx.interaction, user, password, reset=True)
    return Response(status_code=NO_CONTENT)


# --- submit -----------------------------------------------------------------------------------------
async def _submit_password_reset(ctx: Ctx, user: User) -> Response:
    encrypted = ctx.interaction.profile.get("passwordEncrypted")
    if not encrypted:
        raise LogtoError("user.new_password_required_in_profile", 422)
    with ctx.tenant.store.lock:
        user.password_hash, user.updated_at = encrypted, ctx.tenant.store.now_ms()
        interaction = ctx.interaction  # the interaction result is cleared: only PUT /api/experience remains
        interaction.event, interaction.user_id = None, None
        interaction.verifications.clear()
        interaction.profile.clear()
    _hooks.append_interaction(user.id)  # experience-interaction.ts submit: PostResetPassword
    _hooks.append_data("User.Data.Updated", user)
    return Response(status_code=NO_CONTENT)


async def _submit_sign_in(ctx: Ctx, user: User) -> Response:
    profile, store = ctx.interaction.profile, ctx.tenant.store
    if ctx.event == "SignIn":  # only a sign-in verifies MFA (experience-interaction.ts submit)
        _mfa.guard_verification_status(ctx)
    stage(ctx, dict(profile))  # revalidate: the account or other users may have changed since
    sso = _verification_sso.has_verified(ctx)  # an enterprise identity skips these checks
    if not sso:
        _verification_social.guard_fulfilled(ctx, profile, user)
    with store.lock:
        if not sso:
            _mfa.assert_fulfilled(ctx, user)
        _profile.apply(store, user, profile)
        _verification_social.apply_pending(ctx, user)  # synced name/avatar, a linked identity
        _verification_sso.apply_pending(ctx, user)  # ... a linked or refreshed SSO identity
        _mfa.save(ctx, user)
        user.last_sign_in_at = store.now_ms()
        ctx.interaction.submitted, ctx.interaction.login_at = True, ctx.tenant.clock.now()
    _hooks.append_interaction(user.id)  # experience-interaction.ts submit: PostSignIn / PostRegister
    redirect_to = ctx.tenant.url(paths.AUTH_RESUME.format(uid=ctx.interaction.uid))
    return JSONResponse({"redirectTo": redirect_to})


SUBMITTERS: dict[str, Callable[[Ctx, User], Awaitable[Response]]] = {
    "SignIn": _submit_sign_in,
    "Register": _submit_sign_in,
    "ForgotPassword": _submit_password_reset,
}


async def submit(request: Request) -> Response:
    """``POST /api/experience/submit``: ``{redirectTo}`` (resume /oidc/auth); ForgotPassword: 204."""
    ctx = bind(request)
    return await SUBMITTERS[ctx.event](ctx, identified_user(ctx))


async def get_interaction(request: Request) -> Response:
    """``GET /api/experience/interaction``: the interaction's state, without secrets."""
    ctx = bind(request)
    interaction = ctx.interaction
    with ctx.tenant.store.lock:
        body: dict[str, Any] = {"interactionEvent": interaction.event}
        if interaction.user_id:
            body["userId"] = interaction.user_id
        body["profile"] = _profile.sanitized(interaction.profile)
        body["mfa"] = interaction.mfa.sanitized()
        body["verificationRecords"] = [record_json(r) for r in interaction.verifications.values()]
        body["captcha"] = {"verified": False, "skipped": False}
    return JSONResponse(body)


ROUTES = [
    ("PUT", paths.EXPERIENCE, start),
    ("PUT", paths.EXPERIENCE_EVENT, set_event),
    ("POST", paths.EXPERIENCE_PROFILE, update_profile),
    ("PUT", paths.EXPERIENCE_PROFILE_PASSWORD, reset_password),
    ("POST", paths.EXPERIENCE_SUBMIT, submit),
    ("GET", paths.EXPERIENCE_INTERACTION, get_interaction),
]
