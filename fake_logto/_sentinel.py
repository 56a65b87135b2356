"""The sentinel: failed-attempt counting per identifier and the lockout it decides, on the tenant clock.

Follows Logto's ``BasicSentinel`` (``packages/core/src/sentinel/basic-sentinel.ts``) and the experience
routes' ``withSentinel`` (``packages/core/src/routes/experience/classes/libraries/sentinel-guard.ts``); the
unblock route is :mod:`._management_sentinel`'s. The activities live in ``tenant.sentinel``:

- every verification attempt (password, verification code, one-time token; each MFA factor in a pool of
  its own) is reported, success or failure, with its target the SHA-256 of the identifier's value;
- a target already blocked (a blocked activity of its pool whose lockout has not ended) stays blocked,
  whatever the attempt's result;
- otherwise the failed, not-blocked attempts of the pool in the last hour plus this one (if it failed)
  reaching ``maxAttempts`` block the target for ``lockoutDuration`` minutes; the sign-in experience's
  ``sentinelPolicy`` over ``defaultSentinelPolicy`` (100 attempts, 60 minutes: ``packages/schemas/src/
  consts/sentinel.ts``) gives both;
- a blocked decision fails the request with 400 ``session.verification_blocked_too_many_attempts`` (its
  message the minutes left, ``Intl.RelativeTimeFormat``'s English ``in N minutes``) even when the
  verification itself succeeded; otherwise the verification's own error, if any, stands.

Not modelled: the ``Identifier.Lockout`` exception hook.
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from . import _guards
from ._config import SentinelPolicy
from ._errors import LogtoError

DEFAULT_MAX_ATTEMPTS, DEFAULT_LOCKOUT_MINUTES = 100, 60  # defaultSentinelPolicy
WINDOW = 3600.0  # seconds: basic-sentinel.ts counts failures of the last hour
POOLED = ("Password", "VerificationCode", "OneTimeToken")  # BasicSentinel.pooledActions

T = TypeVar("T")


def target_hash(value: str) -> str:
    """``sha256`` of hash-wasm: the hex digest of the UTF-8 value."""
    return hashlib.sha256(value.encode()).hexdigest()


def _pool(action: str) -> tuple[str, ...]:
    """The actions whose activities count together with ``action`` (``BasicSentinel.getActionArray``)."""
    return POOLED if action in POOLED else (action,)


@dataclass(frozen=True)
class Activity:
    """One ``sentinel_activities`` row, as far as the decision reads it."""

    target_type: str
    target_hash: str
    action: str
    failed: bool
    blocked: bool
    expires_at: float  # the decision's expiry (epoch seconds); the report time when allowed
    created_at: float


class Sentinel:
    """The tenant's sentinel activities and :meth:`report`'s decision; thread-safe."""

    def __init__(self, now: Callable[[], float]) -> None:
        self.now = now  # the tenant clock
        self._lock = threading.Lock()
        # By (target type, target hash), oldest first: a report reads its target's rows only.
        self._activities: dict[tuple[str, str], list[Activity]] = {}

    def report(
        self, policy: SentinelPolicy, target_type: str, target: str, action: str, *, failed: bool
    ) -> float | None:
        """Record an attempt; the end of the lockout (epoch seconds) if the target is blocked, else None."""
        digest, pool, now = target_hash(target), _pool(action), self.now()
        with self._lock:
            rows = self._activities.setdefault((target_type, digest), [])
            mine = [a for a in rows if a.action in pool]
            blocked_until = max(
                (a.expires_at for a in mine if a.blocked and a.expires_at > now), default=None
            )
            if blocked_until is None:
                failures = sum(1 for a in mine if a.failed and not a.blocked and a.created_at > now - WINDOW)
                max_attempts = DEFAULT_MAX_ATTEMPTS if policy.max_attempts is None else policy.max_attempts
                lockout = (
                    DEFAULT_LOCKOUT_MINUTES if policy.lockout_duration is None else policy.lockout_duration
                )
                if failures + (1 if failed else 0) >= max_attempts:
                    blocked_until = now + lockout * 60
            blocked = blocked_until is not None
            expires = blocked_until if blocked_until is not None else now
            rows.append(Activity(target_type, digest, action, failed, blocked, expires, now))
            return blocked_until

    def delete(self, target_type: str, targets: list[str]) -> None:
        """``deleteActivities``: forget every activity of these targets."""
        digests = {target_hash(t) for t in targets}
        with self._lock:
            for digest in digests:
                self._activities.pop((target_type, digest), None)

    def clear(self) -> None:
        with self._lock:
            self._activities.clear()


def relative_minutes(seconds: float) -> str:
    """``new Intl.RelativeTimeFormat('en').format(Math.round(seconds / 60), 'minute')``."""
    minutes = math.floor(seconds / 60 + 0.5)  # Math.round: halves go up
    unit = "minute" if abs(minutes) == 1 else "minutes"
    return f"in {minutes} {unit}" if minutes >= 0 else f"{-minutes} {unit} ago"


def _unless_blocked(sentinel: Sentinel, blocked_until: float | None) -> None:
    if blocked_until is not None:
        left = relative_minutes(blocked_until - sentinel.now())
        raise LogtoError("session.verification_blocked_too_many_attempts", 400, relativeTime=left)


async def guarded(
    sentinel: Sentinel, policy: SentinelPolicy, action: str, value: str, verify: Callable[[], Awaitable[T]]
) -> T:
    """``withSentinel``: run ``verify``, report its outcome for the identifier ``value``, then fail with the
    lockout if the target is blocked, else with the verification's own error (whatever it throws)."""
    try:
        result = await verify()
    except Exception:
        _unless_blocked(sentinel, sentinel.report(policy, "User", value, action, failed=True))
        raise
    _unless_blocked(sentinel, sentinel.report(policy, "User", value, action, failed=False))
    return result


def _number(obj: dict[str, Any], path: str) -> float | None:
    """``z.number().optional()``: absent is None; ``null``, a string or a boolean is refused."""
    key = path.rpartition(".")[2]
    if key not in obj:
        return None
    value = obj[key]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _guards.invalid_type(path, "number", value)
    return value


def guard_policy(body: dict[str, Any]) -> SentinelPolicy:
    """``sentinelPolicyGuard`` on ``body["sentinelPolicy"]`` (a PATCH replaces the whole column)."""
    value = _guards.field(body, "sentinelPolicy", dict)
    return SentinelPolicy(
        max_attempts=_number(value, "sentinelPolicy.maxAttempts"),
        lockout_duration=_number(value, "sentinelPolicy.lockoutDuration"),
    )


def as_json(policy: SentinelPolicy) -> dict[str, Any]:
    """The stored column: only the keys that were set."""
    body: dict[str, Any] = {}
    if policy.max_attempts is not None:
        body["maxAttempts"] = policy.max_attempts
    if policy.lockout_duration is not None:
        body["lockoutDuration"] = policy.lockout_duration
    return body
