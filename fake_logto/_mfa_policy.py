"""The sign-in experience's ``mfa`` column: read from ``PATCH /api/sign-in-exp`` and from the config,
validated as Logto validates it, answered as the row holds it.

Follows ``mfaGuard`` (``packages/schemas/src/foundations/jsonb-types/sign-in-experience.ts``: ``factors``
an array of ``MfaFactor``, ``policy`` an ``MfaPolicy``, ``organizationRequiredMfaPolicy`` optional),
``validateMfa`` (``packages/core/src/libraries/sign-in-experience/mfa.ts``: 400
``sign_in_experiences.duplicated_mfa_factors``, ``backup_code_cannot_be_enabled_alone``) and the route's
adaptive-MFA check (``routes/sign-in-experience/index.ts``: with factors enabled and adaptive MFA off, as it
always is here, the ``…Mandatory`` prompt policies are 422
``sign_in_experiences.non_adaptive_mfa_requires_skippable_policy``). The fake implements TOTP and backup
codes: a WebAuthn or email/phone factor is refused with ``guard.invalid_input`` naming it (stricter than
Logto, never more lenient) after Logto's own checks. The policies' meaning is :mod:`._mfa`'s; the config's
``[sign_in_experience.mfa]`` is read by :mod:`._mfa_config`.
"""

from __future__ import annotations

from typing import Any

from . import _guards
from ._errors import LogtoError
from ._mfa_config import refusal
from ._mfa_records import FACTORS, IMPLEMENTED_FACTORS, ORGANIZATION_POLICIES, POLICIES, MfaSettings


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


def validate(mfa: MfaSettings) -> None:
    """``validateMfa``, the route's adaptive-MFA check, then the fake's refusal of factors it lacks."""
    refused = refusal(mfa)
    if refused is not None:
        raise LogtoError(*refused)
    missing = [factor for factor in mfa.factors if factor not in IMPLEMENTED_FACTORS]
    if missing:
        raise LogtoError(
            "guard.invalid_input",
            400,
            details=f'fake_logto does not implement the MFA factor "{missing[0]}"; '
            f"it implements {', '.join(IMPLEMENTED_FACTORS)}",
            type="body",
        )
