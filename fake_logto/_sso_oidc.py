"""Logto's OIDC SSO connector, talking HTTP to the identity provider as Logto does
(``packages/core/src/sso/OidcConnector/index.ts``, ``utils.ts``, ``types/oidc.ts``, ``types/error.ts``):

- :func:`oidc_config` (``getOidcConfig``): ``GET {issuer}/.well-known/openid-configuration``, guarded
  (``authorization_endpoint``, ``token_endpoint``, ``jwks_uri``, ``issuer`` strings, ``userinfo_endpoint``
  optional; other keys dropped), camel-cased over the connector's config, the scope made to hold
  ``openid profile email`` first (``scopePostProcessor``). A refusal or an unreachable issuer is
  ``invalid_config`` (``fail_to_fetch_config``), a bad document ``invalid_config``
  (``invalid_config_response``).
- :func:`authorization_url`: a new ``nonce`` (kept in the connector session with ``state``,
  ``redirectUri``, ``connectorId``) and ``state, nonce, client_id, response_type=code, redirect_uri,
  scope``.
- :func:`user_info` (``getUserInfo``): the callback's ``code`` (else ``invalid_request_parameters``),
  exchanged at the token endpoint with HTTP Basic client credentials and the session's ``redirect_uri``;
  the ID token verified against the provider's JWKS (signature, ``iss``, ``aud``, ``exp``), its ``iat``
  within 10 minutes, its ``nonce`` the session's; the claims from the userinfo endpoint when the
  provider has one, else the ID token's; ``email`` only when ``email_verified`` (or, when the claim is
  absent, ``trustUnverifiedEmail``), ``phone`` only when ``phone_verified``; the other claims camel-cased.
  Every failure is ``authorization_failed`` with Logto's message.

With dev mode on (Logto's ``INTEGRATION_TEST``), :func:`user_info` is ``mockGetUserInfo``
(``OidcConnector/test-utils.ts``): the callback data are the claims themselves. Errors are
:class:`._social_connectors.SocialError` (connector-kit's ``ConnectorError``) with the data Logto's
``SsoConnectorError`` carries (``ssoErrorCode`` first); a JavaScript ``Error`` Logto puts in ``error``
is ``{}`` here, as ``JSON.stringify`` shows it.
"""

from __future__ import annotations

import re
import secrets
import string
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from ._social_connectors import SocialError

if TYPE_CHECKING:
    import httpx

_ALPHABET = string.ascii_lowercase + string.digits
_REQUIRED_SCOPES = ("openid", "profile", "email")
_DISCOVERY_KEYS = {
    "authorization_endpoint": "authorizationEndpoint",
    "token_endpoint": "tokenEndpoint",
    "userinfo_endpoint": "userinfoEndpoint",
    "jwks_uri": "jwksUri",
    "issuer": "issuer",
}
_CLAIMS = ("name", "email", "phone", "picture", "profile", "nonce")  # nullish strings
_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]
ISSUED_AT_TOLERANCE = 600


def standard_id() -> str:
    """``generateStandardId()``: 21 characters of ``[0-9a-z]``."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(21))


def _error(code: str, **data: Any) -> SocialError:
    return SocialError(code, {"ssoErrorCode": code, **data})


def _failed(message: str, **data: Any) -> SocialError:
    return _error("authorization_failed", message=message, **data)


def scope_of(scope: str | None) -> str:
    """``scopePostProcessor``."""
    parts = [s for s in re.split(r"[ +]", scope or "") if s]
    return " ".join(dict.fromkeys([*_REQUIRED_SCOPES, *parts]))


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def _issues(body: Any) -> list[str]:
    if not isinstance(body, dict):
        return ["body"]
    return [
        key
        for key in _DISCOVERY_KEYS
        if not isinstance(body.get(key), str) and not (key == "userinfo_endpoint" and key not in body)
    ]


async def oidc_config(http: httpx.AsyncClient, config: dict[str, Any]) -> dict[str, Any]:
    """``getOidcConfig``: the connector's config, the provider's discovery document over it."""
    issuer = config["issuer"]
    where = {"issuer": issuer}
    try:
        response = await http.get(f"{issuer}/.well-known/openid-configuration")
    except Exception:  # got's request error, whatever the cause (a bad URL, no answer)
        raise _error("invalid_config", config=where, message="fail_to_fetch_config", error={}) from None
    if response.status_code >= 400:
        raise _error("invalid_config", config=where, message="fail_to_fetch_config", error=response.text)
    try:
        body = response.json()
    except ValueError:
        raise _error("invalid_config", config=where, message="fail_to_fetch_config", error={}) from None
    missing = _issues(body)
    if missing:
        field_errors = {key: ["Required"] for key in missing}
        error = {"formErrors": [], "fieldErrors": field_errors}
        raise _error("invalid_config", config=where, message="invalid_config_response", error=error)
    discovered = {_DISCOVERY_KEYS[k]: body[k] for k in _DISCOVERY_KEYS if k in body}
    return {**config, **discovered, "scope": scope_of(config.get("scope"))}


async def authorization_url(
    http: httpx.AsyncClient, config: dict[str, Any], payload: dict[str, str]
) -> tuple[str, dict[str, Any]]:
    """``getAuthorizationUrl``: the provider URL and the connector session it sets."""
    oidc = await oidc_config(http, config)
    nonce = standard_id()
    session = {
        "nonce": nonce,
        "redirectUri": payload["redirectUri"],
        "connectorId": payload["connectorId"],
        "state": payload["state"],
    }
    query = {
        "state": payload["state"],
        "nonce": nonce,
        "client_id": oidc["clientId"],
        "response_type": "code",
        "redirect_uri": payload["redirectUri"],
        "scope": oidc["scope"],
    }
    return f"{oidc['authorizationEndpoint']}?{urlencode(query)}", session


def _claims(data: Any, *, catchall: bool) -> dict[str, Any] | None:
    """``idTokenProfileStandardClaimsGuard`` (``.catchall(z.unknown())`` keeps the other claims)."""
    if not isinstance(data, dict) or not isinstance(data.get("sub"), str):
        return None
    for key in _CLAIMS:
        if data.get(key) is not None and not isinstance(data[key], str):
            return None
    for key in ("email_verified", "phone_verified"):
        if data.get(key) is not None and not isinstance(data[key], bool):
            return None
    known = ("sub", *_CLAIMS, "email_verified", "phone_verified")
    return dict(data) if catchall else {k: data[k] for k in known if k in data}


def _to_user_info(claims: dict[str, Any], trust_unverified: bool) -> dict[str, Any]:
    rest = {k: v for k, v in claims.items() if k not in ("sub", "name", "picture", "email", "phone")}
    rest = {k: v for k, v in rest.items() if k not in ("email_verified", "phone_verified")}
    info: dict[str, Any] = {"id": claims["sub"]}
    if claims.get("name"):
        info["name"] = claims["name"]
    if claims.get("picture"):
        info["avatar"] = claims["picture"]
    verified = claims.get("email_verified")
    if claims.get("email") and (verified if verified is not None else trust_unverified):
        info["email"] = claims["email"]
    if claims.get("phone") and claims.get("phone_verified"):
        info["phone"] = claims["phone"]
    return {**info, **{_camel(k): v for k, v in rest.items()}}


def mock_user_info(data: Any) -> dict[str, Any]:
    """``mockGetUserInfo`` (dev mode): the callback data are the claims."""
    claims = _claims(data, catchall=False)
    if claims is None:
        raise _failed("Invalid user info")
    return _to_user_info(claims, False)


async def _token(
    http: httpx.AsyncClient, oidc: dict[str, Any], data: Any, redirect_uri: str
) -> dict[str, Any]:
    """``fetchToken``."""
    import httpx  # loaded by the client already: httpx stays out of the fake's start

    if not isinstance(data, dict) or not isinstance(data.get("code"), str):
        error = {"formErrors": [], "fieldErrors": {"code": ["Required"]}}
        raise _error("invalid_request_parameters", url=oidc["tokenEndpoint"], params=data, error=error)
    form = {"grant_type": "authorization_code", "code": data["code"]}
    if redirect_uri:
        form["redirect_uri"] = redirect_uri
    try:
        response = await http.post(
            oidc["tokenEndpoint"], data=form, auth=(oidc["clientId"], oidc["clientSecret"])
        )
    except (httpx.HTTPError, ValueError):
        raise _failed("Fail to fetch token", error={}) from None
    if response.status_code >= 400:
        raise _failed("Fail to fetch token", error=response.text)
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("id_token"), str):
        error = {"formErrors": [], "fieldErrors": {"id_token": ["Required"]}}
        raise _failed("Invalid token response", response=response.text, error=error)
    return body


async def _id_token_claims(
    http: httpx.AsyncClient, oidc: dict[str, Any], token: str, nonce: str | None, now: float
) -> dict[str, Any]:
    """``getIdTokenClaims``: verified against the provider's JWKS, ``iss`` and ``aud``."""
    import httpx  # loaded by the client already: httpx stays out of the fake's start
    from joserfc import jwt  # joserfc and cryptography: loaded by the first use, not at start
    from joserfc.errors import JoseError
    from joserfc.jwk import KeySet

    try:
        keys = (await http.get(oidc["jwksUri"])).json()
        claims = jwt.decode(token, KeySet.import_key_set(keys), algorithms=_ALGORITHMS).claims
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        exp = claims.get("exp")
        if (
            claims.get("iss") != oidc["issuer"]
            or oidc["clientId"] not in audiences
            or (isinstance(exp, int | float) and exp <= now)
        ):
            raise ValueError("claim check failed")
    except (httpx.HTTPError, JoseError, ValueError, TypeError, KeyError):
        raise _failed("Fail to verify id_token", error={}) from None
    iat = claims.get("iat")
    if abs((iat if isinstance(iat, int | float) else 0) - now) > ISSUED_AT_TOLERANCE:
        raise _failed("id_token is expired", response=claims)
    checked = _claims(claims, catchall=True)
    if checked is None:
        raise _failed("invalid id_token", response=claims)
    if checked.get("nonce") and checked["nonce"] != nonce:
        raise _failed("nonce does not match")
    return checked


async def _userinfo(http: httpx.AsyncClient, endpoint: str, access_token: str) -> dict[str, Any]:
    import httpx  # loaded by the client already: httpx stays out of the fake's start

    try:
        response = await http.get(endpoint, headers={"Authorization": f"Bearer {access_token}"})
    except httpx.HTTPError:
        raise _failed("Fail to fetch user info", error={}) from None
    if response.status_code >= 400:
        raise _failed("Fail to fetch user info", error=response.text)
    try:
        claims = _claims(response.json(), catchall=True)
    except ValueError:
        claims = None
    if claims is None:
        raise _failed("Invalid user info response", response=response.text, error={})
    return claims


async def user_info(
    http: httpx.AsyncClient, config: dict[str, Any], session: dict[str, Any], data: Any, now: float
) -> dict[str, Any]:
    """``getUserInfo``: the enterprise identity of the callback ``data``."""
    oidc = await oidc_config(http, config)
    tokens = await _token(http, oidc, data, session.get("redirectUri", ""))
    access_token = tokens.get("access_token")
    if not isinstance(access_token, str) or not access_token:
        raise _failed("The access token is missing from the response.")
    claims = await _id_token_claims(http, oidc, tokens["id_token"], session.get("nonce"), now)
    if oidc.get("userinfoEndpoint"):
        claims = await _userinfo(http, oidc["userinfoEndpoint"], access_token)
    return _to_user_info(claims, bool(config.get("trustUnverifiedEmail")))
