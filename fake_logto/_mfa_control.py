"""The test-control API's view of a user's MFA factors: ``GET /__harness/users/{user_id}/mfa``.

Not part of Logto: a test reads a user's TOTP secret (to compute the code an authenticator app would
show, on the tenant clock: the harness client's ``totp_code``), backup codes (with ``usedAt``) and passkeys
(credential id, relying party, signature counter) here, without a device. Errors are fakekit's :class:`~fakekit.ControlError`.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from starlette.requests import Request

from fakekit import ControlError

from . import paths
from ._tenant import Tenant


class UserMfa(BaseModel):
    totp_secret: str | None = Field(description="the bound TOTP secret (base32), null when none")
    backup_codes: list[dict[str, Any]] = Field(description="``{code, usedAt?}`` of the bound backup codes")
    passkeys: list[dict[str, Any]] = Field(
        description="the bound passkeys: ``{id, credentialId, rpId, counter, transports, agent, lastUsedAt}``"
    )
    now: float = Field(description="the tenant clock, epoch seconds: the time a TOTP code is checked at")
    step: int = Field(description="seconds per TOTP time step")


async def user_mfa(request: Request, user_id: str) -> UserMfa:
    """A user's MFA factors with their secrets (404 if the user is unknown)."""
    tenant: Tenant = request.app.state.tenant
    with tenant.store.lock:
        user = tenant.store.users.get(user_id)
        if user is None:
            raise ControlError(404, "not_found", f"no user with id {user_id!r}")
        totp = next((v.key for v in user.mfa_verifications if v.type == "Totp"), None)
        backup = next((v for v in user.mfa_verifications if v.type == "BackupCode"), None)
        codes = [dict(c) for c in backup.codes] if backup else []
        passkeys = [
            {"id": v.id, **v.webauthn, "lastUsedAt": v.last_used_at}
            for v in user.mfa_verifications
            if v.type == "WebAuthn"
        ]
    return UserMfa(totp_secret=totp, backup_codes=codes, passkeys=passkeys, now=tenant.clock.now(), step=30)


ROUTES = [("GET", paths.USER_MFA, user_mfa)]
