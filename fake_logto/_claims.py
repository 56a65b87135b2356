"""Claims by scope, as Logto computes them (``packages/toolkit/core-kit/src/openid.ts``,
``packages/core/src/oidc/scope.ts``; reference/logto.md "Claims by scope").

- ``profile``: name, picture, username are ``null`` when unset; the standard claims the user's ``profile``
  holds (given_name, nickname, …) only when set; preferred_username is ``profile.preferredUsername``, else
  the username, else left out (``getPreferredUsername``); created_at / updated_at in epoch
  **milliseconds**. ``address``: the profile's address, when set.
- ``email``: email and a boolean email_verified (never null: @logto/js rejects null).
- Extended claims: the ID token carries only roles / organizations / organization_roles;
  ``/oidc/me`` returns every claim of the granted scopes (custom_data, identities, organization_data too).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ._store import User

ORGANIZATIONS = "urn:logto:scope:organizations"
ORGANIZATION_ROLES = "urn:logto:scope:organization_roles"


# The profile scope's claims kept in the user's ``profile`` column (``claimToUserProfileKey``); unset ones
# are left out (``undefined``), unlike name and picture (``null``).
_PROFILE_KEYS = {
    "family_name": "familyName",
    "given_name": "givenName",
    "middle_name": "middleName",
    "nickname": "nickname",
    "profile": "profile",
    "website": "website",
    "gender": "gender",
    "birthdate": "birthdate",
    "zoneinfo": "zoneinfo",
    "locale": "locale",
}


def _profile(user: User) -> dict[str, Any]:
    claims: dict[str, Any] = {
        "name": user.name,
        "picture": user.avatar,
        "username": user.username,
        "created_at": user.created_at,
        "updated_at": user.updated_at,
    }
    claims |= {c: user.profile[k] for c, k in _PROFILE_KEYS.items() if user.profile.get(k) is not None}
    # getPreferredUsername: the explicit profile value wins over the mirrored username
    explicit = user.profile.get("preferredUsername")
    preferred = explicit if explicit is not None else user.username
    if preferred is not None:
        claims["preferred_username"] = preferred
    return claims


def _address(user: User) -> dict[str, Any]:
    address = user.profile.get("address")
    return {} if address is None else {"address": address}


def _email(user: User) -> dict[str, Any]:
    return {"email": user.primary_email, "email_verified": bool(user.primary_email)}


def _phone(user: User) -> dict[str, Any]:
    return {"phone_number": user.primary_phone, "phone_number_verified": bool(user.primary_phone)}


# scope -> (claims for the ID token, claims for /oidc/me only)
_BY_SCOPE: dict[str, tuple[Callable[[User], dict[str, Any]], Callable[[User], dict[str, Any]]]] = {
    "profile": (_profile, lambda _u: {}),
    "email": (_email, lambda _u: {}),
    "phone": (_phone, lambda _u: {}),
    "address": (_address, lambda _u: {}),
    "custom_data": (lambda _u: {}, lambda u: {"custom_data": u.custom_data}),
    "identities": (lambda _u: {}, lambda u: {"identities": u.identities, "sso_identities": []}),
    "roles": (lambda u: {"roles": list(u.roles)}, lambda _u: {}),
    ORGANIZATIONS: (
        lambda u: {"organizations": list(u.organizations)},
        lambda u: {
            "organization_data": [
                {"id": o, "name": u.organization_names.get(o, o), "description": None}
                for o in u.organizations
            ]
        },
    ),
    ORGANIZATION_ROLES: (lambda u: {"organization_roles": list(u.organization_roles)}, lambda _u: {}),
}


def id_token_claims(user: User, scopes: list[str]) -> dict[str, Any]:
    claims: dict[str, Any] = {"sub": user.id}
    for scope in scopes:
        if scope in _BY_SCOPE:
            claims.update(_BY_SCOPE[scope][0](user))
    return claims


def userinfo_claims(user: User, scopes: list[str]) -> dict[str, Any]:
    claims: dict[str, Any] = {"sub": user.id}
    for scope in scopes:
        if scope in _BY_SCOPE:
            id_part, me_part = _BY_SCOPE[scope]
            claims.update(id_part(user))
            claims.update(me_part(user))
    return claims
