"""Text messages into the mailbox: the Twilio Messages API stand-in (Logto's ``connector-twilio-sms``
request) and the HTTP SMS endpoint (``connector-http-sms``), read and waited for by phone number."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator

import httpx
import pytest

from fake_mailgun import DEFAULT_TWILIO_ACCOUNT_SID, DEFAULT_TWILIO_AUTH_TOKEN, Running

TWILIO = f"/2010-04-01/Accounts/{DEFAULT_TWILIO_ACCOUNT_SID}/Messages.json"
AUTH = (DEFAULT_TWILIO_ACCOUNT_SID, DEFAULT_TWILIO_AUTH_TOKEN)
SERVICE = "MG" + "0123456789abcdef" * 2


@pytest.fixture
def number() -> str:
    """A fresh US number (libphonenumber's example range 201-555-01xx plus random digits)."""
    return f"+1201555{secrets.randbelow(10_000):04d}"


@pytest.fixture
def client(mailgun: Running) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=mailgun.url, timeout=10) as client:
        yield client


def test_twilio_send_is_captured_and_waited_for_by_number(
    client: httpx.Client, control: httpx.Client, number: str
) -> None:
    body = "Your Logto sign-in verification code is 123456. The code will remain active for 10 minutes."
    form = {"To": number, "MessagingServiceSid": SERVICE, "Body": body, "RiskCheck": "enable"}
    sent = client.post(TWILIO, data=form, auth=AUTH)

    assert sent.status_code == 201, sent.text
    resource = sent.json()
    assert resource["sid"].startswith("SM")
    assert len(resource["sid"]) == 34
    assert resource["to"] == number
    assert resource["body"] == body
    assert resource["messaging_service_sid"] == SERVICE
    assert resource["status"] == "accepted"
    assert resource["account_sid"] == DEFAULT_TWILIO_ACCOUNT_SID
    assert (
        resource["uri"]
        == f"/2010-04-01/Accounts/{DEFAULT_TWILIO_ACCOUNT_SID}/Messages/{resource['sid']}.json"
    )

    for written in (number, number.removeprefix("+"), f"+1 {number[2:5]} {number[5:8]} {number[8:]}"):
        waited = control.get("/__harness/messages/wait", params={"to": written, "timeout": 5})
        assert waited.status_code == 200, waited.text
        message = waited.json()
        assert message["message_id"] == resource["sid"]
    assert message["source"] == "twilio"
    assert message["to"] == [number]
    assert message["from"] == SERVICE
    assert message["text"] == body
    assert message["code"] == "123456"
    assert message["options"] == {"MessagingServiceSid": SERVICE, "RiskCheck": "enable"}
    assert message["headers"]["content-type"] == "application/x-www-form-urlencoded"
    raw = control.get(f"/__harness/messages/{message['id']}/raw")
    assert raw.content == sent.request.content
    listed = control.get("/__harness/messages", params={"to": number}).json()
    assert listed["total"] == 1


@pytest.mark.parametrize(
    "auth",
    [None, (DEFAULT_TWILIO_ACCOUNT_SID, "wrong"), ("AC" + "0" * 32, DEFAULT_TWILIO_AUTH_TOKEN)],
    ids=["none", "wrong-token", "wrong-sid"],
)
def test_twilio_refuses_bad_credentials(
    client: httpx.Client, control: httpx.Client, number: str, auth: tuple[str, str] | None
) -> None:
    sent = client.post(TWILIO, data={"To": number, "MessagingServiceSid": SERVICE, "Body": "1234"}, auth=auth)
    assert sent.status_code == 401
    assert sent.json() == {
        "code": 20003,
        "message": "Authenticate",
        "more_info": "https://www.twilio.com/docs/errors/20003",
        "status": 401,
    }
    assert control.get("/__harness/messages", params={"to": number}).json()["total"] == 0


def test_twilio_refuses_another_accounts_path(client: httpx.Client) -> None:
    other = "/2010-04-01/Accounts/AC" + "1" * 32 + "/Messages.json"
    sent = client.post(other, data={"To": "+12015550123", "From": "+12015550100", "Body": "x"}, auth=AUTH)
    assert sent.status_code == 401
    assert sent.json()["code"] == 20003


@pytest.mark.parametrize(
    ("missing", "code", "text"),
    [
        ("To", 21604, "A 'To' phone number is required."),
        ("MessagingServiceSid", 21603, "A 'From' phone number is required."),
        ("Body", 21602, "Message body is required."),
    ],
)
def test_twilio_refuses_missing_fields(
    client: httpx.Client, control: httpx.Client, number: str, missing: str, code: int, text: str
) -> None:
    form = {"To": number, "MessagingServiceSid": SERVICE, "Body": "code 1234"}
    del form[missing]
    sent = client.post(TWILIO, data=form, auth=AUTH)
    assert sent.status_code == 400
    assert sent.json() == {
        "code": code,
        "message": text,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": 400,
    }
    assert control.get("/__harness/messages", params={"to": number}).json()["total"] == 0


@pytest.mark.parametrize("to", ["12", "not a number", "+999123"])
def test_twilio_refuses_a_number_that_cannot_be_one(client: httpx.Client, to: str) -> None:
    sent = client.post(TWILIO, data={"To": to, "MessagingServiceSid": SERVICE, "Body": "x"}, auth=AUTH)
    assert sent.status_code == 400
    assert sent.json()["code"] == 21211
    assert sent.json()["message"] == f"Invalid 'To' Phone Number: {to}"


def test_http_sms_post_is_captured(client: httpx.Client, control: httpx.Client, number: str) -> None:
    posted = {"to": number.removeprefix("+"), "type": "SignIn", "payload": {"code": "654321", "locale": "en"}}
    sent = client.post("/http-sms", json=posted, headers={"Authorization": "Bearer anything"})
    assert sent.status_code == 200, sent.text

    message = control.get("/__harness/messages/wait", params={"to": number, "timeout": 5}).json()
    assert message["id"] == sent.json()["id"]
    assert message["source"] == "http-sms"
    assert message["to"] == [number]
    assert message["code"] == "654321"
    assert message["variables"] == posted
    assert json.loads(message["text"]) == posted
    assert message["headers"]["authorization"] == "Bearer anything"


@pytest.mark.parametrize(
    "body", [b"not json", b"[]", b'{"type": "SignIn"}', b'{"to": "abc", "type": "SignIn"}']
)
def test_http_sms_refuses_what_is_not_a_message(client: httpx.Client, body: bytes) -> None:
    sent = client.post("/http-sms", content=body, headers={"Content-Type": "application/json"})
    assert sent.status_code == 400
    assert "message" in sent.json()


def test_http_sms_requires_the_configured_authorization() -> None:
    from fake_mailgun import Settings, serve_in_thread

    settings = Settings(port=0, smtp_port=-1, http_sms_authorization="Bearer s3cret")
    with serve_in_thread(settings) as fake, httpx.Client(base_url=fake.url) as client:
        posted = {"to": "12015550123", "type": "Register", "payload": {"code": "111111"}}
        refused = client.post("/http-sms", json=posted, headers={"Authorization": "Bearer nope"})
        assert refused.status_code == 401
        assert refused.json() == {"message": "Unauthorized"}
        accepted = client.post("/http-sms", json=posted, headers={"Authorization": "Bearer s3cret"})
        assert accepted.status_code == 200
