"""SMTP mail as a Mailgun send (issue 19, point 9): the ``X-Mailgun-*`` headers honoured, and the same
events and signed webhooks as an API send (``method: SMTP``). Each test runs its own server with SMTP.
"""

from __future__ import annotations

import json
import smtplib
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import httpx
import pytest
from sending_clients import DOMAIN, Receiver, new_address, receiver, sdk

from fake_mailgun import Running, Settings, serve_in_thread


@pytest.fixture
def hook() -> Iterator[Receiver]:
    with receiver() as hook:
        yield hook


@pytest.fixture
def mg(hook: Receiver) -> Iterator[Running]:
    with serve_in_thread(Settings(port=0, smtp_port=0, webhooks=(hook.url,))) as running:
        yield running


def smtp_send(mg: Running, to: list[str], headers: dict[str, str | list[str]], *, login: str | None) -> None:
    message = EmailMessage()
    message["From"] = f"Shop <no-reply@{DOMAIN}>"
    message["To"] = ", ".join(to)
    message["Subject"] = "Hello %recipient.first%"
    for name, value in headers.items():
        for item in [value] if isinstance(value, str) else value:
            message[name] = item
    message.set_content("Your order %recipient.order% ships today.")
    assert mg.smtp_port is not None
    with smtplib.SMTP(mg.host, mg.smtp_port) as smtp:
        if login:
            smtp.login(login, "smtp-password")
        smtp.send_message(message, from_addr="bounce@elsewhere.test")


def events(mg: Running, recipient: str) -> list[dict[str, Any]]:
    with sdk(mg) as client:
        answer = client.events.get(domain=DOMAIN, filters={"recipient": recipient, "ascending": "yes"})
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


def test_smtp_headers_become_tags_variables_and_test_mode_with_events_and_webhooks(
    mg: Running, hook: Receiver
) -> None:
    to = new_address()
    headers = {
        "X-Mailgun-Tag": ["welcome", "WELCOME", "smtp"],
        "X-Mailgun-Variables": [json.dumps({"user": 42}), json.dumps({"flow": "sign-up"})],
        "X-Mailgun-Drop-Message": "yes",
        "X-Mailgun-Track": "no",
    }
    smtp_send(mg, [to], headers, login=f"postmaster@{DOMAIN}")
    accepted, delivered = events(mg, to)
    assert (accepted["event"], delivered["event"], accepted["method"]) == ("accepted", "delivered", "SMTP")
    assert accepted["tags"] == ["welcome", "smtp"]
    assert accepted["user-variables"] == {"user": 42, "flow": "sign-up"}
    assert (delivered["flags"]["is-test-mode"], delivered["delivery-status"]["code"]) == (True, 650)
    assert accepted["storage"]["url"].startswith(f"{mg.url}/v3/domains/{DOMAIN}/messages/")
    posted = hook.events(2)
    assert [e["event"] for e in posted] == ["accepted", "delivered"]
    assert posted[1]["delivery-status"]["code"] == 650
    message = httpx.get(f"{mg.url}/__harness/messages/latest", params={"to": to}).json()
    assert message["options"] == {"testmode": True, "tracking": False}
    assert message["domain"] == DOMAIN


def test_smtp_recipient_variables_make_a_batch(mg: Running) -> None:
    ann, bob = new_address("ann"), new_address("bob")
    batch = {ann: {"first": "Ann", "order": "A-1"}, bob: {"first": "Bob", "order": "B-2"}}
    smtp_send(
        mg, [ann, bob], {"X-Mailgun-Recipient-Variables": json.dumps(batch)}, login=f"postmaster@{DOMAIN}"
    )
    for address, first, order in ((ann, "Ann", "A-1"), (bob, "Bob", "B-2")):
        copy = httpx.get(f"{mg.url}/__harness/messages/wait", params={"to": address, "timeout": 5}).json()
        assert copy["subject"] == f"Hello {first}"
        assert copy["text"].strip() == f"Your order {order} ships today."
        assert copy["recipients"] == [address]
    assert {e["message"]["headers"]["message-id"] for e in events(mg, ann) + events(mg, bob)} == {
        copy["message_id"]
    }


def test_smtp_deliver_by_schedules_and_a_bad_one_is_refused(mg: Running) -> None:
    to = new_address()
    due = int(httpx.get(f"{mg.url}/__harness/clock").json()["now"]) + 600
    smtp_send(mg, [to], {"X-Mailgun-Deliver-By": str(due)}, login=f"postmaster@{DOMAIN}")
    assert [e["event"] for e in events(mg, to)] == ["accepted"]
    httpx.post(f"{mg.url}/__harness/clock", json={"advance": 600})
    assert [e["event"] for e in events(mg, to)] == ["accepted", "delivered"]
    with pytest.raises(smtplib.SMTPDataError) as refused:
        smtp_send(mg, [new_address()], {"X-Mailgun-Deliver-By": "someday"}, login=f"postmaster@{DOMAIN}")
    assert (refused.value.smtp_code, refused.value.smtp_error) == (550, b"invalid delivery time format")


def test_smtp_mail_for_no_sending_domain_only_reaches_the_mailbox(mg: Running) -> None:
    to = new_address()
    smtp_send(mg, [to], {"X-Mailgun-Tag": "ignored"}, login="someone@elsewhere.test")
    message = httpx.get(f"{mg.url}/__harness/messages/wait", params={"to": to, "timeout": 5}).json()
    assert (message["domain"], message["tags"]) == (None, [])
    assert events(mg, to) == []
