"""The sign-in experience's ``mfa`` column: read from ``PATCH /api/sign-in-exp`` and from the config,
validated as Logto validates it, answered as the row holds it.

Follows ``mfaGuard`` (``packages/schemas/src/foundations/jsonb-types/sign-in-experience.ts``: ``factors``
an array of ``MfaFactor``, ``policy`` an ``MfaPolicy``, ``organizationRequiredMfaPolicy`` optional),
``validateMfa`` (``packages/core/src/libraries/sign-in-experience/mfa.ts``: 400
``sign_in_experiences.duplicated_mfa_factors``, ``backup_code_cannot_be_enabled_alone``) and the route's
adaptive-MFA check (``routes/sign-in-experience/index.ts``: with factors enabled and adaptive MFA off, as it
always is here, the ``…Mandatory`` prompt policies are 422
``sign_in_experiences.non_adaptive_mfa_requires_skippable_policy``). The fake implements TOTP and backup
codes: a WebAuthn or email/phone factor is refused with ``guard.invalid_input`` naming it (stricter than
Logto, never more lenient) after Logto's own checks. The policies' meaning is :mod:`._mfa`'s.
"""

from __future__ import annotations

from typing import Any

from . import _guards
from ._config import ConfigError
from ._config_reader import Reader
from ._errors import LogtoError
from ._mfa_records import (
    FACTORS,
    IMPLEMENTED_FACTORS,
    ORGANIZATION_POLICIES,
    POLICIES,
    MfaSettings,
    SeedMfa,
)
from ._totp import valid_backup_codes, valid_secret

NO_SKIP = (
    "Mandatory",
    "PromptAtSignInAndSignUpMandatory",
    "PromptOnlyAtSignInMandatory",
)  # isNoSkipMfaPolicy
ADAPTIVE_ONLY = ("PromptAtSignInAndSignUpMandatory", "PromptOnlyAtSignInMandatory")


def guard(body: dict[str, Any]) -> MfaSettings:
    """``mfaGuard`` on ``body["mfa"]`` (a PATCH replaces the whole column; unknown keys are stripped)."""
    mfa = _guards.field(body, "mfa", dict)
    factors: list[Any] = _guards.field(mfa, "mfa.factors", list)
    for i, factor in enumerate(factors):
        _guards.choice({str(i): factor}, f"mfa.factors.{i}", FACTORS)
    policy = _guards.choice(mfa, "mfa.policy", POLICIES)
    organization = _guards.choice(
        mfa, "mfa.organizationRequiredMfaPolicy", ORGANIZATION_POLICIES, optional=True
    )
    return MfaSettings(tuple(factors), policy, organization)


def validate(mfa: MfaSettings) -> None:
    """``validateMfa``, the route's adaptive-MFA check, then the fake's refusal of factors it lacks."""
    if len(set(mfa.factors)) != len(mfa.factors):
        raise LogtoError("sign_in_experiences.duplicated_mfa_factors", 400)
    if "BackupCode" in mfa.factors and len(mfa.factors) == 1:
        raise LogtoError("sign_in_experiences.backup_code_cannot_be_enabled_alone", 400)
    if mfa.factors and mfa.policy in ADAPTIVE_ONLY:
        raise LogtoError("sign_in_experiences.non_adaptive_mfa_requires_skippable_policy", 422)
    missing = [factor for factor in mfa.factors if factor not in IMPLEMENTED_FACTORS]
    if missing:
        raise LogtoError(
            "guard.invalid_input",
            400,
            details=f'fake_logto does not implement the MFA factor "{missing[0]}"; '
            f"it implements {', '.join(IMPLEMENTED_FACTORS)}",
            type="body",
        )


def read_config(r: Reader) -> MfaSettings:
    """The config's ``[sign_in_experience.mfa]``: ``factors`` (``Totp``, ``BackupCode``), ``policy``,
    ``organization_required_mfa_policy``; checked as the Management API checks a PATCH."""
    factors = r.strings("factors")
    for i, factor in enumerate(factors):
        if factor not in IMPLEMENTED_FACTORS:
            raise ConfigError(f"{r.where('factors')}[{i}]: must be one of {', '.join(IMPLEMENTED_FACTORS)}")
    policy = r.choice("policy", POLICIES, "UserControlled")
    organization = r.string("organization_required_mfa_policy")
    if organization is not None and organization not in ORGANIZATION_POLICIES:
        raise ConfigError(f"{r.where('organization_required_mfa_policy')}: must be NoPrompt or Mandatory")
    r.done()
    settings = MfaSettings(factors, policy, organization)
    try:
        validate(settings)
    except LogtoError as exc:
        raise ConfigError(f"{r.path}: {exc.message}") from None
    return settings


def read_seed(r: Reader) -> SeedMfa | None:
    """A seeded user's ``mfa`` table: ``totp_secret`` (base32, 16-32 characters) and ``backup_codes``
    (ten codes of ten hex digits), checked as the Management API checks them."""
    if "mfa" not in r.data:
        r.used.add("mfa")
        return None
    t = r.table("mfa")
    secret = t.string("totp_secret")
    codes = t.strings("backup_codes")
    t.done()
    if secret is not None and not valid_secret(secret):
        raise ConfigError(f"{t.where('totp_secret')}: must be 16 to 32 base32 characters")
    if codes and not valid_backup_codes(list(codes)):
        raise ConfigError(f"{t.where('backup_codes')}: must be ten codes of ten hex digits")
    if codes and secret is None:
        raise ConfigError(f"{t.where('backup_codes')}: {'Backup code can not be the only MFA.'}")
    return SeedMfa(secret, codes)
