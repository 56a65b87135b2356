"""Data hooks fired by Management API writes (Logto's ``koa-management-api-hooks.ts`` and its
``managementApiHooksRegistration`` table): each registered route sends its event with the route's context
and the response body as ``data``, signed, to a real receiver; routes that append their own event
(``User.Deleted``, ``Role.Scopes.Updated`` on ``POST /roles``) send it too; a refused request, an
unregistered route, a disabled hook send nothing. The table's lookup is checked directly for the
organization routes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hook_support import ReceiverServer, receiving, signature, wait_delivery
from logto_support import tenant_dict
from management_support import api_client, logto_error, with_admin
from playwright.sync_api import Page, expect

from fake_logto import Running, Settings, parse_config, paths, serve_in_thread
from fake_logto._data_hooks import REGISTRATION, logto_route, registered_event
from fake_mailgun import Running as MailgunRunning

KEY = "data-hook-key"
ALL = sorted({*REGISTRATION.values(), "User.Deleted"})
MANAGEMENT_KEYS = [
    "event", "createdAt", "userAgent", "ip", "path", "method", "status", "params", "matchedRoute", "data",
    "hookId",
]  # fmt: skip


@pytest.fixture(scope="module")
def receiver() -> Iterator[ReceiverServer]:
    with receiving() as server:
        yield server


@pytest.fixture(scope="module")
def server(mailgun: MailgunRunning, receiver: ReceiverServer) -> Iterator[Running]:
    hooks = [
        {"id": "all", "name": "All", "events": ALL, "url": f"{receiver.base}/ok", "signing_key": KEY},
        {"id": "off", "name": "Off", "events": ALL, "url": f"{receiver.base}/off", "enabled": False},
    ]
    config = parse_config(with_admin(tenant_dict(mailgun.url, hooks=hooks)))
    with serve_in_thread(Settings(port=0), config=config) as running:
        yield running


@pytest.fixture
def control(server: Running) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.endpoint, timeout=20) as client:
        yield client


@pytest.fixture(scope="module")
def api(server: Running) -> Iterator[httpx.Client]:
    with api_client(server.endpoint) as client:
        yield client


@pytest.fixture(scope="module")
def browser_context_args() -> dict[str, object]:
    return {"viewport": {"width": 1280, "height": 860}}


def _sent(control: httpx.Client, receiver: ReceiverServer, event: str, **where: Any) -> dict[str, Any]:
    """The payload of ``event`` whose context has ``where`` (e.g. ``path=…``), checked against the raw body
    the receiver got: signed with the hook's key."""
    delivery = wait_delivery(control, event, "all", lambda b: all(b.get(k) == v for k, v in where.items()))
    assert delivery["result"] == "Success", delivery
    body = delivery["request"]["body"]
    raw = next(r for r in receiver.received if json.loads(r["body"]) == body)
    assert raw["headers"]["logto-signature-sha-256"] == signature(KEY, raw["body"])
    return dict(body)


def _new_user(api: httpx.Client, name: str) -> dict[str, Any]:
    response = api.post("/users", json={"username": name, "password": "a-pass-123!"})
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_creating_a_user_sends_user_created_with_logto_payload(
    api: httpx.Client, control: httpx.Client, receiver: ReceiverServer
) -> None:
    user = _new_user(api, "hooked_create")
    body = _sent(control, receiver, "User.Created", path="/users", data=user)
    assert list(body) == MANAGEMENT_KEYS
    assert body["method"] == "POST"
    assert body["status"] == 200
    assert body["params"] == {}
    assert body["matchedRoute"] == "/users"
    assert body["ip"] == "127.0.0.1"
    assert body["userAgent"].startswith("python-httpx/")
    assert body["hookId"] == "all"
    assert body["createdAt"].endswith("Z")


@pytest.mark.parametrize(
    ("suffix", "payload", "event", "route"),
    [
        ("", {"name": "Renamed"}, "User.Data.Updated", "/users/:userId"),
        ("/custom-data", {"customData": {"plan": "pro"}}, "User.Data.Updated", "/users/:userId/custom-data"),
        ("/password", {"password": "another-pass-456!"}, "User.Data.Updated", "/users/:userId/password"),
        (
            "/is-suspended",
            {"isSuspended": True},
            "User.SuspensionStatus.Updated",
            "/users/:userId/is-suspended",
        ),
    ],
)
def test_user_updates_send_their_registered_event(
    api: httpx.Client,
    control: httpx.Client,
    receiver: ReceiverServer,
    suffix: str,
    payload: dict[str, Any],
    event: str,
    route: str,
) -> None:
    user = _new_user(api, f"hooked{suffix.replace('/', '_').replace('-', '_')}")
    answer = api.patch(f"/users/{user['id']}{suffix}", json=payload)
    assert answer.status_code == 200, answer.text
    body = _sent(control, receiver, event, path=f"/users/{user['id']}{suffix}")
    assert body["method"] == "PATCH"
    assert body["matchedRoute"] == route
    assert body["params"] == {"userId": user["id"]}
    assert body["data"] == answer.json()


def test_deleting_a_user_sends_user_deleted_with_the_user(
    api: httpx.Client, control: httpx.Client, receiver: ReceiverServer
) -> None:
    user = _new_user(api, "hooked_delete")
    assert api.delete(f"/users/{user['id']}").status_code == 204
    body = _sent(control, receiver, "User.Deleted", path=f"/users/{user['id']}")
    # appendDataHookContext puts the picked user first, then the route's context.
    assert list(body) == [
        "event", "createdAt", "userAgent", "ip", "data", "path", "method", "status", "params", "matchedRoute",
        "hookId",
    ]  # fmt: skip
    assert body["data"]["id"] == user["id"]
    assert "hasPassword" not in body["data"]  # userInfoSelectFields, not the API's user
    assert (body["status"], body["matchedRoute"], body["params"]) == (
        204,
        "/users/:userId",
        {"userId": user["id"]},
    )


def test_role_writes_send_role_events(
    api: httpx.Client, control: httpx.Client, receiver: ReceiverServer
) -> None:
    scopes = api.get("/roles").json()
    scope_id = next(
        s["id"]
        for role in scopes
        for s in api.get(f"/roles/{role['id']}/scopes").json()
        if s["resource"]["indicator"] != "https://default.logto.app/api"
    )
    created = api.post("/roles", json={"name": "hooked-role", "description": "d", "scopeIds": [scope_id]})
    assert created.status_code == 200, created.text
    role = created.json()
    assert _sent(control, receiver, "Role.Created", path="/roles", data=role)["params"] == {}
    with_scopes = _sent(control, receiver, "Role.Scopes.Updated", path="/roles", roleId=role["id"])
    assert [s["id"] for s in with_scopes["data"]] == [scope_id]
    assert list(with_scopes)[-3:] == ["roleId", "data", "hookId"]

    assert api.patch(f"/roles/{role['id']}", json={"description": "e"}).status_code == 200
    updated = _sent(control, receiver, "Role.Data.Updated", path=f"/roles/{role['id']}")
    assert (updated["matchedRoute"], updated["params"]) == ("/roles/:id", {"id": role["id"]})

    assert api.delete(f"/roles/{role['id']}/scopes/{scope_id}").status_code == 204
    removed = _sent(control, receiver, "Role.Scopes.Updated", path=f"/roles/{role['id']}/scopes/{scope_id}")
    assert removed["matchedRoute"] == "/roles/:id/scopes/:scopeId"
    assert removed["params"] == {"id": role["id"], "scopeId": scope_id}
    # The route set only ctx.status: koa's ctx.response.body stays undefined, so no `data` is sent.
    assert removed["status"] == 204
    assert "data" not in removed

    assert api.post(f"/roles/{role['id']}/scopes", json={"scopeIds": [scope_id]}).status_code == 201
    added = _sent(control, receiver, "Role.Scopes.Updated", path=f"/roles/{role['id']}/scopes")
    assert (added["status"], added["matchedRoute"]) == (201, "/roles/:id/scopes")

    assert api.delete(f"/roles/{role['id']}").status_code == 204
    deleted = _sent(control, receiver, "Role.Deleted", path=f"/roles/{role['id']}")
    assert "data" not in deleted


def test_refused_and_unregistered_requests_send_nothing(
    api: httpx.Client, control: httpx.Client, receiver: ReceiverServer
) -> None:
    logto_error(api.patch("/users/nobody", json={"name": "x"}), 404, "entity.not_found")
    logto_error(api.post("/users", json={"username": 5}), 400, "guard.invalid_input")
    assert api.get("/users").status_code == 200
    marker = _new_user(api, "hooked_marker")  # delivered after anything the requests above would send
    _sent(control, receiver, "User.Created", path="/users", data=marker)
    deliveries = control.get(paths.HOOK_DELIVERIES, params={"hook_id": "all"}).json()["items"]
    assert not [d for d in deliveries if d["request"]["body"].get("path") == "/users/nobody"]
    assert not [d for d in deliveries if d["request"]["body"].get("method") == "GET"]
    assert control.get(paths.HOOK_DELIVERIES, params={"hook_id": "off"}).json()["items"] == []


def test_the_table_maps_starlette_routes_to_logto_routes() -> None:
    """Routes other rooms register get their hooks by their path's shape: organizations included."""
    assert logto_route("/api/organizations/{organization_id}") == "/organizations/:id"
    assert registered_event("DELETE", "/api/organizations/{organization_id}") == "Organization.Deleted"
    assert registered_event("PATCH", "/api/organizations/{id}") == "Organization.Data.Updated"
    assert registered_event("POST", "/api/organizations") == "Organization.Created"
    assert registered_event("POST", "/api/organization-roles") == "OrganizationRole.Created"
    assert (
        registered_event("PUT", "/api/organization-roles/{role_id}/scopes")
        == "OrganizationRole.Scopes.Updated"
    )
    scoped = "/api/organization-roles/{role_id}/scopes/{scope_id}"
    assert logto_route(scoped) == "/organization-roles/:id/scopes/:organizationScopeId"
    assert registered_event("DELETE", scoped) == "OrganizationRole.Scopes.Updated"
    assert (
        registered_event("PATCH", "/api/organization-scopes/{scope_id}") == "OrganizationScope.Data.Updated"
    )
    assert registered_event("POST", "/api/resources/{resource_id}/scopes") == "Scope.Created"
    # Routes that append their event themselves get Logto's names for matchedRoute and params.
    assert (
        logto_route("/api/organizations/{organization_id}/users/{user_id}")
        == "/organizations/:id/users/:userId"
    )
    assert registered_event("POST", "/api/organizations/{organization_id}/users") is None
    # Anything else: {snake} becomes :camel; nothing registered for reads.
    assert logto_route("/api/applications/{application_id}/secrets") == "/applications/:applicationId/secrets"
    assert registered_event("GET", "/api/users/{user_id}") is None
    assert registered_event("GET", "/api/users") is None


def test_the_debug_view_shows_a_delivery(
    api: httpx.Client, control: httpx.Client, server: Running, page: Page
) -> None:
    """Each delivery's request (headers, body), answer and timing, in the events JSON and on the page."""
    email = "hooked-debug@example.test"
    user = api.post("/users", json={"primaryEmail": email}).json()
    wait_delivery(control, "User.Created", "all", lambda body: body["data"]["id"] == user["id"])
    events = control.get(paths.EVENTS, params={"email": email}).json()["items"]
    (shown,) = [e for e in events if e["kind"] == "webhook" and e["data"]["hook_id"] == "all"]
    assert shown["data"]["request"]["body"]["data"]["id"] == user["id"]
    assert shown["data"]["request"]["headers"]["user-agent"] == "Logto (https://logto.io/)"
    assert shown["data"]["response"] == {"statusCode": 200, "body": {"ok": True}}
    assert shown["data"]["duration_ms"] >= 0

    page.goto(f"{server.endpoint}{paths.DEBUG}")
    page.get_by_label("Email").fill(email)
    flow = page.locator("section.flow").filter(has_text=email).first
    expect(flow.get_by_text("User.Created to ")).to_be_visible()
    flow.get_by_text("Webhook request").click()
    expect(flow.locator("details[open] > pre").first).to_contain_text("logto-signature-sha-256")
    flow.get_by_text("Webhook answer").click()
    expect(flow.locator("details[open] > pre").last).to_contain_text('"statusCode": 200')
