"""Organization just-in-time provisioning (Logto's ``routes/organization/jit/*`` and
``ProvisionLibrary.provisionNewUserJitOrganizations`` / ``addSsoIdentityToUser``): the email-domain,
default-role and SSO-connector routes with Logto's answers and refusals; a user registering through the
Experience API with an email of a listed domain joining the organization with its JIT roles, announced by
``Organization.Membership.Updated``; an enterprise SSO identity (new or linked) joining its connector's
organizations."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from hook_support import ReceiverServer, receiving, wait_delivery
from logto_support import auth_url, tenant_dict
from management_support import api_client, logto_error, with_admin
from sso_support import add_sso, identify, preset, verified

from fake_logto import Running, Settings, parse_config, serve_in_thread
from fake_mailgun import Running as MailgunRunning
from harness._experience import ExperienceClient


def _org(api: httpx.Client, name: str) -> str:
    response = api.post("/organizations", json={"name": name})
    assert response.status_code == 201, response.text
    org_id: str = response.json()["id"]
    return org_id


def _role(api: httpx.Client, name: str, **extra: Any) -> str:
    response = api.post("/organization-roles", json={"name": name, **extra})
    assert response.status_code == 201, response.text
    role_id: str = response.json()["id"]
    return role_id


def _domains(api: httpx.Client, org_id: str) -> list[str]:
    response = api.get(f"/organizations/{org_id}/jit/email-domains")
    assert response.status_code == 200, response.text
    return [row["emailDomain"] for row in response.json()]


# --- /jit/email-domains ---------------------------------------------------------------------------------
def test_email_domains_are_added_listed_replaced_and_removed(api: httpx.Client) -> None:
    org_id = _org(api, "JIT domains")
    domains = f"/organizations/{org_id}/jit/email-domains"
    added = api.post(domains, json={"emailDomain": "a.test"})
    assert added.status_code == 201
    assert added.json() == {"tenantId": "default", "organizationId": org_id, "emailDomain": "a.test"}
    api.post(domains, json={"emailDomain": "b.test"})
    assert _domains(api, org_id) == ["a.test", "b.test"]  # insertion order
    assert "Total-Number" not in api.get(domains).headers  # paged only when asked
    paged = api.get(domains, params={"page": 2, "page_size": 1})
    assert ([r["emailDomain"] for r in paged.json()], paged.headers["Total-Number"]) == (["b.test"], "2")

    assert api.put(domains, json={"emailDomains": ["c.test", "d.test"]}).status_code == 204
    assert _domains(api, org_id) == ["c.test", "d.test"]
    assert api.delete(f"{domains}/c.test").status_code == 204
    assert _domains(api, org_id) == ["d.test"]
    assert api.put(domains, json={"emailDomains": []}).status_code == 204
    assert _domains(api, org_id) == []


def test_email_domain_refusals_are_logtos(api: httpx.Client) -> None:
    org_id = _org(api, "JIT refusals")
    domains = f"/organizations/{org_id}/jit/email-domains"
    api.post(domains, json={"emailDomain": "taken.test"})
    logto_error(
        api.post(domains, json={"emailDomain": "taken.test"}), 422, "entity.unique_integrity_violation"
    )
    body = logto_error(api.post(domains, json={"emailDomain": "x" * 129}), 422, "entity.value_too_long")
    assert body["data"] == {"message": "value too long for type character varying(128)"}
    logto_error(api.post(domains, json={"emailDomain": ""}), 400, "guard.invalid_input")
    logto_error(api.post(domains, json={}), 400, "guard.invalid_input")
    unknown = "/organizations/nope/jit/email-domains"
    logto_error(
        api.post(unknown, json={"emailDomain": "a.test"}), 422, "entity.relation_foreign_key_not_found"
    )
    assert api.get(unknown).json() == []  # the list does not look the organization up
    assert api.put(unknown, json={"emailDomains": []}).status_code == 204  # no rows: nothing to refuse
    logto_error(
        api.put(unknown, json={"emailDomains": ["a.test"]}), 422, "entity.relation_foreign_key_not_found"
    )
    logto_error(
        api.put(domains, json={"emailDomains": ["a.test", "a.test"]}),
        422,
        "entity.unique_integrity_violation",
    )
    logto_error(api.put(domains, json={"emailDomains": ["a.test", 1]}), 400, "guard.invalid_input")
    assert _domains(api, org_id) == ["taken.test"]  # nothing changed by a refused replace
    logto_error(api.delete(f"{domains}/absent.test"), 404, "entity.not_found")


# --- /jit/roles -----------------------------------------------------------------------------------------
def test_jit_roles_are_relation_routes(api: httpx.Client) -> None:
    org_id = _org(api, "JIT roles")
    reader, writer = _role(api, "jit-reader"), _role(api, "jit-writer")
    roles = f"/organizations/{org_id}/jit/roles"
    added = api.post(roles, json={"organizationRoleIds": [reader]})
    assert (added.status_code, added.text) == (201, "Created")
    assert (
        api.post(roles, json={"organizationRoleIds": [reader]}).status_code == 201
    )  # already there: kept once
    assert [r["id"] for r in api.get(roles).json()] == [reader]
    assert api.put(roles, json={"organizationRoleIds": [writer, reader]}).status_code == 204
    assert [r["name"] for r in api.get(roles).json()] == ["jit-writer", "jit-reader"]
    assert api.delete(f"{roles}/{writer}").status_code == 204
    assert [r["id"] for r in api.get(roles).json()] == [reader]

    logto_error(api.post(roles, json={"organizationRoleIds": []}), 400, "guard.invalid_input")
    logto_error(
        api.post(roles, json={"organizationRoleIds": ["nope"]}), 422, "entity.relation_foreign_key_not_found"
    )
    logto_error(
        api.put(roles, json={"organizationRoleIds": [reader, reader]}),
        422,
        "entity.unique_integrity_violation",
    )
    logto_error(api.get("/organizations/nope/jit/roles"), 404, "entity.not_found")
    logto_error(
        api.post("/organizations/nope/jit/roles", json={"organizationRoleIds": [reader]}),
        422,
        "entity.relation_foreign_key_not_found",
    )
    logto_error(api.delete(f"{roles}/{writer}"), 404, "entity.not_found")
    assert [r["id"] for r in api.get(roles).json()] == [reader]


# --- provisioning at registration -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def receiver() -> Iterator[ReceiverServer]:
    with receiving() as server:
        yield server


@pytest.fixture(scope="module")
def hooked(mailgun: MailgunRunning, receiver: ReceiverServer) -> Iterator[Running]:
    events = ["Organization.Membership.Updated", "User.Created"]
    hooks = [{"id": "jit", "name": "JIT", "events": events, "url": f"{receiver.base}/ok"}]
    config = parse_config(with_admin(tenant_dict(mailgun.url, hooks=hooks)))
    with serve_in_thread(Settings(port=0), config=config) as running:
        yield running


def _register(logto: Running, email: str, read_code: Callable[[str], str]) -> None:
    with ExperienceClient(logto.endpoint) as browser:
        browser.start(auth_url(logto))
        browser.set_event("Register")
        verification_id = browser.send_code(email, "Register")
        browser.verify_code(email, verification_id, read_code(email))
        assert browser.identify(verification_id) == 201
        redirect_to = browser.submit()
        assert redirect_to is not None


def test_a_user_registering_with_a_listed_domain_joins_with_the_jit_roles(
    hooked: Running, email: str, read_code: Callable[[str], str]
) -> None:
    domain = email.split("@")[1]
    with api_client(hooked.endpoint) as api, httpx.Client(base_url=hooked.endpoint, timeout=20) as control:
        listed, other, by_api = _org(api, "Listed"), _org(api, "Other"), _org(api, "Listed, for the API")
        member = _role(api, "jit-member")
        api.post(f"/organizations/{listed}/jit/email-domains", json={"emailDomain": domain})
        api.post(f"/organizations/{listed}/jit/roles", json={"organizationRoleIds": [member]})
        api.post(f"/organizations/{other}/jit/email-domains", json={"emailDomain": "elsewhere.test"})
        api.post(f"/organizations/{by_api}/jit/email-domains", json={"emailDomain": "api-only.test"})
        # Logto's POST /users does not provision: only the Experience API's new users join.
        created = api.post("/users", json={"primaryEmail": "admin-made@api-only.test"}).json()
        assert api.get(f"/users/{created['id']}/organizations").json() == []

        _register(hooked, email, read_code)
        user = next(u for u in api.get("/users").json() if u["primaryEmail"] == email)
        joined = api.get(f"/users/{user['id']}/organizations").json()
        assert [(o["id"], [r["name"] for r in o["organizationRoles"]]) for o in joined] == [
            (listed, ["jit-member"])
        ]
        delivery = wait_delivery(
            control, "Organization.Membership.Updated", "jit", lambda b: b.get("organizationId") == listed
        )
        body = delivery["request"]["body"]
        assert body["addedUserIds"] == [user["id"]]
        assert body["interactionEvent"] == "Register"
        assert not {"data", "path", "matchedRoute"} & set(body)  # the experience's metadata, no route context
        assert list(body)[-3:] == ["organizationId", "addedUserIds", "hookId"]


# --- /jit/sso-connectors and provisioning by enterprise SSO ---------------------------------------------
def test_jit_sso_connectors_are_relation_routes(mgmt: Running, api: httpx.Client) -> None:
    org_id = _org(api, "JIT SSO")
    first = add_sso(api, mgmt, name="First")
    second = add_sso(api, mgmt, ("other.test",), idp="other", name="Second")
    connectors = f"/organizations/{org_id}/jit/sso-connectors"
    assert api.post(connectors, json={"ssoConnectorIds": [first]}).status_code == 201
    assert api.post(connectors, json={"ssoConnectorIds": [first]}).status_code == 201  # kept once
    [row] = api.get(connectors).json()
    assert (row["id"], row["connectorName"], row["providerName"]) == (first, "First", "OIDC")
    assert api.put(connectors, json={"ssoConnectorIds": [second, first]}).status_code == 204
    assert [c["id"] for c in api.get(connectors).json()] == [second, first]
    assert api.delete(f"{connectors}/{second}").status_code == 204
    logto_error(api.delete(f"{connectors}/{second}"), 404, "entity.not_found")
    logto_error(
        api.post(connectors, json={"ssoConnectorIds": ["nope"]}), 422, "entity.relation_foreign_key_not_found"
    )
    logto_error(
        api.put(connectors, json={"ssoConnectorIds": ["nope"]}), 422, "entity.relation_foreign_key_not_found"
    )
    logto_error(api.get("/organizations/nope/jit/sso-connectors"), 404, "entity.not_found")
    assert [c["id"] for c in api.get(connectors).json()] == [first]


def test_sso_sign_up_and_linking_join_the_connectors_organizations(mgmt: Running, api: httpx.Client) -> None:
    """``addSsoIdentityToUser``: the connector's organizations, not those of the email's domain."""
    connector_id = add_sso(api, mgmt)
    by_sso, by_domain = _org(api, "By SSO"), _org(api, "By domain")
    api.post(f"/organizations/{by_sso}/jit/sso-connectors", json={"ssoConnectorIds": [connector_id]})
    api.post(f"/organizations/{by_domain}/jit/email-domains", json={"emailDomain": "acme.test"})
    preset(mgmt, id="emp-jit", email="jit@acme.test")
    with ExperienceClient(mgmt.endpoint) as browser:
        browser.start(auth_url(mgmt))
        browser.set_event("Register")
        assert identify(browser, verified(browser, connector_id)).status_code == 201
        assert browser.submit() is not None
    user = next(u for u in api.get("/users").json() if u["primaryEmail"] == "jit@acme.test")
    assert [o["id"] for o in api.get(f"/users/{user['id']}/organizations").json()] == [by_sso]

    # An existing user linking the identity at sign-in joins too.
    linked = api.post("/users", json={"primaryEmail": "link@acme.test"}).json()
    preset(mgmt, id="emp-link", email="link@acme.test")
    with ExperienceClient(mgmt.endpoint) as browser:
        browser.start(auth_url(mgmt))
        browser.set_event("SignIn")
        assert identify(browser, verified(browser, connector_id)).status_code == 204
        assert browser.submit() is not None
    assert [o["id"] for o in api.get(f"/users/{linked['id']}/organizations").json()] == [by_sso]
