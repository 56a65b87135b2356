"""Password expiration: the sign-in experience's ``passwordExpiration`` column, its check at password
verification; the Management API's ``PATCH /api/users/:userId/password/expiration`` is
:mod:`._management_password_expiration`.

Follows Logto's ``passwordExpirationPolicyGuard`` (``packages/schemas/src/foundations/jsonb-types/
sign-in-experience.ts``: ``{enabled?: false}`` or ``{enabled: true, validPeriodDays: int ≥ 1,
enabledAt?}``, a union, unknown keys stripped), the ``PATCH /api/sign-in-exp`` route's handling
(``routes/sign-in-experience/index.ts``: on every PATCH, ``{enabled: false}`` or the stored policy merged
with the given one; a merge the guard refuses → 422 ``sign_in_experiences.password_expiration_invalid_
period_days``; ``enabledAt`` stamped when the policy turns on and kept while it stays on, never taken from
the body; an enabled policy needs a forgot-password method with its connector → 422
``password_expiration_requires_forgot_password``), ``libraries/password-expiration.ts``
``verifyPasswordExpirationPolicy`` (after the password matched, outside the sentinel: 422
``password.expired`` when the user's password was expired by hand or its valid period, counted from
``passwordUpdatedAt`` ?? ``enabledAt`` ?? ``createdAt``, has passed on the tenant clock) and
``routes/admin-user/basics.ts`` (``{isExpired}``: expiring needs an enabled policy, 400
``password_expiration_not_enabled``; a password set by ``buildUserPasswordPayload`` — the Management API,
the Experience API's submit — stamps ``passwordUpdatedAt`` and clears the flag: :func:`password_changed`;
a registration's password does not, as Logto's ``provisionLibrary.createUser`` does not).
"""

from __future__ import annotations

import math
from typing import Any

from . import _guards
from ._errors import LogtoError
from ._store import User

DAY_MS = 24 * 60 * 60 * 1000


def password_changed(user: User, now_ms: int) -> None:
    """``buildUserPasswordPayload``: a new password is not expired and dates from now."""
    user.password_updated_at, user.is_password_expired = now_ms, False


def _policy(value: Any) -> dict[str, Any] | None:
    """``passwordExpirationPolicyGuard.safeParse``: the parsed policy, or None."""
    if not isinstance(value, dict):
        return None
    enabled = value.get("enabled")
    if "enabled" not in value or enabled is False:
        return {} if "enabled" not in value else {"enabled": False}
    if enabled is not True:
        return None
    days, since = _whole(value.get("validPeriodDays")), _whole(value.get("enabledAt", 0))
    if days is None or since is None or days < 1 or since < 0:
        return None
    policy: dict[str, Any] = {"enabled": True, "validPeriodDays": days}
    return policy | ({"enabledAt": since} if "enabledAt" in value else {})


def _whole(value: Any) -> int | None:
    """``z.number().int()``: a whole number (``1.0`` is one), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    if value != int(value):
        return None
    return int(value)


def guard(body: dict[str, Any]) -> dict[str, Any]:
    """``passwordExpiration`` in the PATCH body, through the guard (zod's ``invalid_union`` when neither
    branch takes it)."""
    value = body["passwordExpiration"]
    parsed = _policy(value)
    if parsed is None:
        branches = [
            {"code": "invalid_literal", "expected": False, "path": ["passwordExpiration", "enabled"]},
            {"code": "invalid_type", "expected": "object", "path": ["passwordExpiration"]},
        ]
        union_errors = [{"issues": [issue], "name": "ZodError"} for issue in branches]
        raise _guards.invalid(
            "passwordExpiration", "invalid_union", "Invalid input", unionErrors=union_errors
        )
    return parsed


def merged(
    stored: dict[str, Any], given: dict[str, Any] | None, now_ms: int, can_reset: bool
) -> dict[str, Any]:
    """The column the route persists from the ``stored`` one and the ``given`` (guarded) one."""
    given = given or {}
    payload = {"enabled": False} if given.get("enabled") is False else {**stored, **given}
    policy = _policy(payload)
    if policy is None:
        raise LogtoError("sign_in_experiences.password_expiration_invalid_period_days", 422)
    if not policy.get("enabled"):
        return policy
    enabled_at = stored.get("enabledAt") if stored.get("enabled") else None
    if not can_reset:
        raise LogtoError("sign_in_experiences.password_expiration_requires_forgot_password", 422)
    return {**policy, "enabledAt": enabled_at if enabled_at is not None else now_ms}


def verify(policy: dict[str, Any], user: User, now_ms: int) -> None:
    """``verifyPasswordExpirationPolicy``, for a user whose password just matched."""
    if not policy.get("enabled"):
        return
    days = policy.get("validPeriodDays")
    if not isinstance(days, int) or days < 1:
        raise LogtoError("sign_in_experiences.password_expiration_invalid_period_days", 422)
    since = user.password_updated_at or policy.get("enabledAt") or user.created_at
    if user.is_password_expired or now_ms >= since + days * DAY_MS:
        raise LogtoError("password.expired", 422)
