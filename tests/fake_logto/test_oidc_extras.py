"""Client quirks the official SDKs rely on (reference/sdks.md), the SMTP connector, persistent keys and
the sign-in experience document."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import httpx
from logto_support import WEB, auth_url, tenant_dict

from fake_logto import Running, parse_config
from fake_logto import Settings as LogtoSettings
from fake_logto import serve_in_thread as serve_logto
from fake_mailgun import Running as MailgunRunning
from harness._experience import ExperienceClient, callback_params

ODD_SECRET = "s3:cr+t/=&%zz"  # VSCHAR only: a Basic header cannot carry anything else


def test_go_sdk_style_unencoded_authorization_url(logto: Running) -> None:
    """The Go SDK joins sorted keys without percent-encoding; a browser turns the spaces into %20."""
    url = (
        f"{logto.endpoint}/oidc/auth?client_id={WEB['id']}&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        "&code_challenge_method=S256&first_screen=register&identifiers=email&login_hint=ann@example.test"
        f"&prompt=consent&redirect_uri={WEB['redirect']}&response_type=code"
        "&scope=openid%20offline_access%20profile%20email&state=go-state"
    )
    response = httpx.get(url, follow_redirects=False)
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith("/register?")  # relative, as Logto redirects
    # ``identifiers`` is no extra parameter of Logto's (``identifier`` is): it does not reach the page.
    assert callback_params(location) == {"app_id": WEB["id"], "login_hint": "ann@example.test"}


def test_basic_auth_raw_and_form_encoded_secret(
    mailgun: MailgunRunning, email: str, read_code: Callable[[str], str]
) -> None:
    data = tenant_dict(mailgun.url)
    data["applications"][0]["secret"] = ODD_SECRET
    with serve_logto(LogtoSettings(port=0), config=parse_config(data)) as logto:
        with ExperienceClient(logto.endpoint) as browser:
            code = callback_params(browser.email_code_flow(auth_url(logto), email, read_code))["code"]
        data = {"grant_type": "authorization_code", "code": code, "redirect_uri": WEB["redirect"]}
        # node-oidc-provider's client_auth.js form-URL-decodes both halves (RFC 6749 appendix B): a raw
        # secret with "+" and a stray "%" is refused (Logto's own secrets are alphanumeric, so
        # the Go SDK's raw header is the same thing for them).
        raw = base64.b64encode(f"{WEB['id']}:{ODD_SECRET}".encode()).decode()
        response = httpx.post(
            f"{logto.endpoint}/oidc/token", data=data, headers={"Authorization": f"Basic {raw}"}
        )
        assert response.status_code == 400, response.text
        assert response.json()["error_description"] == (
            "client_id and client_secret in the authorization header are not properly encoded"
        )
        encoded = base64.b64encode(f"{WEB['id']}:{quote(ODD_SECRET, safe='')}".encode()).decode()
        response = httpx.post(
            f"{logto.endpoint}/oidc/token",
            data={**data, "client_id": WEB["id"]},
            headers={"Authorization": f"Basic {encoded}"},
        )
        assert response.status_code == 200, response.text
        wrong = base64.b64encode(f"{WEB['id']}:{quote('nope')}".encode()).decode()
        response = httpx.post(
            f"{logto.endpoint}/oidc/token",
            data={"grant_type": "refresh_token", "refresh_token": "x"},
            headers={"Authorization": f"Basic {wrong}"},
        )
        assert response.status_code == 401


def test_smtp_connector_delivers_codes_to_the_mailbox(
    mailgun: MailgunRunning, email: str, read_code: Callable[[str], str]
) -> None:
    smtp = {
        "host": "127.0.0.1",
        "port": mailgun.smtp_port,
        "auth": {"user": "apikey", "pass": "secret"},
        "fromEmail": "Bookstore <auth@bookstore.test>",
        "templates": [
            {"usageType": "Register", "contentType": "text/plain", "subject": "Register code {{code}}", "content": "Your code: {{code}}"},
            {"usageType": "Generic", "contentType": "text/html", "subject": "Code {{code}}", "content": "<p>{{code}}</p>"},
        ],
    }  # fmt: skip
    config = parse_config(tenant_dict(mailgun.url, connector={"kind": "smtp", "config": smtp}))
    with (
        serve_logto(LogtoSettings(port=0), config=config) as logto,
        ExperienceClient(logto.endpoint) as browser,
    ):
        callback = browser.email_code_flow(auth_url(logto), email, read_code, event="Register")
        assert "code" in callback_params(callback)
    message = httpx.get(f"{mailgun.url}/__harness/messages/latest", params={"to": email}).json()
    assert message["source"] == "smtp"
    assert message["subject"].startswith("Register code ")
    assert message["from"] == "Bookstore <auth@bookstore.test>"


def test_keys_file_keeps_one_key_across_restarts(tmp_path: Path) -> None:
    keys = tmp_path / "keys.json"
    kids = []
    for _ in range(2):
        with serve_logto(LogtoSettings(port=0, keys_file=str(keys))) as logto:
            kids.append(httpx.get(f"{logto.url}/oidc/jwks").json()["keys"][0]["kid"])
    assert kids[0] == kids[1]
    assert json.loads(keys.read_text())["crv"] == "P-384"


def test_sign_in_experience_document(logto: Running) -> None:
    body = httpx.get(f"{logto.endpoint}/api/.well-known/sign-in-exp").json()
    assert body["signUp"] == {"identifiers": ["email"], "password": False, "verify": True}
    methods = {m["identifier"]: m for m in body["signIn"]["methods"]}
    assert methods["email"]["verificationCode"] is True
    assert methods["email"]["password"] is True
    assert methods["username"]["verificationCode"] is False
    assert body["forgotPassword"]["email"] is True
