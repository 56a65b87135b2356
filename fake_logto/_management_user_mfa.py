"""The Management API's user MFA verifications: ``GET``, ``POST /api/users/{userId}/mfa-verifications``
and ``DELETE …/{verificationId}``, as Logto's ``packages/core/src/routes/admin-user/mfa-verifications.ts``.

``GET`` lists the user's factors without secrets (``transpileUserMfaVerifications``: backup codes as
``remainCodes``). ``POST`` ``{type: Totp, secret?}`` binds a TOTP (422 ``user.totp_already_in_use``; an
imported secret must be 16-32 base32 characters, else 422 ``user.totp_secret_invalid``) and answers
``{type, secret, secretQrCode}``; ``{type: BackupCode, codes?}`` binds ten codes (422
``user.backup_code_already_in_use`` while some are unused, 422 ``session.mfa.backup_code_can_not_be_alone``
without another factor, 422 ``user.wrong_backup_code_format``) and answers ``{type, codes}``. ``DELETE``
removes one (404 ``entity.not_found``). The body is guarded before the user is looked up.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import _guards, _totp, paths
from ._errors import LogtoError
from ._management_auth import authorized_tenant
from ._management_users import user_of
from ._mfa_records import backup_code_factor, totp_factor
from ._verification_totp import secret_qr_code

TYPES = ("Totp", "BackupCode")


async def list_verifications(request: Request) -> Response:
    tenant = authorized_tenant(request)
    with tenant.store.lock:
        return JSONResponse([v.to_json() for v in user_of(tenant, request).mfa_verifications])


def _body(body: dict[str, Any]) -> tuple[str, Any]:
    """The route's ``z.discriminatedUnion('type', …)``."""
    kind = body.get("type")
    if kind not in TYPES:
        raise _guards.invalid(
            "type",
            "invalid_union_discriminator",
            "Invalid discriminator value. Expected 'Totp' | 'BackupCode'",
            options=list(TYPES),
        )
    if kind == "Totp":
        return kind, _guards.field(body, "secret", str, optional=True)
    codes: list[Any] | None = _guards.field(body, "codes", list, optional=True)
    for i, code in enumerate(codes or []):
        _guards.field({str(i): code}, f"codes.{i}", str)
    return kind, codes


async def create_verification(request: Request) -> Response:
    tenant = authorized_tenant(request)
    kind, value = _body(await _guards.body(request))
    store = tenant.store
    with store.lock:
        user = user_of(tenant, request)
        factors = user.mfa_verifications
        if kind == "Totp":
            if any(v.type == "Totp" for v in factors):  # a user binds one TOTP
                raise LogtoError("user.totp_already_in_use", 422)
            if value is not None and not _totp.valid_secret(value):
                raise LogtoError("user.totp_secret_invalid", 422)
            secret = value or _totp.generate_secret()
            factors.append(totp_factor(secret, store.now_ms()))
            qr = secret_qr_code(user, request.url.hostname or "localhost", secret)
            return JSONResponse({"type": "Totp", "secret": secret, "secretQrCode": qr})
        if any(v.type == "BackupCode" and v.remaining_codes > 0 for v in factors):
            raise LogtoError("user.backup_code_already_in_use", 422)
        if not any(v.type != "BackupCode" for v in factors):
            raise LogtoError("session.mfa.backup_code_can_not_be_alone", 422)
        if value is not None and not _totp.valid_backup_codes(value):
            raise LogtoError("user.wrong_backup_code_format", 422)
        codes = value if value is not None else _totp.generate_backup_codes()
        factors.append(backup_code_factor(codes, store.now_ms()))  # addUserMfaVerification appends
        return JSONResponse({"codes": codes, "type": "BackupCode"})


async def delete_verification(request: Request) -> Response:
    tenant = authorized_tenant(request)
    verification_id = request.path_params["verification_id"]
    with tenant.store.lock:
        user = user_of(tenant, request)
        if not any(v.id == verification_id for v in user.mfa_verifications):
            raise LogtoError("entity.not_found", 404)
        user.mfa_verifications = [v for v in user.mfa_verifications if v.id != verification_id]
    return Response(status_code=204)


ROUTES = [
    ("GET", paths.MANAGEMENT_USER_MFA, list_verifications),
    ("POST", paths.MANAGEMENT_USER_MFA, create_verification),
    ("DELETE", paths.MANAGEMENT_USER_MFA_ONE, delete_verification),
]
