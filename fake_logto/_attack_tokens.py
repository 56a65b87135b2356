"""Attack tokens: access tokens a correct API (a resource server) must reject, beside the valid one, so a
team tests its token validation against each case (``POST /__harness/attack-tokens``).

Every token has the shape of the access token Logto issues for an API resource — node-oidc-provider's
``lib/models/formats/jwt.js`` with Logto's resource indicators: header ``{alg: ES384, typ: at+jwt, kid}``,
claims ``jti, sub, iat, exp, scope, client_id, iss, aud`` (:func:`._issue.jwt_access_token`) — and is
minted with joserfc from the tenant's current key, except where the kind says otherwise:

=================  ====================================================================  ================
kind               what is wrong                                                         ``rejected_by``
=================  ====================================================================  ================
valid              nothing: an API must accept it                                        —
expired            ``exp`` an hour ago                                                   ``exp``
not-yet-valid      ``nbf`` an hour ahead                                                 ``nbf``
wrong-audience     ``aud`` another API's indicator                                       ``aud``
wrong-issuer       ``iss`` another tenant's issuer                                       ``iss``
bad-signature      claims changed after signing (the scope widened): the signature fails ``signature``
alg-none           ``alg: none``, no signature (hand-built: JOSE libraries refuse to     ``alg``
                   produce one, joserfc included)
unknown-kid        signed by a key whose ``kid`` the JWKS does not list                  ``kid``
missing-scope      a valid token without the scopes the API requires (``scope: ""``)    ``scope``
other-tenant-key   signed by another tenant's key, its header naming this tenant's kid   ``signature``
=================  ====================================================================  ================

Times are on the wall clock (:meth:`._clock.Clock.wall`), as for every claim SDKs check.
"""

from __future__ import annotations

import base64
import json
import uuid
from typing import TYPE_CHECKING, Any

from ._keys import ALG
from ._tenant import Tenant

if TYPE_CHECKING:
    from joserfc.jwk import ECKey

REJECTED_BY: dict[str, str | None] = {
    "valid": None,
    "expired": "exp",
    "not-yet-valid": "nbf",
    "wrong-audience": "aud",
    "wrong-issuer": "iss",
    "bad-signature": "signature",
    "alg-none": "alg",
    "unknown-kid": "kid",
    "missing-scope": "scope",
    "other-tenant-key": "signature",
}
KINDS = tuple(REJECTED_BY)
HOUR = 3600
OTHER_ISSUER = "https://other-tenant.logto.test/oidc"
OTHER_AUDIENCE = "https://another-api.example.test"


def _b64(data: dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _sign(header: dict[str, Any], claims: dict[str, Any], key: ECKey) -> str:
    from joserfc import jwt  # joserfc and cryptography: loaded by the first use, not at start

    return jwt.encode(header, claims, key, algorithms=[ALG], default_type=None)


def mint(
    tenant: Tenant,
    kind: str,
    *,
    resource: str,
    scopes: list[str],
    subject: str,
    client_id: str,
) -> str:
    """The token of ``kind`` (one of :data:`KINDS`) for ``resource``, carrying ``scopes``."""
    now = int(tenant.clock.wall())
    claims: dict[str, Any] = {
        "jti": uuid.uuid4().hex, "sub": subject, "iat": now, "exp": now + HOUR, "scope": " ".join(scopes),
        "client_id": client_id, "iss": tenant.issuer, "aud": resource,
    }  # fmt: skip
    header: dict[str, Any] = {"alg": ALG, "typ": "at+jwt", "kid": tenant.keys.kid}
    key = tenant.keys.key
    if kind == "expired":
        claims.update(iat=now - 2 * HOUR, exp=now - HOUR)
    elif kind == "not-yet-valid":
        claims["nbf"] = now + HOUR
    elif kind == "wrong-audience":
        claims["aud"] = OTHER_AUDIENCE
    elif kind == "wrong-issuer":
        claims["iss"] = OTHER_ISSUER
    elif kind == "missing-scope":
        claims["scope"] = ""
    elif kind == "alg-none":
        # RFC 7519 §6.1's unsecured JWT: JOSE libraries (joserfc too) will not make one, so it is built.
        return f"{_b64({'alg': 'none', 'typ': 'at+jwt'})}.{_b64(claims)}."
    elif kind in ("unknown-kid", "other-tenant-key"):
        from joserfc.jwk import ECKey

        key = ECKey.generate_key("P-384", private=True)
        if kind == "unknown-kid":
            header["kid"] = key.thumbprint()
    token = _sign(header, claims, key)
    if kind == "bad-signature":
        head, _payload, signature = token.split(".")
        widened = {**claims, "scope": " ".join([*scopes, "admin"])}
        token = f"{head}.{_b64(widened)}.{signature}"
    return token
