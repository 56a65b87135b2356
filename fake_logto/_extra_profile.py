"""The Experience API's extra profile: ``POST /api/experience/profile`` with ``{type: "extraProfile",
values}``, the non-identifier attributes a sign-up form collects (Logto's custom profile fields).

Follows ``packages/core/src/routes/experience/profile-routes.ts`` (the guard: ``values`` a record whose
keys match ``numberAndAlphabetRegEx``) and ``classes/libraries/profile-validator.ts``
``validateAndParseCustomProfile`` with the key guards of ``packages/schemas/src/types/
custom-profile-fields.ts``, in Logto's order: a reserved built-in profile key (``preferredUsername``) →
400 ``custom_profile_fields.name_conflict_built_in_prop``, a sign-in identifier key (``username``,
``primaryEmail``, ``primaryPhone``, ``email``, ``phone``) → 400 ``name_conflict_sign_in_identifier``, a
reserved custom data key (``onboarding``, ``ossOnboarding``, ``guideRequests``,
``adminConsolePreferences``, ``defaultTenantId``) → 400 ``name_conflict_custom_data`` (``{name}`` the
conflicting keys, in the guard's order, joined by ``, ``). The rest splits into ``name`` and ``avatar``,
the standard-claims ``profile`` (``userProfileGuard``) and ``customData`` (everything else), staged on the
interaction's profile (replacing earlier extra values, as ``Profile.unsafeSet``) and marked
``submitted``; the user gets them when it is created (Register) or at submit (SignIn; the JSON columns
merged, as ``updateUserById``'s ``merge`` mode).

A wrongly typed reserved or built-in value (``givenName: 5``) makes Logto's ``.parse`` throw a ZodError
outside the guard, a 500; the fake answers 400 ``guard.invalid_input`` instead (bad input is never a 500).
Custom profile field definitions (``/api/custom-profile-fields``, ``signUpProfileFields``) are not
modelled, so no extra field is ever missing (``hasMissingExtraProfileFields`` is false without them).
"""

from __future__ import annotations

import re
from typing import Any

from . import _guards
from ._errors import LogtoError

TYPE = "extraProfile"
KEY_RE = re.compile(r"^[\dA-Za-z]+\Z")  # numberAndAlphabetRegEx
BUILT_IN_RESERVED = ("preferredUsername",)  # reservedBuiltInProfileKeyGuard
SIGN_IN_IDENTIFIERS = (
    "username",
    "primaryEmail",
    "primaryPhone",
    "email",
    "phone",
)  # signInIdentifierKeyGuard
IDENTIFIER_MAX = 128  # users.sql: username, primary_email, primary_phone varchar(128)
CUSTOM_DATA_RESERVED = (
    "onboarding",
    "ossOnboarding",
    "guideRequests",
    "adminConsolePreferences",
    "defaultTenantId",
)
PROFILE_KEYS = (  # userProfileGuard, but address
    "familyName",
    "givenName",
    "middleName",
    "nickname",
    "preferredUsername",
    "profile",
    "website",
    "gender",
    "birthdate",
    "zoneinfo",
    "locale",
)
ADDRESS_KEYS = ("formatted", "streetAddress", "locality", "region", "postalCode", "country")
BUILT_IN = frozenset(("name", "avatar", *PROFILE_KEYS, "address"))  # builtInCustomProfileFieldKeys
JSON_KEYS = ("profile", "customData")  # the user's JSON columns the extra profile writes


def guard(body: dict[str, Any]) -> dict[str, Any]:
    """``values: z.record(z.string().regex(numberAndAlphabetRegEx), z.unknown())``."""
    values: dict[str, Any] = _guards.field(body, "values", dict)
    for key in values:
        if not KEY_RE.match(key):
            raise _guards.invalid(f"values.{key}", "invalid_string", "Invalid", validation="regex")
    return values


def _present(
    values: dict[str, Any], keys: tuple[str, ...], *, nullable: bool = False, max_length: int | None = None
) -> list[str]:
    """The keys of ``keys`` that ``values`` holds (a zod ``.parse`` keeps them), each a string (or null)."""
    found = []
    for key in keys:
        if key in values:
            _guards.string(values, f"values.{key}", nullable=nullable, max_length=max_length)
            found.append(key)
    return found


def _conflict(code: str, keys: list[str]) -> None:
    if keys:
        raise LogtoError(f"custom_profile_fields.{code}", name=", ".join(keys))


def parse(values: dict[str, Any]) -> dict[str, Any]:
    """``validateAndParseCustomProfile``: the conflicts, then ``{name?, avatar?, profile, customData}``."""
    _conflict("name_conflict_built_in_prop", _present(values, BUILT_IN_RESERVED))
    identifiers = _present(values, SIGN_IN_IDENTIFIERS, nullable=True, max_length=IDENTIFIER_MAX)
    _conflict("name_conflict_sign_in_identifier", identifiers)
    _conflict("name_conflict_custom_data", _present(values, CUSTOM_DATA_RESERVED))
    parsed: dict[str, Any] = {}
    if "name" in values:
        parsed["name"] = _guards.string(values, "values.name")
    if "avatar" in values:
        parsed["avatar"] = _guards.string(values, "values.avatar", url=True, or_empty=True)
    profile = {key: _guards.string(values, f"values.{key}") for key in PROFILE_KEYS if key in values}
    if "address" in values:
        address = _guards.field(values, "values.address", dict)
        profile["address"] = {
            k: _guards.string(address, f"values.address.{k}") for k in ADDRESS_KEYS if k in address
        }
    parsed["profile"] = profile
    parsed["customData"] = {key: value for key, value in values.items() if key not in BUILT_IN}
    return parsed
