"""Phone sign-up and sign-in by SMS code through Logto's Twilio and HTTP SMS connectors
(``[sms_connector]``), each over real HTTP into the session's fake_mailgun, the code read from its mailbox
by number; Logto's answers to a wrong, an expired code, a number Twilio refuses and a refused connector."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from logto_support import auth_url, tenant_dict

from fake_logto import ConfigError, default_twilio_config, parse_config
from fake_logto import Running as LogtoRunning
from fake_logto import Settings as LogtoSettings
from fake_logto import serve_in_thread as serve_logto
from fake_mailgun import DEFAULT_TWILIO_ACCOUNT_SID, DEFAULT_TWILIO_AUTH_TOKEN, Running
from harness._experience import ExperienceClient

SEND = "/api/experience/verification/verification-code"
VERIFY = SEND + "/verify"
PHONE_EXPERIENCE = {
    "sign_up": {"identifiers": ["phone"], "verify": True, "password": False},
    "sign_in": [{"identifier": "phone", "verification_code": True, "password": False}],
}


def phone_tenant(mailgun: Running, sms: dict[str, Any]) -> dict[str, Any]:
    return tenant_dict(mailgun.url, sign_in_experience=PHONE_EXPERIENCE, sms_connector=sms)


def twilio(mailgun: Running, **config: Any) -> dict[str, Any]:
    base = default_twilio_config(mailgun.url, DEFAULT_TWILIO_ACCOUNT_SID, DEFAULT_TWILIO_AUTH_TOKEN)
    return {"kind": "twilio", "config": {**base, **config}}


@pytest.fixture(scope="module")
def logto(mailgun: Running) -> Iterator[LogtoRunning]:
    with serve_logto(
        LogtoSettings(port=0), config=parse_config(phone_tenant(mailgun, twilio(mailgun)))
    ) as running:
        yield running


@pytest.fixture
def number() -> str:
    """A fresh US number as the Experience API takes it: digits only."""
    return f"1201555{secrets.randbelow(10_000):04d}"


@pytest.fixture
def browser(logto: LogtoRunning) -> Iterator[ExperienceClient]:
    with ExperienceClient(logto.endpoint) as client:
        yield client


def sms(mailgun: Running, number: str, after: str | None = None) -> dict[str, Any]:
    params: dict[str, Any] = {"to": f"+{number}", "timeout": 10}
    if after:
        params["after"] = after
    r = httpx.get(f"{mailgun.url}/__harness/messages/wait", params=params, timeout=15)
    assert r.status_code == 200, r.text
    message: dict[str, Any] = r.json()
    return message


def send(client: ExperienceClient, number: str, event: str) -> httpx.Response:
    body = {"identifier": {"type": "phone", "value": number}, "interactionEvent": event}
    return client.http.post(client.endpoint + SEND, json=body)


def verify(client: ExperienceClient, number: str, verification_id: str, code: str) -> httpx.Response:
    body = {"identifier": {"type": "phone", "value": number}, "verificationId": verification_id, "code": code}
    return client.http.post(client.endpoint + VERIFY, json=body)


def phone_flow(
    client: ExperienceClient, logto: LogtoRunning, mailgun: Running, number: str, event: str
) -> dict[str, Any]:
    """Start, send a code by SMS, read it from the mailbox, verify, identify, submit; the SMS."""
    client.start(auth_url(logto))
    client.set_event(event)
    sent = send(client, number, event)
    assert sent.status_code == 200, sent.text
    message = sms(mailgun, number)
    verification_id = sent.json()["verificationId"]
    verified = verify(client, number, verification_id, message["code"])
    assert verified.status_code == 200, verified.text
    client.identify(verification_id)
    redirect_to = client.submit()
    assert redirect_to is not None
    client.finish(redirect_to)
    return message


def test_phone_sign_up_then_sign_in_by_twilio_sms(logto: LogtoRunning, mailgun: Running, number: str) -> None:
    with ExperienceClient(logto.endpoint) as first:
        registered = phone_flow(first, logto, mailgun, number, "Register")
    assert registered["source"] == "twilio"
    assert registered["to"] == [f"+{number}"]
    assert registered["text"] == (
        f"Your Logto sign-up verification code is {registered['code']}. The code will remain active for 10 minutes."
    )
    users = httpx.get(f"{logto.url}/__harness/users").json()["items"]
    assert [u["primaryPhone"] for u in users if u["primaryPhone"] == number] == [number]

    with ExperienceClient(logto.endpoint) as second:
        signed_in = phone_flow(second, logto, mailgun, number, "SignIn")
    assert signed_in["text"].startswith("Your Logto sign-in verification code is ")
    assert signed_in["id"] != registered["id"]


def test_wrong_sms_code_is_refused(
    browser: ExperienceClient, logto: LogtoRunning, mailgun: Running, number: str
) -> None:
    browser.start(auth_url(logto))
    browser.set_event("Register")
    sent = send(browser, number, "Register")
    code = sms(mailgun, number)["code"]
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    refused = verify(browser, number, sent.json()["verificationId"], wrong)
    assert refused.status_code == 400
    assert refused.json() == {
        "code": "verification_code.code_mismatch",
        "message": "Invalid verification code.",
    }


def test_expired_sms_code_is_refused(
    browser: ExperienceClient, logto: LogtoRunning, mailgun: Running, number: str
) -> None:
    browser.start(auth_url(logto))
    browser.set_event("Register")
    sent = send(browser, number, "Register")
    code = sms(mailgun, number)["code"]
    assert httpx.post(f"{logto.url}/__harness/clock", json={"advance": 601}).status_code == 200
    try:
        refused = verify(browser, number, sent.json()["verificationId"], code)
    finally:
        httpx.post(f"{logto.url}/__harness/clock", json={"advance": -601})
    assert refused.status_code == 400
    assert refused.json() == {
        "code": "verification_code.expired",
        "message": "Verification code has expired. Please request a new verification code.",
    }


def test_a_number_twilio_refuses_is_a_connector_error(
    browser: ExperienceClient, logto: LogtoRunning, mailgun: Running
) -> None:
    browser.start(auth_url(logto))
    browser.set_event("Register")
    refused = send(browser, "12", "Register")  # digits, so Logto's guard takes it; Twilio does not
    assert refused.status_code == 400
    body = refused.json()
    assert body["code"] == "connector.general"
    twilio_answer = (
        '{"code":21211,"message":"Invalid \'To\' Phone Number: +12",'
        '"more_info":"https://www.twilio.com/docs/errors/21211","status":400}'
    )
    assert body["data"] == {"message": twilio_answer}
    assert (
        body["message"] == "Error occurred in connector: " + '{"message":' + _js_string(twilio_answer) + "}"
    )


def _js_string(text: str) -> str:
    return json.dumps(text)  # JSON.stringify of a string


def test_letters_are_not_a_phone_number(browser: ExperienceClient, logto: LogtoRunning) -> None:
    browser.start(auth_url(logto))
    browser.set_event("Register")
    refused = send(browser, "+1 201 555 0123", "Register")
    assert refused.status_code == 400
    assert refused.json()["code"] == "guard.invalid_input"


def test_wrong_twilio_credentials_are_a_connector_error(mailgun: Running, number: str) -> None:
    tenant = phone_tenant(mailgun, twilio(mailgun, authToken="not-the-token"))
    with (
        serve_logto(LogtoSettings(port=0), config=parse_config(tenant)) as logto,
        ExperienceClient(logto.endpoint) as client,
    ):
        client.start(auth_url(logto))
        client.set_event("Register")
        refused = send(client, number, "Register")
    assert refused.status_code == 400
    assert refused.json()["code"] == "connector.general"
    assert '"code":20003' in refused.json()["data"]["message"]


def test_phone_sign_up_by_http_sms(mailgun: Running, number: str) -> None:
    sms_connector = {
        "kind": "http",
        "config": {"endpoint": f"{mailgun.url}/http-sms", "authorization": "Bearer t"},
    }
    tenant = phone_tenant(mailgun, sms_connector)
    with (
        serve_logto(LogtoSettings(port=0), config=parse_config(tenant)) as logto,
        ExperienceClient(logto.endpoint) as client,
    ):
        message = phone_flow(client, logto, mailgun, number, "Register")
    assert message["source"] == "http-sms"
    assert message["variables"]["to"] == number
    assert message["variables"]["type"] == "Register"
    assert message["variables"]["payload"]["code"] == message["code"]
    assert message["headers"]["authorization"] == "Bearer t"


@pytest.mark.parametrize(
    ("sms_connector", "problem"),
    [
        ({"kind": "fax"}, "sms_connector.kind: must be one of twilio, http"),
        ({"kind": "http", "config": {}}, "sms_connector.config.endpoint: is required (a string)"),
        (
            {
                "kind": "twilio",
                "config": {
                    "accountSID": "AC1",
                    "authToken": "t",
                    "fromMessagingServiceSID": "MG1",
                    "templates": [{"usageType": "SignIn", "content": "{{code}}"}],
                },
            },
            "sms_connector.config.templates: Template with UsageType (Register, ForgotPassword, Generic) should be provided!",
        ),
    ],
)
def test_invalid_sms_connector_config_names_the_field(sms_connector: dict[str, Any], problem: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config({"sms_connector": sms_connector})
    assert str(caught.value).startswith(problem), str(caught.value)
