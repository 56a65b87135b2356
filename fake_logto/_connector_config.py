"""The email connector's config in Logto's own connector shape: the seed's Mailgun config (pointed at
fake_mailgun) and the checks a config must pass at start — the fields Logto's Mailgun connector
(``packages/connectors/connector-mailgun/src/types.ts``) and SMTP connector
(``packages/connectors/connector-smtp/src/types.ts``) require.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from ._config import ConfigError

# The template types a delivery may be keyed by (connector-kit ``TemplateType``, those the fake sends).
USAGE_TYPES = ("SignIn", "Register", "ForgotPassword", "OrganizationInvitation", "Generic")
DEFAULT_MAILGUN_ENDPOINT = "http://127.0.0.1:5080/.mailgun.net"


def default_mailgun_config(
    endpoint: str = DEFAULT_MAILGUN_ENDPOINT, domain: str = "mg.example.test", api_key: str = "key-harness"
) -> dict[str, Any]:
    """The seed's Mailgun connector config (its deliveries, in English), pointed at fake_mailgun."""
    return {
        "endpoint": endpoint,
        "domain": domain,
        "apiKey": api_key,
        "from": f"Bookstore <no-reply@{domain}>",
        "deliveries": {
            "Register": {
                "subject": "{{code}} is your verification code",
                "replyTo": f"Bookstore <support@{domain}>",
                "html": "<h1>Welcome to Bookstore</h1><p>Your verification code is {{code}}.</p>",
                "text": "Welcome to Bookstore. Your verification code is {{code}}.",
            },
            "SignIn": {
                "subject": "{{code}} is your sign-in code",
                "replyTo": f"Bookstore <support@{domain}>",
                "html": "<h1>Welcome back</h1><p>Your sign-in code is {{code}}.</p>",
                "text": "Welcome back. Your sign-in code is {{code}}.",
            },
            "ForgotPassword": {
                "subject": "{{code}} is your password reset code",
                "html": "<p>Your password reset code is {{code}}.</p>",
                "text": "Your password reset code is {{code}}.",
            },
            "OrganizationInvitation": {
                "subject": "You are invited to join {{organization.name}}",
                "replyTo": f"Bookstore <support@{domain}>",
                "html": '<p>You are invited to join {{organization.name}}.</p><p><a href="{{link}}">Accept</a></p>',
                "text": "You are invited to join {{organization.name}}: {{link}}",
            },
            "Generic": {
                "subject": "{{code}} is your verification code",
                "html": "<p>Your verification code is {{code}}.</p>",
                "text": "Your verification code is {{code}}.",
            },
        },
    }


def _require(config: dict[str, Any], key: str, where: str) -> None:
    if not isinstance(config.get(key), str) or not config[key]:
        raise ConfigError(f"{where}.{key}: is required (a non-empty string)")


def validate_connector_config(kind: str, config: dict[str, Any], where: str) -> None:
    if kind == "mailgun":
        for key in ("domain", "apiKey", "from"):
            _require(config, key, where)
        endpoint = config.get("endpoint")
        if endpoint is not None:
            parts = urlsplit(str(endpoint))
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ConfigError(f"{where}.endpoint: must be a URL, got {endpoint!r}")
            if not str(endpoint).rstrip("/").endswith(".mailgun.net"):
                raise ConfigError(
                    f"{where}.endpoint: must end with '.mailgun.net' as in Logto; for a local Mailgun use "
                    f"'{parts.scheme}://{parts.netloc}/.mailgun.net' (the path is dropped when sending)"
                )
        deliveries = config.get("deliveries")
        if not isinstance(deliveries, dict) or not deliveries:
            raise ConfigError(f"{where}.deliveries: is required (an object keyed by usage type)")
        for usage, delivery in deliveries.items():
            if usage not in USAGE_TYPES:
                raise ConfigError(
                    f"{where}.deliveries.{usage}: unknown usage type ({', '.join(USAGE_TYPES)})"
                )
            if not isinstance(delivery, dict) or not ("html" in delivery or "template" in delivery):
                raise ConfigError(f"{where}.deliveries.{usage}: needs 'html' or 'template'")
            if "html" in delivery and "template" in delivery:
                raise ConfigError(f"{where}.deliveries.{usage}: 'html' and 'template' exclude each other")
            if "variables" in delivery and not isinstance(delivery["variables"], dict):
                raise ConfigError(f"{where}.deliveries.{usage}.variables: must be an object")
    else:
        for key in ("host", "fromEmail"):
            _require(config, key, where)
        if not isinstance(config.get("port"), int):
            raise ConfigError(f"{where}.port: is required (an integer)")
        templates = config.get("templates")
        if not isinstance(templates, list) or not templates:
            raise ConfigError(f"{where}.templates: is required (a list of {{usageType, subject, content}})")
        for i, template in enumerate(templates):
            if not isinstance(template, dict) or template.get("usageType") not in USAGE_TYPES:
                raise ConfigError(
                    f"{where}.templates[{i}].usageType: must be one of {', '.join(USAGE_TYPES)}"
                )
