"""``GET /api/.well-known/sign-in-exp``: Logto's full sign-in experience (``fullSignInExperienceGuard`` in
``packages/schemas/src/types/sign-in-experience.ts``), filled from the tenant the sign-in pages render."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from ui_support import tenant_dict

from fake_logto import Running as LogtoRunning
from fake_logto import Settings as LogtoSettings
from fake_logto import parse_config
from fake_logto import serve_in_thread as serve_logto
from fake_mailgun import Running

# The guard's keys: the sign_in_experiences columns (packages/schemas/tables/sign_in_experiences.sql) but
# emailBlocklistPolicy, forgotPasswordMethods and trustedDevice, plus what getFullSignInExperience adds.
# googleOneTap and captchaConfig are undefined without a Google connector or a captcha: absent from the JSON.
LOGTO_KEYS = {
    "tenantId", "id", "color", "branding", "hideLogtoBranding", "languageInfo", "termsOfUseUrl",
    "privacyPolicyUrl", "agreeToTermsPolicy", "signIn", "signUp", "socialSignIn",
    "socialSignInConnectorTargets", "signInMode", "customCss", "customContent", "customUiAssets",
    "customUiCsp", "passwordPolicy", "mfa", "adaptiveMfa", "singleSignOnEnabled", "supportEmail",
    "supportWebsiteUrl", "unknownSessionRedirectUrl", "captchaPolicy", "sentinelPolicy",
    "verificationCodePolicy", "passkeySignIn", "signUpProfileFields", "passwordExpiration", "usernamePolicy",
    "socialConnectors", "ssoConnectors", "forgotPassword", "isDevelopmentTenant", "customProfileFields",
    "customProfileFieldCatalog",
}  # fmt: skip


def test_the_body_has_exactly_logtos_keys_filled_from_the_config(logto: LogtoRunning) -> None:
    response = httpx.get(f"{logto.endpoint}/api/.well-known/sign-in-exp")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == LOGTO_KEYS
    assert body["signUp"] == {"identifiers": ["email"], "password": False, "verify": True}
    assert body["signIn"]["methods"] == [
        {"identifier": "email", "password": True, "verificationCode": True, "isPasswordPrimary": True},
        {"identifier": "username", "password": True, "verificationCode": False, "isPasswordPrimary": True},
    ]
    assert body["signInMode"] == "SignInAndRegister"
    assert body["forgotPassword"] == {"phone": False, "email": True}
    assert (body["id"], body["tenantId"], body["isDevelopmentTenant"]) == ("default", "default", False)
    assert body["mfa"] == {"factors": [], "policy": "UserControlled"}
    assert body["socialConnectors"] == body["ssoConnectors"] == []
    assert body["verificationCodePolicy"] == {}  # Logto's defaults hold: nothing stored
    assert body["usernamePolicy"]["allowedChars"]["underscore"] is True


@pytest.fixture(scope="module")
def closed_tenant(mailgun: Running) -> Iterator[LogtoRunning]:
    """Registration off, sign-in by email code only, no forgotten passwords, a stricter code policy."""
    config = tenant_dict(
        mailgun.url,
        sign_up={"identifiers": ["email"], "verify": True, "enabled": False},
        sign_in=[{"identifier": "email", "verification_code": True, "password": False}],
        forgot_password={"email": False},
    )
    config["code_policy"] = {"expiry": 300, "max_attempts": 3}
    with serve_logto(LogtoSettings(port=0), config=parse_config(config)) as running:
        yield running


def test_registration_and_forgot_password_off_show_as_logto_shows_them(closed_tenant: LogtoRunning) -> None:
    body = httpx.get(f"{closed_tenant.endpoint}/api/.well-known/sign-in-exp").json()
    assert set(body) == LOGTO_KEYS
    assert body["signInMode"] == "SignIn"
    assert body["forgotPassword"] == {"phone": False, "email": False}
    assert body["signIn"]["methods"] == [
        {"identifier": "email", "password": False, "verificationCode": True, "isPasswordPrimary": False}
    ]
    assert body["verificationCodePolicy"] == {"expirationDuration": 300, "maxRetryAttempts": 3}
