"""The config's MFA: the sign-in experience's ``[sign_in_experience.mfa]`` and a seeded user's ``mfa``
table, checked as the Management API checks them (:mod:`._mfa_policy`) — without the web stack, so reading
the config (``harness up``) stays light.

``refusal`` is Logto's own checks of the ``mfa`` column: ``validateMfa``
(``packages/core/src/libraries/sign-in-experience/mfa.ts``: 400 ``sign_in_experiences.duplicated_mfa_factors``,
``backup_code_cannot_be_enabled_alone``, ``email_verification_code_cannot_be_used_for_mfa`` /
``phone_…`` while that address signs in by code) and the route's adaptive-MFA check
(``routes/sign-in-experience/index.ts``: 422 ``sign_in_experiences.non_adaptive_mfa_requires_skippable_policy``).
``code_sign_in_refusal`` is ``validateSignIn``'s converse (``libraries/sign-in-experience/sign-in.ts``: 400
``…_verification_code_cannot_be_used_for_sign_in``).
"""

from __future__ import annotations

from collections.abc import Iterable

from ._config import ConfigError, SignInMethod
from ._config_reader import Reader
from ._mfa_phrases import MFA_MESSAGES
from ._mfa_records import FACTORS, ORGANIZATION_POLICIES, POLICIES, MfaSettings, SeedMfa
from ._totp import valid_backup_codes, valid_secret

NO_SKIP = (
    "Mandatory",
    "PromptAtSignInAndSignUpMandatory",
    "PromptOnlyAtSignInMandatory",
)  # isNoSkipMfaPolicy
ADAPTIVE_ONLY = ("PromptAtSignInAndSignUpMandatory", "PromptOnlyAtSignInMandatory")


# The MFA factor a sign-in method's verification code would double as.
CODE_FACTORS = {"email": "EmailVerificationCode", "phone": "PhoneVerificationCode"}


def _code_sign_in(methods: Iterable[SignInMethod], factors: Iterable[str]) -> str | None:
    """The first of ``email``, ``phone`` whose code both signs in and is an MFA factor."""
    code_kinds = {m.identifier for m in methods if m.verification_code}
    return next((k for k, f in CODE_FACTORS.items() if k in code_kinds and f in factors), None)


def code_sign_in_refusal(methods: Iterable[SignInMethod], mfa: MfaSettings) -> tuple[str, int] | None:
    """``validateSignIn``'s MFA check: a code sign-in of an address whose code is an MFA factor."""
    kind = _code_sign_in(methods, mfa.factors)
    if kind is None:
        return None
    return f"sign_in_experiences.{kind}_verification_code_cannot_be_used_for_sign_in", 400


def refusal(
    mfa: MfaSettings, adaptive_given: bool = False, sign_in: Iterable[SignInMethod] | None = None
) -> tuple[str, int] | None:
    """Logto's refusal of the column (code, status), or None; ``sign_in``: the sign-in methods to check
    it against (None: none, as when the update sets no ``mfa``); the last check runs when the same update
    sets no ``adaptiveMfa`` (:func:`._mfa_policy.validate` checks one that is set)."""
    if len(set(mfa.factors)) != len(mfa.factors):
        return "sign_in_experiences.duplicated_mfa_factors", 400
    if "BackupCode" in mfa.factors and len(mfa.factors) == 1:
        return "sign_in_experiences.backup_code_cannot_be_enabled_alone", 400
    for kind, factor in CODE_FACTORS.items():  # email first, as validateMfa
        if factor in mfa.factors and _code_sign_in(sign_in or (), [factor]) == kind:
            return f"sign_in_experiences.{kind}_verification_code_cannot_be_used_for_mfa", 400
    if not adaptive_given and mfa.factors and mfa.policy in ADAPTIVE_ONLY:  # adaptive MFA is never on here
        return "sign_in_experiences.non_adaptive_mfa_requires_skippable_policy", 422
    return None


def read_config(r: Reader, sign_in: Iterable[SignInMethod] = ()) -> MfaSettings:
    """The config's ``[sign_in_experience.mfa]``: ``factors`` (``Totp``, ``WebAuthn``, ``BackupCode``,
    ``EmailVerificationCode``, ``PhoneVerificationCode``), ``policy``, ``organization_required_mfa_policy``;
    checked as the Management API checks a PATCH (against the config's ``sign_in`` methods)."""
    factors = r.strings("factors")
    for i, factor in enumerate(factors):
        if factor not in FACTORS:
            raise ConfigError(f"{r.where('factors')}[{i}]: must be one of {', '.join(FACTORS)}")
    policy = r.choice("policy", POLICIES, "UserControlled")
    organization = r.string("organization_required_mfa_policy")
    if organization is not None and organization not in ORGANIZATION_POLICIES:
        raise ConfigError(f"{r.where('organization_required_mfa_policy')}: must be NoPrompt or Mandatory")
    r.done()
    settings = MfaSettings(factors, policy, organization)
    refused = refusal(settings, sign_in=tuple(sign_in))
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
