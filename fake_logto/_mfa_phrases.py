"""Logto's English phrases of the MFA error codes (``packages/phrases/src/locales/en/errors/session.ts``
``mfa``, ``user.ts``, ``sign-in-experiences.ts``), merged into :data:`._errors.MESSAGES`."""

from __future__ import annotations

MFA_MESSAGES: dict[str, str] = {
    "session.mfa.require_mfa_verification": "Mfa verification is required to sign in.",
    "session.mfa.mfa_sign_in_only": "Mfa is only available for sign-in interaction.",
    "session.mfa.pending_info_not_found": "Pending MFA info not found, please initiate MFA first.",
    "session.mfa.invalid_totp_code": "Invalid TOTP code.",
    "session.mfa.bind_mfa_existed": "MFA already exists.",
    "session.mfa.backup_code_can_not_be_alone": "Backup code can not be the only MFA.",
    "session.mfa.backup_code_required": "Backup code is required.",
    "session.mfa.invalid_backup_code": "Invalid backup code.",
    "session.mfa.mfa_policy_not_user_controlled": "MFA policy is not user controlled.",
    "session.mfa.mfa_factor_not_enabled": "MFA factor is not enabled.",
    "session.mfa.suggest_additional_mfa": (
        "For stronger protection, consider adding another MFA method. You can skip this step and continue."
    ),
    "user.suggest_mfa": "For better account security, we recommend binding MFA to your account.",
    "user.missing_mfa": "You need to bind additional MFA before signing-in.",
    "user.totp_already_in_use": "TOTP is already in use.",
    "user.backup_code_already_in_use": "Backup code is already in use.",
    "user.totp_secret_invalid": "Invalid TOTP secret supplied.",
    "user.wrong_backup_code_format": "Backup code format is invalid.",
    "sign_in_experiences.backup_code_cannot_be_enabled_alone": "Backup code cannot be enabled alone.",
    "sign_in_experiences.duplicated_mfa_factors": "Duplicated MFA factors.",
    "sign_in_experiences.email_verification_code_cannot_be_used_for_mfa": (
        "Email verification code cannot be used for MFA when email verification is enabled for sign-in."
    ),
    "sign_in_experiences.phone_verification_code_cannot_be_used_for_mfa": (
        "SMS verification code cannot be used for MFA when SMS verification is enabled for sign-in."
    ),
    "sign_in_experiences.email_verification_code_cannot_be_used_for_sign_in": (
        "Email verification code cannot be used for sign-in when it is enabled for MFA."
    ),
    "sign_in_experiences.phone_verification_code_cannot_be_used_for_sign_in": (
        "SMS verification code cannot be used for sign-in when it is enabled for MFA."
    ),
    "sign_in_experiences.adaptive_mfa_requires_mfa": "MFA must be enabled before enabling adaptive MFA.",
    "sign_in_experiences.adaptive_mfa_requires_non_skippable_policy": (
        "Adaptive MFA requires a non-skippable MFA prompt policy. Use PromptOnlyAtSignInMandatory or "
        "PromptAtSignInAndSignUpMandatory."
    ),
    "sign_in_experiences.non_adaptive_mfa_requires_skippable_policy": (
        "When adaptive MFA is disabled, MFA prompt policy must be skippable. Do not use "
        "PromptOnlyAtSignInMandatory or PromptAtSignInAndSignUpMandatory."
    ),
}

from ._webauthn_phrases import WEBAUTHN_MESSAGES  # noqa: E402  (a room of its own)

MFA_MESSAGES |= WEBAUTHN_MESSAGES
