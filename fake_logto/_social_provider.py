"""The social provider stand-in: a local Google / GitHub the tenant's social connectors talk to, and the
test drives.

It plays the provider's side of the OAuth 2.0 code flow the way Logto's connectors read it
(``packages/connectors/connector-google/src/index.ts``, ``connector-github/src/index.ts``):

- ``GET /__harness/social/{target}/authorize`` (the connector's authorization URI): with a preset identity
  it answers at once (303 to ``redirect_uri`` with ``code`` and ``state``, or the provider's
  ``access_denied``); else a page where a browser picks the identity (id, email, verified flag, name,
  avatar, raw profile) and presses Continue or Deny (``POST`` of the same path).
- ``POST …/token``: the code for an access token (the code is single use and bound to the client and the
  ``redirect_uri``; else 400 ``invalid_grant`` / 401 ``invalid_client``, which the connector turns into
  Logto's ``connector.general``).
- ``GET|POST …/userinfo`` (and GitHub's ``…/user/emails``): the identity in the provider's own shape
  (Google: OIDC claims with ``email_verified``; GitHub: ``/user`` with a numeric ``id`` and
  ``/user/emails``); 401 for an unknown token.
- ``PUT /__harness/social/{target}/identity`` presets the next answers (``{"id", "email", "email_verified", "name", "avatar",
  "phone", "raw"}``, or ``{"deny": true}``), ``DELETE`` clears it. Presets stay until cleared or reset.

Deny answers as each provider does: Google ``error=access_denied``; GitHub also ``error_description`` and
``error_uri`` (GitHub's documented callback error). The stand-in does not check client secrets.
"""

from __future__ import annotations

import html
import json
import secrets
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from fakekit import ControlError

from . import paths
from ._social_identity import Identity, read_identity

TARGETS = ("google", "github")

GITHUB_DENIED = {
    "error": "access_denied",
    "error_description": "The user has denied your application access.",
    "error_uri": "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-authorization-request-"
    "errors/#access-denied",
}
GITHUB_BAD_CODE = {
    "error": "bad_verification_code",
    "error_description": "The code passed is incorrect or expired.",
    "error_uri": "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-"
    "request-errors/#bad-verification-code",
}
DENIED: dict[str, dict[str, str]] = {"google": {"error": "access_denied"}, "github": GITHUB_DENIED}


@dataclass
class _Code:
    target: str
    client_id: str
    redirect_uri: str
    identity: Identity
    used: bool = False


class ProviderError(Exception):
    """An HTTP error the provider answers (the connector sees status and body)."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(f"{status}: {body}")
        self.status, self.body = status, body


def profile(target: str, identity: Identity) -> dict[str, Any]:
    """The userinfo answer in the provider's shape (the raw profile's fields on top)."""
    if target == "github":  # GET https://api.github.com/user: the public email is a verified one
        body: dict[str, Any] = {
            "id": int(identity.id),
            "login": identity.raw.get("login", f"user{identity.id}"),
            "avatar_url": identity.avatar,
            "name": identity.name,
            "email": identity.email if identity.email_verified else None,
        }
    else:  # Google's OIDC userinfo
        body = {"sub": identity.id}
        for key, value in (("name", identity.name), ("picture", identity.avatar), ("email", identity.email)):
            if value is not None:
                body[key] = value
        if identity.email is not None:
            body["email_verified"] = identity.email_verified
    return {**body, **identity.raw}


def emails(identity: Identity) -> list[dict[str, Any]]:
    """GitHub's ``GET /user/emails``."""
    if identity.email is None:
        return []
    visibility = "public" if identity.email_verified else None
    return [
        {
            "email": identity.email,
            "primary": True,
            "verified": identity.email_verified,
            "visibility": visibility,
        }
    ]


class StandIn:
    """The provider's state: presets per target, issued codes and access tokens."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.presets: dict[str, Identity | None] = {}
        self.codes: dict[str, _Code] = {}
        self.tokens: dict[str, tuple[str, Identity]] = {}

    def reset(self) -> None:
        with self.lock:
            self.presets.clear()
            self.codes.clear()
            self.tokens.clear()

    def authorize_url(self, endpoint: str, target: str, params: dict[str, str]) -> str:
        return f"{endpoint}{paths.SOCIAL_AUTHORIZE.format(target=target)}?{urlencode(params)}"

    def answer(
        self, target: str, identity: Identity | None, client_id: str, redirect_uri: str, state: str
    ) -> str:
        """Where the browser goes back to: the redirect_uri with a code (or the provider's Deny) and state."""
        if identity is None:
            query = dict(DENIED[target])
        else:
            code = secrets.token_urlsafe(24)
            with self.lock:
                self.codes[code] = _Code(target, client_id, redirect_uri, identity)
            query = {"code": code}
        if state:
            query["state"] = state
        separator = "&" if urlsplit(redirect_uri).query else "?"
        return f"{redirect_uri}{separator}{urlencode(query)}"

    def exchange(self, target: str, code: str, client_id: str, redirect_uri: str | None) -> dict[str, Any]:
        """The token endpoint: RFC 6749 §5.2 errors as ProviderError."""
        with self.lock:
            grant = self.codes.get(code)
            if target == "github" and (grant is None or grant.used or grant.target != target):
                raise ProviderError(200, GITHUB_BAD_CODE)  # GitHub answers its token errors with a 200
            if grant is None or grant.used or grant.target != target:
                raise ProviderError(400, {"error": "invalid_grant", "error_description": "Bad Request"})
            if grant.client_id != client_id:
                raise ProviderError(401, {"error": "invalid_client", "error_description": "Unauthorized"})
            if redirect_uri is not None and redirect_uri != grant.redirect_uri:
                raise ProviderError(
                    400, {"error": "redirect_uri_mismatch", "error_description": "Bad Request"}
                )
            grant.used = True
            token = secrets.token_urlsafe(24)
            self.tokens[token] = (target, grant.identity)
        scope = "read:user,user:email" if target == "github" else "openid email profile"
        return {"access_token": token, "scope": scope, "token_type": "Bearer", "expires_in": 3599}

    def identity_of(self, target: str, token: str) -> Identity:
        with self.lock:
            found = self.tokens.get(token)
        if found is None or found[0] != target:
            raise ProviderError(401, {"message": "Bad credentials"})
        return found[1]


def _stand_in(request: Request) -> StandIn:
    stand_in: StandIn = request.app.state.tenant.connectors.stand_in
    return stand_in


_FIELDS = (("id", "Id"), ("email", "Email"), ("name", "Name"), ("avatar", "Avatar URL"))


def _page(target: str, params: dict[str, str]) -> str:
    hidden = "".join(f'<input type="hidden" name="{k}" value="{html.escape(v)}">' for k, v in params.items())
    inputs = "".join(
        f'<label>{label} <input name="{name}"{" required" if name == "id" else ""}></label><br>'
        for name, label in _FIELDS
    )
    return (
        f"<!doctype html><html><head><title>Sign in with {target} (stand-in)</title></head><body>"
        f'<h1>Sign in with {target}</h1><form method="post">{hidden}{inputs}'
        '<label><input type="checkbox" name="email_verified" value="true" checked> Email verified</label><br>'
        '<label>Raw profile (JSON) <textarea name="raw">{}</textarea></label><br>'
        '<button name="action" value="allow">Continue</button> '
        '<button name="action" value="deny" formnovalidate>Deny</button></form></body></html>'
    )


def _known(target: str) -> None:
    if target not in TARGETS:
        raise ControlError(
            404, "not_found", f"no social provider stand-in for {target!r} ({', '.join(TARGETS)})"
        )


def _authorize_params(source: dict[str, str]) -> dict[str, str]:
    params = {k: source.get(k, "") for k in ("client_id", "redirect_uri", "state", "scope")}
    if not params["redirect_uri"] or urlsplit(params["redirect_uri"]).scheme not in ("http", "https"):
        raise ControlError(400, "invalid_request", "redirect_uri: an http(s) URL is required")
    return params


async def authorize(request: Request, target: str) -> Response:
    """The provider's authorization endpoint: a preset answers at once, else the picking page."""
    _known(target)
    params = _authorize_params(dict(request.query_params))
    stand_in = _stand_in(request)
    with stand_in.lock:
        preset_known, preset = target in stand_in.presets, stand_in.presets.get(target)
    if not preset_known:
        return HTMLResponse(_page(target, params))
    back = stand_in.answer(target, preset, params["client_id"], params["redirect_uri"], params["state"])
    return RedirectResponse(back, status_code=303)


async def authorize_submit(request: Request, target: str) -> Response:
    """The page's Continue / Deny."""
    _known(target)
    form = {k: str(v) for k, v in (await request.form()).items()}
    params = _authorize_params(form)
    identity = None
    if form.get("action") != "deny":
        try:
            raw = json.loads(form.get("raw") or "{}")
        except ValueError:
            raise ControlError(400, "invalid_request", "raw: not JSON") from None
        picked = {k: form.get(k) or None for k, _ in _FIELDS}
        identity = read_identity(target, {**picked, "email_verified": "email_verified" in form, "raw": raw})
    back = _stand_in(request).answer(
        target, identity, params["client_id"], params["redirect_uri"], params["state"]
    )
    return RedirectResponse(back, status_code=303)


async def token(request: Request, target: str) -> Response:
    _known(target)
    form = await request.form()
    try:
        body = _stand_in(request).exchange(
            target,
            str(form.get("code", "")),
            str(form.get("client_id", "")),
            form.get("redirect_uri"),  # type: ignore[arg-type]
        )
    except ProviderError as exc:
        return JSONResponse(exc.body, status_code=exc.status)
    return JSONResponse(body)


def _bearer(request: Request) -> str:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return value if scheme.lower() == "bearer" else ""


async def userinfo(request: Request, target: str) -> Response:
    _known(target)
    try:
        identity = _stand_in(request).identity_of(target, _bearer(request))
    except ProviderError as exc:
        return JSONResponse(exc.body, status_code=exc.status)
    return JSONResponse(profile(target, identity))


async def user_emails(request: Request, target: str) -> Response:
    _known(target)
    try:
        identity = _stand_in(request).identity_of(target, _bearer(request))
    except ProviderError as exc:
        return JSONResponse(exc.body, status_code=exc.status)
    return JSONResponse(emails(identity))


async def put_identity(request: Request, target: str) -> Response:
    """Preset the identity the provider answers with (or ``{"deny": true}``), for unattended tests."""
    _known(target)
    try:
        body = await request.json()
    except ValueError:
        raise ControlError(400, "invalid_request", "the body must be JSON") from None
    identity = read_identity(target, body)
    stand_in = _stand_in(request)
    with stand_in.lock:
        stand_in.presets[target] = identity
    shown = {"deny": True} if identity is None else {**identity.__dict__}
    return JSONResponse({"target": target, "preset": shown})


async def delete_identity(request: Request, target: str) -> Response:
    """Forget the preset: the authorization page asks again."""
    _known(target)
    stand_in = _stand_in(request)
    with stand_in.lock:
        stand_in.presets.pop(target, None)
    return Response(status_code=204)


ROUTES = [
    ("GET", paths.SOCIAL_AUTHORIZE, authorize),
    ("POST", paths.SOCIAL_AUTHORIZE, authorize_submit),
    ("POST", paths.SOCIAL_TOKEN, token),
    ("GET", paths.SOCIAL_USERINFO, userinfo),
    ("POST", paths.SOCIAL_USERINFO, userinfo),
    ("GET", paths.SOCIAL_USER_EMAILS, user_emails),
    ("PUT", paths.SOCIAL_IDENTITY, put_identity),
    ("DELETE", paths.SOCIAL_IDENTITY, delete_identity),
]
