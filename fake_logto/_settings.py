"""fake_logto's settings, defined once: app factory, thread runner, ``python -m fake_logto`` flags
(``--flag`` / ``FAKE_LOGTO_*``) and the harness (``[logto]`` of harness.toml, ``--logto-*``,
``HARNESS_LOGTO_*``, ``logto_*=``) all use these names and these defaults. Each field's metadata (help,
``port``) is what fakekit's ``Options`` makes the flags, env vars and TOML keys from."""

from __future__ import annotations

from dataclasses import dataclass, field

from ._clock import Clock


@dataclass(frozen=True, kw_only=True)
class Settings:
    host: str = field(
        default="127.0.0.1", metadata={"help": "address to bind (loopback unless asked)", "nonempty": True}
    )
    port: int = field(default=3001, metadata={"help": "port to listen on (0: any free)", "port": True})
    config: str = field(
        default="", metadata={"help": "tenant config file (TOML); default: the seed's tenant"}
    )
    endpoint: str = field(
        default="",
        metadata={
            "help": "public URL (issuer and browser URLs); default: the config's, else http://localhost:PORT"
        },
    )
    internal_url: str = field(
        default="",
        metadata={
            "help": "back-channel base URL other containers use (e.g. http://fake-logto:3001): discovery asked "
            "through it lists token/jwks/userinfo/revocation there, issuer and browser URLs stay public"
        },
    )
    keys_file: str = field(
        default="",
        metadata={"help": "JWK file with the P-384 signing key (created if missing); default: new key"},
    )
    dev_mode: bool = field(
        default=False,
        metadata={
            "help": "UNSAFE, for Logto's own integration tests only: the Management API takes a "
            "`development-user-id` header in place of a token (as Logto outside production or with "
            "INTEGRATION_TEST=true), so anyone who reaches the port administers the tenant"
        },
    )
    mock_connector_dir: str = field(
        default="/tmp/logto",
        metadata={
            "help": "where Logto's mock email and SMS connectors (created by POST /api/connectors) write "
            "mock_email_record.txt and mock_sms_record.txt (Logto: /tmp/logto)",
            "nonempty": True,
        },
    )
    clock: Clock = field(default_factory=Clock, metadata={"cli": False})
