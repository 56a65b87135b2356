"""The harness's side of the Management API: the tenant gets an M2M app holding the Management API role
(``[management]``), and ``client.management`` (sync and async) calls ``/api/*`` over a real socket with a
real ``client_credentials`` token, cached and fetched again when refused; Logto's error bodies raise
``ManagementAPIError``."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import httpx
import pytest

from harness import (
    AsyncClient,
    ConfigError,
    HarnessConfig,
    ManagementAPIError,
    parse_harness_config,
    start_harness,
)
from harness._harness import Harness

MAILGUN = "http://127.0.0.1:5080"


@pytest.fixture(scope="module")
def running() -> Iterator[Harness]:
    with start_harness(HarnessConfig(), free_ports=True) as harness:
        yield harness


def _email() -> str:
    return f"mapi-{uuid.uuid4().hex[:10]}@example.test"


# --- the tenant's M2M app ---------------------------------------------------------------------------------
def test_the_tenant_gets_an_m2m_app_holding_the_management_api_role() -> None:
    tenant = HarnessConfig().tenant_config(MAILGUN)
    assert [a.id for a in tenant.applications] == ["bookstore", "harness-management"], (
        "the seed app stays first"
    )
    app = tenant.applications[1]
    assert (app.type, app.secret, app.roles) == (
        "m2m",
        "harness-management-secret",
        ("Harness Management API access",),
    )
    role = tenant.role("Harness Management API access")
    assert role is not None
    assert (role.type, role.scopes) == ("m2m", (("https://default.logto.app/api", "all"),))


def test_the_m2m_app_follows_its_settings_and_a_configs_own_app_wins() -> None:
    renamed = HarnessConfig().with_settings(management_app_id="ops", management_app_secret="s3cret")
    assert renamed.tenant_config(MAILGUN).application("ops") is not None
    assert renamed.management_app() == ("ops", "s3cret")
    off = HarnessConfig().with_settings(management_app_id="")
    assert [a.id for a in off.tenant_config(MAILGUN).applications] == ["bookstore"]
    assert off.management_app() is None
    own = parse_harness_config(
        {
            "tenant": {
                "applications": [
                    {"name": "Web", "id": "web", "secret": "w", "redirect_uris": ["http://localhost:1/cb"]},
                    {"name": "Mine", "type": "m2m", "id": "harness-management", "secret": "mine"},
                ]
            }
        }
    ).tenant_config(MAILGUN)
    assert [(a.id, a.secret, a.roles) for a in own.applications][1] == ("harness-management", "mine", ())
    assert own.role("Harness Management API access") is None, "the config's own app: nothing added"
    with pytest.raises(ConfigError, match=r"^management\.app_secret: must not be empty$"):
        HarnessConfig().with_settings(management_app_secret="")


# --- client.management over HTTP ----------------------------------------------------------------------------
def test_users_list_get_create_update_delete(running: Harness) -> None:
    users = running.client.management.users
    email = _email()
    created = users.create(primaryEmail=email, password="a long passphrase 1", name="Ada")
    assert (created["primaryEmail"], created["name"], created["hasPassword"]) == (email, "Ada", True)
    assert users.get(created["id"])["id"] == created["id"]
    assert [u["id"] for u in users.list(search=email)] == [created["id"]]
    assert len(users.list(page=1, page_size=1)) == 1
    updated = users.update(created["id"], name="Ada Lovelace", profile={"nickname": "ada"})
    assert (updated["name"], updated["profile"]) == ("Ada Lovelace", {"nickname": "ada"})
    assert users.update_custom_data(created["id"], {"plan": "pro"}) == {"plan": "pro"}
    assert users.get(created["id"])["customData"] == {"plan": "pro"}
    assert users.delete(created["id"]) is None
    with pytest.raises(ManagementAPIError) as refused:
        users.get(created["id"])
    error = refused.value
    assert (error.status, error.code) == (404, "entity.not_found")
    assert str(error) == f"GET /api/users/{created['id']} → 404 entity.not_found: {error.body['message']}"


def test_custom_data_reads_back(running: Harness) -> None:
    users = running.client.management.users
    user = users.create(primaryEmail=_email(), customData={"a": 1})
    assert users.custom_data(user["id"]) == {"a": 1}


def test_roles_list_and_assign(running: Harness) -> None:
    management = running.client.management
    name = f"reader-{uuid.uuid4().hex[:6]}"
    role = management.roles.create(name=name, description="Reads", type="User")
    assert name in [r["name"] for r in management.roles.list()]
    assert "Harness Management API access" in [r["name"] for r in management.roles.list()]
    user = management.users.create(primaryEmail=_email())
    assigned = management.users.assign_roles(user["id"], [role["id"]])
    assert assigned == {"roleIds": [role["id"]], "addedRoleIds": [role["id"]]}
    assert [r["name"] for r in management.users.roles(user["id"])] == [name]


def test_sign_in_experience_get_and_update(running: Harness) -> None:
    sign_in_exp = running.client.management.sign_in_exp
    before = sign_in_exp.get()
    email = {"identifier": "email", "password": True, "verificationCode": True, "isPasswordPrimary": True}
    try:
        assert sign_in_exp.update(signIn={"methods": [email]})["signIn"]["methods"] == [email]
        public = httpx.get(running.logto_endpoint + "/api/.well-known/sign-in-exp").json()
        assert public["signIn"]["methods"] == [email], "applied at once"
    finally:
        sign_in_exp.update(signIn=before["signIn"])


def test_generic_calls_and_a_guard_refusal(running: Harness) -> None:
    management = running.client.management
    user = management.post("/api/users", {"username": f"u{uuid.uuid4().hex[:8]}"})
    assert management.get(f"/api/users/{user['id']}")["username"] == user["username"]
    assert management.patch(f"/api/users/{user['id']}", {"name": "N"})["name"] == "N"
    assert management.delete(f"/api/users/{user['id']}") is None
    with pytest.raises(ManagementAPIError) as refused:
        management.post("/api/users", {"primaryEmail": "not an email"})
    assert (refused.value.status, refused.value.code) == (400, "guard.invalid_input")


def test_organizations_list_create_and_add_member(running: Harness) -> None:
    management = running.client.management
    organization = management.organizations.create(name=f"Org {uuid.uuid4().hex[:6]}")
    assert organization["id"] in [o["id"] for o in management.organizations.list()]
    user = management.users.create(primaryEmail=_email())
    assert management.organizations.add_users(organization["id"], [user["id"]]) == {"userIds": [user["id"]]}
    assert [u["id"] for u in management.organizations.users(organization["id"])] == [user["id"]]


# --- the token ----------------------------------------------------------------------------------------------
def test_the_token_is_fetched_once_and_again_when_refused(running: Harness) -> None:
    client = running.client
    client.management.users.list()
    token = client._transport.token
    first = token.value
    client.management.users.list()
    assert token.value == first, "cached"
    token.value = "not-a-token"  # refused with 401 auth.unauthorized: fetched again, the call repeated
    client.management.users.list()
    assert token.value not in ("not-a-token", None)


def test_a_refused_token_request_is_logtos_oauth_error(running: Harness) -> None:
    from harness import Client

    wrong = ("harness-management", "wrong")
    with (
        Client(running.mailgun_url, running.logto.url, management_app=wrong) as client,
        pytest.raises(ManagementAPIError) as refused,
    ):
        client.management.users.list()
    assert (refused.value.status, refused.value.code) == (401, "oidc.invalid_client")
    with (
        Client(running.mailgun_url, running.logto.url) as client,
        pytest.raises(Exception, match="no Management API app"),
    ):
        client.management.users.list()


def test_the_async_client_has_the_same_management_api(running: Harness) -> None:
    async def main() -> tuple[str, list[str]]:
        app = running.config.management_app()
        async with AsyncClient(running.mailgun_url, running.logto.url, management_app=app) as client:
            email = _email()
            user = await client.management.users.create(primaryEmail=email)
            found = await client.management.users.list(search=email)
            return user["id"], [u["id"] for u in found]

    user_id, found = asyncio.run(main())
    assert found == [user_id]
