"""Discovery and JWKS: what an SDK reads first.

The discovery document is Logto's, field for field, as pinned by
``packages/integration-tests/src/tests/api/oidc/discovery.test.ts`` ("exposes the reviewed provider
metadata"), no key more or less; every endpoint it names is served — the device authorization endpoint
by :mod:`._device`, the pushed authorization request endpoint (``/oidc/request``) by :mod:`._par`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import paths
from ._issue import OIDC_SCOPES
from ._sign_in_exp import sign_in_experience
from ._tenant import Tenant

SCOPES_SUPPORTED = [
    *OIDC_SCOPES,
    "urn:logto:scope:organizations",
    "urn:logto:scope:organization_roles",
    "urn:logto:scope:sessions",
    "urn:logto:scope:trusted_devices",
]
CLAIMS_SUPPORTED = [
    "sub", "name", "family_name", "given_name", "middle_name", "nickname", "preferred_username", "profile",
    "picture", "website", "gender", "birthdate", "zoneinfo", "locale", "updated_at", "username", "created_at",
    "email", "email_verified", "phone_number", "phone_number_verified", "address", "custom_data", "identities",
    "sso_identities", "roles", "organizations", "organization_data", "organization_roles", "sid", "auth_time", "iss",
]  # fmt: skip


def document(tenant: Tenant, host: str | None = None) -> dict[str, Any]:
    """Logto's discovery document. Browser-facing URLs (issuer, authorization, end session) always use the
    public endpoint; back-channel URLs use ``internal_url`` when the request came in through its host, so
    containers reach the token endpoint as ``http://fake-logto:3001`` while ``iss`` stays one value."""
    url = tenant.url
    back = url
    if tenant.internal_url and host and urlsplit(tenant.internal_url).netloc == host:

        def back(path: str) -> str:
            return tenant.internal_url + path

    return {
        "authorization_endpoint": url(paths.AUTH),
        "authorization_response_iss_parameter_supported": True,
        "backchannel_logout_session_supported": True,
        "backchannel_logout_supported": True,
        "claim_types_supported": ["normal"],
        "claims_parameter_supported": False,
        "claims_supported": CLAIMS_SUPPORTED,
        "code_challenge_methods_supported": ["S256"],
        "device_authorization_endpoint": back(paths.DEVICE_AUTH),
        "end_session_endpoint": url(paths.END_SESSION),
        "grant_types_supported": [
            "implicit",
            "authorization_code",
            "refresh_token",
            "client_credentials",
            "urn:ietf:params:oauth:grant-type:device_code",
            "urn:ietf:params:oauth:grant-type:token-exchange",
        ],
        "id_token_signing_alg_values_supported": ["ES384"],
        "introspection_endpoint": back(paths.INTROSPECTION),
        "issuer": tenant.issuer,
        "jwks_uri": back(paths.JWKS),
        "pushed_authorization_request_endpoint": back(paths.PAR),
        "request_uri_parameter_supported": False,
        "response_modes_supported": ["form_post", "fragment", "query"],
        "response_types_supported": ["code id_token", "code", "id_token", "none"],
        "revocation_endpoint": back(paths.REVOCATION),
        "scopes_supported": SCOPES_SUPPORTED,
        "subject_types_supported": ["public"],
        "token_endpoint": back(paths.TOKEN),
        "token_endpoint_auth_methods_supported": [
            "client_secret_basic",
            "client_secret_jwt",
            "client_secret_post",
            "private_key_jwt",
            "none",
        ],
        "token_endpoint_auth_signing_alg_values_supported": [
            "HS256",
            "RS256",
            "PS256",
            "ES256",
            "Ed25519",
            "EdDSA",
        ],
        "userinfo_endpoint": back(paths.USERINFO),
    }


def _tenant(request: Request) -> Tenant:
    tenant: Tenant = request.app.state.tenant
    return tenant


async def discovery(request: Request) -> Response:
    return JSONResponse(document(_tenant(request), request.headers.get("host")))


async def jwks(request: Request) -> Response:
    return JSONResponse(
        _tenant(request).keys.jwks(),
        media_type="application/jwk-set+json; charset=utf-8",
        headers={"Cache-Control": "no-cache, max-age=0, must-revalidate"},
    )


ROUTES = [
    ("GET", paths.DISCOVERY, discovery),
    ("GET", paths.DISCOVERY_OAUTH, discovery),
    ("GET", paths.JWKS, jwks),
    ("GET", paths.SIGN_IN_EXP, sign_in_experience),
]
