"""English phrases of the one-time tokens, the custom profile fields and the password expiration, merged
into :data:`._errors.MESSAGES` (kept apart so that table stays one screenful per domain).

From ``packages/phrases/src/locales/en/errors/one-time-token.ts``, ``custom-profile-fields.ts``,
``password.ts`` and ``sign-in-experiences.ts``; ``{name}`` stands for i18next's ``{{name}}``.
"""

from __future__ import annotations

EXPERIENCE_MESSAGES: dict[str, str] = {
    "one_time_token.token_not_found": "Token {token} not found.",
    "one_time_token.email_mismatch": "Email mismatch with given token.",
    "one_time_token.interaction_event_mismatch": "The token cannot be used for this interaction.",
    "one_time_token.token_expired": "The token is expired.",
    "one_time_token.token_consumed": "The token has been consumed.",
    "one_time_token.token_revoked": "The token has been revoked.",
    "one_time_token.cannot_reactivate_token": "Cannot reactivate the token.",
    "custom_profile_fields.name_conflict_sign_in_identifier": (
        "Invalid field name. Reserved sign-in identifier key(s): {name}."
    ),
    "custom_profile_fields.name_conflict_built_in_prop": (
        "Invalid field name. Reserved built-in user profile property name(s): {name}."
    ),
    "custom_profile_fields.name_conflict_custom_data": "Invalid field name. Reserved custom data key(s): {name}.",
    "password.expired": "Your password has expired. Please reset your password to continue.",
    "sign_in_experiences.password_expiration_requires_forgot_password": (
        "Password expiration requires at least one forgot password method with a valid connector."
    ),
    "sign_in_experiences.password_expiration_not_enabled": (
        "Password expiration policy is not enabled. Enable it in the sign-in experience settings before "
        "expiring passwords."
    ),
    "sign_in_experiences.password_expiration_invalid_period_days": (
        "Valid period days must be a positive integer when password expiration is enabled."
    ),
}
