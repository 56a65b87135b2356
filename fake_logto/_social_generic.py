"""Logto's generic social connectors, ``oidc`` and ``oauth2`` (``packages/connectors/connector-oidc``,
``connector-oauth2`` and its ``oauth2/`` helpers), talking HTTP to whatever provider their config names —
the identity provider stand-in (:mod:`._sso_provider`) in tests.

Both are *standard* connectors: any number of them, each created with its own ``metadata.target`` (and
name, logo) by ``POST /api/connectors`` (:mod:`._management_connectors`).

- ``oidc``: config ``oidcConnectorConfigGuard`` (``authorizationEndpoint``, ``tokenEndpoint``, ``clientId``,
  ``clientSecret``, ``scope`` strings, ``idTokenVerificationConfig.jwksUri``; optional
  ``tokenEndpointAuthMethod`` — ``client_secret_post`` by default, ``client_secret_basic``,
  ``client_secret_jwt`` —, ``trustUnverifiedEmail``, ``acceptStringTypedBooleanClaims``,
  ``authRequestOptionalConfig``, ``customConfig``). The authorization URI carries ``response_type, client_id,
  scope`` (``openid`` added), ``redirect_uri, state, nonce`` and the optional/custom parameters snake-cased;
  the session keeps ``{nonce, redirectUri}``. The callback's ``code`` is exchanged, the ID token verified
  (JWKS, ``aud`` the client, the config's ``issuer`` when given, ``exp``) and its claims are the user:
  ``email`` when ``email_verified`` (absent: ``trustUnverifiedEmail``), ``phone`` when ``phone_verified``,
  ``rawData`` the claims; a nonce other than the session's is ``social_invalid_id_token``.
- ``oauth2``: config ``oauth2ConnectorConfigGuard`` (``authorizationEndpoint``, ``tokenEndpoint``,
  ``userInfoEndpoint``, ``clientId``, ``clientSecret``; optional ``scope``, ``tokenEndpointResponseType`` —
  ``query-string`` by default, or ``json`` —, ``profileMap`` (where ``id``, ``email``, ``phone``, ``name``,
  ``avatar`` are in the userinfo answer; dotted paths), ``customConfig``). The access token's
  ``token_type`` and ``access_token`` call the userinfo endpoint.

Refusals are connector-kit's: a config → ``invalid_config``; callback data without a ``code`` →
``general`` with the data; a refused token request → ``general``; a token answer off its guard →
``invalid_response``. Differences: an ID token jose rejects (signature, ``aud``, ``exp``) is
``social_invalid_id_token`` here, where Logto lets jose's error through as a 500.
"""

from __future__ import annotations

import base64
import json
import re
import time
import warnings
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode

from ._social_connectors import SocialError, SocialFactory, stringify
from ._sso_oidc import standard_id

if TYPE_CHECKING:
    import httpx

FACTORIES = {
    "oidc": SocialFactory(
        "oidc",
        "oidc",
        "OIDC",
        "OpenID Connect 1.0 is a simple identity layer on top of the OAuth 2.0 protocol.",
        "#f78c40",
    ),
    "oauth2": SocialFactory(
        "oauth2",
        "oauth2",
        "OAuth 2.0",
        "The OAuth 2.0 authorization framework enables a third-party application to obtain limited access to "
        "an HTTP service.",
        "#5b6ee1",
    ),
}
_AUTH_METHODS = ("client_secret_basic", "client_secret_post", "client_secret_jwt")
_STRINGS = {
    "oidc": ("authorizationEndpoint", "tokenEndpoint", "clientId", "clientSecret", "scope"),
    "oauth2": ("authorizationEndpoint", "tokenEndpoint", "clientId", "clientSecret", "userInfoEndpoint"),
}
_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]


def metadata(factory_id: str, row_metadata: dict[str, Any]) -> dict[str, Any]:
    """A standard connector's metadata: the factory's, the row's own on top."""
    return {**FACTORIES[factory_id].metadata(), "isStandard": True, **row_metadata}


def config_valid(factory_id: str, config: dict[str, Any]) -> bool:
    """``validateConfig`` against the factory's guard (the shapes that matter here)."""
    if not all(isinstance(config.get(k), str) for k in _STRINGS[factory_id]):
        return False
    if config.get("tokenEndpointAuthMethod", "client_secret_post") not in _AUTH_METHODS:
        return False
    custom = config.get("customConfig", {})
    if not isinstance(custom, dict) or not all(isinstance(v, str) for v in custom.values()):
        return False
    if factory_id == "oidc":
        verification = config.get("idTokenVerificationConfig")
        optional = config.get("authRequestOptionalConfig", {})
        return (
            isinstance(verification, dict)
            and isinstance(verification.get("jwksUri"), str)
            and isinstance(optional, dict)
        )
    return config.get("tokenEndpointResponseType", "query-string") in ("query-string", "json") and isinstance(
        config.get("profileMap", {}), dict
    )


def _snake(key: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", key).lower()


def _scope(scope: str) -> str:
    """connector-oidc's ``scopePostProcessor``: ``openid`` added when missing."""
    parts = [s for s in re.split(r"[ +]", scope) if s]
    return scope if "openid" in parts else " ".join([*parts, "openid"])


def authorization_uri(
    factory_id: str, config: dict[str, Any], payload: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    """``getAuthorizationUri`` (``constructAuthorizationUri``) and the session it sets."""
    if not config_valid(factory_id, config):
        raise SocialError("invalid_config")
    state, redirect_uri, custom_scope = payload["state"], payload["redirectUri"], payload.get("scope")
    query: dict[str, Any] = {"responseType": "code", "clientId": config["clientId"]}
    if factory_id == "oidc":
        nonce = standard_id()
        query |= {
            "scope": custom_scope or _scope(config["scope"]),
            "redirectUri": redirect_uri,
            "state": state,
        }
        query |= {
            "nonce": nonce,
            **config.get("authRequestOptionalConfig", {}),
            **config.get("customConfig", {}),
        }
        session = {"nonce": nonce, "redirectUri": redirect_uri}
    else:
        query |= {"scope": config.get("scope"), "redirectUri": redirect_uri, "state": state}
        query |= {**config.get("customConfig", {}), **({"scope": custom_scope} if custom_scope else {})}
        session = {"redirectUri": redirect_uri}
    params = {_snake(k): v for k, v in query.items() if v is not None}
    return f"{config['authorizationEndpoint']}?{urlencode(params)}", session


async def _token_request(
    http: httpx.AsyncClient, config: dict[str, Any], code: str, redirect_uri: str
) -> str:
    """``requestTokenEndpoint``: the body as text; a refusal is ``general``."""
    import httpx  # loaded by the client already: httpx stays out of the fake's start
    from joserfc import jwt  # joserfc and cryptography: loaded by the first use, not at start
    from joserfc.errors import JoseError, SecurityWarning
    from joserfc.jwk import OctKey

    method = config.get("tokenEndpointAuthMethod", "client_secret_post")
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
    form |= {_snake(k): v for k, v in config.get("customConfig", {}).items()}
    headers: dict[str, str] = {}
    client_id, secret = config["clientId"], config["clientSecret"]
    if method == "client_secret_post":
        form |= {"client_id": client_id, "client_secret": secret}
    elif method == "client_secret_basic":
        headers = {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}
    else:
        now = int(time.time())
        claims = {"iss": client_id, "sub": client_id, "aud": config["tokenEndpoint"], "jti": standard_id()}
        alg = config.get("clientSecretJwtSigningAlgorithm", "HS256")
        try:
            with warnings.catch_warnings():  # jose signs with a short secret; joserfc only warns about it
                warnings.simplefilter("ignore", SecurityWarning)
                key = OctKey.import_key(secret.encode())
            assertion = jwt.encode({"alg": alg}, {**claims, "exp": now + 600, "iat": now}, key)
        except (JoseError, ValueError):
            raise SocialError("general", "Failed to sign client secret JWT") from None
        form |= {"client_id": client_id, "client_assertion": assertion}
        form["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    try:
        response = await http.post(config["tokenEndpoint"], data=form, headers=headers)
    except httpx.HTTPError:
        raise SocialError("general", stringify({})) from None
    if response.status_code >= 400:
        raise SocialError("general", stringify(response.text))
    return response.text


def _code(data: dict[str, Any]) -> str:
    """The callback's ``{code, state?}`` (else ``general`` with the data)."""
    if not isinstance(data.get("code"), str) or not isinstance(data.get("state", ""), str):
        raise SocialError("general", data)
    code: str = data["code"]
    return code


def _redirect_uri(session: dict[str, Any] | None) -> str:
    redirect_uri = (session or {}).get("redirectUri")
    if not redirect_uri:
        raise SocialError("general", {"message": "Cannot find `redirectUri` from connector session."})
    return str(redirect_uri)


def _boolean(value: Any, strings: bool) -> bool | None:
    if isinstance(value, str) and strings:
        return value.lower() in ("true", "1", "yes", "y", "on")
    return value if isinstance(value, bool) or value is None else None


async def _oidc_user(
    http: httpx.AsyncClient, config: dict[str, Any], data: dict[str, Any], session: Any
) -> dict[str, Any]:
    import httpx  # loaded by the client already: httpx stays out of the fake's start

    redirect_uri = _redirect_uri(session)
    body = await _token_request(http, config, _code(data), redirect_uri)
    try:
        tokens = json.loads(body)
    except ValueError:
        tokens = None
    if not isinstance(tokens, dict) or not isinstance(tokens.get("id_token"), str):
        raise SocialError("invalid_response", {"issues": [{"path": ["id_token"], "message": "Required"}]})
    verification = config["idTokenVerificationConfig"]
    from joserfc import jwt  # joserfc and cryptography: loaded by the first use, not at start
    from joserfc.errors import JoseError
    from joserfc.jwk import KeySet

    try:
        keys = (await http.get(verification["jwksUri"])).json()
        claims = jwt.decode(tokens["id_token"], KeySet.import_key_set(keys), algorithms=_ALGORITHMS).claims
        audience = claims.get("aud")
        issuers = verification.get("issuer")
        expected = issuers if isinstance(issuers, list) else [issuers] if issuers else None
        if (
            config["clientId"] not in (audience if isinstance(audience, list) else [audience])
            or (expected is not None and claims.get("iss") not in expected)
            or (isinstance(claims.get("exp"), int | float) and claims["exp"] <= time.time())
        ):
            raise ValueError("claims")
    except (httpx.HTTPError, JoseError, ValueError, TypeError, KeyError):
        raise SocialError("social_invalid_id_token") from None
    strings = bool(config.get("acceptStringTypedBooleanClaims"))
    email_verified = _boolean(claims.get("email_verified"), strings)
    phone_verified = _boolean(claims.get("phone_verified"), strings)
    if not isinstance(claims.get("sub"), str):
        raise SocialError("social_invalid_id_token")
    nonce = claims.get("nonce")
    if nonce:
        if not (session or {}).get("nonce"):
            raise SocialError("general", {"message": "Cannot find `nonce` in session storage."})
        if nonce != session["nonce"]:
            raise SocialError(
                "social_invalid_id_token", {"message": "ID Token validation failed due to `nonce` mismatch."}
            )
    trusted = email_verified if email_verified is not None else bool(config.get("trustUnverifiedEmail"))
    info: dict[str, Any] = {"id": claims["sub"]}
    for key, value in (
        ("name", claims.get("name")),
        ("avatar", claims.get("picture")),
        ("email", trusted and claims.get("email")),
        ("phone", phone_verified and claims.get("phone")),
    ):
        if value:
            info[key] = value
    return {**info, "rawData": claims}


def _at(source: Any, path: str) -> Any:
    """``getSafe``: a dotted path into the userinfo answer."""
    for part in path.split("."):
        if not isinstance(source, dict):
            return None
        source = source.get(part)
    return source


async def _oauth2_user(
    http: httpx.AsyncClient, config: dict[str, Any], data: dict[str, Any], session: Any
) -> dict[str, Any]:
    import httpx  # loaded by the client already: httpx stays out of the fake's start

    redirect_uri = _redirect_uri(session)
    body = await _token_request(http, config, _code(data), redirect_uri)
    if config.get("tokenEndpointResponseType", "query-string") == "json":
        try:
            tokens = json.loads(body)
        except ValueError:
            tokens = None
    else:
        tokens = dict(parse_qsl(body))
    if not isinstance(tokens, dict) or not all(
        isinstance(tokens.get(k), str) for k in ("access_token", "token_type")
    ):
        raise SocialError("invalid_response", {"issues": [{"path": ["access_token"], "message": "Required"}]})
    try:
        response = await http.get(
            config["userInfoEndpoint"],
            headers={"authorization": f"{tokens['token_type']} {tokens['access_token']}"},
        )
    except httpx.HTTPError:
        raise SocialError("general", stringify({})) from None
    if response.status_code >= 400:
        raise SocialError("general", stringify(response.text))
    try:
        raw = response.json()
    except ValueError:
        raw = None
    if not isinstance(raw, dict):
        raise SocialError("invalid_response", stringify(response.text))
    profile_map = {k: k for k in ("id", "email", "phone", "name", "avatar")} | config.get("profileMap", {})
    mapped = {k: v for k, v in ((k, _at(raw, str(p))) for k, p in profile_map.items()) if v}
    ident = mapped.get("id")
    if not isinstance(ident, str | int | float) or isinstance(ident, bool):
        raise SocialError("invalid_response", {"issues": [{"path": ["id"], "message": "Required"}]})
    if any(k != "id" and not isinstance(v, str) for k, v in mapped.items()):
        raise SocialError("invalid_response", {"issues": [{"message": "Expected string"}]})
    return {**mapped, "id": str(ident), "rawData": raw}


async def user_info(
    factory_id: str,
    config: dict[str, Any],
    data: dict[str, Any],
    session: dict[str, Any] | None,
    http: httpx.AsyncClient,
) -> dict[str, Any]:
    """``getUserInfo``: the provider's user of the callback ``data``."""
    if not config_valid(factory_id, config):
        raise SocialError("invalid_config")
    if factory_id == "oidc":
        return await _oidc_user(http, config, data, session)
    return await _oauth2_user(http, config, data, session)
