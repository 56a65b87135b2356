"""A user as Logto shows it outside its database: ``userInfoSelectFields`` (packages/schemas/src/types/user.ts),
the body of webhooks' ``user``/``data`` and, with ``hasPassword``, of the Management API's users
(``userProfileResponseGuard``)."""

from __future__ import annotations

from typing import Any

from ._store import User

# Logto's ``userProfileGuard`` (packages/schemas/src/foundations/jsonb-types/users.ts): the standard-claim keys of
# a user's ``profile``, and of its ``address``.
PROFILE_KEYS = (
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


def user_info(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "username": user.username,
        "primaryEmail": user.primary_email,
        "primaryPhone": user.primary_phone,
        "name": user.name,
        "avatar": user.avatar,
        "customData": user.custom_data,
        "identities": user.identities,
        "lastSignInAt": user.last_sign_in_at,
        "createdAt": user.created_at,
        "updatedAt": user.updated_at,
        "profile": user.profile,
        "applicationId": None,
        "cimdClientId": None,
        "isSuspended": user.is_suspended,
    }
