"""The Management API's applications and their secrets over HTTP (Logto's ``routes/applications/
application.ts``, ``application-secret.ts``): each route's answer and its errors, and an application created
here running the authorization code flow and ``client_credentials`` at once (and not once deleted)."""

from __future__ import annotations

from typing import Any

import httpx
from logto_support import API, M2M, PASSWORD_USER, SPA, WEB, auth_url, password_sign_in
from management_support import ADMIN, logto_error

from fake_logto import Running
from harness import callback_params

APP_KEYS = {
    "tenantId", "id", "name", "description", "type", "oidcClientMetadata", "customClientMetadata",
    "protectedAppMetadata", "customData", "isThirdParty", "appLevelAccessControlEnabled", "createdAt",
}  # fmt: skip
SECRET_KEYS = {"tenantId", "applicationId", "name", "value", "createdAt", "expiresAt"}
REDIRECT = "http://localhost:4000/callback"


def _create(api: httpx.Client, **body: Any) -> dict[str, Any]:
    response = api.post("/applications", json={"name": "Shop", "type": "Traditional", **body})
    assert response.status_code == 200, response.text
    created: dict[str, Any] = response.json()
    return created


def _client_credentials(endpoint: str, client_id: str, secret: str) -> httpx.Response:
    return httpx.post(
        f"{endpoint}/oidc/token",
        data={"grant_type": "client_credentials", "resource": API},
        auth=(client_id, secret),
    )


def test_the_guard_applies(mgmt: Running) -> None:
    logto_error(httpx.get(f"{mgmt.endpoint}/api/applications"), 401, "auth.authorization_header_missing")


def test_list_shows_the_configured_applications_as_logto_types(api: httpx.Client) -> None:
    response = api.get("/applications")
    assert response.status_code == 200
    assert "Total-Number" not in response.headers
    apps = {a["id"]: a for a in response.json()}
    assert {k: apps[k]["type"] for k in (WEB["id"], SPA["id"], M2M["id"], ADMIN["id"])} == {
        WEB["id"]: "Traditional",
        SPA["id"]: "SPA",
        M2M["id"]: "MachineToMachine",
        ADMIN["id"]: "MachineToMachine",
    }
    web = apps[WEB["id"]]
    assert set(web) == APP_KEYS | {"secret"}  # a configured secret is Logto's legacy column
    assert web["secret"] == WEB["secret"]
    assert web["oidcClientMetadata"] == {
        "redirectUris": [WEB["redirect"]],
        "postLogoutRedirectUris": ["http://localhost:3000"],
    }
    assert "secret" not in apps[SPA["id"]] or apps[SPA["id"]]["secret"] == ""
    m2m = api.get("/applications", params={"types": "MachineToMachine", "page_size": 1})
    assert m2m.headers["Total-Number"] == "2"
    assert len(m2m.json()) == 1
    both = api.get("/applications", params=[("types", "SPA"), ("types", "Traditional")]).json()
    assert sorted(a["id"] for a in both) == sorted([WEB["id"], SPA["id"]])
    assert [a["id"] for a in api.get("/applications", params={"search": "%spa%"}).json()] == [SPA["id"]]
    logto_error(api.get("/applications", params={"types": "Robot"}), 400, "guard.invalid_input")
    logto_error(api.get("/applications", params={"isThirdParty": "maybe"}), 400, "guard.invalid_input")
    logto_error(
        api.get("/applications", params={"excludeRoleId": "a", "excludeOrganizationId": "b"}),
        400,
        "request.invalid_input",
        "Input is invalid. Parameter `excludeRoleId` and `excludeOrganizationId` cannot be used at the "
        "same time.",
    )


def test_exclude_role_id_leaves_out_the_roles_applications(api: httpx.Client) -> None:
    sync = next(r for r in api.get("/roles").json() if r["name"] == "catalogue-sync")
    listed = api.get("/applications", params={"excludeRoleId": sync["id"], "types": "MachineToMachine"})
    assert [a["id"] for a in listed.json()] == [ADMIN["id"]]


def test_create_get_update_delete(api: httpx.Client) -> None:
    created = _create(
        api,
        description="The shop",
        oidcClientMetadata={"redirectUris": [REDIRECT], "postLogoutRedirectUris": []},
        customData={"tier": 1},
    )
    assert set(created) == APP_KEYS  # the internal secret is never shown
    assert (created["type"], created["description"], created["customData"]) == (
        "Traditional",
        "The shop",
        {"tier": 1},
    )
    assert len(created["id"]) == 21
    app_id = created["id"]
    assert api.get("/applications").json()[0]["id"] == app_id  # newest first
    got = api.get(f"/applications/{app_id}").json()
    assert got == {**created, "isAdmin": False}
    patched = api.patch(
        f"/applications/{app_id}",
        json={
            "name": "Shop 2",
            "type": "SPA",
            "oidcClientMetadata": {"redirectUris": ["io.shop://cb"], "postLogoutRedirectUris": []},
        },
    ).json()
    assert (patched["name"], patched["type"], patched["oidcClientMetadata"]["redirectUris"]) == (
        "Shop 2",
        "Traditional",
        ["io.shop://cb"],
    )
    assert api.delete(f"/applications/{app_id}").status_code == 204
    logto_error(
        api.get(f"/applications/{app_id}"),
        404,
        "entity.not_exists_with_id",
        f"The applications with ID `{app_id}` does not exist.",
    )
    logto_error(api.delete(f"/applications/{app_id}"), 404, "entity.not_exists_with_id")


def test_create_refusals(api: httpx.Client) -> None:
    post = api.post
    logto_error(post("/applications", json={"type": "SPA"}), 400, "guard.invalid_input")
    logto_error(post("/applications", json={"name": "x", "type": "Robot"}), 400, "guard.invalid_input")
    logto_error(post("/applications", json={"name": "x" * 257, "type": "SPA"}), 400, "guard.invalid_input")
    body = logto_error(
        post(
            "/applications",
            json={
                "name": "x",
                "type": "SPA",
                "oidcClientMetadata": {"redirectUris": ["not a url"], "postLogoutRedirectUris": []},
            },
        ),
        400,
        "guard.invalid_input",
    )
    assert body["data"]["issues"][0]["path"] == ["oidcClientMetadata", "redirectUris", 0]
    logto_error(
        post("/applications", json={"name": "x", "type": "SPA", "oidcClientMetadata": {"redirectUris": []}}),
        400,
        "guard.invalid_input",
    )
    logto_error(
        post("/applications", json={"name": "x", "type": "SAML"}),
        400,
        "application.saml.use_saml_app_api",
        "Use `[METHOD] /saml-applications(/.*)?` API to operate SAML app.",
    )
    logto_error(
        post("/applications", json={"name": "x", "type": "Protected"}),
        400,
        "application.protected_app_metadata_is_required",
    )
    logto_error(
        post("/applications", json={"name": "x", "type": "MachineToMachine", "isThirdParty": True}),
        400,
        "application.invalid_third_party_application_type",
    )
    logto_error(
        post(
            "/applications", json={"name": "x", "type": "SPA", "customClientMetadata": {"isDeviceFlow": True}}
        ),
        422,
        "application.device_flow_native_only",
    )


def test_update_refusals(api: httpx.Client) -> None:
    logto_error(api.patch("/applications/nope", json={"name": "x"}), 404, "entity.not_exists_with_id")
    logto_error(api.patch("/applications/nope", json={"name": ""}), 400, "guard.invalid_input")  # guard first
    logto_error(
        api.patch(f"/applications/{WEB['id']}", json={"customClientMetadata": {"isDeviceFlow": True}}),
        422,
        "application.device_flow_not_changeable",
    )


def test_an_application_created_here_signs_a_user_in_at_once(mgmt: Running, api: httpx.Client) -> None:
    created = _create(api, oidcClientMetadata={"redirectUris": [REDIRECT], "postLogoutRedirectUris": []})
    [secret] = api.get(f"/applications/{created['id']}/secrets").json()
    assert set(secret) == SECRET_KEYS
    assert (secret["name"], len(secret["value"]), secret["expiresAt"]) == ("Default secret", 32, None)
    url = auth_url(mgmt, client_id=created["id"], redirect_uri=REDIRECT, scope="openid")
    callback = password_sign_in(mgmt.endpoint, url, PASSWORD_USER["email"], PASSWORD_USER["password"])
    assert callback.startswith(REDIRECT)
    tokens = httpx.post(
        f"{mgmt.endpoint}/oidc/token",
        data={
            "grant_type": "authorization_code",
            "code": callback_params(callback)["code"],
            "redirect_uri": REDIRECT,
        },
        auth=(created["id"], secret["value"]),
    )
    assert tokens.status_code == 200, tokens.text
    assert "id_token" in tokens.json()


def test_a_machine_to_machine_app_created_here_gets_tokens_until_deleted(
    mgmt: Running, api: httpx.Client
) -> None:
    created = _create(api, type="MachineToMachine")
    [secret] = api.get(f"/applications/{created['id']}/secrets").json()
    assert _client_credentials(mgmt.endpoint, created["id"], secret["value"]).status_code == 200
    assert _client_credentials(mgmt.endpoint, created["id"], "wrong").json()["error"] == "invalid_client"
    assert api.delete(f"/applications/{created['id']}").status_code == 204
    gone = _client_credentials(mgmt.endpoint, created["id"], secret["value"])
    assert (gone.status_code, gone.json()["error"]) == (400, "invalid_client")


def test_secrets_create_and_delete(mgmt: Running, api: httpx.Client) -> None:
    app_id = _create(api, type="MachineToMachine")["id"]
    made = api.post(f"/applications/{app_id}/secrets", json={"name": "rotation"})
    assert made.status_code == 201
    assert set(made.json()) == SECRET_KEYS
    value = made.json()["value"]
    assert _client_credentials(mgmt.endpoint, app_id, value).status_code == 200
    assert [s["name"] for s in api.get(f"/applications/{app_id}/secrets").json()] == [
        "Default secret",
        "rotation",
    ]
    assert api.delete(f"/applications/{app_id}/secrets/rotation").status_code == 204
    assert _client_credentials(mgmt.endpoint, app_id, value).json()["error"] == "invalid_client"
    logto_error(api.delete(f"/applications/{app_id}/secrets/rotation"), 404, "entity.not_found")


def test_an_expired_secret_is_refused(mgmt: Running, api: httpx.Client) -> None:
    app_id = _create(api, type="MachineToMachine")["id"]
    soon = int(mgmt.tenant.now() * 1000) + 60_000
    value = api.post(f"/applications/{app_id}/secrets", json={"name": "short", "expiresAt": soon}).json()[
        "value"
    ]
    assert _client_credentials(mgmt.endpoint, app_id, value).status_code == 200
    assert httpx.post(f"{mgmt.endpoint}/__harness/clock", json={"advance": 120}).status_code == 200
    expired = _client_credentials(mgmt.endpoint, app_id, value)
    assert (expired.status_code, expired.json()["error"], expired.json()["error_description"]) == (
        400,
        "invalid_request",
        "client secret has expired",
    )


def test_secret_refusals(mgmt: Running, api: httpx.Client) -> None:
    app_id = _create(api, type="MachineToMachine")["id"]
    logto_error(
        api.post(f"/applications/{app_id}/secrets", json={"name": "Default secret"}),
        422,
        "application.secret_name_exists",
        "Secret name already exists.",
    )
    logto_error(
        api.post(f"/applications/{app_id}/secrets", json={"name": "old", "expiresAt": 1}),
        400,
        "request.invalid_input",
        "Input is invalid. The value of `expiresAt` must be in the future.",
    )
    logto_error(api.post(f"/applications/{app_id}/secrets", json={}), 400, "guard.invalid_input")
    logto_error(api.post("/applications/nope/secrets", json={"name": "a"}), 404, "entity.not_exists_with_id")
    logto_error(api.get("/applications/nope/secrets"), 404, "entity.not_exists_with_id")
    logto_error(
        api.post(f"/applications/{SPA['id']}/secrets", json={"name": "a"}),
        422,
        "entity.db_constraint_violated",
    )


def test_reset_forgets_created_applications(mgmt: Running, api: httpx.Client) -> None:
    before = api.get("/applications").json()
    _create(api)
    api.patch(f"/applications/{WEB['id']}", json={"name": "Renamed"})
    assert httpx.post(f"{mgmt.endpoint}/__harness/reset").status_code == 200
    after = api.get("/applications").json()
    assert [(a["id"], a["name"]) for a in after] == [(a["id"], a["name"]) for a in before]
