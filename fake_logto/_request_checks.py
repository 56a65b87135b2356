"""Checks of an authorization request that node-oidc-provider makes in their own middlewares, as
functions that return the ``invalid_request`` description (or raise it, for the token endpoint):

- :func:`openid_scope_error` — ``lib/actions/authorization/check_openid_scope.js``: ``openid`` is needed
  only with the OpenID Connect parameters (``nonce``, ``max_age``, ``id_token_hint``, ``acr_values``,
  ``claims``, ``claims_locales``) or a response type that returns an ID token; a plain OAuth request
  without it is fine.
- :func:`pkce_error` — ``lib/actions/authorization/check_pkce.js`` with Logto's policy
  (``packages/core/src/oidc/init.ts`` ``pkce.required``: every client not authenticating with
  ``client_secret_basic``, i.e. SPA and native apps, must use PKCE).
- :func:`check_format` — ``lib/helpers/pkce_format.js``, for ``code_challenge`` and ``code_verifier``.
- :func:`valid_scope` — ``lib/helpers/is_valid_scope.js``: the ``scope`` syntax the authorization, token
  and userinfo endpoints all check (RFC 6749 §3.3: NQCHARs separated by single spaces).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ._errors import invalid_request

# The order node-oidc-provider checks them in.
_GATED = ("acr_values", "claims", "claims_locales", "id_token_hint", "max_age", "nonce")
_INVALID = re.compile(r"[^\w.\-~]", re.ASCII)
_SCOPE_SYNTAX = re.compile(r"^[\x21\x23-\x5B\x5D-\x7E]+(?: [\x21\x23-\x5B\x5D-\x7E]+)*$")


def valid_scope(scope: str | None) -> bool:
    """An absent (or empty: node-oidc-provider's Params read ``""`` as absent) scope is valid."""
    return not scope or _SCOPE_SYNTAX.match(scope) is not None


def openid_scope_error(scopes: list[str], params: Mapping[str, str | None], response_type: str) -> str | None:
    """Why a request without the ``openid`` scope is refused, or None when it may go on."""
    if "openid" in scopes:
        return None
    if "id_token" in response_type:
        return "openid scope must be requested for this response_type"
    for name in _GATED:
        if params.get(name) is not None:
            return f"openid scope must be requested when using the {name} parameter"
    return None


def format_error(value: str, name: str) -> str | None:
    if len(value) < 43:
        return f"{name} must be a string with a minimum length of 43 characters"
    if len(value) > 128:
        return f"{name} must be a string with a maximum length of 128 characters"
    if _INVALID.search(value):
        return f"{name} contains invalid characters"
    return None


def check_format(value: str, name: str) -> None:
    error = format_error(value, name)
    if error is not None:
        raise invalid_request(error)


def pkce_error(challenge: str | None, method: str | None, *, public_client: bool) -> str | None:
    """Why an authorization request's PKCE parameters are refused, or None."""
    if method is None and challenge is not None:
        return "code_challenge_method must be provided"
    if method is not None:
        if method != "S256":
            return "not supported value of code_challenge_method"
        if challenge is None:
            return "code_challenge must be provided with code_challenge_method"
    if challenge is None:
        return (
            "Authorization Server policy requires PKCE to be used for this request" if public_client else None
        )
    return format_error(challenge, "code_challenge")
