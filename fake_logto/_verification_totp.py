"""The Experience API's TOTP verification: a new secret to bind, and a code checked against it or
against the user's bound secret.

Follows ``packages/core/src/routes/experience/verification-routes/totp-verification.ts`` and
``classes/verifications/totp-verification.ts``: both routes need an identified user (404
``session.identifier_not_found``); ``/secret`` answers ``{verificationId, secret, secretQrCode}`` (the QR
code of the ``otpauth://`` URI for the user's display name and the request's host); ``/verify`` with a
``verificationId`` checks a code of that new secret, without one the user's bound TOTP (400
``session.mfa.invalid_totp_code``; a code of an already used time step is refused too) through the
sentinel (action ``MfaTotp``, the user id its target). TOTP arithmetic: :mod:`._totp`, on the tenant clock.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import _codes, _guards, _sentinel, _totp, paths
from ._errors import LogtoError
from ._experience_context import Ctx, bind, identified_user
from ._mfa_records import iso
from ._store import User, new_id
from ._verification_records import TotpVerification


def _user_id(ctx: Ctx) -> str:
    if ctx.interaction.user_id is None:
        raise LogtoError("session.identifier_not_found", 404)
    return ctx.interaction.user_id


def display_name(user: User) -> str:
    """``getUserDisplayName``: name, email, the phone in international format, username; else Logto's
    ``Unnamed User``."""
    import phonenumbers  # loaded by the first phone number, not at the start

    phone = None
    if user.primary_phone:
        try:
            number = phonenumbers.parse("+" + user.primary_phone.lstrip("+"))
            phone = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        except phonenumbers.NumberParseException:
            phone = user.primary_phone
    return user.name or user.primary_email or phone or user.username or "Unnamed User"


def secret_qr_code(user: User, host: str, secret: str) -> str:
    return _totp.qr_data_url(_totp.key_uri(display_name(user), host, secret))


async def create_secret(request: Request) -> Response:
    """``POST /api/experience/verification/totp/secret``."""
    ctx = bind(request)
    user_id = _user_id(ctx)
    user = identified_user(ctx)
    secret = _totp.generate_secret()
    record = TotpVerification(id=new_id(21), user_id=user_id, secret=secret)
    _codes.install_record(ctx.tenant, ctx.interaction, record)
    qr = secret_qr_code(user, request.url.hostname or "localhost", secret)
    return JSONResponse({"verificationId": record.id, "secret": secret, "secretQrCode": qr})


def _check_existing(ctx: Ctx, user_id: str, code: str) -> None:
    """``verifyUserExistingTotp``: a code of the bound secret in a time step after the last used one."""
    store = ctx.tenant.store
    with store.lock:
        user = store.users.get(user_id)
        if user is None:
            raise LogtoError("entity.not_found", 404)
        factor = next((v for v in user.mfa_verifications if v.type == "Totp"), None)
        if factor is None or factor.key is None:
            raise LogtoError("session.mfa.invalid_totp_code", 400)
        step = _totp.time_step(factor.key, code, ctx.tenant.clock.now())
        if step is None:
            raise LogtoError("session.mfa.invalid_totp_code", 400)
        if factor.last_used_time_step is not None and step <= factor.last_used_time_step:
            raise LogtoError("session.mfa.invalid_totp_code", 400)
        factor.last_used_time_step, factor.last_used_at = step, iso(store.now_ms())


async def verify(request: Request) -> Response:
    """``POST /api/experience/verification/totp/verify`` ``{code, verificationId?}``."""
    ctx = bind(request)
    body = await _guards.body(request)
    code = _guards.string(body, "code", min_length=1)
    verification_id = _guards.field(body, "verificationId", str, optional=True)
    user_id = _user_id(ctx)
    if verification_id is not None:  # a new secret being bound
        record = ctx.interaction.verifications.get(verification_id)
        if not isinstance(record, TotpVerification) or record.user_id != user_id:
            raise LogtoError("session.verification_session_not_found", 404)
        now = ctx.tenant.clock.now()
        if record.secret is None or _totp.time_step(record.secret, code, now) is None:
            raise LogtoError("session.mfa.invalid_totp_code", 400)
        record.verified = True
        return JSONResponse({"verificationId": record.id})
    existing = TotpVerification(id=new_id(21), user_id=user_id)

    async def check() -> None:
        _check_existing(ctx, user_id, code)

    policy = ctx.experience.sentinel_policy
    await _sentinel.guarded(ctx.tenant.sentinel, policy, "MfaTotp", user_id, check)
    existing.verified = True
    _codes.install_record(ctx.tenant, ctx.interaction, existing)
    return JSONResponse({"verificationId": existing.id})


ROUTES = [
    ("POST", paths.EXPERIENCE_TOTP_SECRET, create_secret),
    ("POST", paths.EXPERIENCE_TOTP_VERIFY, verify),
]
