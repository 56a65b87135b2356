"""The browser tests' tenant and helpers: the Bookstore app, authorization URLs, the code exchange.

A copy of what the browser tests need from ``tests/logto/logto_support.py`` (that directory is not a
package, and test support modules keep unique basenames), plus the token exchange that proves a
callback's code is good.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
from playwright.sync_api import Page

from fake_logto import Running as LogtoRunning
from fake_logto import default_mailgun_config

WEB = {"id": "bookstore", "secret": "bookstore-secret", "redirect": "http://localhost:3000/callback"}
APP_ORIGIN = "http://localhost:3000"
PASSWORD_USER = {"email": "reader@example.test", "username": "reader", "password": "correct horse battery"}


def tenant_dict(mailgun_url: str, **sign_in_experience: Any) -> dict[str, Any]:
    """Email sign-up (verified by code); sign-in by email code or password, or by username and password."""
    experience: dict[str, Any] = {
        "sign_up": {"identifiers": ["email"], "verify": True, "password": False},
        "sign_in": [
            {"identifier": "email", "verification_code": True, "password": True},
            {"identifier": "username", "verification_code": False, "password": True},
        ],
    }
    experience.update(sign_in_experience)
    return {
        "applications": [
            {
                "name": "Bookstore",
                "type": "traditional",
                "id": WEB["id"],
                "secret": WEB["secret"],
                "redirect_uris": [WEB["redirect"]],
                "post_logout_redirect_uris": [APP_ORIGIN],
            }
        ],
        "users": [{**PASSWORD_USER, "name": "Reader"}],
        "sign_in_experience": experience,
        "connector": {
            "kind": "mailgun",
            "config": default_mailgun_config(endpoint=f"{mailgun_url}/.mailgun.net"),
        },
    }


def auth_url(logto: LogtoRunning, **extra: str) -> str:
    """A real authorization request of the Bookstore web app (``state`` random)."""
    params = {
        "client_id": WEB["id"],
        "redirect_uri": WEB["redirect"],
        "response_type": "code",
        "scope": "openid offline_access profile email",
        "prompt": "consent",
        "state": secrets.token_urlsafe(8),
        **extra,
    }
    return f"{logto.endpoint}/oidc/auth?{urlencode(params)}"


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def exchange(logto: LogtoRunning, authorization_url: str, callback_url: str) -> dict[str, Any]:
    """Check the callback answers the request (its ``state``, the issuer), trade its code at the token
    endpoint (client_secret_basic) and return the ID token's claims."""
    assert callback_url.startswith(WEB["redirect"] + "?"), callback_url
    params = query(callback_url)
    assert params.get("state") == query(authorization_url)["state"], params
    assert params.get("iss") == f"{logto.endpoint}/oidc", params
    with httpx.Client(timeout=30) as http:
        response = http.post(
            f"{logto.endpoint}/oidc/token",
            data={
                "grant_type": "authorization_code",
                "code": params["code"],
                "redirect_uri": WEB["redirect"],
            },
            auth=(WEB["id"], WEB["secret"]),
        )
    assert response.status_code == 200, response.text
    payload = response.json()["id_token"].split(".")[1]
    claims: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return claims


# --- accessibility --------------------------------------------------------------------------------------
# Every form control (in the accessibility tree) must have a name: an unnamed one shows as `- textbox`.
UNNAMED = re.compile(
    r"^\s*- (textbox|button|link|checkbox|radio|combobox|searchbox|spinbutton)\b(?! \")", re.M
)
# What the browser's accessibility tree cannot show: each input's <label> (or, for a code box, an aria-label
# inside the group's <label>), the page's language, one <h1>.
SCAN = """() => {
  const problems = [];
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (el.type === "hidden") continue;
    const labels = [...el.labels].map((label) => label.textContent.trim()).filter(Boolean);
    // The code's boxes are named one by one ("Digit 1 of 6"), inside the group's <label>.
    if (el.getAttribute("aria-label") && el.closest("label")) continue;
    if (!labels.length) problems.push(`${el.outerHTML} has no <label>`);
  }
  for (const el of document.querySelectorAll("button")) {
    if (!(el.getAttribute("aria-label") || el.textContent).trim()) problems.push(`${el.outerHTML} has no name`);
  }
  if (!document.documentElement.lang) problems.push("<html> has no lang");
  if (document.querySelectorAll("h1").length !== 1) problems.push("not exactly one <h1>");
  if (document.querySelector("form") && !document.querySelector("[role=alert]"))
    problems.push("a form without a role=alert region for its errors");
  return problems;
}"""


def assert_accessible(page: Page) -> str:
    """Check the page's controls have accessible names (the aria snapshot) and its inputs labels, lang and
    heading (a scan); returns the snapshot."""
    snapshot = page.locator("body").aria_snapshot()
    unnamed = [m.group(0).strip() for m in UNNAMED.finditer(snapshot)]
    assert not unnamed, f"{page.url}: controls without an accessible name: {unnamed}\n{snapshot}"
    problems = page.evaluate(SCAN)
    assert not problems, f"{page.url}: {problems}"
    return snapshot
