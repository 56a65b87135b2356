"""``harness.toml``: one file for the whole harness — the tenant (fake_logto's config), the mailbox
(fake_mailgun's settings), where each listens, and the sample app.

Every key is optional; the defaults reproduce the seed (Logto on http://localhost:3001, the app on :3000,
callback /callback, Mailgun connector → this harness's fake_mailgun). The Mailgun connector's endpoint,
domain and key follow ``[mailgun]`` unless the tenant sets them, so the default file needs no edits.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from fake_logto import ConfigError as TenantConfigError
from fake_logto import TenantConfig, default_mailgun_config, parse_config
from fake_mailgun import DEFAULT_API_KEY, DEFAULT_DOMAIN
from fakekit import ConfigFileError, read_toml

from ._errors import ConfigError

AppKind = Literal["python", "go", "none"]
APP_KINDS = ("python", "go", "none")


@dataclass(frozen=True)
class HarnessConfig:
    host: str = "127.0.0.1"
    logto_port: int = 3001
    logto_endpoint: str = ""  # public URL; default http://localhost:<logto_port>
    mailgun_port: int = 5080
    smtp_port: int = 2525  # -1: no SMTP capture
    mailgun_domains: tuple[str, ...] = (DEFAULT_DOMAIN,)
    mailgun_api_key: str = DEFAULT_API_KEY
    app: AppKind = "python"
    app_port: int = 3000
    tenant: dict[str, Any] = field(default_factory=dict)  # fake_logto's tenant table, as written
    source: str | None = None

    def __post_init__(self) -> None:
        ports = (
            ("logto.port", self.logto_port, 0),
            ("mailgun.port", self.mailgun_port, 0),
            ("mailgun.smtp_port", self.smtp_port, -1),
            ("app.port", self.app_port, 0),
        )
        for name, port, lowest in ports:
            if not lowest <= port <= 65535:
                off = " or -1 (no SMTP)" if lowest < 0 else ""
                raise ConfigError(f"{name}: must be a port number, 0 (any free) to 65535{off}; got {port}")

    def tenant_config(self, mailgun_url: str, app_url: str | None = None) -> TenantConfig:
        """The tenant; a Mailgun connector's endpoint, domain, key, sender and deliveries default to this
        harness's fake_mailgun and the seed's templates, each overridable in ``[tenant.connector.config]``.

        With ``app_url`` (where the sample app answers), the first application — the one the sample app
        signs in as — also accepts ``<app_url>/callback`` and ``<app_url>`` as its redirect and post
        sign-out URIs, listed first, as one would add them in the Console."""
        tenant = self._tenant_config(mailgun_url)
        return tenant if app_url is None else with_app_url(tenant, app_url)

    def _tenant_config(self, mailgun_url: str) -> TenantConfig:
        tenant = copy.deepcopy(self.tenant)
        connector = tenant.setdefault("connector", {})
        if isinstance(connector, dict) and connector.get("kind", "mailgun") == "mailgun":
            given = connector.get("config", {})
            if isinstance(given, str):
                try:
                    given = json.loads(given)
                except ValueError as exc:
                    raise ConfigError(f"connector.config: not valid JSON: {exc}") from exc
            if isinstance(given, dict):
                defaults = default_mailgun_config(
                    f"{mailgun_url}/.mailgun.net", self.mailgun_domains[0], self.mailgun_api_key
                )
                connector["config"] = {**defaults, **given}
        try:
            return parse_config(tenant)
        except TenantConfigError as exc:
            raise ConfigError(str(exc)) from exc


def with_app_url(tenant: TenantConfig, app_url: str) -> TenantConfig:
    """``tenant`` whose first application also redirects to the app at ``app_url`` (see ``tenant_config``)."""
    if not tenant.applications:
        raise ConfigError("tenant.applications: the sample app needs an application to sign in as")
    first = tenant.applications[0]
    if first.type != "traditional":
        raise ConfigError(
            f"tenant.applications[0].type: the sample app signs in as the first application, which must be "
            f"a traditional web app, got {first.type!r}"
        )
    app_url = app_url.rstrip("/")

    def first_with(url: str, urls: tuple[str, ...]) -> tuple[str, ...]:
        return (url, *(u for u in urls if u != url))

    first = dataclasses.replace(
        first,
        redirect_uris=first_with(f"{app_url}/callback", first.redirect_uris),
        post_logout_redirect_uris=first_with(app_url, first.post_logout_redirect_uris),
    )
    return dataclasses.replace(tenant, applications=(first, *tenant.applications[1:]))


def _section(data: dict[str, Any], name: str) -> dict[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{name}: must be a table")
    return value


def _typed(section: dict[str, Any], path: str, key: str, kind: type, default: Any) -> Any:
    if key not in section:
        return default
    value = section[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ConfigError(f"{path}.{key}: must be a {kind.__name__}, got {value!r}")
    return value


def parse_harness_config(data: dict[str, Any], source: str | None = None) -> HarnessConfig:
    unknown = sorted(set(data) - {"host", "logto", "mailgun", "app", "tenant"})
    if unknown:
        raise ConfigError(f"{unknown[0]}: unknown section (expected logto, mailgun, app, tenant)")
    logto, mailgun, app = _section(data, "logto"), _section(data, "mailgun"), _section(data, "app")
    for path, table, keys in (
        ("logto", logto, {"port", "endpoint"}),
        ("mailgun", mailgun, {"port", "smtp_port", "domains", "api_key"}),
        ("app", app, {"kind", "port"}),
    ):
        extra = sorted(set(table) - keys)
        if extra:
            raise ConfigError(f"{path}.{extra[0]}: unknown setting")
    kind = _typed(app, "app", "kind", str, "python")
    if kind not in APP_KINDS:
        raise ConfigError(f"app.kind: must be one of {', '.join(APP_KINDS)}, got {kind!r}")
    domains = tuple(_typed(mailgun, "mailgun", "domains", list, [DEFAULT_DOMAIN]))
    config = HarnessConfig(
        host=_typed(data, "", "host", str, "127.0.0.1"),
        logto_port=_typed(logto, "logto", "port", int, 3001),
        logto_endpoint=_typed(logto, "logto", "endpoint", str, ""),
        mailgun_port=_typed(mailgun, "mailgun", "port", int, 5080),
        smtp_port=_typed(mailgun, "mailgun", "smtp_port", int, 2525),
        mailgun_domains=domains,
        mailgun_api_key=_typed(mailgun, "mailgun", "api_key", str, DEFAULT_API_KEY),
        app=kind,
        app_port=_typed(app, "app", "port", int, 3000),
        tenant=_section(data, "tenant"),
        source=source,
    )
    try:
        config.tenant_config("http://127.0.0.1:5080")  # validate the tenant now, naming tenant.* fields
    except ConfigError as exc:
        raise ConfigError(f"tenant.{exc}") from exc
    return config


def load_harness_config(path: str | Path | None) -> HarnessConfig:
    if not path:
        return parse_harness_config({})
    try:
        data = read_toml(path)
    except ConfigFileError as exc:
        raise ConfigError(str(exc)) from exc
    return parse_harness_config(data, str(path))


STARTER = """\
# harness.toml — the local Logto + Mailgun harness. Every setting is optional; the values shown are the
# defaults, which reproduce the seed tutorial (Logto on http://localhost:3001, the app on :3000).

[logto]
port = 3001                               # fake_logto
# endpoint = "http://localhost:3001"      # public URL (issuer); default http://localhost:<port>

[mailgun]
port = 5080                               # Mailgun API, inbox UI, /__harness/ mailbox API
smtp_port = 2525                          # SMTP capture (-1: none)
domains = ["mg.example.test"]
api_key = "key-harness"

[app]
kind = "python"                           # the sample app `harness up` starts: python | go | none
port = 3000

# The tenant, as the Logto Console describes it (see README, "fake_logto").
[[tenant.applications]]
name = "Bookstore"
type = "traditional"
id = "bookstore"
secret = "bookstore-secret"
redirect_uris = ["http://localhost:3000/callback"]
post_logout_redirect_uris = ["http://localhost:3000"]

[tenant.sign_in_experience.sign_up]
identifiers = ["email"]
verify = true
password = false

[[tenant.sign_in_experience.sign_in]]
identifier = "email"
verification_code = true
password = false

# The Mailgun connector (Logto's own config shape). Endpoint, domain and key default to [mailgun] above.
[tenant.connector]
kind = "mailgun"
[tenant.connector.config]
from = "Bookstore <no-reply@mg.example.test>"
[tenant.connector.config.deliveries.SignIn]
subject = "{{code}} is your sign-in code"
html = "<p>Your sign-in code is {{code}}.</p>"
text = "Your sign-in code is {{code}}."
[tenant.connector.config.deliveries.Register]
subject = "{{code}} is your verification code"
html = "<p>Welcome! Your verification code is {{code}}.</p>"
text = "Welcome! Your verification code is {{code}}."
[tenant.connector.config.deliveries.Generic]
subject = "{{code}} is your verification code"
html = "<p>Your verification code is {{code}}.</p>"
"""
