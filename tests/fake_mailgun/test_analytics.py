"""What apps read after sending, through the official Python SDK: the logs API (``analytics_logs``,
``POST /v1/analytics/logs``), ``stats/total``, tags and tag stats; and the v4 webhooks API (raw HTTP: the
SDK has no call for it). Runs on a fake of its own so counts are exact."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from mailgun import Client
from mailgun.config import RetryPolicy

from fake_mailgun import DEFAULT_API_KEY, DEFAULT_DOMAIN, Running, Settings, serve_in_thread

D = DEFAULT_DOMAIN
JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def own() -> Iterator[Running]:
    with serve_in_thread(Settings(port=0, smtp_port=-1)) as running:
        yield running


@pytest.fixture(scope="module")
def sdk(own: Running) -> Iterator[Client]:
    with Client(auth=("api", DEFAULT_API_KEY), api_url=own.url, retry_policy=RetryPolicy(max_retries=0)) as c:
        for i, tag in enumerate(["welcome", "welcome", "receipt"]):
            data = {
                "from": f"shop@{D}",
                "to": f"a{i}@example.test",
                "subject": "Hi",
                "text": "t",
                "o:tag": tag,
            }
            assert c.messages.create(data=data, domain=D).status_code == 200
        c.bounces.create(data={"address": "a9@example.test"}, domain=D)
        data = {
            "from": f"shop@{D}",
            "to": "a9@example.test",
            "subject": "Hi",
            "text": "t",
            "o:tag": "receipt",
        }
        assert c.messages.create(data=data, domain=D).status_code == 200
        yield c


@pytest.fixture
def raw(own: Running) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=own.url, auth=("api", DEFAULT_API_KEY), timeout=30) as client:
        yield client


def logs(sdk: Client, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    response = sdk.analytics_logs.create(data=json.dumps(body), headers=JSON)
    payload: dict[str, Any] = response.json()
    return response.status_code, payload


def test_logs_list_filter_and_page(sdk: Client) -> None:
    status, body = logs(sdk, {"events": ["failed"], "include_totals": True})
    assert status == 200
    (item,) = body["items"]
    assert (item["event"], item["reason"], item["recipient"]) == (
        "failed",
        "suppress-bounce",
        "a9@example.test",
    )
    assert item["domain"] == {"name": D}
    assert item["@timestamp"].endswith("Z")
    assert json.loads(item["user-variables"]) == {}
    assert body["pagination"] == {"total": 1}
    assert body["aggregates"]["all"] == 1
    assert body["start"].endswith("-0000")
    assert body["end"].endswith("-0000")

    welcome = {
        "AND": [{"attribute": "tags", "comparator": "=", "values": [{"label": "w", "value": "welcome"}]}]
    }
    first = logs(sdk, {"filter": welcome, "pagination": {"limit": 3, "sort": "timestamp:asc"}})[1]
    assert [i["event"] for i in first["items"]] == ["accepted", "delivered", "accepted"]
    second = logs(sdk, {"filter": welcome, "pagination": {"limit": 3, "token": first["pagination"]["next"]}})[
        1
    ]
    assert [i["event"] for i in second["items"]] == ["delivered"]
    assert "next" not in second["pagination"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"start": "last week"}, "Invalid format for parameter start: last week"),
        ({"filter": {"OR": []}}, "Invalid filter: the filter must have an AND list"),
        (
            {
                "filter": {
                    "AND": [
                        {"attribute": "colour", "comparator": "=", "values": [{"label": "r", "value": "r"}]}
                    ]
                }
            },
            "Invalid filter: unknown attribute colour",
        ),
        ({"pagination": {"limit": 0}}, "Invalid limit: must be between 1 and 1000"),
        ({"pagination": {"token": "%%%"}}, "Invalid pagination token"),
        ({"duration": "1y"}, "Invalid format for parameter duration: 1y"),
    ],
)
def test_logs_refusals(sdk: Client, body: dict[str, Any], message: str) -> None:
    assert logs(sdk, body) == (400, {"message": message})


# The SDK warns that Mailgun deprecates the v3 stats for its v1 metrics; apps still read them.
@pytest.mark.filterwarnings("ignore:DEPRECATED API CALL:DeprecationWarning")
def test_stats_total_counts_the_events(sdk: Client) -> None:
    response = sdk.stats_total.get(
        domain=D, filters={"event": ["accepted", "delivered", "failed"], "duration": "1d"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["resolution"] == "day"
    totals = {e: sum(b[e]["total"] for b in body["stats"]) for e in ("accepted", "delivered")}
    assert totals == {"accepted": 4, "delivered": 3}
    assert sum(b["failed"]["permanent"]["suppress-bounce"] for b in body["stats"]) == 1
    missing = sdk.stats_total.get(domain=D)
    assert (missing.status_code, missing.json()) == (400, {"message": "'event' parameter is missing"})
    wrong = sdk.stats_total.get(domain=D, filters={"event": "sent"})
    assert (wrong.status_code, wrong.json()) == (400, {"message": "Invalid event: sent"})


def test_tags_list_get_update_stats_delete(sdk: Client) -> None:
    listed = sdk.tags.get(domain=D).json()
    assert [t["tag"] for t in listed["items"]] == ["receipt", "welcome"]
    assert set(listed["paging"]) == {"first", "last", "next", "previous"}
    assert sdk.tags.put(domain=D, tag_name="welcome", data={"description": "Sign-up mail"}).json() == {
        "message": "Tag updated"
    }
    tag = sdk.tags.get(domain=D, tag_name="welcome").json()
    assert (tag["tag"], tag["description"]) == ("welcome", "Sign-up mail")
    stats = sdk.tags_stats.get(
        domain=D, tag_name="welcome", filters={"event": "accepted", "duration": "1d"}
    ).json()
    assert stats["tag"] == "welcome"
    assert sum(b["accepted"]["total"] for b in stats["stats"]) == 2
    assert sdk.tags.delete(domain=D, tag_name="receipt").json() == {"message": "Tag deleted"}
    gone = sdk.tags.get(domain=D, tag_name="receipt")
    assert (gone.status_code, gone.json()) == (404, {"message": "tag not found"})


def test_webhooks_v4(raw: httpx.Client) -> None:
    path = f"/v4/domains/{D}/webhooks"
    url = "https://app.example.test/mailgun"
    created = raw.post(path, data={"url": url, "event_types": ["delivered", "opened"]})
    assert created.status_code == 200
    assert created.json()["webhooks"] == {"delivered": {"urls": [url]}, "opened": {"urls": [url]}}
    assert raw.get(f"/v3/domains/{D}/webhooks/opened").json() == {"webhook": {"urls": [url]}}
    updated = raw.put(path, data={"url": url, "event_types": ["clicked"]})
    assert updated.json()["webhooks"] == {"clicked": {"urls": [url]}}
    deleted = raw.delete(path, params={"url": url})
    assert (deleted.status_code, deleted.json()) == (200, {"webhooks": {}})
    for data, message in [
        ({"event_types": "opened"}, "url: Missing mandatory parameter"),
        ({"url": url}, "event_types: Missing mandatory parameter"),
        ({"url": url, "event_types": "bounced"}, "Invalid webhook name: bounced"),
    ]:
        refused = raw.post(path, data=data)
        assert (refused.status_code, refused.json()) == (400, {"message": message})
    assert raw.delete(path).json() == {"message": "url: Missing mandatory parameter"}
