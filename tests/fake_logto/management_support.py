"""What the Management API tests share: a tenant with an M2M app holding the Management API role (the
``client_credentials`` token Logto's apps use), a client carrying that token, Logto's error-body check."""

from __future__ import annotations

from typing import Any

import httpx

MANAGEMENT = "https://default.logto.app/api"
ADMIN = {"id": "admin-m2m", "secret": "admin-secret"}


def with_admin(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` (a tenant dict) plus the ``Admin`` M2M app holding a role with the Management API's ``all``."""
    data["applications"].append({"name": "Admin", "type": "m2m", **ADMIN, "roles": ["management"]})
    data["roles"].append(
        {"name": "management", "type": "m2m", "scopes": [{"resource": MANAGEMENT, "scope": "all"}]}
    )
    return data


def token_response(
    endpoint: str, app: dict[str, str], resource: str = MANAGEMENT, scope: str = "all"
) -> httpx.Response:
    return httpx.post(
        f"{endpoint}/oidc/token",
        data={"grant_type": "client_credentials", "resource": resource, "scope": scope},
        auth=(app["id"], app["secret"]),
    )


def m2m_token(
    endpoint: str, app: dict[str, str] = ADMIN, resource: str = MANAGEMENT, scope: str = "all"
) -> str:
    response = token_response(endpoint, app, resource, scope)
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def api_client(endpoint: str) -> httpx.Client:
    """An ``httpx.Client`` on ``endpoint/api`` with the Admin app's Management API token."""
    return httpx.Client(
        base_url=endpoint + "/api", headers={"authorization": f"Bearer {m2m_token(endpoint)}"}
    )


def logto_error(
    response: httpx.Response, status: int, code: str, message: str | None = None
) -> dict[str, Any]:
    """Asserts Logto's ``{code, message}`` error body with ``status``; returns the body."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    if message is not None:
        assert body["message"] == message, body
    return body
