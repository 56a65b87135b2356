"""``harness.toml`` and the harness's settings: one description for the whole harness — the tenant
(fake_logto's config), the fakes' own settings objects (``[logto]``: ``fake_logto.Settings``,
``[mailgun]``: ``fake_mailgun.Settings``), the sample app (``[app]``), the Management API's M2M app
(``[management]``, :mod:`harness._management`) and where all of them bind (``host``).

:class:`HarnessConfig`'s fields are the description :data:`OPTIONS` is generated from: each setting is a
``harness up`` flag, a ``HARNESS_*`` env var, a harness.toml key, a pytest option and marker argument,
with one name (``[logto] port`` ↔ ``--logto-port`` ↔ ``HARNESS_LOGTO_PORT`` ↔ ``logto_port=``) and the
one default written on its field. The TOML reader checks types from it, and :data:`STARTER` (the file
``harness init`` writes) shows its defaults and help.

Every key is optional; the defaults reproduce the seed (the app's callback /callback, Mailgun connector
→ this harness's fake_mailgun). The Mailgun connector's endpoint, domain and key follow ``[mailgun]``
unless the tenant sets them, so the default file needs no edits.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import textwrap
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fake_logto import ConfigError as TenantConfigError
from fake_logto import Settings as LogtoSettings
from fake_logto import TenantConfig, default_mailgun_config, default_twilio_config, parse_config
from fake_mailgun import Settings as MailgunSettings
from fakekit import ConfigFileError, Options, SettingError, read_toml, url_of

from ._apps import SampleAppSettings
from ._errors import ConfigError
from ._management import ManagementSettings, with_management_app


@dataclass(frozen=True, kw_only=True)
class HarnessConfig:
    """The harness's settings: the fakes' own settings objects (``[logto]``, ``[mailgun]``), the sample
    app's (``[app]``), the Management API's M2M app (``[management]``), where all of them bind (``host``)
    and the tenant (``[tenant]``, fake_logto's config).

    These fields are the description every way of giving a setting is made from (:data:`OPTIONS`):
    ``[logto] port`` in harness.toml is ``--logto-port`` of ``harness up``, ``HARNESS_LOGTO_PORT``,
    ``@pytest.mark.harness(logto_port=…)`` and ``config.logto_port``. A flag wins over the env var, the
    env var over the file, the file over the default written on the field (here, or on the fake's own
    ``Settings``)."""

    host: str = field(
        default=LogtoSettings.host,
        metadata={"help": "address every service binds (loopback unless asked)", "nonempty": True},
    )
    logto: LogtoSettings = field(
        default_factory=LogtoSettings,
        # The harness binds every service on `host` and gives fake_logto the [tenant] table itself.
        metadata={"section": True, "exclude": ("host", "config"), "aliases": {"endpoint": ("endpoint",)}},
    )
    mailgun: MailgunSettings = field(
        default_factory=MailgunSettings,
        metadata={"section": True, "exclude": ("host",), "aliases": {"smtp_port": ("smtp_port",)}},
    )
    app: SampleAppSettings = field(default_factory=SampleAppSettings, metadata={"section": True})
    management: ManagementSettings = field(default_factory=ManagementSettings, metadata={"section": True})
    tenant: dict[str, Any] = field(default_factory=dict, metadata={"cli": False})  # as written
    source: str | None = field(default=None, metadata={"cli": False})

    def __post_init__(self) -> None:
        try:
            OPTIONS.check(self)
        except SettingError as exc:
            raise ConfigError(str(exc)) from None

    def __getattr__(self, name: str) -> Any:
        """A section's setting by its flat name too (``config.logto_port``), as its flag and marker say it."""
        opt = None if name.startswith("_") else OPTIONS.find(name)
        if opt is None or not opt.section:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        return getattr(object.__getattribute__(self, opt.section), opt.field.name)

    def management_app(self) -> tuple[str, str] | None:
        """``(app_id, app_secret)`` of the Management API's M2M app (``[management]``), None if off."""
        return (self.management.app_id, self.management.app_secret) if self.management.app_id else None

    def with_settings(self, **values: Any) -> HarnessConfig:
        """This config with settings replaced, by flat name (``logto_port=0``), checked."""
        try:
            return OPTIONS.replace(self, values)
        except SettingError as exc:
            raise ConfigError(str(exc)) from None

    def with_free_ports(self, keep: Collection[str] = ()) -> HarnessConfig:
        """Every port 0 (any free), but a port that is off (-1) stays off and those named in ``keep``
        stay as they are."""
        ports = [opt for opt in OPTIONS if opt.field.metadata.get("port") and opt.name not in keep]
        return self.with_settings(**{o.name: 0 for o in ports if getattr(self, o.name) != -1})

    def tenant_config(
        self, mailgun_url: str, app_url: str | None = None, *, spa: bool = False
    ) -> TenantConfig:
        """The tenant; a Mailgun connector's endpoint, domain, key, sender and deliveries default to this
        harness's fake_mailgun and the seed's templates, each overridable in ``[tenant.connector.config]``.

        With ``app_url`` (where the sample app answers), the first application — the one the sample app
        signs in as — also accepts ``<app_url>/callback`` and ``<app_url>`` as its redirect and post
        sign-out URIs, listed first, as one would add them in the Console. With ``spa`` (the SPA sample
        app), that is the tenant's first SPA application, moved first, or :data:`SPA_APP` added first
        when the tenant has none."""
        tenant = self._tenant_config(mailgun_url, spa)
        return tenant if app_url is None else with_app_url(tenant, app_url, spa=spa)

    def _tenant_config(self, mailgun_url: str, spa: bool = False) -> TenantConfig:
        tenant = with_management_app(copy.deepcopy(self.tenant), self.management, _seed_app_table())
        if spa:
            tenant = _with_spa_first(tenant)
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
                    f"{mailgun_url}/.mailgun.net", self.mailgun.domains[0], self.mailgun.api_key
                )
                connector["config"] = {**defaults, **given}
        sms = tenant.get("sms_connector")
        if isinstance(sms, dict) and isinstance(sms.get("config", {}), dict):
            sms["config"] = {
                **self._sms_defaults(sms.get("kind", "twilio"), mailgun_url),
                **sms.get("config", {}),
            }
        try:
            return parse_config(tenant)
        except TenantConfigError as exc:
            raise ConfigError(str(exc)) from exc

    def _sms_defaults(self, kind: object, mailgun_url: str) -> dict[str, Any]:
        """An SMS connector's config defaults: this harness's fake_mailgun — its Twilio stand-in and
        credentials, or its HTTP SMS endpoint — and the Twilio package's default templates."""
        if kind == "http":
            return {"endpoint": f"{mailgun_url}/http-sms"}
        return default_twilio_config(
            mailgun_url, self.mailgun.twilio_account_sid, self.mailgun.twilio_auth_token
        )


# The SPA sample app's application when the tenant has no SPA one: a public client (no secret, PKCE),
# its URIs the sample app's at its default port, as the seed's traditional app's.
SPA_APP: dict[str, Any] = {
    "name": "Bookstore SPA",
    "type": "spa",
    "id": "bookstore-spa",
    "redirect_uris": ["http://localhost:3000/callback"],
    "post_logout_redirect_uris": ["http://localhost:3000"],
}


def _with_spa_first(tenant: dict[str, Any]) -> dict[str, Any]:
    """``tenant`` whose applications start with its first SPA one (or :data:`SPA_APP`)."""
    applications = tenant.get("applications", [_seed_app_table()])
    if not isinstance(applications, list):
        return tenant  # not a list: the tenant's reader names the field
    spa = next((a for a in applications if isinstance(a, dict) and a.get("type") == "spa"), None)
    rest = [a for a in applications if a is not spa]
    return {**tenant, "applications": [spa or copy.deepcopy(SPA_APP), *rest]}


def _seed_app_table() -> dict[str, Any]:
    """fake_logto's seed application (what a tenant without ``applications`` has), as a table."""
    seed = parse_config({}).applications[0]
    return {
        "name": seed.name,
        "type": seed.type,
        "id": seed.id,
        "secret": seed.secret,
        "redirect_uris": list(seed.redirect_uris),
        "post_logout_redirect_uris": list(seed.post_logout_redirect_uris),
    }


def with_app_url(tenant: TenantConfig, app_url: str, *, spa: bool = False) -> TenantConfig:
    """``tenant`` whose first application also redirects to the app at ``app_url`` (see ``tenant_config``)."""
    if not tenant.applications:
        raise ConfigError("tenant.applications: the sample app needs an application to sign in as")
    first = tenant.applications[0]
    wanted, kind = ("spa", "a single-page app") if spa else ("traditional", "a traditional web app")
    if first.type != wanted:
        raise ConfigError(
            f"tenant.applications[0].type: the sample app signs in as the first application, which must be "
            f"{kind}, got {first.type!r}"
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


OPTIONS = Options(HarnessConfig, "HARNESS")
"""Every harness setting: a ``harness up`` flag, a ``HARNESS_*`` env var, a harness.toml key, a marker
argument and pytest option of the plugin — all named from :class:`HarnessConfig`'s fields."""


def settings_from_env(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The settings the ``HARNESS_*`` environment variables give, checked."""
    try:
        return OPTIONS.from_env(environ)
    except SettingError as exc:
        raise ConfigError(str(exc)) from None


def parse_harness_config(data: dict[str, Any], source: str | None = None) -> HarnessConfig:
    try:
        values = OPTIONS.from_table(data, others=("tenant",))
    except SettingError as exc:
        raise ConfigError(str(exc)) from None
    tenant = data.get("tenant", {})
    if not isinstance(tenant, dict):
        raise ConfigError("tenant: must be a table")
    config = HarnessConfig(tenant=tenant, source=source).with_settings(**values)
    try:
        # Validate the tenant now, naming tenant.* fields (the URL only fills the connector's defaults).
        config.tenant_config(url_of("127.0.0.1", config.mailgun.port))
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


def _toml(value: Any) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(json.dumps(item) for item in value) + "]"
    return json.dumps(value)  # ints, and strings as TOML basic strings


def _settings_lines() -> list[str]:
    """Every setting with its help and default; one left empty by default is commented out."""
    lines: list[str] = []
    section = ""
    for opt in OPTIONS:
        if opt.section != section:
            section = opt.section
            lines += ["", f"[{section}]"]
        help_text = f"{opt.help} [--{opt.name.replace('_', '-')}, {opt.env(OPTIONS.prefix)}]"
        lines += textwrap.wrap(help_text, 108, initial_indent="# ", subsequent_indent="#   ")
        default = opt.default
        lines.append(f"{'# ' if default in ('', ()) else ''}{opt.field.name} = {_toml(default)}")
    return lines


_DEFAULT = HarnessConfig()
STARTER = "\n".join(
    [
        "# harness.toml — the local Logto + Mailgun harness. Every setting is optional; the values shown are",
        f"# the defaults, which reproduce the seed tutorial (Logto on http://localhost:{_DEFAULT.logto.port},",
        f"# the app on :{_DEFAULT.app.port}). Each is also a flag of `harness up` and a HARNESS_* env var",
        "# (named in brackets) and an argument of @pytest.mark.harness (logto_port=…): a flag wins over the",
        "# env var, the env var over this file, this file over the default.",
        "",
        *_settings_lines(),
        "",
        "",
    ]
)
_SEED_APP = parse_config({}).applications[0]  # fake_logto's seed tenant: its one application
STARTER += f"""\
# The tenant, as the Logto Console describes it (see docs/fake_logto.md).
[[tenant.applications]]
name = {_toml(_SEED_APP.name)}
type = {_toml(_SEED_APP.type)}
id = {_toml(_SEED_APP.id)}
secret = {_toml(_SEED_APP.secret)}
redirect_uris = {_toml(_SEED_APP.redirect_uris)}
post_logout_redirect_uris = {_toml(_SEED_APP.post_logout_redirect_uris)}
"""
STARTER += """\

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

# Phone codes: Logto's Twilio SMS connector, its endpoint, credentials and templates defaulting to this
# harness's Twilio stand-in ("http": Logto's HTTP SMS connector); then add "phone" to the sign-up
# identifiers and sign-in methods.
# [tenant.sms_connector]
# kind = "twilio"
"""
