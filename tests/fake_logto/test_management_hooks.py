"""The Management API's ``/api/hooks`` as Logto's ``routes/hook.ts``: the config's hooks listed, created,
read, updated, deleted, their signing key regenerated, a test payload sent, their deliveries read back as
``recent-logs`` and counted in ``executionStats``; a created hook fires at once and a reset restores the
configured hooks. Every refusal with Logto's status and body."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hook_support import ReceiverServer, receiving, signature, wait_delivery
from logto_support import tenant_dict
from management_support import api_client, logto_error, with_admin

from fake_logto import Running, Settings, parse_config, paths, serve_in_thread
from fake_mailgun import Running as MailgunRunning

HOOK_KEYS = ["tenantId", "id", "name", "event", "events", "config", "signingKey", "enabled", "createdAt"]


@pytest.fixture(scope="module")
def receiver() -> Iterator[ReceiverServer]:
    with receiving() as server:
        yield server


@pytest.fixture
def server(mailgun: MailgunRunning, receiver: ReceiverServer) -> Iterator[Running]:
    hooks = [{"id": "seeded", "name": "Seeded", "events": ["PostRegister"], "url": f"{receiver.base}/ok"}]
    config = parse_config(with_admin(tenant_dict(mailgun.url, hooks=hooks)))
    with serve_in_thread(Settings(port=0), config=config) as running:
        yield running


@pytest.fixture
def api(server: Running) -> Iterator[httpx.Client]:
    with api_client(server.endpoint) as client:
        yield client


@pytest.fixture
def control(server: Running) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.endpoint, timeout=20) as client:
        yield client


def _create(api: httpx.Client, **body: Any) -> dict[str, Any]:
    response = api.post("/hooks", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_create_read_update_delete(api: httpx.Client, receiver: ReceiverServer) -> None:
    payload = {
        "name": "hook_name",
        "events": ["PostRegister"],
        "config": {"url": "not_work_url", "headers": {"foo": "bar"}},
    }
    created = _create(api, **payload)
    assert list(created) == HOOK_KEYS
    assert {k: created[k] for k in payload} == payload
    assert (created["tenantId"], created["event"], created["enabled"]) == ("default", None, True)
    assert len(created["id"]) == 21
    assert len(created["signingKey"]) == 32
    listed = api.get("/hooks")
    assert listed.status_code == 200
    assert "Total-Number" not in listed.headers
    assert listed.json()[0] == created  # newest first
    assert [h["id"] for h in listed.json()] == [created["id"], "seeded"]
    assert api.get(f"/hooks/{created['id']}").json() == created

    patched = api.patch(f"/hooks/{created['id']}", json={"events": ["PostSignIn", "PostSignIn"]})
    assert patched.status_code == 200
    assert patched.json() == {**created, "events": ["PostSignIn"]}
    replaced = api.patch(
        f"/hooks/{created['id']}", json={"config": {"url": f"{receiver.base}/ok"}, "enabled": False}
    )
    assert replaced.json()["config"] == {"url": f"{receiver.base}/ok"}  # jsonbMode 'replace': no headers left
    assert replaced.json()["enabled"] is False
    assert api.patch(f"/hooks/{created['id']}", json={}).json() == replaced.json()

    assert api.delete(f"/hooks/{created['id']}").status_code == 204
    logto_error(
        api.get(f"/hooks/{created['id']}"),
        404,
        "entity.not_exists_with_id",
        f"The hooks with ID `{created['id']}` does not exist.",
    )


def test_the_legacy_single_event(api: httpx.Client) -> None:
    created = _create(api, event="PostRegister", config={"url": "not_work_url", "retries": 2})
    assert (created["event"], created["events"], created["name"]) == ("PostRegister", [], "")
    assert created["config"] == {"url": "not_work_url", "retries": 2}
    updated = api.patch(f"/hooks/{created['id']}", json={"event": "PostSignIn"}).json()
    assert updated == {**created, "event": "PostSignIn"}
    assert api.patch(f"/hooks/{created['id']}", json={"event": None}).json()["event"] is None


def test_pagination(api: httpx.Client) -> None:
    _create(api, events=["PostSignIn"], config={"url": "x"})
    page = api.get("/hooks", params={"page": 2, "page_size": 1})
    assert page.headers["Total-Number"] == "2"
    assert [h["id"] for h in page.json()] == ["seeded"]
    logto_error(api.get("/hooks", params={"page_size": 101}), 400, "guard.invalid_pagination")


@pytest.mark.parametrize(
    ("body", "path", "code", "message"),
    [
        ({"name": "", "events": ["PostSignIn"], "config": {"url": "u"}}, "name", "too_small", "String must contain at least 1 character(s)"),
        ({"name": "n" * 257, "events": ["PostSignIn"], "config": {"url": "u"}}, "name", "too_big", "String must contain at most 256 character(s)"),
        ({"events": [], "config": {"url": "u"}}, "events", "too_small", "Array must contain at least 1 element(s)"),
        ({"events": ["User.Nope"], "config": {"url": "u"}}, "events.0", "invalid_enum_value", None),
        ({"events": "PostSignIn", "config": {"url": "u"}}, "events", "invalid_type", "Expected array, received string"),
        ({"event": None, "config": {"url": "u"}}, "event", "invalid_type", None),
        ({"events": ["PostSignIn"]}, "config", "invalid_type", "Required"),
        ({"events": ["PostSignIn"], "config": {}}, "config.url", "invalid_type", "Required"),
        ({"events": ["PostSignIn"], "config": {"url": 1}}, "config.url", "invalid_type", "Expected string, received number"),
        ({"events": ["PostSignIn"], "config": {"url": "u", "headers": {"a": 1}}}, "config.headers.a", "invalid_type", "Expected string, received number"),
        ({"events": ["PostSignIn"], "config": {"url": "u", "retries": 4}}, "config.retries", "too_big", "Number must be less than or equal to 3"),
        ({"events": ["PostSignIn"], "config": {"url": "u"}, "enabled": "yes"}, "enabled", "invalid_type", "Expected boolean, received string"),
    ],
)  # fmt: skip
def test_create_refuses_what_the_guard_refuses(
    api: httpx.Client, body: dict[str, Any], path: str, code: str, message: str | None
) -> None:
    error = logto_error(api.post("/hooks", json=body), 400, "guard.invalid_input")
    (issue,) = error["data"]["issues"]
    expected = [
        int(part) if part.isdigit() else part for part in path.split(".")
    ]  # zod: array indexes are numbers
    assert (issue["path"], issue["code"]) == (expected, code)
    if message is not None:
        assert issue["message"] == message
    if code == "invalid_enum_value":
        assert issue["message"].startswith("Invalid enum value. Expected 'PostRegister' | 'PostSignIn' |")
        assert issue["message"].endswith(", received 'User.Nope'")


def test_refusals_of_the_other_routes(api: httpx.Client, server: Running) -> None:
    logto_error(
        api.post("/hooks", json={"name": "hook_name", "config": {"url": "u"}}),
        400,
        "hook.missing_events",
        "You need to provide at least one event.",
    )
    # The body guard runs before the lookup.
    logto_error(api.patch("/hooks/invalid_id", json={"events": []}), 400, "guard.invalid_input")
    logto_error(
        api.patch("/hooks/invalid_id", json={"name": "n"}),
        404,
        "entity.not_exists",
        "The hook does not exist.",
    )
    logto_error(
        api.patch("/hooks/invalid_id/signing-key"), 404, "entity.not_exists", "The hook does not exist."
    )
    logto_error(api.delete("/hooks/invalid_id"), 404, "entity.not_found")
    logto_error(
        api.post("/hooks/invalid_id/test", json={"events": ["PostSignIn"]}), 400, "guard.invalid_input"
    )
    logto_error(
        api.post("/hooks/invalid_id/test", json={"events": ["PostSignIn"], "config": {"url": "u"}}),
        404,
        "entity.not_exists_with_id",
        "The hooks with ID `invalid_id` does not exist.",
    )
    logto_error(httpx.get(f"{server.endpoint}/api/hooks"), 401, "auth.authorization_header_missing")


def test_a_created_hook_fires_at_once_and_its_logs_and_stats_follow(
    api: httpx.Client, control: httpx.Client, receiver: ReceiverServer
) -> None:
    hook = _create(api, name="sync", events=["User.Created"], config={"url": f"{receiver.base}/ok"})
    failing = _create(api, name="down", events=["User.Created"], config={"url": f"{receiver.base}/fail"})
    user = api.post("/users", json={"username": "fired_at_once"}).json()
    delivery = wait_delivery(control, "User.Created", hook["id"])
    sent = next(r for r in receiver.received if json.loads(r["body"]) == delivery["request"]["body"])
    assert sent["headers"]["logto-signature-sha-256"] == signature(hook["signingKey"], sent["body"])
    wait_delivery(control, "User.Created", failing["id"])

    logs = api.get(f"/hooks/{hook['id']}/recent-logs", params={"logKey": "TriggerHook.User.Created"})
    assert logs.status_code == 200
    assert logs.headers["Total-Number"] == "1"
    (row,) = logs.json()
    assert list(row) == ["id", "key", "payload", "createdAt"]
    assert row["key"] == "TriggerHook.User.Created"
    assert list(row["payload"]) == ["hookId", "hookRequest", "response", "key", "result"]
    assert row["payload"]["hookRequest"]["body"]["data"]["id"] == user["id"]
    assert row["payload"]["response"] == {"statusCode": 200, "body": {"ok": True}}
    assert row["payload"]["result"] == "Success"
    assert (
        api.get(f"/hooks/{hook['id']}/recent-logs", params={"logKey": "TriggerHook.PostSignIn"}).json() == []
    )
    (bad,) = api.get(f"/hooks/{failing['id']}/recent-logs").json()
    assert bad["payload"]["result"] == "Error"
    assert bad["payload"]["error"] == "HTTPError: Request failed with status code 500 Internal Server Error"

    stats = api.get(f"/hooks/{hook['id']}", params={"includeExecutionStats": "false"}).json()
    assert stats["executionStats"] == {"successCount": 1, "requestCount": 1}  # any non-empty value
    listed = {h["id"]: h for h in api.get("/hooks", params={"includeExecutionStats": "true"}).json()}
    assert listed[failing["id"]]["executionStats"] == {"successCount": 0, "requestCount": 1}
    assert "executionStats" not in api.get("/hooks", params={"includeExecutionStats": "no"}).json()[0]

    # Time windows: explicit bounds replace the 24 h default.
    at = row["createdAt"]
    assert (
        len(api.get(f"/hooks/{hook['id']}/recent-logs", params={"start_time": at, "end_time": at}).json())
        == 1
    )
    assert api.get(f"/hooks/{hook['id']}/recent-logs", params={"end_time": at - 1}).json() == []
    logto_error(
        api.get(f"/hooks/{hook['id']}/recent-logs", params={"start_time": 2, "end_time": 1}),
        400,
        "log.invalid_time_window",
        "`end_time` must be after `start_time`.",
    )
    logto_error(
        api.get(f"/hooks/{hook['id']}/recent-logs", params={"start_time": "soon"}),
        400,
        "guard.invalid_input",
        "The request start_time is invalid.",
    )


def test_regenerated_signing_key_signs_the_next_delivery(
    api: httpx.Client, control: httpx.Client, receiver: ReceiverServer
) -> None:
    hook = _create(api, events=["User.Created"], config={"url": f"{receiver.base}/ok"})
    regenerated = api.patch(f"/hooks/{hook['id']}/signing-key")
    assert regenerated.status_code == 200
    key = regenerated.json()["signingKey"]
    assert key != hook["signingKey"]
    assert len(key) == 32
    api.post("/users", json={"username": "new_key_user"})
    delivery = wait_delivery(control, "User.Created", hook["id"])
    sent = next(r for r in receiver.received if json.loads(r["body"]) == delivery["request"]["body"])
    assert sent["headers"]["logto-signature-sha-256"] == signature(key, sent["body"])


def test_test_payloads(api: httpx.Client, receiver: ReceiverServer) -> None:
    hook = _create(api, events=["PostRegister"], config={"url": "not_work_url"})
    url = f"{receiver.base}/ok?test={hook['id']}"
    answer = api.post(
        f"/hooks/{hook['id']}/test",
        json={"events": ["PostSignIn", "User.Created"], "config": {"url": url, "headers": {"X-Test": "1"}}},
    )
    assert answer.status_code == 204
    sent = {json.loads(r["body"])["event"]: r for r in receiver.received if r["path"].endswith(hook["id"])}
    interaction = json.loads(sent["PostSignIn"]["body"])
    assert list(interaction)[:4] == ["event", "hookId", "createdAt", "userAgent"]
    assert interaction["user"]["username"] == "fake-user"
    assert interaction["userIp"] == "fake-user-ip"
    assert sent["PostSignIn"]["headers"]["x-test"] == "1"
    assert sent["PostSignIn"]["headers"]["logto-signature-sha-256"] == signature(
        hook["signingKey"], sent["PostSignIn"]["body"]
    )
    data = json.loads(sent["User.Created"]["body"])
    assert data["path"] == "/fake-path/:id"
    assert data["data"] == {"result": "success"}
    assert api.get(f"/hooks/{hook['id']}/recent-logs").json() == []  # test sends are not logged

    failed = logto_error(
        api.post(
            f"/hooks/{hook['id']}/test",
            json={"events": ["PostSignIn"], "config": {"url": f"{receiver.base}/fail"}},
        ),
        422,
        "hook.endpoint_responded_with_error",
        "Endpoint responded with error.",
    )
    assert failed["data"] == {"responseStatus": 500, "responseBody": '{"error":"down"}'}
    logto_error(
        api.post(
            f"/hooks/{hook['id']}/test", json={"events": ["PostSignIn"], "config": {"url": "not_work_url"}}
        ),
        422,
        "hook.send_test_payload_failed",
        "Failed to send test payload: TypeError: Failed to parse URL from not_work_url",
    )


def test_reset_restores_the_configured_hooks(api: httpx.Client, control: httpx.Client) -> None:
    created = _create(api, events=["PostSignIn"], config={"url": "u"})
    assert api.delete("/hooks/seeded").status_code == 204
    assert [h["id"] for h in api.get("/hooks").json()] == [created["id"]]
    assert control.post(paths.RESET).status_code == 200
    assert [h["id"] for h in api.get("/hooks").json()] == ["seeded"]


def test_a_non_json_number_is_refused_not_a_crash(api: httpx.Client) -> None:
    body = b'{"events": ["PostSignIn"], "config": {"url": "u", "retries": NaN}, "createdAt": Infinity}'
    response = api.post("/hooks", content=body, headers={"content-type": "application/json"})
    logto_error(response, 400, "guard.invalid_input")
    huge = b'{"events": ["PostSignIn"], "config": {"url": "u"}, "createdAt": 1e400}'
    response = api.post("/hooks", content=huge, headers={"content-type": "application/json"})
    logto_error(response, 400, "guard.invalid_input")


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"url": "http://exa mple.com/"}, "TypeError: Failed to parse URL from http://exa mple.com/"),
        ({"url": "http://[::1"}, "TypeError: Failed to parse URL from http://[::1"),
        ({"url": "http://127.0.0.1:9/", "headers": {"x": "\u3042"}}, "TypeError: fetch failed"),
        ({"url": "http://127.0.0.1:9/", "headers": {"bad name": "v"}}, "TypeError: fetch failed"),
    ],
)
def test_a_request_that_cannot_be_sent_is_a_422_not_a_crash(
    api: httpx.Client, control: httpx.Client, config: dict[str, Any], message: str
) -> None:
    hook = _create(api, events=["User.Created"], config=config)
    logto_error(
        api.post(f"/hooks/{hook['id']}/test", json={"events": ["PostSignIn"], "config": config}),
        422,
        "hook.send_test_payload_failed",
        f"Failed to send test payload: {message}",
    )
    api.post("/users", json={"username": f"unsent_{len(message)}_{len(config)}"})
    delivery = wait_delivery(control, "User.Created", hook["id"])
    assert (delivery["result"], delivery["response"], delivery["error"]) == ("Error", None, message)
