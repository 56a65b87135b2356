"""Faults on the Logto surface (``/__harness/faults``) and key rotation (``/__harness/keys/rotate``), over
real sockets: each answer a fault can give, as a client sees it, and each refusal of a bad rule."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet
from logto_support import M2M, PASSWORD_USER, WEB, auth_url, password_sign_in, tenant_dict

from fake_logto import Running, parse_config, paths
from fake_logto import Settings as LogtoSettings
from fake_logto import serve_in_thread as serve_logto
from fake_mailgun import Running as MailgunRunning

API = "https://api.bookstore.test"


@pytest.fixture(scope="module")
def flaky(mailgun: MailgunRunning) -> Iterator[Running]:
    """A tenant of its own: these tests move its clock and rotate its keys."""
    with serve_logto(LogtoSettings(port=0), config=parse_config(tenant_dict(mailgun.url))) as running:
        yield running


@pytest.fixture
def http(flaky: Running) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=flaky.endpoint, timeout=30) as client:
        yield client
        client.delete(paths.FAULTS)


def _fault(http: httpx.Client, **spec: Any) -> dict[str, Any]:
    response = http.post(paths.FAULTS, json=spec)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def _refresh_token(flaky: Running) -> str:
    callback = password_sign_in(
        flaky.endpoint, auth_url(flaky), PASSWORD_USER["email"], PASSWORD_USER["password"]
    )
    code = parse_qs(urlsplit(callback).query)["code"][0]
    answer = httpx.post(
        flaky.endpoint + paths.TOKEN,
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": WEB["redirect"]},
        auth=(WEB["id"], WEB["secret"]),
    )
    assert answer.status_code == 200, answer.text
    token: str = answer.json()["refresh_token"]
    return token


def test_a_rule_is_listed_applied_counted_and_cleared(http: httpx.Client) -> None:
    added = _fault(http, endpoint="discovery", status=503, count=2)
    assert added == {
        "id": added["id"], "count": 2, "rate": None, "seed": None, "applied": 0, "endpoint": "discovery",
        "path": None, "method": None, "grant_type": None, "status": 503, "error": None,
        "error_description": None, "code": None, "delay_ms": 0, "drop": False, "remaining": 2,
    }  # fmt: skip
    first = http.get(paths.DISCOVERY)
    # A gateway's answer in front of Logto: the status and its reason phrase, as plain text.
    assert (first.status_code, first.text) == (503, "Service Unavailable")
    assert first.headers["content-type"].startswith("text/plain")
    assert http.get(paths.FAULTS).json()["items"][0]["remaining"] == 1
    assert http.get(paths.DISCOVERY_OAUTH).status_code == 503  # the endpoint's both paths
    assert http.get(paths.FAULTS).json() == {"items": []}  # spent
    assert http.get(paths.DISCOVERY).status_code == 200
    _fault(http, endpoint="jwks", status=500)
    assert http.delete(paths.FAULTS).json() == {"status": "cleared"}
    assert http.get(paths.JWKS).status_code == 200


def test_invalid_grant_on_the_next_refresh_only(flaky: Running, http: httpx.Client) -> None:
    refresh = _refresh_token(flaky)
    _fault(http, endpoint="token", grant_type="refresh_token", error="invalid_grant", count=1)
    # Another grant type passes by (and leaves the rule in place).
    other = http.post(
        paths.TOKEN,
        data={"grant_type": "client_credentials", "resource": API},
        auth=(M2M["id"], M2M["secret"]),
    )
    assert other.status_code == 200, other.text
    data = {"grant_type": "refresh_token", "refresh_token": refresh}
    refused = http.post(paths.TOKEN, data=data, auth=(WEB["id"], WEB["secret"]))
    # Logto's body for node-oidc-provider's InvalidGrant (koa-oidc-error-handler.ts, errors.js).
    assert refused.status_code == 400
    assert refused.json() == {
        "code": "oidc.invalid_grant",
        "message": "Grant request is invalid.",
        "error_uri": "https://openid.sh/debug/invalid_grant",
        "error": "invalid_grant",
        "error_description": "grant request is invalid",
    }
    # The refresh token itself was never touched: the next refresh works.
    again = http.post(paths.TOKEN, data=data, auth=(WEB["id"], WEB["secret"]))
    assert again.status_code == 200, again.text


def test_an_oauth_error_with_its_own_status_and_description(http: httpx.Client) -> None:
    _fault(http, endpoint="userinfo", error="server_error")
    crashed = http.get(paths.USERINFO)
    assert crashed.status_code == 500
    assert crashed.json()["error_description"] == "oops! something went wrong"
    http.delete(paths.FAULTS)
    _fault(http, endpoint="token", error="invalid_client", error_description="nope", status=403)
    refused = http.post(paths.TOKEN, data={"grant_type": "client_credentials"})
    assert refused.status_code == 403
    assert refused.json()["error"] == "invalid_client"
    assert refused.json()["error_description"] == "nope"


def test_an_authorization_error_goes_back_to_the_redirect_uri(flaky: Running, http: httpx.Client) -> None:
    _fault(http, endpoint="authorization", error="access_denied", count=1)
    response = http.get(auth_url(flaky, state="s-1"), follow_redirects=False)
    assert response.status_code in (302, 303)
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == WEB["redirect"]
    assert parse_qs(location.query) == {
        "error": ["access_denied"], "state": ["s-1"], "iss": [f"{flaky.endpoint}/oidc"]
    }  # fmt: skip


def test_a_logto_error_code_on_an_experience_route(http: httpx.Client) -> None:
    _fault(http, path="/api/experience/verification/*", method="post", code="verification_code.expired")
    refused = http.post(paths.EXPERIENCE_CODE_VERIFY, json={})
    assert refused.status_code == 400
    assert refused.json() == {
        "code": "verification_code.expired",
        "message": "Verification code has expired. Please request a new verification code.",
    }
    # Another path, or another method, is not the rule's: Logto answers it itself.
    assert http.put(paths.EXPERIENCE, json={}).json()["code"] != "verification_code.expired"
    assert http.get(paths.EXPERIENCE_CODE_VERIFY).json().get("code") != "verification_code.expired"


def test_a_dropped_connection_has_no_answer(http: httpx.Client) -> None:
    _fault(http, endpoint="jwks", drop=True, count=1)
    with pytest.raises(httpx.RemoteProtocolError):
        http.get(paths.JWKS)
    assert http.get(paths.JWKS).status_code == 200


def test_a_delay_holds_the_request_until_the_tenant_clock_gets_there(http: httpx.Client) -> None:
    """A ten-minute delay, released by moving the tenant clock — the request is answered normally."""
    after = max((e["id"] for e in http.get(paths.EVENTS).json()["items"]), default=0)
    _fault(http, endpoint="discovery", delay_ms=600_000, count=1)
    answers: list[int] = []
    held = threading.Thread(target=lambda: answers.append(http.get(paths.DISCOVERY).status_code))
    held.start()
    events = http.get(paths.EVENTS_WAIT, params={"after": after, "timeout": 10}).json()["items"]
    assert [e["data"]["answer"] for e in events if e["kind"] == "fault"] == ["delay"]
    assert answers == []
    assert http.post(paths.CLOCK, json={"advance": 600}).status_code == 200
    held.join(timeout=10)
    assert answers == [200]


def test_a_delay_longer_than_the_clients_timeout_times_it_out(flaky: Running, http: httpx.Client) -> None:
    _fault(http, endpoint="userinfo", delay_ms=600_000, status=503, count=1)
    with pytest.raises(httpx.ReadTimeout), httpx.Client(base_url=flaky.endpoint, timeout=0.3) as impatient:
        impatient.get(paths.USERINFO)
    http.post(paths.CLOCK, json={"advance": 600})  # let the held request go


def test_each_applied_fault_is_an_event_of_the_debug_view(http: httpx.Client) -> None:
    after = max((e["id"] for e in http.get(paths.EVENTS).json()["items"]), default=0)
    rule = _fault(http, endpoint="jwks", status=502, count=1)
    http.get(paths.JWKS)
    faults = [e for e in http.get(paths.EVENTS).json()["items"] if e["id"] > after and e["kind"] == "fault"]
    assert [(e["data"]["endpoint"], e["data"]["rule"], e["data"]["answer"]) for e in faults] == [
        (paths.JWKS, rule["id"], 502)
    ]


def test_a_rate_rule_with_a_seed_is_repeatable(http: httpx.Client) -> None:
    def pattern() -> list[int]:
        _fault(http, endpoint="discovery", status=503, rate=0.5, seed=7)
        seen = [http.get(paths.DISCOVERY).status_code for _ in range(12)]
        http.delete(paths.FAULTS)
        return seen

    first = pattern()
    assert first == pattern()
    assert {200, 503} == set(first)


def test_control_paths_are_never_faulted(http: httpx.Client) -> None:
    _fault(http, path="/*", status=503)
    assert http.get(paths.HEALTH).status_code == 200
    assert http.get(paths.JWKS).status_code == 503


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        ({"status": 503}, "a fault needs an endpoint or a path (not both)"),
        ({"endpoint": "token", "path": "/oidc/token", "status": 503}, "not both"),
        ({"endpoint": "jwks"}, "a fault needs a status, an error, a code, drop or a delay_ms"),
        ({"endpoint": "jwks", "status": 200}, "status must be a standard HTTP error status"),
        ({"endpoint": "jwks", "status": 499}, "status must be a standard HTTP error status"),
        ({"endpoint": "jwks", "drop": True, "status": 503}, "one of: an error, a code, a status, or drop"),
        ({"endpoint": "experience", "error": "invalid_grant"}, "give code for an /api route"),
        ({"endpoint": "token", "code": "session.not_found"}, "give error for an OIDC endpoint"),
        ({"endpoint": "token", "error": "made_up"}, "error must be one of"),
        ({"endpoint": "experience", "code": "made.up"}, "not a Logto error code"),
        ({"endpoint": "jwks", "grant_type": "refresh_token", "status": 503}, "grant_type applies to"),
        ({"path": "/__harness/*", "status": 503}, "not under /__harness"),
        ({"endpoint": "jwks", "error_description": "x", "status": 503}, "error_description goes with"),
    ],
)
def test_a_bad_rule_is_refused(http: httpx.Client, spec: dict[str, Any], problem: str) -> None:
    refused = http.post(paths.FAULTS, json=spec)
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_fault"
    assert problem in refused.json()["message"]


@pytest.mark.parametrize(
    "spec",
    [
        {"endpoint": "nowhere", "status": 503},
        {"endpoint": "jwks", "status": 503, "count": 0},
        {"endpoint": "jwks", "status": 503, "rate": 1.5},
        {"endpoint": "jwks", "delay_ms": -1},
        [1, 2],
    ],
)
def test_a_malformed_rule_is_an_invalid_request(http: httpx.Client, spec: Any) -> None:
    refused = http.post(paths.FAULTS, json=spec)
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_request"


def _kids(http: httpx.Client) -> list[str]:
    return [key["kid"] for key in http.get(paths.JWKS).json()["keys"]]


def test_key_rotation_keeps_the_previous_key_or_drops_it(http: httpx.Client) -> None:
    def client_credentials() -> str:
        answer = http.post(
            paths.TOKEN,
            data={"grant_type": "client_credentials", "resource": API},
            auth=(M2M["id"], M2M["secret"]),
        )
        token: str = answer.json()["access_token"]
        return token

    before = client_credentials()
    (old,) = _kids(http)[:1]
    rotated = http.post(paths.KEYS_ROTATE).json()
    assert rotated["kids"] == [rotated["kid"], old] == _kids(http)  # Logto's order: current first
    after = client_credentials()
    jwks = KeySet.import_key_set(http.get(paths.JWKS).json())
    assert jwt.decode(after, jwks, algorithms=["ES384"]).header["kid"] == rotated["kid"]
    # The old key's tokens still verify against the JWKS while it is kept.
    assert jwt.decode(before, jwks, algorithms=["ES384"]).header["kid"] == old
    dropped = http.post(paths.KEYS_ROTATE, json={"keep_previous": False}).json()
    assert _kids(http) == [dropped["kid"]] == dropped["kids"]
    refused = http.post(paths.KEYS_ROTATE, json={"keep_previous": "sometimes"})
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_request"
