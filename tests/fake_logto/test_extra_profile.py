"""The extra profile on ``POST /api/experience/profile`` (``{type: "extraProfile", values}``; Logto's
``profile-routes.ts`` and ``ProfileValidator.validateAndParseCustomProfile``): the split into name, avatar,
standard claims and custom data that the new or signed-in user gets, and each refusal's status and body."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from logto_support import PASSWORD_USER, auth_url
from management_support import logto_error

from fake_logto import Running, paths
from harness import ExperienceClient

USERNAME_ONLY = {
    "signUp": {"identifiers": ["username"], "password": True, "verify": False},
    "signIn": {
        "methods": [
            {
                "identifier": "username",
                "password": True,
                "verificationCode": False,
                "isPasswordPrimary": True,
            },
            {"identifier": "email", "password": True, "verificationCode": False, "isPasswordPrimary": True},
        ]
    },
}
PASSWORD = "quiet-Orchard-74"
VALUES = {
    "name": "John Doe",
    "avatar": "https://example.com/avatar.jpg",
    "givenName": "John",
    "address": {"locality": "Paris", "other": "dropped"},
    "customField1": "customValue1",
    "nested": {"a": [1, 2]},
}


def _extra(browser: ExperienceClient, values: Any) -> httpx.Response:
    body = {"type": "extraProfile", "values": values}
    return browser.http.post(browser.endpoint + paths.EXPERIENCE_PROFILE, json=body)


def _browser(mgmt: Running, event: str) -> ExperienceClient:
    browser = ExperienceClient(mgmt.endpoint)
    browser.start(auth_url(mgmt))
    browser.set_event(event)
    return browser


def _user(api: httpx.Client, search: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = api.get("/users", params={"search": search}).json()
    assert len(found) == 1
    return found[0]


def test_a_registration_keeps_the_extra_profile(api: httpx.Client, mgmt: Running) -> None:
    assert api.patch("/sign-in-exp", json=USERNAME_ONLY).status_code == 200
    username = "u" + uuid.uuid4().hex[:10]
    with _browser(mgmt, "Register") as browser:
        browser.add_profile(type="username", value=username)
        browser.add_profile(type="password", value=PASSWORD)
        assert _extra(browser, {"customField1": "first"}).status_code == 204
        assert _extra(browser, VALUES).status_code == 204  # replaces the earlier values
        shown = browser.http.get(browser.endpoint + paths.EXPERIENCE_INTERACTION).json()["profile"]
        assert shown["customData"] == {"customField1": "customValue1", "nested": {"a": [1, 2]}}
        created = browser.http.post(browser.endpoint + paths.EXPERIENCE_IDENTIFICATION, json={})
        assert created.status_code == 201, created.text
    user = _user(api, username)
    assert (user["name"], user["avatar"]) == ("John Doe", "https://example.com/avatar.jpg")
    assert user["profile"] == {"givenName": "John", "address": {"locality": "Paris"}}
    assert user["customData"] == {"customField1": "customValue1", "nested": {"a": [1, 2]}}


def test_a_sign_in_merges_the_extra_profile_at_submit(api: httpx.Client, mgmt: Running) -> None:
    assert api.patch("/sign-in-exp", json=USERNAME_ONLY).status_code == 200
    user_id = _user(api, PASSWORD_USER["email"])["id"]
    api.patch(f"/users/{user_id}/custom-data", json={"customData": {"kept": True}})
    with _browser(mgmt, "SignIn") as browser:
        browser.identify(browser.verify_password("email", PASSWORD_USER["email"], PASSWORD_USER["password"]))
        assert _extra(browser, {"nickname": "Jo", "plan": "gold"}).status_code == 204
        assert browser.submit()
    user = api.get(f"/users/{user_id}").json()
    assert user["customData"] == {"kept": True, "plan": "gold"}
    assert user["profile"]["nickname"] == "Jo"


@pytest.mark.parametrize(
    ("values", "code", "message"),
    [
        (
            {"username": "johndoe", "fullName": "John Doe", "primaryEmail": None},
            "custom_profile_fields.name_conflict_sign_in_identifier",
            "Invalid field name. Reserved sign-in identifier key(s): username, primaryEmail.",
        ),
        (
            {"givenName": "John", "onboarding": "x"},
            "custom_profile_fields.name_conflict_custom_data",
            "Invalid field name. Reserved custom data key(s): onboarding.",
        ),
        (
            {"username": "j", "preferredUsername": "john"},
            "custom_profile_fields.name_conflict_built_in_prop",
            "Invalid field name. Reserved built-in user profile property name(s): preferredUsername.",
        ),
    ],
)
def test_reserved_keys_are_refused(mgmt: Running, values: dict[str, Any], code: str, message: str) -> None:
    with _browser(mgmt, "Register") as browser:
        logto_error(_extra(browser, values), 400, code, message)


@pytest.mark.parametrize(
    ("values", "path"),
    [
        ("x", ["values"]),
        ({"bad-key": 1}, ["values", "bad-key"]),
        ({"givenName": 5}, ["values", "givenName"]),
        ({"avatar": "not a url"}, ["values", "avatar"]),
        ({"username": 5}, ["values", "username"]),
    ],
)
def test_bad_values_are_guard_errors(mgmt: Running, values: Any, path: list[str]) -> None:
    with _browser(mgmt, "Register") as browser:
        refused = logto_error(_extra(browser, values), 400, "guard.invalid_input")
        assert refused["data"]["issues"][0]["path"] == path


def test_not_for_a_password_reset(mgmt: Running) -> None:
    with _browser(mgmt, "ForgotPassword") as browser:
        logto_error(_extra(browser, {"a": "b"}), 400, "session.not_supported_for_forgot_password")
