"""Suppressions through the official Python ``mailgun`` SDK: the four lists' shapes, paging and refusals
(``api-suppressions.rst``), and what they do to later sends — accepted, then ``failed`` with
``suppress-bounce`` / ``suppress-unsubscribe`` / ``suppress-complaint`` (``api-events.rst``).

The lists are per domain and the server is shared by the session, so each test works with addresses of
its own and lists with ``term=<its prefix>``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from mailgun import Client
from mailgun.config import RetryPolicy

from fake_mailgun import DEFAULT_API_KEY, DEFAULT_DOMAIN, Running

D = DEFAULT_DOMAIN
SENDER = f"Shop <shop@{D}>"


@pytest.fixture
def sdk(mailgun: Running) -> Iterator[Client]:
    with Client(
        auth=("api", DEFAULT_API_KEY), api_url=mailgun.url, retry_policy=RetryPolicy(max_retries=0)
    ) as c:
        yield c


def prefix() -> str:
    return f"s{uuid.uuid4().hex[:10]}"


def send(sdk: Client, to: str, **extra: str) -> str:
    data = {"from": SENDER, "to": to, "subject": "Your receipt", "text": "Thanks", **extra}
    response = sdk.messages.create(data=data, domain=D)
    assert response.status_code == 200, response.text
    message_id: str = response.json()["id"].strip("<>")
    return message_id


def events_of(sdk: Client, message_id: str) -> list[dict[str, Any]]:
    response = sdk.events.get(domain=D, filters={"message-id": message_id, "ascending": "yes"})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def test_bounces_add_get_list_delete(sdk: Client) -> None:
    p = prefix()
    added = sdk.bounces.create(
        data={"address": f"{p}-a@example.test", "code": "552", "error": "Full"}, domain=D
    )
    assert added.status_code == 200
    assert added.json() == {
        "message": "Address has been added to the bounces table",
        "address": f"{p}-a@example.test",
    }
    one = sdk.bounces.get(domain=D, bounce_address=f"{p}-a@example.test")
    assert one.status_code == 200
    body = one.json()
    assert {k: body[k] for k in ("address", "code", "error")} == {
        "address": f"{p}-a@example.test",
        "code": "552",
        "error": "Full",
    }
    assert body["created_at"].endswith(" GMT")
    defaults = sdk.bounces.create(data={"address": f"{p}-b@example.test"}, domain=D)
    assert defaults.status_code == 200
    assert sdk.bounces.get(domain=D, bounce_address=f"{p}-b@example.test").json()["code"] == "550"

    removed = sdk.bounces.delete(domain=D, bounce_address=f"{p}-a@example.test")
    assert (removed.status_code, removed.json()) == (200, {"message": "Bounced address has been removed"})
    gone = sdk.bounces.get(domain=D, bounce_address=f"{p}-a@example.test")
    assert (gone.status_code, gone.json()) == (404, {"message": "Address not found in bounces table"})


def test_bulk_add_as_a_json_list_and_paging(sdk: Client) -> None:
    p = prefix()
    records = [{"address": f"{p}-{i}@example.test", "code": "550", "error": "Bounced"} for i in range(5)]
    added = sdk.bounces.create(data=records, domain=D, headers={"Content-Type": "application/json"})
    assert (added.status_code, added.json()) == (
        200,
        {"message": "5 addresses have been added to the bounces table"},
    )

    first = sdk.bounces.get(domain=D, filters={"term": p, "limit": 2}).json()
    assert [b["address"] for b in first["items"]] == [f"{p}-0@example.test", f"{p}-1@example.test"]
    query = parse_qs(urlparse(first["paging"]["next"]).query)
    assert query["page"] == ["next"]
    assert query["address"] == [f"{p}-1@example.test"]
    second = sdk.bounces.get(domain=D, filters={k: v[0] for k, v in query.items()}).json()
    assert [b["address"] for b in second["items"]] == [f"{p}-2@example.test", f"{p}-3@example.test"]
    last = sdk.bounces.get(domain=D, filters={"term": p, "limit": 2, "page": "last"}).json()
    assert [b["address"] for b in last["items"]] == [f"{p}-3@example.test", f"{p}-4@example.test"]
    streamed = list(sdk.bounces.stream(filters={"term": p, "limit": 2}, domain=D))
    assert [b["address"] for b in streamed] == [r["address"] for r in records]


def test_unsubscribes_with_tags_and_complaints_and_whitelists(sdk: Client) -> None:
    p = prefix()
    one = sdk.unsubscribes.create(data={"address": f"{p}@example.test", "tag": "newsletter"}, domain=D)
    assert one.json() == {
        "message": "Address has been added to the unsubscribes table",
        "address": f"{p}@example.test",
    }
    record = sdk.unsubscribes.get(domain=D, unsubscribe_address=f"{p}@example.test").json()
    assert record["tags"] == ["newsletter"]
    assert record["address"] == f"{p}@example.test"
    many = [{"address": f"{p}-x@example.test", "tags": ["*"]}, {"address": f"{p}-y@example.test"}]
    added = sdk.unsubscribes.create(data=many, domain=D, headers={"Content-Type": "application/json"})
    assert added.json() == {"message": "2 addresses have been added to the unsubscribes table"}
    assert sdk.unsubscribes.get(domain=D, unsubscribe_address=f"{p}-y@example.test").json()["tags"] == ["*"]

    complaint = sdk.complaints.create(data={"address": f"{p}-c@example.test"}, domain=D)
    assert complaint.json() == {
        "message": "Address has been added to the complaints table",
        "address": f"{p}-c@example.test",
    }
    assert set(sdk.complaints.get(domain=D, complaint_address=f"{p}-c@example.test").json()) == {
        "address",
        "created_at",
    }
    missing = sdk.complaints.get(domain=D, complaint_address=f"{p}-none@example.test")
    assert (missing.status_code, missing.json()) == (
        404,
        {"message": "No spam complaints found for this address"},
    )

    white = sdk.whitelists.create(data={"address": f"{p}-w@example.test", "reason": "qa"}, domain=D)
    assert white.json() == {
        "message": "Address/Domain has been added to the whitelists table",
        "type": "address",
        "value": f"{p}-w@example.test",
    }
    record = sdk.whitelists.get(domain=D, whitelist_address=f"{p}-w@example.test").json()
    assert {k: record[k] for k in ("value", "reason", "type")} == {
        "value": f"{p}-w@example.test",
        "reason": "qa",
        "type": "address",
    }
    removed = sdk.whitelists.delete(domain=D, whitelist_address=f"{p}-w@example.test")
    assert removed.json() == {
        "message": "Whitelist address/domain has been removed",
        "value": f"{p}-w@example.test",
    }


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        ("bounces", {}, "address: Missing mandatory parameter"),
        ("bounces", {"address": "not-an-address"}, "Invalid format for parameter address: not-an-address"),
        ("bounces", {"address": "a@example.test", "code": "abc"}, "Invalid format for parameter code: abc"),
        (
            "complaints",
            {"address": "a@example.test", "created_at": "yesterday"},
            "Invalid format for parameter created_at: yesterday",
        ),
        ("whitelists", {}, "Either 'address' or 'domain' parameter must be provided"),
    ],
)
def test_refusals(sdk: Client, kind: str, data: dict[str, str], message: str) -> None:
    response = getattr(sdk, kind).create(data=data, domain=D)
    assert (response.status_code, response.json()) == (400, {"message": message})


def test_refused_paging_and_json(api: httpx.Client) -> None:
    response = api.get(f"/v3/{D}/bounces", params={"limit": "1001"})
    assert (response.status_code, response.json()) == (400, {"message": "limit: must be between 1 and 1000"})
    response = api.post(
        f"/v3/{D}/bounces", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert (response.status_code, response.json()) == (
        400,
        {"message": "Invalid json: the body is not valid JSON"},
    )
    response = api.get(f"/v3/{D}/unsubscribes/nobody@example.test")
    assert (response.status_code, response.json()) == (
        404,
        {"message": "Address not found in unsubscribers table"},
    )
    response = api.get("/v3/unknown.example/bounces")
    assert (response.status_code, response.json()) == (404, {"message": "Domain not found: unknown.example"})


@pytest.mark.parametrize(
    ("kind", "data", "reason", "code", "description"),
    [
        ("bounces", {}, "suppress-bounce", 605, "Not delivering to previously bounced address"),
        ("unsubscribes", {}, "suppress-unsubscribe", 606, "Not delivering to unsubscribed address"),
        (
            "complaints",
            {},
            "suppress-complaint",
            607,
            "Not delivering to a user who marked your messages as spam",
        ),
    ],
)
def test_a_send_to_a_suppressed_address_is_accepted_then_fails(
    sdk: Client,
    control: httpx.Client,
    address: str,
    kind: str,
    data: dict[str, str],
    reason: str,
    code: int,
    description: str,
) -> None:
    assert getattr(sdk, kind).create(data={"address": address, **data}, domain=D).status_code == 200
    message_id = send(sdk, address)
    accepted, failed = events_of(sdk, message_id)
    assert accepted["event"] == "accepted"
    assert {k: failed[k] for k in ("event", "severity", "reason", "log-level", "recipient")} == {
        "event": "failed",
        "severity": "permanent",
        "reason": reason,
        "log-level": "error",
        "recipient": address,
    }
    assert failed["delivery-status"]["code"] == code
    assert failed["delivery-status"]["description"] == description
    assert control.get("/__harness/messages", params={"to": address}).json()["items"][0]["status"] == "failed"


def test_tag_unsubscribe_suppresses_only_that_tag(sdk: Client, address: str) -> None:
    sdk.unsubscribes.create(data={"address": address, "tag": "newsletter"}, domain=D)
    newsletter = events_of(sdk, send(sdk, address, **{"o:tag": "newsletter"}))
    assert newsletter[-1]["reason"] == "suppress-unsubscribe"
    receipt = events_of(sdk, send(sdk, address, **{"o:tag": "receipt"}))
    assert receipt[-1]["event"] == "delivered"
    assert sdk.unsubscribes.delete(domain=D, unsubscribe_address=address).json() == {
        "message": "Unsubscribe event has been removed"
    }
    assert events_of(sdk, send(sdk, address, **{"o:tag": "newsletter"}))[-1]["event"] == "delivered"


def test_a_permanent_failure_adds_a_bounce_unless_whitelisted(
    sdk: Client, control: httpx.Client, address: str, clean_faults: None
) -> None:
    control.post("/__harness/faults", json={"target": "delivery", "status": 550, "count": 1})
    send(sdk, address)
    bounce = sdk.bounces.get(domain=D, bounce_address=address)
    assert bounce.status_code == 200
    assert bounce.json()["code"] == "550"
    assert events_of(sdk, send(sdk, address))[-1]["reason"] == "suppress-bounce"

    spared = f"qa-{uuid.uuid4().hex[:8]}@whitelisted-{uuid.uuid4().hex[:6]}.test"
    sdk.whitelists.create(data={"domain": spared.rpartition("@")[2]}, domain=D)
    control.post("/__harness/faults", json={"target": "delivery", "status": 550, "count": 1})
    send(sdk, spared)
    assert sdk.bounces.get(domain=D, bounce_address=spared).status_code == 404
