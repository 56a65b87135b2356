"""A user's password through the Management API, as Logto's ``packages/core/src/routes/admin-user/basics.ts``:
``PATCH /users/:userId/password`` (set; stored as Argon2i), ``POST /users/:userId/password/verify`` (204, or
422 ``session.invalid_credentials``), ``GET /users/:userId/has-password``. How passwords are stored and checked: :mod:`._passwords`.

Logto's ``PATCH /users/:userId/password/expiration`` is :mod:`._management_password_expiration`'s; a password
set here dates from now and is not expired (``buildUserPasswordPayload``: :mod:`._password_expiration`).
"""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import _guards, paths
from ._errors import LogtoError
from ._management_auth import authorized_tenant
from ._management_users import user_json, user_of
from ._password_expiration import password_changed
from ._passwords import hash_password, verify_user_password


async def set_password(request: Request) -> Response:
    tenant = authorized_tenant(request)
    body = await _guards.body(request)
    password = _guards.string(body, "password", min_length=1)
    user = user_of(tenant, request)
    encrypted = await asyncio.to_thread(hash_password, password)  # Argon2i is slow by design
    with tenant.store.lock:
        user.password_hash = encrypted
        user.updated_at = tenant.store.now_ms()
        password_changed(user, user.updated_at)  # buildUserPasswordPayload
    return JSONResponse(user_json(user))


async def verify_password(request: Request) -> Response:
    """Logto's ``verifyUserPassword``: no password or a wrong one → 422 ``session.invalid_credentials``;
    a match stored by another method is re-encrypted as Argon2i."""
    tenant = authorized_tenant(request)
    body = await _guards.body(request)
    password = _guards.string(body, "password", min_length=1)
    user = user_of(tenant, request)
    if not await asyncio.to_thread(verify_user_password, user, password):
        raise LogtoError("session.invalid_credentials", 422)
    return Response(status_code=204)


async def has_password(request: Request) -> Response:
    tenant = authorized_tenant(request)
    return JSONResponse({"hasPassword": user_of(tenant, request).password_hash is not None})


ROUTES = [
    ("PATCH", paths.MANAGEMENT_USER_PASSWORD, set_password),
    ("POST", paths.MANAGEMENT_USER_PASSWORD_VERIFY, verify_password),
    ("GET", paths.MANAGEMENT_USER_HAS_PASSWORD, has_password),
]

__all__ = ["ROUTES"]
