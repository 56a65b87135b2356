"""The sign-in experience's ``emailBlocklistPolicy`` (Logto's ``email-blocklist-policy.ts`` and core-kit's
``email-blocklist.ts``): stored by ``PATCH /api/sign-in-exp`` (its list format checked, duplicates
dropped, the Cloud-only disposable check refused) and enforced by the Experience API where Logto's
``guardEmailBlocklist`` runs. Matching and item format in-process; the rest over HTTP."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from logto_support import PASSWORD_USER, auth_url
from management_support import logto_error

from fake_logto import Running
from fake_logto._config import EmailBlocklistPolicy
from fake_logto._email_blocklist import guard_email, is_item, matches
from fake_logto._errors import LogtoError
from harness import ExperienceClient, ExperienceError

NOT_ALLOWED = "session.email_blocklist.email_not_allowed"


@pytest.mark.parametrize(
    ("item", "ok"),
    [
        ("foo@example.com", True),
        ("@example.com", True),
        ("foo*@example.com", True),
        ("@*.example.com", True),
        ("example.com", False),
        ("@example", False),
        ("foo@", False),
        ("@*.*", False),
        ("a@b@c.com", False),
        ("foo *@example.com", False),
        ("@-bad.com", False),
    ],
)
def test_item_format(item: str, ok: bool) -> None:
    assert is_item(item) is ok


@pytest.mark.parametrize(
    ("item", "email", "hit"),
    [
        ("@Example.com", "a@example.COM", True),
        ("@example.com", "a@sub.example.com", False),
        ("@*.example.com", "a@sub.example.com", True),
        ("foo*@example.com", "foobar@example.com", True),
        ("foo*@example.com", "barfoo@example.com", False),
        ("f.o.o@gmail.com", "foo@googlemail.com", True),  # one Gmail mailbox however dotted
        ("@gmail.com", "x@googlemail.com", True),
        ("f.o.o@example.com", "foo@example.com", False),
        ("a+b@example.com", "a+b@example.com", True),  # '+' is literal in a pattern
    ],
)
def test_matching(item: str, email: str, hit: bool) -> None:
    assert matches(item, email) is hit


def _refusal(policy: EmailBlocklistPolicy, email: str) -> tuple[int, str, str]:
    with pytest.raises(LogtoError) as caught:
        guard_email(policy, email)
    return caught.value.status, caught.value.code, caught.value.message


def test_the_checks_in_logtos_order() -> None:
    everything = EmailBlocklistPolicy(
        block_subaddressing=True, custom_allowlist=("@good.test",), custom_blocklist=("bad@good.test",)
    )
    assert _refusal(everything, "nodomain") == (
        400,
        "session.email_blocklist.invalid_email",
        "Invalid email address.",
    )
    assert _refusal(everything, "a+b@good.test")[:2] == (
        422,
        "session.email_blocklist.email_subaddressing_not_allowed",
    )
    assert _refusal(everything, "a@other.test") == (
        422,
        NOT_ALLOWED,
        'The email address "a@other.test" is restricted. Please choose a different one.',
    )
    assert _refusal(everything, "bad@good.test")[:2] == (422, NOT_ALLOWED)
    guard_email(everything, "fine@good.test")
    guard_email(EmailBlocklistPolicy(), "a+b@any.test")  # an empty policy allows everything


def test_the_policy_is_parsed_and_stored(api: httpx.Client) -> None:
    assert api.get("/sign-in-exp").json()["emailBlocklistPolicy"] == {}
    policy = {
        "blockSubaddressing": True,
        "customBlocklist": ["@spam.test", "x@y.test", "@spam.test"],
        "extra": 1,
    }
    response = api.patch("/sign-in-exp", json={"emailBlocklistPolicy": policy})
    assert response.status_code == 200, response.text
    assert response.json()["emailBlocklistPolicy"] == {
        "blockSubaddressing": True,
        "customBlocklist": ["@spam.test", "x@y.test"],
    }


@pytest.mark.parametrize(
    ("policy", "status", "code", "message"),
    [
        (
            {"customBlocklist": ["ok@fine.test", "nope", "also nope"]},
            400,
            "sign_in_experiences.invalid_custom_email_blocklist_format",
            "Invalid custom email blocklist items: nope and also nope. Each item must be a valid email "
            "address or email domain, e.g., foo@example.com or @example.com.",
        ),
        (
            {"customAllowlist": ["a", "b", "c"]},
            400,
            "sign_in_experiences.invalid_custom_email_blocklist_format",
            "Invalid custom email blocklist items: a, b, and c. Each item must be a valid email "
            "address or email domain, e.g., foo@example.com or @example.com.",
        ),
        (
            {"blockDisposableAddresses": True},
            400,
            "request.invalid_input",
            "Input is invalid. Disposable email domain validation is not supported in this environment",
        ),
    ],
)
def test_a_bad_policy_is_refused(
    api: httpx.Client, policy: dict[str, object], status: int, code: str, message: str
) -> None:
    logto_error(api.patch("/sign-in-exp", json={"emailBlocklistPolicy": policy}), status, code, message)
    assert api.get("/sign-in-exp").json()["emailBlocklistPolicy"] == {}


@pytest.mark.parametrize(
    ("policy", "path"),
    [
        ({"customBlocklist": "@a.test"}, ["emailBlocklistPolicy", "customBlocklist"]),
        ({"customBlocklist": [1]}, ["emailBlocklistPolicy", "customBlocklist", 0]),
        ({"blockSubaddressing": None}, ["emailBlocklistPolicy", "blockSubaddressing"]),
        (None, ["emailBlocklistPolicy"]),
    ],
)
def test_the_guard_refuses_bad_types(api: httpx.Client, policy: object, path: list[object]) -> None:
    body = logto_error(
        api.patch("/sign-in-exp", json={"emailBlocklistPolicy": policy}), 400, "guard.invalid_input"
    )
    assert body["data"]["issues"][0]["path"] == path


def test_a_registration_code_is_not_sent_to_a_blocked_email(api: httpx.Client, mgmt: Running) -> None:
    api.patch("/sign-in-exp", json={"emailBlocklistPolicy": {"customBlocklist": ["@spam.test"]}})
    with ExperienceClient(mgmt.endpoint) as client:
        client.start(auth_url(mgmt))
        client.set_event("Register")
        with pytest.raises(ExperienceError) as caught:
            client.send_code("someone@spam.test", "Register")
        assert (caught.value.status, caught.value.code) == (422, NOT_ALLOWED)
        assert client.send_code("someone@fine.test", "Register")
        # Signing in is not a registration: the code goes out (Logto checks only Register sends).
        assert client.send_code("someone@spam.test", "SignIn")


def test_a_blocked_email_is_not_staged_on_the_profile(api: httpx.Client, mgmt: Running) -> None:
    api.patch("/sign-in-exp", json={"emailBlocklistPolicy": {"blockSubaddressing": True}})
    with ExperienceClient(mgmt.endpoint) as client:
        client.start(auth_url(mgmt))
        client.set_event("SignIn")
        client.identify(
            client.verify_password("username", PASSWORD_USER["username"], PASSWORD_USER["password"])
        )
        verification_id = client.send_code("reader+alias@example.test", "SignIn")
        # Refused before the code is even checked, and before "the account has an email already".
        with pytest.raises(ExperienceError) as caught:
            client.add_profile(type="email", verificationId=verification_id)
        assert (caught.value.status, caught.value.code) == (
            422,
            "session.email_blocklist.email_subaddressing_not_allowed",
        )


def test_a_registration_with_a_blocked_email_is_refused(
    api: httpx.Client, mgmt: Running, read_code: Callable[[str], str]
) -> None:
    with ExperienceClient(mgmt.endpoint) as client:
        client.start(auth_url(mgmt))
        client.set_event("SignIn")
        address = "new-reader@late-block.test"
        verification_id = client.send_code(address, "SignIn")
        client.verify_code(address, verification_id, read_code(address))
        # Blocked after the code went out: the Register identification checks again (createUser).
        api.patch("/sign-in-exp", json={"emailBlocklistPolicy": {"customBlocklist": ["@late-block.test"]}})
        client.switch_event("Register")
        with pytest.raises(ExperienceError) as caught:
            client.identify(verification_id)
        assert (caught.value.status, caught.value.code) == (422, NOT_ALLOWED)
