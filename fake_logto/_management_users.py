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
(``order by created_at desc``). Unknown user → 404 ``entity.not_exists_with_id``.
"""

from __future__ import annotations

import math
import re
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import _data_hooks, _guards, paths
from ._config import SeedUser
from ._errors import LogtoError
from ._management_auth import authenticate, authorized_tenant
from ._store import User, check_password, hash_password
from ._tenant import Tenant
from ._user_info import user_info

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def user_json(user: User) -> dict[str, Any]:
    """``userProfileResponseGuard``: the user as the Management API answers it."""
    return {**user_info(user), "hasPassword": user.password_hash is not None}


def user_of(tenant: Tenant, request: Request) -> User:
    user_id = request.path_params["user_id"]
    user = tenant.store.users.get(user_id)
    if user is None:
        raise LogtoError("entity.not_exists_with_id", 404, name="user", id=user_id)
    return user


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


def _like(pattern: str) -> re.Pattern[str]:
    """SQL ``ILIKE``: ``%`` any run, ``_`` any one character, the rest literal, the whole value."""
    parts = (".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def _matches(user: User, pattern: re.Pattern[str] | None) -> bool:
    if pattern is None:
        return True
    fields = (user.id, user.primary_email, user.primary_phone, user.username, user.name)
    return any(pattern.fullmatch(value) for value in fields if value)


async def list_users(request: Request) -> Response:
    tenant = authorized_tenant(request)
    offset, limit = page_of(request)
    search = request.query_params.get("search")
    pattern = _like(search) if search else None
    with tenant.store.lock:
        found = [u for u in tenant.store.users.values() if _matches(u, pattern)]
    found.sort(key=lambda u: u.created_at, reverse=True)
    body = [user_json(u) for u in found[offset : offset + limit]]
    return JSONResponse(body, headers={"Total-Number": str(len(found))})


async def get_user(request: Request) -> Response:
    tenant = authorized_tenant(request)
    return JSONResponse(user_json(user_of(tenant, request)))


def _optional(body: dict[str, Any], key: str, kind: type) -> Any:
    return _guards.field(body, key, kind, optional=True)


def _identifier(body: dict[str, Any], key: str, pattern: Any, *, nullable: bool) -> str | None:
    if key not in body or (nullable and body[key] in (None, "")):
        return None
    return _guards.string(body, key, pattern=pattern)


def _check_free(tenant: Tenant, email: str | None, username: str | None, own_id: str | None = None) -> None:
    """Logto's ``hasUser`` / ``hasUserWithEmail`` (and ``checkIdentifierCollision`` on update): 422."""
    taken = tenant.store.user_by("username", username) if username else None
    if taken is not None and taken.id != own_id:
        raise LogtoError("user.username_already_in_use", 422)
    taken = tenant.store.user_by("email", email) if email else None
    if taken is not None and taken.id != own_id:
        raise LogtoError("user.email_already_in_use", 422)


async def create_user(request: Request) -> Response:
    tenant = authorized_tenant(request)
    body = await _guards.body(request)
    email = _identifier(body, "primaryEmail", _guards.EMAIL_RE, nullable=False)
    username = _identifier(body, "username", _guards.USERNAME_RE, nullable=False)
    password = _guards.string(body, "password", min_length=1) if "password" in body else None
    name = _optional(body, "name", str)
    custom_data = _optional(body, "customData", dict)
    profile = _optional(body, "profile", dict)
    with tenant.store.lock:
        _check_free(tenant, email, username)
        seed = SeedUser(email=email, username=username, password=password, name=name)
        user = tenant.store.create_user(seed)
        user.custom_data = custom_data or {}
        user.profile = profile or {}
    return JSONResponse(user_json(user))


async def update_user(request: Request) -> Response:
    tenant = authorized_tenant(request)
    user = user_of(tenant, request)
    body = await _guards.body(request)
    email = _identifier(body, "primaryEmail", _guards.EMAIL_RE, nullable=True)
    username = _identifier(body, "username", _guards.USERNAME_RE, nullable=True)
    name = _optional(body, "name", str)
    avatar = _optional(body, "avatar", str)
    custom_data = _optional(body, "customData", dict)
    profile = _optional(body, "profile", dict)
    with tenant.store.lock:
        _check_free(tenant, email, username, user.id)
        if "primaryEmail" in body:
            user.primary_email = email
        if "username" in body:
            user.username = username
        if "name" in body:
            user.name = name or None
        if "avatar" in body:
            user.avatar = avatar or None
        if custom_data is not None:
            user.custom_data = custom_data
        if profile is not None:
            user.profile = profile
        user.updated_at = tenant.store.now_ms()
    return JSONResponse(user_json(user))


async def update_custom_data(request: Request) -> Response:
    tenant = authorized_tenant(request)
    user = user_of(tenant, request)
    body = await _guards.body(request)
    custom_data: dict[str, Any] = _guards.field(body, "customData", dict)
    with tenant.store.lock:
        user.custom_data = custom_data
        user.updated_at = tenant.store.now_ms()
    return JSONResponse(user.custom_data)


async def set_password(request: Request) -> Response:
    tenant = authorized_tenant(request)
    user = user_of(tenant, request)
    body = await _guards.body(request)
    password = _guards.string(body, "password", min_length=1)
    with tenant.store.lock:
        user.password_hash = hash_password(password)
        user.updated_at = tenant.store.now_ms()
    return JSONResponse(user_json(user))


async def verify_password(request: Request) -> Response:
    """Logto's ``verifyUserPassword``: no password or a wrong one → 422 ``session.invalid_credentials``."""
    tenant = authorized_tenant(request)
    user = user_of(tenant, request)
    body = await _guards.body(request)
    password = _guards.string(body, "password", min_length=1)
    if not check_password(password, user.password_hash):
        raise LogtoError("session.invalid_credentials", 422)
    return Response(status_code=204)


async def has_password(request: Request) -> Response:
    tenant = authorized_tenant(request)
    return JSONResponse({"hasPassword": user_of(tenant, request).password_hash is not None})


async def set_suspended(request: Request) -> Response:
    """Suspending signs the user out (Logto's ``signOutUser``): their sessions end."""
    tenant = authorized_tenant(request)
    user = user_of(tenant, request)
    body = await _guards.body(request)
    suspended: bool = _guards.field(body, "isSuspended", bool)
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
    ("PATCH", paths.MANAGEMENT_USER_CUSTOM_DATA, update_custom_data),
    ("PATCH", paths.MANAGEMENT_USER_PASSWORD, set_password),
    ("POST", paths.MANAGEMENT_USER_PASSWORD_VERIFY, verify_password),
    ("GET", paths.MANAGEMENT_USER_HAS_PASSWORD, has_password),
    ("PATCH", paths.MANAGEMENT_USER_IS_SUSPENDED, set_suspended),
]

__all__ = ["ROUTES", "page_of", "user_json", "user_of"]
