"""The Experience API's backup codes: new codes to bind, and one of the user's codes used (once).

Follows ``packages/core/src/routes/experience/verification-routes/backup-code-verification.ts`` and
``classes/verifications/backup-code-verification.ts``: both routes need an identified user (404
``session.identifier_not_found``); ``/generate`` answers ``{verificationId, codes}`` (ten codes:
:mod:`._totp`), bound by ``POST /api/experience/profile/mfa`` (:mod:`._mfa`); ``/verify`` marks an unused
code of the user's used (``usedAt``) or answers 400 ``session.mfa.invalid_backup_code``, through the
sentinel (action ``MfaBackupCode``, the user id its target).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import _codes, _guards, _sentinel, _totp, paths
from ._errors import LogtoError
from ._experience_context import Ctx, bind
from ._mfa_records import iso
from ._store import new_id
from ._verification_records import BackupCodeVerification


def _user_id(ctx: Ctx) -> str:
    if ctx.interaction.user_id is None:
        raise LogtoError("session.identifier_not_found", 404)
    return ctx.interaction.user_id


async def generate(request: Request) -> Response:
    """``POST /api/experience/verification/backup-code/generate``."""
    ctx = bind(request)
    codes = _totp.generate_backup_codes()
    record = BackupCodeVerification(id=new_id(21), user_id=_user_id(ctx), backup_codes=codes)
    _codes.install_record(ctx.tenant, ctx.interaction, record)
    return JSONResponse({"verificationId": record.id, "codes": codes})


def _use(ctx: Ctx, user_id: str, code: str) -> None:
    store = ctx.tenant.store
    with store.lock:
        user = store.users.get(user_id)
        if user is None:
            raise LogtoError("entity.not_found", 404)
        factor = next((v for v in user.mfa_verifications if v.type == "BackupCode"), None)
        entry = next(
            (c for c in (factor.codes if factor else []) if c.get("code") == code and not c.get("usedAt")),
            None,
        )
        if entry is None:
            raise LogtoError("session.mfa.invalid_backup_code", 400)
        entry["usedAt"] = iso(store.now_ms())


async def verify(request: Request) -> Response:
    """``POST /api/experience/verification/backup-code/verify`` ``{code}``."""
    ctx = bind(request)
    code = _guards.string(await _guards.body(request), "code", min_length=1)
    user_id = _user_id(ctx)
    record = BackupCodeVerification(id=new_id(21), user_id=user_id)

    async def check() -> None:
        _use(ctx, user_id, code)

    policy = ctx.experience.sentinel_policy
    await _sentinel.guarded(ctx.tenant.sentinel, policy, "MfaBackupCode", user_id, check)
    record.code = code
    _codes.install_record(ctx.tenant, ctx.interaction, record)
    return JSONResponse({"verificationId": record.id})


ROUTES = [
    ("POST", paths.EXPERIENCE_BACKUP_CODE_GENERATE, generate),
    ("POST", paths.EXPERIENCE_BACKUP_CODE_VERIFY, verify),
]
