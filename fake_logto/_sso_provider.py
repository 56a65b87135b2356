"""The enterprise identity provider stand-in: OpenID Connect providers served by fake_logto, each named
by the test (``/sso-provider/{idp}``, its issuer), that the tenant's OIDC SSO connectors reach over HTTP
exactly as Logto's ``OidcConnector`` reaches an IdP (:mod:`._sso_oidc`).

- ``GET …/.well-known/openid-configuration``: issuer, authorization, token, userinfo and JWKS endpoints.
- ``GET …/jwks``: the stand-in's public key (EC P-256, ES256; one per fake_logto process).
- ``GET …/authorize`` (``client_id``, ``redirect_uri``, ``response_type=code``, ``scope``, ``state``,
  ``nonce``): with a preset identity it answers at once (303 to ``redirect_uri`` with ``code`` and
  ``state``, or ``error=access_denied``); else a page where a browser picks the identity and presses
  Continue or Deny (``POST`` of the same path).
- ``POST …/token`` (``grant_type=authorization_code``, the code, its ``redirect_uri``; the client by HTTP
  Basic or ``client_id`` in the form): ``{access_token, token_type, expires_in, scope, id_token}``, the ID
  token signed and holding ``iss``, ``sub``, ``aud`` (the client), ``iat``, ``exp``, the ``nonce`` of the
  authorization request, and the identity's claims (``name``, ``picture``, ``email``, ``email_verified``,
  ``phone_number``, then the raw claims on top). A code is single use and bound to its client and
  ``redirect_uri``: else 400 ``invalid_grant`` / 401 ``invalid_client`` (RFC 6749 §5.2). Client secrets
  are not checked.
- ``GET …/userinfo`` (Bearer): the same claims without the token ones; 401 ``invalid_token``.
- ``PUT /__harness/sso/{idp}/identity`` presets the next answers (``{"id", "email", "email_verified",
  "name", "avatar", "phone", "raw"}``, or ``{"deny": true}``); ``DELETE`` clears it. Cleared by reset.

Times come from the tenant's clock, so a test that advances it ages the stand-in's tokens too.
"""

from __future__ import annotations

import base64
import html
import json
import re
import secrets
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_plus, urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from fakekit import ControlError

from . import paths
from ._social_identity import Identity, read_identity

if TYPE_CHECKING:
    from joserfc.jwk import ECKey

_IDP_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
TOKEN_TTL = 3600


@dataclass
class _Code:
    idp: str
    client_id: str
    redirect_uri: str
    nonce: str
    scope: str
    identity: Identity
    used: bool = False


def claims_of(identity: Identity) -> dict[str, Any]:
    """The identity's OIDC claims (userinfo; the ID token adds its own)."""
    claims: dict[str, Any] = {"sub": identity.id}
    for key, value in (("name", identity.name), ("picture", identity.avatar), ("email", identity.email)):
        if value is not None:
            claims[key] = value
    if identity.email is not None:
        claims["email_verified"] = identity.email_verified
    if identity.phone is not None:
        claims["phone_number"] = identity.phone
    return {**claims, **identity.raw}


class IdpStandIn:
    """The providers' state: presets per provider name, issued codes and access tokens, the key."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._key: tuple[ECKey, str] | None = None  # and its kid; made by the first JWKS or ID token
        self.presets: dict[str, Identity | None] = {}
        self.codes: dict[str, _Code] = {}
        self.tokens: dict[str, tuple[str, Identity]] = {}

    def reset(self) -> None:
        with self.lock:
            self.presets.clear()
            self.codes.clear()
            self.tokens.clear()

    @property
    def key(self) -> ECKey:
        return self._signing()[0]

    @property
    def kid(self) -> str:
        return self._signing()[1]

    def _signing(self) -> tuple[ECKey, str]:
        """The provider's P-256 key, made on first use: joserfc and cryptography stay out of the start."""
        with self.lock:
            if self._key is None:
                from joserfc.jwk import ECKey

                key = ECKey.generate_key("P-256", private=True)
                self._key = (key, key.thumbprint())
            return self._key

    def jwks(self) -> dict[str, Any]:
        public = {**self.key.as_dict(private=False), "kid": self.kid, "alg": "ES256", "use": "sig"}
        return {"keys": [public]}

    def answer(self, idp: str, identity: Identity | None, params: dict[str, str]) -> str:
        """The redirect back: a code (or ``access_denied``) and the state."""
        if identity is None:
            query = {"error": "access_denied", "error_description": "The user denied the request."}
        else:
            code = secrets.token_urlsafe(24)
            grant = _Code(
                idp, params["client_id"], params["redirect_uri"], params["nonce"], params["scope"], identity
            )
            with self.lock:
                self.codes[code] = grant
            query = {"code": code}
        if params["state"]:
            query["state"] = params["state"]
        redirect_uri = params["redirect_uri"]
        separator = "&" if urlsplit(redirect_uri).query else "?"
        return f"{redirect_uri}{separator}{urlencode(query)}"

    def exchange(
        self, idp: str, issuer: str, form: dict[str, str], client_id: str, now: float
    ) -> tuple[int, dict[str, Any]]:
        with self.lock:
            grant = self.codes.get(form.get("code", ""))
            if form.get("grant_type") != "authorization_code":
                return 400, {"error": "unsupported_grant_type", "error_description": "unsupported grant_type"}
            if grant is None or grant.used or grant.idp != idp:
                return 400, {"error": "invalid_grant", "error_description": "grant request is invalid"}
            if grant.client_id != client_id:
                return 401, {"error": "invalid_client", "error_description": "client authentication failed"}
            if form.get("redirect_uri", "") != grant.redirect_uri:
                return 400, {"error": "invalid_grant", "error_description": "redirect_uri mismatch"}
            grant.used = True
            access_token = secrets.token_urlsafe(24)
            self.tokens[access_token] = (idp, grant.identity)
        iat = int(now)
        token_claims = {"iss": issuer, "aud": client_id, "iat": iat, "exp": iat + TOKEN_TTL}
        if grant.nonce:
            token_claims["nonce"] = grant.nonce
        from joserfc import jwt

        id_token = jwt.encode(
            {"alg": "ES256", "kid": self.kid}, {**claims_of(grant.identity), **token_claims}, self.key
        )
        return 200, {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": TOKEN_TTL,
            "scope": grant.scope,
            "id_token": id_token,
        }


def _stand_in(request: Request) -> IdpStandIn:
    stand_in: IdpStandIn = request.app.state.tenant.sso.stand_in
    return stand_in


def _idp(request: Request) -> str:
    idp: str = request.path_params["idp"]
    if not _IDP_NAME.match(idp):
        raise ControlError(404, "not_found", "a provider name is 1-64 letters, digits, '-' or '_'")
    return idp


def _issuer(request: Request, idp: str) -> str:
    url: str = request.app.state.tenant.url(paths.SSO_IDP.format(idp=idp))
    return url


async def discovery(request: Request) -> Response:
    idp = _idp(request)
    issuer = _issuer(request, idp)
    return JSONResponse(
        {
            "issuer": issuer,
            "authorization_endpoint": issuer + "/authorize",
            "token_endpoint": issuer + "/token",
            "userinfo_endpoint": issuer + "/userinfo",
            "jwks_uri": issuer + "/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["ES256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "scopes_supported": ["openid", "profile", "email", "phone"],
        }
    )


async def jwks(request: Request) -> Response:
    _idp(request)
    return JSONResponse(_stand_in(request).jwks())


def _authorize_params(source: dict[str, str]) -> dict[str, str]:
    params = {k: source.get(k, "") for k in ("client_id", "redirect_uri", "state", "scope", "nonce")}
    if not params["redirect_uri"] or urlsplit(params["redirect_uri"]).scheme not in ("http", "https"):
        raise ControlError(400, "invalid_request", "redirect_uri: an http(s) URL is required")
    if not params["client_id"]:
        raise ControlError(400, "invalid_request", "client_id is required")
    return params


_FIELDS = (("id", "Subject (sub)"), ("email", "Email"), ("name", "Name"), ("avatar", "Picture URL"))


def _page(idp: str, params: dict[str, str]) -> str:
    hidden = "".join(f'<input type="hidden" name="{k}" value="{html.escape(v)}">' for k, v in params.items())
    inputs = "".join(
        f'<label>{label} <input name="{name}"{" required" if name == "id" else ""}></label><br>'
        for name, label in _FIELDS
    )
    title = f"Sign in to {html.escape(idp)} (identity provider stand-in)"
    return (
        f"<!doctype html><html><head><title>{title}</title></head><body><h1>{title}</h1>"
        f'<form method="post">{hidden}{inputs}'
        '<label><input type="checkbox" name="email_verified" value="true" checked> Email verified</label><br>'
        '<label>More claims (JSON) <textarea name="raw">{}</textarea></label><br>'
        '<button name="action" value="allow">Continue</button> '
        '<button name="action" value="deny" formnovalidate>Deny</button></form></body></html>'
    )


async def authorize(request: Request) -> Response:
    idp = _idp(request)
    params = _authorize_params(dict(request.query_params))
    stand_in = _stand_in(request)
    with stand_in.lock:
        known, preset = idp in stand_in.presets, stand_in.presets.get(idp)
    if not known:
        return HTMLResponse(_page(idp, params))
    return RedirectResponse(stand_in.answer(idp, preset, params), status_code=303)


async def authorize_submit(request: Request) -> Response:
    idp = _idp(request)
    form = {k: str(v) for k, v in (await request.form()).items()}
    params = _authorize_params(form)
    identity = None
    if form.get("action") != "deny":
        try:
            raw = json.loads(form.get("raw") or "{}")
        except ValueError:
            raise ControlError(400, "invalid_request", "raw: not JSON") from None
        picked = {k: form.get(k) or None for k, _ in _FIELDS}
        identity = read_identity("sso", {**picked, "email_verified": "email_verified" in form, "raw": raw})
    return RedirectResponse(_stand_in(request).answer(idp, identity, params), status_code=303)


def _client_id(request: Request, form: dict[str, str]) -> str:
    """The client of the token request: HTTP Basic (form-encoded, RFC 6749 §2.3.1) or ``client_id``."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "basic":
        try:
            user = base64.b64decode(value).decode().partition(":")[0]
        except ValueError:
            return ""
        return unquote_plus(user)
    return form.get("client_id", "")


async def token(request: Request) -> Response:
    idp = _idp(request)
    form = {k: str(v) for k, v in (await request.form()).items()}
    now = request.app.state.tenant.clock.now()
    status, body = _stand_in(request).exchange(
        idp, _issuer(request, idp), form, _client_id(request, form), now
    )
    return JSONResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


async def userinfo(request: Request) -> Response:
    idp = _idp(request)
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    stand_in = _stand_in(request)
    with stand_in.lock:
        found = stand_in.tokens.get(value) if scheme.lower() == "bearer" else None
    if found is None or found[0] != idp:
        return JSONResponse(
            {"error": "invalid_token", "error_description": "invalid token provided"}, status_code=401
        )
    return JSONResponse(claims_of(found[1]))


async def put_identity(request: Request, idp: str) -> Response:
    """Preset the identity the provider answers with (or ``{"deny": true}``), for unattended tests."""
    idp = _idp(request)
    try:
        body = await request.json()
    except ValueError:
        raise ControlError(400, "invalid_request", "the body must be JSON") from None
    identity = read_identity("sso", body)
    stand_in = _stand_in(request)
    with stand_in.lock:
        stand_in.presets[idp] = identity
    shown = {"deny": True} if identity is None else {**identity.__dict__}
    return JSONResponse({"idp": idp, "issuer": _issuer(request, idp), "preset": shown})


async def delete_identity(request: Request, idp: str) -> Response:
    """Forget the preset: the authorization page asks again."""
    idp = _idp(request)
    stand_in = _stand_in(request)
    with stand_in.lock:
        stand_in.presets.pop(idp, None)
    return Response(status_code=204)


ROUTES = [
    ("GET", paths.SSO_IDP_DISCOVERY, discovery),
    ("GET", paths.SSO_IDP_JWKS, jwks),
    ("GET", paths.SSO_IDP_AUTHORIZE, authorize),
    ("POST", paths.SSO_IDP_AUTHORIZE, authorize_submit),
    ("POST", paths.SSO_IDP_TOKEN, token),
    ("GET", paths.SSO_IDP_USERINFO, userinfo),
    ("PUT", paths.SSO_IDP_IDENTITY, put_identity),
    ("DELETE", paths.SSO_IDP_IDENTITY, delete_identity),
]
