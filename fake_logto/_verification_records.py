"""The verification records an interaction keeps (Logto's ``VerificationRecordsMap``, one per type): an
email or phone code, a checked password, a new password identity, a verified one-time token, a social
identity, a TOTP, backup-code or WebAuthn check. Held by :class:`._store.Interaction`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class CodeVerification:
    """An email/phone verification-code record of an interaction (``verificationId``)."""

    id: str
    identifier_type: str  # "email" | "phone"
    value: str
    event: str  # the template (usage) type: the interaction event's, or "BindMfa"
    code: str | None  # None when no code was sent (no account enumeration)
    created_at: float
    expires_at: float
    attempts: int = 0
    verified: bool = False


@dataclass
class MfaCodeVerification(CodeVerification):
    """Logto's ``MfaEmailCodeVerification`` / ``MfaPhoneCodeVerification`` (``classes/verifications/
    code-verification.ts``): a code sent to the identified user's own primary email or phone (template
    ``MfaVerification``) as the sign-in's second factor; never a new binding (``isNewBindMfaVerification``
    false). Made verified by binding an email/phone factor (``profile-routes.ts``)."""


@dataclass
class PasswordVerification:
    id: str
    identifier_type: str
    value: str
    user_id: str
    verified: bool = True


@dataclass
class NewPasswordIdentityVerification:
    """A new username and the hash of its password, checked for a registration (Logto's
    ``NewPasswordIdentityVerification``; verified once made)."""

    id: str
    identifier_type: str  # "username"
    value: str
    password_hash: str
    verified: bool = True


@dataclass
class TotpVerification:
    """Logto's ``TotpVerification`` (``classes/verifications/totp-verification.ts``): a new secret being
    bound (``secret`` set), or the user's bound TOTP checked (no secret)."""

    id: str
    user_id: str
    secret: str | None = None
    verified: bool = False


@dataclass
class BackupCodeVerification:
    """Logto's ``BackupCodeVerification``: new codes generated for binding, or one of the user's codes
    used (``code``; verified once set)."""

    id: str
    user_id: str
    code: str | None = None
    backup_codes: list[str] | None = None

    @property
    def verified(self) -> bool:
        return self.code is not None


@dataclass
class OneTimeTokenVerification:
    """An email's one-time token, checked and consumed (Logto's ``OneTimeTokenVerification``, kept only
    once verified); ``context`` is the token's (``oneTimeTokenContext``)."""

    id: str
    identifier_type: str  # "email"
    value: str
    context: dict[str, Any] = field(default_factory=dict)
    verified: bool = True


@dataclass
class SocialVerification:
    """A social identity (Logto's ``SocialVerification``, ``classes/verifications/social-verification.ts``):
    made by ``authorization-uri``, verified once ``verify`` stored the connector's ``socialUserInfo``.
    ``session`` is the connector session ``getAuthorizationUri`` set (Logto keeps it in the interaction
    result; ``verify`` consumes it)."""

    id: str
    connector_id: str
    session: dict[str, Any] | None = None
    user_info: dict[str, Any] | None = None
    pending: dict[str, Any] = field(default_factory=dict)  # synced profile / identity kept until submit
    identifier_type: str = "social"  # the records' shared attributes (no identifier of its own)
    value: str = ""

    @property
    def verified(self) -> bool:
        return self.user_info is not None


@dataclass
class WebAuthnVerification:
    """Logto's ``WebAuthnVerification`` (``classes/verifications/web-authn-verification.ts``): a passkey
    being registered (``registration_challenge``/``_rp_id``, then ``registration_info``: the ``BindWebAuthn``
    to bind) or the user's passkey asserted (``authentication_challenge``). Challenges are base64url."""

    id: str
    user_id: str
    verified: bool = False
    registration_challenge: str | None = None
    registration_rp_id: str | None = None
    registration_info: dict[str, Any] | None = None
    authentication_challenge: str | None = None

    @property
    def new_binding(self) -> bool:
        """``isNewBindMfaVerification``: a registration, which cannot serve as a sign-in's MFA."""
        return bool(self.registration_info or self.registration_challenge or self.registration_rp_id)


@dataclass
class EnterpriseSsoVerification:
    """An enterprise SSO identity (Logto's ``EnterpriseSsoVerification``, ``classes/verifications/
    enterprise-sso-verification.ts``): made by ``authorization-uri`` with the connector session (its nonce),
    verified once ``verify`` stored the IdP's ``issuer`` and user info (:mod:`._verification_sso`)."""

    id: str
    connector_id: str
    session: dict[str, Any] | None = None
    user_info: dict[str, Any] | None = None
    issuer: str | None = None
    pending: dict[str, Any] = field(default_factory=dict)  # identity / synced profile kept until submit
    identifier_type: str = "sso"
    value: str = ""

    @property
    def verified(self) -> bool:
        return self.user_info is not None and self.issuer is not None


MfaRecord = TotpVerification | BackupCodeVerification | WebAuthnVerification | MfaCodeVerification
IdentifierRecord = (
    CodeVerification
    | PasswordVerification
    | NewPasswordIdentityVerification
    | OneTimeTokenVerification
    | SocialVerification
    | EnterpriseSsoVerification
)
VerificationRecord = IdentifierRecord | MfaRecord
