"""MFA in the Experience API: binding factors (``POST /api/experience/profile/mfa``), skipping
(``mfa-skipped``), enabling (``mfa-enabled``) and the submit-time checks, as Logto's.

Follows ``packages/core/src/routes/experience/classes/mfa.ts`` (``Mfa``: ``addTotpByVerificationId``,
``addBackupCodeByVerificationId``, ``skip``, ``checkAvailability``, ``assertMfaFulfilled``:
``assertOptionalMfaEnablement`` then ``assertUserMandatoryMfaFulfilled``), ``classes/libraries/
mfa-validator.ts`` (``MfaValidator.isMfaRequired``, ``isMfaVerified``), ``classes/helpers.ts``
(``getAllUserEnabledMfaVerifications``, ``mergeUserMfaVerifications``, ``parseMfaPropertiesToUserConfig``),
``ExperienceInteraction.guardMfaVerificationStatus`` and ``profile-routes.ts`` (``verifiedInteractionGuard``).
The TOTP and backup-code verification routes are :mod:`._verification_totp`'s and
:mod:`._verification_backup_code`'s; the policy column :mod:`._mfa_policy`'s.

Factors: TOTP, WebAuthn (:mod:`._verification_webauthn`), backup codes, and email / phone codes (a user's
primary email / phone: :mod:`._mfa_codes`, their codes :mod:`._verification_mfa_code`), with
``session.mfa.suggest_additional_mfa`` and ``mfa-suggestion-skipped``. Not modelled: adaptive MFA and
trusted devices (off in Logto unless configured) and passkey sign-in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from . import _guards, _mfa_codes, paths
from ._errors import LogtoError
from ._experience_context import NO_CONTENT, Ctx, bind, identified_user
from ._mfa_config import NO_SKIP
from ._mfa_records import (
    FACTORS,
    MfaSettings,
    PendingMfa,
    UserMfaVerification,
    backup_code_factor,
    totp_factor,
    webauthn_factor,
)
from ._store import User
from ._verification_records import (
    BackupCodeVerification,
    EnterpriseSsoVerification,
    MfaCodeVerification,
    TotpVerification,
    WebAuthnVerification,
)

ORDER = ("WebAuthn", "Totp", "PhoneVerificationCode", "EmailVerificationCode", "BackupCode")  # sortMfaFactors


def _settings(ctx: Ctx) -> MfaSettings:
    return ctx.experience.mfa


def sort_factors(factors: list[str]) -> list[str]:
    return sorted(factors, key=lambda f: ORDER.index(f) if f in ORDER else len(ORDER))


def user_factors(settings: MfaSettings, user: User) -> list[str]:
    """``getAllUserEnabledMfaVerifications``: the user's factors the tenant enables (backup codes while
    one is unused), WebAuthn first, then the implicit phone / email factors of their primary phone / email,
    backup codes last."""
    stored = [
        v.type
        for v in user.mfa_verifications
        if v.type in settings.factors and (v.type != "BackupCode" or v.remaining_codes > 0)
    ]
    stored.sort(key=lambda f: (f != "WebAuthn") + 2 * (f == "BackupCode"))  # stable otherwise
    implicit = _mfa_codes.user_profile_factors(settings, user)
    return sorted([*stored, *implicit], key=lambda f: f == "BackupCode")


def _user_mfa_data(user: User) -> dict[str, Any]:
    data = user.logto_config.get("mfa")
    return data if isinstance(data, dict) else {}


def _required_by_organizations(ctx: Ctx, settings: MfaSettings, user: User) -> bool:
    """``isMfaRequiredByUserOrganizations``."""
    if settings.organization_required_mfa_policy != "Mandatory":
        return False
    with ctx.tenant.store.lock:
        orgs = ctx.tenant.store.organizations.organizations.values()
        return any(org.is_mfa_required and user.id in org.members for org in orgs)


# --- verification at sign-in -------------------------------------------------------------------------
def is_required(settings: MfaSettings, user: User) -> bool:
    """``MfaValidator.isMfaRequired`` (adaptive MFA off): unless the user turned MFA off or skips it at
    sign-in under a skippable policy, a user with an enabled factor must verify one."""
    data = _user_mfa_data(user)
    if (data.get("enabled") is False or data.get("skipMfaOnSignIn")) and settings.policy not in NO_SKIP:
        return False
    return bool(user_factors(settings, user))


def is_verified(ctx: Ctx, settings: MfaSettings, user: User) -> bool:
    """``MfaValidator.isMfaVerified``: a verified record of one of the user's factors, not a new binding."""
    factors = user_factors(settings, user)
    for record in ctx.interaction.verifications.values():
        new_binding = isinstance(record, TotpVerification) and record.secret is not None
        if isinstance(record, TotpVerification) and record.verified and not new_binding and "Totp" in factors:
            return True
        if isinstance(record, BackupCodeVerification) and record.verified and "BackupCode" in factors:
            return True
        webauthn = isinstance(record, WebAuthnVerification) and not record.new_binding
        if webauthn and record.verified and "WebAuthn" in factors:
            return True
        code = record if isinstance(record, MfaCodeVerification) and record.verified else None
        if code is not None and _mfa_codes.FACTOR_OF[code.identifier_type] in factors:
            return True
    return False


def guard_verification_status(ctx: Ctx) -> User:
    """``guardMfaVerificationStatus``: 404 ``session.identifier_not_found`` before identification; 403
    ``session.mfa.require_mfa_verification`` with ``{availableFactors, maskedIdentifiers}`` while MFA is
    required and not verified; a verified enterprise SSO identity needs no MFA."""
    user = identified_user(ctx)
    settings = _settings(ctx)
    records = ctx.interaction.verifications.values()
    if any(isinstance(r, EnterpriseSsoVerification) and r.verified for r in records):
        return user
    if is_required(settings, user) and not is_verified(ctx, settings, user):
        available = list(dict.fromkeys(user_factors(settings, user)))
        masked = _mfa_codes.masked_identifiers(available, user)
        data = {"availableFactors": available, "maskedIdentifiers": masked}
        raise LogtoError("session.mfa.require_mfa_verification", 403, data)
    return user


def _verified_interaction(ctx: Ctx) -> None:
    """``verifiedInteractionGuard`` (``profile-routes.ts``)."""
    if ctx.event == "ForgotPassword":
        raise LogtoError("session.not_supported_for_forgot_password", 400)
    if ctx.event == "SignIn":
        guard_verification_status(ctx)


# --- binding ----------------------------------------------------------------------------------------
def _record(ctx: Ctx, kind: type, verification_id: str) -> Any:
    """``getVerificationRecordByTypeAndId``: 404 ``session.verification_session_not_found``."""
    record = ctx.interaction.verifications.get(verification_id)
    if not isinstance(record, kind):
        raise LogtoError("session.verification_session_not_found", 404)
    return record


def _guard_enabled(ctx: Ctx, factors: list[str]) -> None:
    """``checkMfaFactorsEnabledInSignInExperience``: 400 ``session.mfa.mfa_factor_not_enabled``."""
    if any(factor not in _settings(ctx).factors for factor in factors):
        raise LogtoError("session.mfa.mfa_factor_not_enabled", 400)


def _factors_with_pending(ctx: Ctx, user: User) -> list[str]:
    """``Mfa.getUserMfaFactors``: the user's enabled factors, a TOTP or passkey bound in this interaction
    and the email / phone factors of the interaction's profile."""
    pending = [kind for kind in _bound(ctx.interaction.mfa) if kind != "BackupCode"]
    profile = _mfa_codes.pending_profile_factors(_settings(ctx), ctx.interaction.profile)
    return list(dict.fromkeys([*user_factors(_settings(ctx), user), *pending, *profile]))


def _bind_totp(ctx: Ctx, verification_id: str) -> None:
    record: TotpVerification = _record(ctx, TotpVerification, verification_id)
    if not record.verified:  # toBindMfa
        raise LogtoError("session.verification_failed", 400)
    if record.secret is None:
        raise LogtoError("session.mfa.pending_info_not_found", 400)
    _guard_enabled(ctx, ["Totp"])
    user = identified_user(ctx)
    if any(v.type == "Totp" for v in user.mfa_verifications):  # a user binds one TOTP
        raise LogtoError("user.totp_already_in_use", 422)
    ctx.interaction.mfa.totp_secret = record.secret


def _bind_backup_code(ctx: Ctx, verification_id: str) -> None:
    record: BackupCodeVerification = _record(ctx, BackupCodeVerification, verification_id)
    _guard_enabled(ctx, ["BackupCode"])
    user = identified_user(ctx)
    if not any(f != "BackupCode" for f in _factors_with_pending(ctx, user)):
        raise LogtoError("session.mfa.backup_code_can_not_be_alone", 422)
    if record.backup_codes is None:  # toBindMfa
        raise LogtoError("session.mfa.pending_info_not_found", 400)
    ctx.interaction.mfa.backup_codes = list(record.backup_codes)


def _bind_web_authn(ctx: Ctx, verification_id: str) -> None:
    """``addWebAuthnByVerificationId``: a user may bind several passkeys."""
    record: WebAuthnVerification = _record(ctx, WebAuthnVerification, verification_id)
    if not record.verified:  # toBindMfa
        raise LogtoError("session.verification_failed", 400)
    if record.registration_info is None:
        raise LogtoError("session.mfa.pending_info_not_found", 400)
    _guard_enabled(ctx, ["WebAuthn"])
    ctx.interaction.mfa.webauthn.append(dict(record.registration_info))


BINDERS: dict[str, Callable[[Ctx, str], None]] = {
    "Totp": _bind_totp,
    "BackupCode": _bind_backup_code,
    "WebAuthn": _bind_web_authn,
    "EmailVerificationCode": lambda ctx, vid: _mfa_codes.bind_code_factor(ctx, "EmailVerificationCode", vid),
    "PhoneVerificationCode": lambda ctx, vid: _mfa_codes.bind_code_factor(ctx, "PhoneVerificationCode", vid),
}


async def bind_mfa(request: Request) -> Response:
    """``POST /api/experience/profile/mfa`` ``{type, verificationId}``: bind a verified factor (saved to
    the user at submit) and mark MFA enabled."""
    ctx = bind(request)
    body = await _guards.body(request)
    kind = _guards.choice(body, "type", FACTORS)
    verification_id = _guards.field(body, "verificationId", str)
    _verified_interaction(ctx)
    with ctx.tenant.store.lock:
        BINDERS[kind](ctx, verification_id)
        ctx.interaction.mfa.enabled = True  # markMfaEnabled
    return Response(status_code=NO_CONTENT)


async def skip_mfa(request: Request) -> Response:
    """``POST /api/experience/profile/mfa/mfa-skipped``: 422 ``session.mfa.mfa_policy_not_user_controlled``
    under a policy that cannot be skipped (or an organization that requires MFA)."""
    ctx = bind(request)
    _verified_interaction(ctx)
    user = identified_user(ctx)
    settings = _settings(ctx)
    if settings.policy in NO_SKIP or _required_by_organizations(ctx, settings, user):
        raise LogtoError("session.mfa.mfa_policy_not_user_controlled", 422)
    ctx.interaction.mfa.skipped = True
    return Response(status_code=NO_CONTENT)


async def skip_suggestion(request: Request) -> Response:
    """``POST /api/experience/profile/mfa/mfa-suggestion-skipped``: no suggestion of another factor."""
    ctx = bind(request)
    _verified_interaction(ctx)
    ctx.interaction.mfa.suggestion_skipped = True
    return Response(status_code=NO_CONTENT)


async def enable_mfa(request: Request) -> Response:
    """``POST /api/experience/profile/mfa/mfa-enabled``."""
    ctx = bind(request)
    _verified_interaction(ctx)
    ctx.interaction.mfa.enabled = True
    return Response(status_code=NO_CONTENT)


# --- submit -----------------------------------------------------------------------------------------
def _bound(pending: PendingMfa) -> list[str]:
    """``bindMfaFactorsArray``'s types."""
    kinds = (
        ("Totp", pending.totp_secret),
        ("WebAuthn", pending.webauthn),
        ("BackupCode", pending.backup_codes),
    )
    return [kind for kind, on in kinds if on]


def _assert_optional_enablement(ctx: Ctx, settings: MfaSettings, user: User, factors: list[str]) -> None:
    """``assertOptionalMfaEnablement``: 422 ``user.suggest_mfa`` under a skippable prompting policy until
    the user enabled MFA or skipped it."""
    pending = ctx.interaction.mfa
    if not settings.factors or settings.policy in NO_SKIP or settings.policy == "NoPrompt":
        return
    if ctx.event == "Register" and settings.policy == "PromptOnlyAtSignIn":
        return
    data = _user_mfa_data(user)
    enabled = pending.enabled if pending.enabled is not None else data.get("enabled")
    skipped = pending.skipped if pending.skipped is not None else data.get("skipped") is True
    if skipped or _required_by_organizations(ctx, settings, user):
        return
    if enabled is None:  # a user from before the flag: enabled when a factor is bound (then backfilled)
        if not factors:
            raise LogtoError("user.suggest_mfa", 422)
        pending.enabled = True
        return
    if not enabled:
        raise LogtoError("user.suggest_mfa", 422)


def _assert_mandatory(ctx: Ctx, settings: MfaSettings, user: User, factors: list[str]) -> None:
    """``assertUserMandatoryMfaFulfilled``: 422 ``user.missing_mfa`` ``{availableFactors, skippable?}``
    without a configured factor bound; 422 ``session.mfa.backup_code_required`` without backup codes
    when the tenant enables them."""
    policy, pending = settings.policy, ctx.interaction.mfa
    if not settings.factors:
        return
    if ctx.event == "Register" and policy in ("PromptOnlyAtSignIn", "PromptOnlyAtSignInMandatory"):
        return
    by_organizations = _required_by_organizations(ctx, settings, user)
    if policy == "NoPrompt" and not by_organizations:
        return
    skipped = pending.skipped if pending.skipped is not None else _user_mfa_data(user).get("skipped") is True
    if policy not in NO_SKIP and skipped and not by_organizations:
        return
    configured = sort_factors([f for f in settings.factors if f != "BackupCode"])
    linked = set(factors) | set(_bound(pending))
    if not any(factor in linked for factor in configured):
        data: dict[str, Any] = {"availableFactors": configured}
        if policy not in NO_SKIP and not by_organizations:
            data["skippable"] = True
        raise LogtoError("user.missing_mfa", 422, data)
    skipped_suggestion = bool(pending.suggestion_skipped)
    _mfa_codes.guard_additional_binding_suggestion(ctx, user, factors, configured, skipped_suggestion)
    if "BackupCode" in settings.factors and "BackupCode" not in linked:
        raise LogtoError("session.mfa.backup_code_required", 422)


def assert_fulfilled(ctx: Ctx, user: User) -> None:
    """``Mfa.checkAvailability`` then ``Mfa.assertMfaFulfilled`` (submit of SignIn and Register)."""
    settings = _settings(ctx)
    _guard_enabled(ctx, _bound(ctx.interaction.mfa))
    factors = _factors_with_pending(ctx, user)
    _assert_optional_enablement(ctx, settings, user, factors)
    _assert_mandatory(ctx, settings, user, factors)


def save(ctx: Ctx, user: User) -> None:
    """The submit's user update: the bound factors (new backup codes replace the old:
    ``mergeUserMfaVerifications``) and ``logtoConfig.mfa`` (``parseMfaPropertiesToUserConfig``)."""
    pending, now = ctx.interaction.mfa, ctx.tenant.store.now_ms()
    new: list[UserMfaVerification] = []
    if pending.totp_secret:
        new.append(totp_factor(pending.totp_secret, now))
    new += [webauthn_factor(bind, now) for bind in pending.webauthn]
    if pending.backup_codes:
        new.append(backup_code_factor(pending.backup_codes, now))
        user.mfa_verifications = [v for v in user.mfa_verifications if v.type != "BackupCode"]
    user.mfa_verifications += new
    data = dict(_user_mfa_data(user))
    if pending.enabled is not None:
        data["enabled"] = pending.enabled
    if pending.skipped:
        data["skipped"] = True
    if pending.suggestion_skipped:
        data["additionalBindingSuggestionSkipped"] = True
    user.logto_config = {**user.logto_config, "mfa": data}


ROUTES = [
    ("POST", paths.EXPERIENCE_MFA, bind_mfa),
    ("POST", paths.EXPERIENCE_MFA_SKIPPED, skip_mfa),
    ("POST", paths.EXPERIENCE_MFA_ENABLED, enable_mfa),
    ("POST", paths.EXPERIENCE_MFA_SUGGESTION_SKIPPED, skip_suggestion),
]
