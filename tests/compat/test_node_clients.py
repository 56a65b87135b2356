"""The real Node clients against the fakes: mailgun.js 14.0.1 and Logto's @logto/connector-mailgun 1.5.6
against fake_mailgun, and the official Logto Node SDK (@logto/node 3.1.11, unmodified) against fake_logto.

The scripts in ``tests/compat/node/`` run under ``node`` (installed there by ``npm ci``) against the
session's fakes over real sockets and print what the client returned as JSON; the tests then check that
and what the fake captured through its control API. One test replays, byte for byte, three requests
captured from the Logto connector (``/work/shared/fixtures``) and needs no node.

Missing ``node`` or ``tests/compat/node/node_modules`` is a failure, never a skip: the set-up runs
``npm ci``.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import pytest

from fake_logto import Running as LogtoRunning
from fake_logto import Settings as LogtoSettings
from fake_logto import default_mailgun_config, parse_config
from fake_logto import serve_in_thread as serve_logto
from fake_mailgun import DEFAULT_API_KEY, DEFAULT_DOMAIN, Running, Settings, serve_in_thread

NODE_DIR = Path(__file__).with_name("node")
NODE_PACKAGES = (
    "mailgun.js",
    "form-data",
    "@logto/connector-mailgun",
    "@logto/connector-twilio-sms",
    "@logto/connector-http-sms",
    "@logto/node",
    "@logto/api",
    "jose",
)
NODE_TIMEOUT = 30.0
WAIT = "/__harness/messages/wait"
FIXTURE = Path("/work/shared/fixtures/logto-connector-mailgun-requests.jsonl")
UNKNOWN_DOMAIN = "unknown-domain.example.test"


# --- running node -----------------------------------------------------------------------------------
def _node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.fail(
            "`node` is not on PATH: these tests need Node.js (20+) to run tests/compat/node/*.mjs",
            pytrace=False,
        )
    missing = [p for p in NODE_PACKAGES if not (NODE_DIR / "node_modules" / p / "package.json").is_file()]
    if missing:
        pytest.fail(
            f"{NODE_DIR / 'node_modules'} lacks {', '.join(missing)}: run `npm ci` in {NODE_DIR}",
            pytrace=False,
        )
    return node


def run_node(script: str, *args: str, env: dict[str, str]) -> dict[str, Any]:
    """Run ``tests/compat/node/<script>`` with ``env`` added; the JSON object it printed last on stdout."""
    command = [_node(), str(NODE_DIR / script), *args]
    try:
        proc = subprocess.run(
            command,
            cwd=NODE_DIR,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=NODE_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"{' '.join(command)} did not finish within {NODE_TIMEOUT:g} s\nstderr:\n{exc.stderr!r}")
    if proc.returncode != 0:
        pytest.fail(
            f"{' '.join(command)} exited with {proc.returncode}\n"
            f"--- stderr ---\n{proc.stderr}\n--- stdout ---\n{proc.stdout}",
            pytrace=False,
        )
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    try:
        result = json.loads(lines[-1])
    except (IndexError, ValueError):
        pytest.fail(
            f"{' '.join(command)} printed no JSON\n"
            f"--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}",
            pytrace=False,
        )
    assert isinstance(result, dict), f"{script} printed {result!r}, not a JSON object"
    return result


@pytest.fixture
def node_env(mailgun: Running, address: str) -> dict[str, str]:
    return {
        "MG_URL": mailgun.url,
        "MG_DOMAIN": DEFAULT_DOMAIN,
        "MG_KEY": DEFAULT_API_KEY,
        "MG_TO": address,
        "MG_CODE": f"{secrets.randbelow(900_000) + 100_000}",
    }


def wait_for(control: httpx.Client, address: str) -> dict[str, Any]:
    """The message to ``address`` (server-side wait, 5 s)."""
    r = control.get(WAIT, params={"to": address, "timeout": 5})
    assert r.status_code == 200, f"no message to {address}: {r.status_code} {r.text}"
    message: dict[str, Any] = r.json()
    return message


def captured(control: httpx.Client, address: str) -> list[dict[str, Any]]:
    r = control.get("/__harness/messages", params={"to": address})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == len(body["items"])
    items: list[dict[str, Any]] = body["items"]
    return items


def queued_id(result: dict[str, Any], domain: str = DEFAULT_DOMAIN) -> str:
    """The Message-Id of a Mailgun "Queued" answer (checked), without its angle brackets."""
    assert result.get("message") == "Queued. Thank you.", result
    match = re.fullmatch(rf"<([^<>@\s]+@{re.escape(domain)})>", str(result.get("id")))
    assert match, f"id is not <...@{domain}>: {result.get('id')!r}"
    return match.group(1)


# --- mailgun.js ----------------------------------------------------------------------------------------
DOMAIN_FIELDS = {
    "name",
    "state",
    "type",
    "id",
    "smtp_login",
    "spam_action",
    "require_tls",
    "is_disabled",
    "wildcard",
}


def test_mailgunjs_lists_and_gets_domains(mailgun: Running, node_env: dict[str, str]) -> None:
    result = run_node("mailgunjs_send.mjs", "domains", env=node_env)

    listed = result["list"]
    assert [d["name"] for d in listed] == list(mailgun.state.settings.domains)
    for domain in listed:
        assert {k for k, v in domain.items() if v is not None} >= DOMAIN_FIELDS, domain
    got = result["get"]
    assert got["name"] == DEFAULT_DOMAIN
    assert got["state"] == "active"
    assert got["smtp_login"] == f"postmaster@{DEFAULT_DOMAIN}"
    # domains.get maps the DNS record lists too (domains.list has none)
    assert got["sending_dns_records"] == []
    assert got["receiving_dns_records"] == []


def test_mailgunjs_plain_message_is_captured(
    control: httpx.Client, node_env: dict[str, str], address: str
) -> None:
    result = run_node("mailgunjs_send.mjs", "send", env=node_env)
    assert result["status"] == 200
    message_id = queued_id(result)

    message = wait_for(control, address)
    assert message["message_id"] == message_id
    assert message["source"] == "api"
    assert message["domain"] == DEFAULT_DOMAIN
    assert message["from"] == f"Sender <sender@{DEFAULT_DOMAIN}>"
    assert message["envelope_from"] == f"sender@{DEFAULT_DOMAIN}"
    assert message["to"] == [address]
    assert message["recipients"] == [address]
    assert message["subject"] == "Héllo from mailgun.js"
    assert message["headers"]["Reply-To"] == f"Replies <replies@{DEFAULT_DOMAIN}>"
    assert message["tags"] == ["welcome", "node"]
    assert message["variables"] == {"order-id": "A-42", "flow": "sign-up"}
    assert message["text"].strip() == "Plain body: your code is 482913."
    assert message["html"].strip() == "<p>HTML body: your code is <b>482913</b>.</p>"
    assert message["code"] == "482913"
    assert message["attachments"] == []

    listed = captured(control, address)
    assert [m["id"] for m in listed] == [message["id"]]
    latest = control.get("/__harness/messages/latest", params={"to": address})
    assert latest.status_code == 200
    assert latest.json()["id"] == message["id"]


def test_mailgunjs_attachments_are_captured(
    control: httpx.Client, node_env: dict[str, str], address: str
) -> None:
    result = run_node("mailgunjs_send.mjs", "attachment", env=node_env)
    assert result["status"] == 200
    message = wait_for(control, address)
    assert message["message_id"] == queued_id(result)
    assert message["subject"] == "With attachment"
    assert message["text"].strip() == "See the attached report."

    attachments = {a["filename"]: a for a in message["attachments"]}
    assert set(attachments) == {"report.txt", "logo.png"}
    report, logo = attachments["report.txt"], attachments["logo.png"]
    assert report["disposition"] == "attachment"
    assert report["content_type"] == "text/plain"  # form-data guesses it from the file name
    assert report["size"] == len(b"attachment content 123\n")
    assert logo["disposition"] == "inline"
    assert logo["content_type"] == "image/png"
    assert logo["content_id"] == "logo.png"

    content = control.get(report["url"])
    assert content.status_code == 200
    assert content.content == b"attachment content 123\n"
    image = control.get(logo["url"])
    assert image.status_code == 200
    assert image.content == bytes([0x89, 0x50, 0x4E, 0x47, 1, 2, 3])
    assert image.headers["content-type"] == "image/png"


def test_mailgunjs_mime_message_is_captured(
    control: httpx.Client, node_env: dict[str, str], address: str
) -> None:
    result = run_node("mailgunjs_send.mjs", "mime", env=node_env)
    assert result["status"] == 200
    message_id = queued_id(result)

    message = wait_for(control, address)
    assert message["message_id"] == message_id
    assert message["source"] == "api"
    assert message["recipients"] == [address]
    assert message["from"] == f"MIME Sender <mime@{DEFAULT_DOMAIN}>"
    assert message["to"] == [address]
    assert message["subject"] == "Raw MIME from mailgun.js"
    assert message["headers"]["X-Custom"] == "raw-mime"
    assert message["text"].strip() == "MIME text part 777111"
    assert message["html"].strip() == "<p>MIME html part 777111</p>"
    assert message["code"] == "777111"
    raw = control.get(f"/__harness/messages/{message['id']}/raw")
    assert raw.status_code == 200
    assert b"X-Custom: raw-mime" in raw.content


def _check_event(item: dict[str, Any], *, event: str, address: str, message_id: str) -> None:
    assert item["event"] == event
    assert isinstance(item["id"], str)
    assert item["id"]
    assert isinstance(item["timestamp"], int | float)  # float epoch; JSON.stringify drops a ".0"
    assert item["timestamp"] > 0
    assert item["log-level"] == "info"
    assert item["recipient"] == address
    assert item["envelope"]["sender"] == f"sender@{DEFAULT_DOMAIN}"
    assert item["envelope"]["targets"] == address
    assert item["flags"]["is-test-mode"] is False
    headers = item["message"]["headers"]
    assert headers["message-id"] == message_id
    assert headers["to"] == address
    assert headers["from"] == f"sender@{DEFAULT_DOMAIN}"
    assert headers["subject"] == "Events"
    assert item["message"]["recipients"] == [address]
    assert item["message"]["attachments"] == []
    assert isinstance(item["message"]["size"], int)
    assert item["message"]["size"] > 0
    assert item["tags"] == []
    assert item["user-variables"] == {}
    assert set(item["storage"]) >= {"url", "key"}
    if event == "delivered":
        assert item["delivery-status"]["code"] == 250
    else:
        assert "delivery-status" not in item


def test_mailgunjs_events_pages(mailgun: Running, node_env: dict[str, str], address: str) -> None:
    result = run_node("mailgunjs_send.mjs", "events", env=node_env)
    message_id = queued_id(result["sent"])
    first, second, third = result["first"], result["second"], result["third"]

    for page in (first, second, third):
        assert page["status"] == 200
        assert set(page["pages"]) == {"first", "last", "next", "previous"}
        for name, link in page["pages"].items():
            assert link["id"] == name
            # mailgun.js calls new URL() on each link and follows its last path segment
            assert link["url"].startswith(f"{mailgun.url}/v3/{DEFAULT_DOMAIN}/events/"), link
            assert link["url"].rsplit("/", 1)[1] == link["page"]
            assert link["page"]
    assert len(first["items"]) == 1
    _check_event(first["items"][0], event="accepted", address=address, message_id=message_id)
    assert len(second["items"]) == 1
    _check_event(second["items"][0], event="delivered", address=address, message_id=message_id)
    assert second["items"][0]["timestamp"] >= first["items"][0]["timestamp"]
    assert third["items"] == []


def test_mailgunjs_errors(control: httpx.Client, node_env: dict[str, str], address: str) -> None:
    result = run_node("mailgunjs_send.mjs", "errors", env=node_env)

    assert result["unknownDomain"] == {
        "thrown": True,
        "status": 404,
        "message": "Not Found",
        "details": f"Domain not found: {UNKNOWN_DOMAIN}",
        "type": "MailgunAPIError",
    }
    for case in ("wrongKey", "wrongKeyDomains"):
        assert result[case]["thrown"] is True, result[case]
        assert result[case]["status"] == 401, result[case]
        assert result[case]["details"] == "Forbidden", result[case]
    assert captured(control, address) == []


# --- @logto/connector-mailgun ------------------------------------------------------------------------
def _assert_sent(result: dict[str, Any]) -> str:
    assert result["ok"] is True, f"the connector threw: {result}"
    assert result["statusCode"] == 200
    return queued_id(json.loads(result["body"]))


def test_logto_register_code_is_captured(
    control: httpx.Client, node_env: dict[str, str], address: str
) -> None:
    code = node_env["MG_CODE"]
    result = run_node("logto_connector_send.mjs", "Register", env=node_env)
    message_id = _assert_sent(result)

    message = wait_for(control, address)
    assert message["message_id"] == message_id
    assert message["from"] == f"Logto <no-reply@{DEFAULT_DOMAIN}>"
    assert message["to"] == [address]
    assert message["subject"] == f"{code} est votre code de vérification"
    assert message["headers"]["Reply-To"] == f"Foo <foo@{DEFAULT_DOMAIN}>"
    assert message["html"].strip() == (
        f"<h1>Bienvenue sur Logto</h1><p>Votre code de vérification est {code}.</p>"
    )
    assert message["text"].strip() == f"Bienvenue sur Logto. Votre code de vérification est {code}."
    assert message["template"] is None
    assert message["code"] == code
    latest = control.get("/__harness/messages/latest", params={"to": address})
    assert latest.status_code == 200
    assert latest.json()["id"] == message["id"]


SIGN_IN_TEMPLATE = "<p>Votre code de connexion est {{code}}.</p><p>bar = {{bar}}</p>"


def test_logto_sign_in_template_is_rendered(
    api: httpx.Client, control: httpx.Client, node_env: dict[str, str], address: str
) -> None:
    code = node_env["MG_CODE"]
    templates = f"/v3/{DEFAULT_DOMAIN}/templates"
    gone = api.delete(f"{templates}/logto-sign-in")  # a template left by an earlier run of this test
    assert gone.status_code in (200, 404), gone.text
    created = api.post(
        templates,
        data={"name": "logto-sign-in", "description": "Logto sign-in code", "template": SIGN_IN_TEMPLATE},
    )
    assert created.status_code == 200, created.text
    assert created.json()["template"]["name"] == "logto-sign-in"
    try:
        result = run_node("logto_connector_send.mjs", "SignIn", env=node_env)
    finally:
        api.delete(f"{templates}/logto-sign-in")
    message_id = _assert_sent(result)

    message = wait_for(control, address)
    assert message["message_id"] == message_id
    assert message["subject"] == "Bon retour sur Logto"
    assert message["headers"]["Reply-To"] == f"Foo <foo@{DEFAULT_DOMAIN}>"
    assert message["html"].strip() == f"<p>Votre code de connexion est {code}.</p><p>bar = baz</p>"
    assert message["template"]["name"] == "logto-sign-in"
    assert message["template"]["variables"] == {"bar": "baz", "code": code}
    assert message["variables"] == {"bar": "baz", "code": code}
    assert message["code"] == code


def test_logto_connector_reports_mailgun_failure(
    control: httpx.Client, clean_faults: None, node_env: dict[str, str], address: str
) -> None:
    fault = control.post("/__harness/faults", json={"target": "api", "status": 503, "count": 1})
    assert fault.status_code == 201, fault.text

    result = run_node("logto_connector_send.mjs", "Register", env=node_env)

    assert result["ok"] is False, f"the send succeeded despite the fault: {result}"
    error = result["error"]
    assert error["name"] == "ConnectorError"
    assert error["code"] == "general"
    assert error["data"]["statusCode"] == 503
    assert error["data"]["body"] == "Service Unavailable"
    assert captured(control, address) == []
    assert control.get("/__harness/faults").json()["items"] == []  # got sent the POST once: no retry


@pytest.mark.parametrize(
    ("override", "status", "body"),
    [
        ({"MG_DOMAIN": UNKNOWN_DOMAIN}, 404, {"message": f"Domain not found: {UNKNOWN_DOMAIN}"}),
        ({"MG_KEY": "key-wrong"}, 401, "Forbidden"),
    ],
    ids=["unknown-domain", "wrong-key"],
)
def test_logto_connector_reports_api_errors(
    control: httpx.Client,
    node_env: dict[str, str],
    address: str,
    override: dict[str, str],
    status: int,
    body: dict[str, str] | str,
) -> None:
    result = run_node("logto_connector_send.mjs", "Register", env={**node_env, **override})

    assert result["ok"] is False, f"the send succeeded: {result}"
    assert result["error"]["code"] == "general"
    assert result["error"]["data"]["statusCode"] == status
    raw = result["error"]["data"]["body"]
    assert (json.loads(raw) if isinstance(body, dict) else raw) == body
    assert captured(control, address) == []


# --- the captured Logto requests, replayed byte for byte -------------------------------------------------
FIXTURE_TEMPLATE = "<p>Your {{app}} code is {{code}}</p>"


def test_logto_fixture_requests_replayed_byte_for_byte() -> None:
    requests = [json.loads(line) for line in FIXTURE.read_text().splitlines() if line.strip()]
    assert [(r["method"], r["path"]) for r in requests] == [
        ("POST", "/v3/d.test/messages"),
        ("POST", "/v3/d.test/messages"),
        ("POST", "/v3/bad.test/messages"),
    ]
    settings = Settings(port=0, smtp_port=-1, domains=("d.test",), api_key="key-test")
    with serve_in_thread(settings) as fake, httpx.Client(base_url=fake.url, timeout=30) as client:
        stored = client.post(
            "/v3/d.test/templates",
            data={"name": "logto-code", "template": FIXTURE_TEMPLATE},
            auth=("api", "key-test"),
        )
        assert stored.status_code == 200, stored.text

        answers = []
        for request in requests:
            body = request["body"].encode()
            assert len(body) == int(request["headers"]["content-length"])
            answers.append(
                client.request(
                    request["method"],
                    request["path"],
                    content=body,
                    headers={
                        name: request["headers"][name]
                        for name in ("content-type", "authorization", "user-agent", "accept-encoding")
                    },
                )
            )

        ids = []
        for answer in answers[:2]:
            assert answer.status_code == 200, answer.text
            assert answer.headers["content-type"] == "application/json"
            assert set(answer.json()) == {"id", "message"}
            ids.append(queued_id(answer.json(), "d.test"))
        assert answers[2].status_code == 404
        assert answers[2].headers["content-type"] == "application/json"
        assert answers[2].json() == {"message": "Domain not found: bad.test"}

        listed = client.get("/__harness/messages", params={"to": "u@e.com"}).json()
        assert listed["total"] == 2  # the 404 captured nothing
        sign_in, generic = listed["items"]  # newest first

    assert generic["message_id"] == ids[0]
    assert generic["from"] == "Logto <no-reply@d.test>"
    assert generic["to"] == ["u@e.com"]
    assert generic["subject"] == "Code 123456"
    assert generic["headers"]["Reply-To"] == "Help <help@d.test>"
    assert generic["template"]["name"] == "logto-code"
    assert generic["variables"] == {"app": "X", "code": "123456"}
    assert generic["html"].strip() == "<p>Your X code is 123456</p>"
    assert generic["code"] == "123456"

    assert sign_in["message_id"] == ids[1]
    assert sign_in["from"] == "Logto <no-reply@d.test>"
    assert sign_in["to"] == ["u@e.com"]
    assert sign_in["subject"] == "Sign in 654321"
    assert "Reply-To" not in sign_in["headers"]
    assert sign_in["template"] is None
    assert sign_in["html"].strip() == "<p>654321</p>"
    assert sign_in["text"].strip() == "code 654321"
    assert sign_in["code"] == "654321"


# --- @logto/node against fake_logto ---------------------------------------------------------------------
# The app, its API and organizations as a Logto Console would hold them; the script signs in as SDK_USER
# by email code (fake_logto's connector sends it through the session's fake_mailgun).
SDK_APP = {"id": "node-sdk-app", "secret": "node-sdk-secret", "redirect": "http://localhost:3000/callback"}
SDK_API = "https://api.node-sdk.test"
SDK_USER = {"id": "nodesdkuser1", "email": "node-sdk@example.test"}
SDK_ORG, OTHER_ORG = "org-node-sdk", "org-elsewhere"
ORG_SCOPE = "read:members"  # the organization scope the user's organization role grants
ORG_ROLE = "member"  # the user's role in SDK_ORG


def node_sdk_tenant(mailgun_url: str) -> dict[str, Any]:
    """The whole tenant of the @logto/node tests (parsed by fake_logto's ``parse_config``)."""
    return {
        "applications": [
            {
                "name": "Node SDK app",
                "type": "traditional",
                "id": SDK_APP["id"],
                "secret": SDK_APP["secret"],
                "redirect_uris": [SDK_APP["redirect"]],
            }
        ],
        "resources": [
            {"indicator": SDK_API, "name": "Node SDK API", "scopes": ["read:books", "write:books"]}
        ],
        "roles": [{"name": "reader", "scopes": [{"resource": SDK_API, "scope": "read:books"}]}],
        # The organization template: the organization role ORG_ROLE granting the organization scope ORG_SCOPE.
        "organization_template": {
            "scopes": [ORG_SCOPE],
            "roles": [{"name": ORG_ROLE, "scopes": [ORG_SCOPE]}],
        },
        "organizations": [
            {
                "id": SDK_ORG,
                "name": "Node SDK org",
                "members": [SDK_USER["email"]],
                "roles": [f"{SDK_USER['email']}:{ORG_ROLE}"],
            },
            {"id": OTHER_ORG, "name": "Somewhere else"},
        ],
        "users": [{**SDK_USER, "name": "Node SDK reader", "roles": ["reader"]}],
        "sign_in_experience": {
            "sign_up": {"identifiers": ["email"], "verify": True, "password": False},
            "sign_in": [{"identifier": "email", "verification_code": True, "password": False}],
        },
        "connector": {
            "kind": "mailgun",
            "config": default_mailgun_config(endpoint=f"{mailgun_url}/.mailgun.net"),
        },
    }


@pytest.fixture(scope="module")
def logto(mailgun: Running) -> Iterator[LogtoRunning]:
    config = parse_config(node_sdk_tenant(mailgun.url))
    with serve_logto(LogtoSettings(port=0), config=config) as running:
        yield running


def run_sdk(logto: LogtoRunning, mailgun: Running, scenario: str, *scopes: str) -> dict[str, Any]:
    """Run ``logto_node_sign_in.mjs SCENARIO`` as SDK_APP asking for ``scopes`` and SDK_API."""
    env = {
        "LOGTO_ENDPOINT": logto.endpoint,
        "LOGTO_APP_ID": SDK_APP["id"],
        "LOGTO_APP_SECRET": SDK_APP["secret"],
        "LOGTO_REDIRECT_URI": SDK_APP["redirect"],
        "LOGTO_RESOURCES": SDK_API,
        "LOGTO_SCOPES": " ".join(scopes),
        "LOGTO_EMAIL": SDK_USER["email"],
        "LOGTO_ORGANIZATION_ID": SDK_ORG,
        "LOGTO_OTHER_ORGANIZATION_ID": OTHER_ORG,
        "MG_URL": mailgun.url,
    }
    return run_node("logto_node_sign_in.mjs", scenario, env=env)


def succeeded(result: dict[str, Any], step: str) -> dict[str, Any]:
    """The step's record, checked to have succeeded (else the error the script recorded)."""
    assert step in result, f"the script stopped before {step!r}: {result}"
    record: dict[str, Any] = result[step]
    assert record["ok"] is True, f"{step} failed: {record['error']}"
    return record


def request_error(result: dict[str, Any], step: str) -> dict[str, Any]:
    """The LogtoRequestError the step threw (checked: ``instanceof`` @logto/node's class, and the name
    @logto/js ``isLogtoRequestError`` tests), with the response's status and JSON body."""
    assert step in result, f"the script stopped before {step!r}: {result}"
    record = result[step]
    assert record["ok"] is False, f"{step} did not throw; it returned {record.get('returned')!r}"
    error: dict[str, Any] = record["error"]
    assert error["isLogtoRequestError"] is True, f"not a LogtoRequestError: {error}"
    assert error["name"] == "LogtoRequestError"
    return error


def _check_signed_in(logto: LogtoRunning, result: dict[str, Any], *scopes: str) -> None:
    sign_in = succeeded(result, "signIn")
    assert sign_in["authenticatedBefore"] is False
    authorization = sign_in["authorization"]
    assert authorization["path"] == "/oidc/auth"
    assert set(authorization["scope"]) == {"openid", "offline_access", "profile", *scopes}
    assert authorization["prompt"] == "consent"
    assert authorization["codeChallengeMethod"] == "S256"
    assert urlsplit(urljoin(logto.endpoint + "/", sign_in["landing"])).path == "/sign-in"
    assert sign_in["callbackPath"] == urlsplit(SDK_APP["redirect"]).path
    assert sign_in["isAuthenticated"] is True
    assert sign_in["hasRefreshToken"] is True

    context = succeeded(result, "context")
    assert context["isAuthenticated"] is True
    claims = context["claims"]
    assert claims["iss"] == f"{logto.endpoint}/oidc"
    assert claims["aud"] == SDK_APP["id"]
    assert claims["sub"] == SDK_USER["id"]
    assert claims["email"] == SDK_USER["email"]
    assert claims["email_verified"] is True
    assert context["userInfo"]["sub"] == SDK_USER["id"]
    assert context["userInfo"]["email"] == SDK_USER["email"]


def _check_api_token(logto: LogtoRunning, result: dict[str, Any]) -> None:
    token = succeeded(result, "resourceToken")
    claims = token["claims"]
    assert token["sdkClaims"] == claims
    assert claims["iss"] == f"{logto.endpoint}/oidc"
    assert claims["aud"] == SDK_API
    assert claims["sub"] == SDK_USER["id"]
    assert claims["client_id"] == SDK_APP["id"]
    assert claims["scope"] == "read:books"  # asked for; granted by the role "reader"


def test_logto_node_signs_in_and_gets_an_api_token(logto: LogtoRunning, mailgun: Running) -> None:
    result = run_sdk(logto, mailgun, "sign-in", "email", "read:books")

    _check_signed_in(logto, result, "email", "read:books")
    assert result["signIn"]["authorization"]["resource"] == [SDK_API]
    _check_api_token(logto, result)


ORGANIZATIONS = "urn:logto:scope:organizations"
ORGANIZATION_ROLES = "urn:logto:scope:organization_roles"
ORGANIZATIONS_RESOURCE = "urn:logto:resource:organizations"


def test_logto_node_gets_an_organization_token(logto: LogtoRunning, mailgun: Running) -> None:
    scopes = ("email", "read:books", ORGANIZATIONS, ORGANIZATION_ROLES, ORG_SCOPE)
    result = run_sdk(logto, mailgun, "organization", *scopes)

    _check_signed_in(logto, result, *scopes)
    # the SDK adds the organizations resource to the app's (@logto/client normalizeLogtoConfig)
    assert result["signIn"]["authorization"]["resource"] == [SDK_API, ORGANIZATIONS_RESOURCE]
    assert result["context"]["claims"]["organizations"] == [SDK_ORG]
    assert result["context"]["claims"]["organization_roles"] == [f"{SDK_ORG}:{ORG_ROLE}"]

    # getContext({getOrganizationToken: true}): a token for each organization of the ID token
    context = succeeded(result, "organizationContext")
    assert context["organizations"] == [SDK_ORG]
    assert list(context["organizationTokens"]) == [SDK_ORG]
    claims = succeeded(result, "organizationToken")["claims"]
    assert context["organizationTokens"][SDK_ORG] == claims
    # packages/core/src/oidc/grants/refresh-token.ts + utils.ts (RFC 0001): the organization's URN as the
    # audience, the scopes asked for at sign-in that the user's organization roles grant
    assert claims["aud"] == f"urn:logto:organization:{SDK_ORG}"
    assert claims["scope"] == ORG_SCOPE
    assert claims["iss"] == f"{logto.endpoint}/oidc"
    assert claims["sub"] == SDK_USER["id"]
    assert claims["client_id"] == SDK_APP["id"]
    _check_api_token(logto, result)

    # not a member: checkOrganizationAccess (grants/utils.ts) answers 403 access_denied, with the body
    # koa-oidc-error-handler.ts adds code and message to, which the SDK turns into a LogtoRequestError
    error = request_error(result, "notMember")
    assert error["code"] == "oidc.access_denied"
    assert error["message"] == "Access denied."
    assert error["status"] == 403
    assert error["body"] == {
        "code": "oidc.access_denied",
        "message": "Access denied.",
        "error": "access_denied",
        "error_description": "user is not a member of the organization",
    }


def test_logto_node_revoked_refresh_token_is_a_logto_request_error(
    logto: LogtoRunning, mailgun: Running
) -> None:
    result = run_sdk(logto, mailgun, "revoked-refresh-token", "email", "read:books")

    _check_signed_in(logto, result, "email", "read:books")
    _check_api_token(logto, result)
    assert succeeded(result, "revocation")["status"] == 200

    # The refresh grant with the revoked token: InvalidGrant('refresh token not found') in
    # packages/core/src/oidc/grants/refresh-token.ts, whose description is node-oidc-provider's fixed
    # "grant request is invalid" (lib/helpers/errors.js); koa-oidc-error-handler.ts adds code, message
    # (packages/phrases errors oidc.invalid_grant) and error_uri. @logto/client's requester throws a
    # LogtoRequestError because code and message are strings (@logto/js isLogtoRequestErrorJson).
    error = request_error(result, "afterRevocation")
    assert error["code"] == "oidc.invalid_grant"
    assert error["message"] == "Grant request is invalid."
    assert error["status"] == 400
    assert error["body"] == {
        "code": "oidc.invalid_grant",
        "message": "Grant request is invalid.",
        "error_uri": "https://openid.sh/debug/invalid_grant",
        "error": "invalid_grant",
        "error_description": "grant request is invalid",
    }
