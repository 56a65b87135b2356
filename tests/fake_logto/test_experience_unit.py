"""Experience API logic, in-process: fake_logto's app under TestClient, its Mailgun connector sending to a
real fake_mailgun (real sockets), codes read back from the mailbox as a test would.

These are unit tests of the rooms ``_experience``, ``_codes`` and ``_control``; the browser and SDK flows
that back compatibility claims run fake_logto on real sockets elsewhere. Interactions are created directly
in the store (what ``/oidc/auth`` does) and bound with the ``_interaction`` cookie.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import httpx
import pytest
from fastapi.testclient import TestClient

import fake_mailgun
from fake_logto import default_mailgun_config, parse_config
from fake_logto._app import create_app, create_tenant
from fake_logto._codes import email_locale, message_payload
from fake_logto._cookies import sign
from fake_logto._settings import Settings
from fake_logto._store import Interaction, new_id
from fake_logto._tenant import Tenant
from fake_logto.paths import INTERACTION_COOKIE

ENDPOINT = "http://logto.test"
EXP = "/api/experience"
PASSWORD = "first-password-1"


@pytest.fixture(scope="module")
def mg() -> Iterator[fake_mailgun.Running]:
    """This module's own fake_mailgun, so its injected faults reach no other test module."""
    with fake_mailgun.serve_in_thread() as running:
        yield running


@pytest.fixture
def mailbox(mg: fake_mailgun.Running) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=mg.url, timeout=30) as client:
        yield client


class Reply(Protocol):
    """What the TestClient answers (an httpx-like response)."""

    @property
    def status_code(self) -> int: ...
    @property
    def text(self) -> str: ...
    @property
    def content(self) -> bytes: ...
    def json(self) -> Any: ...


def unique_address() -> str:
    return f"exp-{uuid.uuid4().hex[:12]}@example.test"


@dataclass
class Logto:
    """One tenant under TestClient, one "browser" (cookie jar) bound to one interaction."""

    client: TestClient
    tenant: Tenant
    mailbox: httpx.Client
    uid: str = ""

    def new_interaction(self) -> str:
        now = self.tenant.clock.now()
        self.uid = new_id(21)
        interaction = Interaction(
            uid=self.uid, client_id="bookstore", params={}, created_at=now, expires_at=now + 3600
        )
        self.tenant.store.interactions[self.uid] = interaction
        self.client.cookies.set(INTERACTION_COOKIE, self.uid)
        self.client.cookies.set(INTERACTION_COOKIE + ".sig", sign(INTERACTION_COOKIE, self.uid))
        return self.uid

    @property
    def interaction(self) -> Interaction:
        return self.tenant.store.interactions[self.uid]

    def start(self, event: str) -> None:
        response = self.client.put(EXP, json={"interactionEvent": event})
        assert response.status_code == 204, response.text

    def send(self, address: str, event: str, kind: str = "email") -> Reply:
        body = {"identifier": {"type": kind, "value": address}, "interactionEvent": event}
        return self.client.post(f"{EXP}/verification/verification-code", json=body)

    def send_ok(self, address: str, event: str) -> str:
        response = self.send(address, event)
        assert response.status_code == 200, response.text
        verification_id: str = response.json()["verificationId"]
        return verification_id

    def mail(self, address: str, after: str | None = None) -> dict[str, Any]:
        """The newest message to ``address`` (newer than ``after``), waited for server-side."""
        params: dict[str, Any] = {"to": address, "timeout": 5}
        if after:
            params["after"] = after
        response = self.mailbox.get("/__harness/messages/wait", params=params)
        assert response.status_code == 200, response.text
        message: dict[str, Any] = response.json()
        return message

    def mail_count(self, address: str) -> int:
        response = self.mailbox.get("/__harness/messages", params={"to": address})
        total: int = response.json()["total"]
        return total

    def verify(self, address: str, verification_id: str, code: str) -> Reply:
        body = {
            "identifier": {"type": "email", "value": address},
            "verificationId": verification_id,
            "code": code,
        }
        return self.client.post(f"{EXP}/verification/verification-code/verify", json=body)

    def verified_email(self, address: str, event: str) -> str:
        verification_id = self.send_ok(address, event)
        response = self.verify(address, verification_id, self.mail(address)["code"])
        assert response.status_code == 200, response.text
        return verification_id

    def identify(self, verification_id: str | None = None) -> Reply:
        body = {"verificationId": verification_id} if verification_id else {}
        return self.client.post(f"{EXP}/identification", json=body)

    def password(self, kind: str, value: str, password: str) -> Reply:
        body = {"identifier": {"type": kind, "value": value}, "password": password}
        return self.client.post(f"{EXP}/verification/password", json=body)

    def submit(self) -> Reply:
        return self.client.post(f"{EXP}/submit")

    def state(self) -> dict[str, Any]:
        response = self.client.get(f"{EXP}/interaction")
        assert response.status_code == 200, response.text
        state: dict[str, Any] = response.json()
        return state

    def add_user(self, **fields: Any) -> dict[str, Any]:
        response = self.client.post("/__harness/users", json=fields)
        assert response.status_code == 201, response.text
        user: dict[str, Any] = response.json()
        return user


def error_of(response: Reply, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    assert body["message"]
    return body


@pytest.fixture
def make_logto(mg: fake_mailgun.Running, mailbox: httpx.Client) -> Iterator[Callable[..., Logto]]:
    """Build a tenant from config tables (``sign_in_experience=…``, ``code_policy=…``), its connector
    pointed at ``mg``; each has its own TestClient, closed (with its connector's HTTP client) at teardown."""
    with contextlib.ExitStack() as stack:

        def make(**tables: Any) -> Logto:
            mailgun = default_mailgun_config(endpoint=f"{mg.url}/.mailgun.net")
            config = parse_config({"connector": {"kind": "mailgun", "config": mailgun}, **tables})
            tenant = create_tenant(Settings(endpoint=ENDPOINT), config)
            client = stack.enter_context(TestClient(create_app(tenant=tenant), base_url=ENDPOINT))
            stack.callback(client.portal.call, tenant.http.aclose)  # type: ignore[union-attr]
            logto = Logto(client, tenant, mailbox)
            logto.new_interaction()
            return logto

        yield make


@pytest.fixture
def logto(make_logto: Callable[..., Logto]) -> Logto:
    """The default tenant: email sign-up and sign-in by code, registration on."""
    return make_logto()


PASSWORD_SIGN_IN = {
    "sign_in": [{"identifier": "email", "verification_code": True, "password": True}],
}


# --- register, sign in ---------------------------------------------------------------------------------
def test_register_a_new_email(logto: Logto) -> None:
    address = unique_address()
    logto.start("Register")
    verification_id = logto.send_ok(address, "Register")
    message = logto.mail(address)
    assert message["subject"] == f"{message['code']} is your verification code"  # the Register delivery
    assert logto.verify(address, verification_id, message["code"]).json() == {
        "verificationId": verification_id
    }

    assert logto.identify(verification_id).status_code == 201
    response = logto.submit()

    assert response.status_code == 200, response.text
    assert response.json() == {"redirectTo": f"{ENDPOINT}/oidc/auth/{logto.uid}"}
    user = logto.tenant.store.user_by("email", address)
    assert user is not None
    assert user.last_sign_in_at is not None
    interaction = logto.interaction
    assert interaction.submitted
    assert interaction.user_id == user.id
    assert interaction.login_at == pytest.approx(logto.tenant.clock.now(), abs=5)


def test_sign_in_an_existing_user_by_code(logto: Logto) -> None:
    address = unique_address()
    user = logto.add_user(email=address)
    logto.start("SignIn")
    verification_id = logto.send_ok(address, "SignIn")
    message = logto.mail(address)
    assert message["subject"] == f"{message['code']} is your sign-in code"
    assert logto.verify(address, verification_id, message["code"]).status_code == 200

    assert logto.identify(verification_id).status_code == 204
    assert logto.state()["userId"] == user["id"]
    assert logto.submit().json()["redirectTo"] == f"{ENDPOINT}/oidc/auth/{logto.uid}"
    assert logto.tenant.store.users[user["id"]].last_sign_in_at is not None


def test_unknown_email_on_sign_in_then_register_with_the_same_verification(logto: Logto) -> None:
    address = unique_address()
    logto.start("SignIn")
    verification_id = logto.verified_email(address, "SignIn")

    body = error_of(logto.identify(verification_id), 404, "user.user_not_exist")
    assert body["data"] == {"identifier": address}
    assert (
        logto.client.put(f"{EXP}/interaction-event", json={"interactionEvent": "Register"}).status_code == 204
    )

    assert logto.identify(verification_id).status_code == 201
    assert logto.submit().status_code == 200
    assert logto.tenant.store.user_by("email", address) is not None


def test_known_email_on_register_then_sign_in(logto: Logto) -> None:
    address = unique_address()
    user = logto.add_user(email=address)
    logto.start("Register")
    verification_id = logto.verified_email(address, "Register")

    error_of(logto.identify(verification_id), 422, "user.email_already_in_use")
    assert (
        logto.client.put(f"{EXP}/interaction-event", json={"interactionEvent": "SignIn"}).status_code == 204
    )
    assert logto.identify(verification_id).status_code == 204
    assert logto.state()["userId"] == user["id"]
    assert len(logto.client.get("/__harness/users").json()["items"]) == 1


def test_register_when_sign_up_requires_a_password(make_logto: Callable[..., Logto]) -> None:
    logto = make_logto(sign_in_experience={"sign_up": {"identifiers": ["email"], "password": True}})
    address = unique_address()
    logto.start("Register")
    verification_id = logto.verified_email(address, "Register")

    body = error_of(logto.identify(verification_id), 422, "user.missing_profile")
    assert body["data"] == {"missingProfile": ["password"]}
    assert logto.tenant.store.user_by("email", address) is None
    short = logto.client.post(f"{EXP}/profile", json={"type": "password", "value": "short"})
    assert error_of(short, 422, "password.rejected")["data"][0]["code"] == "password_rejected.too_short"
    assert (
        logto.client.post(f"{EXP}/profile", json={"type": "password", "value": PASSWORD}).status_code == 204
    )
    assert "passwordEncrypted" not in logto.state()["profile"]  # staged, never shown

    assert logto.identify().status_code == 201  # the email was staged by the first attempt
    assert logto.submit().status_code == 200
    user = logto.tenant.store.user_by("email", address)
    assert user is not None
    assert user.to_json()["hasPassword"]


def test_registration_off_forbids_register(make_logto: Callable[..., Logto]) -> None:
    logto = make_logto(sign_in_experience={"sign_up": {"enabled": False}})
    logto.start("SignIn")
    response = logto.client.put(f"{EXP}/interaction-event", json={"interactionEvent": "Register"})
    error_of(response, 403, "auth.forbidden")


# --- codes -----------------------------------------------------------------------------------------------
def test_wrong_code_then_the_right_one(logto: Logto) -> None:
    address = unique_address()
    logto.start("Register")
    verification_id = logto.send_ok(address, "Register")
    code = logto.mail(address)["code"]
    wrong = "000000" if code != "000000" else "111111"

    error_of(logto.verify(address, verification_id, wrong), 400, "verification_code.code_mismatch")
    assert logto.verify(address, verification_id, code).status_code == 200
    # A code works once: it is consumed.
    error_of(logto.verify(address, verification_id, code), 400, "verification_code.not_found")


def test_a_resend_replaces_the_earlier_code(logto: Logto) -> None:
    address = unique_address()
    logto.start("Register")
    first_id = logto.send_ok(address, "Register")
    first = logto.mail(address)
    second_id = logto.send_ok(address, "Register")
    second = logto.mail(address, after=first["id"])

    assert second_id != first_id
    error_of(logto.verify(address, first_id, first["code"]), 404, "session.verification_session_not_found")
    if first["code"] != second["code"]:  # one chance in a million they are the same
        error_of(logto.verify(address, second_id, first["code"]), 400, "verification_code.code_mismatch")
    assert logto.verify(address, second_id, second["code"]).status_code == 200
    assert [r["id"] for r in logto.state()["verificationRecords"]] == [second_id]


def test_an_expired_code_then_a_new_one(logto: Logto) -> None:
    address = unique_address()
    logto.start("Register")
    verification_id = logto.send_ok(address, "Register")
    first = logto.mail(address)
    assert logto.client.post("/__harness/clock", json={"advance": 601}).json()["offset"] == 601

    error_of(logto.verify(address, verification_id, first["code"]), 400, "verification_code.expired")
    new_id_ = logto.send_ok(address, "Register")
    assert logto.verify(address, new_id_, logto.mail(address, after=first["id"])["code"]).status_code == 200


def test_too_many_wrong_codes(make_logto: Callable[..., Logto]) -> None:
    logto = make_logto(code_policy={"max_attempts": 3})
    address = unique_address()
    logto.start("Register")
    verification_id = logto.send_ok(address, "Register")
    first = logto.mail(address)
    wrong = "000000" if first["code"] != "000000" else "111111"
    for _ in range(3):
        error_of(logto.verify(address, verification_id, wrong), 400, "verification_code.code_mismatch")

    error_of(logto.verify(address, verification_id, first["code"]), 400, "verification_code.exceed_max_try")
    again = logto.send_ok(address, "Register")
    assert logto.verify(address, again, logto.mail(address, after=first["id"])["code"]).status_code == 200


def test_the_send_cap_per_recipient(make_logto: Callable[..., Logto]) -> None:
    logto = make_logto(code_policy={"send_cap": 2, "send_window": 600})
    address, other = unique_address(), unique_address()
    logto.start("Register")
    logto.send_ok(address, "Register")
    logto.send_ok(address.upper(), "Register")  # same recipient, however cased

    error_of(logto.send(address, "Register"), 429, "request.message_rate_limited")
    logto.send_ok(other, "Register")
    logto.tenant.clock.advance(601)
    logto.send_ok(address, "Register")
    assert logto.mail_count(address) == 3
    codes = logto.client.get("/__harness/codes", params={"to": address}).json()["items"]
    assert [c["error"] for c in codes] == [None, "request.message_rate_limited", None, None]


def test_a_mailgun_failure_leaves_nothing_behind(make_logto: Callable[..., Logto]) -> None:
    logto = make_logto(code_policy={"send_cap": 1})
    address = unique_address()
    logto.start("Register")
    fault = logto.mailbox.post("/__harness/faults", json={"status": 503, "count": 1})
    assert fault.status_code == 201, fault.text

    body = error_of(logto.send(address, "Register"), 400, "connector.general")

    assert body["data"]["statusCode"] == 503
    assert "body" in body["data"]
    assert logto.state()["verificationRecords"] == []
    assert logto.mail_count(address) == 0
    [attempt] = logto.client.get("/__harness/codes", params={"to": address}).json()["items"]
    assert not attempt["delivered"]
    assert attempt["error"].startswith("connector.general")
    # The failed send used no slot of the cap (1), and registration still works from scratch.
    verification_id = logto.verified_email(address, "Register")
    assert logto.identify(verification_id).status_code == 201
    assert logto.tenant.store.user_by("email", address) is not None


def test_a_phone_needs_an_sms_connector(logto: Logto) -> None:
    logto.start("Register")
    body = error_of(logto.send("15550001111", "Register", kind="phone"), 501, "connector.not_found")
    assert body["message"] == "Cannot find any available connector for type: Sms."
    assert logto.state()["verificationRecords"] == []


# --- no account enumeration, forgot password ---------------------------------------------------------------
def test_forgot_password_to_an_unknown_address_sends_nothing(logto: Logto) -> None:
    address = unique_address()
    logto.start("ForgotPassword")
    verification_id = logto.send_ok(address, "ForgotPassword")

    assert logto.mail_count(address) == 0
    error_of(logto.verify(address, verification_id, "123456"), 400, "verification_code.code_mismatch")
    [sent] = logto.client.get("/__harness/codes", params={"to": address}).json()["items"]
    assert sent["code"] is None
    assert not sent["delivered"]
    assert sent["error"] is None


def test_sign_in_to_an_unknown_address_with_registration_off_sends_nothing(
    make_logto: Callable[..., Logto],
) -> None:
    logto = make_logto(sign_in_experience={"sign_up": {"enabled": False}})
    address = unique_address()
    logto.start("SignIn")
    verification_id = logto.send_ok(address, "SignIn")

    assert logto.mail_count(address) == 0
    error_of(logto.verify(address, verification_id, "123456"), 400, "verification_code.code_mismatch")


def test_forgot_password_resets_the_password(make_logto: Callable[..., Logto]) -> None:
    logto = make_logto(sign_in_experience=PASSWORD_SIGN_IN)
    address = unique_address()
    logto.add_user(email=address, password=PASSWORD)
    logto.start("ForgotPassword")
    verification_id = logto.send_ok(address, "ForgotPassword")
    message = logto.mail(address)
    assert message["subject"] == f"{message['code']} is your password reset code"
    assert logto.verify(address, verification_id, message["code"]).status_code == 200
    assert logto.identify(verification_id).status_code == 204

    reset = f"{EXP}/profile/password"
    error_of(logto.client.put(reset, json={"password": PASSWORD}), 422, "user.same_password")
    error_of(logto.client.put(reset, json={"password": "short"}), 422, "password.rejected")
    assert logto.client.put(reset, json={"password": "second-password-2"}).status_code == 204
    done = logto.submit()
    assert done.status_code == 204
    assert done.content == b""
    error_of(logto.client.get(f"{EXP}/interaction"), 404, "session.interaction_not_found")

    logto.start("SignIn")
    error_of(logto.password("email", address, PASSWORD), 422, "session.invalid_credentials")
    response = logto.password("email", address, "second-password-2")
    assert response.status_code == 200, response.text
    assert logto.identify(response.json()["verificationId"]).status_code == 204
    assert logto.submit().status_code == 200


# --- passwords ---------------------------------------------------------------------------------------------
def test_password_sign_in(make_logto: Callable[..., Logto]) -> None:
    logto = make_logto(sign_in_experience=PASSWORD_SIGN_IN)
    address = unique_address()
    user = logto.add_user(email=address, password=PASSWORD)
    logto.start("SignIn")

    error_of(logto.password("email", address, "wrong-password"), 422, "session.invalid_credentials")
    error_of(logto.password("email", unique_address(), PASSWORD), 422, "session.invalid_credentials")
    response = logto.password("email", address.upper(), PASSWORD)
    assert response.status_code == 200, response.text
    verification_id = response.json()["verificationId"]
    assert logto.state()["verificationRecords"] == [
        {
            "id": verification_id,
            "type": "Password",
            "identifier": {"type": "email", "value": address.upper()},
            "verified": True,
        }
    ]
    assert logto.identify(verification_id).status_code == 204
    assert logto.submit().status_code == 200
    assert logto.interaction.user_id == user["id"]


def test_password_sign_in_not_enabled(logto: Logto) -> None:
    address = unique_address()
    logto.add_user(email=address, password=PASSWORD)
    logto.start("SignIn")
    response = logto.password("email", address, PASSWORD)
    assert response.status_code == 200, response.text  # Logto checks the method at identification

    error_of(logto.identify(response.json()["verificationId"]), 422, "user.sign_in_method_not_enabled")


# --- the interaction ---------------------------------------------------------------------------------------
def test_without_an_interaction(logto: Logto) -> None:
    """No (signed) interaction cookie, or a gone interaction: 400 session.not_found, as Logto's
    koaInteractionDetails answers (issue 13 point 9); started without PUT /api/experience: 404."""
    logto.client.cookies.clear()
    no_cookie = error_of(logto.client.get(f"{EXP}/interaction"), 400, "session.not_found")
    assert no_cookie["error_description"] == "interaction session id cookie not found"
    error_of(logto.client.put(EXP, json={"interactionEvent": "SignIn"}), 400, "session.not_found")

    uid = logto.new_interaction()  # exists, but PUT /api/experience has not run
    error_of(logto.send(unique_address(), "SignIn"), 404, "session.interaction_not_found")
    logto.client.cookies.set(INTERACTION_COOKIE + ".sig", "forged")
    error_of(logto.client.get(f"{EXP}/interaction"), 400, "session.not_found")
    logto.client.cookies.set(INTERACTION_COOKIE + ".sig", sign(INTERACTION_COOKIE, uid))
    logto.start("SignIn")
    logto.tenant.clock.advance(3601)
    gone = error_of(logto.client.get(f"{EXP}/interaction"), 400, "session.not_found")
    assert gone["error_description"] == "interaction session not found"


def test_bad_bodies(logto: Logto) -> None:
    logto.start("SignIn")
    bad_json = logto.client.put(EXP, content=b"{not json", headers={"content-type": "application/json"})
    error_of(bad_json, 400, "guard.invalid_input")
    body = error_of(logto.client.put(EXP, json={}), 400, "guard.invalid_input")
    assert body["details"].startswith('Error in key path "interactionEvent"')
    error_of(logto.client.put(EXP, json={"interactionEvent": "LogIn"}), 400, "guard.invalid_input")
    error_of(logto.client.put(EXP, json=["SignIn"]), 400, "guard.invalid_input")
    bad_email = logto.send("not-an-email", "SignIn")
    assert error_of(bad_email, 400, "guard.invalid_input")["data"]["issues"][0]["path"] == [
        "identifier",
        "value",
    ]
    error_of(logto.client.post(f"{EXP}/identification", json={}), 400, "guard.invalid_input")


def test_unknown_verification_and_submit_too_early(logto: Logto) -> None:
    address = unique_address()
    logto.start("SignIn")
    error_of(logto.verify(address, "nope", "123456"), 404, "session.verification_session_not_found")
    error_of(logto.identify("nope"), 404, "session.verification_session_not_found")
    error_of(logto.submit(), 404, "session.identifier_not_found")

    verification_id = logto.send_ok(address, "SignIn")
    error_of(logto.identify(verification_id), 400, "session.verification_failed")  # not verified yet


def test_the_interaction_state(logto: Logto) -> None:
    address = unique_address()
    logto.start("Register")
    verification_id = logto.verified_email(address, "Register")

    assert logto.state() == {
        "interactionEvent": "Register",
        "profile": {},
        "mfa": {},
        "verificationRecords": [
            {
                "id": verification_id,
                "type": "EmailVerificationCode",
                "identifier": {"type": "email", "value": address},
                "templateType": "Register",
                "verified": True,
            }
        ],
        "captcha": {"verified": False, "skipped": False},
    }
    logto.start("SignIn")  # starting over forgets the verification
    assert logto.state()["verificationRecords"] == []


def test_the_connector_payload(logto: Logto) -> None:
    interaction = logto.interaction
    assert message_payload(logto.tenant, interaction, "email", None) == {
        "locale": "en",
        "application": {"id": "bookstore", "name": "Bookstore"},
    }
    interaction.params["ui_locales"] = "fr-CA fr"
    assert message_payload(logto.tenant, interaction, "email", "de") == {
        "locale": "fr",
        "uiLocales": "fr-CA fr",
        "application": {"id": "bookstore", "name": "Bookstore"},
    }
    assert message_payload(logto.tenant, interaction, "phone", None) == {
        "locale": "fr",
        "uiLocales": "fr-CA fr",
    }
    assert email_locale(None, "xx, pt;q=0.5, pt-BR;q=0.9") == "pt-BR"
    assert email_locale("zh", "de") == "zh-CN"
    assert email_locale("xx-YY", "*") == "en"


# --- control API -------------------------------------------------------------------------------------------
def test_control_health_and_clock(logto: Logto) -> None:
    assert logto.client.get("/__harness/health").json() == {"status": "ok", "issuer": f"{ENDPOINT}/oidc"}
    before = logto.client.get("/__harness/clock").json()
    assert before["offset"] == 0
    after = logto.client.post("/__harness/clock", json={"advance": 90}).json()
    assert after["offset"] == 90
    assert after["now"] >= before["now"] + 90
    assert logto.client.get("/__harness/clock").json()["offset"] == 90
    # Non-finite numbers are not JSON, but Python's json reads them: still a control error, never a 500.
    headers = {"content-type": "application/json"}
    infinite = logto.client.post("/__harness/clock", content=b'{"advance": Infinity}', headers=headers)
    assert infinite.status_code == 400
    assert infinite.json()["error"] == "invalid_request"


def test_control_users(logto: Logto) -> None:
    address = unique_address()
    user = logto.add_user(
        email=address, username="reader", password=PASSWORD, name="Reader", custom_data={"a": 1}
    )
    assert user["primaryEmail"] == address
    assert user["hasPassword"]
    assert user["customData"] == {"a": 1}
    duplicate = logto.client.post("/__harness/users", json={"email": address.upper()})
    assert duplicate.status_code == 409
    assert duplicate.json()["error"] == "conflict"
    nameless = logto.client.post("/__harness/users", json={"name": "Nobody"})
    assert nameless.status_code == 400
    assert nameless.json()["error"] == "invalid_request"
    assert [u["id"] for u in logto.client.get("/__harness/users").json()["items"]] == [user["id"]]

    assert logto.client.delete(f"/__harness/users/{user['id']}").status_code == 204
    missing = logto.client.delete(f"/__harness/users/{user['id']}")
    assert missing.status_code == 404
    assert missing.json()["error"] == "not_found"
    assert logto.client.get("/__harness/users").json() == {"items": []}


def test_control_codes_and_reset(logto: Logto) -> None:
    address, other = unique_address(), unique_address()
    logto.start("Register")
    first = logto.send_ok(address, "Register")
    logto.send_ok(other, "Register")
    second = logto.send_ok(address, "Register")
    logto.add_user(email=unique_address())
    logto.tenant.clock.advance(10)

    items = logto.client.get("/__harness/codes", params={"to": address.upper()}).json()["items"]
    assert [i["verification_id"] for i in items] == [second, first]
    assert items[0]["code"] == logto.mail(address)["code"]
    assert items[0]["delivered"]
    assert items[0]["to"] == address
    assert items[0]["usage_type"] == "Register"
    assert items[0]["error"] is None
    assert len(logto.client.get("/__harness/codes", params={"limit": 1}).json()["items"]) == 1

    assert logto.client.post("/__harness/reset").json() == {"status": "reset"}
    assert logto.client.get("/__harness/codes").json() == {"items": []}
    assert logto.client.get("/__harness/users").json() == {"items": []}
    assert logto.client.get("/__harness/clock").json()["offset"] == 0
    error_of(logto.client.get(f"{EXP}/interaction"), 400, "session.not_found")  # the interaction is gone


def test_control_and_logto_routes_are_in_the_openapi_schema(logto: Logto) -> None:
    # Issue 12 asks the document to describe the Logto-compatible routes too (tests/fake_logto/test_logto_openapi.py).
    paths = logto.client.get("/openapi.json").json()["paths"]
    assert {"/__harness/health", "/__harness/clock", "/__harness/users", "/__harness/codes"} <= set(paths)
    assert {"/api/experience", "/api/experience/submit", "/oidc/token", "/oidc/auth"} <= set(paths)
