"""Shared constants and helpers of the fake_logto tests: the test tenant (and the authorization tenant of
the organization / RBAC tests), PKCE, authorization URLs, a password sign-in."""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any
from urllib.parse import urlencode

from fake_logto import Running as LogtoRunning
from fake_logto import default_mailgun_config
from harness._experience import ExperienceClient

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
            {
                "name": "Bookstore jobs",
                "type": "m2m",
                "id": M2M["id"],
                "secret": M2M["secret"],
                "roles": ["catalogue-sync"],
            },
        ],
        "resources": [
            {
                "indicator": API,
                "name": "Bookstore API",
                "scopes": ["read:books", "write:books"],
                "access_token_ttl": 900,
            }
        ],
        "roles": [
            {"name": "librarian", "scopes": [{"resource": API, "scope": "write:books"}]},
            {"name": "catalogue-sync", "type": "m2m", "scopes": [{"resource": API, "scope": "read:books"}]},
        ],
        "organization_template": {
            "scopes": ["read:members", "invite:members"],
            "roles": [{"name": "admin", "scopes": ["read:members", "invite:members"]}],
        },
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


# --- the authorization tenant (organizations, user and M2M roles, the default API) ------------------------
REPORTS = "https://reports.bookstore.test"  # the default API resource of the authorization tenant
ORG = "org-acme"
OTHER_ORG = "org-globex"
MEMBER = {"email": "ada@acme.test", "password": "member pass 1"}  # admin of ORG, librarian
VIEWER = {"email": "vic@acme.test", "password": "viewer pass 1"}  # viewer of ORG, no role
OUTSIDER = {"email": "olga@else.test", "password": "outsider pass 1"}  # no organization, no role
JOBS = {"id": "jobs", "secret": "jobs-secret"}  # m2m: role "sync", in ORG as "bot"
LONER = {"id": "loner", "secret": "loner-secret"}  # m2m: no role, no organization


def authz_tenant_dict(mailgun_url: str) -> dict[str, Any]:
    base = tenant_dict(mailgun_url)
    apps = [
        *base["applications"][:2],
        {"name": "Jobs", "type": "m2m", "id": JOBS["id"], "secret": JOBS["secret"], "roles": ["sync"]},
        {"name": "Loner", "type": "m2m", "id": LONER["id"], "secret": LONER["secret"]},
    ]
    return tenant_dict(
        mailgun_url,
        applications=apps,
        resources=[
            {
                "indicator": API,
                "name": "Bookstore API",
                "scopes": ["read:books", "write:books", "delete:books"],
            },
            {"indicator": REPORTS, "scopes": ["read:reports", "export:reports"], "default": True},
        ],
        roles=[
            {"name": "librarian", "scopes": [{"resource": API, "scope": "write:books"}]},
            {
                "name": "sync",
                "type": "m2m",
                "scopes": [
                    {"resource": API, "scope": "read:books"},
                    {"resource": REPORTS, "scope": "read:reports"},
                ],
            },
        ],
        organization_template={
            "scopes": ["read:members", "invite:members", "manage:billing"],
            "roles": [
                {
                    "name": "admin",
                    "scopes": ["read:members", "invite:members"],
                    "resource_scopes": [{"resource": API, "scope": "read:books"}],
                },
                {"name": "viewer", "scopes": ["read:members"]},
                {
                    "name": "bot",
                    "type": "m2m",
                    "scopes": ["read:members"],
                    "resource_scopes": [{"resource": API, "scope": "delete:books"}],
                },
            ],
        },
        organizations=[
            {
                "id": ORG,
                "name": "Acme",
                "members": [MEMBER["email"], VIEWER["email"]],
                "roles": [f"{MEMBER['email']}:admin", f"{VIEWER['email']}:viewer"],
                "applications": [JOBS["id"]],
                "application_roles": [f"{JOBS['id']}:bot"],
            },
            {"id": OTHER_ORG, "name": "Globex"},
        ],
        users=[
            {**MEMBER, "roles": ["librarian"]},
            VIEWER,
            OUTSIDER,
        ],
    )


def password_sign_in(endpoint: str, authorization_url: str, email: str, password: str) -> str:
    """Sign in by email and password over the Experience API; returns the callback URL."""
    with ExperienceClient(endpoint) as browser:
        browser.start(authorization_url)
        browser.set_event("SignIn")
        browser.identify(browser.verify_password("email", email, password))
        redirect_to = browser.submit()
        assert redirect_to is not None
        return browser.finish(redirect_to)
