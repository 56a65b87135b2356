"""Compatibility: the official, unmodified Python ``mailgun`` SDK (1.10.0) against fake_mailgun over a socket.

Every test drives ``mailgun.Client`` at the running fake (the session ``mailgun`` fixture), then reads what
the fake captured back through the control API (``/__harness/...``). Expected answers are Mailgun's, as
written in ``reference/mailgun.md``. The SDK retries 429/5xx by default, so clients that must see an error
are built with ``RetryPolicy(max_retries=0)``.
"""

from __future__ import annotations

import email
import email.policy
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import pytest
from mailgun import Client
from mailgun.config import RetryPolicy

from fake_mailgun import DEFAULT_API_KEY, DEFAULT_DOMAIN, Running

DOMAIN = DEFAULT_DOMAIN
SENDER = f"Logto <no-reply@{DOMAIN}>"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) + b"IEND\xaeB`\x82"


def new_address(label: str = "user") -> str:
    return f"{label}-{uuid.uuid4().hex[:12]}@example.test"


@contextmanager
def sdk(mailgun: Running, *, retries: bool = False, key: str = DEFAULT_API_KEY) -> Iterator[Client]:
    """The official client pointed at the fake; without ``retries`` a 429/5xx comes back at once."""
    policy = None if retries else RetryPolicy(max_retries=0)
    with Client(auth=("api", key), api_url=mailgun.url, timeout=(5.0, 30.0), retry_policy=policy) as client:
        yield client


def captured(control: httpx.Client, to: str) -> list[dict[str, Any]]:
    """Every message the fake stored for ``to`` (newest first)."""
    response = control.get("/__harness/messages", params={"to": to})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == len(body["items"])
    items: list[dict[str, Any]] = body["items"]
    return items


def only_message(control: httpx.Client, to: str) -> dict[str, Any]:
    """The one message stored for ``to`` (fails if there are none or several)."""
    items = captured(control, to)
    assert len(items) == 1, [m["subject"] for m in items]
    return items[0]


def waited(control: httpx.Client, to: str) -> dict[str, Any]:
    response = control.get("/__harness/messages/wait", params={"to": to, "timeout": 5})
    assert response.status_code == 200, response.text
    message: dict[str, Any] = response.json()
    return message


def queued_id(response: Any) -> str:
    """Mailgun's 200 answer to a send; returns the message id without its angle brackets."""
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["message"] == "Queued. Thank you."
    assert body["id"].startswith("<"), body
    assert body["id"].endswith(f"@{DOMAIN}>"), body
    message_id: str = body["id"][1:-1]
    return message_id


# --- 1. plain send ----------------------------------------------------------------------------------
def test_plain_send_is_captured_exactly(mailgun: Running, control: httpx.Client, address: str) -> None:
    second, cc, bcc, bcc2 = new_address("second"), new_address("cc"), new_address("bcc"), new_address("bcc")
    text = "Your verification code is 482913.\nIt expires in 10 minutes."
    html = "<p>Your verification code is <b>482913</b>.</p>\n<p>It expires soon.</p>"
    with sdk(mailgun) as client:
        response = client.messages.create(
            domain=DOMAIN,
            data={
                "from": SENDER,
                "to": [f"Ann Example <{address}>", second],
                "cc": cc,
                "bcc": f"{bcc}, Hidden <{bcc2}>",  # one field, comma-separated
                "subject": "Sign in to Example",
                "text": text,
                "html": html,
                "h:Reply-To": f"Support <support@{DOMAIN}>",
                "v:user-id": "u-42",
                "v:flow": "sign-in",
                "o:tag": ["sign-in", "verification"],
                "o:testmode": "yes",
            },
        )
    message_id = queued_id(response)

    message = only_message(control, address)
    assert message["message_id"] == message_id
    assert message["source"] == "api"
    assert message["domain"] == DOMAIN
    assert message["status"] == "delivered"
    assert message["from"] == SENDER
    assert message["envelope_from"] == f"no-reply@{DOMAIN}"
    assert message["subject"] == "Sign in to Example"
    assert message["to"] == [address, second]
    assert message["cc"] == [cc]
    assert message["bcc"] == [bcc, bcc2]
    assert message["recipients"] == [address, second, cc, bcc, bcc2]
    assert message["headers"]["To"] == f"Ann Example <{address}>, {second}"
    assert message["headers"]["Cc"] == cc
    assert "Bcc" not in message["headers"]
    assert message["headers"]["Reply-To"] == f"Support <support@{DOMAIN}>"
    assert message["variables"] == {"user-id": "u-42", "flow": "sign-in"}
    assert message["tags"] == ["sign-in", "verification"]
    assert message["options"]["testmode"] is True
    assert message["text"] == text
    assert message["html"] == html
    assert message["code"] == "482913"
    assert message["codes"] == ["482913"]
    assert message["template"] is None
    assert message["attachments"] == []

    # The raw MIME (what Mailgun would deliver) says the same; bcc never shows in it.
    raw = control.get(f"/__harness/messages/{message['id']}/raw")
    assert raw.status_code == 200
    assert raw.headers["content-type"].startswith("message/rfc822")
    mime = email.message_from_bytes(raw.content, policy=email.policy.default)
    assert isinstance(mime, EmailMessage)
    assert mime["Message-Id"] == f"<{message_id}>"
    assert mime["From"] == SENDER
    assert mime["Reply-To"] == f"Support <support@{DOMAIN}>"
    assert mime["Cc"] == cc
    assert mime["Bcc"] is None
    assert bcc.encode() not in raw.content
    plain, rich = mime.get_body(("plain",)), mime.get_body(("html",))
    assert plain is not None
    assert rich is not None
    assert plain.get_content().replace("\r\n", "\n").rstrip("\n") == text
    assert rich.get_content().replace("\r\n", "\n").rstrip("\n") == html

    # The one send reached every recipient as the same single message (cc and bcc included).
    for other in (second, cc, bcc, bcc2):
        assert only_message(control, other)["id"] == message["id"]
    latest = control.get("/__harness/messages/latest", params={"to": bcc})
    assert latest.status_code == 200
    assert latest.json()["message_id"] == message_id


# --- 2. attachments and inline images ---------------------------------------------------------------
def test_attachments_and_inline_files_are_captured(
    mailgun: Running, control: httpx.Client, address: str
) -> None:
    report = b"line one\nline two\n"
    blob = bytes(range(256)) * 4
    with sdk(mailgun) as client:
        response = client.messages.create(
            domain=DOMAIN,
            data={
                "from": SENDER,
                "to": address,
                "subject": "Files",
                "text": "see attached",
                "html": '<p>logo: <img src="cid:logo.png"></p>',
            },
            files=[
                ("attachment", ("report.txt", report)),
                ("attachment", ("blob.bin", blob, "application/octet-stream")),
                ("inline", ("logo.png", PNG, "image/png")),
            ],
        )
    queued_id(response)

    message = only_message(control, address)
    assert message["text"] == "see attached"
    assert message["html"] == '<p>logo: <img src="cid:logo.png"></p>'
    attachments = message["attachments"]
    assert [(a["filename"], a["size"], a["disposition"]) for a in attachments] == [
        ("report.txt", len(report), "attachment"),
        ("blob.bin", len(blob), "attachment"),
        ("logo.png", len(PNG), "inline"),
    ]
    assert attachments[0]["content_type"] == "text/plain"  # no part Content-Type: guessed from the name
    assert attachments[1]["content_type"] == "application/octet-stream"
    assert attachments[2]["content_type"] == "image/png"
    assert attachments[2]["content_id"] == "logo.png"
    assert attachments[0]["content_id"] is None

    for index, content in enumerate((report, blob, PNG)):
        url = attachments[index]["url"]
        assert url == f"/__harness/messages/{message['id']}/attachments/{index}"
        download = control.get(url)
        assert download.status_code == 200
        assert download.content == content
        assert download.headers["content-type"].split(";")[0] == attachments[index]["content_type"]
        assert f'filename="{attachments[index]["filename"]}"' in download.headers["content-disposition"]
    assert control.get(f"/__harness/messages/{message['id']}/attachments/3").status_code == 404


# --- 3. templates -----------------------------------------------------------------------------------
TEMPLATE_V1 = (
    "<h1>Hello {{name}}</h1>"
    "<p>Your code is {{code}}</p>"
    "{{#if signin}}<p>Sign in</p>{{else if register}}<p>Register</p>{{else}}<p>Verify</p>{{/if}}"
    "<ul>{{#each items}}<li>{{this}}</li>{{/each}}</ul>"
)
TEMPLATE_V2 = "<div>v2 for {{name}}: {{code}}{{#if register}} (new){{else if signin}} (back){{/if}}</div>"


def _rendered_v1(name: str, code: str, branch: str, items: list[str]) -> str:
    lis = "".join(f"<li>{i}</li>" for i in items)
    return f"<h1>Hello {name}</h1><p>Your code is {code}</p><p>{branch}</p><ul>{lis}</ul>"


def create_template(client: Client, name: str) -> None:
    """``name`` with TEMPLATE_V1 as its active version ``v1`` and TEMPLATE_V2 as inactive ``v2``."""
    response = client.templates.create(
        domain=DOMAIN,
        data={
            "name": name,
            "description": "sign-in code",
            "template": TEMPLATE_V1,
            "tag": "v1",
            "engine": "handlebars",
            "comment": "first",
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["message"] == "template has been stored"
    assert body["template"]["name"] == name
    assert body["template"]["description"] == "sign-in code"
    assert body["template"]["version"]["tag"] == "v1"
    assert body["template"]["version"]["template"] == TEMPLATE_V1

    response = client.templates.create(
        domain=DOMAIN,
        template_name=name,
        versions=True,
        data={"tag": "v2", "template": TEMPLATE_V2, "comment": "2nd"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["message"] == "new version of the template has been stored"
    assert response.json()["template"]["version"]["tag"] == "v2"


def test_template_create_version_and_fetch(mailgun: Running) -> None:
    name = f"signin-{uuid.uuid4().hex[:8]}"
    with sdk(mailgun) as client:
        create_template(client, name)

        active = client.templates.get(domain=DOMAIN, template_name=name, filters={"active": "yes"})
        assert active.status_code == 200
        template = active.json()["template"]
        assert template["name"] == name
        assert template["description"] == "sign-in code"
        assert template["version"]["tag"] == "v1"  # adding v2 without active=yes left v1 active
        assert template["version"]["active"] is True
        assert template["version"]["engine"] == "handlebars"
        assert template["version"]["comment"] == "first"
        assert template["version"]["template"] == TEMPLATE_V1

        v2 = client.templates.get(domain=DOMAIN, template_name=name, versions=True, tag="v2")
        assert v2.status_code == 200
        assert v2.json()["template"]["version"]["template"] == TEMPLATE_V2
        assert v2.json()["template"]["version"]["active"] is False

        versions = client.templates.get(domain=DOMAIN, template_name=name, versions=True)
        assert versions.status_code == 200
        tags = {v["tag"]: v["active"] for v in versions.json()["template"]["versions"]}
        assert tags == {"v1": True, "v2": False}

        listed = client.templates.get(domain=DOMAIN, filters={"limit": 100})
        assert listed.status_code == 200
        assert name in [t["name"] for t in listed.json()["items"]]
        paging = listed.json()["paging"]
        assert set(paging) == {"first", "last", "next", "previous"}
        assert all(url.startswith(f"{mailgun.url}/v3/{DOMAIN}/templates") for url in paging.values()), paging

        missing = client.templates.get(domain=DOMAIN, template_name=f"{name}-missing")
        assert missing.status_code == 404
        assert missing.json() == {"message": "template not found"}


def test_template_send_renders_with_logto_style_variables(
    mailgun: Running, control: httpx.Client, address: str
) -> None:
    """Logto's connector sends ``template`` + ``h:X-Mailgun-Variables`` (JSON with ``code``)."""
    name = f"logto-{uuid.uuid4().hex[:8]}"
    variables = {"name": "Ann", "code": "734521", "signin": True, "items": ["a", "b"]}
    with sdk(mailgun) as client:
        create_template(client, name)
        response = client.messages.create(
            domain=DOMAIN,
            data={
                "from": SENDER,
                "to": address,
                "subject": "Your sign-in code",
                "template": name,
                "h:X-Mailgun-Variables": json.dumps(variables),
            },
        )
    queued_id(response)

    message = only_message(control, address)
    assert message["html"] == _rendered_v1("Ann", "734521", "Sign in", ["a", "b"])
    assert message["template"] == {"name": name, "version": "v1", "variables": variables}
    assert message["variables"] == variables  # X-Mailgun-Variables are user variables too
    assert message["code"] == "734521"
    assert message["subject"] == "Your sign-in code"


def test_template_send_with_t_variables_and_t_text(
    mailgun: Running, control: httpx.Client, address: str
) -> None:
    name = f"tvars-{uuid.uuid4().hex[:8]}"
    variables = {"name": "Bo", "code": "905118", "register": True, "items": ["x", "y", "z"]}
    with sdk(mailgun) as client:
        create_template(client, name)
        response = client.messages.create(
            domain=DOMAIN,
            data={
                "from": SENDER,
                "to": address,
                "subject": "Welcome",
                "template": name,
                "t:variables": json.dumps(variables),
                "t:text": "yes",
            },
        )
    queued_id(response)

    message = only_message(control, address)
    assert message["html"] == _rendered_v1("Bo", "905118", "Register", ["x", "y", "z"])
    assert message["template"] == {"name": name, "version": "v1", "variables": variables}
    assert message["variables"] == {}  # t:variables feed the template only, not user-variables
    lines = [line.strip() for line in message["text"].splitlines() if line.strip()]
    assert lines == ["Hello Bo", "Your code is 905118", "Register", "x", "y", "z"]
    assert message["code"] == "905118"


def test_template_send_picks_the_non_active_version(
    mailgun: Running, control: httpx.Client, address: str
) -> None:
    name = f"tver-{uuid.uuid4().hex[:8]}"
    with sdk(mailgun) as client:
        create_template(client, name)
        response = client.messages.create(
            domain=DOMAIN,
            data={
                "from": SENDER,
                "to": address,
                "subject": "Version two",
                "template": name,
                "t:version": "v2",
                "t:variables": json.dumps({"name": "Cy", "code": "220466", "signin": True}),
            },
        )
    queued_id(response)

    message = only_message(control, address)
    assert message["html"] == "<div>v2 for Cy: 220466 (back)</div>"
    assert message["template"]["version"] == "v2"
    assert message["text"] == ""  # no t:text: html only
    assert message["code"] == "220466"


# --- 4. MIME ----------------------------------------------------------------------------------------
def test_mime_send_is_captured(mailgun: Running, control: httpx.Client, address: str) -> None:
    other = new_address("mime")
    mime = EmailMessage()
    mime["From"] = SENDER
    mime["To"] = f"Dee <{address}>"
    mime["Subject"] = "MIME sign-in"
    mime.set_content("Your code is 661203\n")
    mime.add_alternative("<p>Your code is <b>661203</b></p>\n", subtype="html")
    with sdk(mailgun) as client:
        response = client.mimemessage.create(
            domain=DOMAIN,
            data={"to": [address, other], "o:tag": "mime", "v:kind": "raw"},
            files={"message": mime.as_bytes()},
        )
    message_id = queued_id(response)

    message = only_message(control, address)
    assert message["message_id"] == message_id
    assert message["subject"] == "MIME sign-in"
    assert message["from"] == SENDER
    assert message["to"] == [address]  # the header
    assert message["recipients"] == [address, other]  # the envelope: `to` of the request
    assert message["bcc"] == [other]
    assert message["text"] == "Your code is 661203\n"
    assert message["html"] == "<p>Your code is <b>661203</b></p>\n"
    assert message["tags"] == ["mime"]
    assert message["variables"] == {"kind": "raw"}
    assert message["code"] == "661203"
    assert only_message(control, other)["id"] == message["id"]


# --- 5. ping, domains, events -----------------------------------------------------------------------
def test_ping_and_domains(mailgun: Running) -> None:
    with sdk(mailgun) as client:
        assert client.ping() is True

        one = client.domains.get(domain=DOMAIN)
        assert one.status_code == 200
        assert one.json()["domain"]["name"] == DOMAIN
        assert one.json()["domain"]["state"] == "active"

        listed = client.domains.get()
        assert listed.status_code == 200
        names = [d["name"] for d in listed.json()["items"]]
        assert DOMAIN in names
        assert listed.json()["total_count"] == len(names)

        v4 = client.domainlist.get()
        assert v4.status_code == 200
        assert [d["name"] for d in v4.json()["items"]] == names

        unknown = client.domains.get(domain="nowhere.example.test")
        assert unknown.status_code == 404
        assert unknown.json() == {"message": "Domain not found: nowhere.example.test"}

    with sdk(mailgun, key="key-wrong") as client:
        assert client.ping() is False


def test_events_for_a_send(mailgun: Running, api: httpx.Client, address: str) -> None:
    with sdk(mailgun) as client:
        message_id = queued_id(
            client.messages.create(
                domain=DOMAIN,
                data={
                    "from": SENDER,
                    "to": f"Eve <{address}>",
                    "subject": "Events",
                    "text": "code 100200",
                    "o:tag": ["events", "otp"],
                    "v:attempt": "first",
                },
            )
        )
        response = client.events.get(domain=DOMAIN, filters={"recipient": address, "ascending": "yes"})
        assert response.status_code == 200, response.text
        body = response.json()

        delivered_only = client.events.get(
            domain=DOMAIN, filters={"recipient": address, "event": "delivered"}
        )
        assert [e["event"] for e in delivered_only.json()["items"]] == ["delivered"]

    items = body["items"]
    assert [e["event"] for e in items] == ["accepted", "delivered"]
    for event in items:
        assert isinstance(event["id"], str)
        assert event["id"]
        assert isinstance(event["timestamp"], float)
        assert event["recipient"] == address
        assert event["envelope"]["sender"] == f"no-reply@{DOMAIN}"
        assert event["envelope"]["targets"] == address
        assert event["message"]["headers"]["message-id"] == message_id
        assert event["message"]["headers"]["to"] == f"Eve <{address}>"  # the To header as written
        assert event["message"]["headers"]["from"] == SENDER
        assert event["message"]["headers"]["subject"] == "Events"
        assert event["tags"] == ["events", "otp"]
        assert event["user-variables"] == {"attempt": "first"}
        assert event["flags"]["is-test-mode"] is False
    assert items[0]["id"] != items[1]["id"]
    assert items[0]["timestamp"] <= items[1]["timestamp"]
    assert items[1]["delivery-status"]["code"] == 250

    paging = body["paging"]
    assert set(paging) == {"first", "last", "next", "previous"}
    for url in paging.values():
        assert url.startswith(f"{mailgun.url}/v3/{DOMAIN}/events"), url

    end = api.get(paging["next"])
    assert end.status_code == 200, end.text
    assert end.json()["items"] == []
    assert set(end.json()["paging"]) == {"first", "last", "next", "previous"}


def test_events_paging_one_item_per_page(mailgun: Running, api: httpx.Client, address: str) -> None:
    with sdk(mailgun) as client:
        queued_id(
            client.messages.create(
                domain=DOMAIN, data={"from": SENDER, "to": address, "subject": "Paging", "text": "one"}
            )
        )
        first = client.events.get(
            domain=DOMAIN, filters={"recipient": address, "ascending": "yes", "limit": 1}
        )
    assert first.status_code == 200
    assert [e["event"] for e in first.json()["items"]] == ["accepted"]

    second = api.get(first.json()["paging"]["next"])
    assert second.status_code == 200
    assert [e["event"] for e in second.json()["items"]] == ["delivered"]

    third = api.get(second.json()["paging"]["next"])
    assert third.status_code == 200
    assert third.json()["items"] == []
    assert third.json()["paging"]["next"].startswith(f"{mailgun.url}/v3/{DOMAIN}/events")

    back = api.get(second.json()["paging"]["previous"])
    assert [e["event"] for e in back.json()["items"]] == ["accepted"]


# --- 6. errors --------------------------------------------------------------------------------------
def test_wrong_api_key_is_forbidden(mailgun: Running, control: httpx.Client, address: str) -> None:
    with sdk(mailgun, key="key-wrong") as client:
        response = client.messages.create(
            domain=DOMAIN, data={"from": SENDER, "to": address, "subject": "s", "text": "t"}
        )
    assert response.status_code == 401
    assert response.text == "Forbidden"
    assert response.headers["content-type"].startswith("text/plain")
    assert captured(control, address) == []


def test_unknown_domain_is_not_found(mailgun: Running, control: httpx.Client, address: str) -> None:
    with sdk(mailgun) as client:
        response = client.messages.create(
            domain="unknown.example.test", data={"from": SENDER, "to": address, "subject": "s", "text": "t"}
        )
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"message": "Domain not found: unknown.example.test"}
    assert captured(control, address) == []


INVALID_SENDS: list[tuple[str, dict[str, Any], str]] = [
    ("missing-from", {"from": None}, "'from' parameter is missing"),
    ("missing-to", {"to": None}, "'to' parameter is missing"),
    (
        "invalid-to",
        {"to": "not-an-address"},
        "'to' parameter is not a valid address. please check documentation",
    ),
    (
        "no-body",
        {"text": None},
        "Need at least one of 'text', 'html', 'amp-html' or 'template' parameters specified",
    ),
    (
        "bad-recipient-variables",
        {"recipient-variables": "{not json"},
        "'recipient-variables' parameter is not a valid JSON",
    ),
    ("bad-deliverytime", {"o:deliverytime": "tomorrow-ish"}, "invalid delivery time format"),
    (
        "too-many-recipients",
        {"cc": [f"r{i}@example.test" for i in range(1000)]},
        "Too many recipients, max is 1000",
    ),
    (
        "options-over-16kb",
        {"v:blob": "x" * (16 * 1024)},
        "Send options (parameters starting with o:, h:, or v:) are limited to 16 kB total",
    ),
]


@pytest.mark.parametrize(
    ("changes", "message"), [c[1:] for c in INVALID_SENDS], ids=[c[0] for c in INVALID_SENDS]
)
def test_invalid_send_is_refused(
    mailgun: Running, control: httpx.Client, address: str, changes: dict[str, Any], message: str
) -> None:
    data: dict[str, Any] = {"from": SENDER, "to": address, "subject": "Refused", "text": "code 123456"}
    data.update(changes)
    data = {k: v for k, v in data.items() if v is not None}
    with sdk(mailgun) as client:
        response = client.messages.create(domain=DOMAIN, data=data)
    assert response.status_code == 400, response.text
    assert response.json() == {"message": message}
    assert captured(control, address) == []


def test_html_and_template_together_is_refused(mailgun: Running, control: httpx.Client, address: str) -> None:
    name = f"both-{uuid.uuid4().hex[:8]}"
    with sdk(mailgun) as client:
        create_template(client, name)
        response = client.messages.create(
            domain=DOMAIN,
            data={"from": SENDER, "to": address, "subject": "s", "html": "<p>x</p>", "template": name},
        )
    assert response.status_code == 400
    assert response.json() == {"message": "Only one parameters 'html' or 'template' is allowed"}
    assert captured(control, address) == []


# --- 7. faults --------------------------------------------------------------------------------------
def _add_fault(control: httpx.Client, **spec: Any) -> None:
    response = control.post("/__harness/faults", json={"target": "api", **spec})
    assert response.status_code == 201, response.text


@pytest.mark.usefixtures("clean_faults")
def test_rate_limit_fault_reaches_the_sdk(mailgun: Running, control: httpx.Client, address: str) -> None:
    _add_fault(control, status=429, count=1, retry_after=0)
    data = {"from": SENDER, "to": address, "subject": "Limited", "text": "code 313131"}
    with sdk(mailgun) as client:
        limited = client.messages.create(domain=DOMAIN, data=data)
        assert limited.status_code == 429
        assert limited.headers["Retry-After"] == "0"
        text = limited.json()["message"]
        prefix = f"Domain {DOMAIN} is not allowed to send: request limit exceeded, try again after "
        assert text.startswith(prefix), text
        assert parsedate_to_datetime(text[len(prefix) :]).tzinfo is not None  # an RFC 1123 date
        assert captured(control, address) == []

        queued_id(client.messages.create(domain=DOMAIN, data=data))
    assert only_message(control, address)["code"] == "313131"
    assert control.get("/__harness/faults").json()["items"] == []


@pytest.mark.usefixtures("clean_faults")
def test_sdk_default_retry_absorbs_one_rate_limit(
    mailgun: Running, control: httpx.Client, address: str
) -> None:
    _add_fault(control, status=429, count=1, retry_after=0)
    with sdk(mailgun, retries=True) as client:
        response = client.messages.create(
            domain=DOMAIN, data={"from": SENDER, "to": address, "subject": "Retried", "text": "code 474747"}
        )
    message_id = queued_id(response)
    message = only_message(control, address)  # exactly once: the refused attempt stored nothing
    assert message["message_id"] == message_id
    assert control.get("/__harness/faults").json()["items"] == []  # the fault was consumed by attempt one


@pytest.mark.usefixtures("clean_faults")
@pytest.mark.parametrize(("status", "text"), [(500, "Internal Server Error"), (503, "Service Unavailable")])
def test_server_error_faults_are_plain_text(
    mailgun: Running, control: httpx.Client, address: str, status: int, text: str
) -> None:
    _add_fault(control, status=status, count=1)
    data = {"from": SENDER, "to": address, "subject": "Broken", "text": "t"}
    with sdk(mailgun) as client:
        response = client.messages.create(domain=DOMAIN, data=data)
        assert response.status_code == status
        assert response.text == text
        assert response.headers["content-type"].startswith("text/plain")
        assert captured(control, address) == []
        queued_id(client.messages.create(domain=DOMAIN, data=data))
    assert len(captured(control, address)) == 1


# --- 8. recipient-variables -------------------------------------------------------------------------
def test_batch_send_with_recipient_variables(mailgun: Running, control: httpx.Client, address: str) -> None:
    other = new_address("batch")
    recipient_variables = {
        address: {"name": "Ann", "code": "111222"},
        other: {"name": "Bob", "code": "333444"},
    }
    with sdk(mailgun) as client:
        response = client.messages.create(
            domain=DOMAIN,
            data={
                "from": SENDER,
                "to": [f"Ann <{address}>", other],
                "subject": "Hi %recipient.name%",
                "text": "Hello %recipient.name%, your code is %recipient.code%",
                "recipient-variables": json.dumps(recipient_variables),
            },
        )
    queued_id(response)

    for to, name, code in ((address, "Ann", "111222"), (other, "Bob", "333444")):
        message = only_message(control, to)
        assert message["recipients"] == [to]
        assert message["to"] == [to]
        assert message["subject"] == f"Hi {name}"
        assert message["text"] == f"Hello {name}, your code is {code}"
        assert message["code"] == code
    assert only_message(control, address)["id"] != only_message(control, other)["id"]
    assert waited(control, other)["code"] == "333444"
