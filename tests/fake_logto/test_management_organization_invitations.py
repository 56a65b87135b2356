"""Organization invitations (Logto's ``routes/organization-invitation/index.ts`` and
``libraries/organization-invitation.ts``): each route with Logto's answers and refusals, the expiry on the
tenant clock, accepting (membership with the invitation's roles, ``Organization.Membership.Updated``), and
the invitation email through the Mailgun connector into fake_mailgun's mailbox (sent, resent, capped, or
refused with no email connector)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hook_support import ReceiverServer, receiving, wait_delivery
from logto_support import tenant_dict
from management_support import api_client, logto_error, with_admin

from fake_logto import Running, Settings, parse_config, serve_in_thread
from fake_mailgun import Running as MailgunRunning

INVITATIONS = "/organization-invitations"
LATER = 1_000_000  # ms


@pytest.fixture(scope="module")
def receiver() -> Iterator[ReceiverServer]:
    with receiving() as server:
        yield server


@pytest.fixture(scope="module")
def logto(mailgun: MailgunRunning, receiver: ReceiverServer) -> Iterator[Running]:
    hooks = [
        {
            "id": "org",
            "name": "Org",
            "events": ["Organization.Membership.Updated"],
            "url": f"{receiver.base}/ok",
        }
    ]
    config = parse_config(with_admin(tenant_dict(mailgun.url, hooks=hooks)))
    with serve_in_thread(Settings(port=0), config=config) as running:
        yield running


@pytest.fixture(scope="module")
def api(logto: Running) -> Iterator[httpx.Client]:
    with api_client(logto.endpoint) as client:
        yield client


@pytest.fixture(scope="module")
def control(logto: Running) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=logto.endpoint, timeout=20) as client:
        yield client


def _address() -> str:
    return f"i-{uuid.uuid4().hex[:10]}@example.test"


def _now_ms(control: httpx.Client) -> int:
    return int(control.get("/__harness/clock").json()["now"] * 1000)


def _org(api: httpx.Client, name: str = "Invites") -> str:
    response = api.post("/organizations", json={"name": name})
    assert response.status_code == 201, response.text
    org_id: str = response.json()["id"]
    return org_id


def _role(api: httpx.Client) -> dict[str, Any]:
    response = api.post("/organization-roles", json={"name": f"r-{uuid.uuid4().hex[:8]}"})
    assert response.status_code == 201, response.text
    role: dict[str, Any] = response.json()
    return role


def _invite(
    api: httpx.Client, control: httpx.Client, org_id: str, invitee: str, **extra: Any
) -> dict[str, Any]:
    body = {"organizationId": org_id, "invitee": invitee, "expiresAt": _now_ms(control) + LATER, **extra}
    response = api.post(INVITATIONS, json=body)
    assert response.status_code == 201, response.text
    invitation: dict[str, Any] = response.json()
    return invitation


def _user(api: httpx.Client, email: str) -> str:
    response = api.post("/users", json={"primaryEmail": email})
    assert response.status_code == 200, response.text
    user_id: str = response.json()["id"]
    return user_id


# --- create, read, delete -------------------------------------------------------------------------------
def test_an_invitation_is_created_read_listed_and_deleted(api: httpx.Client, control: httpx.Client) -> None:
    org_id, role = _org(api), _role(api)
    inviter = _user(api, _address())
    invitee = _address()
    created = _invite(
        api, control, org_id, invitee, inviterId=inviter, organizationRoleIds=[role["id"], role["id"]]
    )
    assert list(created) == [
        "tenantId", "id", "inviterId", "invitee", "acceptedUserId", "organizationId", "status", "createdAt",
        "updatedAt", "expiresAt", "organizationRoles",
    ]  # fmt: skip
    assert (created["tenantId"], created["inviterId"], created["invitee"], created["organizationId"]) == (
        "default", inviter, invitee, org_id,
    )  # fmt: skip
    assert (created["status"], created["acceptedUserId"]) == ("Pending", None)
    assert created["organizationRoles"] == [{"id": role["id"], "name": role["name"]}]  # kept once
    assert len(created["id"]) == 21
    assert api.get(f"{INVITATIONS}/{created['id']}").json() == created

    second = _invite(api, control, org_id, _address())
    other = _invite(api, control, _org(api, "Elsewhere"), invitee.upper())
    listed = [i["id"] for i in api.get(INVITATIONS).json()]
    assert (
        listed.index(other["id"]) < listed.index(second["id"]) < listed.index(created["id"])
    )  # newest first
    assert [i["id"] for i in api.get(INVITATIONS, params={"organizationId": org_id}).json()] == [
        second["id"], created["id"],
    ]  # fmt: skip
    assert [i["id"] for i in api.get(INVITATIONS, params={"inviterId": inviter}).json()] == [created["id"]]
    by_invitee = api.get(INVITATIONS, params={"invitee": invitee}).json()  # case-insensitive
    assert [i["id"] for i in by_invitee] == [other["id"], created["id"]]
    logto_error(api.get(INVITATIONS, params=[("invitee", "a"), ("invitee", "b")]), 400, "guard.invalid_input")
    assert len(api.get(INVITATIONS, params={"invitee": ""}).json()) == len(api.get(INVITATIONS).json())

    assert api.delete(f"{INVITATIONS}/{created['id']}").status_code == 204
    logto_error(api.get(f"{INVITATIONS}/{created['id']}"), 404, "entity.not_found")
    logto_error(api.delete(f"{INVITATIONS}/{created['id']}"), 404, "entity.not_found")


def test_creation_refusals_are_logtos(api: httpx.Client, control: httpx.Client) -> None:
    org_id = _org(api)
    later = _now_ms(control) + LATER
    base = {"organizationId": org_id, "invitee": _address(), "expiresAt": later}

    past = logto_error(
        api.post(INVITATIONS, json={**base, "expiresAt": later - 2 * LATER}), 400, "request.invalid_input"
    )
    assert past["details"] == "The value of `expiresAt` must be in the future."
    bad_email = logto_error(
        api.post(INVITATIONS, json={**base, "invitee": "invalid"}), 400, "guard.invalid_input"
    )
    assert bad_email["data"]["issues"][0]["validation"] == "email"
    logto_error(api.post(INVITATIONS, json={**base, "expiresAt": "soon"}), 400, "guard.invalid_input")
    union = logto_error(
        api.post(INVITATIONS, json={**base, "messagePayload": True}), 400, "guard.invalid_input"
    )
    assert union["data"]["issues"][0]["code"] == "invalid_union"
    for unknown in ({"organizationId": "nope"}, {"inviterId": "nobody"}, {"organizationRoleIds": ["nope"]}):
        logto_error(
            api.post(INVITATIONS, json={**base, **unknown}), 422, "entity.relation_foreign_key_not_found"
        )

    assert api.post(INVITATIONS, json=base).status_code == 201
    logto_error(api.post(INVITATIONS, json=base), 422, "entity.unique_integrity_violation")

    member = _address()
    user_id = _user(api, member)
    assert api.post(f"/organizations/{org_id}/users", json={"userIds": [user_id]}).status_code == 201
    already = logto_error(
        api.post(INVITATIONS, json={**base, "invitee": member}), 422, "request.invalid_input"
    )
    assert already["details"] == "The invitee is already a member of the organization."
    # none of the refused ones was kept
    assert [i["invitee"] for i in api.get(INVITATIONS, params={"organizationId": org_id}).json()] == [
        base["invitee"]
    ]


def test_an_invitation_expires_on_the_tenant_clock(api: httpx.Client, control: httpx.Client) -> None:
    org_id = _org(api)
    invitee = _address()
    invitation = _invite(api, control, org_id, invitee, expiresAt=_now_ms(control) + 60_000)
    assert control.post("/__harness/clock", json={"advance": 120}).status_code == 200
    try:
        assert api.get(f"{INVITATIONS}/{invitation['id']}").json()["status"] == "Expired"
        user_id = _user(api, invitee)
        body = {"status": "Accepted", "acceptedUserId": user_id}
        refused = logto_error(
            api.put(f"{INVITATIONS}/{invitation['id']}/status", json=body), 422, "request.invalid_input"
        )
        assert refused["details"] == "The status of the invitation cannot be changed anymore."
        again = _invite(api, control, org_id, invitee)  # the expired one no longer blocks a new one
        assert again["status"] == "Pending"
    finally:
        control.post("/__harness/clock", json={"advance": -120})


# --- status -----------------------------------------------------------------------------------------------
def test_accepting_adds_the_member_with_the_roles_and_fires_the_membership_hook(
    api: httpx.Client, control: httpx.Client
) -> None:
    org_id, role = _org(api), _role(api)
    invitee = _address()
    invitation = _invite(api, control, org_id, invitee, organizationRoleIds=[role["id"]])
    user_id = _user(api, invitee.upper())  # the email matches case-insensitively
    status = f"{INVITATIONS}/{invitation['id']}/status"

    accepted = api.put(status, json={"status": "Accepted", "acceptedUserId": user_id})
    assert accepted.status_code == 200, accepted.text
    body = accepted.json()
    assert (body["status"], body["acceptedUserId"], body["organizationRoles"]) == (
        "Accepted", user_id, invitation["organizationRoles"],
    )  # fmt: skip
    assert body["updatedAt"] >= invitation["updatedAt"]
    joined = api.get(f"/users/{user_id}/organizations").json()
    assert [(o["id"], o["organizationRoles"]) for o in joined] == [
        (org_id, [{"id": role["id"], "name": role["name"]}])
    ]
    delivery = wait_delivery(
        control, "Organization.Membership.Updated", "org", lambda b: b.get("organizationId") == org_id
    )
    sent = delivery["request"]["body"]
    assert (sent["matchedRoute"], sent["method"], sent["status"], sent["params"]) == (
        "/organization-invitations/:id/status", "PUT", 200, {"id": invitation["id"]},
    )  # fmt: skip
    assert sent["addedUserIds"] == [user_id]
    assert "removedUserIds" not in sent
    assert "data" not in sent

    ended = logto_error(api.put(status, json={"status": "Revoked"}), 422, "request.invalid_input")
    assert ended["details"] == "The status of the invitation cannot be changed anymore."


def test_accepting_as_a_member_already_fires_without_a_delta(
    api: httpx.Client, control: httpx.Client
) -> None:
    org_id = _org(api)
    invitee = _address()
    invitation = _invite(api, control, org_id, invitee)
    user_id = _user(api, invitee)
    api.post(f"/organizations/{org_id}/users", json={"userIds": [user_id]})
    after = wait_delivery(
        control, "Organization.Membership.Updated", "org", lambda b: b.get("organizationId") == org_id
    )["id"]
    body = {"status": "Accepted", "acceptedUserId": user_id}
    assert api.put(f"{INVITATIONS}/{invitation['id']}/status", json=body).status_code == 200
    sent = wait_delivery(
        control, "Organization.Membership.Updated", "org", lambda b: b.get("organizationId") == org_id, after
    )["request"]["body"]
    assert sent["matchedRoute"] == "/organization-invitations/:id/status"
    assert "addedUserIds" not in sent
    assert "removedUserIds" not in sent


def test_status_refusals_are_logtos(api: httpx.Client, control: httpx.Client) -> None:
    org_id = _org(api)
    invitation = _invite(api, control, org_id, _address())
    status = f"{INVITATIONS}/{invitation['id']}/status"
    missing = logto_error(api.put(status, json={"status": "Accepted"}), 422, "request.invalid_input")
    assert missing["details"] == "The `acceptedUserId` is required when accepting an invitation."
    logto_error(api.put(status, json={"status": "Pending"}), 400, "guard.invalid_input")
    logto_error(
        api.put(status, json={"status": "Accepted", "acceptedUserId": "nobody"}), 404, "entity.not_found"
    )
    logto_error(api.put(f"{INVITATIONS}/nope/status", json={"status": "Revoked"}), 404, "entity.not_found")
    stranger = _user(api, _address())
    other = logto_error(
        api.put(status, json={"status": "Accepted", "acceptedUserId": stranger}), 422, "request.invalid_input"
    )
    assert other["details"] == "The accepted user must have the same email as the invitee."
    assert api.get(f"/users/{stranger}/organizations").json() == []

    revoked = api.put(status, json={"status": "Revoked", "acceptedUserId": stranger})
    assert revoked.status_code == 200
    assert (revoked.json()["status"], revoked.json()["acceptedUserId"]) == ("Revoked", None)
    logto_error(api.put(status, json={"status": "Revoked"}), 422, "request.invalid_input")


def test_invitations_go_with_their_organization_and_their_inviter(
    api: httpx.Client, control: httpx.Client
) -> None:
    org_id = _org(api)
    inviter = _user(api, _address())
    by_inviter = _invite(api, control, _org(api, "Kept"), _address(), inviterId=inviter)
    in_org = _invite(api, control, org_id, _address())
    assert api.delete(f"/users/{inviter}").status_code == 204
    assert api.delete(f"/organizations/{org_id}").status_code == 204
    for gone in (by_inviter, in_org):
        logto_error(api.get(f"{INVITATIONS}/{gone['id']}"), 404, "entity.not_found")


# --- the email --------------------------------------------------------------------------------------------
def _next_message(mailgun: MailgunRunning, to: str, after: str | None = None) -> dict[str, Any]:
    params: dict[str, Any] = {"to": to, "timeout": 10}
    if after:
        params["after"] = after
    response = httpx.get(f"{mailgun.url}/__harness/messages/wait", params=params, timeout=15)
    assert response.status_code == 200, response.text
    message: dict[str, Any] = response.json()
    return message


def test_the_invitation_email_lands_in_the_mailbox_and_is_resent(
    api: httpx.Client, control: httpx.Client, mailgun: MailgunRunning
) -> None:
    org_id = _org(api, "Book Club")
    invitee = _address()
    link = "https://app.example.test/invite/1"
    invitation = _invite(api, control, org_id, invitee, messagePayload={"link": link})
    first = _next_message(mailgun, invitee)
    assert first["subject"] == "You are invited to join Book Club"
    assert link in first["html"]
    assert link in first["text"]

    again = "https://app.example.test/invite/2"
    resent = api.post(f"{INVITATIONS}/{invitation['id']}/message", json={"link": again})
    assert resent.status_code == 204, resent.text
    second = _next_message(mailgun, invitee, first["id"])
    assert again in second["text"]
    events = control.get("/__harness/events", params={"email": invitee}).json()["items"]
    sent = [e["data"] for e in events if e["kind"] == "message_sent"]
    assert [(d["usage_type"], d["delivery_status"]) for d in sent] == [("OrganizationInvitation", 200)] * 2
    logto_error(api.post(f"{INVITATIONS}/nope/message", json={"link": again}), 404, "entity.not_found")
    logto_error(
        api.post(f"{INVITATIONS}/{invitation['id']}/message", json={"link": 1}), 400, "guard.invalid_input"
    )


def test_the_sends_share_the_per_recipient_cap(api: httpx.Client, control: httpx.Client) -> None:
    invitation = _invite(api, control, _org(api), _address())
    message = f"{INVITATIONS}/{invitation['id']}/message"
    answers = [api.post(message, json={"link": "https://x.test"}).status_code for _ in range(11)]
    assert answers == [204] * 10 + [429]  # code_policy.send_cap: 10 per window
    logto_error(api.post(message, json={"link": "https://x.test"}), 429, "request.message_rate_limited")


def test_no_email_connector_refuses_and_keeps_nothing(mailgun: MailgunRunning) -> None:
    config = parse_config(with_admin(tenant_dict(mailgun.url)))
    with serve_in_thread(Settings(port=0), config=config) as running, api_client(running.endpoint) as api:
        for connector in api.get("/connectors").json():
            assert api.delete(f"/connectors/{connector['id']}").status_code == 204
        org_id = _org(api)
        with httpx.Client(base_url=running.endpoint) as control:
            body = {
                "organizationId": org_id,
                "invitee": _address(),
                "expiresAt": _now_ms(control) + LATER,
                "messagePayload": {"link": "https://x.test"},
            }
        logto_error(api.post(INVITATIONS, json=body), 501, "connector.not_found")
        assert api.get(INVITATIONS).json() == []
        assert api.post(INVITATIONS, json={**body, "messagePayload": False}).status_code == 201
