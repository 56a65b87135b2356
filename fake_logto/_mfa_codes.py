"""Email and phone as MFA factors (``EmailVerificationCode``, ``PhoneVerificationCode``): what makes a user
have one, how one is bound, how it is shown, and the suggestion to add another factor.

Logto keeps no ``mfaVerifications`` entry for them: a user has the factor when the tenant enables it and the
user has a primary email / phone (``getProfileMfaFactors`` in ``packages/core/src/routes/experience/classes/
helpers.ts``, used by ``getAllUserEnabledMfaVerifications`` and, with the interaction's profile, by
``Mfa.getUserMfaFactors``). Binding one (``POST /api/experience/profile/mfa`` in ``profile-routes.ts``) sets
the profile's email / phone from a verified code record (``Profile.setProfileByVerificationId``) and, once
set, keeps a verified MFA code record so the interaction needs no second code. The sign-in's second factor
is a code sent to the user's own address (:mod:`._verification_mfa_code`); ``require_mfa_verification``
shows the addresses masked (``@logto/shared`` ``maskEmail``, ``maskPhone``). ``Mfa.
guardAdditionalBindingSuggestion`` (``classes/mfa.ts``) suggests another factor to a user whose only
factors are an email / phone that is also a sign-up identifier (422 ``session.mfa.suggest_additional_mfa``),
until skipped (``mfa-suggestion-skipped``).
"""

from __future__ import annotations

from typing import Any

from . import _codes, _email_blocklist, _profile, _verification_sso
from ._errors import LogtoError
from ._experience_context import Ctx, stage, verification
from ._mfa_records import MfaSettings
from ._store import User, new_id
from ._verification_records import CodeVerification, MfaCodeVerification

# The factor of each identifier type, and back (``getMfaVerificationType``'s pairs).
FACTOR_OF = {"phone": "PhoneVerificationCode", "email": "EmailVerificationCode"}
KIND_OF = {factor: kind for kind, factor in FACTOR_OF.items()}


def mask_email(email: str) -> str:
    """``maskEmail``: the first four characters of a longer name, then ``****@`` and the domain."""
    name, _, domain = email.partition("@")
    return f"{name[:4] if len(name) > 4 else ''}****@{domain}"


def mask_phone(phone: str) -> str:
    """``maskPhone``: ``****`` and the last four digits."""
    return f"****{phone[-4:]}"


def profile_factors(settings: MfaSettings, email: str | None, phone: str | None) -> list[str]:
    """``getProfileMfaFactors``: the phone factor, then the email factor, each when enabled and held."""
    held = {"PhoneVerificationCode": phone, "EmailVerificationCode": email}
    return [factor for factor, value in held.items() if value and factor in settings.factors]


def user_profile_factors(settings: MfaSettings, user: User) -> list[str]:
    return profile_factors(settings, user.primary_email, user.primary_phone)


def pending_profile_factors(settings: MfaSettings, profile: dict[str, Any]) -> list[str]:
    """The factors the interaction's profile (an email / phone bound in it) gives."""
    return profile_factors(settings, profile.get("primaryEmail"), profile.get("primaryPhone"))


def masked_identifiers(factors: list[str], user: User) -> dict[str, str]:
    """``require_mfa_verification``'s ``maskedIdentifiers``: the user's email / phone of their factors."""
    masked = {}
    if "EmailVerificationCode" in factors and user.primary_email:
        masked["EmailVerificationCode"] = mask_email(user.primary_email)
    if "PhoneVerificationCode" in factors and user.primary_phone:
        masked["PhoneVerificationCode"] = mask_phone(user.primary_phone)
    return masked


# --- the profile from a verified code, and binding ---------------------------------------------------
def stage_verified_identifier(ctx: Ctx, kind: str, verification_id: str) -> None:
    """``Profile.setProfileByVerificationId`` for an email / phone code: 404
    ``session.verification_session_not_found`` for another record (an MFA code's too), the SSO-only and
    blocklist guards, 400 ``session.verification_failed`` unverified, then the profile's checks."""
    record = verification(ctx, verification_id)
    if not isinstance(record, CodeVerification) or isinstance(record, MfaCodeVerification):
        raise LogtoError("session.verification_session_not_found", 404)
    if record.identifier_type != kind:
        raise LogtoError("session.verification_session_not_found", 404)
    _verification_sso.guard_sso_only(ctx, _verification_sso.email_of(record))
    if kind == "email":  # guardEmailBlocklist
        _email_blocklist.guard_email(ctx.experience.email_blocklist_policy, record.value)
    if not record.verified:
        raise LogtoError("session.verification_failed", 400)
    stage(ctx, {_profile.KEYS[kind]: record.value})


def verified_mfa_record(ctx: Ctx, kind: str, value: str) -> MfaCodeVerification:
    """``createNewMfaCodeVerificationRecord(…, verified = true)``: no code, already verified."""
    now = ctx.tenant.clock.now()
    return MfaCodeVerification(
        id=new_id(21),
        identifier_type=kind,
        value=value,
        event="MfaVerification",
        code=None,
        created_at=now,
        expires_at=now,
        verified=True,
    )


def bind_code_factor(ctx: Ctx, factor: str, verification_id: str) -> None:
    """``POST /profile/mfa`` ``{type: EmailVerificationCode | PhoneVerificationCode}``: the verified address
    becomes the profile's, and a verified MFA code record of it passes the interaction's MFA step."""
    kind = KIND_OF[factor]
    stage_verified_identifier(ctx, kind, verification_id)
    value = ctx.interaction.profile.get(_profile.KEYS[kind])
    if isinstance(value, str) and value:
        _codes.install_record(ctx.tenant, ctx.interaction, verified_mfa_record(ctx, kind, value))


# --- the suggestion ---------------------------------------------------------------------------------
def _sign_up_has(ctx: Ctx, kind: str) -> bool:
    """The identifier is a sign-up identifier, primary or secondary (``emailOrPhone`` covers both)."""
    experience = ctx.experience
    secondary = [identifier for identifier, _ in experience.sign_up_secondary or ()]
    return kind in experience.sign_up_identifiers or any(i in (kind, "emailOrPhone") for i in secondary)


def guard_additional_binding_suggestion(
    ctx: Ctx, user: User, user_factors: list[str], configured: list[str], skipped: bool
) -> None:
    """``guardAdditionalBindingSuggestion`` (passkey sign-in off): 422 ``session.mfa.suggest_additional_mfa``
    ``{availableFactors, maskedIdentifiers, isWebAuthnUsedAsSignInPasskey, skippable, suggestion}`` when the
    user's factors are only an email / phone of the sign-up identifiers and another factor is configured
    (``configured``: sorted, without backup codes)."""
    data = user.logto_config.get("mfa")
    if skipped or (isinstance(data, dict) and data.get("additionalBindingSuggestionSkipped") is True):
        return
    if not [factor for factor in configured if factor not in user_factors]:
        return
    for factor, kind in KIND_OF.items():
        if factor in user_factors and not _sign_up_has(ctx, kind):  # bound as an MFA factor only
            return
    if any(factor in user_factors for factor in ("Totp", "BackupCode", "WebAuthn")):
        return
    raise LogtoError(
        "session.mfa.suggest_additional_mfa",
        422,
        {
            "availableFactors": configured,
            "maskedIdentifiers": masked_identifiers(user_factors, user),
            "isWebAuthnUsedAsSignInPasskey": False,
            "skippable": True,
            "suggestion": True,
        },
    )
