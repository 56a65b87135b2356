"""Client authentication at the token, introspection and revocation endpoints.

As node-oidc-provider's ``lib/shared/client_auth.js`` (Logto's ``packages/core/src/oidc/utils.ts`` registers
``token_endpoint_auth_method``: ``none`` for SPA and native apps, ``client_secret_basic`` for traditional
web and machine-to-machine apps — which admits ``client_secret_post`` too): one mechanism only; the
``Authorization: Basic`` id and secret form-URL-decoded (RFC 6749 appendix B); ``client_id`` possibly
repeated in the body (it must then agree). A public client that sends any secret — the Python SDK's
literal ``client_secret=None`` included — and a confidential client that sends none both fail with
``invalid_client``: every authentication failure answers 401 "client authentication failed", and with a
``WWW-Authenticate: Basic`` challenge when the request carried an ``Authorization`` header.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
from urllib.parse import parse_qsl, unquote

from starlette.requests import Request

from . import paths
from ._config import Application
from ._cors import check_client_origin
from ._errors import OAuthError, invalid_client, invalid_request, www_authenticate
from ._tenant import Tenant

Form = dict[str, str]

AUTH_PARAMS = frozenset({"client_id", "client_secret", "client_assertion", "client_assertion_type"})
_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
_BASE64 = re.compile(r"^([A-Za-z0-9+/]*)(={0,2})$")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_NO_VSCHAR = re.compile(r"[^\x20-\x7E]")  # RFC 6749 appendix A VSCHAR


async def read_body(request: Request) -> list[tuple[str, str]]:
    """A POST body as node-oidc-provider's ``lib/shared/selective_body.js`` reads it: urlencoded only — a
    JSON body is read as the form it would be (Logto's body middleware in ``packages/core/src/oidc/init.ts``
    re-labels it first), any other ``Content-Type`` is an ``invalid_request`` naming the mount-relative
    path, none reads as no parameters. Null bytes are refused first (Logto's body middleware)."""
    raw = await _raw_body(request)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json":
        return _json_form(raw)
    if content_type == "application/x-www-form-urlencoded":
        return parse_qsl(raw, keep_blank_values=True)
    if request.headers.get("content-type"):
        path = request.url.path.removeprefix(paths.OIDC)  # the provider's mount-relative ctx.path
        raise invalid_request(
            f"only application/x-www-form-urlencoded content-type bodies are supported on POST {path}"
        )
    return []


async def _raw_body(request: Request) -> str:
    raw = (await request.body()).decode("utf-8", errors="replace")
    if "\0" in raw:
        raise invalid_request("null bytes are not allowed in the request body")
    return raw


async def post_as_get(request: Request) -> list[tuple[str, str]]:
    """The parameters of a POST to ``/oidc/auth`` or ``/oidc/session/end``, which node-oidc-provider v9 does not
    route: Logto's ``koaOidcPostToGet`` (``packages/core/src/middleware/koa-oidc-post-to-get.ts``) hands
    a urlencoded (or re-labelled JSON) body on as the query of a GET — scalars as strings, lists of two or
    more scalars as repeats. Any other body falls through to Logto's ``koaOidcUnrecognizedRoute``: 404."""
    raw = await _raw_body(request)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/x-www-form-urlencoded":
        return parse_qsl(raw, keep_blank_values=True)
    items = _json_query(raw) if content_type == "application/json" else None
    if items is None:
        below = request.url.path.removeprefix(paths.OIDC)
        raise OAuthError(
            "invalid_request", f"unrecognized route or not allowed method (POST on {below})", 404
        )
    return items


def _json_query(raw: str) -> list[tuple[str, str]] | None:
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    items: list[tuple[str, str]] = []
    for key, value in data.items():
        values = value if isinstance(value, list) and len(value) >= 2 else [value]
        if not all(
            isinstance(v, str | int | float) for v in values
        ):  # bool is an int; None, {} and [] are not
            return None
        items.extend((key, _scalar(v)) for v in values)
    return items


async def read_form(request: Request) -> Form:
    """The body (:func:`read_body`) of the token, PAR, introspection and revocation endpoints. A repeated
    client authentication parameter is refused at once; other repeats are refused by :func:`reject_dupes`
    after the client authenticated, as node-oidc-provider orders it."""
    items = await read_body(request)
    request.state.form_keys = [k for k, _ in items]
    request.state.form_items = items  # repeats kept (``resource``), for the pushed authorization request
    reject_dupes(request, only=AUTH_PARAMS)
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
    """JavaScript's ``String(value)`` for a JSON scalar (``1.0`` is the number 1)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    if isinstance(value, str | int | float):
        return str(value)
    return ""


def format_list(words: list[str]) -> str:
    """node-oidc-provider's ``formatList``: quoted, joined as an English conjunction."""
    quoted = [f"'{w}'" for w in words]
    if len(quoted) <= 2:
        return " and ".join(quoted)
    return ", ".join(quoted[:-1]) + f", and {quoted[-1]}"


def reject_dupes(
    request: Request, *, only: frozenset[str] | None = None, allow: frozenset[str] = frozenset()
) -> None:
    """``lib/shared/reject_dupes.js``: a parameter given twice is an ``invalid_request``."""
    keys: list[str] = getattr(request.state, "form_keys", [])
    seen: set[str] = set()
    dupes: list[str] = []
    for key in keys:
        if key in seen and key not in dupes and key not in allow and (only is None or key in only):
            dupes.append(key)
        seen.add(key)
    if dupes:
        noun = "parameter" if len(dupes) == 1 else "parameters"
        raise invalid_request(f"{format_list(dupes)} {noun} must not be provided twice")


def missing(form: Form, *names: str) -> None:
    """``lib/helpers/validate_presence.js``."""
    absent = [name for name in names if name not in form]
    if absent:
        noun = "parameter" if len(absent) == 1 else "parameters"
        raise invalid_request(f"missing required {noun} {format_list(absent)}")


def _valid_base64(value: str) -> bool:
    match = _BASE64.match(value)
    if match is None or not match.group(1):
        return False
    remainder = len(match.group(1)) % 4
    if not match.group(2):
        return remainder != 1
    return (len(match.group(1)) + len(match.group(2))) % 4 == 0 and len(match.group(2)) == 4 - remainder


def _decode_auth_token(token: str) -> str:
    """``decodeURIComponent`` after ``+`` → space: a malformed escape or bad UTF-8 is an error."""
    if _BAD_ESCAPE.search(token):
        raise ValueError("malformed escape")
    decoded = unquote(token.replace("+", "%20"), errors="strict")
    if _NO_VSCHAR.search(decoded):
        raise ValueError("invalid character found")
    return decoded


def _basic(header: str) -> tuple[str, str]:
    parts = header.split(" ")
    if len(parts) != 2 or parts[0].lower() != "basic" or not _valid_base64(parts[1]):
        raise invalid_request("invalid authorization header value format")
    unpadded = parts[1].rstrip("=")
    basic = base64.b64decode(unpadded + "=" * (-len(unpadded) % 4)).decode("utf-8", errors="replace")
    client_id, sep, secret = basic.partition(":")
    if not sep:
        raise invalid_request("invalid authorization header value format")
    try:
        return _decode_auth_token(client_id), _decode_auth_token(secret)
    except ValueError as exc:  # a bad %-escape (UnicodeDecodeError) or a character outside VSCHAR
        raise invalid_request(
            "client_id and client_secret in the authorization header are not properly encoded"
        ) from exc


def _assertion_subject(assertion: str) -> str | None:
    try:
        payload = assertion.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError, binascii.Error) as exc:
        raise invalid_request("invalid client_assertion format") from exc
    sub = claims.get("sub") if isinstance(claims, dict) else None
    return sub if isinstance(sub, str) and sub else None


def authenticate(request: Request, tenant: Tenant, form: Form) -> Application:
    """The calling client, authenticated by its registered method (``lib/shared/client_auth.js``)."""
    try:
        return _authenticate(request, tenant, form)
    except OAuthError as exc:
        raise basic_challenge(request, tenant, exc) from None


def basic_challenge(request: Request, tenant: Tenant, exc: OAuthError) -> OAuthError:
    """A 401 answered to a request with an ``Authorization`` header carries a Basic challenge."""
    if exc.status == 401 and "authorization" in request.headers:
        exc.headers["WWW-Authenticate"] = www_authenticate(
            "Basic", realm=tenant.issuer, error=exc.error, error_description=exc.description
        )
    return exc


def _authenticate(request: Request, tenant: Tenant, form: Form) -> Application:
    header = request.headers.get("authorization")
    secret = form.get("client_secret") or None
    assertion = form.get("client_assertion") or None
    if sum(1 for mechanism in (header, assertion, secret) if mechanism) > 1:
        raise invalid_request("client authentication must only be provided using one mechanism")
    client_id = form.get("client_id")

    def set_client_id(value: str) -> None:
        nonlocal client_id
        if client_id is not None and value != client_id:
            raise invalid_request("client_id mismatch")
        client_id = value

    if secret is not None:
        methods = ("client_secret_basic",)
    elif header is not None:
        basic_id, secret = _basic(header)
        set_client_id(basic_id)
        if not secret:
            raise invalid_request("client_secret must be provided in the Authorization header")
        methods = ("client_secret_basic",)
    elif form.get("client_assertion") is not None:
        sub = _assertion_subject(form["client_assertion"])
        if sub is None:
            raise invalid_client()
        if "client_assertion_type" not in form:
            raise invalid_request("client_assertion_type must be provided")
        if form["client_assertion_type"] != _ASSERTION_TYPE:
            raise invalid_request(f"client_assertion_type must have value {_ASSERTION_TYPE}")
        set_client_id(sub)
        methods = ("private_key_jwt",)  # no Logto app registers a JWT method
    else:
        methods = ("none",)
    if not client_id:
        raise invalid_request("no client authentication mechanism provided")
    client = tenant.config.application(client_id)
    if client is None:
        # Logto's adapter throws from the client lookup (packages/core/src/oidc/adapter.ts): 400, before
        # node-oidc-provider's own "client not found" (lib/shared/client_auth.js) could answer 401.
        raise OAuthError("invalid_client", f"invalid client {client_id}")
    check_client_origin(
        request, client, tenant
    )  # node-oidc-provider's clientBasedCORS, on assigning the client
    registered = "client_secret_basic" if client.confidential else "none"
    if registered not in methods:
        raise invalid_client()
    if registered == "client_secret_basic":
        # Logto's koa-app-secret-transpilation.ts: a secret of ``application_secrets`` stands for the app's
        # own; an expired one is refused before oidc-provider sees it.
        stored = tenant.store.roles.app_secret(client.id, secret or "")
        if stored is not None and stored.expires_at is not None and stored.expires_at < tenant.store.now_ms():
            raise invalid_request("client secret has expired")
        if stored is None and not secrets.compare_digest((secret or "").encode(), client.secret.encode()):
            raise invalid_client()
    return client
