"""The mailbox control API under /__harness/: list, get, latest, wait, clear, faults, OpenAPI."""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import smtplib
import statistics
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage

import httpx
import pytest

from fake_mailgun import DEFAULT_API_KEY, DEFAULT_DOMAIN, Running

SEND = f"/v3/{DEFAULT_DOMAIN}/messages"


def _send(api: httpx.Client, to: str, subject: str, text: str = "hello") -> str:
    response = api.post(SEND, data={"from": "a@example.test", "to": to, "subject": subject, "text": text})
    assert response.status_code == 200, response.text
    message_id: str = response.json()["id"]
    return message_id


def test_list_is_newest_first_with_total_and_limit(
    api: httpx.Client, control: httpx.Client, address: str
) -> None:
    for n in range(3):
        _send(api, address, f"message {n}")
    body = control.get("/__harness/messages", params={"to": address, "limit": 2}).json()
    assert body["total"] == 3
    assert [m["subject"] for m in body["items"]] == ["message 2", "message 1"]
    required = {"id", "from", "to", "cc", "subject", "text", "html", "headers", "source", "received_at"}
    assert required | {"codes", "code", "links", "template", "variables", "tags"} <= set(body["items"][0])


def test_get_by_id_and_latest(api: httpx.Client, control: httpx.Client, address: str) -> None:
    mailgun_id = _send(api, address, "first")
    _send(api, address, "second")
    latest = control.get("/__harness/messages/latest", params={"to": address}).json()
    assert latest["subject"] == "second"
    first = control.get("/__harness/messages", params={"to": address}).json()["items"][1]
    assert first["message_id"] == mailgun_id.strip("<>")
    assert control.get(f"/__harness/messages/{first['id']}").json()["subject"] == "first"
    missing = control.get("/__harness/messages/999999999")
    assert missing.status_code == 404
    assert missing.json()["error"] == "not_found"
    assert control.get("/__harness/messages/latest", params={"to": "nobody@example.test"}).status_code == 404


def test_wait_returns_existing_message_without_after(
    api: httpx.Client, control: httpx.Client, address: str
) -> None:
    _send(api, address, "already here 123456")
    got = control.get("/__harness/messages/wait", params={"to": address, "timeout": 1})
    assert got.status_code == 200
    assert got.json()["code"] == "123456"


def test_wait_with_after_returns_only_newer(api: httpx.Client, control: httpx.Client, address: str) -> None:
    _send(api, address, "old code 111111")
    old = control.get("/__harness/messages/latest", params={"to": address}).json()
    timed_out = control.get(
        "/__harness/messages/wait", params={"to": address, "after": old["id"], "timeout": 0.2}
    )
    assert timed_out.status_code == 408
    assert timed_out.json()["error"] == "timeout"
    _send(api, address, "new code 222222")
    newer = control.get("/__harness/messages/wait", params={"to": address, "after": old["id"], "timeout": 5})
    assert newer.json()["code"] == "222222"


def test_wait_timeout_is_408_json(control: httpx.Client, address: str) -> None:
    started = time.monotonic()
    response = control.get("/__harness/messages/wait", params={"to": address, "timeout": 0.3})
    assert response.status_code == 408
    assert response.json() == {"error": "timeout", "message": f"no message to {address} arrived within 0.3 s"}
    assert time.monotonic() - started >= 0.3


def test_wait_rejects_bad_arguments(control: httpx.Client, address: str) -> None:
    assert control.get("/__harness/messages/wait", params={"to": address, "after": "x"}).status_code == 400
    assert control.get("/__harness/messages/wait", params={"to": address, "timeout": -1}).status_code == 400


def test_wait_wakes_within_50ms_of_arrival(mailgun: Running, api: httpx.Client) -> None:
    """A waiter blocked server-side is woken by the store, not by a polling interval."""
    delays = []
    for _ in range(5):
        address = f"wake-{uuid.uuid4().hex[:10]}@example.test"
        woke: list[float] = []
        registered = threading.Event()

        def waiter(
            to: str = address, woke: list[float] = woke, registered: threading.Event = registered
        ) -> None:
            with httpx.Client(base_url=mailgun.url, timeout=10) as client:
                registered.set()
                response = client.get("/__harness/messages/wait", params={"to": to, "timeout": 5})
                woke.append(time.perf_counter())
                assert response.status_code == 200

        thread = threading.Thread(target=waiter)
        thread.start()
        registered.wait(5)
        _send(api, address, "wake up")
        arrived = time.perf_counter()
        thread.join(10)
        assert woke, "the waiter never returned"
        delays.append(woke[0] - arrived)
    assert statistics.median(delays) < 0.05, f"wake-up delays (s): {delays}"


def test_concurrent_api_and_smtp_sends_are_stored_exactly_once(
    mailgun: Running, control: httpx.Client
) -> None:
    batch = f"batch-{uuid.uuid4().hex[:10]}@example.test"
    per_intake = 500

    async def api_sends() -> list[int]:
        limits = httpx.Limits(max_connections=50)
        async with httpx.AsyncClient(
            base_url=mailgun.url, auth=("api", DEFAULT_API_KEY), limits=limits, timeout=60
        ) as client:

            async def one(n: int) -> int:
                data = {"from": "a@example.test", "to": batch, "subject": f"api {n}", "text": "x"}
                return (await client.post(SEND, data=data)).status_code

            return await asyncio.gather(*(one(n) for n in range(per_intake)))

    def smtp_sends(chunk: range) -> None:
        with smtplib.SMTP("127.0.0.1", mailgun.smtp_port or 0, timeout=60) as smtp:
            for n in chunk:
                msg = EmailMessage()
                msg["From"] = "b@example.test"
                msg["To"] = batch
                msg["Subject"] = f"smtp {n}"
                msg.set_content("y")
                smtp.send_message(msg)

    with ThreadPoolExecutor(max_workers=20) as pool:
        smtp_done = [pool.submit(smtp_sends, range(i, per_intake, 20)) for i in range(20)]
        statuses = asyncio.run(api_sends())
        for future in smtp_done:
            future.result()

    assert statuses == [200] * per_intake
    body = control.get("/__harness/messages", params={"to": batch, "limit": 10_000}).json()
    subjects = sorted(m["subject"] for m in body["items"])
    expected = sorted([f"api {n}" for n in range(per_intake)] + [f"smtp {n}" for n in range(per_intake)])
    assert body["total"] == 2 * per_intake
    assert subjects == expected
    assert len({m["id"] for m in body["items"]}) == 2 * per_intake


def test_delete_empties_the_mailbox_and_ids_stay_ordered(
    mailgun: Running, api: httpx.Client, address: str
) -> None:
    # A private fake, so clearing cannot disturb tests sharing the session's mailbox.
    from fake_mailgun import serve_in_thread

    with serve_in_thread() as private, httpx.Client(base_url=private.url, timeout=10) as client:
        data = {"from": "a@example.test", "to": address, "subject": "one", "text": "x"}
        client.post(SEND, data=data, auth=("api", DEFAULT_API_KEY)).raise_for_status()
        before = client.get("/__harness/messages/latest", params={"to": address}).json()
        assert client.delete("/__harness/messages").json() == {"deleted": 1}
        assert client.get("/__harness/messages").json() == {"items": [], "total": 0}
        client.post(SEND, data={**data, "subject": "two"}, auth=("api", DEFAULT_API_KEY)).raise_for_status()
        after = client.get(
            "/__harness/messages/wait", params={"to": address, "after": before["id"], "timeout": 2}
        ).json()
        assert after["subject"] == "two"


@pytest.mark.usefixtures("clean_faults")
def test_fault_rules_are_listed_validated_and_cleared(control: httpx.Client) -> None:
    created = control.post("/__harness/faults", json={"status": 503, "count": 2})
    assert created.status_code == 201
    assert created.json()["remaining"] == 2
    assert [f["status"] for f in control.get("/__harness/faults").json()["items"]] == [503]
    bad = control.post("/__harness/faults", json={"target": "api", "status": 200})
    assert bad.status_code == 400
    assert "400-599" in bad.json()["message"]
    assert control.post("/__harness/faults", json={"target": "api"}).status_code == 400
    control.delete("/__harness/faults")
    assert control.get("/__harness/faults").json() == {"items": []}


@pytest.mark.usefixtures("clean_faults")
def test_latency_fault_delays_the_send(api: httpx.Client, control: httpx.Client, address: str) -> None:
    control.post("/__harness/faults", json={"latency_ms": 300, "count": 1}).raise_for_status()
    started = time.monotonic()
    _send(api, address, "slow")
    assert time.monotonic() - started >= 0.3
    started = time.monotonic()
    _send(api, address, "fast")
    assert time.monotonic() - started < 0.3


@pytest.mark.usefixtures("clean_faults")
def test_rate_fault_fails_a_seeded_fraction(api: httpx.Client, control: httpx.Client, address: str) -> None:
    control.post("/__harness/faults", json={"status": 500, "rate": 0.5, "seed": 7}).raise_for_status()
    statuses = [
        api.post(
            SEND, data={"from": "a@example.test", "to": address, "subject": "s", "text": "t"}
        ).status_code
        for _ in range(40)
    ]
    assert set(statuses) == {200, 500}
    assert 8 <= statuses.count(500) <= 32
    stored = control.get("/__harness/messages", params={"to": address}).json()["total"]
    assert stored == statuses.count(200), "failed sends store nothing, accepted ones are all kept"


def test_openapi_documents_the_control_api(control: httpx.Client) -> None:
    paths = control.get("/openapi.json").json()["paths"]
    for path in (
        "/__harness/messages",
        "/__harness/messages/wait",
        "/__harness/messages/{message_id}",
        "/__harness/faults",
    ):
        assert path in paths
    wait = paths["/__harness/messages/wait"]["get"]
    assert {p["name"] for p in wait["parameters"]} == {"to", "after", "timeout"}


def test_non_ascii_api_key_is_forbidden_not_a_crash(mailgun: Running) -> None:
    with httpx.Client(base_url=mailgun.url, auth=("api", "clé-fausse"), timeout=10) as client:
        response = client.get("/v3/domains")
    assert (response.status_code, response.text) == (401, "Forbidden")


def test_display_names_with_commas_and_non_ascii_keep_the_recipient_list(
    api: httpx.Client, control: httpx.Client
) -> None:
    """A quoted name holding a comma stays one recipient — in the record and in the raw MIME, which
    any mail parser reads back as the same list; non-ASCII names are encoded, never a crash."""
    tag = uuid.uuid4().hex[:8]
    doe, ann, zoe = (f"{who}-{tag}@example.test" for who in ("doe", "ann", "zoe"))
    response = api.post(
        SEND,
        data={
            "from": '"Shop, Inc" <shop@example.test>',
            "to": f'"Doe, John" <{doe}>, Ann <{ann}>',
            "cc": f'"Ré, Zoé" <{zoe}>',
            "subject": "names",
            "text": "hello",
        },
    )
    assert response.status_code == 200, response.text
    message = control.get("/__harness/messages/latest", params={"to": doe}).json()
    assert message["to"] == [doe, ann]
    assert message["cc"] == [zoe]
    assert message["headers"]["To"] == f'"Doe, John" <{doe}>, Ann <{ann}>'
    assert message["headers"]["From"] == '"Shop, Inc" <shop@example.test>'
    assert message["envelope_from"] == "shop@example.test"
    raw = control.get(f"/__harness/messages/{message['id']}/raw").content
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert [a.addr_spec for a in parsed["To"].addresses] == [doe, ann]
    assert [(a.display_name, a.addr_spec) for a in parsed["From"].addresses] == [
        ("Shop, Inc", "shop@example.test")
    ]
    assert [(a.display_name, a.addr_spec) for a in parsed["Cc"].addresses] == [("Ré, Zoé", zoe)]


def test_an_internationalized_address_is_stored_and_written_as_utf8(
    api: httpx.Client, control: httpx.Client
) -> None:
    to = f"zoé-{uuid.uuid4().hex[:8]}@example.test"
    response = api.post(
        SEND, data={"from": "shop@example.test", "to": f"Zoé <{to}>", "subject": "eai", "text": "x"}
    )
    assert response.status_code == 200, response.text
    message = control.get("/__harness/messages/latest", params={"to": to}).json()
    assert message["to"] == [to]
    raw = control.get(f"/__harness/messages/{message['id']}/raw").content
    assert f"To: Zoé <{to}>\r\n".encode() in raw


def test_recipient_variables_split_a_list_with_quoted_names(api: httpx.Client, control: httpx.Client) -> None:
    tag = uuid.uuid4().hex[:8]
    doe, ann = f"doe-{tag}@example.test", f"ann-{tag}@example.test"
    response = api.post(
        SEND,
        data={
            "from": "shop@example.test",
            "to": f'"Doe, John" <{doe}>, Ann <{ann}>',
            "subject": "Hi %recipient.first%",
            "text": "hello",
            "recipient-variables": json.dumps({doe: {"first": "John"}, ann: {"first": "Ann"}}),
        },
    )
    assert response.status_code == 200, response.text
    for address, header, first in ((doe, f'"Doe, John" <{doe}>', "John"), (ann, f"Ann <{ann}>", "Ann")):
        message = control.get("/__harness/messages/latest", params={"to": address}).json()
        assert message["to"] == [address]
        assert message["headers"]["To"] == header
        assert message["subject"] == f"Hi {first}"
