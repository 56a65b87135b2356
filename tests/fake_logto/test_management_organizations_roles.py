"""The Management API's organization roles, organization scopes and the role relations of members and
applications over HTTP (Logto's ``routes/organization-role/index.ts``, ``organization-scope/index.ts``,
``organization/user/role-relations.ts``, ``organization/application/**``, the ``SchemaRouter`` relation
routes): each route's answer and its errors."""

from __future__ import annotations

from typing import Any

import httpx
from logto_support import M2M, WEB
from management_support import logto_error

ORG = "org-acme"
ROLE_KEYS = {"tenantId", "id", "name", "description", "type"}
SCOPE_KEYS = {"tenantId", "id", "name", "description"}
FK = "entity.relation_foreign_key_not_found"
NOT_FOUND = "The resource does not exist."
UNIQUE = (
    "entity.unique_integrity_violation",
    "The entity already exists. Please check the input and try again.",
)
MEMBERSHIP = ("organization.require_membership", "The user must be a member of the organization to proceed.")


def _role(api: httpx.Client, name: str, **fields: Any) -> dict[str, Any]:
    response = api.post("/organization-roles", json={"name": name, **fields})
    assert response.status_code == 201, response.text
    role: dict[str, Any] = response.json()
    return role


def _scope(api: httpx.Client, name: str) -> dict[str, Any]:
    response = api.post("/organization-scopes", json={"name": name})
    assert response.status_code == 201, response.text
    scope: dict[str, Any] = response.json()
    return scope


def _resource_scope_id(api: httpx.Client, name: str) -> str:
    """A resource scope's id, as the roles API shows it (librarian holds write:books, catalogue-sync read)."""
    for role in api.get("/roles").json():
        for scope in api.get(f"/roles/{role['id']}/scopes").json():
            if scope["name"] == name:
                scope_id: str = scope["id"]
                return scope_id
    raise AssertionError(name)


def _member(api: httpx.Client, username: str) -> str:
    user_id: str = api.post("/users", json={"username": username}).json()["id"]
    assert api.post(f"/organizations/{ORG}/users", json={"userIds": [user_id]}).status_code == 201
    return user_id


# --- organization scopes --------------------------------------------------------------------------------
def test_organization_scopes(api: httpx.Client) -> None:
    listed = api.get("/organization-scopes")
    assert "Total-Number" not in listed.headers  # paging is optional
    assert [s["name"] for s in listed.json()] == ["invite:members", "read:members"]  # by name
    assert set(listed.json()[0]) == SCOPE_KEYS
    paged = api.get("/organization-scopes", params={"page_size": 1, "page": 2})
    assert (paged.headers["Total-Number"], [s["name"] for s in paged.json()]) == ("2", ["read:members"])
    assert [s["name"] for s in api.get("/organization-scopes", params={"q": "READ"}).json()] == [
        "read:members"
    ]
    scope = _scope(api, "export:data")
    assert scope["description"] is None
    assert len(scope["id"]) == 21
    assert api.get(f"/organization-scopes/{scope['id']}").json() == scope
    patched = api.patch(f"/organization-scopes/{scope['id']}", json={"description": "Export"}).json()
    assert patched == scope | {"description": "Export"}
    logto_error(api.patch(f"/organization-scopes/{scope['id']}", json={"name": "read:members"}), 422, *UNIQUE)
    logto_error(api.post("/organization-scopes", json={"name": "read:members"}), 422, *UNIQUE)
    assert api.delete(f"/organization-scopes/{scope['id']}").status_code == 204
    logto_error(
        api.get(f"/organization-scopes/{scope['id']}"), 404, "entity.not_exists_with_id",
        f"The organization_scopes with ID `{scope['id']}` does not exist.",
    )  # fmt: skip
    logto_error(
        api.patch("/organization-scopes/nope", json={}),
        404,
        "entity.not_exists",
        "The organization_scope does not exist.",
    )
    logto_error(api.delete("/organization-scopes/nope"), 404, "entity.not_found", NOT_FOUND)
    logto_error(api.post("/organization-scopes", json={"name": ""}), 400, "guard.invalid_input")
    logto_error(
        api.post("/organization-scopes", json={"name": "a", "description": "d" * 257}),
        400,
        "guard.invalid_input",
    )


# --- organization roles ---------------------------------------------------------------------------------
def test_organization_roles(api: httpx.Client) -> None:
    listed = api.get("/organization-roles")
    assert listed.headers["Total-Number"] == "1"
    [admin] = listed.json()
    assert set(admin) == ROLE_KEYS | {"scopes", "resourceScopes"}
    assert sorted(s["name"] for s in admin["scopes"]) == ["invite:members", "read:members"]
    assert admin["scopes"] == sorted(admin["scopes"], key=lambda s: s["id"])
    read, write = _resource_scope_id(api, "read:books"), _resource_scope_id(api, "write:books")
    scope = _scope(api, "export:data")
    role = _role(
        api, "auditor", description="Audits", organizationScopeIds=[scope["id"]], resourceScopeIds=[write]
    )
    assert set(role) == ROLE_KEYS
    assert role["type"] == "User"
    assert api.get(f"/organization-roles/{role['id']}").json() == role  # no scopes: the guard strips them
    found = api.get("/organization-roles", params={"q": "audits"}).json()  # the description too
    assert found[0]["scopes"] == [{"id": scope["id"], "name": "export:data"}]
    assert found[0]["resourceScopes"][0]["name"] == "write:books"
    assert found[0]["resourceScopes"][0]["resource"]["name"] == "Bookstore API"
    assert [r["name"] for r in api.get("/organization-roles").json()] == ["admin", "auditor"]
    patched = api.patch(f"/organization-roles/{role['id']}", json={"name": "reviewer", "description": None})
    assert patched.json() == role | {"name": "reviewer", "description": None}
    logto_error(api.patch(f"/organization-roles/{role['id']}", json={"name": "admin"}), 422, *UNIQUE)
    logto_error(api.post("/organization-roles", json={"name": "admin"}), 422, *UNIQUE)
    logto_error(
        api.post("/organization-roles", json={"name": "x", "organizationScopeIds": ["nope"]}), 422, FK
    )
    logto_error(
        api.post("/organization-roles", json={"name": "x", "resourceScopeIds": [read, "nope"]}), 422, FK
    )
    assert "x" not in {r["name"] for r in api.get("/organization-roles").json()}  # rolled back
    logto_error(
        api.post("/organization-roles", json={"name": "x", "type": "Admin"}), 400, "guard.invalid_input"
    )
    logto_error(
        api.post("/organization-roles", json={"name": "x", "organizationScopeIds": None}),
        400,
        "guard.invalid_input",
    )
    logto_error(api.get("/organization-roles/nope"), 404, "entity.not_found", NOT_FOUND)
    logto_error(
        api.patch("/organization-roles/nope", json={"name": "y"}),
        404,
        "entity.not_exists",
        "The organization_role does not exist.",
    )
    assert api.delete(f"/organization-roles/{role['id']}").status_code == 204
    logto_error(api.delete(f"/organization-roles/{role['id']}"), 404, "entity.not_found", NOT_FOUND)


def test_a_roles_scopes_and_resource_scopes(api: httpx.Client) -> None:
    role = _role(api, "auditor")
    one, two = _scope(api, "one"), _scope(api, "two")
    base = f"/organization-roles/{role['id']}"
    added = api.post(f"{base}/scopes", json={"organizationScopeIds": [one["id"], two["id"]]})
    assert (added.status_code, added.text) == (201, "Created")
    assert api.post(f"{base}/scopes", json={"organizationScopeIds": [two["id"]]}).status_code == 201
    listed = api.get(f"{base}/scopes")
    assert ([s["name"] for s in listed.json()], "Total-Number" in listed.headers) == (["one", "two"], False)
    assert api.get(f"{base}/scopes", params={"page": 1}).headers["Total-Number"] == "2"
    logto_error(api.post(f"{base}/scopes", json={"organizationScopeIds": [one["id"], "0"]}), 422, FK)
    logto_error(
        api.post("/organization-roles/nope/scopes", json={"organizationScopeIds": [one["id"]]}), 422, FK
    )
    logto_error(api.post(f"{base}/scopes", json={"organizationScopeIds": []}), 400, "guard.invalid_input")
    assert api.delete(f"{base}/scopes/{one['id']}").status_code == 204
    logto_error(api.delete(f"{base}/scopes/{one['id']}"), 404, "entity.not_found", NOT_FOUND)
    assert api.put(f"{base}/scopes", json={"organizationScopeIds": [one["id"]]}).status_code == 204
    assert [s["name"] for s in api.get(f"{base}/scopes").json()] == ["one"]
    logto_error(
        api.put(f"{base}/scopes", json={"organizationScopeIds": [two["id"], two["id"]]}), 422, *UNIQUE
    )
    logto_error(api.put(f"{base}/scopes", json={"organizationScopeIds": ["0"]}), 422, FK)
    assert [s["name"] for s in api.get(f"{base}/scopes").json()] == ["one"]  # unchanged
    logto_error(api.get("/organization-roles/nope/scopes"), 404, "entity.not_found", NOT_FOUND)
    # A deleted organization scope leaves the role.
    assert api.delete(f"/organization-scopes/{one['id']}").status_code == 204
    assert api.get(f"{base}/scopes").json() == []

    read = _resource_scope_id(api, "read:books")
    assert api.post(f"{base}/resource-scopes", json={"scopeIds": [read]}).status_code == 201
    [scope] = api.get(f"{base}/resource-scopes").json()
    assert set(scope) == {"tenantId", "id", "resourceId", "name", "description", "createdAt"}
    assert (scope["id"], scope["name"]) == (read, "read:books")
    logto_error(api.post(f"{base}/resource-scopes", json={"scopeIds": ["0"]}), 422, FK)
    assert api.put(f"{base}/resource-scopes", json={"scopeIds": []}).status_code == 204
    logto_error(api.delete(f"{base}/resource-scopes/{read}"), 404, "entity.not_found", NOT_FOUND)


# --- a member's organization roles ----------------------------------------------------------------------
def test_a_members_roles(api: httpx.Client) -> None:
    outsider: str = api.post("/users", json={"username": "olga"}).json()["id"]
    ann = _member(api, "ann")
    auditor, viewer, bot = (
        _role(api, "auditor"),
        _role(api, "viewer"),
        _role(api, "bot", type="MachineToMachine"),
    )
    base = f"/organizations/{ORG}/users/{ann}/roles"
    logto_error(
        api.post(f"/organizations/{ORG}/users/{outsider}/roles", json={"organizationRoleIds": 1}),
        422,
        *MEMBERSHIP,
    )
    logto_error(api.get(f"/organizations/nope/users/{ann}/roles"), 422, *MEMBERSHIP)
    assert api.post(base, json={"organizationRoleIds": []}).json() == {"organizationRoleIds": []}
    added = api.post(
        base, json={"organizationRoleIds": [viewer["id"]], "organizationRoleNames": ["auditor", "viewer"]}
    )
    assert (added.status_code, added.json()) == (201, {"organizationRoleIds": [viewer["id"], auditor["id"]]})
    listed = api.get(base)
    assert [r["name"] for r in listed.json()] == [
        "viewer",
        "auditor",
    ]
    assert "Total-Number" not in listed.headers
    assert set(listed.json()[0]) == ROLE_KEYS
    assert api.get(base, params={"page_size": 1}).headers["Total-Number"] == "2"
    logto_error(api.post(base, json={"organizationRoleIds": ["0"]}), 422, FK)
    logto_error(
        api.post(base, json={"organizationRoleIds": [bot["id"]]}),
        422,
        "entity.db_constraint_violated",
        "Database constraint violated.",
    )
    logto_error(
        api.post(base, json={"organizationRoleNames": ["a", "b", "c"]}), 422, "organization.role_names_not_found",
        "Invalid role names detected: a, b, and c. Please create these roles first before proceeding.",
    )  # fmt: skip
    logto_error(api.put(base, json={"organizationRoleNames": ["x", "y"]}), 422, "organization.role_names_not_found",
                "Invalid role names detected: x and y. Please create these roles first before proceeding.")  # fmt: skip
    logto_error(api.post(base, json={"organizationRoleIds": None}), 400, "guard.invalid_input")
    assert api.put(base, json={"organizationRoleNames": ["auditor"]}).status_code == 204
    assert [r["name"] for r in api.get(base).json()] == ["auditor"]
    logto_error(
        api.put(base, json={"organizationRoleIds": [bot["id"]]}), 422, "entity.db_constraint_violated"
    )
    assert api.delete(f"{base}/{auditor['id']}").status_code == 204
    logto_error(api.delete(f"{base}/{auditor['id']}"), 404, "entity.not_found", NOT_FOUND)
    logto_error(api.delete(f"/organizations/{ORG}/users/{outsider}/roles/{auditor['id']}"), 422, *MEMBERSHIP)

    # Scopes of a member there, and a deleted role leaving its holders.
    assert api.post(base, json={"organizationRoleNames": ["admin"]}).status_code == 201
    scopes = api.get(f"/organizations/{ORG}/users/{ann}/scopes").json()
    assert sorted(s["name"] for s in scopes) == ["invite:members", "read:members"]
    assert set(scopes[0]) == SCOPE_KEYS
    assert api.get(f"/organizations/{ORG}/users/{outsider}/scopes").json() == []
    # A removed member loses their roles (on delete cascade).
    assert api.delete(f"/organizations/{ORG}/users/{ann}").status_code == 204
    assert api.post(f"/organizations/{ORG}/users", json={"userIds": [ann]}).status_code == 201
    assert api.get(base).json() == []


def test_bulk_role_assignment(api: httpx.Client) -> None:
    ann, bob = _member(api, "ann"), _member(api, "bob")
    outsider: str = api.post("/users", json={"username": "olga"}).json()["id"]
    viewer, bot = _role(api, "viewer"), _role(api, "bot", type="MachineToMachine")
    bulk = f"/organizations/{ORG}/users/roles"
    done = api.post(bulk, json={"userIds": [ann, bob], "organizationRoleIds": [viewer["id"]]})
    assert (done.status_code, done.text) == (201, "Created")
    assert [r["name"] for r in api.get(f"/organizations/{ORG}/users/{bob}/roles").json()] == ["viewer"]
    logto_error(api.post(bulk, json={"userIds": [outsider], "organizationRoleIds": [viewer["id"]]}), 422, FK)
    logto_error(api.post(bulk, json={"userIds": [ann], "organizationRoleIds": ["0"]}), 422, FK)
    logto_error(
        api.post(bulk, json={"userIds": [ann], "organizationRoleIds": [bot["id"]]}),
        422,
        "entity.db_constraint_violated",
    )
    logto_error(
        api.post(bulk, json={"userIds": [ann], "organizationRoleIds": []}), 400, "guard.invalid_input"
    )


# --- applications ---------------------------------------------------------------------------------------
def test_organization_applications_and_their_roles(api: httpx.Client) -> None:
    apps = f"/organizations/{ORG}/applications"
    logto_error(api.post(apps, json={"applicationIds": [WEB["id"]]}), 422, "entity.db_constraint_violated")
    logto_error(api.post(apps, json={"applicationIds": ["nope"]}), 422, FK)
    logto_error(api.post("/organizations/nope/applications", json={"applicationIds": [M2M["id"]]}), 422, FK)
    logto_error(api.post(apps, json={"applicationIds": []}), 400, "guard.invalid_input")
    bot, viewer = _role(api, "bot", type="MachineToMachine"), _role(api, "viewer")
    roles = f"{apps}/{M2M['id']}/roles"
    logto_error(api.get(roles), 422, *MEMBERSHIP)
    assert api.put(apps, json={"applicationIds": [M2M["id"]]}).status_code == 204
    logto_error(
        api.post(roles, json={"organizationRoleIds": [viewer["id"]]}), 422, "entity.db_constraint_violated"
    )
    logto_error(api.post(roles, json={"organizationRoleIds": []}), 400, "guard.invalid_input")
    assert api.post(roles, json={"organizationRoleIds": [bot["id"]]}).status_code == 201
    assert [r["name"] for r in api.get(roles).json()] == ["bot"]
    logto_error(api.put(roles, json={"organizationRoleIds": [bot["id"], bot["id"]]}), 422, *UNIQUE)
    assert api.put(roles, json={"organizationRoleIds": [bot["id"]]}).status_code == 204
    assert api.delete(f"{roles}/{bot['id']}").status_code == 204
    logto_error(api.delete(f"{roles}/{bot['id']}"), 404, "entity.not_found", NOT_FOUND)
    bulk = api.post(f"{apps}/roles", json={"applicationIds": [M2M["id"]], "organizationRoleIds": [bot["id"]]})
    assert bulk.status_code == 201
    assert [r["name"] for r in api.get(roles).json()] == ["bot"]
    assert api.put(apps, json={"applicationIds": []}).status_code == 204
    logto_error(api.delete(f"{apps}/{M2M['id']}"), 404, "entity.not_found", NOT_FOUND)
