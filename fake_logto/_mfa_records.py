"""The records of MFA: the tenant's policy (the sign-in experience's ``mfa`` column), a user's bound factors
(``users.mfa_verifications``) and what an interaction holds while binding (Logto's ``MfaData``).

Shapes follow ``packages/schemas/src/foundations/jsonb-types/sign-in-experience.ts`` (``Mfa``,
``MfaFactor``, ``MfaPolicy``), ``.../jsonb-types/users.ts`` (``MfaVerification``: TOTP ``key``, backup
``codes`` with ``usedAt``) and ``packages/core/src/routes/experience/classes/mfa.ts`` (``MfaData``).
The verification records of the Experience API's TOTP and backup-code routes are in
:mod:`._verification_records`.
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

# ``MfaFactor`` values (all implemented: email/phone codes in :mod:`._mfa_codes`).
FACTORS = ("Totp", "WebAuthn", "BackupCode", "EmailVerificationCode", "PhoneVerificationCode")
POLICIES = (
    "UserControlled",
    "Mandatory",
    "PromptOnlyAtSignIn",
    "PromptAtSignInAndSignUp",
    "NoPrompt",
    "PromptAtSignInAndSignUpMandatory",
    "PromptOnlyAtSignInMandatory",
)
ORGANIZATION_POLICIES = ("NoPrompt", "Mandatory")  # ``OrganizationRequiredMfaPolicy``


@dataclass(frozen=True)
class MfaSettings:
    """The sign-in experience's ``mfa`` column; Logto's default row holds ``{factors: [], policy:
    UserControlled}``."""

    factors: tuple[str, ...] = ()
    policy: str = "UserControlled"
    organization_required_mfa_policy: str | None = None

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"factors": list(self.factors), "policy": self.policy}
        if self.organization_required_mfa_policy is not None:
            body["organizationRequiredMfaPolicy"] = self.organization_required_mfa_policy
        return body


@dataclass(frozen=True)
class SeedMfa:
    """A seeded user's factors (the config's ``users[].mfa``): a TOTP secret, backup codes."""

    totp_secret: str | None = None
    backup_codes: tuple[str, ...] = ()


@dataclass
class UserMfaVerification:
    """One entry of a user's ``mfaVerifications``: ``Totp`` (``key``, ``lastUsedTimeStep``),
    ``BackupCode`` (``codes``: ``{code, usedAt?}``) or ``WebAuthn`` (``webauthn``: ``mfaVerificationWebAuthn``'s
    ``rpId``, ``credentialId``, ``publicKey`` (base64url), ``transports``, ``counter``, ``agent``, ``name``)."""

    id: str
    type: str
    created_at: str  # ISO 8601, as Logto stores it
    key: str | None = None
    codes: list[dict[str, Any]] = field(default_factory=list)
    last_used_at: str | None = None
    last_used_time_step: int | None = None
    webauthn: dict[str, Any] = field(default_factory=dict)  # rpId, credentialId, publicKey, counter, …

    @property
    def remaining_codes(self) -> int:
        return sum(1 for code in self.codes if not code.get("usedAt"))

    def to_json(self) -> dict[str, Any]:
        """``transpileUserMfaVerifications`` (``packages/core/src/utils/user.ts``): no secrets."""
        body: dict[str, Any] = {"id": self.id, "createdAt": self.created_at, "type": self.type}
        if self.type == "BackupCode":
            body["remainCodes"] = self.remaining_codes
        if self.type == "WebAuthn":  # undefined keys dropped, as JSON drops them
            extra = {"lastUsedAt": self.last_used_at, "agent": self.webauthn.get("agent")}
            body |= {k: v for k, v in extra.items() if v is not None}
            if self.webauthn.get("name") is not None:
                body["name"] = self.webauthn["name"]
        return body


@dataclass
class PendingMfa:
    """An interaction's ``MfaData``: the flags and the factors bound but not yet saved to the user."""

    enabled: bool | None = None
    skipped: bool | None = None
    suggestion_skipped: bool | None = None  # additionalBindingSuggestionSkipped
    totp_secret: str | None = None
    backup_codes: list[str] | None = None
    webauthn: list[dict[str, Any]] = field(default_factory=list)  # BindWebAuthn entries

    def sanitized(self) -> dict[str, Any]:
        """``Mfa.sanitizedData`` (no secret, no codes), without its undefined keys."""
        body: dict[str, Any] = {}
        if self.enabled is not None:
            body["mfaEnabled"] = self.enabled
        if self.skipped is not None:
            body["mfaSkipped"] = self.skipped
        if self.totp_secret is not None:
            body["totp"] = {"type": "Totp"}
        if self.webauthn:  # sanitizedData keeps them whole
            body["webAuthn"] = [dict(entry) for entry in self.webauthn]
        if self.backup_codes is not None:
            body["backupCode"] = {"type": "BackupCode"}
        return body


def standard_id() -> str:
    """``generateStandardId``: 21 characters of ``[0-9a-z]``."""
    return "".join(secrets.choice(string.ascii_lowercase + string.digits) for _ in range(21))


def iso(epoch_ms: int) -> str:
    """``new Date(ms).toISOString()``."""
    moment = datetime.fromtimestamp(epoch_ms / 1000, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def totp_factor(secret: str, now_ms: int) -> UserMfaVerification:
    return UserMfaVerification(id=standard_id(), type="Totp", created_at=iso(now_ms), key=secret)


def webauthn_factor(bind: dict[str, Any], now_ms: int) -> UserMfaVerification:
    """``toUserMfaVerifications``: a bound passkey (``BindWebAuthn`` less its ``type``)."""
    data = {k: v for k, v in bind.items() if k != "type"}
    return UserMfaVerification(id=standard_id(), type="WebAuthn", created_at=iso(now_ms), webauthn=data)


def backup_code_factor(codes: list[str], now_ms: int) -> UserMfaVerification:
    entries: list[dict[str, Any]] = [{"code": code} for code in codes]
    return UserMfaVerification(id=standard_id(), type="BackupCode", created_at=iso(now_ms), codes=entries)


def seeded_factors(seed: SeedMfa | None, now_ms: int) -> list[UserMfaVerification]:
    """A seeded user's ``mfaVerifications``."""
    factors = []
    if seed is not None and seed.totp_secret:
        factors.append(totp_factor(seed.totp_secret, now_ms))
    if seed is not None and seed.backup_codes:
        factors.append(backup_code_factor(list(seed.backup_codes), now_ms))
    return factors
