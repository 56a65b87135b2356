"""Logto's mock passwordless connectors, the ones its integration tests create: ``mock-email-service``
(``packages/connectors/connector-mock-email``) and ``mock-short-message-service``
(``packages/connectors/connector-mock-sms``). Neither sends anything: each writes the last message, as one
line of JSON, to a record file the tests read the code from (``mockConnectorFilePaths`` of
``@logto/connector-kit``: ``/tmp/logto/mock_email_record.txt`` and ``/tmp/logto/mock_sms_record.txt``;
the folder is ``Settings.mock_connector_dir`` here, as Logto's tests mount a folder there).

The lines are Logto's: email ``{address, code, type, payload, template, subject, content}`` (the template
for the usage type, else the ``Generic`` one — ``getConfigTemplateByType`` — with ``{{…}}`` replaced from
the payload), SMS ``{phone, code, type, payload}``. A config that fails the connector's zod guard
(``types.ts``) answers ``connector.invalid_config`` (``validateConfig``); no template for the type answers
``connector.template_not_found``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._connectors import ConnectorFailure, Delivery, substitute
from ._guards import received

MOCK_EMAIL_ID = "mock-email-service"
MOCK_SMS_ID = "mock-short-message-service"
RECORD_FILES = {"Email": "mock_email_record.txt", "Sms": "mock_sms_record.txt"}
# ``templateTypeGuard`` (connector-kit ``types/passwordless.ts``): the usage types a template may name.
TEMPLATE_TYPES = (
    "SignIn", "Register", "ForgotPassword", "OrganizationInvitation", "Generic", "UserPermissionValidation",
    "BindNewIdentifier", "MfaVerification", "BindMfa",
)  # fmt: skip
EMAIL_CONTENT_TYPES = ("text/plain", "text/html")  # ``ContextType`` of the mock email connector


@dataclass(frozen=True)
class Factory:
    """A connector factory's metadata (``ConnectorMetadata``, the ``constant.ts`` of each connector) and
    its type; ``guard`` checks a config as the connector's zod guard does (an error text, or ``None``)."""

    id: str
    type: str  # "Email" | "Sms"
    target: str
    name: str
    description: str

    def metadata(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "target": self.target,
            "platform": None,
            "name": {"en": self.name},
            "logo": "./logo.svg",
            "logoDark": None,
            "description": {"en": self.description},
            "readme": "./README.md",
            "configTemplate": "./docs/config-template.json",
        }


FACTORIES = {
    MOCK_EMAIL_ID: Factory(
        MOCK_EMAIL_ID, "Email", "mock-mail", "Mock Mail Service", "The description of Mock Mail Service."
    ),
    MOCK_SMS_ID: Factory(
        MOCK_SMS_ID, "Sms", "mock-sms", "Mock SMS Service", "The description of Mock SMS Service."
    ),
}


def _issue(path: list[str | int], code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"code": code, **extra, "path": path, "message": message}


def _typed(value: Any, path: list[str | int], *, optional: bool = False) -> dict[str, Any] | None:
    if isinstance(value, str) or (optional and value is None):
        return None
    got = "undefined" if value is None else received(value)
    message = "Required" if value is None else f"Expected string, received {got}"
    return _issue(path, "invalid_type", message, expected="string", received=got)


def config_issue(connector_id: str, config: dict[str, Any]) -> dict[str, Any] | None:
    """The first zod issue of ``config`` against the connector's guard (``mockMailConfigGuard`` /
    ``mockSmsConfigGuard``), or ``None``."""
    email = connector_id == MOCK_EMAIL_ID
    required = ("apiKey", "fromEmail") if email else ("accountSID", "authToken", "fromMessagingServiceSID")
    for key in required:
        if issue := _typed(config.get(key), [key]):
            return issue
    if email and (issue := _typed(config.get("fromName"), ["fromName"], optional=True)):
        return issue
    templates = config.get("templates")
    if not isinstance(templates, list):
        got = "undefined" if templates is None else received(templates)
        return _issue(
            ["templates"],
            "invalid_type",
            "Required" if templates is None else f"Expected array, received {got}",
            expected="array",
            received=got,
        )
    for i, template in enumerate(templates):
        if not isinstance(template, dict):
            return _issue(
                ["templates", i],
                "invalid_type",
                f"Expected object, received {received(template)}",
                expected="object",
                received=received(template),
            )
        if template.get("usageType") not in TEMPLATE_TYPES:
            return _issue(
                ["templates", i, "usageType"],
                "invalid_enum_value",
                "Invalid enum value",
                options=list(TEMPLATE_TYPES),
                received=template.get("usageType"),
            )
        if email and template.get("type") not in EMAIL_CONTENT_TYPES:
            return _issue(
                ["templates", i, "type"],
                "invalid_enum_value",
                "Invalid enum value",
                options=list(EMAIL_CONTENT_TYPES),
                received=template.get("type"),
            )
        for key in ("subject", "content") if email else ("content",):
            if issue := _typed(template.get(key), ["templates", i, key]):
                return issue
    return None


def _template(config: dict[str, Any], usage_type: str) -> dict[str, Any]:
    templates = config.get("templates", [])
    found = next((t for t in templates if t.get("usageType") == usage_type), None) or next(
        (t for t in templates if t.get("usageType") == "Generic"), None
    )
    if found is None:
        raise ConnectorFailure("template_not_found", f"Template not found for type: {usage_type}")
    return dict(found)


def _write(path: Path, record: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # JSON.stringify: no spaces, non-ASCII kept; then a newline.
    path.write_text(json.dumps(record, separators=(",", ":"), ensure_ascii=False) + "\n", encoding="utf-8")


class MockEmailConnector:
    def __init__(self, config: dict[str, Any], folder: str) -> None:
        self.config = config
        self.path = Path(folder) / RECORD_FILES["Email"]

    async def send(self, to: str, usage_type: str, payload: dict[str, Any]) -> Delivery:
        template = _template(self.config, usage_type)
        record = {
            "address": to,
            "code": payload.get("code"),
            "type": usage_type,
            "payload": payload,
            "template": template,
            "subject": substitute(template["subject"], payload),
            "content": substitute(template["content"], payload),
        }
        _write(self.path, record)
        return Delivery(to=to, usage_type=usage_type, template_key=template["usageType"], status=None)


class MockSmsConnector:
    def __init__(self, config: dict[str, Any], folder: str) -> None:
        self.config = config
        self.path = Path(folder) / RECORD_FILES["Sms"]

    async def send(self, to: str, usage_type: str, payload: dict[str, Any]) -> Delivery:
        template = _template(self.config, usage_type)
        _write(self.path, {"phone": to, "code": payload.get("code"), "type": usage_type, "payload": payload})
        return Delivery(to=to, usage_type=usage_type, template_key=template["usageType"], status=None)


def build_mock(
    connector_id: str, config: dict[str, Any], folder: str
) -> MockEmailConnector | MockSmsConnector:
    if connector_id == MOCK_EMAIL_ID:
        return MockEmailConnector(config, folder)
    return MockSmsConnector(config, folder)
