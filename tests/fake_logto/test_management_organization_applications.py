"""``GET /api/organizations/{id}/applications`` over HTTP (Logto's ``routes/organization/application/
index.ts`` with ``queries/organization/application-relations.ts``): each member application as
``applicationResponseGuard`` with its ``organizationRoles``, paging with ``Total-Number``, ``q`` over id,
name and description, and the refusals."""

from __future__ import annotations

from typing import Any

import httpx
from logto_support import M2M
from management_support import logto_error

ORG = "org-acme"
APPS = f"/organizations/{ORG}/applications"


def _m2m(api: httpx.Client, name: str, description: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"name": name, "type": "MachineToMachine", "description": description}
    response = api.post("/applications", json={k: v for k, v in body.items() if v is not None})
    assert response.status_code == 200, response.text
    app: dict[str, Any] = response.json()
    return app


def _members(api: httpx.Client) -> list[str]:
    """Adds the tenant's M2M app and two new ones (in that order); the first gets the ``bot`` role."""
    sync, audit = _m2m(api, "Sync worker", "Copies orders"), _m2m(api, "Audit_bot", "Reads 100% of logs")
    ids = [M2M["id"], sync["id"], audit["id"]]
    for app_id in ids:  # one at a time: the order they joined
        assert api.post(APPS, json={"applicationIds": [app_id]}).status_code == 201
    role = api.post("/organization-roles", json={"name": "bot", "type": "MachineToMachine"}).json()
    roles = {"organizationRoleIds": [role["id"]]}
    assert api.post(f"{APPS}/{M2M['id']}/roles", json=roles).status_code == 201
    return ids


def test_lists_the_member_applications_with_their_organization_roles(api: httpx.Client) -> None:
    empty = api.get(APPS)
    assert (empty.status_code, empty.json(), empty.headers["Total-Number"]) == (200, [], "0")
    ids = _members(api)
    listed = api.get(APPS)
    assert listed.status_code == 200, listed.text
    assert listed.headers["Total-Number"] == "3"
    body = listed.json()
    assert [a["id"] for a in body] == ids
    for app in body:
        alone = api.get(f"/applications/{app['id']}").json()
        del alone["isAdmin"]  # GET /applications/:id adds it; the organization's list does not
        assert app == alone | {"organizationRoles": app["organizationRoles"]}
    # omitInternalApplicationSecret: a legacy secret (the config's app) shows, an internal one does not.
    assert ("secret" in body[0], "secret" in body[1], "secret" in body[2]) == (True, False, False)
    assert [r["name"] for r in body[0]["organizationRoles"]] == ["bot"]
    assert body[0]["organizationRoles"][0].keys() == {"id", "name"}
    assert body[1]["organizationRoles"] == []


def test_pages_and_searches_as_logto(api: httpx.Client) -> None:
    ids = _members(api)
    page = api.get(APPS, params={"page": 2, "page_size": 2})
    assert (page.headers["Total-Number"], [a["id"] for a in page.json()]) == ("3", ids[2:])
    by_name = api.get(APPS, params={"q": "WORKER"})  # ilike: any case
    assert ([a["id"] for a in by_name.json()], by_name.headers["Total-Number"]) == ([ids[1]], "1")
    assert [a["id"] for a in api.get(APPS, params={"q": "100%"}).json()] == [ids[2]]  # description
    assert [a["id"] for a in api.get(APPS, params={"q": M2M["id"]}).json()] == [ids[0]]  # id
    assert [a["id"] for a in api.get(APPS, params={"q": "s_nc"}).json()] == [ids[1]]  # `_` any one character
    assert api.get(APPS, params={"q": ""}).headers["Total-Number"] == "3"  # empty: no search


def test_an_unknown_organization_lists_nothing(api: httpx.Client) -> None:
    answer = api.get("/organizations/nope/applications")
    assert (answer.status_code, answer.json(), answer.headers["Total-Number"]) == (200, [], "0")


def test_refusals(api: httpx.Client) -> None:
    message = "The request pagination value is invalid."
    logto_error(api.get(APPS, params={"page": 0}), 400, "guard.invalid_pagination", message)
    logto_error(api.get(APPS, params={"page_size": 101}), 400, "guard.invalid_pagination", message)
    # koaPagination runs before the query guard.
    logto_error(api.get(f"{APPS}?q=a&q=b&page=0"), 400, "guard.invalid_pagination")
    logto_error(api.get(f"{APPS}?q=a&q=b"), 400, "guard.invalid_input", "The request query is invalid.")
    no_token = httpx.get(f"{api.base_url}{APPS.lstrip('/')}")
    logto_error(no_token, 401, "auth.authorization_header_missing", "Authorization header is missing.")
