"""Attack tokens (``/__harness/attack-tokens``) against two real validators, as a resource server would run
them: joserfc (Python) and jose (npm, ``tests/compat/node/verify_access_tokens.mjs``). Each attack token
is rejected, for the reason the fake names (``rejected_by``); the valid one is accepted. And key rotation
(``/__harness/keys/rotate``) as jose's remote JWKS meets it (``tests/compat/node/jwks_rotation.mjs``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from joserfc import jws, jwt
from joserfc.errors import (
    BadSignatureError,
    ExpiredTokenError,
    InvalidClaimError,
    InvalidKeyIdError,
    InvalidTokenError,
    JoseError,
    UnsupportedAlgorithmError,
)
from joserfc.jwk import KeySet
from joserfc.jwt import JWTClaimsRegistry
from test_node_clients import run_node

from fake_logto import Running as LogtoRunning
from fake_logto import Settings as LogtoSettings
from fake_logto import parse_config, paths
from fake_logto import serve_in_thread as serve_logto

API = "https://api.example.test"
SCOPE = "read:books"
KINDS = (
    "valid", "expired", "not-yet-valid", "wrong-audience", "wrong-issuer", "bad-signature", "alg-none",
    "unknown-kid", "missing-scope", "other-tenant-key",
)  # fmt: skip
TENANT = {
    "applications": [{"name": "Jobs", "type": "m2m", "id": "jobs", "secret": "jobs-secret"}],
    "resources": [{"indicator": API, "name": "Books", "scopes": [SCOPE, "write:books"]}],
}
# What jose's jwtVerify throws for each (error.code, error.claim); missing-scope is the API's own check.
JOSE = {
    "valid": (None, None),
    "expired": ("ERR_JWT_EXPIRED", "exp"),
    "not-yet-valid": ("ERR_JWT_CLAIM_VALIDATION_FAILED", "nbf"),
    "wrong-audience": ("ERR_JWT_CLAIM_VALIDATION_FAILED", "aud"),
    "wrong-issuer": ("ERR_JWT_CLAIM_VALIDATION_FAILED", "iss"),
    "bad-signature": ("ERR_JWS_SIGNATURE_VERIFICATION_FAILED", None),
    "alg-none": ("ERR_JOSE_ALG_NOT_ALLOWED", None),
    "unknown-kid": ("ERR_JWKS_NO_MATCHING_KEY", None),
    "missing-scope": ("insufficient_scope", "scope"),
    "other-tenant-key": ("ERR_JWS_SIGNATURE_VERIFICATION_FAILED", None),
}


@pytest.fixture(scope="module")
def logto() -> Iterator[LogtoRunning]:
    with serve_logto(LogtoSettings(port=0), config=parse_config(TENANT)) as running:
        yield running


@pytest.fixture(scope="module")
def tokens(logto: LogtoRunning) -> dict[str, dict[str, Any]]:
    minted = {}
    with httpx.Client(base_url=logto.endpoint) as http:
        for kind in KINDS:
            answer = http.post(paths.ATTACK_TOKENS, json={"kind": kind, "resource": API})
            assert answer.status_code == 200, answer.text
            minted[kind] = answer.json()
    return minted


def validate_with_joserfc(token: str, jwks: KeySet, issuer: str) -> str | None:
    """A resource server's checks with joserfc; the reason a token fails (a ``rejected_by``), or None."""
    try:
        decoded = jwt.decode(token, jwks, algorithms=["ES384"])
    except UnsupportedAlgorithmError:
        return "alg"
    except BadSignatureError:
        return "signature"
    except InvalidKeyIdError:  # the JWKS has no key with the token's kid
        return "kid"
    registry = JWTClaimsRegistry(
        iss={"essential": True, "value": issuer},
        aud={"essential": True, "value": API},
        exp={"essential": True},
    )
    try:
        registry.validate(decoded.claims)
    except ExpiredTokenError:
        return "exp"
    except InvalidClaimError as exc:
        return str(exc.claim)
    except InvalidTokenError:
        return "nbf"  # joserfc: "The token is not valid yet"
    if SCOPE not in str(decoded.claims.get("scope", "")).split():
        return "scope"
    return None


@pytest.mark.parametrize("kind", KINDS)
def test_each_attack_token_is_rejected_by_joserfc_for_its_reason(
    logto: LogtoRunning, tokens: dict[str, dict[str, Any]], kind: str
) -> None:
    jwks = KeySet.import_key_set(httpx.get(logto.endpoint + paths.JWKS).json())
    minted = tokens[kind]
    assert minted["kind"] == kind
    try:
        reason = validate_with_joserfc(minted["token"], jwks, f"{logto.endpoint}/oidc")
    except JoseError as exc:  # pragma: no cover - a failure names the unexpected error
        pytest.fail(f"{kind}: joserfc raised {exc!r}")
    assert reason == minted["rejected_by"]


def test_each_attack_token_is_rejected_by_jose_for_its_reason(
    logto: LogtoRunning, tokens: dict[str, dict[str, Any]]
) -> None:
    env = {
        "JWKS_URL": logto.endpoint + paths.JWKS,
        "ISSUER": f"{logto.endpoint}/oidc",
        "AUDIENCE": API,
        "SCOPE": SCOPE,
        "TOKENS": json.dumps({kind: minted["token"] for kind, minted in tokens.items()}),
    }
    results = run_node("verify_access_tokens.mjs", env=env)["results"]
    assert {kind: (r["code"], r["claim"]) for kind, r in results.items()} == JOSE
    assert [kind for kind, r in results.items() if r["ok"]] == ["valid"]


def test_an_attack_token_has_logtos_access_token_shape(
    tokens: dict[str, dict[str, Any]], logto: LogtoRunning
) -> None:
    compact = jws.extract_compact(tokens["valid"]["token"].encode())
    header, claims = compact.protected, json.loads(compact.payload)
    assert header == {"alg": "ES384", "typ": "at+jwt", "kid": header["kid"]}
    assert list(claims) == ["jti", "sub", "iat", "exp", "scope", "client_id", "iss", "aud"]
    assert (claims["aud"], claims["scope"], claims["client_id"]) == (API, f"{SCOPE} write:books", "jobs")
    assert claims["exp"] - claims["iat"] == 3600


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ({"kind": "forged", "resource": API}, 400, "invalid_request"),
        ({"kind": "expired"}, 400, "invalid_request"),
        ({"kind": "expired", "resource": "https://nope.test"}, 404, "not_found"),
    ],
)
def test_a_bad_attack_token_request_is_refused(
    logto: LogtoRunning, body: dict[str, Any], status: int, error: str
) -> None:
    refused = httpx.post(logto.endpoint + paths.ATTACK_TOKENS, json=body)
    assert refused.status_code == status
    assert refused.json()["error"] == error


@pytest.fixture
def rotating() -> Iterator[LogtoRunning]:
    """A tenant of its own: its key is rotated."""
    with serve_logto(LogtoSettings(port=0), config=parse_config(TENANT)) as running:
        yield running


def test_jose_picks_up_a_rotated_key_once_its_cooldown_has_passed(rotating: LogtoRunning) -> None:
    """jose's createRemoteJWKSet (Logto's JS SDKs' verifier) refetches the JWKS for an unknown kid, but not
    within 30 s of its last fetch (``cooldownDuration``): right after a rotation that dropped the old key
    it refuses the new key's token; with its clock moved past the cooldown it refetches and accepts it."""
    seen = run_node("jwks_rotation.mjs", env={"LOGTO": rotating.endpoint, "AUDIENCE": API})
    assert seen["before"]["ok"] is True
    assert seen["before"]["kid"] != seen["kid"]
    assert seen["right_after"] == {"ok": False, "code": "ERR_JWKS_NO_MATCHING_KEY"}
    assert seen["after_cooldown"] == {"ok": True, "kid": seen["kid"]}
