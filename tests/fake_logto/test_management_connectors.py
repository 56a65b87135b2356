"""Dev-mode Management API auth (Logto's ``development-user-id``), ``/api/connectors`` and Logto's mock
email and SMS connectors writing their record files."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from logto_support import auth_url, tenant_dict
from management_support import logto_error

from fake_logto import Running as LogtoRunning
from fake_logto import Settings as LogtoSettings
from fake_logto import parse_config
from fake_logto import serve_in_thread as serve_logto
from fake_mailgun import Running
from harness import ExperienceClient

DEV = {"development-user-id": "integration-test-admin-user"}
MOCK_EMAIL = {
    "connectorId": "mock-email-service",
    "config": {
        "apiKey": "api-key-value",
        "fromEmail": "noreply@logto.test.io",
        "templates": [
            {"usageType": "SignIn", "type": "text/plain", "subject": "Sign in", "content": "Code {{code}}."},
            {"usageType": "Generic", "type": "text/plain", "subject": "Generic", "content": "G {{code}}"},
        ],
    },
}
MOCK_SMS = {
    "connectorId": "mock-short-message-service",
    "config": {
        "accountSID": "a",
        "authToken": "b",
        "fromMessagingServiceSID": "c",
        "templates": [{"usageType": "Generic", "content": "Your code is {{code}}."}],
    },
}


@pytest.fixture
def dev(mailgun: Running, tmp_path: Path) -> Iterator[LogtoRunning]:
    """A fake_logto in dev mode whose mock connectors write below ``tmp_path``."""
    settings = LogtoSettings(port=0, dev_mode=True, mock_connector_dir=str(tmp_path))
    with serve_logto(settings, config=parse_config(tenant_dict(mailgun.url))) as running:
        yield running


@pytest.fixture
def dev_api(dev: LogtoRunning) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=dev.endpoint + "/api", headers=DEV) as client:
        yield client


def test_dev_mode_is_off_by_default_and_the_header_is_refused(logto: LogtoRunning) -> None:
    assert LogtoSettings().dev_mode is False
    response = httpx.get(f"{logto.endpoint}/api/connectors", headers=DEV)
    logto_error(response, 401, "auth.authorization_header_missing", "Authorization header is missing.")


def test_dev_mode_takes_the_header_in_place_of_a_token(dev: LogtoRunning) -> None:
    assert httpx.get(f"{dev.endpoint}/api/users", headers=DEV).status_code == 200
    empty = httpx.get(f"{dev.endpoint}/api/users", headers={"development-user-id": ""})
    logto_error(empty, 401, "auth.authorization_header_missing")
    assert httpx.get(f"{dev.endpoint}/api/users").status_code == 401


def test_the_configured_connector_is_listed_and_a_mock_one_replaces_it(dev_api: httpx.Client) -> None:
    (mailgun,) = dev_api.get("/connectors").json()
    assert (mailgun["connectorId"], mailgun["type"]) == ("mailgun-email-service", "Email")
    created = dev_api.post("/connectors", json=MOCK_EMAIL)
    assert created.status_code == 200, created.text
    body = created.json()
    assert (body["connectorId"], body["type"], body["target"], body["isDemo"]) == (
        "mock-email-service", "Email", "mock-mail", False,
    )  # fmt: skip
    assert len(body["id"]) == 12
    assert body["config"] == MOCK_EMAIL["config"]
    assert [c["id"] for c in dev_api.get("/connectors").json()] == [body["id"]]  # one email connector
    assert dev_api.get(f"/connectors/{body['id']}").json() == body
    assert dev_api.get("/connectors", params={"target": "mock-mail"}).json() == [body]
    assert dev_api.get("/connectors", params={"target": "mailgun"}).json() == []
    assert dev_api.delete(f"/connectors/{body['id']}").status_code == 204
    assert dev_api.get("/connectors").json() == []


def test_refusals(dev_api: httpx.Client) -> None:
    logto_error(
        dev_api.post("/connectors", json={"connectorId": "twilio"}),
        422, "connector.not_found_with_connector_id",
        "Can not find connector with given standard connector id.",
    )  # fmt: skip
    bad = {**MOCK_EMAIL, "config": {**MOCK_EMAIL["config"], "apiKey": 1}}
    body = logto_error(
        dev_api.post("/connectors", json=bad),
        400,
        "connector.invalid_config",
        "The connector's config is invalid.",
    )
    assert body["data"]["issues"][0]["path"] == ["apiKey"]
    invalid = logto_error(dev_api.post("/connectors", json={"config": {}}), 400, "guard.invalid_input")
    assert invalid["data"]["issues"][0]["path"] == ["connectorId"]
    logto_error(dev_api.get("/connectors/nope"), 404, "entity.not_found", "The resource does not exist.")
    logto_error(dev_api.delete("/connectors/nope"), 404, "entity.not_found")


def test_reset_restores_the_configured_connector(dev: LogtoRunning, dev_api: httpx.Client) -> None:
    dev_api.post("/connectors", json=MOCK_SMS)
    assert {c["type"] for c in dev_api.get("/connectors").json()} == {"Email", "Sms"}
    httpx.post(f"{dev.url}/__harness/reset").raise_for_status()
    assert [c["connectorId"] for c in dev_api.get("/connectors").json()] == ["mailgun-email-service"]


def test_phone_sign_up_needs_an_sms_connector(dev_api: httpx.Client) -> None:
    phone_sign_up = {"signUp": {"identifiers": ["phone"], "password": False, "verify": True}}
    logto_error(
        dev_api.patch("/sign-in-exp", json=phone_sign_up),
        400,
        "sign_in_experiences.enabled_connector_not_found",
    )
    dev_api.post("/connectors", json=MOCK_SMS).raise_for_status()
    assert dev_api.patch("/sign-in-exp", json=phone_sign_up).status_code == 200


def test_an_unchanged_column_is_taken_and_a_changed_one_refused(dev_api: httpx.Client) -> None:
    """Logto's integration tests send ``sentinelPolicy: {}`` before every file: the row's own value."""
    assert dev_api.patch(
        "/sign-in-exp", json={"signInMode": "SignInAndRegister", "sentinelPolicy": {}}
    ).is_success
    logto_error(
        dev_api.patch("/sign-in-exp", json={"sentinelPolicy": {"maxAttempts": 3}}), 400, "guard.invalid_input"
    )


def _record(folder: Path, name: str) -> dict[str, Any]:
    text = (folder / name).read_text(encoding="utf-8")
    assert text.endswith("}\n")
    assert "\n" not in text[:-1]
    record: dict[str, Any] = json.loads(text)
    return record


def test_the_mock_email_connector_writes_logtos_record(
    dev: LogtoRunning, dev_api: httpx.Client, tmp_path: Path, email: str
) -> None:
    dev_api.post("/connectors", json=MOCK_EMAIL).raise_for_status()
    with ExperienceClient(dev.endpoint) as browser:
        browser.start(auth_url(dev))
        browser.set_event("Register")
        browser.send_code(email, "Register")  # no Register template: the Generic one
    record = _record(tmp_path, "mock_email_record.txt")
    code = record["code"]
    assert record == {
        "address": email,
        "code": code,
        "type": "Register",
        "payload": {**record["payload"], "code": code},
        "template": MOCK_EMAIL["config"]["templates"][1],
        "subject": "Generic",
        "content": f"G {code}",
    }
    assert list(record) == ["address", "code", "type", "payload", "template", "subject", "content"]
