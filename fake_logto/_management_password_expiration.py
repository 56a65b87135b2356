"""The Management API's ``PATCH /api/users/:userId/password/expiration`` (Logto's
``packages/core/src/routes/admin-user/basics.ts``): ``{isExpired: boolean}`` sets the user's
``isPasswordExpired``; expiring needs an enabled ``passwordExpiration`` policy with its valid period (400
``sign_in_experiences.password_expiration_not_enabled``); an unknown user is 404 as every user route's. The
flag's effect is :mod:`._password_expiration`'s.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import _guards, paths
from ._errors import LogtoError
from ._management_auth import authorized_tenant
from ._management_users import user_json, user_of


async def set_expired(request: Request) -> Response:
    """``PATCH /users/:userId/password/expiration``: ``{isExpired: boolean}``; the user as JSON."""
    tenant = authorized_tenant(request)
    body = await _guards.body(request)
    expired: bool = _guards.field(body, "isExpired", bool)
    user = user_of(tenant, request)
    policy = tenant.config.sign_in_experience.password_expiration
    if expired and not (policy.get("enabled") and policy.get("validPeriodDays")):
        raise LogtoError("sign_in_experiences.password_expiration_not_enabled", 400)
    with tenant.store.lock:
        user.is_password_expired = expired
        user.updated_at = tenant.store.now_ms()
    return JSONResponse(user_json(user))


ROUTES = [("PATCH", paths.MANAGEMENT_USER_PASSWORD_EXPIRATION, set_expired)]
