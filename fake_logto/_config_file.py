"""Reading the tenant config (:mod:`._config`) from one TOML file, checking every value.

Every table is optional; the defaults reproduce the seed tutorial's tenant. A bad value fails at start
with a :class:`~._config.ConfigError` naming the field, e.g. ``applications[0].type: must be one of …``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fakekit import ConfigFileError, read_toml

from ._config import (
    APP_TYPES,
    IDENTIFIERS,
    Application,
    CodePolicy,
    ConfigError,
    Connector,
    Organization,
    Resource,
    Role,
    SeedUser,
    SignInExperience,
    SignInMethod,
    TenantConfig,
    default_application,
)
from ._connector_config import default_mailgun_config, validate_connector_config


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
    validate_connector_config(kind, config, f"{r.path}.config")
    return Connector(kind=kind, config=config)  # type: ignore[arg-type]


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


def load_config(path: str | Path | None) -> TenantConfig:
    """The tenant config in the TOML file at ``path`` (the seed's tenant when None); an unreadable or
    invalid file raises :class:`~._config.ConfigError` naming the file."""
    if not path:
        return parse_config({})
    try:
        data = read_toml(path)
    except ConfigFileError as exc:
        raise ConfigError(str(exc)) from exc
    return parse_config(data)
