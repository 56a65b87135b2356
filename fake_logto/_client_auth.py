"""Client authentication at the token, introspection and revocation endpoints.

Accepted, as Logto (node-oidc-provider) does and every official SDK needs (reference/sdks.md):
``client_secret_basic`` with the id and secret raw (Go SDK) or form-URL-encoded (RFC 6749 §2.3.1), with
``client_id`` possibly repeated in the body (it must then agree); ``client_secret_post``; and ``none`` for
public clients — where the Python SDK's literal ``client_secret=None`` counts as absent.
"""

from __future__ import annotations

import base64
import json
import secrets
from urllib.parse import parse_qsl, unquote_plus

from starlette.requests import Request

from . import paths
from ._config import Application
from ._cors import check_client_origin
from ._errors import OAuthError, invalid_client, invalid_request
from ._tenant import Tenant

Form = dict[str, str]


async def read_form(request: Request) -> Form:
    """The urlencoded body; a repeated parameter is an error. A JSON body is read as the form it would
    be (Logto's body middleware in ``packages/core/src/oidc/init.ts`` re-labels it before
    node-oidc-provider's ``lib/shared/selective_body.js``); no ``Content-Type`` reads as no parameters."""
    raw = (await request.body()).decode("utf-8", errors="replace")
    if "\0" in raw:
        raise invalid_request("null bytes are not allowed in the request body")
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json":
        items = _json_form(raw)
    elif content_type == "application/x-www-form-urlencoded":
        items = parse_qsl(raw, keep_blank_values=True)
    elif request.headers.get("content-type"):
        path = request.url.path.removeprefix(paths.OIDC)  # the provider's mount-relative ctx.path
        raise invalid_request(
            f"only application/x-www-form-urlencoded content-type bodies are supported on POST {path}"
        )
    else:
        items = []
    seen: set[str] = set()
    for key, _ in items:
        if key in seen and key != "resource":
            raise invalid_request(f"'{key}' parameter must not be provided twice")
        seen.add(key)
    return dict(items)


def _json_form(raw: str) -> list[tuple[str, str]]:
    """A JSON body as node's ``querystring.stringify`` then ``parse`` leave it: scalars as strings, a list
    as repeated keys, anything else (and a body that is not a JSON object) empty."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return []
    if not isinstance(data, dict):
        return []
    items: list[tuple[str, str]] = []
    for key, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            items.append((key, _scalar(item)))
    return items


def _scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    return ""


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
    if client is None:
        raise invalid_client("client is invalid")
    check_client_origin(request, client)  # node-oidc-provider's clientBasedCORS, on assigning the client
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
