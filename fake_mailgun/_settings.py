"""fake_mailgun's settings, defined once.

The same names and defaults serve the app factory, the thread runner, ``python -m fake_mailgun`` (each
field is a ``--flag`` and a ``FAKE_MAILGUN_*`` env var) and the harness (``[mailgun]`` of harness.toml,
``--mailgun-*``, ``HARNESS_MAILGUN_*``, ``mailgun_*=``). Each field's metadata (help, ``flag``, ``port``,
``off``) is what fakekit's ``Options`` makes the flags, env vars and TOML keys from.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

DEFAULT_DOMAIN = "mg.example.test"
DEFAULT_API_KEY = "key-harness"
# The Twilio stand-in's credentials (an Account SID is "AC" and 32 hex digits).
DEFAULT_TWILIO_ACCOUNT_SID = "AC" + "5ca1ab1e" * 4
DEFAULT_TWILIO_AUTH_TOKEN = "twilio-harness-token"


@dataclass(frozen=True, kw_only=True)
class Settings:
    host: str = field(
        default="127.0.0.1", metadata={"help": "address to bind (loopback unless asked)", "nonempty": True}
    )
    port: int = field(
        default=5080, metadata={"help": "HTTP port of the Mailgun API and inbox (0: any free)", "port": True}
    )
    smtp_port: int = field(
        default=2525,
        metadata={"help": "SMTP capture port (0: any free, -1: off)", "port": True, "off": "no SMTP"},
    )
    domains: tuple[str, ...] = field(
        default=(DEFAULT_DOMAIN,),
        metadata={
            "help": "sending domain the API accepts (repeatable)",
            "flag": "--domain",
            "nonempty": True,
        },
    )
    api_key: str = field(
        default=DEFAULT_API_KEY, metadata={"help": "API key (HTTP Basic password, user 'api')"}
    )
    webhook_signing_key: str = field(
        default="", metadata={"help": "HMAC key for webhook signatures (default: the API key)"}
    )
    webhooks: tuple[str, ...] = field(
        default=(),
        metadata={
            "help": "webhook target, 'URL' (all events) or 'EVENT=URL' (repeatable)",
            "flag": "--webhook",
        },
    )
    twilio_account_sid: str = field(
        default=DEFAULT_TWILIO_ACCOUNT_SID,
        metadata={"help": "Account SID the Twilio Messages API stand-in accepts (HTTP Basic user)"},
    )
    twilio_auth_token: str = field(
        default=DEFAULT_TWILIO_AUTH_TOKEN,
        metadata={"help": "Auth Token the Twilio Messages API stand-in accepts (HTTP Basic password)"},
    )
    http_sms_authorization: str = field(
        default="",
        metadata={"help": "Authorization header the HTTP SMS endpoint requires (default: any or none)"},
    )
    public_url: str = field(
        default="", metadata={"help": "base URL put in paging links (default: http://HOST:PORT)"}
    )
    clock: Callable[[], float] = field(default=time.time, metadata={"cli": False})

    @property
    def signing_key(self) -> str:
        return self.webhook_signing_key or self.api_key
