"""The username policy: the ``usernamePolicy`` column of the sign-in experience and its checks.

Follows ``@logto/core-kit``'s ``username-policy.ts`` (``usernamePolicyGuard`` with its two refinements,
``defaultUsernamePolicy``, ``validateUsernameAgainstPolicy``: the hard floor, then length, then the
character classes) and core's ``utils/user.ts`` ``assertUsernameAllowed`` (422 ``user.username_<violation>``),
which the Experience API's ``Profile.setProfileWithValidation`` runs before the uniqueness check.

Case sensitivity (``queries/sign-in-experience.ts`` ``getUsernameCaseSensitive``: the policy's
``caseSensitive`` and the ``CASE_SENSITIVE_USERNAME`` env, on by default) decides how usernames are
looked up and compared (``queries/user.ts`` ``findUserByUsername``, ``hasUser``: ``=`` or
``lower() = lower()``); the store reads it through :func:`case_sensitive`.
"""

from __future__ import annotations

import re
from typing import Any

from . import _guards
from ._errors import LogtoError

ALLOWED = ("lowercase", "uppercase", "numbers", "underscore")
LENGTH_MAX = 128
_USERNAME = re.compile(r"^[A-Z_a-z]\w*\Z", re.ASCII)  # core-kit regex.ts usernameRegEx
# (violation, the character class it forbids) in checkAllowedChars' order
_CLASSES = (
    ("uppercase", re.compile(r"[A-Z]")),
    ("lowercase", re.compile(r"[a-z]")),
    ("numbers", re.compile(r"[0-9]")),
    ("underscore", re.compile(r"_")),
)


def parse_column(body: dict[str, Any], path: str = "usernamePolicy") -> dict[str, Any]:
    """``usernamePolicyGuard`` over ``body[path]``: every key required, then the refinements (min ≤ max;
    one of lowercase, uppercase, underscore allowed — a username cannot start with a number)."""
    policy = _guards.field(body, path, dict)
    parsed: dict[str, Any] = {
        "caseSensitive": _guards.field(policy, f"{path}.caseSensitive", bool),
        "minLength": _guards.number(policy, f"{path}.minLength", minimum=1, maximum=LENGTH_MAX),
        "maxLength": _guards.number(policy, f"{path}.maxLength", minimum=1, maximum=LENGTH_MAX),
    }
    chars = _guards.field(policy, f"{path}.allowedChars", dict)
    parsed["allowedChars"] = {c: _guards.field(chars, f"{path}.allowedChars.{c}", bool) for c in ALLOWED}
    if parsed["minLength"] > parsed["maxLength"]:
        raise _guards.invalid(f"{path}.maxLength", "custom", "Minimum length cannot exceed maximum length.")
    allowed = parsed["allowedChars"]
    if not (allowed["lowercase"] or allowed["uppercase"] or allowed["underscore"]):
        message = (
            "At least one of lowercase, uppercase, or underscore must be enabled. Usernames cannot start "
            "with a number, so numbers alone are not allowed."
        )
        raise _guards.invalid(f"{path}.allowedChars", "custom", message)
    return parsed


def violation(username: str, policy: dict[str, Any]) -> str | None:
    """``validateUsernameAgainstPolicy``: the first rule ``username`` breaks, or ``None``."""
    if not username:
        return "required"
    if "0" <= username[0] <= "9":
        return "starts_with_number"
    if not _USERNAME.match(username):
        return "invalid_charset_hard"
    if len(username) < policy["minLength"]:
        return "too_short"
    if len(username) > policy["maxLength"]:
        return "too_long"
    for name, pattern in _CLASSES:
        if not policy["allowedChars"][name] and pattern.search(username):
            return f"{name}_not_allowed"
    return None


def assert_allowed(username: str, policy: dict[str, Any]) -> None:
    """``assertUsernameAllowed``: 422 ``user.username_<violation>``."""
    broken = violation(username, policy)
    if broken is not None:
        raise LogtoError(f"user.username_{broken}", 422)


def case_sensitive(policy: dict[str, Any]) -> bool:
    return bool(policy["caseSensitive"])


def same(stored: str | None, given: str, policy: dict[str, Any]) -> bool:
    """Whether ``given`` names the username ``stored`` (``=`` or ``lower() = lower()``)."""
    if stored is None:
        return False
    return stored == given if case_sensitive(policy) else stored.lower() == given.lower()
