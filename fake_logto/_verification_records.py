"""The verification records an interaction keeps (Logto's ``VerificationRecordsMap``, one per type): an
email or phone code, a checked password, a new password identity, a verified one-time token. Held by :class:`._store.Interaction`.
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
class OneTimeTokenVerification:
    """An email's one-time token, checked and consumed (Logto's ``OneTimeTokenVerification``, kept only
    once verified); ``context`` is the token's (``oneTimeTokenContext``)."""

    id: str
    identifier_type: str  # "email"
    value: str
    context: dict[str, Any] = field(default_factory=dict)
    verified: bool = True


VerificationRecord = (
    CodeVerification | PasswordVerification | NewPasswordIdentityVerification | OneTimeTokenVerification
)
