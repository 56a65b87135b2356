"""The Experience API's verifications: send and check a verification code, check a password.

Follows ``packages/core/src/routes/experience/verification-routes/verification-code.ts`` (with its
template choice: ``BindMfa`` for an identifier outside the sign-up identifiers once a user is identified) and
``password-verification.ts`` (a matching password past its expiry: :mod:`._password_expiration`): each answers the ``verificationId`` of a record kept on the interaction
(:mod:`._experience_context`); codes are :mod:`._codes`'s. Checking a password or a code goes through the
sentinel (:mod:`._sentinel`, Logto's ``withSentinel``): too many failures for one identifier lock it out.
"""

from __future__ import annotations

import asyncio
import re

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import _codes, _email_blocklist, _guards, _password_expiration, _sentinel, paths
from ._config import SentinelPolicy
from ._errors import LogtoError
from ._experience_context import Ctx, bind, read_event
from ._passwords import verify_user_password
from ._store import InteractionEvent, User, new_id
from ._verification_records import CodeVerification, MfaCodeVerification, PasswordVerification

CODE_IDENTIFIERS: dict[str, re.Pattern[str] | None] = {"email": _guards.EMAIL_RE, "phone": _guards.PHONE_RE}
# A password's identifier is only looked up, so any value is accepted.
PASSWORD_IDENTIFIERS: dict[str, re.Pattern[str] | None] = {"email": None, "phone": None, "username": None}


def _policy(ctx: Ctx) -> SentinelPolicy:
    return ctx.experience.sentinel_policy


def _suppressed(ctx: Ctx, kind: str, value: str, event: InteractionEvent) -> bool:
    """verification-code-helpers.ts shouldSkipDelivery: no code for an address with no reason to get one."""
    unknown = ctx.tenant.store.user_by(kind, value) is None
    if event == "ForgotPassword":
        return unknown
    if event == "SignIn" and ctx.interaction.user_id is None:
        return unknown and not ctx.experience.registration_enabled
    return False


def _template(ctx: Ctx, kind: str, event: InteractionEvent) -> str:
    """The template: ``BindMfa`` once a user is identified and ``kind`` is no sign-up identifier, primary
    or secondary (``emailOrPhone`` covers both), as the route decides; else the event's
    (``getTemplateTypeByEvent``)."""
    experience = ctx.experience
    secondary = [identifier for identifier, _ in experience.sign_up_secondary or ()]
    binding = (
        ctx.interaction.user_id is not None
        and kind not in experience.sign_up_identifiers
        and not any(identifier in (kind, "emailOrPhone") for identifier in secondary)
    )
    return "BindMfa" if binding else event


async def send_verification_code(request: Request) -> Response:
    """``POST /api/experience/verification/verification-code``: send a code, answer its verificationId."""
    ctx = bind(request)
    body = await _guards.body(request)
    kind, value = _guards.identifier(body, CODE_IDENTIFIERS)
    event = read_event(body)
    if event == "Register" and kind == "email":  # sendCode pre-validates a registration's email
        _email_blocklist.guard_email(ctx.experience.email_blocklist_policy, value)
    record = await _codes.send_code(
        ctx.tenant,
        ctx.interaction,
        kind,
        value,
        _template(ctx, kind, event),
        deliver=not _suppressed(ctx, kind, value, event),
        accept_language=request.headers.get("accept-language"),
    )
    return JSONResponse({"verificationId": record.id})


async def verify_verification_code(request: Request) -> Response:
    """``POST /api/experience/verification/verification-code/verify``: check a code."""
    ctx = bind(request)
    body = await _guards.body(request)
    kind, value = _guards.identifier(body, CODE_IDENTIFIERS)
    verification_id = _guards.string(body, "verificationId")
    code = _guards.string(body, "code")
    record = ctx.interaction.verifications.get(verification_id)
    mfa = isinstance(record, MfaCodeVerification)  # its own route: _verification_mfa_code
    if not isinstance(record, CodeVerification) or mfa or record.identifier_type != kind:
        raise LogtoError("session.verification_session_not_found", 404)

    async def check() -> None:
        _codes.verify_code(ctx.tenant, record, value, code)

    await _sentinel.guarded(ctx.tenant.sentinel, _policy(ctx), "VerificationCode", value, check)
    return JSONResponse({"verificationId": record.id})


async def verify_password(request: Request) -> Response:
    """``POST /api/experience/verification/password``: check an identifier's password."""
    ctx = bind(request)
    body = await _guards.body(request)
    kind, value = _guards.identifier(body, PASSWORD_IDENTIFIERS)
    password = _guards.string(body, "password", min_length=1)

    async def check() -> User:
        user = ctx.tenant.store.user_by(kind, value)
        if user is None or not await asyncio.to_thread(verify_user_password, user, password):
            raise LogtoError("session.invalid_credentials", 422)
        if user.is_suspended:  # PasswordVerification.verify (verifications/password-verification.ts)
            raise LogtoError("user.suspended", 401)
        return user

    user = await _sentinel.guarded(ctx.tenant.sentinel, _policy(ctx), "Password", value, check)
    # verifyPasswordExpiration: outside the sentinel, before the record is kept
    _password_expiration.verify(ctx.experience.password_expiration, user, ctx.tenant.store.now_ms())
    record = PasswordVerification(id=new_id(21), identifier_type=kind, value=value, user_id=user.id)
    _codes.install_record(ctx.tenant, ctx.interaction, record)
    return JSONResponse({"verificationId": record.id})


ROUTES = [
    ("POST", paths.EXPERIENCE_CODE_SEND, send_verification_code),
    ("POST", paths.EXPERIENCE_CODE_VERIFY, verify_verification_code),
    ("POST", paths.EXPERIENCE_PASSWORD_VERIFY, verify_password),
]
