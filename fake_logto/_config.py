"""The tenant, described as the Logto Console describes it, read from one TOML file.

Every table is optional; the defaults reproduce the seed tutorial's tenant: a traditional web app
"Bookstore" (redirect ``http://localhost:3000/callback``, post-sign-out ``http://localhost:3000``) on
endpoint ``http://localhost:3001``, email sign-up and sign-in by verification code, codes sent through
the Mailgun connector (config in Logto's own connector shape). A bad value fails at start with a
:class:`ConfigError` naming the field, e.g. ``applications[0].type: must be one of …``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from fakekit import ConfigFileError
from fakekit import read_toml as fakekit_read_toml

AppType = Literal["traditional", "spa", "native", "m2m"]
APP_TYPES: tuple[str, ...] = ("traditional", "spa", "native", "m2m")
IDENTIFIERS = ("email", "username", "phone")
USAGE_TYPES = ("SignIn", "Register", "ForgotPassword", "Generic")
DEFAULT_ENDPOINT = "http://localhost:3001"
DEFAULT_MAILGUN_ENDPOINT = "http://127.0.0.1:5080/.mailgun.net"


class ConfigError(ValueError):
    """A tenant config value that cannot work; the message starts with the field's path."""


@dataclass(frozen=True)
class Application:
    name: str
    type: AppType
    id: str
    secret: str
    redirect_uris: tuple[str, ...] = ()
    post_logout_redirect_uris: tuple[str, ...] = ()
    first_party: bool = True

    @property
    def confidential(self) -> bool:
        return self.type in ("traditional", "m2m")


@dataclass(frozen=True)
class Resource:
    indicator: str
    name: str
    scopes: tuple[str, ...] = ()
    access_token_ttl: int = 3600


@dataclass(frozen=True)
class Role:
    name: str
    description: str = ""
    scopes: tuple[tuple[str, str], ...] = ()  # (resource indicator, scope)


@dataclass(frozen=True)
class Organization:
    id: str
    name: str
    members: tuple[str, ...] = ()  # user emails or usernames
    roles: tuple[tuple[str, str], ...] = ()  # (member, org role name)


@dataclass(frozen=True)
class SeedUser:
    email: str | None = None
    username: str | None = None
    phone: str | None = None
    password: str | None = None
    name: str | None = None
    picture: str | None = None
    custom_data: dict[str, Any] = field(default_factory=dict)
    roles: tuple[str, ...] = ()
    id: str | None = None


@dataclass(frozen=True)
class SignInMethod:
    identifier: str
    verification_code: bool = True
    password: bool = False


@dataclass(frozen=True)
class SignInExperience:
    sign_up_identifiers: tuple[str, ...] = ("email",)
    sign_up_verify: bool = True
    sign_up_password: bool = False
    registration_enabled: bool = True
    sign_in_methods: tuple[SignInMethod, ...] = (
        SignInMethod("email", verification_code=True, password=False),
    )
    forgot_password_email: bool = True
    app_name: str = ""

    def method(self, identifier: str) -> SignInMethod | None:
        return next((m for m in self.sign_in_methods if m.identifier == identifier), None)


@dataclass(frozen=True)
class Connector:
    kind: Literal["mailgun", "smtp"]
    config: dict[str, Any]


@dataclass(frozen=True)
class CodePolicy:
    length: int = 6
    expiry: int = 600
    max_attempts: int = 10
    send_cap: int = 10
    send_window: int = 600
    resend_countdown: int = 59


@dataclass(frozen=True)
class TenantConfig:
    endpoint: str = ""  # empty: http://localhost:<port>, the seed's http://localhost:3001 by default
    applications: tuple[Application, ...] = ()
    resources: tuple[Resource, ...] = ()
    roles: tuple[Role, ...] = ()
    organizations: tuple[Organization, ...] = ()
    users: tuple[SeedUser, ...] = ()
    sign_in_experience: SignInExperience = field(default_factory=SignInExperience)
    connector: Connector | None = None
    code_policy: CodePolicy = field(default_factory=CodePolicy)

    def application(self, client_id: str) -> Application | None:
        return next((a for a in self.applications if a.id == client_id), None)

    def resource(self, indicator: str) -> Resource | None:
        return next((r for r in self.resources if r.indicator == indicator), None)

    def public_endpoint(self, flag: str, port: int) -> str:
        """The tenant's public URL (issuer, browser URLs): the ``--endpoint`` flag, else this config's,
        else ``http://localhost:PORT`` on the port actually bound."""
        return (flag or self.endpoint or f"http://localhost:{port}").rstrip("/")


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
            "Generic": {
                "subject": "{{code}} is your verification code",
                "html": "<p>Your verification code is {{code}}.</p>",
                "text": "Your verification code is {{code}}.",
            },
        },
    }


def default_application() -> Application:
    return Application(
        name="Bookstore",
        type="traditional",
        id="bookstore",
        secret="bookstore-secret",
        redirect_uris=("http://localhost:3000/callback",),
        post_logout_redirect_uris=("http://localhost:3000",),
    )


# --- reading ----------------------------------------------------------------------------------------
class _Reader:
    """Typed access to one TOML table, failing with the field's path."""

    def __init__(self, data: Any, path: str) -> None:
        if not isinstance(data, dict):
            raise ConfigError(f"{path or 'config'}: must be a table")
        self.data, self.path = data, path
        self.used: set[str] = set()

    def _where(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def get(self, key: str, kind: type | tuple[type, ...], default: Any) -> Any:
        self.used.add(key)
        if key not in self.data:
            return default
        value = self.data[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            raise ConfigError(f"{self._where(key)}: must be a {names}, got {value!r}")
        return value

    def string(self, key: str, default: Any = None, *, required: bool = False) -> Any:
        value = self.get(key, str, default)
        if required and not value:
            raise ConfigError(f"{self._where(key)}: is required")
        return value

    def strings(self, key: str, default: tuple[str, ...] = ()) -> tuple[str, ...]:
        value = self.get(key, list, list(default))
        for i, item in enumerate(value):
            if not isinstance(item, str):
                raise ConfigError(f"{self._where(key)}[{i}]: must be a string, got {item!r}")
        return tuple(value)

    def choice(self, key: str, choices: tuple[str, ...], default: str) -> str:
        value: str = self.string(key, default)
        if value not in choices:
            raise ConfigError(f"{self._where(key)}: must be one of {', '.join(choices)}, got {value!r}")
        return value

    def positive(self, key: str, default: int) -> int:
        value: int = self.get(key, int, default)
        if value <= 0:
            raise ConfigError(f"{self._where(key)}: must be a positive integer, got {value}")
        return value

    def table(self, key: str) -> _Reader:
        return _Reader(self.get(key, dict, {}), self._where(key))

    def tables(self, key: str) -> list[_Reader]:
        return [_Reader(item, f"{self._where(key)}[{i}]") for i, item in enumerate(self.get(key, list, []))]

    def done(self) -> None:
        unknown = sorted(set(self.data) - self.used)
        if unknown:
            raise ConfigError(f"{self._where(unknown[0])}: unknown setting")


def _url(value: str, where: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"{where}: must be an absolute http(s) URL, got {value!r}")
    return value


def _application(r: _Reader, index: int) -> Application:
    app_type = r.choice("type", APP_TYPES, "traditional")
    name = r.string("name", required=True)
    app = Application(
        name=name,
        type=app_type,  # type: ignore[arg-type]
        id=r.string("id", required=True),
        secret=r.string("secret", ""),
        redirect_uris=tuple(_url(u, f"{r.path}.redirect_uris") for u in r.strings("redirect_uris")),
        post_logout_redirect_uris=tuple(
            _url(u, f"{r.path}.post_logout_redirect_uris") for u in r.strings("post_logout_redirect_uris")
        ),
        first_party=r.get("first_party", bool, True),
    )
    r.done()
    if app.confidential and not app.secret:
        raise ConfigError(f"{r.path}.secret: is required for a {app_type} application")
    if app.type != "m2m" and not app.redirect_uris:
        raise ConfigError(f"{r.path}.redirect_uris: a {app_type} application needs at least one")
    return app


def _resource(r: _Reader) -> Resource:
    resource = Resource(
        indicator=_url(r.string("indicator", required=True), f"{r.path}.indicator"),
        name=r.string("name", "") or r.data.get("indicator", ""),
        scopes=r.strings("scopes"),
        access_token_ttl=r.positive("access_token_ttl", 3600),
    )
    r.done()
    return resource


def _pairs(r: _Reader, key: str, sep: str) -> tuple[tuple[str, str], ...]:
    pairs = []
    for i, item in enumerate(r.strings(key)):
        left, found, right = item.rpartition(sep)
        if not found or not left or not right:
            raise ConfigError(f"{r.path}.{key}[{i}]: must look like 'a{sep}b', got {item!r}")
        pairs.append((left, right))
    return tuple(pairs)


def _role_scopes(r: _Reader) -> tuple[tuple[str, str], ...]:
    """``scopes = [{resource = "https://api…", scope = "write:books"}, …]`` (scope names contain colons)."""
    found = []
    for item in r.tables("scopes"):
        found.append((item.string("resource", required=True), item.string("scope", required=True)))
        item.done()
    return tuple(found)


def _user(r: _Reader) -> SeedUser:
    user = SeedUser(
        email=r.string("email"),
        username=r.string("username"),
        phone=r.string("phone"),
        password=r.string("password"),
        name=r.string("name"),
        picture=r.string("picture"),
        custom_data=r.get("custom_data", dict, {}),
        roles=r.strings("roles"),
        id=r.string("id"),
    )
    r.done()
    if not (user.email or user.username or user.phone):
        raise ConfigError(f"{r.path}: needs an email, a username or a phone")
    if user.email and "@" not in user.email:
        raise ConfigError(f"{r.path}.email: not an email address: {user.email!r}")
    try:  # served as JSON (/oidc/me, the control API): no TOML dates, no nan or inf
        json.dumps(user.custom_data, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{r.path}.custom_data: must be plain JSON ({exc})") from exc
    return user


def _sign_in_experience(r: _Reader) -> SignInExperience:
    sign_up = r.table("sign_up")
    identifiers = sign_up.strings("identifiers", ("email",))
    for i, ident in enumerate(identifiers):
        if ident not in IDENTIFIERS:
            raise ConfigError(f"{sign_up.path}.identifiers[{i}]: must be one of {', '.join(IDENTIFIERS)}")
    verify = sign_up.get("verify", bool, True)
    if not verify and any(i in ("email", "phone") for i in identifiers):
        raise ConfigError(f"{sign_up.path}.verify: is forced on for email and phone sign-up (as in Logto)")
    password = sign_up.get("password", bool, False)
    enabled = sign_up.get("enabled", bool, True)
    sign_up.done()
    methods = []
    for m in r.tables("sign_in"):
        method = SignInMethod(
            identifier=m.choice("identifier", IDENTIFIERS, "email"),
            verification_code=m.get("verification_code", bool, True),
            password=m.get("password", bool, False),
        )
        m.done()
        if not (method.verification_code or method.password):
            raise ConfigError(f"{m.path}: enable verification_code, password, or both")
        if method.identifier == "username" and method.verification_code:
            raise ConfigError(f"{m.path}.verification_code: a username cannot receive a code")
        methods.append(method)
    forgot = r.table("forgot_password")
    forgot_email = forgot.get("email", bool, True)
    forgot.done()
    experience = SignInExperience(
        sign_up_identifiers=identifiers,
        sign_up_verify=verify,
        sign_up_password=password,
        registration_enabled=enabled,
        sign_in_methods=tuple(methods) or SignInExperience().sign_in_methods,
        forgot_password_email=forgot_email,
        app_name=r.string("app_name", ""),
    )
    r.done()
    return experience


def _connector(r: _Reader) -> Connector:
    kind = r.choice("kind", ("mailgun", "smtp"), "mailgun")
    raw = r.get("config", (dict, str), None)
    r.done()
    if raw is None:
        config: dict[str, Any] = default_mailgun_config() if kind == "mailgun" else {}
    elif isinstance(raw, str):
        try:
            config = json.loads(raw)
        except ValueError as exc:
            raise ConfigError(f"{r.path}.config: not valid JSON: {exc}") from exc
    else:
        config = raw
    _validate_connector_config(kind, config, f"{r.path}.config")
    return Connector(kind=kind, config=config)  # type: ignore[arg-type]


def _require(config: dict[str, Any], key: str, where: str) -> None:
    if not isinstance(config.get(key), str) or not config[key]:
        raise ConfigError(f"{where}.{key}: is required (a non-empty string)")


def _validate_connector_config(kind: str, config: dict[str, Any], where: str) -> None:
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


def _code_policy(r: _Reader) -> CodePolicy:
    policy = CodePolicy(
        length=r.positive("length", 6),
        expiry=r.positive("expiry", 600),
        max_attempts=r.positive("max_attempts", 10),
        send_cap=r.positive("send_cap", 10),
        send_window=r.positive("send_window", 600),
        resend_countdown=r.positive("resend_countdown", 59),
    )
    r.done()
    if not 4 <= policy.length <= 10:
        raise ConfigError(f"{r.path}.length: must be between 4 and 10")
    return policy


def parse_config(data: dict[str, Any]) -> TenantConfig:
    root = _Reader(data, "")
    endpoint = root.string("endpoint", "")
    endpoint = _url(endpoint, "endpoint").rstrip("/") if endpoint else ""
    apps = tuple(_application(r, i) for i, r in enumerate(root.tables("applications"))) or (
        default_application(),
    )
    ids = [a.id for a in apps]
    duplicate = next((i for i in ids if ids.count(i) > 1), None)
    if duplicate:
        raise ConfigError(f"applications: the id {duplicate!r} is used twice")
    resources = tuple(_resource(r) for r in root.tables("resources"))
    roles = []
    for r in root.tables("roles"):
        role = Role(
            name=r.string("name", required=True),
            description=r.string("description", ""),
            scopes=_role_scopes(r),
        )
        r.done()
        for indicator, scope in role.scopes:
            res = next((x for x in resources if x.indicator == indicator), None)
            if res is None or scope not in res.scopes:
                raise ConfigError(
                    f"{r.path}.scopes: {indicator}:{scope} is not a scope of a configured resource"
                )
        roles.append(role)
    organizations = []
    for r in root.tables("organizations"):
        org = Organization(
            id=r.string("id", required=True),
            name=r.string("name", "") or r.data.get("id", ""),
            members=r.strings("members"),
            roles=_pairs(r, "roles", ":"),
        )
        r.done()
        organizations.append(org)
    users = tuple(_user(r) for r in root.tables("users"))
    role_names = {role.name for role in roles}
    for i, user in enumerate(users):
        for role_name in user.roles:
            if role_name not in role_names:
                raise ConfigError(f"users[{i}].roles: no role named {role_name!r}")
    experience = _sign_in_experience(root.table("sign_in_experience"))
    connector = (
        _connector(root.table("connector")) if "connector" in data else _connector(_Reader({}, "connector"))
    )
    policy = _code_policy(root.table("code_policy"))
    root.done()
    return TenantConfig(
        endpoint=endpoint,
        applications=apps,
        resources=resources,
        roles=tuple(roles),
        organizations=tuple(organizations),
        users=users,
        sign_in_experience=experience,
        connector=connector,
        code_policy=policy,
    )


def read_toml(path: str | Path) -> dict[str, Any]:
    """A TOML file's tables; unreadable or invalid files raise :class:`ConfigError` naming the file."""
    try:
        return fakekit_read_toml(path)
    except ConfigFileError as exc:
        raise ConfigError(str(exc)) from exc


def load_config(path: str | Path | None) -> TenantConfig:
    return parse_config(read_toml(path) if path else {})
