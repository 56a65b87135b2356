"""A role's users and applications, and an application's roles, over HTTP (Logto's ``routes/role.user.ts``,
``role.application.ts``, ``applications/application-role.ts``): each route's answer, Logto's type checks and
errors, and a role given here reaching the next token."""

from __future__ import annotations

from typing import Any

import httpx
from logto_support import API, M2M, PASSWORD_USER, SPA
from management_support import ADMIN, logto_error, token_response

from fake_logto import Running


def _roles(api: httpx.Client) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in api.get("/roles").json()}


def _user(api: httpx.Client, username: str) -> str:
    response = api.post("/users", json={"username": username})
    assert response.status_code == 200, response.text
    user_id: str = response.json()["id"]
    return user_id


def _reader(api: httpx.Client) -> str:
    user_id: str = api.get("/users", params={"search": PASSWORD_USER["email"]}).json()[0]["id"]
    return user_id


def test_the_guard_applies(mgmt: Running) -> None:
    logto_error(httpx.get(f"{mgmt.endpoint}/api/roles/x/users"), 401, "auth.authorization_header_missing")


def test_role_users_list_add_remove(api: httpx.Client) -> None:
    librarian = _roles(api)["librarian"]["id"]
    listed = api.get(f"/roles/{librarian}/users")
    assert listed.headers["Total-Number"] == "1"
    assert listed.json()[0]["primaryEmail"] == PASSWORD_USER["email"]
    assert "hasPassword" in listed.json()[0]
    ada, bob = _user(api, "ada"), _user(api, "bob")
    assert api.post(f"/roles/{librarian}/users", json={"userIds": [ada, bob]}).status_code == 201
    newest_first = api.get(f"/roles/{librarian}/users", params={"page_size": 2})
    assert newest_first.headers["Total-Number"] == "3"
    assert [u["username"] for u in newest_first.json()] == ["bob", "ada"]
    found = api.get(f"/roles/{librarian}/users", params={"search": "AD%"}).json()
    assert [u["username"] for u in found] == ["ada"]
    assert api.delete(f"/roles/{librarian}/users/{ada}").status_code == 204
    assert api.get(f"/users/{ada}/roles").json() == []


def test_role_users_refusals(api: httpx.Client) -> None:
    roles = _roles(api)
    librarian, sync = roles["librarian"]["id"], roles["catalogue-sync"]["id"]
    reader = _reader(api)
    logto_error(
        api.post(f"/roles/{librarian}/users", json={"userIds": [reader]}),
        422,
        "role.user_exists",
        f"The user id {reader} is already been added to this role",
    )
    logto_error(api.post(f"/roles/{librarian}/users", json={"userIds": ["nope"]}), 404, "entity.not_found")
    logto_error(
        api.post(f"/roles/{sync}/users", json={"userIds": [reader]}),
        422,
        "entity.db_constraint_violated",
        "Database constraint violated.",
    )
    logto_error(
        api.post("/roles/nope/users", json={"userIds": [reader]}),
        404,
        "entity.not_exists_with_id",
        "The roles with ID `nope` does not exist.",
    )
    logto_error(api.post("/roles/nope/users", json={"userIds": []}), 400, "guard.invalid_input")
    logto_error(api.post(f"/roles/{librarian}/users", json={"userIds": [""]}), 400, "guard.invalid_input")
    logto_error(api.get("/roles/nope/users"), 404, "entity.not_exists_with_id")
    logto_error(
        api.get(f"/roles/{librarian}/users", params={"page_size": 101}), 400, "guard.invalid_pagination"
    )
    logto_error(
        api.delete(f"/roles/{sync}/users/{reader}"), 404, "entity.not_found", "The resource does not exist."
    )


def test_role_applications_list_add_remove(api: httpx.Client) -> None:
    sync = _roles(api)["catalogue-sync"]["id"]
    listed = api.get(f"/roles/{sync}/applications")
    assert listed.headers["Total-Number"] == "1"
    assert [(a["id"], a["type"]) for a in listed.json()] == [(M2M["id"], "MachineToMachine")]
    assert api.post(f"/roles/{sync}/applications", json={"applicationIds": [ADMIN["id"]]}).status_code == 201
    assert {a["id"] for a in api.get(f"/roles/{sync}/applications").json()} == {M2M["id"], ADMIN["id"]}
    assert [a["id"] for a in api.get(f"/roles/{sync}/applications", params={"search": "admin%"}).json()] == [
        ADMIN["id"]
    ]
    assert api.delete(f"/roles/{sync}/applications/{ADMIN['id']}").status_code == 204
    logto_error(api.delete(f"/roles/{sync}/applications/{ADMIN['id']}"), 404, "entity.not_found")


def test_role_applications_refusals(api: httpx.Client) -> None:
    roles = _roles(api)
    librarian, sync = roles["librarian"]["id"], roles["catalogue-sync"]["id"]
    logto_error(
        api.post(f"/roles/{sync}/applications", json={"applicationIds": [M2M["id"]]}),
        422,
        "role.application_exists",
        "The application id {{applicationId}} is already been added to this role",
    )
    logto_error(
        api.post(f"/roles/{sync}/applications", json={"applicationIds": ["nope"]}),
        404,
        "entity.not_exists_with_id",
        "The applications with ID `nope` does not exist.",
    )
    logto_error(
        api.post(f"/roles/{librarian}/applications", json={"applicationIds": [M2M["id"]]}),
        422,
        "entity.db_constraint_violated",
    )
    logto_error(
        api.post("/roles/nope/applications", json={"applicationIds": [M2M["id"]]}),
        404,
        "entity.not_exists_with_id",
    )
    logto_error(
        api.post(f"/roles/{sync}/applications", json={"applicationIds": []}), 400, "guard.invalid_input"
    )
    logto_error(api.get("/roles/nope/applications"), 404, "entity.not_exists_with_id")


def test_application_roles_list_assign_replace_remove(mgmt: Running, api: httpx.Client) -> None:
    roles = _roles(api)
    sync = roles["catalogue-sync"]["id"]
    listed = api.get(f"/applications/{M2M['id']}/roles")
    assert listed.headers["Total-Number"] == "1"
    assert [r["name"] for r in listed.json()] == ["catalogue-sync"]
    assert set(listed.json()[0]) == {"tenantId", "id", "name", "description", "type", "isDefault"}
    loner = api.post("/applications", json={"name": "Loner", "type": "MachineToMachine"}).json()["id"]
    added = api.post(f"/applications/{loner}/roles", json={"roleIds": [sync, sync]})
    assert added.status_code == 201
    assert added.json() == {"roleIds": [sync, sync], "addedRoleIds": [sync]}
    again = api.post(f"/applications/{loner}/roles", json={"roleIds": [sync]}).json()
    assert again == {"roleIds": [sync], "addedRoleIds": []}
    assert api.put(f"/applications/{loner}/roles", json={"roleIds": []}).status_code == 200
    assert api.get(f"/applications/{loner}/roles").json() == []
    assert api.put(f"/applications/{loner}/roles", json={"roleIds": [sync]}).status_code == 200
    assert api.delete(f"/applications/{loner}/roles/{sync}").status_code == 204
    logto_error(api.delete(f"/applications/{loner}/roles/{sync}"), 404, "entity.not_found")


def test_application_roles_refusals(api: httpx.Client) -> None:
    roles = _roles(api)
    librarian, sync = roles["librarian"]["id"], roles["catalogue-sync"]["id"]
    for response in (
        api.get(f"/applications/{SPA['id']}/roles"),
        api.post(f"/applications/{SPA['id']}/roles", json={"roleIds": [sync]}),
        api.put(f"/applications/{SPA['id']}/roles", json={"roleIds": [sync]}),
        api.delete(f"/applications/{SPA['id']}/roles/{sync}"),
    ):
        logto_error(
            response,
            422,
            "application.invalid_type",
            "Only machine to machine applications can have associated roles.",
        )
    logto_error(
        api.post(f"/applications/{M2M['id']}/roles", json={"roleIds": [librarian]}),
        422,
        "application.invalid_role_type",
        "Can not assign user type role to machine to machine application.",
    )
    logto_error(
        api.post(f"/applications/{M2M['id']}/roles", json={"roleIds": ["nope"]}),
        404,
        "entity.not_exists_with_id",
    )
    logto_error(api.get("/applications/nope/roles"), 404, "entity.not_exists_with_id")
    logto_error(
        api.post(f"/applications/{M2M['id']}/roles", json={"roleIds": "x"}), 400, "guard.invalid_input"
    )
    logto_error(
        api.put(f"/applications/{M2M['id']}/roles", json={"roleIds": [librarian]}),
        422,
        "entity.db_constraint_violated",
    )
    assert api.get(f"/applications/{M2M['id']}/roles").json() == []  # the old links went first, as on Logto


def test_a_role_given_to_an_application_reaches_its_next_token(mgmt: Running, api: httpx.Client) -> None:
    sync = _roles(api)["catalogue-sync"]["id"]
    assert token_response(mgmt.endpoint, M2M, API, "read:books").json()["scope"] == "read:books"
    assert api.delete(f"/roles/{sync}/applications/{M2M['id']}").status_code == 204
    assert token_response(mgmt.endpoint, M2M, API, "read:books").json().get("scope", "") == ""
    assert api.post(f"/applications/{M2M['id']}/roles", json={"roleIds": [sync]}).status_code == 201
    assert token_response(mgmt.endpoint, M2M, API, "read:books").json()["scope"] == "read:books"
