"""One-time tokens (magic links): the Management API's ``/api/one-time-tokens`` (Logto's
``routes/one-time-tokens.ts``, ``libraries/one-time-token.ts``) and the Experience API's
``/verification/one-time-token/verify`` (``verification-routes/one-time-token.ts``): each answer, each
refusal's status and body, expiry on the tenant clock, the sentinel counting token attempts."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from logto_support import PASSWORD_USER, auth_url
from management_support import logto_error

from fake_logto import Running
from harness import ExperienceClient, ExperienceError

KEYS = {"tenantId", "id", "email", "token", "context", "status", "createdAt", "expiresAt"}
VERIFY = "/api/experience/verification/one-time-token/verify"


def _create(api: httpx.Client, **body: Any) -> dict[str, Any]:
    response = api.post("/one-time-tokens", json=body)
    assert response.status_code == 201, response.text
    token: dict[str, Any] = response.json()
    return token


def _verify(client: ExperienceClient, token: str, email: str) -> httpx.Response:
    body = {"token": token, "identifier": {"type": "email", "value": email}}
    return client.http.post(client.endpoint + VERIFY, json=body)


def test_the_guard_applies(mgmt: Running) -> None:
    logto_error(httpx.get(f"{mgmt.endpoint}/api/one-time-tokens"), 401, "auth.authorization_header_missing")


def test_create_answers_an_active_token_expiring_in_ten_minutes(api: httpx.Client) -> None:
    token = _create(api, email="a@example.test", context={"interactionEvent": "SignIn", "extra": 1})
    assert set(token) == KEYS
    assert (token["status"], token["context"], token["tenantId"]) == (
        "active",
        {"interactionEvent": "SignIn"},
        "default",
    )
    assert token["expiresAt"] - token["createdAt"] == 600_000
    assert len(token["token"]) == 32
    assert api.get(f"/one-time-tokens/{token['id']}").json() == token
    assert _create(api, email="a@example.test", expiresIn=1.5)["context"] == {}


@pytest.mark.parametrize(
    ("body", "path", "code"),
    [
        ({}, ["email"], "invalid_type"),
        ({"email": ""}, ["email"], "too_small"),
        ({"email": "x" * 129}, ["email"], "too_big"),
        ({"email": "a@b.c", "expiresIn": 0}, ["expiresIn"], "too_small"),
        ({"email": "a@b.c", "expiresIn": "60"}, ["expiresIn"], "invalid_type"),
        ({"email": "a@b.c", "context": None}, ["context"], "invalid_type"),
        (
            {"email": "a@b.c", "context": {"interactionEvent": "Nope"}},
            ["context", "interactionEvent"],
            "invalid_enum_value",
        ),
        (
            {"email": "a@b.c", "context": {"jitOrganizationIds": [1]}},
            ["context", "jitOrganizationIds", 0],
            "invalid_type",
        ),
    ],
)
def test_create_guards_its_body(api: httpx.Client, body: dict[str, Any], path: list[Any], code: str) -> None:
    error = logto_error(api.post("/one-time-tokens", json=body), 400, "guard.invalid_input")
    assert (error["data"]["issues"][0]["path"], error["data"]["issues"][0]["code"]) == (path, code)


def test_list_filters_newest_first_and_counts_every_token(api: httpx.Client) -> None:
    first = _create(api, email="l1@example.test")
    second = _create(api, email="l2@example.test")
    listed = api.get("/one-time-tokens")
    assert [t["id"] for t in listed.json()] == [second["id"], first["id"]]
    assert "Total-Number" not in listed.headers
    paged = api.get("/one-time-tokens", params={"email": "l1@example.test", "page": 1, "page_size": 5})
    assert ([t["id"] for t in paged.json()], paged.headers["Total-Number"]) == ([first["id"]], "2")
    error = logto_error(api.get("/one-time-tokens", params={"email": "nope"}), 400, "guard.invalid_input")
    assert error["message"] == "The request query is invalid."
    logto_error(api.get("/one-time-tokens", params={"status": "gone"}), 400, "guard.invalid_input")


def test_verify_consumes_once(api: httpx.Client) -> None:
    token = _create(api, email="v@example.test")
    logto_error(
        api.post("/one-time-tokens/verify", json={"token": token["token"], "email": "w@example.test"}),
        400,
        "one_time_token.email_mismatch",
        "Email mismatch with given token.",
    )
    verified = api.post("/one-time-tokens/verify", json={"token": token["token"], "email": "v@example.test"})
    assert (verified.status_code, verified.json()["status"]) == (200, "consumed")
    logto_error(
        api.post("/one-time-tokens/verify", json={"token": token["token"], "email": "v@example.test"}),
        400,
        "one_time_token.token_consumed",
        "The token has been consumed.",
    )
    logto_error(
        api.post("/one-time-tokens/verify", json={"token": "nope", "email": "v@example.test"}),
        404,
        "one_time_token.token_not_found",
        "Token nope not found.",
    )
    logto_error(api.post("/one-time-tokens/verify", json={"token": ""}), 400, "guard.invalid_input")


def test_expiry_is_on_the_tenant_clock(api: httpx.Client, mgmt: Running) -> None:
    token = _create(api, email="e@example.test", expiresIn=60)
    mgmt.tenant.clock.advance(61)
    assert api.get(f"/one-time-tokens/{token['id']}").json()["status"] == "expired"
    logto_error(
        api.post("/one-time-tokens/verify", json={"token": token["token"], "email": "e@example.test"}),
        400,
        "one_time_token.token_expired",
        "The token is expired.",
    )


def test_status_changes_but_never_back_to_active(api: httpx.Client) -> None:
    token = _create(api, email="s@example.test")
    revoked = api.put(f"/one-time-tokens/{token['id']}/status", json={"status": "revoked"})
    assert (revoked.status_code, revoked.json()["status"]) == (200, "revoked")
    logto_error(
        api.put(f"/one-time-tokens/{token['id']}/status", json={"status": "active"}),
        400,
        "one_time_token.cannot_reactivate_token",
        "Cannot reactivate the token.",
    )
    logto_error(
        api.post("/one-time-tokens/verify", json={"token": token["token"], "email": "s@example.test"}),
        400,
        "one_time_token.token_revoked",
        "The token has been revoked.",
    )
    # The body is guarded before the id is looked up.
    logto_error(api.put("/one-time-tokens/nope/status", json={"status": "x"}), 400, "guard.invalid_input")
    logto_error(
        api.put("/one-time-tokens/nope/status", json={"status": "revoked"}),
        404,
        "entity.not_exists_with_id",
        "The one_time_tokens with ID `nope` does not exist.",
    )


def test_delete(api: httpx.Client) -> None:
    token = _create(api, email="d@example.test")
    assert api.delete(f"/one-time-tokens/{token['id']}").status_code == 204
    logto_error(api.get(f"/one-time-tokens/{token['id']}"), 404, "entity.not_exists_with_id")
    logto_error(api.delete(f"/one-time-tokens/{token['id']}"), 404, "entity.not_found")


def test_a_magic_link_resets_a_password(api: httpx.Client, mgmt: Running) -> None:
    email = PASSWORD_USER["email"]
    token = _create(api, email=email, context={"interactionEvent": "ForgotPassword"})
    with ExperienceClient(mgmt.endpoint) as client:
        client.start(auth_url(mgmt))
        client.set_event("ForgotPassword")
        verified = _verify(client, token["token"], email)
        assert verified.status_code == 200, verified.text
        record = client.http.get(client.endpoint + "/api/experience/interaction").json()[
            "verificationRecords"
        ][0]
        assert (record["type"], record["verified"]) == ("OneTimeToken", True)
        assert record["oneTimeTokenContext"] == {"interactionEvent": "ForgotPassword"}
        assert client.identify(verified.json()["verificationId"]) == 204
        client.set_password("a brand new passphrase 1")
        client.submit()
    with ExperienceClient(mgmt.endpoint) as client:
        client.start(auth_url(mgmt))
        client.set_event("SignIn")
        assert client.verify_password("email", email, "a brand new passphrase 1")
    assert api.get(f"/one-time-tokens/{token['id']}").json()["status"] == "consumed"


def test_a_refused_token_stays_active_and_identifies_nobody(api: httpx.Client, mgmt: Running) -> None:
    email = PASSWORD_USER["email"]
    token = _create(api, email=email, context={"interactionEvent": "SignIn"})
    with ExperienceClient(mgmt.endpoint) as client:
        client.start(auth_url(mgmt))
        client.set_event("ForgotPassword")
        logto_error(
            _verify(client, token["token"], email),
            400,
            "one_time_token.interaction_event_mismatch",
            "The token cannot be used for this interaction.",
        )
        logto_error(_verify(client, "nope", email), 404, "one_time_token.token_not_found")
        error = logto_error(_verify(client, token["token"], "nope"), 400, "guard.invalid_input")
        assert error["data"]["issues"][0]["path"] == ["identifier", "value"]
        literal = {"token": "t", "identifier": {"type": "phone", "value": email}}
        error = logto_error(
            client.http.post(client.endpoint + VERIFY, json=literal), 400, "guard.invalid_input"
        )
        assert error["data"]["issues"][0]["code"] == "invalid_literal"
        assert (
            client.http.get(client.endpoint + "/api/experience/interaction").json()["verificationRecords"]
            == []
        )
        with pytest.raises(ExperienceError) as caught:
            client.set_password("a brand new passphrase 1")
        assert (caught.value.status, caught.value.code) == (404, "session.identifier_not_found")
    assert api.get(f"/one-time-tokens/{token['id']}").json()["status"] == "active"


def test_a_token_registers_even_with_registration_off(api: httpx.Client, mgmt: Running) -> None:
    api.patch("/sign-in-exp", json={"signInMode": "SignIn"})
    token = _create(api, email="newcomer@example.test")
    with ExperienceClient(mgmt.endpoint) as client:
        client.start(auth_url(mgmt))
        client.set_event("SignIn")
        with pytest.raises(ExperienceError) as caught:
            client.switch_event("Register")
        assert (caught.value.status, caught.value.code) == (403, "auth.forbidden")
        verification_id = _verify(client, token["token"], "newcomer@example.test").json()["verificationId"]
        client.switch_event("Register")
        assert client.identify(verification_id) == 201
    found = api.get("/users", params={"search": "newcomer@example.test"}).json()
    assert [u["primaryEmail"] for u in found] == ["newcomer@example.test"]


def test_the_sentinel_counts_token_attempts(api: httpx.Client, mgmt: Running) -> None:
    api.patch("/sign-in-exp", json={"sentinelPolicy": {"maxAttempts": 2, "lockoutDuration": 5}})
    email = PASSWORD_USER["email"]
    token = _create(api, email=email)
    with ExperienceClient(mgmt.endpoint) as client:
        client.start(auth_url(mgmt))
        client.set_event("SignIn")
        logto_error(_verify(client, "wrong", email), 404, "one_time_token.token_not_found")
        # The second failure reaches maxAttempts: locked out, even with the right token next.
        logto_error(_verify(client, "wrong", email), 400, "session.verification_blocked_too_many_attempts")
        logto_error(
            _verify(client, token["token"], email),
            400,
            "session.verification_blocked_too_many_attempts",
            "Too many attempts in a short time. Please try again in 5 minutes.",
        )
    # withSentinel runs the verification before its decision: the blocked attempt still used the token.
    assert api.get(f"/one-time-tokens/{token['id']}").json()["status"] == "consumed"
