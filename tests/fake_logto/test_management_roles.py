"""The Management API's roles over HTTP (Logto's ``routes/role.ts``, ``role.scope.ts``,
``admin-user/role.ts``): each route's answer and its errors, and a role's scopes reaching the next token."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import httpx
from logto_support import API, M2M, PASSWORD_USER, WEB, auth_url, password_sign_in
from management_support import MANAGEMENT, logto_error, token_response

from fake_logto import Running
from harness import callback_params

ROLE_KEYS = {"tenantId", "id", "name", "description", "type", "isDefault"}


def _token(logto: Running, app: dict[str, str], resource: str, scope: str) -> httpx.Response:
    return token_response(logto.endpoint, app, resource, scope)


_error = logto_error


def _roles(api: httpx.Client) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in api.get("/roles").json()}


def _scope_id(api: httpx.Client, role_id: str, name: str) -> str:
    return next(s["id"] for s in api.get(f"/roles/{role_id}/scopes").json() if s["name"] == name)


def _user_id(api: httpx.Client) -> str:
    user_id: str = api.get("/users", params={"search": PASSWORD_USER["email"]}).json()[0]["id"]
    return user_id


def test_the_guard_applies(mgmt: Running) -> None:
    _error(
        httpx.get(f"{mgmt.endpoint}/api/roles"),
        401,
        "auth.authorization_header_missing",
        "Authorization header is missing.",
    )


def test_list_shows_the_configured_roles_with_their_holders(api: httpx.Client) -> None:
    response = api.get("/roles")
    assert response.status_code == 200
    assert response.headers["Total-Number"] == "4"  # the configured three and Logto's seeded M2M role
    roles = {r["name"]: r for r in response.json()}
    librarian = roles["librarian"]
    assert set(librarian) == ROLE_KEYS | {
        "usersCount",
        "featuredUsers",
        "applicationsCount",
        "featuredApplications",
    }
    assert (librarian["type"], librarian["usersCount"], librarian["featuredUsers"][0]["name"]) == (
        "User",
        1,
        "Reader",
    )
    sync = roles["catalogue-sync"]
    assert (sync["type"], sync["applicationsCount"]) == ("MachineToMachine", 1)
    assert sync["featuredApplications"] == [
        {"id": M2M["id"], "name": "Bookstore jobs", "type": "MachineToMachine"}
    ]
    m2m = api.get("/roles", params={"type": "MachineToMachine", "page_size": 1})
    assert m2m.headers["Total-Number"] == "3"
    assert len(m2m.json()) == 1
    assert api.get("/roles", params={"type": "Admin"}).status_code == 400
    _error(
        api.get("/roles", params={"page": 0}),
        400,
        "guard.invalid_pagination",
        "The request pagination value is invalid.",
    )


def test_create_get_update_delete(api: httpx.Client) -> None:
    write_books = _scope_id(api, _roles(api)["librarian"]["id"], "write:books")
    created = api.post("/roles", json={"name": "editor", "description": "Edits", "scopeIds": [write_books]})
    assert created.status_code == 200, created.text
    role = created.json()
    assert set(role) == ROLE_KEYS
    assert (role["type"], role["isDefault"]) == ("User", False)
    assert api.get(f"/roles/{role['id']}").json() == role
    assert [s["name"] for s in api.get(f"/roles/{role['id']}/scopes").json()] == ["write:books"]
    patched = api.patch(f"/roles/{role['id']}", json={"name": "chief editor", "isDefault": True})
    assert patched.status_code == 200
    assert (patched.json()["name"], patched.json()["isDefault"]) == (
        "chief editor",
        True,
    )
    assert api.delete(f"/roles/{role['id']}").status_code == 204
    missing = f"The roles with ID `{role['id']}` does not exist."
    _error(api.get(f"/roles/{role['id']}"), 404, "entity.not_exists_with_id", missing)
    _error(api.patch(f"/roles/{role['id']}", json={}), 404, "entity.not_exists_with_id", missing)
    _error(api.delete(f"/roles/{role['id']}"), 404, "entity.not_exists_with_id", missing)


def test_create_and_update_refusals(api: httpx.Client) -> None:
    in_use = "This role name librarian is already in use"
    _error(
        api.post("/roles", json={"name": "librarian", "description": "x"}), 422, "role.name_in_use", in_use
    )
    sync_id = _roles(api)["catalogue-sync"]["id"]
    _error(api.patch(f"/roles/{sync_id}", json={"name": "librarian"}), 422, "role.name_in_use", in_use)
    assert api.post("/roles", json={"name": "x"}).json()["code"] == "guard.invalid_input"
    assert api.post("/roles", json={"name": "x", "description": "d", "type": "Admin"}).status_code == 400
    _error(
        api.post("/roles", json={"name": "x", "description": "d", "scopeIds": ["nope"]}),
        404,
        "entity.not_exists_with_id",
        "The scopes with ID `nope` does not exist.",
    )
    _error(
        api.post("/roles", json={"name": "x", "description": "d", "scopeIds": ["management-api-all"]}),
        400,
        "role.management_api_scopes_not_assignable_to_user_role",
        "Cannot assign Management API scopes to a user role.",
    )
    assert "x" not in _roles(api)


def test_role_scopes_add_and_remove(api: httpx.Client) -> None:
    roles = _roles(api)
    write_books = _scope_id(api, roles["librarian"]["id"], "write:books")
    sync_id = roles["catalogue-sync"]["id"]
    added = api.post(f"/roles/{sync_id}/scopes", json={"scopeIds": [write_books]})
    assert added.status_code == 201
    assert {s["name"] for s in added.json()} == {"read:books", "write:books"}
    assert set(added.json()[0]) == {"tenantId", "id", "resourceId", "name", "description", "createdAt"}
    listed = api.get(f"/roles/{sync_id}/scopes", params={"page": 1, "page_size": 1})
    assert listed.headers["Total-Number"] == "2"
    assert listed.json()[0]["resource"]["indicator"] == API
    _error(
        api.post(f"/roles/{sync_id}/scopes", json={"scopeIds": [write_books]}),
        422,
        "role.scope_exists",
        f"The scope id {write_books} has already been added to this role",
    )
    assert api.post(f"/roles/{sync_id}/scopes", json={"scopeIds": []}).status_code == 400
    _error(
        api.post("/roles/nope/scopes", json={"scopeIds": [write_books]}),
        404,
        "entity.not_exists_with_id",
        "The roles with ID `nope` does not exist.",
    )
    assert api.delete(f"/roles/{sync_id}/scopes/{write_books}").status_code == 204
    _error(
        api.delete(f"/roles/{sync_id}/scopes/{write_books}"),
        404,
        "entity.not_found",
        "The resource does not exist.",
    )


def test_a_scope_added_reaches_the_next_m2m_token(mgmt: Running, api: httpx.Client) -> None:
    assert _token(mgmt, M2M, API, "write:books").json().get("scope", "") == ""
    roles = _roles(api)
    write_books = _scope_id(api, roles["librarian"]["id"], "write:books")
    api.post(f"/roles/{roles['catalogue-sync']['id']}/scopes", json={"scopeIds": [write_books]})
    assert _token(mgmt, M2M, API, "write:books").json()["scope"] == "write:books"
    api.delete(f"/roles/{roles['catalogue-sync']['id']}")
    assert _token(mgmt, M2M, API, "read:books").json().get("scope", "") == ""


def test_user_roles_list_assign_replace_remove(api: httpx.Client) -> None:
    user_id = _user_id(api)
    roles = _roles(api)
    listed = api.get(f"/users/{user_id}/roles")
    assert listed.headers["Total-Number"] == "1"
    assert [r["name"] for r in listed.json()] == ["librarian"]
    editor = api.post("/roles", json={"name": "editor", "description": "Edits"}).json()
    assigned = api.post(f"/users/{user_id}/roles", json={"roleIds": [roles["librarian"]["id"], editor["id"]]})
    assert assigned.status_code == 201
    assert assigned.json() == {
        "roleIds": [roles["librarian"]["id"], editor["id"]],
        "addedRoleIds": [editor["id"]],
    }
    assert {r["name"] for r in api.get(f"/users/{user_id}/roles").json()} == {"librarian", "editor"}
    replaced = api.put(f"/users/{user_id}/roles", json={"roleIds": [editor["id"], editor["id"]]})
    assert replaced.status_code == 200
    assert replaced.json() == {"roleIds": [editor["id"]]}
    assert [r["name"] for r in api.get(f"/users/{user_id}/roles").json()] == ["editor"]
    assert api.delete(f"/users/{user_id}/roles/{editor['id']}").status_code == 204
    assert api.get(f"/users/{user_id}/roles").json() == []
    _error(
        api.delete(f"/users/{user_id}/roles/{editor['id']}"),
        404,
        "entity.not_found",
        "The resource does not exist.",
    )


def test_user_roles_refusals(api: httpx.Client) -> None:
    user_id = _user_id(api)
    sync_id = _roles(api)["catalogue-sync"]["id"]
    _error(
        api.post(f"/users/{user_id}/roles", json={"roleIds": [sync_id]}),
        422,
        "user.invalid_role_type",
        "Invalid role type, can not assign machine-to-machine role to user.",
    )
    missing = "The roles with ID `nope` does not exist."
    _error(
        api.post(f"/users/{user_id}/roles", json={"roleIds": ["nope"]}),
        404,
        "entity.not_exists_with_id",
        missing,
    )
    _error(
        api.put(f"/users/{user_id}/roles", json={"roleIds": ["nope"]}),
        404,
        "entity.not_exists_with_id",
        missing,
    )
    assert api.post(f"/users/{user_id}/roles", json={"roleIds": "x"}).json()["code"] == "guard.invalid_input"
    assert api.get("/users/nope/roles").status_code == 404
    assert api.post("/users/nope/roles", json={"roleIds": []}).status_code == 404


def test_a_role_assigned_to_a_user_reaches_the_users_next_access_token(
    mgmt: Running, api: httpx.Client
) -> None:
    """Logto resolves a user's API scopes from the user's roles when a token is issued
    (``findUserScopesForResourceIndicator``, ``packages/core/src/libraries/user.ts``): a role assigned
    through the Management API shows in the next refresh, and is gone after it is removed."""
    roles = _roles(api)
    read_books = _scope_id(api, roles["catalogue-sync"]["id"], "read:books")
    created = api.post("/roles", json={"name": "reviewer", "description": "reads", "scopeIds": [read_books]})
    assert created.status_code == 200, created.text
    role_id = created.json()["id"]

    url = (
        auth_url(mgmt, scope="openid offline_access read:books write:books")
        + "&"
        + urlencode({"resource": API})
    )
    code = callback_params(
        password_sign_in(mgmt.endpoint, url, PASSWORD_USER["email"], PASSWORD_USER["password"])
    )["code"]
    web = (WEB["id"], WEB["secret"])
    tokens = httpx.post(
        f"{mgmt.endpoint}/oidc/token",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": WEB["redirect"]},
        auth=web,
    ).json()

    def api_scope() -> str:
        refreshed = httpx.post(
            f"{mgmt.endpoint}/oidc/token",
            data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], "resource": API},
            auth=web,
        )
        assert refreshed.status_code == 200, refreshed.text
        tokens["refresh_token"] = refreshed.json().get("refresh_token", tokens["refresh_token"])
        scope: str = refreshed.json()["scope"]
        return scope

    assert api_scope() == "write:books"  # the librarian role only
    user_id = _user_id(api)
    assert api.post(f"/users/{user_id}/roles", json={"roleIds": [role_id]}).status_code == 201
    assert sorted(api_scope().split()) == ["read:books", "write:books"]
    assert api.delete(f"/users/{user_id}/roles/{role_id}").status_code == 204
    assert api_scope() == "write:books"


def test_replacing_a_users_roles_with_a_machine_to_machine_role_breaks_the_db_constraint(
    api: httpx.Client,
) -> None:
    """``PUT /users/:id/roles`` checks only that the roles exist; an m2m role then breaks
    ``users_roles__role_type`` (tables/users_roles.sql): 422 ``entity.db_constraint_violated``."""
    roles = _roles(api)
    user_id = _user_id(api)
    response = api.put(f"/users/{user_id}/roles", json={"roleIds": [roles["catalogue-sync"]["id"]]})
    _error(response, 422, "entity.db_constraint_violated", "Database constraint violated.")
    assert api.get(f"/users/{user_id}/roles").json() == []  # the old links went first, as on Logto


def test_logtos_seeded_management_api_role_lets_an_m2m_app_call_the_api(
    mgmt: Running, api: httpx.Client
) -> None:
    """``seedPreConfiguredManagementApiAccessRole`` (packages/cli/src/commands/database/seed/roles.ts)."""
    query = {"type": "MachineToMachine", "search": "%Logto Management API access%"}
    [seeded] = api.get("/roles", params=query).json()
    assert (seeded["name"], seeded["description"], seeded["isDefault"]) == (
        "Logto Management API access",
        "This default role grants access to the Logto management API.",
        False,
    )
    assert [(s["id"], s["name"]) for s in api.get(f"/roles/{seeded['id']}/scopes").json()] == [
        ("management-api-all", "all")
    ]
    app = api.post("/applications", json={"name": "Back end", "type": "MachineToMachine"}).json()
    [secret] = api.get(f"/applications/{app['id']}/secrets").json()
    creds = {"id": app["id"], "secret": secret["value"]}

    def users_status() -> int:
        granted = _token(mgmt, creds, MANAGEMENT, "all")
        assert granted.status_code == 200, granted.text
        headers = {"authorization": f"Bearer {granted.json()['access_token']}"}
        return httpx.get(f"{mgmt.endpoint}/api/users", headers=headers).status_code

    assert users_status() == 403  # a token without `all`: auth.forbidden
    assert api.post(f"/applications/{app['id']}/roles", json={"roleIds": [seeded["id"]]}).status_code == 201
    assert users_status() == 200
