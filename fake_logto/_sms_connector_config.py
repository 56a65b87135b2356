"""The SMS connectors' config in Logto's own connector shapes, without the HTTP stack (config files are
read before any server starts): the ``[sms_connector]`` kinds, the Twilio package's default templates,
a default config pointed at a Twilio stand-in, and the packages' zod guards as :func:`config_problem`
(``packages/connectors/connector-twilio-sms/src/types.ts`` ``twilioSmsConfigGuard``, with the
``Register``, ``SignIn``, ``ForgotPassword`` and ``Generic`` templates required;
``packages/connectors/connector-http-sms/src/types.ts`` ``httpSmsConfigGuard``). The senders are
:mod:`._sms_connectors`.
"""

from __future__ import annotations

from typing import Any

TWILIO_ID = "twilio-short-message-service"
HTTP_SMS_ID = "http-sms"
TWILIO_ORIGIN = "https://api.twilio.com"
TWILIO_PATH = "/2010-04-01/Accounts/{account_sid}/Messages.json"
REQUIRED_TEMPLATES = ("Register", "SignIn", "ForgotPassword", "Generic")  # requiredTemplateUsageTypes
# got's user agent, as the packages send it.
USER_AGENT = "got (https://github.com/sindresorhus/got)"
# The kinds of ``[sms_connector]``: Logto's connector id, target and name (each package's constant.ts).
KINDS = {
    "twilio": (TWILIO_ID, "twilio-sms", "Twilio SMS Service"),
    "http": (HTTP_SMS_ID, "http-sms", "HTTP SMS"),
}


def default_twilio_templates(brand: str = "Logto") -> list[dict[str, str]]:
    """The package's default templates (``constant.ts`` ``formItems``), for the usage types Logto sends."""
    texts = {
        "SignIn": "sign-in verification code",
        "Register": "sign-up verification code",
        "ForgotPassword": "password change verification code",
        "Generic": "verification code",
        "BindMfa": "2-step verification setup code",
        "MfaVerification": "MFA verification code",
    }
    return [
        {
            "usageType": usage,
            "content": f"Your {brand} {text} is {{{{code}}}}. The code will remain active for 10 minutes.",
        }
        for usage, text in texts.items()
    ]


def default_twilio_config(
    endpoint: str, account_sid: str, auth_token: str, messaging_service_sid: str = "MG" + "0" * 32
) -> dict[str, Any]:
    """A Twilio connector config pointed at a Twilio stand-in at ``endpoint`` (an origin)."""
    return {
        "endpoint": endpoint,
        "accountSID": account_sid,
        "authToken": auth_token,
        "fromMessagingServiceSID": messaging_service_sid,
        "templates": default_twilio_templates(),
    }


def config_problem(kind: str, config: dict[str, Any]) -> str | None:
    """What in ``config`` fails the package's guard (a ``key: problem`` text), or None."""
    strings = ("accountSID", "authToken", "fromMessagingServiceSID") if kind == "twilio" else ("endpoint",)
    for key in strings:
        if not isinstance(config.get(key), str):
            return f"{key}: is required (a string)"
    optional = ("endpoint",) if kind == "twilio" else ("authorization",)
    for key in optional:
        if key in config and not isinstance(config[key], str):
            return f"{key}: must be a string"
    if kind == "http":
        return None
    if "disableRiskCheck" in config and not isinstance(config["disableRiskCheck"], bool):
        return "disableRiskCheck: must be a boolean"
    templates = config.get("templates")
    if not isinstance(templates, list):
        return "templates: is required (a list of {usageType, content})"
    for i, template in enumerate(templates):
        if not (
            isinstance(template, dict)
            and isinstance(template.get("usageType"), str)
            and isinstance(template.get("content"), str)
        ):
            return f"templates[{i}]: needs usageType and content (strings)"
    have = {t["usageType"] for t in templates}
    missing = [usage for usage in REQUIRED_TEMPLATES if usage not in have]
    if missing:  # the guard's refine message
        return f"templates: Template with UsageType ({', '.join(missing)}) should be provided!"
    return None
