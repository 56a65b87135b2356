"""Logto's English phrases of the WebAuthn error codes (``packages/phrases/src/locales/en/errors/session.ts``
``mfa``), merged into :data:`._mfa_phrases.MFA_MESSAGES` (and so into :data:`._errors.MESSAGES`)."""

from __future__ import annotations

WEBAUTHN_MESSAGES: dict[str, str] = {
    "session.mfa.webauthn_verification_failed": "WebAuthn verification failed.",
    "session.mfa.webauthn_verification_not_found": "WebAuthn verification not found.",
}
