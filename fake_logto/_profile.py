"""An interaction's pending profile: what it will write to the user, validated as Logto validates it.

Follows ``packages/core/src/routes/experience/classes/profile.ts`` and its validators
(``classes/libraries/profile-validator.ts``, ``password-validator.ts``,
``sign-in-experience-validator.ts`` ``getMandatoryUserProfileBySignUpMethods``). The profile uses Logto's
keys — ``username``, ``primaryEmail``, ``primaryPhone``, ``passwordEncrypted`` (our scrypt hash) — and
is written to the user at identification (Register) or at submit (SignIn, ForgotPassword).

A username is checked against the username policy (:mod:`._username_policy`, before uniqueness, as
``setProfileWithValidation``), a password against the password policy (:mod:`._password_policy`, with
the user info ``password-validator.ts`` ``getUserInfo`` gathers: the profile's, else the user's). The
extra profile (``name``, ``avatar``, ``profile``, ``customData``: :mod:`._extra_profile`) is staged as it
is; only the identifiers and the password are checked.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from . import _password_expiration, _password_policy, _username_policy
from ._config import SignInExperience
from ._errors import LogtoError
from ._store import Interaction, TenantStore, User, check_password, hash_password

# identifier type -> profile key
KEYS = {"email": "primaryEmail", "phone": "primaryPhone", "username": "username"}
_KINDS = {key: kind for kind, key in KEYS.items()}
# profile key -> User attribute
USER_FIELDS = {
    "username": "username",
    "primaryEmail": "primary_email",
    "primaryPhone": "primary_phone",
    "passwordEncrypted": "password_hash",
    "name": "name",
    "avatar": "avatar",
}
# profile key -> User attribute of a JSON column, merged on write (updateUserById's ``merge`` mode)
JSON_FIELDS = {"profile": "profile", "customData": "custom_data"}
# profile key -> (another user has it, the identified user already has one)
CONFLICTS: dict[str, tuple[str | None, str]] = {
    "username": ("user.username_already_in_use", "user.username_exists_in_profile"),
    "primaryEmail": ("user.email_already_in_use", "user.email_exists_in_profile"),
    "primaryPhone": ("user.phone_already_in_use", "user.phone_exists_in_profile"),
    "passwordEncrypted": (None, "user.password_exists_in_profile"),
}
SANITIZED = ("avatar", "name", "username", "primaryEmail", "primaryPhone", "profile", "customData")


def guard_unique(store: TenantStore, profile: dict[str, Any]) -> None:
    """ProfileValidator.guardProfileUniquenessAcrossUsers: 422 ``user.*_already_in_use``."""
    for key, value in profile.items():
        taken = CONFLICTS[key][0] if key in CONFLICTS else None
        if taken and store.user_by(_KINDS[key], value) is not None:
            raise LogtoError(taken, 422)


def stage(store: TenantStore, interaction: Interaction, user: User | None, profile: dict[str, Any]) -> None:
    """Profile.setProfileWithValidation: nothing the user already has (422 ``user.*_exists_in_profile``),
    a username the policy allows (422 ``user.username_<violation>``), nothing another user has (422
    ``user.*_already_in_use``); then keep it."""
    with store.lock:
        for key in profile:
            if key in CONFLICTS and user is not None and getattr(user, USER_FIELDS[key]):
                raise LogtoError(CONFLICTS[key][1], 422)
        if profile.get("username"):
            _username_policy.assert_allowed(
                profile["username"], store.config_of().sign_in_experience.username_policy
            )
        guard_unique(store, profile)
        interaction.profile.update(profile)


def stage_extra(store: TenantStore, interaction: Interaction, extra: dict[str, Any]) -> None:
    """The extra profile, kept as it is (``unsafeSet``: each key replaces the earlier value), and the
    form marked submitted (``markProfileSubmitted``)."""
    with store.lock:
        interaction.profile.update(extra)
        interaction.profile["submitted"] = True


def policy_issues(
    experience: SignInExperience, password: str, profile: dict[str, Any], user: User | None
) -> list[dict[str, Any]]:
    """PasswordValidator.validatePassword's check: the policy's issues for ``password``."""
    policy = experience.password_policy
    if not _password_policy.full(policy)["rejects"]["userInfo"]:
        return _password_policy.issues(policy, password, {})
    pairs = (
        ("name", "name"),
        ("username", "username"),
        ("email", "primaryEmail"),
        ("phoneNumber", "primaryPhone"),
    )
    attrs = {
        "name": "name",
        "username": "username",
        "primaryEmail": "primary_email",
        "primaryPhone": "primary_phone",
    }
    info = {
        name: profile.get(key) or (getattr(user, attrs[key]) if user is not None else None)
        for name, key in pairs
    }
    return _password_policy.issues(policy, password, info)


async def stage_password(
    store: TenantStore, interaction: Interaction, user: User | None, password: str, *, reset: bool
) -> None:
    """Profile.setPasswordDigestWithValidation: the policy (422 ``password.rejected``), not the current
    password (422 ``user.same_password``), and — unless resetting — no password yet."""
    issues = policy_issues(store.config_of().sign_in_experience, password, interaction.profile, user)
    if issues:
        raise LogtoError("password.rejected", 422, issues)
    # scrypt is slow by design: keep it off the event loop.
    if user is not None and await asyncio.to_thread(check_password, password, user.password_hash):
        raise LogtoError("user.same_password", 422)
    encrypted = await asyncio.to_thread(hash_password, password)
    if user is not None and not reset and user.password_hash:
        raise LogtoError("user.password_exists_in_profile", 422)
    with store.lock:
        interaction.profile["passwordEncrypted"] = encrypted


def mandatory(experience: SignInExperience) -> set[str]:
    """What every account must have under the sign-up settings (``MissingProfile`` names)."""
    identifiers = set(experience.sign_up_identifiers)
    required = set()
    if "username" in identifiers:
        required.add("username")
    elif "email" in identifiers:
        required.add("emailOrPhone" if "phone" in identifiers else "email")
    elif "phone" in identifiers:
        required.add("phone")
    # getMandatoryUserProfileBySignUpMethods: each secondary identifier is required too
    secondary = {"email": "email", "phone": "phone", "username": "username", "emailOrPhone": "emailOrPhone"}
    required |= {secondary[i] for i, _ in experience.sign_up_secondary or ()}
    if experience.sign_up_password:
        required.add("password")
    return required


def missing(experience: SignInExperience, profile: dict[str, Any], user: User | None) -> list[str]:
    """ProfileValidator.getMissingUserProfile, in Logto's order."""

    def has(key: str) -> bool:
        return bool(profile.get(key)) or bool(user is not None and getattr(user, USER_FIELDS[key]))

    checks: tuple[tuple[str, Callable[[], bool]], ...] = (
        ("username", lambda: has("username")),
        ("emailOrPhone", lambda: has("primaryEmail") or has("primaryPhone")),
        ("email", lambda: has("primaryEmail")),
        ("phone", lambda: has("primaryPhone")),
        # a social identity stands in for a password
        ("password", lambda: has("passwordEncrypted") or bool(user is not None and user.identities)),
    )
    required = mandatory(experience)
    return [name for name, present in checks if name in required and not present()]


def guard_fulfilled(experience: SignInExperience, profile: dict[str, Any], user: User | None) -> None:
    """422 ``user.missing_profile`` with ``data.missingProfile`` when the account would lack something."""
    absent = missing(experience, profile, user)
    if absent:
        raise LogtoError("user.missing_profile", 422, {"missingProfile": absent})


def apply(store: TenantStore, user: User, profile: dict[str, Any]) -> None:
    """Write the staged profile to the user."""
    with store.lock:
        for key, value in profile.items():
            if key in JSON_FIELDS:
                merged = {**getattr(user, JSON_FIELDS[key]), **value}
                setattr(user, JSON_FIELDS[key], merged)
            elif key in USER_FIELDS:
                setattr(user, USER_FIELDS[key], value)
        user.updated_at = store.now_ms()
        if "passwordEncrypted" in profile:  # submit's buildUserPasswordPayload
            _password_expiration.password_changed(user, user.updated_at)


def sanitized(profile: dict[str, Any]) -> dict[str, Any]:
    """The profile as ``GET /api/experience/interaction`` shows it: no password."""
    return {key: value for key, value in profile.items() if key in SANITIZED}
