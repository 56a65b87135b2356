"""The password and username policies' checks, case by case as @logto/core-kit's own tests state them
(``password-policy.test.ts``, ``username-policy.test.ts``)."""

from __future__ import annotations

from typing import Any

import pytest

from fake_logto import _password_policy, _username_policy
from fake_logto._config import DEFAULT_USERNAME_POLICY

# password-policy.test.ts's checker (its mocked range API knows '123456')
CHECKER = {
    "length": {"min": 7, "max": 15},
    "characterTypes": {"min": 3},
    "rejects": {
        "pwned": True,
        "repetitionAndSequence": True,
        "userInfo": True,
        "words": ["aaaaaate", "aaaaaaaa", "silverhand"],
    },
}
CASES: list[tuple[str, dict[str, str], list[dict[str, Any]]]] = [
    ("aL1!aL1!", {}, []),
    ("silverHAnd213", {}, []),
    ("lo9KI8mJu112", {}, []),
    ("aL1!aL1!", {"name": "aL1!"}, [{"code": "password_rejected.restricted.user_info"}]),
    ("lo9KI8mju78911", {}, [{"code": "password_rejected.restricted.sequence"}]),
    (
        "lo9KI8MJU789111",
        {},
        [
            {"code": "password_rejected.restricted.sequence"},
            {"code": "password_rejected.restricted.repetition"},
        ],
    ),
    (
        "123456",
        {"phoneNumber": "12345"},
        [
            {"code": "password_rejected.too_short", "interpolation": {"min": 7}},
            {"code": "password_rejected.character_types", "interpolation": {"min": 3}},
            {"code": "password_rejected.pwned"},
            {"code": "password_rejected.restricted.sequence"},
            {"code": "password_rejected.restricted.user_info"},
        ],
    ),
    (
        "aaaaaaaaAAAAAAAAbcdCOK",
        {"name": "CO"},
        [
            {"code": "password_rejected.too_long", "interpolation": {"max": 15}},
            {"code": "password_rejected.character_types", "interpolation": {"min": 3}},
            {"code": "password_rejected.restricted.repetition"},
            {"code": "password_rejected.restricted.words"},
            {"code": "password_rejected.restricted.sequence"},
            {"code": "password_rejected.restricted.user_info"},
        ],
    ),
]


@pytest.mark.parametrize(("password", "info", "expected"), CASES)
def test_the_checker_answers_as_core_kit(
    monkeypatch: pytest.MonkeyPatch, password: str, info: dict[str, str], expected: list[dict[str, Any]]
) -> None:
    monkeypatch.setattr(_password_policy, "PWNED_FOR_TEST", ("123456",))
    assert _password_policy.issues(CHECKER, password, dict(info)) == expected


def test_unsupported_characters_count_in_utf16_units() -> None:
    assert _password_policy.issues(CHECKER, "aaa\U0001f600", {}) == [
        {"code": "password_rejected.too_short", "interpolation": {"min": 7}},
        {"code": "password_rejected.unsupported_characters"},
        {"code": "password_rejected.restricted.repetition"},
    ]


def test_the_pwned_list_is_logtos_integration_test_list() -> None:
    """Logto under INTEGRATION_TEST (core-kit utils/integration-test.ts); the fake never goes online."""
    assert _password_policy.issues({}, "123456aA", {}) == [
        {"code": "password_rejected.pwned"},
        {"code": "password_rejected.restricted.sequence"},
    ]
    assert _password_policy.issues({"rejects": {"pwned": False}}, "test_password", {}) == []
    assert _password_policy.issues({}, "test_password", {}) == [{"code": "password_rejected.pwned"}]


def test_an_empty_policy_is_the_defaults() -> None:
    assert _password_policy.full({}) == {
        "length": {"min": 8, "max": 256},
        "characterTypes": {"min": 1},
        "rejects": {"pwned": True, "repetitionAndSequence": True, "userInfo": True, "words": []},
    }


@pytest.mark.parametrize(
    ("username", "policy", "violation"),
    [
        ("", {}, "required"),
        ("1abc", {}, "starts_with_number"),
        ("a-b", {}, "invalid_charset_hard"),
        ("ab", {"minLength": 3}, "too_short"),
        ("abcd", {"maxLength": 3}, "too_long"),
        ("Abc", {"allowedChars": {"uppercase": False}}, "uppercase_not_allowed"),
        ("abc", {"allowedChars": {"lowercase": False}}, "lowercase_not_allowed"),
        ("a1", {"allowedChars": {"numbers": False}}, "numbers_not_allowed"),
        ("a_b", {"allowedChars": {"underscore": False}}, "underscore_not_allowed"),
        ("Abc_1", {}, None),
    ],
)
def test_username_violations(username: str, policy: dict[str, Any], violation: str | None) -> None:
    allowed = {**DEFAULT_USERNAME_POLICY["allowedChars"], **policy.pop("allowedChars", {})}
    full = {**DEFAULT_USERNAME_POLICY, **policy, "allowedChars": allowed}
    assert _username_policy.violation(username, full) == violation
