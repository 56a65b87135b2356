"""The sign-in experience's ``mfa`` column: read from ``PATCH /api/sign-in-exp`` and from the config,
validated as Logto validates it, answered as the row holds it.

Follows ``mfaGuard`` (``packages/schemas/src/foundations/jsonb-types/sign-in-experience.ts``: ``factors``
an array of ``MfaFactor``, ``policy`` an ``MfaPolicy``, ``organizationRequiredMfaPolicy`` optional),
``validateMfa`` (``packages/core/src/libraries/sign-in-experience/mfa.ts``: 400
``sign_in_experiences.duplicated_mfa_factors``, ``backup_code_cannot_be_enabled_alone``) and the route's
adaptive-MFA check (``routes/sign-in-experience/index.ts``: with factors enabled and adaptive MFA off, as it
always is here, the ``…Mandatory`` prompt policies are 422
``sign_in_experiences.non_adaptive_mfa_requires_skippable_policy``). Every factor is implemented (email /
phone codes: :mod:`._mfa_codes`); an email / phone factor is refused while that address signs in by code
(``validateMfa``, against the update's sign-in methods or the current ones). The policies' meaning is
:mod:`._mfa`'s; the config's ``[sign_in_experience.mfa]`` is read by :mod:`._mfa_config`.
"""

from __future__ import annotations

from typing import Any

from . import _guards
from ._config import SignInMethod
from ._errors import LogtoError
from ._mfa_config import ADAPTIVE_ONLY, refusal
from ._mfa_records import FACTORS, ORGANIZATION_POLICIES, POLICIES, MfaSettings


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


def guard_adaptive(body: dict[str, Any]) -> dict[str, Any]:
    """``adaptiveMfaGuard`` on ``body["adaptiveMfa"]``: ``{enabled?: boolean}``, unknown keys stripped."""
    adaptive = _guards.field(body, "adaptiveMfa", dict)
    enabled = _guards.field(adaptive, "adaptiveMfa.enabled", bool, optional=True)
    return {} if enabled is None else {"enabled": enabled}


def validate(
    mfa: MfaSettings,
    adaptive: dict[str, Any] | None,
    current: dict[str, Any],
    sign_in: tuple[SignInMethod, ...] | None = None,
) -> dict[str, Any]:
    """``validateMfa`` (against ``sign_in``, the effective sign-in methods when the update sets ``mfa``)
    and the route's adaptive-MFA checks (``routes/sign-in-experience/index.ts``) on the effective ``mfa``
    and the update's ``adaptiveMfa`` (None: not in the update), then the fake's refusal of adaptive MFA
    turned on (its risk rules are not modelled). Answers the ``adaptiveMfa`` to store (an update turning
    MFA off without one resets it to ``{enabled: false}``, as Logto does)."""
    refused = refusal(mfa, adaptive_given=adaptive is not None, sign_in=sign_in)
    if refused is not None:
        raise LogtoError(*refused)
    non_skippable = mfa.policy in ADAPTIVE_ONLY  # isNonSkippableMfaPromptPolicy
    if adaptive is not None and adaptive.get("enabled"):
        if not mfa.factors:
            raise LogtoError("sign_in_experiences.adaptive_mfa_requires_mfa", 422)
        if not non_skippable:
            raise LogtoError("sign_in_experiences.adaptive_mfa_requires_non_skippable_policy", 422)
    if adaptive is not None and adaptive.get("enabled") is False and non_skippable:
        raise LogtoError("sign_in_experiences.non_adaptive_mfa_requires_skippable_policy", 422)
    if adaptive is not None and adaptive.get("enabled"):
        raise LogtoError(
            "guard.invalid_input",
            400,
            details='fake_logto does not implement adaptive MFA ("adaptiveMfa.enabled": true)',
            type="body",
        )
    if adaptive is None:
        return {"enabled": False} if not mfa.factors else dict(current)
    return adaptive
