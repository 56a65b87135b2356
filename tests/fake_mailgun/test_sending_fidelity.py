"""The sending side as Mailgun has it (issue 19, points 1, 2, 6, 8, 11), through the official clients.

User variables as strings in events, webhooks and the MIME; a batch as one message; test mode's 650;
tag limits; stored messages read back and resent; the rate-limit texts; Mailgun's 404 for unknown routes.
"""

from __future__ import annotations

import email
import email.policy
import json
from typing import Any

import httpx
import pytest
from sending_clients import DOMAIN, SENDER, mailgunjs, new_address, receiver, sdk

from fake_mailgun import Running, Settings, serve_in_thread


def events_for(mailgun: Running, message_id: str) -> list[dict[str, Any]]:
    """The message's events, oldest first, through the Python SDK."""
    with sdk(mailgun) as client:
        response = client.events.get(domain=DOMAIN, filters={"message-id": message_id, "ascending": "yes"})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def send(mailgun: Running, data: dict[str, Any]) -> str:
    with sdk(mailgun) as client:
        response = client.messages.create(domain=DOMAIN, data=data)
    assert response.status_code == 200, response.text
    assert response.json()["message"] == "Queued. Thank you."
    message_id: str = response.json()["id"][1:-1]
    return message_id


# --- 1. user variables ------------------------------------------------------------------------------
def test_user_variables_are_strings_in_events_webhooks_and_the_mime(control: httpx.Client) -> None:
    with receiver() as hook, serve_in_thread(Settings(port=0, smtp_port=-1, webhooks=(hook.url,))) as mg:
        to = new_address()
        message_id = send(
            mg,
            {
                "from": SENDER,
                "to": to,
                "subject": "s",
                "text": "t",
                "v:order": "123",
                "v:paid": "true",
                "h:X-Mailgun-Variables": json.dumps({"cart": 7}),
            },
        )
        expected = {"order": "123", "paid": "true", "cart": 7}
        assert [e["user-variables"] for e in events_for(mg, message_id)] == [expected, expected]
        assert [e["user-variables"] for e in hook.events(2)] == [expected, expected]
        raw = httpx.get(f"{mg.url}/__harness/messages/latest/raw", params={"to": to}).content
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert parsed.get_all("X-Mailgun-Variables") == [json.dumps(expected)]


def test_recipient_variables_fill_user_variables_per_recipient(mailgun: Running) -> None:
    ann, bob = new_address("ann"), new_address("bob")
    message_id = send(
        mailgun,
        {
            "from": SENDER,
            "to": [ann, bob],
            "subject": "s",
            "text": "t",
            "v:recipient-id": "%recipient.id%",
            "recipient-variables": json.dumps({ann: {"id": 123}, bob: {"id": "b-2"}}),
        },
    )
    found = {(e["recipient"], e["user-variables"]["recipient-id"]) for e in events_for(mailgun, message_id)}
    assert found == {(ann, "123"), (bob, "b-2")}


# --- 2. batches -------------------------------------------------------------------------------------
def test_a_batch_is_one_message_whose_events_list_every_recipient(
    mailgun: Running, control: httpx.Client
) -> None:
    ann, bob = new_address("ann"), new_address("bob")
    message_id = send(
        mailgun,
        {
            "from": SENDER,
            "to": [f"Ann <{ann}>", bob, ann.upper()],
            "subject": "Hi %recipient.first%",
            "text": "Dear %recipient%, id %recipient.id%, %recipient.missing%",
            "h:X-Account": "%recipient.id%",
            "recipient-variables": json.dumps(
                {ann: {"first": "Ann", "id": 1}, bob: {"first": "Bob", "id": 2}}
            ),
        },
    )
    events = events_for(mailgun, message_id)
    assert sorted((e["event"], e["recipient"]) for e in events) == sorted(
        [("accepted", ann), ("delivered", ann), ("accepted", bob), ("delivered", bob)]
    )  # the upper-cased repeat of ann is the same recipient: ignored
    assert {e["message"]["headers"]["message-id"] for e in events} == {message_id}
    assert all(e["message"]["recipients"] == [ann, bob] for e in events)
    for address, spec, first, number in ((ann, f"Ann <{ann}>", "Ann", "1"), (bob, bob, "Bob", "2")):
        copy = control.get("/__harness/messages/latest", params={"to": address}).json()
        assert copy["message_id"] == message_id
        assert copy["to"] == [address]
        assert copy["subject"] == f"Hi {first}"
        assert copy["text"] == f"Dear {spec}, id {number}, %recipient.missing%"
        assert copy["headers"]["X-Account"] == number


def test_duplicate_addresses_in_to_cc_and_bcc_are_one_recipient(
    mailgun: Running, control: httpx.Client
) -> None:
    to, other = new_address(), new_address()
    message_id = send(
        mailgun,
        {"from": SENDER, "to": f"{to}, {to}", "cc": [to, other], "bcc": other, "subject": "s", "text": "t"},
    )
    assert sorted(
        e["recipient"] for e in events_for(mailgun, message_id) if e["event"] == "delivered"
    ) == sorted([to, other])
    assert control.get("/__harness/messages/latest", params={"to": to}).json()["recipients"] == [to, other]


# --- 6. test mode and tags --------------------------------------------------------------------------
def test_test_mode_deliveries_carry_code_650(mailgun: Running) -> None:
    message_id = send(
        mailgun, {"from": SENDER, "to": new_address(), "subject": "s", "text": "t", "o:testmode": "YES"}
    )
    delivered = [e for e in events_for(mailgun, message_id) if e["event"] == "delivered"]
    assert [(e["delivery-status"]["code"], e["flags"]["is-test-mode"]) for e in delivered] == [(650, True)]


def test_tags_are_trimmed_unique_case_insensitively_cut_to_128_and_at_most_10(mailgun: Running) -> None:
    tags = [" welcome ", "WELCOME", "x" * 200, *(f"t{i}" for i in range(12)), ""]
    message_id = send(
        mailgun, {"from": SENDER, "to": new_address(), "subject": "s", "text": "t", "o:tag": tags}
    )
    kept = ["welcome", "x" * 128, *(f"t{i}" for i in range(8))]
    assert [e["tags"] for e in events_for(mailgun, message_id)] == [kept, kept]


# --- 8. stored messages -----------------------------------------------------------------------------
def test_stored_messages_are_read_back_and_resent(mailgun: Running, control: httpx.Client) -> None:
    to, again = new_address(), new_address("again")
    message_id = send(
        mailgun, {"from": SENDER, "to": to, "subject": "Receipt", "text": "Thanks", "o:tag": "receipt"}
    )
    storage = events_for(mailgun, message_id)[0]["storage"]
    assert storage["url"] == f"{mailgun.url}/v3/domains/{DOMAIN}/messages/{storage['key']}"

    stored = mailgunjs(
        mailgun, f"return await mg.messages.retrieveStoredEmail(domain, {json.dumps(storage['key'])});"
    )
    assert (stored["subject"], stored["body-plain"], stored["recipients"], stored["Message-Id"]) == (
        "Receipt",
        "Thanks",
        to,
        f"<{message_id}>",
    )
    assert ["X-Mailgun-Tag", "receipt"] in stored["message-headers"]
    raw = httpx.get(storage["url"], auth=("api", "key-harness"), headers={"Accept": "message/rfc2822"}).json()
    assert set(raw) == {"recipients", "sender", "from", "subject", "body-mime"}
    assert f"Message-Id: <{message_id}>" in raw["body-mime"]

    with sdk(mailgun) as client:  # the Python SDK POSTs to the absolute storage.url
        resent = client.resend_message.create(data={"to": again}, domain=DOMAIN, storage_url=storage["url"])
    assert resent.status_code == 200, resent.text
    copy = control.get("/__harness/messages/wait", params={"to": again, "timeout": 5}).json()
    assert (copy["subject"], copy["message_id"]) == ("Receipt", resent.json()["id"][1:-1])
    assert copy["message_id"] != message_id


def test_an_unknown_storage_key_is_not_found(mailgun: Running) -> None:
    answer = mailgunjs(mailgun, "return await mg.messages.retrieveStoredEmail(domain, 'no-such-key==');")
    assert answer == {"thrown": {"status": 404, "message": "Not Found", "details": "Message not found"}}
    missing = httpx.post(
        f"{mailgun.url}/v3/domains/{DOMAIN}/messages/no-such-key",
        auth=("api", "key-harness"),
        data={"to": new_address()},
    )
    assert (missing.status_code, missing.json()) == (404, {"message": "Message not found"})


def test_a_resend_without_recipients_is_refused(mailgun: Running) -> None:
    message_id = send(mailgun, {"from": SENDER, "to": new_address(), "subject": "s", "text": "t"})
    url = events_for(mailgun, message_id)[0]["storage"]["url"]
    refused = httpx.post(url, auth=("api", "key-harness"), data={"subject": "no to"})
    assert (refused.status_code, refused.json()) == (400, {"message": "'to' parameter is missing"})


# --- 11. error texts --------------------------------------------------------------------------------
@pytest.mark.usefixtures("clean_faults")
@pytest.mark.parametrize(
    ("fault", "status", "why"),
    [
        ({"status": 420}, 420, "recipient"),
        ({"status": 429}, 429, "request"),
        ({"status": 429, "limit": "bytes"}, 429, "bytes"),
        ({"status": 420, "limit": "request"}, 420, "request"),
    ],
)
def test_rate_limits_answer_mailguns_texts(
    mailgun: Running, control: httpx.Client, fault: dict[str, Any], status: int, why: str
) -> None:
    assert control.post("/__harness/faults", json={"target": "api", "count": 1, **fault}).status_code == 201
    with sdk(mailgun) as client:
        response = client.messages.create(
            domain=DOMAIN, data={"from": SENDER, "to": new_address(), "text": "t"}
        )
    assert response.status_code == status
    text = response.json()["message"]
    assert text.startswith(f"Domain {DOMAIN} is not allowed to send: {why} limit exceeded, try again after ")
    assert text.endswith(" UTC")  # Mailgun's own spelling (api-sending.rst), not HTTP's GMT
    assert response.headers["Retry-After"] == "0"


def test_a_limit_on_a_fault_that_is_no_rate_limit_is_refused(control: httpx.Client) -> None:
    refused = control.post("/__harness/faults", json={"target": "api", "status": 500, "limit": "bytes"})
    assert refused.status_code == 400
    assert refused.json() == {
        "error": "invalid_fault",
        "message": "limit applies to an api fault with status 420 or 429",
    }


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v3/nowhere"),
        ("POST", f"/v3/{DOMAIN}/messages/extra"),
        ("DELETE", f"/v3/{DOMAIN}/messages"),
        ("GET", "/v9/domains"),
    ],
)
def test_unknown_routes_answer_mailguns_404(mailgun: Running, method: str, path: str) -> None:
    answer = httpx.request(method, mailgun.url + path, auth=("api", "key-harness"))
    assert (answer.status_code, answer.text) == (404, "404 page not found\n")
    assert answer.headers["content-type"] == "text/plain; charset=utf-8"


def test_mailgunjs_sees_mailguns_404_for_an_unknown_route(mailgun: Running) -> None:
    answer = mailgunjs(mailgun, "return await mg.tags.limits();")  # /v1/analytics/tags/limits: not served
    assert answer == {"thrown": {"status": 404, "message": "Not Found", "details": "404 page not found\n"}}


def test_unknown_control_routes_keep_the_control_shape(control: httpx.Client) -> None:
    answer = control.get("/__harness/nowhere")
    assert answer.status_code == 404
    assert answer.json()["error"] == "not_found"


# --- 12. the Python SDK and plain HTTP --------------------------------------------------------------
def test_the_python_sdk_refuses_plain_http_to_other_hosts_as_the_docs_say() -> None:
    from mailgun import Client

    with pytest.raises(ValueError, match=r"Cleartext HTTP transmission is prohibited \(CWE-319\)"):
        Client(auth=("api", "key-harness"), api_url="http://fake-mailgun:5080")
    for host in ("127.0.0.1", "localhost"):
        Client(auth=("api", "key-harness"), api_url=f"http://{host}:5080").close()
