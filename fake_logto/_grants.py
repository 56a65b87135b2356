"""What every grant of ``POST /oidc/token`` shares: the handler type, the response body, the grant's user,
the ``resource`` parameter and the debug view's record of the tokens issued."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from ._client_auth import Form
from ._config import Application
from ._errors import invalid_grant
from ._events import decode_jwt
from ._store import Grant, User
from ._tenant import Tenant

# (tenant, client, form, the ``resource`` values with repeats kept: the form keeps the last)
GrantHandler = Callable[[Tenant, Application, Form, list[str]], Awaitable[dict[str, Any]]]


def grant_user(tenant: Tenant, user_id: str) -> User:
    user = tenant.store.users.get(user_id)
    if user is None:
        raise invalid_grant("the user of this grant no longer exists")
    return user


def resource_param(form: Form) -> str | None:
    resource = form.get("resource")
    return resource or None


def token_response(
    access: str, expires_in: int, scope: str | None, *, id_token_value: str | None, refresh: str | None
) -> dict[str, Any]:
    """The token response; a ``scope`` of None is left out (an empty one stays, as Logto's fork answers)."""
    body: dict[str, Any] = {"access_token": access, "expires_in": expires_in}
    if id_token_value is not None:
        body["id_token"] = id_token_value
    if refresh is not None:
        body["refresh_token"] = refresh
    if scope is not None:
        body["scope"] = scope
    body["token_type"] = "Bearer"
    return body


def log_tokens(
    tenant: Tenant,
    kind: str,
    grant_type: str,
    client: Application,
    grant: Grant | None,
    user: User | None,
    body: dict[str, Any],
    **extra: Any,
) -> None:
    """The debug view's record of tokens: decoded header and claims of every JWT, "opaque" otherwise."""
    tenant.events.record(
        kind,
        flow=grant.flow_id if grant else None,
        client_id=client.id,
        email=user.primary_email if user else None,
        grant_type=grant_type,
        id_token=decode_jwt(body["id_token"]) if "id_token" in body else None,
        access_token=decode_jwt(body["access_token"]) or "opaque (good at /oidc/me)",
        scope=body.get("scope"),
        expires_in=body["expires_in"],
        refresh_token_issued="refresh_token" in body,
        **extra,
    )
