"""The Management API operations of the harness client, written once as :class:`~._operations.Request`
data (see :mod:`._operations`): Logto's own routes, bodies and answers, sent with the access token the
harness's M2M app gets by ``client_credentials`` (:func:`token_request`; the client caches it).

Bodies are Logto's, keys as Logto spells them (``primaryEmail``, ``customData``, ``roleIds``); answers are
Logto's JSON as is. Paths are fake_logto's constants (:mod:`fake_logto.paths`), Logto's own routes:
``packages/core/src/routes/admin-user/{basics,search,role}.ts``, ``routes/role.ts``,
``routes/sign-in-experience/index.ts``, ``routes/organization/index.ts`` (the ``@logto/api`` package's
``generated-types/management.d.ts`` lists them all).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from fake_logto import paths as logto_paths

from ._management import ALL_SCOPE, MANAGEMENT_API_INDICATOR
from ._operations import JSON, Request, _params

if TYPE_CHECKING:
    import httpx

ORGANIZATIONS = logto_paths.MANAGEMENT_ORGANIZATIONS  # routes/organization/index.ts
ORGANIZATION_USERS = logto_paths.MANAGEMENT_ORGANIZATION_USERS  # routes/organization/user/index.ts


def _json(response: httpx.Response) -> Any:
    return response.json()


def _list(response: httpx.Response) -> list[JSON]:
    return cast(list[JSON], response.json())


def _maybe_json(response: httpx.Response) -> Any:
    """A 204 (or any empty answer) is ``None``; else the JSON."""
    return response.json() if response.content else None


def token_request(app_id: str, app_secret: str, resource: str = MANAGEMENT_API_INDICATOR) -> Request[JSON]:
    """``POST /oidc/token`` with ``grant_type=client_credentials``, the Management API ``resource`` and
    scope ``all``, as @logto/api's ``ClientCredentials`` asks (packages/api/src/client-credentials.ts)."""
    form = {"grant_type": "client_credentials", "resource": resource, "scope": ALL_SCOPE}
    return Request("logto", "POST", logto_paths.TOKEN, _json, form=form, auth=(app_id, app_secret))


# --- any route, as it is ----------------------------------------------------------------------------------
def api_get(path: str, params: Mapping[str, Any] | None = None) -> Request[Any]:
    """``GET path`` (``/api/...``, filled in), with query ``params``; the JSON answer."""
    return Request("management", "GET", path, _maybe_json, params=dict(params or {}))


def api_post(path: str, body: Any = None) -> Request[Any]:
    """``POST path`` with the JSON ``body``; the JSON answer (``None`` for a 204)."""
    return Request("management", "POST", path, _maybe_json, json=body)


def api_put(path: str, body: Any = None) -> Request[Any]:
    """``PUT path`` with the JSON ``body``; the JSON answer (``None`` for a 204)."""
    return Request("management", "PUT", path, _maybe_json, json=body)


def api_patch(path: str, body: Any = None) -> Request[Any]:
    """``PATCH path`` with the JSON ``body``; the JSON answer."""
    return Request("management", "PATCH", path, _maybe_json, json=body)


def api_delete(path: str) -> Request[Any]:
    """``DELETE path``; ``None`` for Logto's 204."""
    return Request("management", "DELETE", path, _maybe_json)


# --- users ------------------------------------------------------------------------------------------------
def _user(user_id: str) -> dict[str, str]:
    return {"user_id": user_id}


def list_users(
    search: str | None = None, page: int | None = None, page_size: int | None = None
) -> Request[list[JSON]]:
    """``GET /api/users``: one page (Logto's ``page``, ``page_size``: 1 and 20 unless given), matching
    ``search`` (``%`` wildcards, as Logto's ``search`` query) when given."""
    params = _params(search=search, page=page, page_size=page_size)
    return Request("management", "GET", logto_paths.MANAGEMENT_USERS, _list, params=params)


def get_user(user_id: str) -> Request[JSON]:
    """``GET /api/users/{userId}``."""
    return Request("management", "GET", logto_paths.MANAGEMENT_USER, _json, path_params=_user(user_id))


def create_user(**fields: Any) -> Request[JSON]:
    """``POST /api/users`` with Logto's fields (``primaryEmail``, ``username``, ``primaryPhone``,
    ``password``, ``name``, ``avatar``, ``customData``, ``profile``); the new user."""
    return Request("management", "POST", logto_paths.MANAGEMENT_USERS, _json, json=fields)


def update_user(user_id: str, **fields: Any) -> Request[JSON]:
    """``PATCH /api/users/{userId}`` with Logto's fields (``name``, ``primaryEmail``, ``customData``,
    ``profile``…); the updated user."""
    return Request(
        "management", "PATCH", logto_paths.MANAGEMENT_USER, _json, path_params=_user(user_id), json=fields
    )


def delete_user(user_id: str) -> Request[None]:
    """``DELETE /api/users/{userId}``."""
    return Request(
        "management", "DELETE", logto_paths.MANAGEMENT_USER, _maybe_json, path_params=_user(user_id)
    )


def get_custom_data(user_id: str) -> Request[JSON]:
    """``GET /api/users/{userId}/custom-data``."""
    return Request(
        "management", "GET", logto_paths.MANAGEMENT_USER_CUSTOM_DATA, _json, path_params=_user(user_id)
    )


def update_custom_data(user_id: str, custom_data: Mapping[str, Any]) -> Request[JSON]:
    """``PATCH /api/users/{userId}/custom-data`` (``{customData}``, merged at the top level); the data."""
    return Request(
        "management",
        "PATCH",
        logto_paths.MANAGEMENT_USER_CUSTOM_DATA,
        _json,
        path_params=_user(user_id),
        json={"customData": dict(custom_data)},
    )


def list_user_roles(user_id: str) -> Request[list[JSON]]:
    """``GET /api/users/{userId}/roles``."""
    return Request("management", "GET", logto_paths.MANAGEMENT_USER_ROLES, _list, path_params=_user(user_id))


def assign_user_roles(user_id: str, role_ids: Sequence[str]) -> Request[JSON]:
    """``POST /api/users/{userId}/roles`` with ``{roleIds}``: 201 ``{roleIds, addedRoleIds}`` (those the
    user did not hold yet)."""
    return Request(
        "management",
        "POST",
        logto_paths.MANAGEMENT_USER_ROLES,
        _json,
        path_params=_user(user_id),
        json={"roleIds": list(role_ids)},
    )


# --- roles ------------------------------------------------------------------------------------------------
def list_roles(
    search: str | None = None, page: int | None = None, page_size: int | None = None
) -> Request[list[JSON]]:
    """``GET /api/roles`` (user and machine-to-machine roles), one page."""
    params = _params(search=search, page=page, page_size=page_size)
    return Request("management", "GET", logto_paths.MANAGEMENT_ROLES, _list, params=params)


def create_role(**fields: Any) -> Request[JSON]:
    """``POST /api/roles`` with Logto's fields (``name``, ``description``, ``type``, ``scopeIds``)."""
    return Request("management", "POST", logto_paths.MANAGEMENT_ROLES, _json, json=fields)


# --- organizations ----------------------------------------------------------------------------------------
def _organization(organization_id: str) -> dict[str, str]:
    return {"id": organization_id}


def list_organizations(
    q: str | None = None, page: int | None = None, page_size: int | None = None
) -> Request[list[JSON]]:
    """``GET /api/organizations`` (``q``: Logto's search by name or id)."""
    params = _params(q=q, page=page, page_size=page_size)
    return Request("management", "GET", ORGANIZATIONS, _list, params=params)


def create_organization(**fields: Any) -> Request[JSON]:
    """``POST /api/organizations`` with Logto's fields (``name``, ``description``, ``customData``)."""
    return Request("management", "POST", ORGANIZATIONS, _json, json=fields)


def add_organization_users(organization_id: str, user_ids: Sequence[str]) -> Request[JSON]:
    """``POST /api/organizations/{id}/users`` with ``{userIds}``: make them members; 201 echoing
    ``{userIds}`` (routes/organization/user/index.ts)."""
    return Request(
        "management",
        "POST",
        ORGANIZATION_USERS,
        _json,
        path_params=_organization(organization_id),
        json={"userIds": list(user_ids)},
    )


def list_organization_users(organization_id: str) -> Request[list[JSON]]:
    """``GET /api/organizations/{id}/users``: the members."""
    return Request("management", "GET", ORGANIZATION_USERS, _list, path_params=_organization(organization_id))


# --- the sign-in experience -------------------------------------------------------------------------------
def get_sign_in_exp() -> Request[JSON]:
    """``GET /api/sign-in-exp``: the ``sign_in_experiences`` row."""
    return Request("management", "GET", logto_paths.MANAGEMENT_SIGN_IN_EXP, _json)


def update_sign_in_exp(**fields: Any) -> Request[JSON]:
    """``PATCH /api/sign-in-exp`` with Logto's fields (``signIn``, ``signUp``, ``signInMode``…),
    applied at once to the pages and the Experience API; the row."""
    return Request("management", "PATCH", logto_paths.MANAGEMENT_SIGN_IN_EXP, _json, json=fields)
