"""Reading the tenant config (:mod:`._config`) from one TOML file, checking every value.

Every table is optional; the defaults reproduce the seed tutorial's tenant. A bad value fails at start
with a :class:`~._config.ConfigError` naming the field, e.g. ``applications[0].type: must be one of …``.
"""

from __future__ import annotations

import json
import secrets
import string
from dataclasses import replace
from pathlib import Path
from typing import Any

from fakekit import ConfigFileError, read_toml

from . import _mfa_config
from ._config import (
    APP_TYPES,
    HOOK_EVENTS,
    IDENTIFIERS,
    MANAGEMENT_API,
    Application,
    CodePolicy,
    ConfigError,
    Connector,
    Hook,
    Resource,
    SeedUser,
    SignInExperience,
    SignInMethod,
    TenantConfig,
    default_application,
)
from ._config_authz import (
    check_default_resource,
    check_role_holders,
    read_organization_template,
    read_organizations,
    read_roles,
)
from ._config_reader import Reader as _Reader
from ._config_reader import unique
from ._config_reader import url as _url
from ._config_sso import read_sso_connectors
from ._connector_config import default_mailgun_config, validate_connector_config
from ._sms_connector_config import KINDS as SMS_KINDS
from ._sms_connector_config import config_problem as sms_config_problem
from ._social_config import read_social_connectors, targets


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
        roles=r.strings("roles"),
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
        default=r.get("default", bool, False),
    )
    r.done()
    return resource


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
        mfa=_mfa_config.read_seed(r),
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
        mfa=_mfa_config.read_config(r.table("mfa"), methods or SignInExperience().sign_in_methods),
        single_sign_on=r.get("single_sign_on", bool, None),  # None until parse_config decides
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


def _sms_connector(r: _Reader) -> Connector:
    """``[sms_connector]``: Logto's Twilio or HTTP SMS connector, its config in the package's shape."""
    kind = r.choice("kind", tuple(SMS_KINDS), "twilio")
    raw = r.get("config", (dict, str), {})
    r.done()
    try:
        config = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError as exc:
        raise ConfigError(f"{r.path}.config: not valid JSON: {exc}") from exc
    if not isinstance(config, dict):
        raise ConfigError(f"{r.path}.config: must be an object")
    problem = sms_config_problem(kind, config)
    if problem:
        raise ConfigError(f"{r.path}.config.{problem}")
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


def _generated(length: int, alphabet: str) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


def _hook(r: _Reader) -> Hook:
    """A ``[[hooks]]`` table. Id and signing key default to Logto's ``generateStandardId()`` (21 lower-case
    alphanumerics) and ``generateStandardSecret()`` (32 alphanumerics) (packages/core/src/routes/hook.ts,
    packages/shared/src/utils/id.ts); events must be Logto's, at least one, duplicates dropped as its
    ``nonemptyUniqueHookEventsGuard`` does."""
    events = r.strings("events")
    for i, event in enumerate(events):
        if event not in HOOK_EVENTS:
            raise ConfigError(f"{r.where('events')}[{i}]: not one of Logto's hook events, got {event!r}")
    if not events:
        raise ConfigError(f"{r.where('events')}: needs at least one event")
    headers = r.table("headers")
    for key in headers.data:
        headers.get(key, str, "")
    hook = Hook(
        id=r.string("id") or _generated(21, string.ascii_lowercase + string.digits),
        name=r.string("name", required=True),
        events=tuple(dict.fromkeys(events)),
        url=_url(r.string("url", required=True), r.where("url")),
        signing_key=r.string("signing_key") or _generated(32, string.ascii_letters + string.digits),
        headers=tuple(headers.data.items()),
        enabled=r.get("enabled", bool, True),
    )
    r.done()
    return hook


def parse_config(data: dict[str, Any]) -> TenantConfig:
    root = _Reader(data, "")
    endpoint = root.string("endpoint", "")
    endpoint = _url(endpoint, "endpoint").rstrip("/") if endpoint else ""
    apps = tuple(_application(r, i) for i, r in enumerate(root.tables("applications"))) or (
        default_application(),
    )
    unique([a.id for a in apps], "applications", "id")
    resources = tuple(_resource(r) for r in root.tables("resources"))
    unique([r.indicator for r in resources], "resources", "indicator")
    check_default_resource(resources)
    roles = read_roles(root, (*resources, MANAGEMENT_API))
    template = read_organization_template(root.table("organization_template"), resources)
    organizations = read_organizations(root, template, apps)
    users = tuple(_user(r) for r in root.tables("users"))
    check_role_holders(roles, apps, users)
    experience = _sign_in_experience(root.table("sign_in_experience"))
    connector = (
        _connector(root.table("connector")) if "connector" in data else _connector(_Reader({}, "connector"))
    )
    sms = _sms_connector(root.table("sms_connector")) if "sms_connector" in data else None
    policy = _code_policy(root.table("code_policy"))
    hooks = tuple(_hook(r) for r in root.tables("hooks"))
    unique([h.id for h in hooks], "hooks", "id")
    social = read_social_connectors(root)
    sso_connectors = read_sso_connectors(root)
    if experience.single_sign_on is None:  # on by default when the tenant has SSO connectors
        experience = replace(experience, single_sign_on=bool(sso_connectors))
    root.done()
    return TenantConfig(
        endpoint=endpoint,
        applications=apps,
        resources=resources,
        roles=roles,
        organization_template=template,
        organizations=organizations,
        users=users,
        sign_in_experience=replace(experience, social_targets=targets(social)),
        connector=connector,
        sms_connector=sms,
        code_policy=policy,
        hooks=hooks,
        social_connectors=social,
        sso_connectors=sso_connectors,
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
