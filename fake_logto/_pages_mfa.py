"""The MFA pages of the sign-in experience: the factor choice, binding and verifying TOTP and backup codes,
and the "turn on 2-step verification" prompt.

Logto's experience routes (``packages/experience/src/App.tsx``, ``UserMfaFlow``): ``/mfa-binding`` (the
factors to bind, ``pages/MfaBinding``), ``/mfa-binding/Totp`` (``TotpBinding``: QR code, the key,
the code), ``/mfa-binding/BackupCode`` (``BackupCodeBinding``: the ten codes, "Continue"),
``/mfa-verification`` (the user's factors, ``pages/MfaVerification``), ``/mfa-verification/Totp``,
``/mfa-verification/BackupCode``, ``/mfa-onboarding`` (``pages/MfaOnboarding``), and the email / phone
codes: ``/mfa-verification/EmailVerificationCode`` and ``…/PhoneVerificationCode`` (``containers/
MfaCodeVerification``: the code sent to the user's own address, shown masked), ``/mfa-binding/
EmailVerificationCode`` and ``…/PhoneVerificationCode`` (``VerificationCodeMfaBinding``: the address to
bind, whose code ``/continue/verification-code`` then checks before binding it). The pages are reached
as Logto's are: ``static/experience.js`` reacts to the submit's MFA errors (``hooks/use-mfa-error-handler.ts``:
``user.missing_mfa``, ``user.suggest_mfa``, ``session.mfa.require_mfa_verification``,
``session.mfa.backup_code_required``) and drives the Experience API's MFA routes (:mod:`._mfa`,
:mod:`._verification_totp`, :mod:`._verification_backup_code`); texts are
``packages/phrases-experience/src/locales/en/mfa.ts``'s.

The factor lists come from the tenant's policy (binding: its factors but backup codes, in Logto's order,
as ``user.missing_mfa``'s ``availableFactors``) and from the identified user's factors (verification, as
``require_mfa_verification``'s); each entry links to ``/<flow>/<Factor>``, so a factor whose pages live
elsewhere (WebAuthn) only needs its entry in :data:`FACTORS`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from . import _mfa, _mfa_codes, _pages, paths
from ._experience_context import Ctx
from ._mfa_config import NO_SKIP
from ._mfa_records import MfaSettings
from ._store import Interaction
from ._tenant import Tenant

BINDING, VERIFICATION = paths.MFA_BINDING[1:], paths.MFA_VERIFICATION[1:]  # the flows (UserMfaFlow)

# MfaFactorButton.tsx: each factor's name, its description when binding and when verifying.
FACTORS: dict[str, dict[str, str]] = {
    "Totp": {
        "name": "Authenticator app OTP",
        BINDING: "E.g., Google Authenticator, etc.",
        VERIFICATION: "Enter the one-time code in app",
    },
    "WebAuthn": {
        "name": "Passkey",
        BINDING: "Link your device or USB hardware",
        VERIFICATION: "Verify your device or USB hardware",
    },
    "BackupCode": {
        "name": "Backup code",
        BINDING: "Generate a backup code",
        VERIFICATION: "Paste the backup code you saved",
    },
    "EmailVerificationCode": {
        "name": "Email verification code",
        BINDING: "Link your email address",
        VERIFICATION: "Enter the code sent to your email",
    },
    "PhoneVerificationCode": {
        "name": "SMS verification code",
        BINDING: "Link your phone number",
        VERIFICATION: "Enter the code sent to your phone",
    },
}


def _settings(tenant: Tenant) -> MfaSettings:
    return tenant.config.sign_in_experience.mfa


def binding_factors(tenant: Tenant) -> list[str]:
    """``user.missing_mfa``'s ``availableFactors``: the policy's factors but backup codes, sorted."""
    return _mfa.sort_factors([f for f in _settings(tenant).factors if f != "BackupCode"])


def verification_factors(tenant: Tenant, user_id: str | None) -> list[str]:
    """``require_mfa_verification``'s ``availableFactors``: the user's factors the policy enables."""
    with tenant.store.lock:
        user = tenant.store.users.get(user_id) if user_id else None
        return list(dict.fromkeys(_mfa.user_factors(_settings(tenant), user))) if user else []


def masked_identifiers(tenant: Tenant, user_id: str | None) -> dict[str, str]:
    """``require_mfa_verification``'s ``maskedIdentifiers``: the user's email / phone, masked."""
    with tenant.store.lock:
        user = tenant.store.users.get(user_id) if user_id else None
        return _mfa_codes.masked_identifiers(list(_mfa_codes.KIND_OF), user) if user else {}


def skippable(tenant: Tenant, interaction: Interaction) -> bool:
    """``user.missing_mfa``'s ``skippable``: a policy that is not mandatory, for a user no organization of
    theirs requires MFA of (``assertUserMandatoryMfaFulfilled``)."""
    settings = _settings(tenant)
    if settings.policy in NO_SKIP:
        return False
    with tenant.store.lock:
        user = tenant.store.users.get(interaction.user_id) if interaction.user_id else None
    ctx = Ctx(tenant, interaction)
    return user is None or not _mfa._required_by_organizations(ctx, settings, user)


def _page(
    template: str, page: str, flow: str | None = None, factor: str | None = None
) -> Callable[[Request], Awaitable[Response]]:
    """An MFA page (``flow``: the factor list of that flow; ``factor``: the email / phone code factor the
    page is for); it needs an interaction, else ``/unknown-session``, as Logto's guarded routes."""

    async def handler(request: Request) -> Response:
        interaction = _pages._interaction(request)
        if interaction is None:
            return _pages._to_unknown_session(request, None)
        tenant = _pages._tenant(request)
        factors = {
            BINDING: binding_factors(tenant),
            VERIFICATION: verification_factors(tenant, interaction.user_id),
        }
        extra = {"factor": factor, "kind": _mfa_codes.KIND_OF[factor]} if factor else {}
        context = _pages._context(request, interaction, page, flow=flow, **extra)
        context.update(
            masked=masked_identifiers(tenant, interaction.user_id),
            binding=flow == BINDING,
            factors=[(f, FACTORS[f]) for f in factors[flow] if f in FACTORS] if flow else [],
            skippable=skippable(tenant, interaction),
            # SwitchMfaFactorsLink: shown when there is another factor to switch to.
            switch_binding=len(factors[BINDING]) > 1,
            switch_verification=len(factors[VERIFICATION]) > 1,
        )
        app = context["app"]
        context["links"].update(
            mfa_binding=_pages._link(paths.MFA_BINDING, app),
            mfa_verification=_pages._link(paths.MFA_VERIFICATION, app),
        )
        return _pages.render(request, template, context)

    handler.__name__ = f"{page.replace('-', '_')}{'_' + factor if factor else ''}_page"
    return handler


# One route a factor page (not /mfa-binding/{factor}): a factor's own room (WebAuthn) adds its pages.
ROUTES = [
    ("GET", paths.MFA_BINDING, _page("mfa_factors.html", BINDING, BINDING)),
    ("GET", paths.MFA_VERIFICATION, _page("mfa_factors.html", VERIFICATION, VERIFICATION)),
    ("GET", paths.MFA_BINDING + "/Totp", _page("mfa_totp_binding.html", "mfa-binding-totp")),
    ("GET", paths.MFA_BINDING + "/BackupCode", _page("mfa_backup_codes.html", "mfa-binding-backup-code")),
    ("GET", paths.MFA_VERIFICATION + "/Totp", _page("mfa_totp.html", "mfa-verification-totp")),
    (
        "GET",
        paths.MFA_VERIFICATION + "/BackupCode",
        _page("mfa_backup_code.html", "mfa-verification-backup-code"),
    ),
    ("GET", paths.MFA_ONBOARDING, _page("mfa_onboarding.html", "mfa-onboarding")),
    *[
        (
            "GET",
            paths.MFA_VERIFICATION + "/" + factor,
            _page("mfa_code.html", "mfa-verification-code", factor=factor),
        )
        for factor in _mfa_codes.KIND_OF
    ],
    *[
        (
            "GET",
            paths.MFA_BINDING + "/" + factor,
            _page("mfa_code_binding.html", "mfa-binding-code", factor=factor),
        )
        for factor in _mfa_codes.KIND_OF
    ],
]
