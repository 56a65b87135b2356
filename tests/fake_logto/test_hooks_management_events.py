"""Every data-hook family the Management API fires, over HTTP to a real receiver, as Logto sends it: the
routes' explicit appends (``Organization.Membership.Updated`` from ``routes/organization/user/index.ts`` and
``organization/application/index.ts`` with Logto's delta, ``OrganizationRole.Scopes.Updated`` from ``POST
/organization-roles`` in ``organization-role/index.ts``) and the ``managementApiHooksRegistration`` events of
organizations, organization roles and scopes, resource scopes and user profiles (``data`` = the response body,
none when the route set no body). Each payload's ``path``, ``method``, ``status``, ``params``,
``matchedRoute`` and key order are checked; a refused request sends nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hook_support import ReceiverServer, receiving, signature, wait_delivery
from logto_support import M2M, WEB, tenant_dict
from management_support import api_client, logto_error, with_admin

from fake_logto import Running, Settings, parse_config, paths, serve_in_thread
from fake_logto._data_hooks import REGISTRATION
from fake_mailgun import Running as MailgunRunning

KEY = "management-events-key"
ALL = sorted({*REGISTRATION.values(), "User.Deleted", "Organization.Membership.Updated"})
HEAD = ["event", "createdAt", "userAgent", "ip"]
CONTEXT = ["path", "method", "status", "params", "matchedRoute"]
MEMBERSHIP = "Organization.Membership.Updated"
FK = "entity.relation_foreign_key_not_found"


@pytest.fixture(scope="module")
def receiver() -> Iterator[ReceiverServer]:
    with receiving() as server:
        yield server


@pytest.fixture(scope="module")
def server(mailgun: MailgunRunning, receiver: ReceiverServer) -> Iterator[Running]:
    hooks = [{"id": "all", "name": "All", "events": ALL, "url": f"{receiver.base}/ok", "signing_key": KEY}]
    config = parse_config(with_admin(tenant_dict(mailgun.url, hooks=hooks)))
    with serve_in_thread(Settings(port=0), config=config) as running:
        yield running


@pytest.fixture(scope="module")
def control(server: Running) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.endpoint, timeout=20) as client:
        yield client


@pytest.fixture(scope="module")
def api(server: Running) -> Iterator[httpx.Client]:
    with api_client(server.endpoint) as client:
        yield client


class Deliveries:
    """Waits for each expected payload in turn (newer than the last one seen), checking its signature."""

    def __init__(self, control: httpx.Client, receiver: ReceiverServer) -> None:
        self.control, self.receiver = control, receiver
        self.last = self._latest()

    def _latest(self) -> int:
        items = self.control.get(paths.HOOK_DELIVERIES, params={"hook_id": "all"}).json()["items"]
        return int(items[-1]["id"]) if items else 0

    def expect(self, event: str, **where: Any) -> dict[str, Any]:
        """The next ``event`` whose payload has ``where``; its body checked against the raw, signed one."""
        delivery = wait_delivery(
            self.control, event, "all", lambda b: all(b.get(k) == v for k, v in where.items()), self.last
        )
        assert delivery["result"] == "Success", delivery
        body: dict[str, Any] = delivery["request"]["body"]
        raw = next(r for r in self.receiver.received if json.loads(r["body"]) == body)
        assert raw["headers"]["logto-signature-sha-256"] == signature(KEY, raw["body"])
        return body

    def settle(self) -> None:
        """After the expected deliveries: later waits only see newer ones."""
        self.last = self._latest()

    def nothing_since(self, api: httpx.Client, *expected: tuple[str, str]) -> None:
        """Since :meth:`settle`, nothing was sent but the ``expected`` (event, path) pairs and a marker's
        ``Organization.Created`` (sent last, waited for)."""
        marker = api.post("/organizations", json={"name": "marker"}).json()
        self.expect("Organization.Created", data=marker)
        items = self.control.get(paths.HOOK_DELIVERIES, params={"hook_id": "all", "after": self.last}).json()[
            "items"
        ]
        got = sorted((d["event"], d["request"]["body"]["path"]) for d in items)
        assert got == sorted([*expected, ("Organization.Created", "/organizations")])
        self.settle()


@pytest.fixture
def sent(control: httpx.Client, receiver: ReceiverServer) -> Deliveries:
    return Deliveries(control, receiver)


def _created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code in (200, 201), response.text
    body: dict[str, Any] = response.json()
    return body


def _context(path: str, method: str, status: int, params: dict[str, str], route: str) -> dict[str, Any]:
    return {"path": path, "method": method, "status": status, "params": params, "matchedRoute": route}


# --- Organization.Membership.Updated: users ---------------------------------------------------------------
def test_member_writes_send_membership_updated_with_the_delta(api: httpx.Client, sent: Deliveries) -> None:
    org = _created(api.post("/organizations", json={"name": "Hooked members"}))
    ann, bob = (_created(api.post("/users", json={"username": n}))["id"] for n in ("hm_ann", "hm_bob"))
    users = f"/organizations/{org['id']}/users"
    route, params = "/organizations/:id/users", {"id": org["id"]}
    # Deliveries follow their responses: wait for the set-up's own before settling.
    sent.expect("Organization.Created", data=org)
    for user_id in (ann, bob):
        sent.expect("User.Created", path="/users", data=api.get(f"/users/{user_id}").json())
    sent.settle()

    assert api.post(users, json={"userIds": [ann, ann]}).status_code == 201
    added = sent.expect(MEMBERSHIP, path=users)
    assert list(added) == [*HEAD, *CONTEXT, "organizationId", "addedUserIds", "hookId"]  # no data
    assert added | _context(users, "POST", 201, params, route) == added
    assert (added["organizationId"], added["addedUserIds"]) == (org["id"], [ann])
    sent.settle()

    assert api.post(users, json={"userIds": [ann]}).status_code == 201  # already a member: no delta
    again = sent.expect(MEMBERSHIP, path=users, method="POST")
    assert list(again) == [*HEAD, *CONTEXT, "organizationId", "hookId"]
    sent.settle()

    assert api.put(users, json={"userIds": [bob]}).status_code == 204
    replaced = sent.expect(MEMBERSHIP, path=users, method="PUT")
    assert replaced | _context(users, "PUT", 204, params, route) == replaced
    assert (replaced["addedUserIds"], replaced["removedUserIds"]) == ([bob], [ann])
    assert list(replaced)[-4:] == ["organizationId", "addedUserIds", "removedUserIds", "hookId"]
    sent.settle()

    assert api.put(users, json={"userIds": [bob]}).status_code == 204  # the same set: fired, no delta
    assert "addedUserIds" not in sent.expect(MEMBERSHIP, path=users, method="PUT")
    sent.settle()

    assert api.delete(f"{users}/{bob}").status_code == 204
    removed = sent.expect(MEMBERSHIP, path=f"{users}/{bob}")
    one = {"id": org["id"], "userId": bob}
    assert (
        removed | _context(f"{users}/{bob}", "DELETE", 204, one, "/organizations/:id/users/:userId")
        == removed
    )
    assert (removed["removedUserIds"], "addedUserIds" in removed) == ([bob], False)
    sent.settle()

    logto_error(api.post(users, json={"userIds": ["nobody"]}), 422, FK)
    logto_error(api.post(users, json={"userIds": []}), 400, "guard.invalid_input")
    logto_error(api.delete(f"{users}/{bob}"), 404, "entity.not_found")
    logto_error(api.put("/organizations/nope/users", json={"userIds": [ann]}), 422, FK)
    sent.nothing_since(api)


# --- Organization.Membership.Updated: applications -------------------------------------------------------
def test_application_writes_send_membership_updated_with_the_delta(
    api: httpx.Client, sent: Deliveries
) -> None:
    org = _created(api.post("/organizations", json={"name": "Hooked apps"}))
    other = _created(api.post("/applications", json={"name": "Other bot", "type": "MachineToMachine"}))["id"]
    apps = f"/organizations/{org['id']}/applications"
    route, params = "/organizations/:id/applications", {"id": org["id"]}
    sent.expect("Organization.Created", data=org)  # delivered after its response: wait before settling
    sent.settle()

    added = api.post(apps, json={"applicationIds": [M2M["id"]]})
    assert (added.status_code, added.text) == (201, "Created")
    body = sent.expect(MEMBERSHIP, path=apps)
    assert list(body) == [*HEAD, *CONTEXT, "organizationId", "addedApplicationIds", "hookId"]
    assert body | _context(apps, "POST", 201, params, route) == body
    assert body["addedApplicationIds"] == [M2M["id"]]
    sent.settle()

    assert api.post(apps, json={"applicationIds": [M2M["id"]]}).status_code == 201
    assert list(sent.expect(MEMBERSHIP, path=apps, method="POST"))[-2:] == ["organizationId", "hookId"]
    sent.settle()

    assert api.put(apps, json={"applicationIds": [other]}).status_code == 204
    replaced = sent.expect(MEMBERSHIP, path=apps, method="PUT")
    assert replaced | _context(apps, "PUT", 204, params, route) == replaced
    assert (replaced["addedApplicationIds"], replaced["removedApplicationIds"]) == ([other], [M2M["id"]])
    sent.settle()

    assert api.delete(f"{apps}/{other}").status_code == 204
    removed = sent.expect(MEMBERSHIP, path=f"{apps}/{other}")
    one = {"id": org["id"], "applicationId": other}
    assert removed["params"] == one
    assert removed["matchedRoute"] == "/organizations/:id/applications/:applicationId"
    assert (removed["status"], removed["removedApplicationIds"]) == (204, [other])
    sent.settle()

    logto_error(api.post(apps, json={"applicationIds": [WEB["id"]]}), 422, "entity.db_constraint_violated")
    logto_error(api.delete(f"{apps}/{other}"), 404, "entity.not_found")
    sent.nothing_since(api)


# --- organization roles ---------------------------------------------------------------------------------
def test_organization_role_writes_send_their_events(api: httpx.Client, sent: Deliveries) -> None:
    scope = _created(api.post("/organization-scopes", json={"name": "hooked:read"}))
    sent.expect("OrganizationScope.Created", data=scope)
    sent.settle()

    role = _created(
        api.post("/organization-roles", json={"name": "hooked", "organizationScopeIds": [scope["id"]]})
    )
    with_scopes = sent.expect("OrganizationRole.Scopes.Updated", organizationRoleId=role["id"])
    assert list(with_scopes) == [*HEAD, *CONTEXT, "organizationRoleId", "hookId"]  # no data
    assert (
        with_scopes | _context("/organization-roles", "POST", 201, {}, "/organization-roles") == with_scopes
    )
    created = sent.expect("OrganizationRole.Created", data=role)
    assert (created["status"], created["matchedRoute"]) == (201, "/organization-roles")
    sent.settle()

    plain = _created(api.post("/organization-roles", json={"name": "hooked-plain"}))
    sent.expect("OrganizationRole.Created", data=plain)  # no scopes given: no Scopes.Updated
    sent.nothing_since(api, ("OrganizationRole.Created", "/organization-roles"))

    scopes = f"/organization-roles/{role['id']}/scopes"
    route, params = "/organization-roles/:id/scopes", {"id": role["id"]}
    for method, status in (("POST", 201), ("PUT", 204)):
        answer = api.request(method, scopes, json={"organizationScopeIds": [scope["id"]]})
        assert answer.status_code == status, answer.text
        body = sent.expect("OrganizationRole.Scopes.Updated", path=scopes, method=method)
        assert list(body) == [*HEAD, *CONTEXT, "hookId"]  # the route set no body: no data
        assert body | _context(scopes, method, status, params, route) == body
        sent.settle()

    assert api.delete(f"{scopes}/{scope['id']}").status_code == 204
    removed = sent.expect("OrganizationRole.Scopes.Updated", path=f"{scopes}/{scope['id']}")
    assert removed["matchedRoute"] == "/organization-roles/:id/scopes/:organizationScopeId"
    assert removed["params"] == {"id": role["id"], "organizationScopeId": scope["id"]}
    sent.settle()

    renamed = api.patch(f"/organization-roles/{role['id']}", json={"description": "d"})
    updated = sent.expect("OrganizationRole.Data.Updated", data=renamed.json())
    assert (updated["status"], updated["params"]) == (200, {"id": role["id"]})
    assert api.delete(f"/organization-roles/{plain['id']}").status_code == 204
    deleted = sent.expect("OrganizationRole.Deleted", path=f"/organization-roles/{plain['id']}")
    assert (deleted["status"], "data" in deleted) == (204, False)
    sent.settle()

    # Not registered, no explicit append: the resource-scope relation routes send nothing.
    resource_scopes = f"/organization-roles/{role['id']}/resource-scopes"
    assert api.put(resource_scopes, json={"scopeIds": []}).status_code == 204
    logto_error(
        api.post("/organization-roles", json={"name": "hooked"}), 422, "entity.unique_integrity_violation"
    )
    logto_error(api.post(scopes, json={"organizationScopeIds": ["nope"]}), 422, FK)
    sent.nothing_since(api)


# --- organizations and organization scopes ----------------------------------------------------------------
def test_organization_and_organization_scope_writes(api: httpx.Client, sent: Deliveries) -> None:
    org = _created(api.post("/organizations", json={"name": "Hooked org"}))
    created = sent.expect("Organization.Created", data=org)
    assert list(created) == [*HEAD, *CONTEXT, "data", "hookId"]
    assert created | _context("/organizations", "POST", 201, {}, "/organizations") == created
    patched = api.patch(f"/organizations/{org['id']}", json={"description": "new"}).json()
    updated = sent.expect("Organization.Data.Updated", data=patched)
    assert (updated["matchedRoute"], updated["params"]) == ("/organizations/:id", {"id": org["id"]})
    assert api.delete(f"/organizations/{org['id']}").status_code == 204
    deleted = sent.expect("Organization.Deleted", path=f"/organizations/{org['id']}")
    assert list(deleted) == [*HEAD, *CONTEXT, "hookId"]

    scope = _created(api.post("/organization-scopes", json={"name": "hooked:write"}))
    assert sent.expect("OrganizationScope.Created", data=scope)["matchedRoute"] == "/organization-scopes"
    changed = api.patch(f"/organization-scopes/{scope['id']}", json={"description": "w"}).json()
    scoped = sent.expect("OrganizationScope.Data.Updated", data=changed)
    assert scoped["matchedRoute"] == "/organization-scopes/:id"
    assert api.delete(f"/organization-scopes/{scope['id']}").status_code == 204
    gone = sent.expect("OrganizationScope.Deleted", path=f"/organization-scopes/{scope['id']}")
    assert (gone["method"], gone["status"]) == ("DELETE", 204)
    sent.settle()

    logto_error(api.patch(f"/organizations/{org['id']}", json={"name": "x"}), 404, "entity.not_exists")
    logto_error(api.delete(f"/organization-scopes/{scope['id']}"), 404, "entity.not_found")
    sent.nothing_since(api)


# --- resource scopes and users ----------------------------------------------------------------------------
def test_resource_scope_and_user_profile_writes(api: httpx.Client, sent: Deliveries) -> None:
    resource = _created(api.post("/resources", json={"name": "Hooked", "indicator": "https://hooked.test"}))
    sent.settle()
    sent.nothing_since(api)  # POST /resources is not registered

    scopes = f"/resources/{resource['id']}/scopes"
    scope = _created(api.post(scopes, json={"name": "read:hooks"}))
    created = sent.expect("Scope.Created", data=scope)
    assert (
        created
        | _context(scopes, "POST", 201, {"resourceId": resource["id"]}, "/resources/:resourceId/scopes")
        == created
    )
    one = {"resourceId": resource["id"], "scopeId": scope["id"]}
    changed = api.patch(f"{scopes}/{scope['id']}", json={"description": "r"}).json()
    updated = sent.expect("Scope.Data.Updated", data=changed)
    assert (updated["params"], updated["matchedRoute"]) == (one, "/resources/:resourceId/scopes/:scopeId")
    assert api.delete(f"{scopes}/{scope['id']}").status_code == 204
    deleted = sent.expect("Scope.Deleted", path=f"{scopes}/{scope['id']}")
    assert (deleted["status"], "data" in deleted) == (204, False)

    user = _created(api.post("/users", json={"username": "hooked_profile"}))
    profile = api.patch(f"/users/{user['id']}/profile", json={"profile": {"nickname": "Hooks"}})
    assert profile.status_code == 200, profile.text
    body = sent.expect("User.Data.Updated", path=f"/users/{user['id']}/profile")
    assert body["data"] == profile.json()  # the route's answer (the profile), not the user
    assert body["matchedRoute"] == "/users/:userId/profile"
    sent.expect("User.Created", path="/users")  # delivered after its response: wait for it before settling
    sent.settle()

    # Identities have no data hook in Logto (admin-user/social.ts appends nothing).
    logto_error(api.delete(f"/users/{user['id']}/identities/github"), 404, "user.identity_not_exist")
    logto_error(api.patch(f"{scopes}/{scope['id']}", json={"description": "r"}), 404, "entity.not_exists")
    sent.nothing_since(api)


# --- User.Data.Updated from PATCH /users/:userId/logto-configs --------------------------------------------
def test_logto_config_patch_sends_user_data_updated_with_the_user_and_no_route_context(
    api: httpx.Client, sent: Deliveries
) -> None:
    """``admin-user/basics.ts`` appends ``User.Data.Updated`` with ``{user}`` alone: ``data`` is the user
    (``userInfoSelectFields``), and no ``path``/``method``/``status``/``params``/``matchedRoute``."""
    user = _created(api.post("/users", json={"username": "hooked_config"}))
    sent.expect("User.Created", path="/users")
    sent.settle()
    config = f"/users/{user['id']}/logto-configs"
    assert api.get(config).status_code == 200  # a read fires nothing
    changed = api.patch(config, json={"mfa": {"skipped": True}})
    assert changed.status_code == 200, changed.text
    fresh = api.get(f"/users/{user['id']}").json()
    expected = {k: v for k, v in fresh.items() if k != "hasPassword"}
    body = sent.expect("User.Data.Updated", data=expected)
    assert list(body) == [*HEAD, "data", "hookId"]
    sent.settle()
    logto_error(api.patch(config, json={"mfa": None}), 400, "guard.invalid_input")
    logto_error(api.patch("/users/nobody/logto-configs", json={}), 404, "entity.not_found")
    sent.nothing_since(api)
