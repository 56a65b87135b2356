"""The sentinel (Logto's ``BasicSentinel`` and ``withSentinel``): failed password and code attempts per
identifier lock it out after ``sentinelPolicy.maxAttempts`` for ``lockoutDuration`` minutes, on the tenant
clock; ``POST /api/sentinel-activities/delete`` unblocks. Over HTTP (the Management API and the Experience
API of a fresh tenant) and, for the decision's corners, on :class:`fake_logto._sentinel.Sentinel`."""

from __future__ import annotations

import httpx
import pytest
from logto_support import PASSWORD_USER, auth_url
from management_support import logto_error

from fake_logto import Running
from fake_logto._config import SentinelPolicy
from fake_logto._sentinel import Sentinel, relative_minutes
from harness import ExperienceClient, ExperienceError

BLOCKED = "session.verification_blocked_too_many_attempts"
IN_10 = "Too many attempts in a short time. Please try again in 10 minutes."


def _password(
    mgmt: Running, identifier: str, password: str, kind: str = "username"
) -> ExperienceError | None:
    """One password verification in a new interaction: the error, or None when it passed."""
    with ExperienceClient(mgmt.endpoint) as client:
        client.start(auth_url(mgmt))
        client.set_event("SignIn")
        try:
            client.verify_password(kind, identifier, password)
        except ExperienceError as error:
            return error
    return None


def _codes(error: ExperienceError | None) -> tuple[int, str | None] | None:
    return None if error is None else (error.status, error.code)


def test_the_policy_is_stored_and_answered(api: httpx.Client, mgmt: Running) -> None:
    assert api.get("/sign-in-exp").json()["sentinelPolicy"] == {}
    response = api.patch("/sign-in-exp", json={"sentinelPolicy": {"maxAttempts": 5, "lockoutDuration": 10}})
    assert response.status_code == 200, response.text
    assert response.json()["sentinelPolicy"] == {"maxAttempts": 5, "lockoutDuration": 10}
    well_known = httpx.get(f"{mgmt.endpoint}/api/.well-known/sign-in-exp").json()
    assert well_known["sentinelPolicy"] == {"maxAttempts": 5, "lockoutDuration": 10}
    # A PATCH replaces the column: the unset key goes back to its default.
    assert api.patch("/sign-in-exp", json={"sentinelPolicy": {"maxAttempts": 100}}).json()[
        "sentinelPolicy"
    ] == {"maxAttempts": 100}


@pytest.mark.parametrize(
    ("policy", "path"),
    [
        ({"maxAttempts": "5"}, ["sentinelPolicy", "maxAttempts"]),
        ({"lockoutDuration": None}, ["sentinelPolicy", "lockoutDuration"]),
        ({"maxAttempts": True}, ["sentinelPolicy", "maxAttempts"]),
        (None, ["sentinelPolicy"]),
    ],
)
def test_a_bad_policy_is_refused_by_the_guard(api: httpx.Client, policy: object, path: list[str]) -> None:
    body = logto_error(api.patch("/sign-in-exp", json={"sentinelPolicy": policy}), 400, "guard.invalid_input")
    assert body["data"]["issues"][0]["path"] == path
    assert api.get("/sign-in-exp").json()["sentinelPolicy"] == {}


def test_a_username_is_locked_out_after_max_attempts_then_unblocked(api: httpx.Client, mgmt: Running) -> None:
    api.patch("/sign-in-exp", json={"sentinelPolicy": {"maxAttempts": 3, "lockoutDuration": 10}})
    user, password = PASSWORD_USER["username"], PASSWORD_USER["password"]
    for _ in range(2):
        assert _codes(_password(mgmt, user, "wrong password")) == (422, "session.invalid_credentials")
    blocked = _password(mgmt, user, "wrong password")  # the third failure reaches maxAttempts
    assert blocked is not None
    assert (blocked.status, blocked.body) == (
        400,
        {"code": BLOCKED, "message": IN_10},
    )
    # Blocked, the right password fails too; another identifier is not blocked.
    assert _codes(_password(mgmt, user, password)) == (400, BLOCKED)
    assert _password(mgmt, PASSWORD_USER["email"], password, kind="email") is None
    # Unblocking forgets the target's activities (its failures too).
    response = api.post("/sentinel-activities/delete", json={"targetType": "User", "targets": [user]})
    assert (response.status_code, response.content) == (204, b"")
    assert _password(mgmt, user, password) is None


def test_the_lockout_ends_on_the_tenant_clock(api: httpx.Client, mgmt: Running) -> None:
    api.patch("/sign-in-exp", json={"sentinelPolicy": {"maxAttempts": 1, "lockoutDuration": 10}})
    ghost = "no-such-user"  # an unknown identifier is counted like a known one
    assert _codes(_password(mgmt, ghost, "whatever")) == (400, BLOCKED)
    mgmt.tenant.clock.advance(9 * 60)
    error = _password(mgmt, ghost, "whatever")
    assert error is not None
    assert error.body["message"].endswith("again in 1 minute.")
    mgmt.tenant.clock.advance(61)
    # The lockout is over; this failure alone reaches maxAttempts (1) again.
    assert _codes(_password(mgmt, ghost, "whatever")) == (400, BLOCKED)
    api.patch("/sign-in-exp", json={"sentinelPolicy": {}})
    mgmt.tenant.clock.advance(601)
    assert _codes(_password(mgmt, ghost, "whatever")) == (422, "session.invalid_credentials")


def test_reset_forgets_the_activities(api: httpx.Client, mgmt: Running) -> None:
    api.patch("/sign-in-exp", json={"sentinelPolicy": {"maxAttempts": 1}})
    assert _codes(_password(mgmt, "someone", "x")) == (400, BLOCKED)
    assert httpx.post(f"{mgmt.endpoint}/__harness/reset").status_code == 200
    assert api.get("/sign-in-exp").json()["sentinelPolicy"] == {}
    assert _codes(_password(mgmt, "someone", "x")) == (422, "session.invalid_credentials")


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"targets": ["a"]}, ["targetType"]),
        ({"targetType": "Robot", "targets": ["a"]}, ["targetType"]),
        ({"targetType": "User"}, ["targets"]),
        ({"targetType": "User", "targets": [1]}, ["targets", 0]),
    ],
)
def test_the_unblock_route_guards_its_body(
    api: httpx.Client, body: dict[str, object], path: list[object]
) -> None:
    error = logto_error(api.post("/sentinel-activities/delete", json=body), 400, "guard.invalid_input")
    assert error["data"]["issues"][0]["path"] == path


def test_the_unblock_route_needs_the_management_api(mgmt: Running) -> None:
    response = httpx.post(
        f"{mgmt.endpoint}/api/sentinel-activities/delete", json={"targetType": "User", "targets": ["a"]}
    )
    logto_error(response, 401, "auth.authorization_header_missing")


# --- the decision, in-process ----------------------------------------------------------------------------
class FakeClock:
    def __init__(self) -> None:
        self.t = 1_000_000.0

    def __call__(self) -> float:
        return self.t


def test_password_code_and_token_failures_share_a_pool_and_mfa_factors_do_not() -> None:
    clock = FakeClock()
    sentinel, policy = Sentinel(clock), SentinelPolicy(max_attempts=3, lockout_duration=1)
    assert sentinel.report(policy, "User", "ada", "Password", failed=True) is None
    assert sentinel.report(policy, "User", "ada", "VerificationCode", failed=True) is None
    assert sentinel.report(policy, "User", "ada", "MfaTotp", failed=True) is None  # a pool of its own
    assert sentinel.report(policy, "User", "ada", "OneTimeToken", failed=True) == clock.t + 60
    assert sentinel.report(policy, "User", "ada", "MfaTotp", failed=False) is None
    assert sentinel.report(policy, "App", "ada", "Password", failed=False) is None  # another target type


def test_only_failures_of_the_last_hour_count_and_the_defaults_apply() -> None:
    clock = FakeClock()
    sentinel = Sentinel(clock)
    default = SentinelPolicy()  # defaultSentinelPolicy: 100 attempts, 60 minutes
    for _ in range(99):
        assert sentinel.report(default, "User", "bob", "Password", failed=True) is None
    clock.t += 3601  # all 99 are now older than an hour
    assert sentinel.report(default, "User", "bob", "Password", failed=True) is None
    for _ in range(98):
        sentinel.report(default, "User", "bob", "Password", failed=True)
    assert sentinel.report(default, "User", "bob", "Password", failed=True) == clock.t + 3600
    # Successes never count; a policy of 0 attempts blocks even a success (Logto's ``>=``).
    assert (
        sentinel.report(SentinelPolicy(max_attempts=0), "User", "eve", "Password", failed=False) is not None
    )


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(600, "in 10 minutes"), (89, "in 1 minute"), (90, "in 2 minutes"), (20, "in 0 minutes")],
)
def test_the_minutes_left_read_as_intl_relative_time(seconds: float, text: str) -> None:
    assert relative_minutes(seconds) == text


def test_wrong_codes_count_with_wrong_passwords(api: httpx.Client, mgmt: Running) -> None:
    api.patch("/sign-in-exp", json={"sentinelPolicy": {"maxAttempts": 2}})
    address = PASSWORD_USER["email"]
    assert _codes(_password(mgmt, address, "wrong password", kind="email")) == (
        422,
        "session.invalid_credentials",
    )
    with ExperienceClient(mgmt.endpoint) as client:
        client.start(auth_url(mgmt))
        client.set_event("SignIn")
        verification_id = client.send_code(address, "SignIn")
        with pytest.raises(ExperienceError) as caught:
            client.verify_code(address, verification_id, "000000x")
        # The second failure of the pool (one password, one code) reaches maxAttempts; 60 minutes by default.
        assert (caught.value.status, caught.value.body["message"]) == (
            400,
            "Too many attempts in a short time. Please try again in 60 minutes.",
        )
