"""The Experience API (``/api/experience``): the calls the sign-in UI makes to sign in, register, reset.

Follows ``packages/core/src/routes/experience/`` — ``index.ts`` (start, switch event, identification,
submit, interaction), ``verification-routes/verification-code.ts`` and ``password-verification.ts``,
``profile-routes.ts``, and the rules of ``classes/experience-interaction.ts`` and
``classes/libraries/sign-in-experience-validator.ts``. Every route is bound to the interaction cookie
(none, expired, or not started with ``PUT /api/experience``: 404 ``session.interaction_not_found``);
every error is a :class:`LogtoError`. Codes are :mod:`._codes`'s, the pending profile :mod:`._profile`'s,
body checks :mod:`._guards`'.

The interaction keeps Logto's state: the event, one verification record per type, the identified user and
the pending profile. Not modelled: MFA, captcha, social and SSO, the sentinel's lock-out after failed
passwords.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, cast

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import _codes, _guards, _profile, paths
from ._config import SeedUser, SignInExperience
from ._errors import LogtoError
from ._store import (
    CodeVerification,
    Interaction,
    InteractionEvent,
    PasswordVerification,
    User,
    check_password,
    new_id,
)
from ._tenant import Tenant

Record = CodeVerification | PasswordVerification
EVENTS: tuple[InteractionEvent, ...] = ("SignIn", "Register", "ForgotPassword")
CODE_IDENTIFIERS: dict[str, re.Pattern[str] | None] = {"email": _guards.EMAIL_RE, "phone": _guards.PHONE_RE}
# A password's identifier is only looked up, so any value is accepted.
PASSWORD_IDENTIFIERS: dict[str, re.Pattern[str] | None] = {"email": None, "phone": None, "username": None}
_NO_CONTENT = 204


@dataclass
class _Ctx:
    tenant: Tenant
    interaction: Interaction

    @property
    def experience(self) -> SignInExperience:
        return self.tenant.config.sign_in_experience

    @property
    def event(self) -> InteractionEvent:
        assert self.interaction.event is not None
        return self.interaction.event


def _bind(request: Request, *, started: bool = True) -> _Ctx:
    """The interaction of the cookie; ``started``: it must have an event (``PUT /api/experience`` ran)."""
    tenant: Tenant = request.app.state.tenant
    interaction = tenant.store.live_interaction(request.cookies.get(paths.INTERACTION_COOKIE))
    if interaction is None or (started and interaction.event is None):
        raise LogtoError("session.interaction_not_found", 404)
    return _Ctx(tenant, interaction)


def _event(body: dict[str, Any]) -> InteractionEvent:
    return cast(InteractionEvent, _guards.choice(body, "interactionEvent", EVENTS))


def _record(ctx: _Ctx, verification_id: str) -> Record:
    record = ctx.interaction.verifications.get(verification_id)
    if record is None:
        raise LogtoError("session.verification_session_not_found", 404)
    return record


def _user(ctx: _Ctx) -> User:
    """The identified user: 404 ``session.identifier_not_found`` before identification."""
    user_id = ctx.interaction.user_id
    if user_id is None:
        raise LogtoError("session.identifier_not_found", 404)
    user = ctx.tenant.store.users.get(user_id)
    if user is None:  # deleted since (findUserById)
        raise LogtoError("entity.not_found", 404)
    return user


def _user_if_any(ctx: _Ctx) -> User | None:
    """Profile.safeGetIdentifiedUser: optional while registering, required otherwise."""
    if ctx.event == "Register":
        return ctx.tenant.store.users.get(ctx.interaction.user_id or "")
    return _user(ctx)


def _stage(ctx: _Ctx, profile: dict[str, Any]) -> None:
    _profile.stage(ctx.tenant.store, ctx.interaction, _user_if_any(ctx), profile)


def _guard_event(ctx: _Ctx, event: InteractionEvent) -> None:
    """SignInExperienceValidator.guardInteractionEvent: Register needs registration on."""
    if event == "Register" and not ctx.experience.registration_enabled:
        raise LogtoError("auth.forbidden", 403)


def _record_json(record: Record) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": record.id,
        "type": _codes.record_type(record),
        "identifier": {"type": record.identifier_type, "value": record.value},
    }
    if isinstance(record, CodeVerification):
        body["templateType"] = record.event
    body["verified"] = record.verified
    return body


# --- start, switch event ----------------------------------------------------------------------------
async def start(request: Request) -> Response:
    """``PUT /api/experience``: begin (or begin again) with an event; forgets everything so far."""
    ctx = _bind(request, started=False)
    event = _event(await _guards.body(request))
    with ctx.tenant.store.lock:
        interaction = ctx.interaction
        interaction.event, interaction.user_id = event, None
        interaction.submitted, interaction.login_at = False, None
        interaction.verifications.clear()
        interaction.profile.clear()
    return Response(status_code=_NO_CONTENT)


async def set_event(request: Request) -> Response:
    """``PUT /api/experience/interaction-event``: switch SignIn <-> Register, keeping the verifications."""
    ctx = _bind(request)
    event = _event(await _guards.body(request))
    _guard_event(ctx, event)
    if (event == "ForgotPassword") != (ctx.event == "ForgotPassword"):
        raise LogtoError("session.not_supported_for_forgot_password", 400)
    with ctx.tenant.store.lock:
        if event != ctx.event:
            ctx.interaction.profile.clear()
        ctx.interaction.event = event
    return Response(status_code=_NO_CONTENT)


# --- verifications ------------------------------------------------------------------------------------
def _suppressed(ctx: _Ctx, kind: str, value: str, event: InteractionEvent) -> bool:
    """verification-code-helpers.ts shouldSkipDelivery: no code for an address with no reason to get one."""
    unknown = ctx.tenant.store.user_by(kind, value) is None
    if event == "ForgotPassword":
        return unknown
    if event == "SignIn" and ctx.interaction.user_id is None:
        return unknown and not ctx.experience.registration_enabled
    return False


async def send_verification_code(request: Request) -> Response:
    """``POST /api/experience/verification/verification-code``: send a code, answer its verificationId."""
    ctx = _bind(request)
    body = await _guards.body(request)
    kind, value = _guards.identifier(body, CODE_IDENTIFIERS)
    event = _event(body)
    record = await _codes.send_code(
        ctx.tenant,
        ctx.interaction,
        kind,
        value,
        event,
        deliver=not _suppressed(ctx, kind, value, event),
        accept_language=request.headers.get("accept-language"),
    )
    return JSONResponse({"verificationId": record.id})


async def verify_verification_code(request: Request) -> Response:
    """``POST /api/experience/verification/verification-code/verify``: check a code."""
    ctx = _bind(request)
    body = await _guards.body(request)
    kind, value = _guards.identifier(body, CODE_IDENTIFIERS)
    verification_id = _guards.string(body, "verificationId")
    code = _guards.string(body, "code")
    record = ctx.interaction.verifications.get(verification_id)
    if not isinstance(record, CodeVerification) or record.identifier_type != kind:
        raise LogtoError("session.verification_session_not_found", 404)
    _codes.verify_code(ctx.tenant, record, value, code)
    return JSONResponse({"verificationId": record.id})


async def verify_password(request: Request) -> Response:
    """``POST /api/experience/verification/password``: check an identifier's password."""
    ctx = _bind(request)
    body = await _guards.body(request)
    kind, value = _guards.identifier(body, PASSWORD_IDENTIFIERS)
    password = _guards.string(body, "password", min_length=1)
    user = ctx.tenant.store.user_by(kind, value)
    if user is None or not await asyncio.to_thread(check_password, password, user.password_hash):
        raise LogtoError("session.invalid_credentials", 422)
    record = PasswordVerification(id=new_id(21), identifier_type=kind, value=value, user_id=user.id)
    _codes.install_record(ctx.tenant, ctx.interaction, record)
    return JSONResponse({"verificationId": record.id})


# --- identification -----------------------------------------------------------------------------------
def _guard_sign_in_method(ctx: _Ctx, record: Record) -> None:
    method = ctx.experience.method(record.identifier_type)
    by_password = isinstance(record, PasswordVerification)
    if method is None or not (method.password if by_password else method.verification_code):
        raise LogtoError("user.sign_in_method_not_enabled", 422)


def _guard_forgot_password_method(ctx: _Ctx, record: Record) -> None:
    # Only an email code resets a password here (the tenant has no SMS connector).
    if not (isinstance(record, CodeVerification) and record.identifier_type == "email"):
        raise LogtoError("session.not_supported_for_forgot_password", 422)
    if not ctx.experience.forgot_password_email:
        raise LogtoError("session.not_supported_for_forgot_password", 422)


IDENTIFICATION_GUARDS: dict[str, Callable[[_Ctx, Record], None]] = {
    "SignIn": _guard_sign_in_method,
    "ForgotPassword": _guard_forgot_password_method,
}


async def _identify_user(ctx: _Ctx, verification_id: str | None) -> int:
    """ExperienceInteraction.identifyUser (SignIn, ForgotPassword): the verified identifier's user."""
    if verification_id is None:
        raise LogtoError("guard.invalid_input", 400, details="verificationId is missing", type="body")
    record = _record(ctx, verification_id)
    IDENTIFICATION_GUARDS[ctx.event](ctx, record)
    if not record.verified:
        raise LogtoError("session.verification_failed", 400)
    user = ctx.tenant.store.user_by(record.identifier_type, record.value)
    if user is None:
        raise LogtoError("user.user_not_exist", 404, {"identifier": record.value}, identifier=record.value)
    with ctx.tenant.store.lock:
        if ctx.interaction.user_id not in (None, user.id):
            raise LogtoError("session.identity_conflict", 409)
        ctx.interaction.user_id = user.id
    return _NO_CONTENT


async def _create_user(ctx: _Ctx, verification_id: str | None) -> int:
    """ExperienceInteraction.createUser (Register): stage the verified identifier, then create the user."""
    if verification_id is not None:
        record = _record(ctx, verification_id)
        if not isinstance(record, CodeVerification) or not record.verified:
            raise LogtoError("session.verification_failed", 400)
        _stage(ctx, {_profile.KEYS[record.identifier_type]: record.value})
    _guard_event(ctx, "Register")
    _profile.guard_fulfilled(ctx.experience, ctx.interaction.profile, _user_if_any(ctx))
    store, profile = ctx.tenant.store, ctx.interaction.profile
    with store.lock:
        try:
            seed = SeedUser(
                email=profile.get("primaryEmail"),
                username=profile.get("username"),
                phone=profile.get("primaryPhone"),
            )
            user = store.create_user(seed)
        except ValueError as exc:  # lost a race with another registration
            raise LogtoError("user.email_already_in_use", 422) from exc
        user.password_hash = profile.get("passwordEncrypted")
        ctx.interaction.user_id = user.id
        profile.clear()
    return 201


IDENTIFIERS: dict[str, Callable[[_Ctx, str | None], Awaitable[int]]] = {
    "SignIn": _identify_user,
    "ForgotPassword": _identify_user,
    "Register": _create_user,
}


async def identify(request: Request) -> Response:
    """``POST /api/experience/identification``: 201 when Register created the user, else 204."""
    ctx = _bind(request)
    body = await _guards.body(request)
    verification_id = _guards.field(body, "verificationId", str, optional=True)
    status = await IDENTIFIERS[ctx.event](ctx, verification_id)
    return Response(status_code=status)


# --- profile -----------------------------------------------------------------------------------------
async def _profile_from_verification(ctx: _Ctx, kind: str, verification_id: str) -> None:
    record = _record(ctx, verification_id)
    if not isinstance(record, CodeVerification) or record.identifier_type != kind:
        raise LogtoError("session.verification_session_not_found", 404)
    if not record.verified:
        raise LogtoError("session.verification_failed", 400)
    _stage(ctx, {_profile.KEYS[kind]: record.value})


async def _profile_username(ctx: _Ctx, _kind: str, username: str) -> None:
    _stage(ctx, {"username": username})


async def _profile_password(ctx: _Ctx, _kind: str, password: str) -> None:
    await _profile.stage_password(ctx.tenant.store, ctx.interaction, _user_if_any(ctx), password, reset=False)


# type -> (body field, its format, setter)
PROFILE_TYPES: dict[str, tuple[str, re.Pattern[str] | None, Callable[[_Ctx, str, str], Awaitable[None]]]] = {
    "username": ("value", _guards.USERNAME_RE, _profile_username),
    "password": ("value", None, _profile_password),
    "email": ("verificationId", None, _profile_from_verification),
    "phone": ("verificationId", None, _profile_from_verification),
    "social": ("verificationId", None, _profile_from_verification),
}


async def update_profile(request: Request) -> Response:
    """``POST /api/experience/profile``: stage a username, a password, or a verified email/phone."""
    ctx = _bind(request)
    body = await _guards.body(request)
    kind = _guards.choice(body, "type", tuple(PROFILE_TYPES))
    field, pattern, setter = PROFILE_TYPES[kind]
    argument = _guards.string(body, field, pattern=pattern)
    if ctx.event == "ForgotPassword":
        raise LogtoError("session.not_supported_for_forgot_password", 400)
    if ctx.event == "SignIn":
        _user(ctx)  # MFA is not modelled: being identified is enough
    await setter(ctx, kind, argument)
    return Response(status_code=_NO_CONTENT)


async def reset_password(request: Request) -> Response:
    """``PUT /api/experience/profile/password``: stage the new password of a ForgotPassword interaction."""
    ctx = _bind(request)
    password = _guards.string(await _guards.body(request), "password")
    if ctx.event != "ForgotPassword":
        raise LogtoError("session.invalid_interaction_type", 400)
    user = _user(ctx)
    await _profile.stage_password(ctx.tenant.store, ctx.interaction, user, password, reset=True)
    return Response(status_code=_NO_CONTENT)


# --- submit -----------------------------------------------------------------------------------------
async def _submit_password_reset(ctx: _Ctx, user: User) -> Response:
    encrypted = ctx.interaction.profile.get("passwordEncrypted")
    if not encrypted:
        raise LogtoError("user.new_password_required_in_profile", 422)
    with ctx.tenant.store.lock:
        user.password_hash, user.updated_at = encrypted, ctx.tenant.store.now_ms()
        interaction = ctx.interaction  # the interaction result is cleared: only PUT /api/experience remains
        interaction.event, interaction.user_id = None, None
        interaction.verifications.clear()
        interaction.profile.clear()
    return Response(status_code=_NO_CONTENT)


async def _submit_sign_in(ctx: _Ctx, user: User) -> Response:
    profile, store = ctx.interaction.profile, ctx.tenant.store
    _stage(ctx, dict(profile))  # revalidate: the account or other users may have changed since
    _profile.guard_fulfilled(ctx.experience, profile, user)
    with store.lock:
        _profile.apply(store, user, profile)
        user.last_sign_in_at = store.now_ms()
        ctx.interaction.submitted, ctx.interaction.login_at = True, ctx.tenant.clock.now()
    redirect_to = ctx.tenant.url(paths.AUTH_RESUME.format(uid=ctx.interaction.uid))
    return JSONResponse({"redirectTo": redirect_to})


SUBMITTERS: dict[str, Callable[[_Ctx, User], Awaitable[Response]]] = {
    "SignIn": _submit_sign_in,
    "Register": _submit_sign_in,
    "ForgotPassword": _submit_password_reset,
}


async def submit(request: Request) -> Response:
    """``POST /api/experience/submit``: ``{redirectTo}`` (resume /oidc/auth); ForgotPassword: 204."""
    ctx = _bind(request)
    return await SUBMITTERS[ctx.event](ctx, _user(ctx))


async def get_interaction(request: Request) -> Response:
    """``GET /api/experience/interaction``: the interaction's state, without secrets."""
    ctx = _bind(request)
    interaction = ctx.interaction
    with ctx.tenant.store.lock:
        body: dict[str, Any] = {"interactionEvent": interaction.event}
        if interaction.user_id:
            body["userId"] = interaction.user_id
        body["profile"] = _profile.sanitized(interaction.profile)
        body["mfa"] = {}
        body["verificationRecords"] = [_record_json(r) for r in interaction.verifications.values()]
        body["captcha"] = {"verified": False, "skipped": False}
    return JSONResponse(body)


ROUTES = [
    ("PUT", paths.EXPERIENCE, start),
    ("PUT", paths.EXPERIENCE_EVENT, set_event),
    ("POST", paths.EXPERIENCE_CODE_SEND, send_verification_code),
    ("POST", paths.EXPERIENCE_CODE_VERIFY, verify_verification_code),
    ("POST", paths.EXPERIENCE_PASSWORD_VERIFY, verify_password),
    ("POST", paths.EXPERIENCE_IDENTIFICATION, identify),
    ("POST", paths.EXPERIENCE_PROFILE, update_profile),
    ("PUT", paths.EXPERIENCE_PROFILE_PASSWORD, reset_password),
    ("POST", paths.EXPERIENCE_SUBMIT, submit),
    ("GET", paths.EXPERIENCE_INTERACTION, get_interaction),
]
