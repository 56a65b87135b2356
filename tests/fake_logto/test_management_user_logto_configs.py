"""``GET``/``PATCH /api/users/{userId}/logto-configs`` (Logto's ``routes/admin-user/basics.ts`` with
``libraries/user-logto-config.ts``): the user's MFA and passkey sign-in states as Logto answers them, each
refusal with Logto's status and code, and the flags read by the sign-in that the Experience API runs."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from logto_support import PASSWORD_USER, auth_url
from management_support import logto_error

from harness._errors import ExperienceError
from harness._experience import ExperienceClient

DEFAULT = {"mfa": {"skipped": False, "skipMfaOnSignIn": False}, "passkeySignIn": {"skipped": False}}


def _user(api: httpx.Client, username: str) -> str:
    response = api.post("/users", json={"username": username})
    assert response.status_code == 200, response.text
    user_id: str = response.json()["id"]
    return user_id


def _config(api: httpx.Client, user_id: str) -> dict[str, Any]:
    response = api.get(f"/users/{user_id}/logto-configs")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _patch(api: httpx.Client, user_id: str, body: Any) -> dict[str, Any]:
    response = api.patch(f"/users/{user_id}/logto-configs", json=body)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def test_a_new_user_has_the_default_flags_without_enabled(api: httpx.Client) -> None:
    """``buildUserLogtoConfigResponse``: ``enabled`` undefined (left out), the rest ``false``."""
    assert _config(api, _user(api, "lc_default")) == DEFAULT


def test_patch_writes_only_the_given_flags_and_answers_the_config(api: httpx.Client) -> None:
    user_id = _user(api, "lc_patch")
    answer = _patch(api, user_id, {"mfa": {"skipped": True}})
    assert answer == {"mfa": {"skipped": True, "skipMfaOnSignIn": False}, "passkeySignIn": {"skipped": False}}
    answer = _patch(api, user_id, {"mfa": {"enabled": True, "skipMfaOnSignIn": True}})
    assert answer["mfa"] == {"enabled": True, "skipped": True, "skipMfaOnSignIn": True}  # skipped kept
    answer = _patch(api, user_id, {"passkeySignIn": {"skipped": True}, "unknown": 1})
    assert answer == {
        "mfa": {"enabled": True, "skipped": True, "skipMfaOnSignIn": True},
        "passkeySignIn": {"skipped": True},
    }
    assert _patch(api, user_id, {}) == answer  # nothing given: nothing changes
    # additionalBindingSuggestionSkipped passes the guard and is not written (the route drops it).
    assert _patch(api, user_id, {"mfa": {"additionalBindingSuggestionSkipped": True}}) == answer
    assert _config(api, user_id) == answer
    reset = {
        "mfa": {"enabled": False, "skipped": False, "skipMfaOnSignIn": False},
        "passkeySignIn": {"skipped": False},
    }
    assert _patch(api, user_id, reset) == reset
    assert _config(api, user_id) == reset


@pytest.mark.parametrize(
    ("body", "path", "expected", "received"),
    [
        ([], [], "object", "array"),
        ({"mfa": None}, ["mfa"], "object", "null"),
        ({"mfa": True}, ["mfa"], "object", "boolean"),
        ({"mfa": {"enabled": "yes"}}, ["mfa", "enabled"], "boolean", "string"),
        ({"mfa": {"skipped": None}}, ["mfa", "skipped"], "boolean", "null"),
        ({"mfa": {"additionalBindingSuggestionSkipped": 1}}, ["mfa", "additionalBindingSuggestionSkipped"], "boolean", "number"),
        ({"mfa": {"skipMfaOnSignIn": 0}}, ["mfa", "skipMfaOnSignIn"], "boolean", "number"),
        ({"passkeySignIn": {"skipped": "true"}}, ["passkeySignIn", "skipped"], "boolean", "string"),
        ({"passkeySignIn": []}, ["passkeySignIn"], "object", "array"),
    ],
)  # fmt: skip
def test_a_bad_body_is_guard_invalid_input_even_for_an_unknown_user(
    api: httpx.Client, body: Any, path: list[str], expected: str, received: str
) -> None:
    user_id = _user(api, "lc_guard")
    for target in (user_id, "no-such-user"):  # koaGuard parses the body before the route looks up the user
        error = logto_error(
            api.patch(f"/users/{target}/logto-configs", json=body), 400, "guard.invalid_input"
        )
        issue = error["data"]["issues"][0]
        assert (issue["code"], issue["path"], issue["expected"], issue["received"]) == (
            "invalid_type", path, expected, received
        )  # fmt: skip
    assert _config(api, user_id) == DEFAULT


def test_an_unknown_user_is_entity_not_found(api: httpx.Client) -> None:
    logto_error(api.get("/users/no-such-user/logto-configs"), 404, "entity.not_found")
    logto_error(api.patch("/users/no-such-user/logto-configs", json={"mfa": {}}), 404, "entity.not_found")


def test_the_routes_need_the_management_token(mgmt: Any) -> None:
    with httpx.Client(base_url=mgmt.endpoint + "/api") as bare:
        logto_error(bare.get("/users/x/logto-configs"), 401, "auth.authorization_header_missing")
        logto_error(bare.patch("/users/x/logto-configs", json={}), 401, "auth.authorization_header_missing")


def _sign_in(logto: Any) -> ExperienceClient:
    browser = ExperienceClient(logto.endpoint)
    browser.start(auth_url(logto))
    browser.set_event("SignIn")
    browser.identify(browser.verify_password("email", PASSWORD_USER["email"], PASSWORD_USER["password"]))
    return browser


def _submit_code(browser: ExperienceClient) -> str | None:
    """The error code the submit answers, or None when it goes through."""
    try:
        browser.submit()
    except ExperienceError as error:
        return error.code
    return None


def test_the_flags_are_those_the_sign_in_reads_and_writes(mgmt: Any, api: httpx.Client) -> None:
    """As ``bind-mfa/happpy-path``: a skip made at sign-in shows as ``skipped``; resetting it through the
    Management API makes the next sign-in suggest MFA again."""
    mfa = {"factors": ["Totp"], "policy": "PromptAtSignInAndSignUp"}
    assert api.patch("/sign-in-exp", json={"mfa": mfa}).status_code == 200
    user_id = next(u["id"] for u in api.get("/users").json() if u["primaryEmail"] == PASSWORD_USER["email"])
    with _sign_in(mgmt) as browser:
        assert _submit_code(browser) == "user.suggest_mfa"
        browser.skip_mfa()
        assert _submit_code(browser) is None
    assert _config(api, user_id)["mfa"] == {"skipped": True, "skipMfaOnSignIn": False}
    with _sign_in(mgmt) as browser:
        assert _submit_code(browser) is None  # skipped: not asked again
    _patch(api, user_id, {"mfa": {"skipped": False, "skipMfaOnSignIn": False}})
    with _sign_in(mgmt) as browser:
        assert _submit_code(browser) == "user.suggest_mfa"
