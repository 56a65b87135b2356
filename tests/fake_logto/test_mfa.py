"""MFA with TOTP and backup codes over HTTP, as Logto's (``classes/mfa.ts``, ``totp-verification.ts``,
``backup-code-verification.ts``, ``profile-routes.ts``): a TOTP bound at sign-up under a mandatory policy
and asked for at the next sign-in with the code the harness client computes on the tenant clock, backup
codes used once, a user-controlled policy's skip, and every refusal with Logto's status and body."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pyotp
import pytest
from logto_support import PASSWORD_USER, auth_url
from management_support import ADMIN

from fake_logto import paths
from fake_mailgun import Running
from harness import Client
from harness._errors import APIError, ExperienceError, UsageError
from harness._experience import ExperienceClient
from harness._plugin import _user_id

TOTP_ONLY = {"factors": ["Totp"], "policy": "Mandatory"}
TOTP_AND_BACKUP = {"factors": ["Totp", "BackupCode"], "policy": "Mandatory"}


@pytest.fixture
def control(mgmt: Any, mailgun: Running) -> Iterator[Client]:
    """The harness client on the fresh tenant (its ``logto.totp_code`` is under test)."""
    with Client(mailgun.url, mgmt.endpoint, management_app=(ADMIN["id"], ADMIN["secret"])) as client:
        yield client


def set_mfa(api: httpx.Client, mfa: dict[str, Any]) -> None:
    response = api.patch("/sign-in-exp", json={"mfa": mfa})
    assert response.status_code == 200, response.text
    assert response.json()["mfa"] == mfa


def user_id_of(api: httpx.Client, email: str = PASSWORD_USER["email"]) -> str:
    user_id: str = next(u["id"] for u in api.get("/users").json() if u["primaryEmail"] == email)
    return user_id


def tenant_now(logto: Any) -> float:
    now: float = httpx.get(logto.endpoint + paths.CLOCK).json()["now"]
    return now


def refused(call: Callable[[], Any], status: int, code: str) -> dict[str, Any]:
    with pytest.raises(ExperienceError) as caught:
        call()
    error = caught.value
    assert (error.status, error.code) == (status, code), error.body
    return error.body


def sign_in(
    logto: Any, email: str = PASSWORD_USER["email"], password: str = PASSWORD_USER["password"]
) -> ExperienceClient:
    """A browser identified by email and password, not yet submitted."""
    browser = ExperienceClient(logto.endpoint)
    browser.start(auth_url(logto))
    browser.set_event("SignIn")
    browser.identify(browser.verify_password("email", email, password))
    return browser


def interaction(browser: ExperienceClient) -> dict[str, Any]:
    body: dict[str, Any] = browser.http.get(browser.endpoint + paths.EXPERIENCE_INTERACTION).json()
    return body


def bind_new_totp(browser: ExperienceClient, logto: Any) -> str:
    created = browser.totp_secret()
    assert created["secretQrCode"].startswith("data:image/png;base64,")
    code = pyotp.TOTP(created["secret"]).at(tenant_now(logto))
    browser.bind_mfa("Totp", browser.verify_totp(code, created["verificationId"]))
    secret: str = created["secret"]
    return secret


def finish(browser: ExperienceClient) -> None:
    redirect_to = browser.submit()
    assert redirect_to is not None
    assert "code=" in browser.finish(redirect_to)


def test_totp_bound_at_sign_up_under_mandatory_then_asked_at_sign_in(
    mgmt: Any, api: httpx.Client, control: Client, email: str, read_code: Callable[[str], str]
) -> None:
    set_mfa(api, TOTP_ONLY)
    with ExperienceClient(mgmt.endpoint) as browser:
        browser.start(auth_url(mgmt))
        browser.set_event("Register")
        verification_id = browser.send_code(email, "Register")
        browser.verify_code(email, verification_id, read_code(email))
        assert browser.identify(verification_id) == 201
        body = refused(browser.submit, 422, "user.missing_mfa")
        assert body == {
            "code": "user.missing_mfa",
            "message": "You need to bind additional MFA before signing-in.",
            "data": {"availableFactors": ["Totp"]},
        }
        bind_new_totp(browser, mgmt)
        assert interaction(browser)["mfa"] == {"mfaEnabled": True, "totp": {"type": "Totp"}}
        finish(browser)
    user_id = user_id_of(api, email)
    assert [f["type"] for f in api.get(f"/users/{user_id}/mfa-verifications").json()] == ["Totp"]

    control.logto.advance_clock(3600)  # the computed code follows the tenant clock, not the wall clock
    with ExperienceClient(mgmt.endpoint) as browser:
        browser.start(auth_url(mgmt))
        browser.set_event("SignIn")
        sent = browser.send_code(email, "SignIn")
        browser.identify(browser.verify_code(email, sent, read_code(email)))
        body = refused(browser.submit, 403, "session.mfa.require_mfa_verification")
        assert body["message"] == "Mfa verification is required to sign in."
        assert body["data"] == {"availableFactors": ["Totp"], "maskedIdentifiers": {}}
        refused(
            lambda: browser.add_profile(type="username", value="later"),
            403,
            "session.mfa.require_mfa_verification",
        )
        code = control.logto.totp_code(user_id)
        browser.verify_totp(code)
        finish(browser)
    with ExperienceClient(mgmt.endpoint) as browser:  # the same code again: its time step is used up
        browser.start(auth_url(mgmt))
        browser.set_event("SignIn")
        sent = browser.send_code(email, "SignIn")
        browser.identify(browser.verify_code(email, sent, read_code(email)))
        refused(lambda: browser.verify_totp(code), 400, "session.mfa.invalid_totp_code")


def test_backup_code_used_once_and_refused_twice(mgmt: Any, api: httpx.Client, control: Client) -> None:
    set_mfa(api, TOTP_AND_BACKUP)
    user_id = user_id_of(api)
    assert api.post(f"/users/{user_id}/mfa-verifications", json={"type": "Totp"}).status_code == 200
    codes = api.post(f"/users/{user_id}/mfa-verifications", json={"type": "BackupCode"}).json()["codes"]
    assert len(codes) == 10
    assert all(len(c) == 10 and set(c) <= set("0123456789abcdef") for c in codes)
    with sign_in(mgmt) as browser:
        browser.verify_backup_code(codes[0])
        finish(browser)
    used = control.logto.user_mfa(user_id)["backup_codes"]
    assert used[0]["code"] == codes[0]
    assert used[0]["usedAt"].endswith("Z")
    assert "usedAt" not in used[1]
    listed = api.get(f"/users/{user_id}/mfa-verifications").json()
    assert [(f["type"], f.get("remainCodes")) for f in listed] == [("Totp", None), ("BackupCode", 9)]
    for _attempt in range(2):
        with sign_in(mgmt) as browser:
            used_code = functools.partial(browser.verify_backup_code, codes[0])
            body = refused(used_code, 400, "session.mfa.invalid_backup_code")
            assert body["message"] == "Invalid backup code."
            refused(browser.submit, 403, "session.mfa.require_mfa_verification")


def test_backup_codes_bound_with_totp_under_mandatory(mgmt: Any, api: httpx.Client) -> None:
    set_mfa(api, TOTP_AND_BACKUP)
    with sign_in(mgmt) as browser:
        refused(browser.submit, 422, "user.missing_mfa")
        bind_new_totp(browser, mgmt)
        refused(browser.submit, 422, "session.mfa.backup_code_required")
        generated = browser.generate_backup_codes()
        browser.bind_mfa("BackupCode", generated["verificationId"])
        finish(browser)
    listed = api.get(f"/users/{user_id_of(api)}/mfa-verifications").json()
    assert [(f["type"], f.get("remainCodes")) for f in listed] == [("Totp", None), ("BackupCode", 10)]


def test_user_controlled_policy_is_skippable(mgmt: Any, api: httpx.Client) -> None:
    set_mfa(api, {"factors": ["Totp"], "policy": "PromptAtSignInAndSignUp"})
    with sign_in(mgmt) as browser:
        body = refused(browser.submit, 422, "user.suggest_mfa")
        assert body["message"] == "For better account security, we recommend binding MFA to your account."
        browser.skip_mfa()
        assert interaction(browser)["mfa"] == {"mfaSkipped": True}
        finish(browser)
    with sign_in(mgmt) as browser:  # skipped once: not asked again
        finish(browser)
    set_mfa(api, TOTP_ONLY)  # a mandatory policy ignores the skip
    with sign_in(mgmt) as browser:
        assert refused(browser.submit, 422, "user.missing_mfa")["data"] == {"availableFactors": ["Totp"]}
        body = refused(browser.skip_mfa, 422, "session.mfa.mfa_policy_not_user_controlled")
        assert body["message"] == "MFA policy is not user controlled."


def test_missing_mfa_is_skippable_under_a_prompting_policy(mgmt: Any, api: httpx.Client) -> None:
    set_mfa(api, {"factors": ["Totp"], "policy": "PromptOnlyAtSignIn"})
    user_id = user_id_of(api)
    with sign_in(mgmt) as browser:  # a legacy user (no mfa.enabled): asked to bind
        refused(browser.submit, 422, "user.suggest_mfa")
    set_mfa(api, {"factors": ["Totp"], "policy": "NoPrompt"})
    with sign_in(mgmt) as browser:
        finish(browser)
    assert api.get(f"/users/{user_id}/mfa-verifications").json() == []


def test_negative_cases(mgmt: Any, api: httpx.Client) -> None:
    with ExperienceClient(mgmt.endpoint) as browser:
        browser.start(auth_url(mgmt))
        browser.set_event("SignIn")
        refused(browser.totp_secret, 404, "session.identifier_not_found")
        refused(browser.generate_backup_codes, 404, "session.identifier_not_found")
        refused(lambda: browser.verify_totp("123456"), 404, "session.identifier_not_found")
        refused(lambda: browser.bind_mfa("Totp", "nope"), 404, "session.identifier_not_found")
    with sign_in(mgmt) as browser:  # no factor enabled: binding is refused
        created = browser.totp_secret()
        wrong = "000000" if pyotp.TOTP(created["secret"]).at(tenant_now(mgmt)) != "000000" else "111111"
        body = refused(
            lambda: browser.verify_totp(wrong, created["verificationId"]),
            400,
            "session.mfa.invalid_totp_code",
        )
        assert body["message"] == "Invalid TOTP code."
        refused(
            lambda: browser.bind_mfa("Totp", created["verificationId"]), 400, "session.verification_failed"
        )
        code = pyotp.TOTP(created["secret"]).at(tenant_now(mgmt))
        verified = browser.verify_totp(code, created["verificationId"])
        refused(lambda: browser.bind_mfa("Totp", verified), 400, "session.mfa.mfa_factor_not_enabled")
        refused(lambda: browser.bind_mfa("Totp", "unknown"), 404, "session.verification_session_not_found")
        # Unbound factors: the user has no TOTP and no backup codes.
        refused(lambda: browser.verify_totp("123456"), 400, "session.mfa.invalid_totp_code")
        refused(lambda: browser.verify_backup_code("0123456789"), 400, "session.mfa.invalid_backup_code")
        refused(lambda: browser.verify_totp(""), 400, "guard.invalid_input")
        refused(lambda: browser.bind_mfa("Sms", verified), 400, "guard.invalid_input")
    set_mfa(api, TOTP_AND_BACKUP)
    with sign_in(mgmt) as browser:
        generated = browser.generate_backup_codes()
        body = refused(
            lambda: browser.bind_mfa("BackupCode", generated["verificationId"]),
            422,
            "session.mfa.backup_code_can_not_be_alone",
        )
        assert body["message"] == "Backup code can not be the only MFA."
        bind_new_totp(browser, mgmt)
        refused(
            lambda: browser.bind_mfa("BackupCode", "invalid"), 404, "session.verification_session_not_found"
        )
    with ExperienceClient(mgmt.endpoint) as browser:
        browser.start(auth_url(mgmt))
        browser.set_event("ForgotPassword")
        refused(browser.skip_mfa, 400, "session.not_supported_for_forgot_password")
        refused(lambda: browser.bind_mfa("Totp", "x"), 400, "session.not_supported_for_forgot_password")


def test_a_bound_totp_cannot_be_bound_again(mgmt: Any, api: httpx.Client) -> None:
    set_mfa(api, TOTP_AND_BACKUP)
    user_id = user_id_of(api)
    api.post(f"/users/{user_id}/mfa-verifications", json={"type": "Totp"})
    codes = api.post(f"/users/{user_id}/mfa-verifications", json={"type": "BackupCode"}).json()["codes"]
    with sign_in(mgmt) as browser:
        generated = browser.generate_backup_codes()  # not MFA-verified yet: binding is refused
        refused(
            lambda: browser.bind_mfa("BackupCode", generated["verificationId"]),
            403,
            "session.mfa.require_mfa_verification",
        )
        browser.verify_backup_code(codes[0])
        created = browser.totp_secret()
        code = pyotp.TOTP(created["secret"]).at(tenant_now(mgmt))
        verified = browser.verify_totp(code, created["verificationId"])
        refused(lambda: browser.bind_mfa("Totp", verified), 422, "user.totp_already_in_use")


def test_the_code_of_a_secret_being_bound_and_of_a_user_found_by_email(
    mgmt: Any, api: httpx.Client, control: Client
) -> None:
    """What the binding page's QR code holds is readable before it is bound (``pending_totp_secret``), so
    ``totp_code`` answers for the binding page too; the plugin's ``totp_code`` takes an email address."""
    set_mfa(api, TOTP_ONLY)
    user_id = user_id_of(api)
    with pytest.raises(APIError, match="no TOTP is bound to this user, nor being bound"):
        control.logto.totp_code(user_id)
    with sign_in(mgmt) as browser:
        created = browser.totp_secret()
        mfa = control.logto.user_mfa(user_id)
        assert (mfa["totp_secret"], mfa["pending_totp_secret"]) == (None, created["secret"])
        assert _user_id(control.logto, PASSWORD_USER["email"].upper()) == user_id
        code = control.logto.totp_code(_user_id(control.logto, PASSWORD_USER["email"]))
        browser.bind_mfa("Totp", browser.verify_totp(code, created["verificationId"]))
        finish(browser)
    assert control.logto.user_mfa(user_id)["totp_secret"] == created["secret"]
    assert _user_id(control.logto, user_id) == user_id
    with pytest.raises(UsageError, match=re.escape("no user has the email address 'nobody@example.test'")):
        _user_id(control.logto, "nobody@example.test")
