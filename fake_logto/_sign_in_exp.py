"""``GET /api/.well-known/sign-in-exp``: the tenant's sign-in experience in Logto's full shape.

Logto answers ``getFullSignInExperience`` (``packages/core/src/libraries/sign-in-experience/index.ts``)
through ``koaGuard`` with ``fullSignInExperienceGuard`` (``packages/schemas/src/types/sign-in-experience.ts``):
every column of the ``sign_in_experiences`` row (``packages/schemas/tables/sign_in_experiences.sql``) but
``emailBlocklistPolicy``, ``forgotPasswordMethods`` and ``trustedDevice`` (the last only with dev features on),
then ``socialConnectors``, ``ssoConnectors``, ``forgotPassword``, ``isDevelopmentTenant``,
``customProfileFields`` and ``customProfileFieldCatalog``. ``googleOneTap`` and ``captchaConfig`` are
undefined (so absent) without a Google connector or an enabled captcha, as here.

What the tenant config says (sign-up, sign-in methods, registration, forgot password, the code policy)
fills its fields; everything else is the value a fresh tenant's row holds — the column defaults of the
table and ``createDefaultSignInExperience`` (``packages/schemas/src/seeds/sign-in-experience.ts``).
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import _sentinel
from ._config import CodePolicy, SignInExperience, TenantConfig
from ._sso_registry import PROVIDERS
from ._tenant import Tenant

# Logto's seed: ``defaultPrimaryColor`` and core-kit's ``generateDarkColor`` of it (10 points lighter).
COLOR = {"primaryColor": "#6139F6", "isDarkModeEnabled": False, "darkPrimaryColor": "#8768F8"}


def _sign_up(exp: SignInExperience) -> dict[str, Any]:
    """The ``sign_up`` column; ``secondaryIdentifiers`` only once a PATCH gave it (``verify`` likewise)."""
    body: dict[str, Any] = {
        "identifiers": list(exp.sign_up_identifiers),
        "password": exp.sign_up_password,
        "verify": exp.sign_up_verify,
    }
    if exp.sign_up_secondary is not None:
        body["secondaryIdentifiers"] = [
            {"identifier": i} if verify is None else {"identifier": i, "verify": verify}
            for i, verify in exp.sign_up_secondary
        ]
    return body


# ``defaultVerificationCodePolicy`` (core's ``libraries/passcode.ts``): what an empty policy means.
DEFAULT_CODE_POLICY = CodePolicy()
# OSS's tenant and the row's id.
TENANT_ID = "default"
ROW_ID = "default"


def _code_policy(policy: CodePolicy) -> dict[str, int]:
    """The stored ``verificationCodePolicy``: empty while the defaults hold, as on a fresh tenant."""
    if (policy.expiry, policy.max_attempts) == (DEFAULT_CODE_POLICY.expiry, DEFAULT_CODE_POLICY.max_attempts):
        return {}
    return {"expirationDuration": policy.expiry, "maxRetryAttempts": policy.max_attempts}


def full_sign_in_experience(config: TenantConfig) -> dict[str, Any]:
    """The body of ``GET /api/.well-known/sign-in-exp`` for ``config``: the keys of
    ``fullSignInExperienceGuard``, in the table's column order."""
    exp = config.sign_in_experience
    return {
        "tenantId": TENANT_ID,
        "id": ROW_ID,
        "color": dict(COLOR),
        "branding": {},
        "hideLogtoBranding": False,
        "languageInfo": {"autoDetect": True, "fallbackLanguage": "en"},
        "termsOfUseUrl": None,
        "privacyPolicyUrl": None,
        "agreeToTermsPolicy": "Automatic",
        "signIn": {
            "methods": [
                {
                    "identifier": m.identifier,
                    "password": m.password,
                    "verificationCode": m.verification_code,
                    # The pages put the password first whenever a method has one (isPasswordPrimary).
                    "isPasswordPrimary": m.password,
                }
                for m in exp.sign_in_methods
            ]
        },
        "signUp": _sign_up(exp),
        "socialSignIn": dict(exp.social_sign_in),
        "socialSignInConnectorTargets": list(exp.social_targets),
        "signInMode": "SignInAndRegister" if exp.registration_enabled else "SignIn",
        "customCss": None,
        "customContent": {},
        "customUiAssets": None,
        "customUiCsp": {},
        "passwordPolicy": deepcopy(exp.password_policy),
        "mfa": exp.mfa.to_json(),
        "adaptiveMfa": dict(exp.adaptive_mfa),
        "singleSignOnEnabled": exp.single_sign_on,
        "supportEmail": None,
        "supportWebsiteUrl": None,
        "unknownSessionRedirectUrl": None,
        "captchaPolicy": {},
        "sentinelPolicy": _sentinel.as_json(exp.sentinel_policy),
        "verificationCodePolicy": _code_policy(config.code_policy),
        "passkeySignIn": {},
        "signUpProfileFields": None,
        "passwordExpiration": deepcopy(exp.password_expiration),
        "usernamePolicy": deepcopy(exp.username_policy),
        "socialConnectors": [],
        "ssoConnectors": [],
        # ``getForgotPasswordAvailability``: a method needs its connector (no SMS connector here).
        "forgotPassword": {
            "phone": False,
            "email": exp.forgot_password_email and config.connector is not None,
        },
        "isDevelopmentTenant": False,
        "customProfileFields": [],
        "customProfileFieldCatalog": [],
    }


# Every key of the body, for the OpenAPI document.
KEYS = tuple(full_sign_in_experience(TenantConfig()))


async def sign_in_experience(request: Request) -> Response:
    """``GET /api/.well-known/sign-in-exp`` (``packages/core/src/routes/well-known/index.ts``)."""
    tenant: Tenant = request.app.state.tenant
    body = full_sign_in_experience(tenant.config)
    body["socialConnectors"] = social_connectors(tenant)
    body["ssoConnectors"] = sso_connectors(tenant) if tenant.config.sign_in_experience.single_sign_on else []
    return JSONResponse(body)


def sso_connectors(tenant: Tenant) -> list[dict[str, Any]]:
    """``getActiveSsoConnectors``: the available SSO connectors as ``SsoConnectorMetadata`` (the branding's
    name and logos, else the provider's)."""
    found = []
    for connector in tenant.sso.ordered():
        if connector.available:
            detail = PROVIDERS[connector.provider_name].detail()
            branding = connector.branding
            found.append(
                {
                    "id": connector.id,
                    "connectorName": branding.get("displayName", detail["name"]),
                    "logo": branding.get("logo", detail["logo"]),
                    "darkLogo": branding.get("darkLogo", detail["logoDark"]),
                }
            )
    return found


# ``ExperienceSocialConnector``: the metadata without these keys (zod strips them from the response).
_HIDDEN = ("description", "configTemplate", "formItems", "readme", "customData")


def social_connectors(tenant: Tenant) -> list[dict[str, Any]]:
    """``getFullSignInExperience``: per target of ``socialSignInConnectorTargets``, in that order, the social
    connectors of the target (their metadata, the row's over the factory's, and row id)."""
    rows = tenant.connectors.social()
    return [
        {**{k: v for k, v in tenant.connectors.metadata(row).items() if k not in _HIDDEN}, "id": row.id}
        for target in tenant.config.sign_in_experience.social_targets
        for row in rows
        if row.factory_metadata["target"] == target
    ]
