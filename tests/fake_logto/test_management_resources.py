"""The Management API's API resources and their scopes over HTTP (Logto's ``routes/resource.ts``,
``resource.scope.ts``): each route's answer and its errors, and a resource created here working at once in
``/oidc/auth`` and ``/oidc/token``."""

from __future__ import annotations

from typing import Any

import httpx
from logto_support import API, M2M, WEB, auth_url
from management_support import MANAGEMENT, logto_error, token_response

from fake_logto import Running

RESOURCE_KEYS = {"tenantId", "id", "name", "indicator", "isDefault", "accessTokenTtl"}
SCOPE_KEYS = {"tenantId", "id", "resourceId", "name", "description", "createdAt"}
NEW = "https://inventory.bookstore.test"


def _bookstore(api: httpx.Client) -> dict[str, Any]:
    found: dict[str, Any] = next(r for r in api.get("/resources").json() if r["indicator"] == API)
    return found


def _create(api: httpx.Client, indicator: str = NEW, **extra: Any) -> dict[str, Any]:
    response = api.post("/resources", json={"name": "Inventory", "indicator": indicator, **extra})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_the_guard_applies(mgmt: Running) -> None:
    logto_error(httpx.get(f"{mgmt.endpoint}/api/resources"), 401, "auth.authorization_header_missing")


def test_list_shows_the_management_api_first_then_the_configured_resources(api: httpx.Client) -> None:
    response = api.get("/resources")
    assert response.status_code == 200
    assert "Total-Number" not in response.headers  # koaPagination({isOptional: true}) without page
    mapi, bookstore = response.json()
    assert mapi == {
        "tenantId": "default",
        "id": "management-api",
        "name": "Logto Management API",
        "indicator": MANAGEMENT,
        "isDefault": False,
        "accessTokenTtl": 3600,
    }
    assert set(bookstore) == RESOURCE_KEYS
    assert (bookstore["indicator"], bookstore["accessTokenTtl"]) == (API, 900)
    paged = api.get("/resources", params={"page": 2, "page_size": 1, "includeScopes": "true"})
    assert paged.headers["Total-Number"] == "2"
    [listed] = paged.json()
    assert [s["name"] for s in listed["scopes"]] == ["read:books", "write:books"]
    assert set(listed["scopes"][0]) == SCOPE_KEYS
    [mapi_scopes] = [r["scopes"] for r in api.get("/resources?includeScopes=1").json()[:1]]
    assert mapi_scopes[0]["id"] == "management-api-all"
    assert mapi_scopes[0]["description"] == "Default scope for Management API, allows all permissions."
    logto_error(api.get("/resources", params={"page": 0}), 400, "guard.invalid_pagination")


def test_create_get_update_and_delete(api: httpx.Client) -> None:
    created = _create(api, accessTokenTtl=600)
    assert created["scopes"] == []
    assert created["accessTokenTtl"] == 600
    assert not created["isDefault"]
    assert len(created["id"]) == 21
    rid = created["id"]
    assert api.get(f"/resources/{rid}").json() == {k: created[k] for k in RESOURCE_KEYS}
    patched = api.patch(f"/resources/{rid}", json={"name": "Stock", "indicator": "ignored"})
    assert patched.status_code == 200
    assert (patched.json()["name"], patched.json()["indicator"]) == ("Stock", NEW)  # indicator stripped
    assert api.delete(f"/resources/{rid}").status_code == 204
    logto_error(
        api.get(f"/resources/{rid}"),
        404,
        "entity.not_exists_with_id",
        f"The resources with ID `{rid}` does not exist.",
    )


def test_create_refusals(api: httpx.Client) -> None:
    _create(api)
    logto_error(
        api.post("/resources", json={"name": "Again", "indicator": NEW}),
        422,
        "resource.resource_identifier_in_use",
        f"The API identifier {NEW} is already in use",
    )
    logto_error(
        api.post("/resources", json={"name": "Mine", "indicator": MANAGEMENT}),
        422,
        "resource.resource_identifier_in_use",
    )
    body = logto_error(
        api.post("/resources", json={"indicator": "https://x.test"}), 400, "guard.invalid_input"
    )
    assert body["data"]["issues"][0]["path"] == ["name"]
    logto_error(
        api.post("/resources", json={"name": "", "indicator": "https://x.test"}), 400, "guard.invalid_input"
    )
    logto_error(
        api.post("/resources", json={"name": "X", "indicator": "https://x.test", "accessTokenTtl": "1"}),
        400,
        "guard.invalid_input",
    )


def test_update_and_delete_refusals(api: httpx.Client) -> None:
    logto_error(
        api.patch("/resources/management-api", json={"name": "Mine"}),
        400,
        "resource.cannot_modify_management_api",
        "Cannot modify Logto Management API.",
    )
    logto_error(
        api.delete("/resources/management-api"),
        400,
        "resource.cannot_delete_management_api",
        "Cannot delete Logto Management API.",
    )
    logto_error(api.patch("/resources/nope", json={"name": "X"}), 404, "entity.not_exists_with_id")
    logto_error(api.patch("/resources/nope", json={"name": None}), 400, "guard.invalid_input")  # guard first
    logto_error(api.delete("/resources/nope"), 404, "entity.not_exists_with_id")


def test_one_default_resource_at_most(api: httpx.Client) -> None:
    bookstore = _bookstore(api)
    created = _create(api)
    assert api.patch(f"/resources/{bookstore['id']}/is-default", json={"isDefault": True}).json()["isDefault"]
    moved = api.patch(f"/resources/{created['id']}/is-default", json={"isDefault": True})
    assert moved.status_code == 200
    assert moved.json()["isDefault"]
    assert [r["indicator"] for r in api.get("/resources").json() if r["isDefault"]] == [NEW]
    assert not api.patch(f"/resources/{created['id']}/is-default", json={"isDefault": False}).json()[
        "isDefault"
    ]
    assert not [r for r in api.get("/resources").json() if r["isDefault"]]
    logto_error(
        api.patch("/resources/nope/is-default", json={"isDefault": True}), 404, "entity.not_exists_with_id"
    )
    logto_error(
        api.patch("/resources/nope/is-default", json={"isDefault": "yes"}), 400, "guard.invalid_input"
    )


def test_scopes_list_page_and_search(api: httpx.Client) -> None:
    rid = _bookstore(api)["id"]
    listed = api.get(f"/resources/{rid}/scopes")
    assert listed.headers["Total-Number"] == "2"
    assert [(s["name"], s["resourceId"], s["description"]) for s in listed.json()] == [
        ("read:books", rid, None),
        ("write:books", rid, None),
    ]
    found = api.get(f"/resources/{rid}/scopes", params={"search": "%WRITE%"})
    assert [s["name"] for s in found.json()] == ["write:books"]
    assert found.headers["Total-Number"] == "1"
    exact = api.get(f"/resources/{rid}/scopes", params={"search.name": "read:books", "mode.name": "exact"})
    assert [s["name"] for s in exact.json()] == ["read:books"]
    assert (
        api.get(f"/resources/{rid}/scopes", params={"page": 2, "page_size": 1}).json()[0]["name"]
        == "write:books"
    )
    unknown = api.get("/resources/nope/scopes")
    assert (unknown.status_code, unknown.json(), unknown.headers["Total-Number"]) == (200, [], "0")
    logto_error(
        api.get(f"/resources/{rid}/scopes", params={"search": "x", "mode": "fuzzy"}),
        400,
        "request.invalid_input",
        "Input is invalid. Search match mode `fuzzy` is not valid, expect one of exact, like, similar_to, posix.",
    )
    logto_error(
        api.get(f"/resources/{rid}/scopes", params={"search.secret": "x"}),
        400,
        "request.invalid_input",
        "Input is invalid. Search field `secret` is not valid, expect one of id, name, description.",
    )


def test_scope_create_update_delete(api: httpx.Client) -> None:
    rid = _bookstore(api)["id"]
    created = api.post(f"/resources/{rid}/scopes", json={"name": "delete:books", "description": "Remove"})
    assert created.status_code == 201
    scope = created.json()
    assert set(scope) == SCOPE_KEYS
    assert scope["description"] == "Remove"
    assert len(scope["id"]) == 21
    renamed = api.patch(f"/resources/{rid}/scopes/{scope['id']}", json={"name": "drop:books"})
    assert (renamed.json()["name"], renamed.json()["id"], renamed.json()["description"]) == (
        "drop:books",
        scope["id"],
        "Remove",
    )
    same = api.patch(
        f"/resources/{rid}/scopes/{scope['id']}", json={"name": "drop:books", "description": None}
    )
    assert same.status_code == 200
    assert same.json()["description"] is None
    assert api.delete(f"/resources/{rid}/scopes/{scope['id']}").status_code == 204
    assert [s["name"] for s in api.get(f"/resources/{rid}/scopes").json()] == ["read:books", "write:books"]


def test_scope_refusals(api: httpx.Client) -> None:
    rid = _bookstore(api)["id"]
    scopes = api.get(f"/resources/{rid}/scopes").json()
    logto_error(
        api.post(f"/resources/{rid}/scopes", json={"name": "read books"}),
        400,
        "scope.name_with_space",
        "The name of the scope cannot contain any spaces.",
    )
    logto_error(api.post("/resources/nope/scopes", json={"name": "a b"}), 400, "scope.name_with_space")
    logto_error(api.post("/resources/nope/scopes", json={"name": "ab"}), 404, "entity.not_exists_with_id")
    logto_error(
        api.post(f"/resources/{rid}/scopes", json={"name": "read:books"}),
        422,
        "scope.name_exists",
        "The scope name read:books is already in use",
    )
    logto_error(
        api.post("/resources/management-api/scopes", json={"name": "mine"}),
        400,
        "resource.cannot_modify_management_api",
    )
    logto_error(api.post(f"/resources/{rid}/scopes", json={"name": "x" * 257}), 400, "guard.invalid_input")
    logto_error(api.post(f"/resources/{rid}/scopes", json={"description": "d"}), 400, "guard.invalid_input")
    logto_error(
        api.patch(f"/resources/{rid}/scopes/{scopes[0]['id']}", json={"name": "write:books"}),
        422,
        "scope.name_exists",
    )
    logto_error(
        api.patch(f"/resources/{rid}/scopes/nope", json={"description": "d"}),
        404,
        "entity.not_exists",
        "The scope does not exist.",
    )
    logto_error(
        api.patch("/resources/management-api/scopes/management-api-all", json={"description": "d"}),
        400,
        "resource.cannot_modify_management_api",
    )
    logto_error(
        api.delete(f"/resources/{rid}/scopes/nope"), 404, "entity.not_found", "The resource does not exist."
    )
    logto_error(
        api.delete("/resources/management-api/scopes/management-api-all"),
        400,
        "resource.cannot_modify_management_api",
    )


def test_a_resource_created_here_works_at_once_in_oidc(mgmt: Running, api: httpx.Client) -> None:
    """A new indicator is known to ``/oidc/auth`` and ``/oidc/token`` (Logto's ``findResource``), a role
    given its scope grants it in the next ``client_credentials`` token; deleted, it is an invalid target."""
    rid = _create(api)["id"]
    scope = api.post(f"/resources/{rid}/scopes", json={"name": "count:stock"}).json()
    role = api.post(
        "/roles",
        json={
            "name": "stock-taker",
            "description": "counts",
            "type": "MachineToMachine",
            "scopeIds": [scope["id"]],
        },
    ).json()
    assert (
        api.post(f"/roles/{role['id']}/applications", json={"applicationIds": [M2M["id"]]}).status_code == 201
    )
    granted = token_response(mgmt.endpoint, M2M, NEW, "count:stock")
    assert granted.status_code == 200, granted.text
    assert granted.json()["scope"] == "count:stock"
    authorization = httpx.get(auth_url(mgmt, resource=NEW, scope="openid count:stock"))
    assert authorization.status_code in (302, 303), authorization.text
    assert authorization.headers["location"].startswith("/sign-in")
    unknown = httpx.get(auth_url(mgmt, resource="https://unknown.test", scope="openid"))
    assert "invalid_target" in unknown.headers["location"]
    assert api.delete(f"/resources/{rid}").status_code == 204
    refused = token_response(mgmt.endpoint, M2M, NEW, "count:stock")
    assert (refused.status_code, refused.json()["error"]) == (400, "invalid_target")
    assert api.get(f"/roles/{role['id']}/scopes").json() == []  # the cascade took it from the role


def test_reset_restores_the_configured_resources_with_their_ids(mgmt: Running, api: httpx.Client) -> None:
    before = api.get("/resources?includeScopes=true").json()
    rid = _bookstore(api)["id"]
    _create(api)
    api.patch(f"/resources/{rid}", json={"name": "Renamed"})
    api.post(f"/resources/{rid}/scopes", json={"name": "extra"})
    assert httpx.post(f"{mgmt.endpoint}/__harness/reset").status_code == 200
    with httpx.Client(base_url=api.base_url, headers=api.headers) as again:
        after = again.get("/resources?includeScopes=true").json()
    strip = [
        {**r, "scopes": [{k: v for k, v in s.items() if k != "createdAt"} for s in r["scopes"]]}
        for r in before
    ]
    assert [
        {**r, "scopes": [{k: v for k, v in s.items() if k != "createdAt"} for s in r["scopes"]]}
        for r in after
    ] == strip
    assert WEB  # the configured apps are untouched by resource writes
