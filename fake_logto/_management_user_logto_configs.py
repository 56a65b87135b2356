"""The Management API's view of a user's ``logtoConfig``: ``GET`` and ``PATCH
/api/users/{userId}/logto-configs``, as Logto's ``packages/core/src/routes/admin-user/basics.ts`` (with
``basic.openapi.json``) and ``packages/core/src/libraries/user-logto-config.ts``.

The user's ``logtoConfig`` column holds, under ``mfa`` (``userMfaDataKey``), the flags the Experience API
writes (:mod:`._mfa`: ``enabled``, ``skipped``, ``additionalBindingSuggestionSkipped``,
``skipMfaOnSignIn``) and, under ``passkey_sign_in`` (``userPasskeySignInDataKey``), ``skipped``
(``packages/schemas/src/types/user-logto-config.ts``). Both routes answer the exposed part
(``buildUserLogtoConfigResponse``): ``{mfa: {enabled?, skipped, skipMfaOnSignIn}, passkeySignIn: {skipped}}``
— ``enabled`` left out while the user never chose (undefined: a legacy or seeded user; a user registered
through the Experience API has ``false`` from the start), the other flags ``false`` when absent.

``PATCH`` takes ``{mfa?: {enabled?, skipped?, additionalBindingSuggestionSkipped?, skipMfaOnSignIn?},
passkeySignIn?: {skipped?}}`` (``userMfaDataGuard``, ``userPasskeySignInDataGuard``: optional booleans,
``null`` refused, unknown keys stripped) and writes only the given ``enabled``, ``skipped`` and
``skipMfaOnSignIn`` of ``mfa`` and ``skipped`` of ``passkeySignIn`` over the stored ones
(``buildUpdatedUserLogtoConfig``; ``additionalBindingSuggestionSkipped`` passes the guard and is not
written). The body is guarded before the user is looked up (a bad body on an unknown id is a 400); an
unknown user is 404 ``entity.not_found``. A successful ``PATCH`` fires ``User.Data.Updated`` with the
updated user as ``data`` and no route context (``ctx.appendDataHookContext('User.Data.Updated', {user})``;
the route is not in ``managementApiHooksRegistration``, :mod:`._data_hooks`).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import _data_hooks, _guards, paths
from ._management_auth import authorized_tenant
from ._management_users import user_of
from ._store import User

MFA_KEY = "mfa"  # userMfaDataKey
PASSKEY_KEY = "passkey_sign_in"  # userPasskeySignInDataKey
# userMfaDataGuard's keys in its shape's order, and those the route writes.
MFA_FLAGS = ("enabled", "skipped", "additionalBindingSuggestionSkipped", "skipMfaOnSignIn")
MFA_WRITTEN = ("enabled", "skipped", "skipMfaOnSignIn")
PASSKEY_FLAGS = ("skipped",)


def _stored(user: User, key: str) -> dict[str, Any]:
    value = user.logto_config.get(key)
    return dict(value) if isinstance(value, dict) else {}


def config_json(user: User) -> dict[str, Any]:
    """``buildUserLogtoConfigResponse``: ``mfa.enabled`` as stored (absent when never set), the rest
    ``false`` unless set."""
    mfa, passkey = _stored(user, MFA_KEY), _stored(user, PASSKEY_KEY)
    exposed: dict[str, Any] = {"enabled": mfa["enabled"]} if isinstance(mfa.get("enabled"), bool) else {}
    exposed |= {"skipped": bool(mfa.get("skipped")), "skipMfaOnSignIn": bool(mfa.get("skipMfaOnSignIn"))}
    return {"mfa": exposed, "passkeySignIn": {"skipped": bool(passkey.get("skipped"))}}


def _flags(body: dict[str, Any], path: str, keys: tuple[str, ...]) -> dict[str, bool]:
    """An optional object of optional booleans (zod's ``object({...}).optional()``): the given ones."""
    given: dict[str, Any] | None = _guards.field(body, path, dict, optional=True)
    if given is None:
        return {}
    flags: dict[str, bool] = {}
    for key in keys:
        value = _guards.field(given, f"{path}.{key}", bool, optional=True)
        if value is not None:
            flags[key] = value
    return flags


async def get_config(request: Request) -> Response:
    tenant = authorized_tenant(request)
    with tenant.store.lock:
        return JSONResponse(config_json(user_of(tenant, request)))


async def update_config(request: Request) -> Response:
    tenant = authorized_tenant(request)
    body = await _guards.body(request)
    mfa = _flags(body, "mfa", MFA_FLAGS)
    passkey = _flags(body, "passkeySignIn", PASSKEY_FLAGS)
    with tenant.store.lock:
        user = user_of(tenant, request)
        written = {k: v for k, v in mfa.items() if k in MFA_WRITTEN}
        user.logto_config = {
            **user.logto_config,
            MFA_KEY: {**_stored(user, MFA_KEY), **written},
            PASSKEY_KEY: {**_stored(user, PASSKEY_KEY), **passkey},
        }
        user.updated_at = tenant.store.now_ms()
        answer = config_json(user)
    _data_hooks.append("User.Data.Updated", user=user, context=False)
    return JSONResponse(answer)


ROUTES = [
    ("GET", paths.MANAGEMENT_USER_LOGTO_CONFIGS, get_config),
    ("PATCH", paths.MANAGEMENT_USER_LOGTO_CONFIGS, update_config),
]
