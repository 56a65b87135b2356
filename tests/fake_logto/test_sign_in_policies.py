"""``PATCH /api/sign-in-exp``'s ``passwordPolicy``, ``usernamePolicy`` and ``signUp.secondaryIdentifiers``,
and what they do to the Experience API: ``new-password-identity`` registration, the username case rules,
the policies' refusals, the secondary identifiers required and the ``BindMfa`` template."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from logto_support import auth_url
from management_support import logto_error

from fake_logto import Running, paths
from harness import ExperienceClient

USERNAME_ONLY = {
    "signUp": {"identifiers": ["username"], "password": True, "verify": False},
    "signIn": {
        "methods": [
            {"identifier": "username", "password": True, "verificationCode": False, "isPasswordPrimary": True}
        ]
    },
}
PASSWORD = "quiet-Orchard-74"


def _name() -> str:
    return "u" + uuid.uuid4().hex[:10]


def _patch(api: httpx.Client, body: dict[str, Any]) -> dict[str, Any]:
    answer = api.patch("/sign-in-exp", json=body)
    assert answer.status_code == 200, answer.text
    row: dict[str, Any] = answer.json()
    return row


def _browser(mgmt: Running, event: str) -> ExperienceClient:
    browser = ExperienceClient(mgmt.endpoint)
    browser.start(auth_url(mgmt))
    browser.set_event(event)
    return browser


def _post(browser: ExperienceClient, path: str, body: dict[str, Any]) -> httpx.Response:
    return browser.http.post(browser.endpoint + path, json=body)


def _new_identity(browser: ExperienceClient, username: str, password: str = PASSWORD) -> httpx.Response:
    body = {"identifier": {"type": "username", "value": username}, "password": password}
    return _post(browser, paths.EXPERIENCE_NEW_PASSWORD_IDENTITY, body)


def _register(mgmt: Running, username: str) -> httpx.Response:
    with _browser(mgmt, "Register") as browser:
        answer = _new_identity(browser, username)
        assert answer.status_code == 200, answer.text
        return _post(
            browser, paths.EXPERIENCE_IDENTIFICATION, {"verificationId": answer.json()["verificationId"]}
        )


def test_policies_are_stored_as_logto_parses_them(api: httpx.Client) -> None:
    row = _patch(
        api,
        {
            "passwordPolicy": {"length": {"min": 10}, "rejects": {"pwned": False}},
            "usernamePolicy": {
                "caseSensitive": True,
                "minLength": 2,
                "maxLength": 20,
                "allowedChars": {"lowercase": True, "uppercase": False, "numbers": True, "underscore": True},
            },
        },
    )
    # partialPasswordPolicyGuard: a given section gets its defaults, an absent one stays absent
    assert row["passwordPolicy"] == {
        "length": {"min": 10, "max": 256},
        "rejects": {"pwned": False, "repetitionAndSequence": True, "userInfo": True, "words": []},
    }
    assert row["usernamePolicy"]["allowedChars"]["uppercase"] is False
    assert api.get("/sign-in-exp").json()["passwordPolicy"] == row["passwordPolicy"]


@pytest.mark.parametrize(
    ("body", "issue"),
    [
        (
            {"passwordPolicy": {"characterTypes": {"min": 5}}},
            ("too_big", ["passwordPolicy", "characterTypes", "min"]),
        ),
        ({"passwordPolicy": {"length": {"min": 1.5}}}, ("invalid_type", ["passwordPolicy", "length", "min"])),
        (
            {"passwordPolicy": {"rejects": {"words": [1]}}},
            ("invalid_type", ["passwordPolicy", "rejects", "words", 0]),
        ),
        (
            {"usernamePolicy": {"caseSensitive": True, "minLength": 5, "maxLength": 2, "allowedChars": {}}},
            ("invalid_type", ["usernamePolicy", "allowedChars", "lowercase"]),
        ),
        (
            {
                "usernamePolicy": {
                    "caseSensitive": True,
                    "minLength": 5,
                    "maxLength": 2,
                    "allowedChars": {
                        "lowercase": True,
                        "uppercase": True,
                        "numbers": True,
                        "underscore": True,
                    },
                }
            },
            ("custom", ["usernamePolicy", "maxLength"]),
        ),
        (
            {
                "usernamePolicy": {
                    "caseSensitive": True,
                    "minLength": 1,
                    "maxLength": 2,
                    "allowedChars": {
                        "lowercase": False,
                        "uppercase": False,
                        "numbers": True,
                        "underscore": False,
                    },
                }
            },
            ("custom", ["usernamePolicy", "allowedChars"]),
        ),
        (
            {
                "signUp": {
                    "identifiers": [],
                    "password": True,
                    "verify": True,
                    "secondaryIdentifiers": [{"identifier": "x"}],
                }
            },
            ("invalid_enum_value", ["signUp", "secondaryIdentifiers", 0, "identifier"]),
        ),
    ],
)
def test_guard_refusals(api: httpx.Client, body: dict[str, Any], issue: tuple[str, list[Any]]) -> None:
    before = api.get("/sign-in-exp").json()
    refused = logto_error(api.patch("/sign-in-exp", json=body), 400, "guard.invalid_input")
    assert (refused["data"]["issues"][0]["code"], refused["data"]["issues"][0]["path"]) == issue
    assert api.get("/sign-in-exp").json() == before


@pytest.mark.parametrize(
    ("sign_up", "code"),
    [
        (
            {"identifiers": [], "secondaryIdentifiers": [{"identifier": "username"}]},
            "missing_sign_up_identifiers",
        ),
        (
            {
                "identifiers": ["email"],
                "secondaryIdentifiers": [{"identifier": "emailOrPhone", "verify": True}],
            },
            "duplicated_sign_up_identifiers",
        ),
        (
            {"identifiers": ["username"], "secondaryIdentifiers": [{"identifier": "email", "verify": False}]},
            "passwordless_requires_verify",
        ),
        (
            {"identifiers": ["username"], "secondaryIdentifiers": [{"identifier": "phone", "verify": True}]},
            "enabled_connector_not_found",
        ),
    ],
)
def test_secondary_identifier_refusals(api: httpx.Client, sign_up: dict[str, Any], code: str) -> None:
    body = {"signUp": {"password": True, "verify": True, **sign_up}}
    logto_error(api.patch("/sign-in-exp", json=body), 400, f"sign_in_experiences.{code}")


def test_registration_by_new_password_identity(api: httpx.Client, mgmt: Running) -> None:
    _patch(api, USERNAME_ONLY)
    username = _name()
    assert _register(mgmt, username).status_code == 201
    with _browser(mgmt, "SignIn") as browser:
        assert browser.identify(browser.verify_password("username", username, PASSWORD)) == 204
    with _browser(mgmt, "Register") as browser:
        logto_error(_new_identity(browser, username), 422, "user.username_already_in_use")
        refused = logto_error(_new_identity(browser, _name(), "123456aA"), 422, "password.rejected")
        assert refused["data"] == [
            {"code": "password_rejected.pwned"},
            {"code": "password_rejected.restricted.sequence"},
        ]
        not_a_username = {"identifier": {"type": "email", "value": "a@b.io"}, "password": PASSWORD}
        logto_error(
            _post(browser, paths.EXPERIENCE_NEW_PASSWORD_IDENTITY, not_a_username), 400, "guard.invalid_input"
        )


def test_the_password_policy_applies_with_user_info(api: httpx.Client, mgmt: Running) -> None:
    _patch(api, USERNAME_ONLY | {"passwordPolicy": {"characterTypes": {"min": 3}}})
    username = _name()
    with _browser(mgmt, "Register") as browser:
        refused = logto_error(_new_identity(browser, username, "abcdefgh"), 422, "password.rejected")
        assert refused["data"][0] == {
            "code": "password_rejected.character_types",
            "interpolation": {"min": 3},
        }
        logto_error(_new_identity(browser, username, username + "A!"), 422, "password.rejected")
        assert _new_identity(browser, username, PASSWORD).status_code == 200


def test_usernames_are_case_sensitive_by_default(api: httpx.Client, mgmt: Running) -> None:
    _patch(api, USERNAME_ONLY)
    base = _name()
    assert _register(mgmt, base).status_code == 201
    assert _register(mgmt, base.upper()).status_code == 201
    with _browser(mgmt, "SignIn") as browser:
        body = {"identifier": {"type": "username", "value": base.capitalize()}, "password": PASSWORD}
        logto_error(
            _post(browser, paths.EXPERIENCE_PASSWORD_VERIFY, body), 422, "session.invalid_credentials"
        )
    # flipping to case-insensitive while they clash: 409 with the conflicts
    policy = api.get("/sign-in-exp").json()["usernamePolicy"] | {"caseSensitive": False}
    refused = logto_error(
        api.patch("/sign-in-exp", json={"usernamePolicy": policy}),
        409,
        "sign_in_experiences.username_policy_case_conflicts_exist",
    )
    assert refused["data"]["totalConflicts"] == 1
    assert refused["data"]["samples"][0]["usernameLower"] == base


def test_case_insensitive_usernames(api: httpx.Client, mgmt: Running) -> None:
    _patch(api, USERNAME_ONLY)
    policy = api.get("/sign-in-exp").json()["usernamePolicy"] | {"caseSensitive": False}
    _patch(api, {"usernamePolicy": policy})
    base = _name()
    assert _register(mgmt, base).status_code == 201
    with _browser(mgmt, "Register") as browser:
        logto_error(_new_identity(browser, base.upper()), 422, "user.username_already_in_use")
        logto_error(
            _post(browser, paths.EXPERIENCE_PROFILE, {"type": "username", "value": base.upper()}),
            422,
            "user.username_already_in_use",
        )
    with _browser(mgmt, "SignIn") as browser:
        assert browser.identify(browser.verify_password("username", base.upper(), PASSWORD)) == 204


def test_the_username_policy_applies_at_identification_and_profile(api: httpx.Client, mgmt: Running) -> None:
    _patch(api, USERNAME_ONLY)
    policy = api.get("/sign-in-exp").json()["usernamePolicy"]
    _patch(api, {"usernamePolicy": policy | {"allowedChars": policy["allowedChars"] | {"uppercase": False}}})
    logto_error(_register(mgmt, "A" + _name()), 422, "user.username_uppercase_not_allowed")
    with _browser(mgmt, "Register") as browser:
        logto_error(
            _post(browser, paths.EXPERIENCE_PROFILE, {"type": "username", "value": "A" + _name()}),
            422,
            "user.username_uppercase_not_allowed",
        )


def test_secondary_identifiers_are_required_and_keep_their_template(
    api: httpx.Client, mgmt: Running, email: str
) -> None:
    sign_up = USERNAME_ONLY["signUp"] | {
        "verify": True,
        "secondaryIdentifiers": [{"identifier": "email", "verify": True}],
    }
    row = _patch(api, {**USERNAME_ONLY, "signUp": sign_up})
    assert row["signUp"]["secondaryIdentifiers"] == [{"identifier": "email", "verify": True}]
    with _browser(mgmt, "Register") as browser:
        browser.add_profile(type="username", value=_name())
        browser.add_profile(type="password", value=PASSWORD)
        refused = logto_error(
            _post(browser, paths.EXPERIENCE_IDENTIFICATION, {}), 422, "user.missing_profile"
        )
        assert refused["data"] == {"missingProfile": ["email"]}


def _template_after_identification(
    api: httpx.Client, mgmt: Running, email: str, sign_up: dict[str, Any]
) -> str:
    _patch(api, {**USERNAME_ONLY, "signUp": sign_up})
    with _browser(mgmt, "Register") as browser:
        browser.add_profile(type="username", value=_name())
        browser.add_profile(type="password", value=PASSWORD)
        assert _post(browser, paths.EXPERIENCE_IDENTIFICATION, {}).status_code == 201
        browser.send_code(email, "Register")
        records = browser.http.get(browser.endpoint + paths.EXPERIENCE_INTERACTION).json()[
            "verificationRecords"
        ]
    template: str = records[-1]["templateType"]
    return template


def test_bind_mfa_template_outside_the_sign_up_identifiers(
    api: httpx.Client, mgmt: Running, email: str
) -> None:
    assert _template_after_identification(api, mgmt, email, USERNAME_ONLY["signUp"]) == "BindMfa"


def test_a_secondary_identifier_keeps_the_event_template(
    api: httpx.Client, mgmt: Running, email: str
) -> None:
    secondary = [{"identifier": "email", "verify": True}]
    _patch(
        api,
        {
            **USERNAME_ONLY,
            "signUp": USERNAME_ONLY["signUp"] | {"verify": True, "secondaryIdentifiers": secondary},
        },
    )
    username = _name()
    assert api.post("/users", json={"username": username, "password": PASSWORD}).status_code == 200
    with _browser(mgmt, "SignIn") as browser:
        browser.identify(browser.verify_password("username", username, PASSWORD))
        browser.send_code(email, "SignIn")
        records = browser.http.get(browser.endpoint + paths.EXPERIENCE_INTERACTION).json()[
            "verificationRecords"
        ]
    assert records[-1]["templateType"] == "SignIn"
