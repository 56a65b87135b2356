"""Shared constants and helpers of the fake_logto tests: the test tenant, PKCE, authorization URLs."""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any
from urllib.parse import urlencode

from fake_logto import Running as LogtoRunning
from fake_logto import default_mailgun_config

API = "https://api.bookstore.test"
WEB = {"id": "bookstore", "secret": "bookstore-secret", "redirect": "http://localhost:3000/callback"}
SPA = {"id": "bookstore-spa", "redirect": "http://localhost:5173/callback"}
M2M = {"id": "bookstore-m2m", "secret": "m2m-secret"}
PASSWORD_USER = {"email": "reader@example.test", "username": "reader", "password": "correct horse battery"}


def tenant_dict(mailgun_url: str, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "applications": [
            {
                "name": "Bookstore",
                "type": "traditional",
                "id": WEB["id"],
                "secret": WEB["secret"],
                "redirect_uris": [WEB["redirect"]],
                "post_logout_redirect_uris": ["http://localhost:3000"],
            },
            {
                "name": "Bookstore SPA",
                "type": "spa",
                "id": SPA["id"],
                "redirect_uris": [SPA["redirect"]],
                "post_logout_redirect_uris": ["http://localhost:5173"],
            },
            {"name": "Bookstore jobs", "type": "m2m", "id": M2M["id"], "secret": M2M["secret"]},
        ],
        "resources": [
            {
                "indicator": API,
                "name": "Bookstore API",
                "scopes": ["read:books", "write:books"],
                "access_token_ttl": 900,
            }
        ],
        "roles": [{"name": "librarian", "scopes": [{"resource": API, "scope": "write:books"}]}],
        "organizations": [
            {
                "id": "org-acme",
                "name": "Acme",
                "members": [PASSWORD_USER["email"]],
                "roles": [f"{PASSWORD_USER['email']}:admin"],
            }
        ],
        "users": [
            {**PASSWORD_USER, "name": "Reader", "custom_data": {"plan": "gold"}, "roles": ["librarian"]}
        ],
        "sign_in_experience": {
            "sign_up": {"identifiers": ["email"], "verify": True, "password": False},
            "sign_in": [
                {"identifier": "email", "verification_code": True, "password": True},
                {"identifier": "username", "verification_code": False, "password": True},
            ],
        },
        "connector": {
            "kind": "mailgun",
            "config": default_mailgun_config(endpoint=f"{mailgun_url}/.mailgun.net"),
        },
    }
    data.update(overrides)
    return data


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(32)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    return verifier, challenge


def auth_url(
    logto: LogtoRunning, *, client_id: str = WEB["id"], redirect_uri: str = WEB["redirect"], **extra: str
) -> str:
    params = {
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "scope": "openid offline_access profile email",
        "prompt": "consent",
        "state": secrets.token_urlsafe(8),
        **extra,
    }
    return f"{logto.endpoint}/oidc/auth?{urlencode({k: v for k, v in params.items() if v is not None})}"
