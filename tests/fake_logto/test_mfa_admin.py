"""The MFA administration: the sign-in experience's ``mfa`` column (``PATCH /api/sign-in-exp``, Logto's
``mfaGuard`` and ``validateMfa``), the Management API's ``/api/users/{userId}/mfa-verifications``
(``admin-user/mfa-verifications.ts``), factors seeded from the config and read through the control API."""

from __future__ import annotations

from typing import Any

import httpx
import pyotp
import pytest
from logto_support import PASSWORD_USER, auth_url, tenant_dict
from management_support import logto_error

from fake_logto import ConfigError, parse_config
from fake_logto import Settings as LogtoSettings
from fake_logto import serve_in_thread as serve_logto
from fake_mailgun import Running
from harness import Client
from harness._experience import ExperienceClient

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
CODES = [f"{i:010x}" for i in range(1, 11)]


def user_id_of(api: httpx.Client) -> str:
    user_id: str = next(
        u["id"] for u in api.get("/users").json() if u["primaryEmail"] == PASSWORD_USER["email"]
    )
    return user_id


# --- the mfa column -------------------------------------------------------------------------------------
def test_the_mfa_column_is_stored_and_answered(api: httpx.Client) -> None:
    assert api.get("/sign-in-exp").json()["mfa"] == {"factors": [], "policy": "UserControlled"}
    mfa = {
        "factors": ["Totp", "BackupCode"],
        "policy": "PromptOnlyAtSignIn",
        "organizationRequiredMfaPolicy": "Mandatory",
    }
    assert api.patch("/sign-in-exp", json={"mfa": {**mfa, "unknown": 1}}).json()["mfa"] == mfa
    assert api.get("/sign-in-exp").json()["mfa"] == mfa
    assert api.get("/.well-known/sign-in-exp").json()["mfa"] == mfa


@pytest.mark.parametrize(
    ("mfa", "status", "code", "message"),
    [
        ({"factors": ["Totp", "Totp"], "policy": "Mandatory"}, 400, "sign_in_experiences.duplicated_mfa_factors", "Duplicated MFA factors."),
        ({"factors": ["BackupCode"], "policy": "Mandatory"}, 400, "sign_in_experiences.backup_code_cannot_be_enabled_alone", "Backup code cannot be enabled alone."),
        ({"factors": ["Totp"], "policy": "PromptOnlyAtSignInMandatory"}, 422, "sign_in_experiences.non_adaptive_mfa_requires_skippable_policy", None),
        ({"factors": ["EmailVerificationCode"], "policy": "Mandatory"}, 400, "sign_in_experiences.email_verification_code_cannot_be_used_for_mfa", "Email verification code cannot be used for MFA when email verification is enabled for sign-in."),
        ({"factors": ["Sms"], "policy": "Mandatory"}, 400, "guard.invalid_input", None),
        ({"factors": ["Totp"], "policy": "Always"}, 400, "guard.invalid_input", None),
        ({"factors": ["Totp"]}, 400, "guard.invalid_input", None),
        ({"policy": "Mandatory"}, 400, "guard.invalid_input", None),
        ({"factors": [], "policy": "NoPrompt", "organizationRequiredMfaPolicy": "Sometimes"}, 400, "guard.invalid_input", None),
        (None, 400, "guard.invalid_input", None),
    ],
)  # fmt: skip
def test_a_bad_mfa_column_is_refused_as_logto_refuses_it(
    api: httpx.Client, mfa: Any, status: int, code: str, message: str | None
) -> None:
    logto_error(api.patch("/sign-in-exp", json={"mfa": mfa}), status, code, message)
    assert api.get("/sign-in-exp").json()["mfa"] == {"factors": [], "policy": "UserControlled"}


def _sign_in(email_code: bool) -> dict[str, Any]:
    method = {
        "identifier": "email",
        "password": True,
        "verificationCode": email_code,
        "isPasswordPrimary": True,
    }
    return {"methods": [method]}


def test_an_email_or_phone_factor_excludes_signing_in_by_that_code(api: httpx.Client) -> None:
    """validateMfa and validateSignIn (``libraries/sign-in-experience/mfa.ts``, ``sign-in.ts``): an address
    whose code is an MFA factor cannot sign in by code, whichever of the two the update sets."""
    phone = {"factors": ["PhoneVerificationCode"], "policy": "UserControlled"}
    assert api.patch("/sign-in-exp", json={"mfa": phone}).json()["mfa"] == phone  # no phone code sign-in
    email = {"factors": ["EmailVerificationCode", "Totp"], "policy": "Mandatory"}
    logto_error(
        api.patch("/sign-in-exp", json={"mfa": email, "signIn": _sign_in(True)}),
        400,
        "sign_in_experiences.email_verification_code_cannot_be_used_for_sign_in",
        "Email verification code cannot be used for sign-in when it is enabled for MFA.",
    )
    sign_up = {"identifiers": ["email"], "password": True, "verify": True}
    both = api.patch("/sign-in-exp", json={"mfa": email, "signIn": _sign_in(False), "signUp": sign_up})
    assert both.status_code == 200, both.text
    logto_error(
        api.patch("/sign-in-exp", json={"signIn": _sign_in(True)}),
        400,
        "sign_in_experiences.email_verification_code_cannot_be_used_for_sign_in",
    )
    assert api.get("/sign-in-exp").json()["mfa"] == email


ADAPTIVE_ONLY_POLICY = {"factors": ["Totp"], "policy": "PromptOnlyAtSignInMandatory"}


def test_adaptive_mfa_off_is_stored_and_answered(api: httpx.Client) -> None:
    """``adaptiveMfa`` ``{}`` / ``{enabled: false}`` is taken (routes/sign-in-experience/index.ts); turning
    MFA off without one resets it to ``{enabled: false}`` as Logto does."""
    assert api.get("/sign-in-exp").json()["adaptiveMfa"] == {}
    answer = api.patch("/sign-in-exp", json={"adaptiveMfa": {"enabled": False, "unknown": 1}})
    assert answer.status_code == 200
    assert answer.json()["adaptiveMfa"] == {"enabled": False}
    assert api.patch("/sign-in-exp", json={"adaptiveMfa": {}}).json()["adaptiveMfa"] == {}
    mfa = {"factors": ["Totp"], "policy": "PromptOnlyAtSignIn"}
    both = api.patch("/sign-in-exp", json={"mfa": mfa, "adaptiveMfa": {"enabled": False}}).json()
    assert (both["mfa"], both["adaptiveMfa"]) == (mfa, {"enabled": False})
    assert api.patch("/sign-in-exp", json={"adaptiveMfa": {}}).json()["adaptiveMfa"] == {}
    off = api.patch("/sign-in-exp", json={"mfa": {"factors": [], "policy": "UserControlled"}}).json()
    assert off["adaptiveMfa"] == {"enabled": False}
    assert api.get("/.well-known/sign-in-exp").json()["adaptiveMfa"] == {"enabled": False}


@pytest.mark.parametrize(
    ("body", "status", "code", "message"),
    [
        ({"adaptiveMfa": {"enabled": "yes"}}, 400, "guard.invalid_input", None),
        ({"adaptiveMfa": None}, 400, "guard.invalid_input", None),
        ({"adaptiveMfa": {"enabled": True}}, 422, "sign_in_experiences.adaptive_mfa_requires_mfa", "MFA must be enabled before enabling adaptive MFA."),
        ({"adaptiveMfa": {"enabled": True}, "mfa": {"factors": ["Totp"], "policy": "PromptOnlyAtSignIn"}}, 422, "sign_in_experiences.adaptive_mfa_requires_non_skippable_policy", None),
        ({"adaptiveMfa": {"enabled": False}, "mfa": ADAPTIVE_ONLY_POLICY}, 422, "sign_in_experiences.non_adaptive_mfa_requires_skippable_policy", None),
        ({"adaptiveMfa": {"enabled": True}, "mfa": ADAPTIVE_ONLY_POLICY}, 400, "guard.invalid_input", None),
    ],
)  # fmt: skip
def test_adaptive_mfa_on_is_refused(
    api: httpx.Client, body: dict[str, Any], status: int, code: str, message: str | None
) -> None:
    """Logto's own adaptive-MFA checks first; a valid ``enabled: true`` is the fake's refusal (its risk
    rules are not modelled): ``guard.invalid_input``, never accepted and ignored."""
    logto_error(api.patch("/sign-in-exp", json=body), status, code, message)
    row = api.get("/sign-in-exp").json()
    assert (row["adaptiveMfa"], row["mfa"]["factors"]) == ({}, [])


def test_the_mfa_column_from_the_config(mailgun: Running) -> None:
    data = tenant_dict(mailgun.url)
    data["sign_in_experience"]["mfa"] = {"factors": ["Totp"], "policy": "Mandatory"}
    assert parse_config(data).sign_in_experience.mfa.factors == ("Totp",)
    data["sign_in_experience"]["mfa"] = {"factors": ["PhoneVerificationCode"], "policy": "Mandatory"}
    assert parse_config(data).sign_in_experience.mfa.factors == ("PhoneVerificationCode",)
    for bad, where in [
        ({"factors": ["Sms"]}, "sign_in_experience.mfa.factors[0]"),
        (
            {"factors": ["EmailVerificationCode"]},  # the config's sign-in is by email code
            "sign_in_experience.mfa: Email verification code cannot be used for MFA when email",
        ),
        ({"factors": ["BackupCode"]}, "sign_in_experience.mfa: Backup code cannot be enabled alone."),
        ({"policy": "Sometimes"}, "sign_in_experience.mfa.policy"),
        ({"factors": ["Totp"], "extra": 1}, "sign_in_experience.mfa.extra"),
    ]:
        data["sign_in_experience"]["mfa"] = bad
        with pytest.raises(ConfigError, match=where.replace("[", r"\[").replace(".", r"\.")):
            parse_config(data)


# --- the Management API's user MFA verifications ----------------------------------------------------------
def test_user_mfa_verifications(api: httpx.Client) -> None:
    user_id = user_id_of(api)
    assert api.get(f"/users/{user_id}/mfa-verifications").json() == []
    body = api.post(f"/users/{user_id}/mfa-verifications", json={"type": "Totp", "secret": SECRET}).json()
    assert body["type"] == "Totp"
    assert body["secret"] == SECRET
    assert body["secretQrCode"].startswith("data:image/png;base64,")
    codes = api.post(
        f"/users/{user_id}/mfa-verifications", json={"type": "BackupCode", "codes": CODES}
    ).json()
    assert codes == {"codes": CODES, "type": "BackupCode"}
    listed = api.get(f"/users/{user_id}/mfa-verifications").json()
    assert [sorted(v) for v in listed] == [
        ["createdAt", "id", "type"],
        ["createdAt", "id", "remainCodes", "type"],
    ]
    assert listed[1]["remainCodes"] == 10
    assert listed[0]["createdAt"].endswith("Z")
    assert api.delete(f"/users/{user_id}/mfa-verifications/{listed[0]['id']}").status_code == 204
    assert [v["type"] for v in api.get(f"/users/{user_id}/mfa-verifications").json()] == ["BackupCode"]


def test_user_mfa_verification_refusals(api: httpx.Client) -> None:
    user_id = user_id_of(api)
    mfa = f"/users/{user_id}/mfa-verifications"
    logto_error(
        api.post(mfa, json={"type": "BackupCode"}),
        422,
        "session.mfa.backup_code_can_not_be_alone",
        "Backup code can not be the only MFA.",
    )
    logto_error(
        api.post(mfa, json={"type": "Totp", "secret": "too-short"}),
        422,
        "user.totp_secret_invalid",
        "Invalid TOTP secret supplied.",
    )
    api.post(mfa, json={"type": "Totp"})
    logto_error(
        api.post(mfa, json={"type": "Totp"}), 422, "user.totp_already_in_use", "TOTP is already in use."
    )
    logto_error(
        api.post(mfa, json={"type": "BackupCode", "codes": ["x"]}),
        422,
        "user.wrong_backup_code_format",
        "Backup code format is invalid.",
    )
    api.post(mfa, json={"type": "BackupCode"})
    logto_error(
        api.post(mfa, json={"type": "BackupCode"}),
        422,
        "user.backup_code_already_in_use",
        "Backup code is already in use.",
    )
    body = logto_error(api.post(mfa, json={"type": "WebAuthn"}), 400, "guard.invalid_input")
    assert body["data"]["issues"][0]["code"] == "invalid_union_discriminator"
    logto_error(api.post(mfa, json={"type": "Totp", "secret": 5}), 400, "guard.invalid_input")
    # The body is guarded before the user is looked up.
    logto_error(api.post("/users/nobody/mfa-verifications", json={"type": "Sms"}), 400, "guard.invalid_input")
    logto_error(api.post("/users/nobody/mfa-verifications", json={"type": "Totp"}), 404, "entity.not_found")
    logto_error(api.get("/users/nobody/mfa-verifications"), 404, "entity.not_found")
    logto_error(api.delete(f"{mfa}/unknown"), 404, "entity.not_found")


# --- seeded factors, the control API and the harness client ------------------------------------------------
def test_seeded_factors_sign_in_with_the_computed_code(mailgun: Running) -> None:
    data = tenant_dict(mailgun.url)
    data["users"][0]["mfa"] = {"totp_secret": SECRET, "backup_codes": CODES}
    data["sign_in_experience"]["mfa"] = {"factors": ["Totp", "BackupCode"], "policy": "Mandatory"}
    with (
        serve_logto(LogtoSettings(port=0), config=parse_config(data)) as logto,
        Client(mailgun.url, logto.endpoint) as client,
    ):
        user_id = next(
            u["id"] for u in client.logto.users.list() if u["primaryEmail"] == PASSWORD_USER["email"]
        )
        state = client.logto.user_mfa(user_id)
        assert state["totp_secret"] == SECRET
        assert [c["code"] for c in state["backup_codes"]] == CODES
        client.logto.advance_clock(90)
        code = client.logto.totp_code(user_id)
        now = client.logto.user_mfa(user_id)["now"]
        assert now >= state["now"] + 90
        assert code in {pyotp.TOTP(SECRET).at(now), pyotp.TOTP(SECRET).at(now - 30)}
        with ExperienceClient(logto.endpoint) as browser:
            browser.start(auth_url(logto))
            browser.set_event("SignIn")
            browser.identify(
                browser.verify_password("email", PASSWORD_USER["email"], PASSWORD_USER["password"])
            )
            browser.verify_totp(code)
            assert browser.submit() is not None
        response = httpx.get(f"{logto.endpoint}/__harness/users/nobody/mfa")
        assert response.status_code == 404
        assert response.json()["error"] == "not_found"


@pytest.mark.parametrize(
    ("mfa", "message"),
    [
        ({"totp_secret": "short"}, "users[0].mfa.totp_secret: must be 16 to 32 base32 characters"),
        ({"totp_secret": SECRET, "backup_codes": ["nope"]}, "users[0].mfa.backup_codes: must be ten codes"),
        ({"backup_codes": CODES}, "users[0].mfa.backup_codes: Backup code can not be the only MFA."),
        ({"totp": SECRET}, "users[0].mfa.totp: unknown setting"),
    ],
)
def test_bad_seeded_factors_are_config_errors(mailgun: Running, mfa: dict[str, Any], message: str) -> None:
    data = tenant_dict(mailgun.url)
    data["users"][0]["mfa"] = mfa
    with pytest.raises(ConfigError) as caught:
        parse_config(data)
    assert str(caught.value).startswith(message)
