"""The Management API's organizations over HTTP (Logto's ``routes/organization/index.ts``,
``organization/user/**``, ``organization/application/**``, ``admin-user/organization.ts``): each route's
answer and its errors, bodies as Logto's guards shape them, and what the API changes reaching sign-in at
once (the ID token's ``organizations``, organization tokens, a removed member refused)."""

from __future__ import annotations

from typing import Any

import httpx
from joserfc import jwt
from joserfc.jwk import KeySet
from logto_support import M2M, PASSWORD_USER, WEB, auth_url, password_sign_in
from management_support import logto_error

from fake_logto import Running
from harness import callback_params

ORG = "org-acme"  # the configured organization; PASSWORD_USER is its admin
ORG_KEYS = {
    "tenantId", "id", "name", "description", "customData", "isMfaRequired", "color", "branding", "customCss",
    "createdAt",
}  # fmt: skip
ORGS_RESOURCE = "urn:logto:resource:organizations"
ORGS_SCOPE = "urn:logto:scope:organizations"
FK = "entity.relation_foreign_key_not_found"
FK_MESSAGE = "Cannot find one or more foreign keys. Please check the input and ensure that all referenced entities exist."
NOT_FOUND = "The resource does not exist."


def _reader(api: httpx.Client) -> str:
    user_id: str = api.get("/users", params={"search": PASSWORD_USER["email"]}).json()[0]["id"]
    return user_id


def _new_user(api: httpx.Client, username: str) -> str:
    response = api.post("/users", json={"username": username, "name": username.title()})
    assert response.status_code == 200, response.text
    user_id: str = response.json()["id"]
    return user_id


def _new_org(api: httpx.Client, name: str = "Initech", **fields: Any) -> dict[str, Any]:
    response = api.post("/organizations", json={"name": name, **fields})
    assert response.status_code == 201, response.text
    org: dict[str, Any] = response.json()
    return org


def _role_id(api: httpx.Client, name: str) -> str:
    role_id: str = next(r["id"] for r in api.get("/organization-roles").json() if r["name"] == name)
    return role_id


def _invalid(response: httpx.Response, path: list[str], code: str) -> None:
    body = logto_error(response, 400, "guard.invalid_input", "The request body is invalid.")
    assert [(i["path"], i["code"]) for i in body["data"]["issues"]] == [(path, code)]


# --- organizations --------------------------------------------------------------------------------------
def test_the_guard_applies(mgmt: Running) -> None:
    logto_error(httpx.get(f"{mgmt.endpoint}/api/organizations"), 401, "auth.authorization_header_missing")


def test_the_configured_organization_is_listed(api: httpx.Client) -> None:
    response = api.get("/organizations")
    assert response.status_code == 200
    assert response.headers["Total-Number"] == "1"
    [acme] = response.json()
    assert set(acme) == ORG_KEYS
    assert (acme["id"], acme["name"], acme["description"], acme["customData"]) == (ORG, "Acme", None, {})
    assert (acme["tenantId"], acme["color"], acme["branding"], acme["customCss"]) == ("default", {}, {}, None)
    featured = api.get("/organizations", params={"showFeatured": "true"}).json()[0]
    assert featured["usersCount"] == 1
    assert featured["featuredUsers"] == [{"id": _reader(api), "avatar": None, "name": "Reader"}]


def test_create_get_update_delete(api: httpx.Client) -> None:
    org = _new_org(api, description="A test organization.", customData={"foo": "bar"}, isMfaRequired=True)
    assert set(org) == ORG_KEYS
    assert len(org["id"]) == 12
    assert (org["description"], org["customData"], org["isMfaRequired"]) == (
        "A test organization.",
        {"foo": "bar"},
        True,
    )
    assert api.get(f"/organizations/{org['id']}").json() == org
    patched = api.patch(
        f"/organizations/{org['id']}",
        json={
            "name": "Initrode",
            "description": None,
            "color": {"primaryColor": "#abc", "extra": 1},
            "isTrustedDeviceAllowed": False,
        },
    )
    assert patched.status_code == 200, patched.text
    assert patched.json() == org | {
        "name": "Initrode",
        "description": None,
        "color": {"primaryColor": "#abc"},
    }
    assert api.patch(f"/organizations/{org['id']}", json={}).json() == patched.json()
    assert api.delete(f"/organizations/{org['id']}").status_code == 204
    logto_error(
        api.get(f"/organizations/{org['id']}"), 404, "entity.not_exists_with_id",
        f"The organizations with ID `{org['id']}` does not exist.",
    )  # fmt: skip


def test_list_search_and_paging(api: httpx.Client) -> None:
    for name in ("Umbrella", "Umbra labs", "Wayne"):
        _new_org(api, name)
    found = api.get("/organizations", params={"q": "umbr"})
    assert [o["name"] for o in found.json()] == ["Umbrella", "Umbra labs"]
    assert found.headers["Total-Number"] == "2"
    assert [o["name"] for o in api.get("/organizations", params={"q": "u_br%"}).json()] == [
        "Umbrella",
        "Umbra labs",
    ]
    assert [o["id"] for o in api.get("/organizations", params={"q": "acme"}).json()] == [ORG]  # the id too
    page = api.get("/organizations", params={"page": 2, "page_size": 2})
    assert (page.headers["Total-Number"], [o["name"] for o in page.json()]) == ("4", ["Umbra labs", "Wayne"])
    assert "usersCount" not in page.json()[0]
    logto_error(api.get("/organizations", params={"page": 0}), 400, "guard.invalid_pagination")
    logto_error(
        api.get("/organizations?q=a&q=b"), 400, "guard.invalid_input", "The request query is invalid."
    )


def test_bodies_are_guarded_before_the_organization_is_looked_up(api: httpx.Client) -> None:
    _invalid(api.post("/organizations", json={}), ["name"], "invalid_type")
    _invalid(api.post("/organizations", json={"name": ""}), ["name"], "too_small")
    _invalid(api.post("/organizations", json={"name": "x" * 129}), ["name"], "too_big")
    _invalid(
        api.post("/organizations", json={"name": "a", "customData": "b"}), ["customData"], "invalid_type"
    )
    _invalid(
        api.post("/organizations", json={"name": "a", "customData": None}), ["customData"], "invalid_type"
    )
    _invalid(
        api.post("/organizations", json={"name": "a", "description": "d" * 257}), ["description"], "too_big"
    )
    _invalid(
        api.post("/organizations", json={"name": "a", "color": {"primaryColor": "red"}}),
        ["color", "primaryColor"],
        "invalid_string",
    )
    _invalid(
        api.post("/organizations", json={"name": "a", "branding": {"logoUrl": "no url"}}),
        ["branding", "logoUrl"],
        "invalid_string",
    )
    _invalid(
        api.post("/organizations", json={"name": "a", "createdAt": "now"}), ["createdAt"], "invalid_type"
    )
    _invalid(api.patch("/organizations/nope", json={"name": 1}), ["name"], "invalid_type")
    logto_error(
        api.post("/organizations", content=b"{", headers={"content-type": "application/json"}),
        400,
        "guard.invalid_input",
    )


def test_unknown_organizations(api: httpx.Client) -> None:
    logto_error(
        api.get("/organizations/nope"),
        404,
        "entity.not_exists_with_id",
        "The organizations with ID `nope` does not exist.",
    )
    logto_error(
        api.patch("/organizations/nope", json={"name": "x"}),
        404,
        "entity.not_exists",
        "The organization does not exist.",
    )
    logto_error(api.delete("/organizations/nope"), 404, "entity.not_found", NOT_FOUND)


# --- members --------------------------------------------------------------------------------------------
def test_members_are_listed_with_their_roles(api: httpx.Client) -> None:
    reader = _reader(api)
    response = api.get(f"/organizations/{ORG}/users")
    assert response.headers["Total-Number"] == "1"
    [member] = response.json()
    assert member["id"] == reader
    assert member["organizationRoles"] == [{"id": _role_id(api, "admin"), "name": "admin"}]
    assert "hasPassword" not in member
    assert member["primaryEmail"] == PASSWORD_USER["email"]
    assert api.get(f"/organizations/{ORG}/users", params={"q": "nobody"}).json() == []
    assert len(api.get(f"/organizations/{ORG}/users", params={"q": "READER@"}).json()) == 1
    admin = _role_id(api, "admin")
    assert len(api.get(f"/organizations/{ORG}/users", params={"organizationRoleId": admin}).json()) == 1
    assert api.get(f"/organizations/{ORG}/users", params={"organizationRoleId": "x"}).json() == []
    logto_error(
        api.get(f"/organizations/{ORG}/users", params={"organizationRoleId": ""}), 400, "guard.invalid_input"
    )
    nowhere = api.get("/organizations/nope/users")
    assert (nowhere.status_code, nowhere.json(), nowhere.headers["Total-Number"]) == (200, [], "0")


def test_add_replace_and_remove_members(api: httpx.Client) -> None:
    org = _new_org(api)["id"]
    ann, bob, cat = (_new_user(api, n) for n in ("ann", "bob", "cat"))
    added = api.post(f"/organizations/{org}/users", json={"userIds": [bob, ann, ann]})
    assert (added.status_code, added.json()) == (201, {"userIds": [bob, ann, ann]})
    listed = api.get(f"/organizations/{org}/users").json()
    assert [u["id"] for u in listed] == sorted([ann, bob])  # by id
    assert listed[0]["organizationRoles"] == []
    assert (
        api.post(f"/organizations/{org}/users", json={"userIds": [ann]}).status_code == 201
    )  # already there
    assert api.put(f"/organizations/{org}/users", json={"userIds": [cat, bob, cat]}).status_code == 204
    assert {u["id"] for u in api.get(f"/organizations/{org}/users").json()} == {bob, cat}
    assert api.delete(f"/organizations/{org}/users/{bob}").status_code == 204
    logto_error(api.delete(f"/organizations/{org}/users/{bob}"), 404, "entity.not_found", NOT_FOUND)
    assert api.put(f"/organizations/{org}/users", json={"userIds": []}).status_code == 204
    assert api.get(f"/organizations/{org}/users").json() == []


def test_member_errors(api: httpx.Client) -> None:
    org, ann = _new_org(api)["id"], _new_user(api, "ann")
    _invalid(api.post(f"/organizations/{org}/users", json={"userIds": []}), ["userIds"], "too_small")
    _invalid(api.post(f"/organizations/{org}/users", json={"userIds": [""]}), ["userIds", 0], "too_small")
    _invalid(api.put(f"/organizations/{org}/users", json={}), ["userIds"], "invalid_type")
    logto_error(api.post("/organizations/nope/users", json={"userIds": [ann]}), 422, FK, FK_MESSAGE)
    logto_error(
        api.post(f"/organizations/{org}/users", json={"userIds": [ann, "nobody"]}), 422, FK, FK_MESSAGE
    )
    assert api.get(f"/organizations/{org}/users").json() == []  # nothing was added
    logto_error(api.put(f"/organizations/{org}/users", json={"userIds": ["nobody"]}), 422, FK, FK_MESSAGE)
    assert api.put("/organizations/nope/users", json={"userIds": []}).status_code == 204  # no rows, no check
    logto_error(api.delete("/organizations/nope/users/nobody"), 404, "entity.not_found", NOT_FOUND)


def test_a_users_organizations(api: httpx.Client) -> None:
    reader = _reader(api)
    [acme] = api.get(f"/users/{reader}/organizations").json()
    assert set(acme) == ORG_KEYS | {"organizationRoles"}
    assert (acme["id"], acme["organizationRoles"]) == (ORG, [{"id": _role_id(api, "admin"), "name": "admin"}])
    assert api.get(f"/users/{_new_user(api, 'ann')}/organizations").json() == []
    logto_error(api.get("/users/nobody/organizations"), 404, "entity.not_found", NOT_FOUND)


def test_a_deleted_user_leaves_its_organizations(api: httpx.Client) -> None:
    ann = _new_user(api, "ann")
    assert api.post(f"/organizations/{ORG}/users", json={"userIds": [ann]}).status_code == 201
    assert api.delete(f"/users/{ann}").status_code == 204
    assert [u["id"] for u in api.get(f"/organizations/{ORG}/users").json()] == [_reader(api)]


def test_reset_restores_the_configured_organizations(mgmt: Running, api: httpx.Client) -> None:
    _new_org(api)
    assert api.delete(f"/organizations/{ORG}").status_code == 204
    assert httpx.post(f"{mgmt.endpoint}/__harness/reset").status_code == 200
    assert [o["id"] for o in api.get("/organizations").json()] == [ORG]
    assert len(api.get(f"/organizations/{ORG}/users").json()) == 1


# --- what sign-in sees ----------------------------------------------------------------------------------
def _claims(logto: Running, token: str) -> dict[str, Any]:
    jwks = httpx.get(f"{logto.endpoint}/oidc/jwks").json()
    claims: dict[str, Any] = jwt.decode(token, KeySet.import_key_set(jwks), algorithms=["ES384"]).claims
    return claims


def _token(logto: Running, data: dict[str, str], auth: Any = (WEB["id"], WEB["secret"])) -> httpx.Response:
    return httpx.post(f"{logto.endpoint}/oidc/token", data=data, auth=auth)


def _sign_in(logto: Running, scope: str) -> dict[str, Any]:
    url = auth_url(logto, scope=scope, resource=ORGS_RESOURCE)
    code = callback_params(
        password_sign_in(logto.endpoint, url, PASSWORD_USER["email"], PASSWORD_USER["password"])
    )["code"]
    response = _token(
        logto, {"grant_type": "authorization_code", "code": code, "redirect_uri": WEB["redirect"]}
    )
    assert response.status_code == 200, response.text
    tokens: dict[str, Any] = response.json()
    return tokens


def _refresh(logto: Running, tokens: dict[str, Any], **params: str) -> httpx.Response:
    return _token(logto, {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], **params})


def test_what_the_api_changes_is_what_sign_in_sees(mgmt: Running, api: httpx.Client) -> None:
    reader = _reader(api)
    scope = api.post("/organization-scopes", json={"name": "export:data"}).json()
    role = api.post(
        "/organization-roles", json={"name": "exporter", "organizationScopeIds": [scope["id"]]}
    ).json()
    org = _new_org(api)["id"]
    assert api.post(f"/organizations/{org}/users", json={"userIds": [reader]}).status_code == 201
    roles = api.post(f"/organizations/{org}/users/{reader}/roles", json={"organizationRoleIds": [role["id"]]})
    assert roles.status_code == 201, roles.text

    wanted = f"openid offline_access {ORGS_SCOPE} urn:logto:scope:organization_roles export:data read:members"
    tokens = _sign_in(mgmt, wanted)
    claims = _claims(mgmt, tokens["id_token"])
    assert claims["organizations"] == [ORG, org]
    assert claims["organization_roles"] == [f"{ORG}:admin", f"{org}:exporter"]
    organization_token = _refresh(mgmt, tokens, organization_id=org)
    assert organization_token.status_code == 200, organization_token.text
    assert organization_token.json()["scope"] == "export:data"
    assert _claims(mgmt, organization_token.json()["access_token"])["aud"] == f"urn:logto:organization:{org}"

    # A renamed role is in the next ID token; a role taken away grants nothing.
    assert api.patch(f"/organization-roles/{role['id']}", json={"name": "auditor"}).status_code == 200
    refreshed = _refresh(mgmt, tokens)
    assert _claims(mgmt, refreshed.json()["id_token"])["organization_roles"][-1] == f"{org}:auditor"
    assert api.delete(f"/organizations/{org}/users/{reader}/roles/{role['id']}").status_code == 204
    assert _refresh(mgmt, refreshed.json(), organization_id=org).json()["scope"] == ""

    # A member removed is refused an organization token.
    assert api.delete(f"/organizations/{org}/users/{reader}").status_code == 204
    refused = _refresh(mgmt, refreshed.json(), organization_id=org)
    assert (refused.status_code, refused.json()["error"]) == (403, "access_denied")


def test_an_applications_organization_roles_reach_client_credentials(
    mgmt: Running, api: httpx.Client
) -> None:
    scope = api.post("/organization-scopes", json={"name": "sync:members"}).json()
    role = api.post(
        "/organization-roles",
        json={"name": "syncer", "type": "MachineToMachine", "organizationScopeIds": [scope["id"]]},
    ).json()
    form = {"grant_type": "client_credentials", "organization_id": ORG, "scope": "sync:members"}
    auth = (M2M["id"], M2M["secret"])
    assert _token(mgmt, form, auth).status_code == 403  # not in the organization yet
    assert (
        api.post(f"/organizations/{ORG}/applications", json={"applicationIds": [M2M["id"]]}).status_code
        == 201
    )
    assert (
        api.post(
            f"/organizations/{ORG}/applications/{M2M['id']}/roles", json={"organizationRoleIds": [role["id"]]}
        ).status_code
        == 201
    )
    answer = _token(mgmt, form, auth)
    assert (answer.status_code, answer.json()["scope"]) == (200, "sync:members")
    listed = api.get(f"/organizations/{ORG}/applications/{M2M['id']}/roles")
    assert [r["name"] for r in listed.json()] == ["syncer"]
    assert api.delete(f"/organizations/{ORG}/applications/{M2M['id']}").status_code == 204
    assert _token(mgmt, form, auth).status_code == 403
