"""Logto's own SMS connector packages, unmodified, against fake_mailgun's Twilio stand-in and HTTP SMS
endpoint — and fake_logto's connectors checked to send the very same request.

``@logto/connector-twilio-sms`` 1.4.4 posts to ``https://api.twilio.com``; ``node/twilio_redirect.mjs``
routes that host to the stand-in inside the Node process (see its comment for why not a proxy). The
stand-in keeps each request's raw body and headers, which are compared byte for byte with what
:class:`fake_logto._sms_connectors.TwilioSmsConnector` builds for the same config and payload.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

import httpx
import pytest
from test_node_clients import run_node

from fake_logto import default_twilio_config
from fake_logto._sms_connectors import HttpSmsConnector, TwilioSmsConnector
from fake_mailgun import DEFAULT_TWILIO_ACCOUNT_SID, DEFAULT_TWILIO_AUTH_TOKEN, Running

COMPARED_HEADERS = ("authorization", "content-type", "user-agent")


@pytest.fixture
def number() -> str:
    """A fresh US number as Logto passes it to a connector: digits, no ``+``."""
    return f"1201555{secrets.randbelow(10_000):04d}"


@pytest.fixture
def code() -> str:
    return f"{secrets.randbelow(900_000) + 100_000}"


def _send(
    mailgun: Running, kind: str, usage: str, config: dict[str, Any], to: str, code: str
) -> dict[str, Any]:
    env = {
        "SMS_CONFIG": json.dumps(config),
        "SMS_TO": to,
        "SMS_CODE": code,
        "TWILIO_API_URL": mailgun.url,
    }
    return run_node("logto_sms_send.mjs", kind, usage, env=env)


def _captured(control: httpx.Client, to: str) -> dict[str, Any]:
    r = control.get("/__harness/messages/wait", params={"to": to, "timeout": 5})
    assert r.status_code == 200, r.text
    message: dict[str, Any] = r.json()
    return message


def _twilio_config(mailgun: Running) -> dict[str, Any]:
    return default_twilio_config(mailgun.url, DEFAULT_TWILIO_ACCOUNT_SID, DEFAULT_TWILIO_AUTH_TOKEN)


@pytest.mark.parametrize("usage", ["SignIn", "Register", "BindNewIdentifier"])
def test_twilio_request_matches_logtos_package(
    mailgun: Running, control: httpx.Client, number: str, code: str, usage: str
) -> None:
    config = _twilio_config(mailgun)
    result = _send(mailgun, "twilio", usage, config, number, code)

    assert result["ok"] is True, result
    assert result["statusCode"] == 201
    sent = json.loads(result["body"])
    message = _captured(control, number)
    assert message["message_id"] == sent["sid"]
    assert message["to"] == [f"+{number}"]
    assert message["code"] == code
    raw = control.get(f"/__harness/messages/{message['id']}/raw").content

    url, headers, body, _key = TwilioSmsConnector(config, httpx.AsyncClient()).request(
        number, usage, {"code": code, "locale": "en"}
    )
    assert body == raw
    path = f"/2010-04-01/Accounts/{DEFAULT_TWILIO_ACCOUNT_SID}/Messages.json"
    assert url == f"http://{message['headers']['host']}{path}"
    for name in COMPARED_HEADERS:
        assert headers[name] == message["headers"][name], name
    expected = "Generic" if usage == "BindNewIdentifier" else usage
    template = next(t for t in config["templates"] if t["usageType"] == expected)
    assert message["text"] == template["content"].replace("{{code}}", code)


def test_twilio_refusal_reaches_logtos_package_and_ours_alike(
    mailgun: Running, control: httpx.Client, number: str, code: str
) -> None:
    config = {**_twilio_config(mailgun), "authToken": "wrong-token"}
    result = _send(mailgun, "twilio", "SignIn", config, number, code)

    assert result["ok"] is False, result
    assert result["error"]["code"] == "general"
    assert set(result["error"]["data"]) == {"message"}  # ConnectorError(General, rawBody)
    assert json.loads(result["error"]["data"]["message"]) == {
        "code": 20003,
        "message": "Authenticate",
        "more_info": "https://www.twilio.com/docs/errors/20003",
        "status": 401,
    }
    assert control.get("/__harness/messages", params={"to": number}).json()["total"] == 0


def test_http_sms_request_matches_logtos_package(
    mailgun: Running, control: httpx.Client, number: str, code: str
) -> None:
    config = {"endpoint": f"{mailgun.url}/http-sms", "authorization": "Bearer harness"}
    result = _send(mailgun, "http", "Register", config, number, code)

    assert result["ok"] is True, result
    assert result["statusCode"] == 200
    message = _captured(control, number)
    assert message["source"] == "http-sms"
    assert message["code"] == code
    raw = control.get(f"/__harness/messages/{message['id']}/raw").content
    url, headers, body = HttpSmsConnector(config, httpx.AsyncClient()).request(
        number, "Register", {"code": code, "locale": "en"}
    )
    assert body == raw
    assert url == f"http://{message['headers']['host']}/http-sms"
    for name in COMPARED_HEADERS:
        assert headers[name] == message["headers"][name], name
