"""Passkeys (WebAuthn) as an MFA factor over HTTP, as Logto's (``web-authn-verification.ts``,
``classes/verifications/web-authn-verification.ts``, ``libraries/verification-helpers/webauthn.ts``,
``classes/mfa.ts``): a passkey registered at sign-up under a mandatory policy and asserted at the next
sign-in by a software authenticator (:mod:`webauthn_support`), its counter kept, the Management API's list
and delete, and each refusal with Logto's status and body."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import httpx
import pytest
from logto_support import PASSWORD_USER, auth_url
from test_mfa import finish, interaction, refused, set_mfa, sign_in, user_id_of
from webauthn_support import SoftPasskey, unb64url

from harness._experience import ExperienceClient

WEBAUTHN_ONLY = {"factors": ["WebAuthn"], "policy": "Mandatory"}
FAILED = {"code": "session.mfa.webauthn_verification_failed", "message": "WebAuthn verification failed."}


def bind_passkey(browser: ExperienceClient, passkey: SoftPasskey) -> str:
    created = browser.webauthn_registration()
    options = created["registrationOptions"]
    verification_id = browser.verify_webauthn_registration(created["verificationId"], passkey.create(options))
    browser.bind_mfa("WebAuthn", verification_id)
    return verification_id


def signed_in_with_passkey(logto: Any, passkey: SoftPasskey) -> ExperienceClient:
    """The password user signed in, its passkey asked for (403) then asserted; not yet submitted."""
    browser = sign_in(logto)
    body = refused(browser.submit, 403, "session.mfa.require_mfa_verification")
    assert body["data"] == {"availableFactors": ["WebAuthn"], "maskedIdentifiers": {}}
    return browser


def with_passkey(logto: Any, api: httpx.Client) -> SoftPasskey:
    """The password user, a passkey bound to them at a sign-in under the WebAuthn-only policy."""
    set_mfa(api, WEBAUTHN_ONLY)
    passkey = SoftPasskey(origin=logto.endpoint)
    with sign_in(logto) as browser:
        refused(browser.submit, 422, "user.missing_mfa")
        bind_passkey(browser, passkey)
        finish(browser)
    return passkey


def test_passkey_bound_at_sign_up_then_asserted_at_sign_in(
    mgmt: Any, api: httpx.Client, email: str, read_code: Callable[[str], str]
) -> None:
    set_mfa(api, WEBAUTHN_ONLY)
    passkey = SoftPasskey(origin=mgmt.endpoint)
    with ExperienceClient(mgmt.endpoint) as browser:
        browser.start(auth_url(mgmt))
        browser.set_event("Register")
        verification_id = browser.send_code(email, "Register")
        browser.verify_code(email, verification_id, read_code(email))
        assert browser.identify(verification_id) == 201
        body = refused(browser.submit, 422, "user.missing_mfa")
        assert body["data"] == {"availableFactors": ["WebAuthn"]}
        created = browser.webauthn_registration()
        options = created["registrationOptions"]
        assert options["rp"] == {"name": "localhost", "id": "localhost"}
        assert options["user"]["name"] == options["user"]["displayName"] == email
        assert unb64url(options["user"]["id"]).decode() == interaction(browser)["userId"]
        assert len(unb64url(options["challenge"])) == 32
        assert options["authenticatorSelection"] == {
            "residentKey": "required",
            "requireResidentKey": True,
            "userVerification": "required",
        }
        assert [p["alg"] for p in options["pubKeyCredParams"]] == [-7, -257]
        assert (options["timeout"], options["attestation"], options["excludeCredentials"]) == (
            60000,
            "none",
            [],
        )
        verified = browser.verify_webauthn_registration(created["verificationId"], passkey.create(options))
        assert verified == created["verificationId"]
        browser.bind_mfa("WebAuthn", verified)
        bound = interaction(browser)["mfa"]["webAuthn"]
        assert [(b["type"], b["rpId"], b["credentialId"], b["counter"], b["transports"]) for b in bound] == [
            ("WebAuthn", "localhost", passkey.id, 0, ["internal"])
        ]
        assert bound[0]["agent"].startswith("python-httpx/")
        finish(browser)
    user_id = user_id_of(api, email)
    listed = api.get(f"/users/{user_id}/mfa-verifications").json()
    assert [(f["type"], sorted(f)) for f in listed] == [("WebAuthn", ["agent", "createdAt", "id", "type"])]

    with ExperienceClient(mgmt.endpoint) as browser:
        browser.start(auth_url(mgmt))
        browser.set_event("SignIn")
        sent = browser.send_code(email, "SignIn")
        browser.identify(browser.verify_code(email, sent, read_code(email)))
        body = refused(browser.submit, 403, "session.mfa.require_mfa_verification")
        assert body["data"] == {"availableFactors": ["WebAuthn"], "maskedIdentifiers": {}}
        created = browser.webauthn_authentication()
        options = created["authenticationOptions"]
        assert options["rpId"] == "localhost"
        assert options["userVerification"] == "required"
        assert options["allowCredentials"] == [
            {"type": "public-key", "id": passkey.id, "transports": ["internal"]}
        ]
        browser.verify_webauthn_authentication(created["verificationId"], passkey.get(options))
        finish(browser)
    listed = api.get(f"/users/{user_id}/mfa-verifications").json()
    assert "lastUsedAt" in listed[0]


def test_the_counter_is_kept_and_a_replayed_count_refused(mgmt: Any, api: httpx.Client) -> None:
    passkey = with_passkey(mgmt, api)
    with signed_in_with_passkey(mgmt, passkey) as browser:
        created = browser.webauthn_authentication()
        options = created["authenticationOptions"]
        browser.verify_webauthn_authentication(created["verificationId"], passkey.get(options, counter=7))
        finish(browser)
    with signed_in_with_passkey(mgmt, passkey) as browser:
        created = browser.webauthn_authentication()
        stale = passkey.get(created["authenticationOptions"], counter=7)  # not above the stored 7
        call = partial(browser.verify_webauthn_authentication, created["verificationId"], stale)
        assert refused(call, 400, FAILED["code"]) == FAILED
        browser.verify_webauthn_authentication(
            created["verificationId"], passkey.get(created["authenticationOptions"], counter=8)
        )
        finish(browser)


@pytest.mark.parametrize(
    "spoil",
    [
        {"tamper": True},  # a bad signature
        {"challenge": "d3Jvbmc"},  # another challenge
        {"origin": "http://localhost:1"},  # another origin
        {"rp_id": "example.com"},  # another relying party
    ],
)
def test_a_spoiled_assertion_is_refused(mgmt: Any, api: httpx.Client, spoil: dict[str, Any]) -> None:
    passkey = with_passkey(mgmt, api)
    with signed_in_with_passkey(mgmt, passkey) as browser:
        created = browser.webauthn_authentication()
        payload = passkey.get(created["authenticationOptions"], **spoil)
        call = partial(browser.verify_webauthn_authentication, created["verificationId"], payload)
        assert refused(call, 400, FAILED["code"]) == FAILED
        refused(browser.submit, 403, "session.mfa.require_mfa_verification")  # still not verified


def test_an_unknown_credential_is_refused(mgmt: Any, api: httpx.Client) -> None:
    passkey = with_passkey(mgmt, api)
    with signed_in_with_passkey(mgmt, passkey) as browser:
        created = browser.webauthn_authentication()
        stranger = SoftPasskey(origin=mgmt.endpoint).get(created["authenticationOptions"])
        call = partial(browser.verify_webauthn_authentication, created["verificationId"], stranger)
        assert refused(call, 400, FAILED["code"]) == FAILED


def test_a_spoiled_registration_is_refused_with_the_reason(mgmt: Any, api: httpx.Client) -> None:
    set_mfa(api, WEBAUTHN_ONLY)
    passkey = SoftPasskey(origin=mgmt.endpoint)
    with sign_in(mgmt) as browser:
        created = browser.webauthn_registration()
        options = created["registrationOptions"]
        for spoiled in (
            passkey.create(options, challenge="d3Jvbmc"),
            passkey.create(options, origin="http://evil.test"),
            passkey.create(options, flags=0x01),  # present, not verified: user verification is required
        ):
            call = partial(browser.verify_webauthn_registration, created["verificationId"], spoiled)
            body = refused(call, 400, FAILED["code"])
            assert (body["message"], type(body["data"]["message"])) == (FAILED["message"], str)
        # Not verified: binding it is refused as Logto's toBindMfa refuses it.
        bind = partial(browser.bind_mfa, "WebAuthn", created["verificationId"])
        assert refused(bind, 400, "session.verification_failed")["message"]


def test_refusals_before_the_ceremony(mgmt: Any, api: httpx.Client) -> None:
    set_mfa(api, WEBAUTHN_ONLY)
    passkey = SoftPasskey(origin=mgmt.endpoint)
    with ExperienceClient(mgmt.endpoint) as browser:  # nobody identified yet
        browser.start(auth_url(mgmt))
        browser.set_event("SignIn")
        refused(browser.webauthn_registration, 404, "session.identifier_not_found")
        refused(browser.webauthn_authentication, 404, "session.identifier_not_found")
    with sign_in(mgmt) as browser:
        body = refused(browser.webauthn_authentication, 400, "session.mfa.webauthn_verification_not_found")
        assert body["message"] == "WebAuthn verification not found."
        payload = passkey.create({"rp": {"id": "localhost"}, "challenge": "eA"})
        unknown = partial(browser.verify_webauthn_registration, "nope", payload)
        refused(unknown, 404, "session.verification_session_not_found")
        bind = partial(browser.bind_mfa, "WebAuthn", "nope")
        refused(bind, 404, "session.verification_session_not_found")
        created = browser.webauthn_registration()
        # A registration record has no authentication challenge.
        assertion = passkey.get({"rpId": "localhost", "challenge": "eA"})
        pending = partial(browser.verify_webauthn_authentication, created["verificationId"], assertion)
        refused(pending, 400, "session.mfa.pending_info_not_found")
        # The payload is guarded (zod): type must be the literal "WebAuthn".
        bad = {**payload, "type": "public-key"}
        guarded = partial(browser.verify_webauthn_registration, created["verificationId"], bad)
        issue = refused(guarded, 400, "guard.invalid_input")["data"]["issues"][0]
        assert (issue["code"], issue["path"], issue["expected"]) == (
            "invalid_literal",
            ["payload", "type"],
            "WebAuthn",
        )
        no_extensions = {k: v for k, v in payload.items() if k != "clientExtensionResults"}
        guarded = partial(browser.verify_webauthn_registration, created["verificationId"], no_extensions)
        issue = refused(guarded, 400, "guard.invalid_input")["data"]["issues"][0]
        assert issue["path"] == ["payload", "clientExtensionResults"]


def test_binding_needs_the_factor_enabled(mgmt: Any, api: httpx.Client) -> None:
    set_mfa(api, {"factors": ["Totp"], "policy": "UserControlled"})
    passkey = SoftPasskey(origin=mgmt.endpoint)
    with sign_in(mgmt) as browser:
        created = browser.webauthn_registration()
        verified = browser.verify_webauthn_registration(
            created["verificationId"], passkey.create(created["registrationOptions"])
        )
        bind = partial(browser.bind_mfa, "WebAuthn", verified)
        assert (
            refused(bind, 400, "session.mfa.mfa_factor_not_enabled")["message"]
            == "MFA factor is not enabled."
        )


def test_a_bound_passkey_is_excluded_listed_and_deleted(mgmt: Any, api: httpx.Client) -> None:
    passkey = with_passkey(mgmt, api)
    user_id = user_id_of(api, PASSWORD_USER["email"])
    with signed_in_with_passkey(mgmt, passkey) as browser:
        options = browser.webauthn_registration()["registrationOptions"]
        assert options["excludeCredentials"] == [
            {"type": "public-key", "id": passkey.id, "transports": ["internal"]}
        ]
    listed = api.get(f"/users/{user_id}/mfa-verifications").json()
    assert [f["type"] for f in listed] == ["WebAuthn"]
    assert api.delete(f"/users/{user_id}/mfa-verifications/{listed[0]['id']}").status_code == 204
    assert api.get(f"/users/{user_id}/mfa-verifications").json() == []
    with sign_in(mgmt) as browser:  # no factor left: the mandatory policy asks for one again
        refused(browser.submit, 422, "user.missing_mfa")


def test_records_of_the_other_ceremony_are_refused(mgmt: Any, api: httpx.Client) -> None:
    passkey = with_passkey(mgmt, api)
    with signed_in_with_passkey(mgmt, passkey) as browser:
        missing = partial(
            browser.verify_webauthn_authentication,
            "nope",
            passkey.get({"rpId": "localhost", "challenge": "eA"}),
        )
        refused(missing, 404, "session.verification_session_not_found")
        created = browser.webauthn_authentication()
        # An authentication record has no registration challenge to check an answer against.
        registration = passkey.create(
            {"rp": {"id": "localhost"}, "challenge": created["authenticationOptions"]["challenge"]}
        )
        call = partial(browser.verify_webauthn_registration, created["verificationId"], registration)
        body = refused(call, 400, "session.mfa.pending_info_not_found")
        assert body["message"] == "Pending MFA info not found, please initiate MFA first."
        verified = browser.verify_webauthn_authentication(
            created["verificationId"], passkey.get(created["authenticationOptions"])
        )
        # ... nor a passkey to bind, though verified.
        bind = partial(browser.bind_mfa, "WebAuthn", verified)
        refused(bind, 400, "session.mfa.pending_info_not_found")
