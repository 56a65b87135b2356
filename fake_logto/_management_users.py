"""The Management API's users (``/api/users``), as Logto's ``packages/core/src/routes/admin-user/basics.ts``
and ``search.ts`` with their ``*.openapi.json``: list and search, get, create, update, custom data,
password set / verify / has-password, suspension, delete. Every route passes the guard first
(:mod:`._management_auth`).

The users are the tenant's own (:mod:`._store`): one created here signs in, one registered shows up here.
Bodies are Logto's ``adminUserProfileResponseGuard`` (``userInfoSelectFields`` + ``hasPassword``,
``packages/schemas/src/types/user.ts``). Paging is ``koaPagination`` (``page`` from 1, ``page_size`` 20 by
default, at most 100, the ``Total-Number`` header; a bad value → 400 ``guard.invalid_pagination``).
``search=<pattern>`` is Logto's default search (``packages/core/src/utils/search.ts``: match mode ``like``,
case-insensitive ``~~*``, the fields of ``userSearchKeys`` — id, primaryEmail, primaryPhone, username,
name — joined with ``or``): the value is an SQL LIKE pattern as given, so clients wrap a keyword in ``%``
themselves (Logto's integration tests send ``%keyword%``); the newest user comes first
(``order by created_at desc``). Unknown user → 404 ``entity.not_found`` (``queries/user.ts``'s
``findUserById`` is a plain ``pool.one``: slonik's ``NotFoundError``, which ``koa-slonik-error-handler.ts``
answers so). ``includePasswordHash`` (``yes(...)``) adds ``passwordDigest``/``passwordAlgorithm``,
``includeSsoIdentities`` adds ``ssoIdentities`` (the user's rows of :mod:`._sso_registry`)
(``utils/user.ts``'s ``transpileAdminUserProfileResponse``). Phones collide as
``hasUserWithNormalizedPhone`` compares them: with and without the national number's leading ``0``.
"""

from __future__ import annotations

import asyncio
import math
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import _data_hooks, _guards, _search, paths
from ._config import SeedUser
from ._errors import LogtoError
from ._management_auth import authenticate, authorized_tenant
from ._passwords import METHODS, hash_password, parse_legacy
from ._store import User
from ._tenant import Tenant
from ._user_info import ADDRESS_KEYS, PROFILE_KEYS, user_info

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
SEARCH_FIELDS = ("id", "primary_email", "primary_phone", "username", "name")  # userSearchFields
YES = ("1", "true", "y", "yes", "yep", "yeah")  # @silverhand/essentials' ``yes``
# The PATCH body's plain columns and the User attribute each sets.
FIELDS = {
    "username": "username",
    "primaryEmail": "primary_email",
    "primaryPhone": "primary_phone",
    "name": "name",
    "avatar": "avatar",
}


def user_json(
    user: User, *, sso_identities: list[dict[str, Any]] | None = None, password_hash: bool = False
) -> dict[str, Any]:
    """``transpileAdminUserProfileResponse``: the user as the Management API answers it."""
    body = {**user_info(user), "hasPassword": user.password_hash is not None}
    if sso_identities is not None:
        body["ssoIdentities"] = sso_identities
    if password_hash:
        body["passwordDigest"] = user.password_encrypted
        body["passwordAlgorithm"] = user.password_encryption_method
    return body


def _yes(request: Request, name: str) -> bool:
    return request.query_params.get(name, "").lower() in YES


def user_of(tenant: Tenant, request: Request) -> User:
    user = tenant.store.users.get(request.path_params["user_id"])
    if user is None:
        raise LogtoError("entity.not_found", 404)
    return user


def _columns(user: User) -> dict[str, str | None]:
    return {
        "id": user.id,
        "primary_email": user.primary_email,
        "primary_phone": user.primary_phone,
        "username": user.username,
        "name": user.name,
    }


def page_of(request: Request) -> tuple[int, int]:
    raw_page = request.query_params.get("page")
    raw_size = request.query_params.get("page_size")
    try:
        page = float(raw_page) if raw_page else 1.0
        size = float(raw_size) if raw_size else float(DEFAULT_PAGE_SIZE)
    except ValueError as exc:
        raise LogtoError("guard.invalid_pagination", 400) from exc
    if not (math.isfinite(page) and page > 0 and math.isfinite(size) and 0 < size <= MAX_PAGE_SIZE):
        raise LogtoError("guard.invalid_pagination", 400)
    return int((page - 1) * size), math.ceil(size)


async def list_users(request: Request) -> Response:
    """``GET /users`` (``admin-user/search.ts``): paging first, then ``excludeRoleId`` /
    ``excludeOrganizationId`` (not both), then the search (:mod:`._search`) over ``userSearchKeys``."""
    tenant = authorized_tenant(request)
    offset, limit = page_of(request)
    query = request.query_params
    exclude_role, exclude_org = query.get("excludeRoleId"), query.get("excludeOrganizationId")
    if exclude_role and exclude_org:
        raise _search.invalid_input(
            "Parameter `excludeRoleId` and `excludeOrganizationId` cannot be used at the same time.",
            data=False,
        )
    matches = _search.predicate(_search.parse(query), SEARCH_FIELDS)
    with tenant.store.lock:
        role = tenant.store.roles.roles.get(exclude_role) if exclude_role else None
        found = [
            u
            for u in tenant.store.users.values()
            if matches(_columns(u))
            and (role is None or role.name not in u.roles)
            and (not exclude_org or exclude_org not in u.organizations)
        ]
    found.sort(key=lambda u: u.created_at, reverse=True)
    with_hash = _yes(request, "includePasswordHash")
    body = [user_json(u, password_hash=with_hash) for u in found[offset : offset + limit]]
    return JSONResponse(body, headers={"Total-Number": str(len(found))})


async def get_user(request: Request) -> Response:
    tenant = authorized_tenant(request)
    user = user_of(tenant, request)
    with_sso, with_hash = _yes(request, "includeSsoIdentities"), _yes(request, "includePasswordHash")
    identities = [i.to_json() for i in tenant.sso.of_user(user.id)] if with_sso else None
    return JSONResponse(user_json(user, sso_identities=identities, password_hash=with_hash))


def _check_free(
    tenant: Tenant, email: str | None, phone: str | None, username: str | None, own_id: str | None = None
) -> None:
    """Logto's ``checkIdentifierCollision`` (``libraries/user.ts``): email, phone, then username; 422.
    (``POST /users`` asks username first: :func:`create_user`.)"""
    for kind, value, code in (
        ("email", email, "user.email_already_in_use"),
        ("phone", phone, "user.phone_already_in_use"),
        ("username", username, "user.username_already_in_use"),
    ):
        if kind == "phone" and value:
            forms = _phone_forms(value)
            taken = next((u for u in tenant.store.users.values() if u.primary_phone in forms), None)
        else:
            taken = tenant.store.user_by(kind, value) if value else None
        if taken is not None and taken.id != own_id:
            raise LogtoError(code, 422)


def _phone_forms(value: str) -> set[str]:
    """``hasUserWithNormalizedPhone`` (``queries/user.ts``): a parsable number matches its
    ``internationalNumber`` and ``internationalNumberWithLeadingZero``; any other only itself."""
    import phonenumbers  # loaded by the first phone number, not at the start

    try:
        number = phonenumbers.parse("+" + value)
    except phonenumbers.NumberParseException:
        return {value}
    national = _phone(value) or value
    return {national, f"{number.country_code}0{national[len(str(number.country_code)) :]}"}


def _phone(value: str | None) -> str | None:
    """``PhoneNumberParser(phone).internationalNumber``: the number as Logto stores it (country code and
    national number, digits only); one libphonenumber cannot parse → 422 ``user.invalid_phone``."""
    import phonenumbers  # loaded by the first phone number, not at the start

    if not value:
        return value
    try:
        number = phonenumbers.parse("+" + value)
    except phonenumbers.NumberParseException as exc:
        raise LogtoError("user.invalid_phone", 422, {"name": "ParseError"}) from exc
    zeros = "0" * (number.number_of_leading_zeros or 1) if number.italian_leading_zero else ""
    return f"{number.country_code}{zeros}{number.national_number}"


def _profile_guard(body: dict[str, Any], path: str = "profile") -> dict[str, Any] | None:
    """``userProfileGuard`` (``packages/schemas/src/foundations/jsonb-types/users.ts``): every key a
    string but ``address``, an object of strings; all optional, unknown keys stripped."""
    profile: dict[str, Any] | None = _guards.field(body, path, dict, optional=True)
    if profile is None:
        return None
    parsed: dict[str, Any] = {}
    for key in PROFILE_KEYS:
        if key in profile:
            parsed[key] = _guards.string(profile, f"{path}.{key}")
    if "address" in profile:
        address = _guards.field(profile, f"{path}.address", dict)
        parsed["address"] = {
            k: _guards.string(address, f"{path}.address.{k}") for k in ADDRESS_KEYS if k in address
        }
    return parsed


def _custom_data(body: dict[str, Any], *, optional: bool = True) -> dict[str, Any] | None:
    """``jsonObjectGuard``: an object (JSON's values all pass ``jsonGuard``)."""
    value: dict[str, Any] | None = _guards.field(body, "customData", dict, optional=optional)
    return value


async def create_user(request: Request) -> Response:
    """``POST /users``: the body as its guard orders its keys, then the password checks, then username,
    email and phone each free (422), then the user with the default roles (:mod:`._store`)."""
    tenant = authorized_tenant(request)
    body = await _guards.body(request)
    phone = _guards.string(body, "primaryPhone", pattern=_guards.PHONE_RE, optional=True)
    email = _guards.string(body, "primaryEmail", pattern=_guards.EMAIL_RE, optional=True)
    username = _guards.string(body, "username", pattern=_guards.USERNAME_RE, optional=True)
    password = _guards.string(body, "password", min_length=1, optional=True)
    digest = _guards.string(body, "passwordDigest", max_length=256, optional=True)
    algorithm = _guards.choice(body, "passwordAlgorithm", METHODS, optional=True)
    name = _guards.string(body, "name", optional=True)
    avatar = _guards.string(body, "avatar", url=True, or_empty=True, nullable=True, optional=True)
    custom_data = _custom_data(body)
    profile = _profile_guard(body)
    if password and digest:
        raise LogtoError("user.password_and_digest", 400)
    if digest and not algorithm:
        raise LogtoError("user.password_algorithm_required", 400)
    encrypted = await asyncio.to_thread(hash_password, password) if password else None
    with tenant.store.lock:
        taken = tenant.store.user_by("username", username) if username else None
        if taken is not None:
            raise LogtoError("user.username_already_in_use", 422)
        _check_free(tenant, email, phone, None)
        if algorithm == "Legacy":
            parse_legacy(digest)
        phone = _phone(phone)
        seed = SeedUser(email=email, username=username, phone=phone, name=name)
        user = tenant.store.create_user(seed)
        if encrypted:
            user.password_hash = encrypted
        elif digest and algorithm:  # stored as given (basics.ts: buildUserPasswordPayload)
            user.password_encrypted, user.password_encryption_method = digest, algorithm
        user.password_updated_at = user.created_at if user.password_encrypted else None  # the payload's
        user.avatar = avatar
        user.custom_data = custom_data or {}
        user.profile = profile or {}
    return JSONResponse(user_json(user))


async def update_user(request: Request) -> Response:
    """``PATCH /users/:userId``: the guard first (a bad body on an unknown id is a 400), then the user,
    then collisions; ``customData`` and ``profile`` are replaced (``updateUserById(…, 'replace')``), an
    empty string is stored as given, as Logto stores it. Nothing to set (``{}``, or only keys the guard
    strips) → 422 ``entity.invalid_input`` (slonik's ``InvalidInputError`` for an empty ``set`` list)."""
    tenant = authorized_tenant(request)
    body = await _guards.body(request)
    values: dict[str, Any] = {}
    for key, pattern in (
        ("username", _guards.USERNAME_RE),
        ("primaryEmail", _guards.EMAIL_RE),
        ("primaryPhone", _guards.PHONE_RE),
        ("name", None),
    ):
        values[key] = _guards.string(body, key, pattern=pattern, or_empty=True, nullable=True, optional=True)
    values["avatar"] = _guards.string(body, "avatar", url=True, or_empty=True, nullable=True, optional=True)
    custom_data = _custom_data(body)
    profile = _profile_guard(body)
    user = user_of(tenant, request)
    with tenant.store.lock:
        _check_free(tenant, values["primaryEmail"], values["primaryPhone"], values["username"], user.id)
        if not any(key in body for key in (*FIELDS, "customData", "profile")):
            raise LogtoError("entity.invalid_input", 422)
        if "primaryPhone" in body:
            values["primaryPhone"] = _phone(values["primaryPhone"])
        for key, attribute in FIELDS.items():
            if key in body:
                setattr(user, attribute, values[key])
        if custom_data is not None:
            user.custom_data = custom_data
        if profile is not None:
            user.profile = profile
        user.updated_at = tenant.store.now_ms()
    return JSONResponse(user_json(user))


async def get_custom_data(request: Request) -> Response:
    tenant = authorized_tenant(request)
    return JSONResponse(user_of(tenant, request).custom_data)


async def update_custom_data(request: Request) -> Response:
    """``PATCH /users/:userId/custom-data``: merged into the old at the top level (``updateUserById``'s
    default ``merge``: Postgres' ``jsonb ||``)."""
    tenant = authorized_tenant(request)
    body = await _guards.body(request)
    custom_data: dict[str, Any] = _custom_data(body, optional=False) or {}
    user = user_of(tenant, request)
    with tenant.store.lock:
        user.custom_data = {**user.custom_data, **custom_data}
        user.updated_at = tenant.store.now_ms()
    return JSONResponse(user.custom_data)


async def update_profile(request: Request) -> Response:
    """``PATCH /users/:userId/profile``: ``{profile}`` merged into the old at the top level, as custom data."""
    tenant = authorized_tenant(request)
    body = await _guards.body(request)
    if "profile" not in body:
        raise _guards.invalid_type("profile", "object", None, missing=True)
    profile = _profile_guard(body) or {}
    user = user_of(tenant, request)
    with tenant.store.lock:
        user.profile = {**user.profile, **profile}
        user.updated_at = tenant.store.now_ms()
    return JSONResponse(user.profile)


async def delete_identity(request: Request) -> Response:
    """``DELETE /users/:userId/identities/:target`` (``admin-user/social.ts``): 404
    ``user.identity_not_exist`` when the user has none for ``target``; the user without it."""
    tenant = authorized_tenant(request)
    user = user_of(tenant, request)
    target = request.path_params["target"]
    with tenant.store.lock:
        if target not in user.identities:
            raise LogtoError("user.identity_not_exist", 404)
        user.identities = {k: v for k, v in user.identities.items() if k != target}
        user.updated_at = tenant.store.now_ms()
    return JSONResponse(user_json(user))


async def set_suspended(request: Request) -> Response:
    """Suspending signs the user out (Logto's ``signOutUser``): their sessions end."""
    tenant = authorized_tenant(request)
    body = await _guards.body(request)
    suspended: bool = _guards.field(body, "isSuspended", bool)
    user = user_of(tenant, request)
    with tenant.store.lock:
        user.is_suspended = suspended
        user.updated_at = tenant.store.now_ms()
        if suspended:
            for session_id in [s.id for s in tenant.store.sessions.values() if s.user_id == user.id]:
                tenant.store.sessions.pop(session_id, None)
    return JSONResponse(user_json(user))


async def delete_user(request: Request) -> Response:
    auth = authenticate(request)
    if request.path_params["user_id"] == auth.id:  # basics.ts: a caller cannot delete itself
        raise LogtoError("user.cannot_delete_self", 400)
    tenant: Tenant = request.app.state.tenant
    user = user_of(tenant, request)
    tenant.store.delete_user(user.id)
    _data_hooks.append("User.Deleted", user=user)  # basics.ts: the user as it was, with the route's context
    return Response(status_code=204)


ROUTES = [
    ("GET", paths.MANAGEMENT_USERS, list_users),
    ("POST", paths.MANAGEMENT_USERS, create_user),
    ("GET", paths.MANAGEMENT_USER, get_user),
    ("PATCH", paths.MANAGEMENT_USER, update_user),
    ("DELETE", paths.MANAGEMENT_USER, delete_user),
    ("GET", paths.MANAGEMENT_USER_CUSTOM_DATA, get_custom_data),
    ("PATCH", paths.MANAGEMENT_USER_CUSTOM_DATA, update_custom_data),
    ("PATCH", paths.MANAGEMENT_USER_PROFILE, update_profile),
    ("DELETE", paths.MANAGEMENT_USER_IDENTITY, delete_identity),
    ("PATCH", paths.MANAGEMENT_USER_IS_SUSPENDED, set_suspended),
]

__all__ = ["ROUTES", "page_of", "user_json", "user_of"]
