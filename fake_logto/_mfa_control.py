"""The test-control API's view of a user's MFA factors: ``GET /__harness/users/{user_id}/mfa``.

Not part of Logto: a test reads a user's TOTP secret (to compute the code an authenticator app would
show, on the tenant clock: the harness client's ``totp_code``), backup codes (with ``usedAt``) and passkeys
(credential id, relying party, signature counter) here, without a device; while a TOTP is being bound (its
secret created in a live interaction, the QR code on the binding page), that secret too, as the app that
scanned the QR code holds it. Errors are fakekit's :class:`~fakekit.ControlError`.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from starlette.requests import Request

from fakekit import ControlError

from . import paths
from ._tenant import Tenant
from ._verification_records import TotpVerification


class UserMfa(BaseModel):
    totp_secret: str | None = Field(description="the bound TOTP secret (base32), null when none")
    pending_totp_secret: str | None = Field(
        description="the newest secret being bound in a live interaction (not yet saved), null when none"
    )
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
        pending = _pending_secret(tenant, user_id)
        passkeys = [
            {"id": v.id, **v.webauthn, "lastUsedAt": v.last_used_at}
            for v in user.mfa_verifications
            if v.type == "WebAuthn"
        ]
    return UserMfa(
        totp_secret=totp,
        pending_totp_secret=pending,
        backup_codes=codes,
        passkeys=passkeys,
        now=tenant.clock.now(),
        step=30,
    )


def _pending_secret(tenant: Tenant, user_id: str) -> str | None:
    """The newest secret ``POST /api/experience/verification/totp/secret`` made for the user, in an
    interaction still alive."""
    now = tenant.clock.now()
    secrets = [
        record.secret
        for interaction in tenant.store.interactions.values()
        if interaction.expires_at > now
        for record in interaction.verifications.values()
        if isinstance(record, TotpVerification) and record.user_id == user_id and record.secret
    ]
    return secrets[-1] if secrets else None


ROUTES = [("GET", paths.USER_MFA, user_mfa)]
