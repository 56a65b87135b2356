"""``GET`` and ``PATCH /api/sign-in-exp``: the Management API's sign-in experience, as Logto's
``packages/core/src/routes/sign-in-experience/index.ts`` (and its ``index.openapi.json``). Both pass the
guard first (:mod:`._management_auth`).

``GET`` answers the ``sign_in_experiences`` row (``SignInExperiences.guard`` without ``trustedDevice``):
the well-known body (:mod:`._sign_in_exp`) without its extras (``socialConnectors``, ``ssoConnectors``,
``forgotPassword``, ``isDevelopmentTenant``, ``customProfileFields``, ``customProfileFieldCatalog``) and
with the two columns the well-known leaves out, ``emailBlocklistPolicy`` and ``forgotPasswordMethods``.

``PATCH`` applies at once (the pages and the Experience API read ``tenant.config``) what the fake can
apply: ``signIn.methods`` (``email``/``username``/``phone``, with ``password``/``verificationCode``),
``signUp`` (``identifiers``, ``password``, ``verify``, ``secondaryIdentifiers``), ``signInMode``
(``SignIn``, ``SignInAndRegister``), ``forgotPasswordMethods``, ``passwordPolicy``
(:mod:`._password_policy`), ``usernamePolicy`` (:mod:`._username_policy`; flipping ``caseSensitive``
off while usernames differ only by case is Logto's 409 ``username_policy_case_conflicts_exist``),
``sentinelPolicy`` (:mod:`._sentinel`), ``mfa`` (:mod:`._mfa_policy`) and ``emailBlocklistPolicy`` (:mod:`._email_blocklist`, parsed last
as Logto builds its update). It validates as Logto's
``libraries/sign-in-experience/sign-up.ts`` and ``sign-in.ts`` and the route's forgot-password check
(every refusal 400, Logto's ``RequestError`` default): ``missing_sign_up_identifiers``,
``duplicated_sign_up_identifiers``,
``passwordless_requires_verify``, ``enabled_connector_not_found`` (no working email or SMS connector: :mod:`._connector_registry`),
``at_least_one_authentication_factor``, ``code_sign_in_must_be_enabled``,
``forgot_password_method_requires_connector``. Any other column Logto accepts is refused with
``guard.invalid_input`` naming it, rather than accepted and silently not applied (unless it is the value the
row holds already, e.g. ``sentinelPolicy: {}``, which Logto's integration tests send before every file); unknown keys are
stripped, as zod strips them; a column it does not apply is refused even when ``null`` (Logto would
take ``null`` for its nullable columns: stricter, never more lenient). The order of the checks is
Logto's (:func:`patched`). ``POST /__harness/reset`` restores the configured experience.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import (
    _email_blocklist,
    _guards,
    _mfa_policy,
    _password_expiration,
    _password_policy,
    _sentinel,
    _username_policy,
    paths,
)
from ._config import SignInExperience, SignInMethod, TenantConfig
from ._errors import LogtoError
from ._management_auth import authorized_tenant
from ._mfa_config import code_sign_in_refusal
from ._sign_in_exp import full_sign_in_experience
from ._tenant import Tenant

# The well-known's additions to the row (``fullSignInExperienceGuard``).
WELL_KNOWN_EXTRAS = (
    "socialConnectors",
    "ssoConnectors",
    "forgotPassword",
    "isDevelopmentTenant",
    "customProfileFields",
    "customProfileFieldCatalog",
)
IDENTIFIERS = ("username", "email", "phone")  # ``SignInIdentifier``
MODES = ("SignIn", "Register", "SignInAndRegister")  # ``SignInMode``
FORGOT_METHODS = ("EmailVerificationCode", "PhoneVerificationCode")  # ``ForgotPasswordMethod``
SECONDARY_IDENTIFIERS = (*IDENTIFIERS, "emailOrPhone")  # SignInIdentifier | AlternativeSignUpIdentifier
# The columns the fake applies; a column a room adds is one more entry here and one parser below.
APPLIED: tuple[str, ...] = (
    "signIn",
    "signUp",
    "signInMode",
    "forgotPasswordMethods",
    "passwordPolicy",
    "usernamePolicy",
)
APPLIED += ("sentinelPolicy", "emailBlocklistPolicy")  # the security columns
APPLIED += ("mfa", "adaptiveMfa")  # :mod:`._mfa_policy` (adaptive MFA: only off)
APPLIED += ("passwordExpiration",)  # :mod:`._password_expiration`
APPLIED += ("socialSignIn", "socialSignInConnectorTargets")  # the social columns (_verification_social.py)
APPLIED += ("singleSignOnEnabled",)  # enterprise SSO (_verification_sso.py)


def row(config: TenantConfig) -> dict[str, Any]:
    """The ``sign_in_experiences`` row, in the table's column order."""
    full = full_sign_in_experience(config)
    body: dict[str, Any] = {}
    for key, value in full.items():
        if key in WELL_KNOWN_EXTRAS:
            continue
        if key == "verificationCodePolicy":
            body["emailBlocklistPolicy"] = _email_blocklist.as_json(
                config.sign_in_experience.email_blocklist_policy
            )
        body[key] = value
        if key == "verificationCodePolicy":
            email = config.sign_in_experience.forgot_password_email
            body["forgotPasswordMethods"] = ["EmailVerificationCode"] if email else []
    return body


KEYS = tuple(row(TenantConfig()))


def _flag(obj: dict[str, Any], path: str) -> bool:
    value: bool = _guards.field(obj, path, bool)
    return value


def _sign_in(body: dict[str, Any]) -> tuple[SignInMethod, ...]:
    sign_in = _guards.field(body, "signIn", dict)
    methods: list[Any] = _guards.field(sign_in, "signIn.methods", list)
    parsed = []
    for i, method in enumerate(methods):
        path = f"signIn.methods.{i}"
        method = _guards.field({str(i): method}, path, dict)
        identifier = _guards.choice(method, path + ".identifier", IDENTIFIERS)
        password = _flag(method, path + ".password")
        code = _flag(method, path + ".verificationCode")
        _flag(method, path + ".isPasswordPrimary")
        parsed.append(SignInMethod(identifier, verification_code=code, password=password))
    return tuple(parsed)


def _secondary(sign_up: dict[str, Any]) -> tuple[tuple[str, bool | None], ...] | None:
    """``signUp.secondaryIdentifiers``: ``{identifier, verify?}[]``, optional."""
    items: list[Any] | None = _guards.field(sign_up, "signUp.secondaryIdentifiers", list, optional=True)
    if items is None:
        return None
    parsed = []
    for i, item in enumerate(items):
        path = f"signUp.secondaryIdentifiers.{i}"
        item = _guards.field({str(i): item}, path, dict)
        identifier = _guards.choice(item, path + ".identifier", SECONDARY_IDENTIFIERS)
        parsed.append((identifier, _guards.field(item, path + ".verify", bool, optional=True)))
    return tuple(parsed)


def _sign_up(body: dict[str, Any]) -> dict[str, Any]:
    sign_up = _guards.field(body, "signUp", dict)
    identifiers: list[Any] = _guards.field(sign_up, "signUp.identifiers", list)
    for i, identifier in enumerate(identifiers):
        _guards.choice({str(i): identifier}, f"signUp.identifiers.{i}", IDENTIFIERS)
    return {
        "sign_up_identifiers": tuple(identifiers),
        "sign_up_password": _flag(sign_up, "signUp.password"),
        "sign_up_verify": _flag(sign_up, "signUp.verify"),
        "sign_up_secondary": _secondary(sign_up),
    }


def _unsupported(key: str) -> LogtoError:
    return LogtoError(
        "guard.invalid_input",
        400,
        details=f'fake_logto does not apply "{key}"; it applies {", ".join(APPLIED)}',
        type="body",
    )


def _no_connector(kind: str) -> LogtoError:
    return LogtoError("sign_in_experiences.enabled_connector_not_found", 400, type=kind)


def _validate_sign_up(exp: SignInExperience, has_email: bool, has_sms: bool) -> None:
    """``validateSignUp`` (``libraries/sign-in-experience/sign-up.ts``): a primary identifier when there
    are secondary ones, no duplicates (``emailOrPhone`` duplicates a primary email or phone), verify for
    every passwordless identifier, the connectors they need."""
    identifiers, secondary = exp.sign_up_identifiers, exp.sign_up_secondary or ()
    others = [i for i, _ in secondary]
    if secondary and not identifiers:
        raise LogtoError("sign_in_experiences.missing_sign_up_identifiers", 400)
    duplicated = len(set(identifiers)) != len(identifiers) or len(set(others)) != len(others)
    for other in others:
        duplicated |= (
            bool({"email", "phone"} & set(identifiers)) if other == "emailOrPhone" else other in identifiers
        )
    if duplicated:
        raise LogtoError("sign_in_experiences.duplicated_sign_up_identifiers", 400)
    if any(i != "username" for i in (*identifiers, *others)) and not exp.sign_up_verify:
        raise LogtoError("sign_in_experiences.passwordless_requires_verify", 400)
    if any(i != "username" and not verify for i, verify in secondary):
        raise LogtoError("sign_in_experiences.passwordless_requires_verify", 400)
    every = {*identifiers, *others}
    if every & {"email", "emailOrPhone"} and not has_email:
        raise _no_connector("Email")
    if every & {"phone", "emailOrPhone"} and not has_sms:
        raise _no_connector("Sms")


def _validate_sign_in(exp: SignInExperience, has_email: bool, has_sms: bool) -> None:
    """``validateSignIn`` (``libraries/sign-in-experience/sign-in.ts``), against the effective ``mfa``."""
    methods = exp.sign_in_methods
    if any(m.verification_code and m.identifier == "email" for m in methods) and not has_email:
        raise _no_connector("Email")
    if any(m.verification_code and m.identifier == "phone" for m in methods) and not has_sms:
        raise _no_connector("Sms")
    if not all(m.password or m.verification_code for m in methods):
        raise LogtoError("sign_in_experiences.at_least_one_authentication_factor", 400)
    code_required = exp.sign_up_verify and not exp.sign_up_password
    if code_required and not all(m.verification_code or m.identifier == "username" for m in methods):
        raise LogtoError("sign_in_experiences.code_sign_in_must_be_enabled", 400)
    refused = code_sign_in_refusal(methods, exp.mfa)
    if refused is not None:
        raise LogtoError(*refused)


def _forgot_password(body: dict[str, Any]) -> list[str]:
    methods: list[Any] = _guards.field(body, "forgotPasswordMethods", list)
    for i, method in enumerate(methods):
        _guards.choice({str(i): method}, f"forgotPasswordMethods.{i}", FORGOT_METHODS)
    return methods


def _validate_forgot_password(methods: list[str], has_email: bool, has_sms: bool) -> None:
    """The route's check, method by method in the body's order."""
    for method in methods:
        if method == "EmailVerificationCode" and not has_email:
            raise LogtoError(
                "sign_in_experiences.forgot_password_method_requires_connector", 400, method="email"
            )
        if method == "PhoneVerificationCode" and not has_sms:
            raise LogtoError(
                "sign_in_experiences.forgot_password_method_requires_connector", 400, method="sms"
            )


def _guard_case_conflicts(conflicts: list[dict[str, Any]]) -> None:
    """The route's check before flipping usernames to case-insensitive: 409
    ``sign_in_experiences.username_policy_case_conflicts_exist`` with ``{totalConflicts, samples}``
    (``libraries/sign-in-experience`` ``findCaseConflicts(20)``) while usernames differ only by case."""
    if conflicts:
        data = {"totalConflicts": len(conflicts), "samples": conflicts[:20]}
        raise LogtoError("sign_in_experiences.username_policy_case_conflicts_exist", 409, data)


def case_conflicts(users: list[Any]) -> list[dict[str, Any]]:
    """``findUsernameCaseConflicts``: users grouped by ``lower(username)``, groups of more than one,
    oldest group first."""
    groups: dict[str, list[Any]] = {}
    for user in users:
        if user.username is not None:
            groups.setdefault(user.username.lower(), []).append(user)
    found = [(min(u.created_at for u in g), key, g) for key, g in groups.items() if len(g) > 1]
    return [
        {"usernameLower": key, "userIds": [u.id for u in g]}
        for _, key, g in sorted(found, key=lambda f: f[0])
    ]


def patched(
    config: TenantConfig,
    body: dict[str, Any],
    *,
    has_email: bool | None = None,
    has_sms: bool = False,
    conflicts: list[dict[str, Any]] | None = None,
    now_ms: int = 0,
) -> SignInExperience:
    """The sign-in experience ``body`` (a ``PATCH /api/sign-in-exp`` body) makes of ``config``'s, or
    Logto's refusal. Shared by the Management API and the control API's ``PATCH /__harness/sign-in-exp``.

    In Logto's order: the guard first, over the columns in the table's order (``sign_in``, ``sign_up``,
    ``sign_in_mode``, …, ``forgot_password_methods``); then (the fake's own refusal) any column it does
    not apply; then the route's checks: ``validateSignUp``, ``validateSignIn`` (against the body's sign-up
    or the current one), the forgot-password methods' connectors."""
    exp = config.sign_in_experience
    has_email = config.connector is not None if has_email is None else has_email
    current = row(config)
    changes: dict[str, Any] = {}
    if "signIn" in body:
        changes["sign_in_methods"] = _sign_in(body)
    if "signUp" in body:
        changes |= _sign_up(body)
    mode = _guards.choice(body, "signInMode", MODES) if "signInMode" in body else None
    if "passwordPolicy" in body:
        changes["password_policy"] = _password_policy.parse_column(body)
    if "mfa" in body:
        changes["mfa"] = _mfa_policy.guard(body)
    if "adaptiveMfa" in body:
        changes["adaptive_mfa"] = _mfa_policy.guard_adaptive(body)
    if "sentinelPolicy" in body:
        changes["sentinel_policy"] = _sentinel.guard_policy(body)
    blocklist = _email_blocklist.guard(body) if "emailBlocklistPolicy" in body else None
    forgot = _forgot_password(body) if "forgotPasswordMethods" in body else None
    expiration = _password_expiration.guard(body) if "passwordExpiration" in body else None
    if "usernamePolicy" in body:
        changes["username_policy"] = _username_policy.parse_column(body)
    changes |= _social_columns(body)
    if "singleSignOnEnabled" in body:
        changes["single_sign_on"] = _guards.field(body, "singleSignOnEnabled", bool)
    for key in body:
        if key in KEYS and key not in APPLIED and body[key] != current[key]:
            raise _unsupported(key)
    if mode == "Register":
        raise _unsupported("signInMode: Register")
    if mode is not None:
        changes["registration_enabled"] = mode == "SignInAndRegister"
    if forgot is not None:
        changes["forgot_password_email"] = "EmailVerificationCode" in forgot
    new = dataclasses.replace(exp, **changes)
    if (
        conflicts is not None
        and not new.username_policy["caseSensitive"]
        and exp.username_policy["caseSensitive"]
    ):
        _guard_case_conflicts(conflicts)
    if "signUp" in body:
        _validate_sign_up(new, has_email, has_sms)
    if "signIn" in body:
        _validate_sign_in(new, has_email, has_sms)
    if (
        "mfa" in body or "adaptiveMfa" in body
    ):  # validateMfa and the adaptive-MFA checks, after validateSignIn
        adaptive = new.adaptive_mfa if "adaptiveMfa" in body else None
        sign_in = new.sign_in_methods if "mfa" in body else None  # validateMfa(mfa, currentSignIn)
        adaptive_mfa = _mfa_policy.validate(new.mfa, adaptive, exp.adaptive_mfa, sign_in)
        new = dataclasses.replace(new, adaptive_mfa=adaptive_mfa)
    if forgot is not None:
        _validate_forgot_password(forgot, has_email, has_sms)
    can_reset = (new.forgot_password_email and has_email) or bool(
        forgot and "PhoneVerificationCode" in forgot and has_sms
    )
    changes = {
        "password_expiration": _password_expiration.merged(
            exp.password_expiration, expiration, now_ms, can_reset
        )
    }
    new = dataclasses.replace(new, **changes)
    if blocklist is not None:  # parseEmailBlocklistPolicy, as the route builds its update
        new = dataclasses.replace(new, email_blocklist_policy=_email_blocklist.parse(blocklist))
    return new


def _social_columns(body: dict[str, Any]) -> dict[str, Any]:
    """``socialSignIn`` (``socialSignInGuard``: two optional booleans; other keys stripped) and
    ``socialSignInConnectorTargets`` (a string array)."""
    changes: dict[str, Any] = {}
    if "socialSignIn" in body:
        social = _guards.field(body, "socialSignIn", dict)
        changes["social_sign_in"] = {
            key: value
            for key in ("automaticAccountLinking", "skipRequiredIdentifiers")
            if (value := _guards.field(social, f"socialSignIn.{key}", bool, optional=True)) is not None
        }
    if "socialSignInConnectorTargets" in body:
        targets: list[Any] = _guards.field(body, "socialSignInConnectorTargets", list)
        for i, target in enumerate(targets):
            _guards.field({str(i): target}, f"socialSignInConnectorTargets.{i}", str)
        changes["social_targets"] = tuple(targets)
    return changes


def apply(tenant: Tenant, body: dict[str, Any]) -> dict[str, Any]:
    """Patch ``tenant``'s sign-in experience; the row as it is now. Social targets without a social
    connector are dropped (the route's "Remove unavailable connectors")."""
    has_email, has_sms = tenant.connectors.email is not None, tenant.connectors.sender("Sms") is not None
    with tenant.store.lock:
        conflicts = case_conflicts(list(tenant.store.users.values()))
    now = tenant.store.now_ms()
    new = patched(tenant.config, body, has_email=has_email, has_sms=has_sms, conflicts=conflicts, now_ms=now)
    if "socialSignInConnectorTargets" in body:
        known = {row.factory_metadata["target"] for row in tenant.connectors.social()}
        new = dataclasses.replace(new, social_targets=tuple(t for t in new.social_targets if t in known))
    tenant.config = dataclasses.replace(tenant.config, sign_in_experience=new)
    return row(tenant.config)


async def get_sign_in_exp(request: Request) -> Response:
    return JSONResponse(row(authorized_tenant(request).config))


async def patch_sign_in_exp(request: Request) -> Response:
    tenant = authorized_tenant(request)
    return JSONResponse(apply(tenant, await _guards.body(request)))


ROUTES = [
    ("GET", paths.MANAGEMENT_SIGN_IN_EXP, get_sign_in_exp),
    ("PATCH", paths.MANAGEMENT_SIGN_IN_EXP, patch_sign_in_exp),
]
