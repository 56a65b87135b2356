"""The config's MFA: the sign-in experience's ``[sign_in_experience.mfa]`` and a seeded user's ``mfa``
table, checked as the Management API checks them (:mod:`._mfa_policy`) — without the web stack, so reading
the config (``harness up``) stays light.

``refusal`` is Logto's own checks of the ``mfa`` column: ``validateMfa``
(``packages/core/src/libraries/sign-in-experience/mfa.ts``: 400 ``sign_in_experiences.duplicated_mfa_factors``,
``backup_code_cannot_be_enabled_alone``) and the route's adaptive-MFA check
(``routes/sign-in-experience/index.ts``: 422 ``sign_in_experiences.non_adaptive_mfa_requires_skippable_policy``).
"""

from __future__ import annotations

from ._config import ConfigError
from ._config_reader import Reader
from ._mfa_phrases import MFA_MESSAGES
from ._mfa_records import IMPLEMENTED_FACTORS, ORGANIZATION_POLICIES, POLICIES, MfaSettings, SeedMfa
from ._totp import valid_backup_codes, valid_secret

NO_SKIP = (
    "Mandatory",
    "PromptAtSignInAndSignUpMandatory",
    "PromptOnlyAtSignInMandatory",
)  # isNoSkipMfaPolicy
ADAPTIVE_ONLY = ("PromptAtSignInAndSignUpMandatory", "PromptOnlyAtSignInMandatory")


def refusal(mfa: MfaSettings, adaptive_given: bool = False) -> tuple[str, int] | None:
    """Logto's refusal of the column (code, status), or None; the last check runs when the same update sets
    no ``adaptiveMfa`` (:func:`._mfa_policy.validate` checks one that is set)."""
    if len(set(mfa.factors)) != len(mfa.factors):
        return "sign_in_experiences.duplicated_mfa_factors", 400
    if "BackupCode" in mfa.factors and len(mfa.factors) == 1:
        return "sign_in_experiences.backup_code_cannot_be_enabled_alone", 400
    if not adaptive_given and mfa.factors and mfa.policy in ADAPTIVE_ONLY:  # adaptive MFA is never on here
        return "sign_in_experiences.non_adaptive_mfa_requires_skippable_policy", 422
    return None


def read_config(r: Reader) -> MfaSettings:
    """The config's ``[sign_in_experience.mfa]``: ``factors`` (``Totp``, ``WebAuthn``, ``BackupCode``), ``policy``,
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
    refused = refusal(settings)
    if refused is not None:
        raise ConfigError(f"{r.path}: {MFA_MESSAGES[refused[0]]}")
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
