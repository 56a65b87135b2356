"""The Experience API's MFA verification codes: a code sent to the identified user's own primary email or
phone, checked as the sign-in's second factor (``EmailVerificationCode`` / ``PhoneVerificationCode``).

Follows ``packages/core/src/routes/experience/verification-routes/verification-code.ts``
(``/mfa-verification-code``, ``/mfa-verification-code/verify``) and ``verification-code-helpers.ts``
(``getMfaIdentifier``: 400 ``session.identifier_not_found`` before identification, 400
``session.mfa.mfa_factor_not_enabled`` for a user without that address; ``sendCode`` with no interaction
event: always delivered, template ``MfaVerification``; ``verifyCode`` through the sentinel, action
``VerificationCode``, the address its target). The record (``MfaEmailCodeVerification``) counts as the MFA
verification (:func:`._mfa.is_verified`) when the tenant enables the factor; what makes a user have the
factor is :mod:`._mfa_codes`'.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import _codes, _guards, _sentinel, paths
from ._errors import LogtoError
from ._experience_context import Ctx, bind, identified_user
from ._verification_records import MfaCodeVerification

IDENTIFIER_TYPES = ("email", "phone")


def _address(ctx: Ctx, kind: str) -> str:
    """``getMfaIdentifier``: the identified user's primary email / phone."""
    if ctx.interaction.user_id is None:
        raise LogtoError("session.identifier_not_found", 400)
    with ctx.tenant.store.lock:
        user = identified_user(ctx)
        value = user.primary_email if kind == "email" else user.primary_phone
    if not value:
        raise LogtoError("session.mfa.mfa_factor_not_enabled", 400)
    return value


async def send(request: Request) -> Response:
    """``POST /api/experience/verification/mfa-verification-code`` ``{identifierType}``."""
    ctx = bind(request)
    body = await _guards.body(request)
    kind = _guards.choice(body, "identifierType", IDENTIFIER_TYPES)
    value = _address(ctx, kind)
    record = await _codes.send_code(
        ctx.tenant,
        ctx.interaction,
        kind,
        value,
        "MfaVerification",
        accept_language=request.headers.get("accept-language"),
        record_class=MfaCodeVerification,
    )
    return JSONResponse({"verificationId": record.id})


async def verify(request: Request) -> Response:
    """``POST /api/experience/verification/mfa-verification-code/verify`` ``{verificationId, code,
    identifierType}``: 404 ``session.verification_session_not_found`` without an MFA code record of that
    type and id; the code's errors are the sign-in codes' (``verification_code.*``)."""
    ctx = bind(request)
    body = await _guards.body(request)
    verification_id = _guards.field(body, "verificationId", str)
    code = _guards.field(body, "code", str)
    kind = _guards.choice(body, "identifierType", IDENTIFIER_TYPES)
    record = ctx.interaction.verifications.get(verification_id)
    if not isinstance(record, MfaCodeVerification) or record.identifier_type != kind:
        raise LogtoError("session.verification_session_not_found", 404)

    async def check() -> None:
        _codes.verify_code(ctx.tenant, record, record.value, code)

    policy = ctx.experience.sentinel_policy
    await _sentinel.guarded(ctx.tenant.sentinel, policy, "VerificationCode", record.value, check)
    return JSONResponse({"verificationId": record.id})


ROUTES = [
    ("POST", paths.EXPERIENCE_MFA_CODE_SEND, send),
    ("POST", paths.EXPERIENCE_MFA_CODE_VERIFY, verify),
]
