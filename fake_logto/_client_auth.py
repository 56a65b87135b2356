"""Client authentication at the token, introspection and revocation endpoints.

Accepted, as Logto (node-oidc-provider) does and every official SDK needs (reference/sdks.md):
``client_secret_basic`` with the id and secret raw (Go SDK) or form-URL-encoded (RFC 6749 §2.3.1), with
``client_id`` possibly repeated in the body (it must then agree); ``client_secret_post``; and ``none`` for
public clients — where the Python SDK's literal ``client_secret=None`` counts as absent.
"""

from __future__ import annotations

import base64
import secrets
from urllib.parse import unquote_plus

from starlette.requests import Request

from ._config import Application
from ._errors import OAuthError, invalid_client, invalid_request
from ._tenant import Tenant

Form = dict[str, str]


async def read_form(request: Request) -> Form:
    """The urlencoded body (node-oidc-provider accepts nothing else on these endpoints); a repeated
    parameter is an error."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        raise invalid_request(
            f"only application/x-www-form-urlencoded content-type bodies are supported on POST {request.url.path}"
        )
    form = await request.form()
    items = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
    seen: set[str] = set()
    for key, _ in items:
        if key in seen and key != "resource":
            raise invalid_request(f"'{key}' parameter must not be provided twice")
        seen.add(key)
    return dict(items)


def _basic(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except ValueError as exc:  # binascii.Error, UnicodeDecodeError, and b64decode's non-ASCII refusal
        raise invalid_request("invalid authorization header value format") from exc
    client_id, sep, secret = decoded.partition(":")
    if not sep:
        raise invalid_request("invalid authorization header value format")
    return client_id, secret


def _secret_matches(given: str, expected: str) -> bool:
    # Raw (the Go SDK) or form-URL-encoded (RFC 6749): either may be what the client meant.
    want = expected.encode()
    return any(secrets.compare_digest(candidate.encode(), want) for candidate in {given, unquote_plus(given)})


def authenticate(request: Request, tenant: Tenant, form: Form, *, required: bool = True) -> Application:
    """The calling client, authenticated by its registered method; raises invalid_client otherwise."""
    basic = _basic(request)
    body_id = form.get("client_id")
    body_secret = form.get("client_secret")
    if body_secret == "None":  # the Python SDK sends the string "None" for public clients
        body_secret = None
    if basic is not None and body_secret is not None:
        raise invalid_request("client authentication must only be provided using one mechanism")
    if basic is not None:
        client_id = basic[0] if tenant.config.application(basic[0]) else unquote_plus(basic[0])
        if body_id is not None and body_id != client_id:
            raise invalid_request("mismatch between client_id in the body and in the Authorization header")
    elif body_id:
        client_id = body_id
    else:
        raise invalid_request("no client authentication mechanism provided")
    client = tenant.config.application(client_id)
    if client is None:  # Logto's client lookup (packages/core/src/oidc/adapter.ts): 400, not 401
        raise OAuthError("invalid_client", f"invalid client {client_id}")
    given = basic[1] if basic is not None else body_secret
    if client.confidential:
        if given is None:
            if required:
                raise invalid_client("client authentication failed: no client secret provided")
        elif not _secret_matches(given, client.secret):
            raise invalid_client("invalid secret provided")
    elif given is not None and client.secret and not _secret_matches(given, client.secret):
        raise invalid_client("invalid secret provided")
    return client


def check_client(tenant: Tenant, client_id: str | None) -> Application:
    if not client_id:
        raise invalid_request("missing required parameter 'client_id'")
    client = tenant.config.application(client_id)
    if client is None:
        raise OAuthError("invalid_client", "client is invalid", 401)
    return client
