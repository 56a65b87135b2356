"""Password expiration (Logto's ``passwordExpirationPolicyGuard``, ``routes/sign-in-experience/index.ts``,
``libraries/password-expiration.ts``, ``routes/admin-user/basics.ts``): the column as PATCH keeps it, each
refusal's status and body, ``password.expired`` at password verification on the tenant clock."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from logto_support import PASSWORD_USER, auth_url
from management_support import api_client, logto_error

from fake_logto import Running
from fake_logto._errors import LogtoError
from fake_logto._password_expiration import merged
from harness import ExperienceClient

EXPIRED = "Your password has expired. Please reset your password to continue."
NEW_PASSWORD = "another Long passphrase 9"


def _enable(api: httpx.Client, days: int = 30) -> dict[str, Any]:
    answer = api.patch(
        "/sign-in-exp", json={"passwordExpiration": {"enabled": True, "validPeriodDays": days}}
    )
    assert answer.status_code == 200, answer.text
    column: dict[str, Any] = answer.json()["passwordExpiration"]
    return column


def _user_id(api: httpx.Client) -> str:
    user_id: str = api.get("/users", params={"search": PASSWORD_USER["email"]}).json()[0]["id"]
    return user_id


def _verify(mgmt: Running, password: str = PASSWORD_USER["password"]) -> httpx.Response:
    with ExperienceClient(mgmt.endpoint) as client:
        client.start(auth_url(mgmt))
        client.set_event("SignIn")
        body = {"identifier": {"type": "email", "value": PASSWORD_USER["email"]}, "password": password}
        return client.http.post(client.endpoint + "/api/experience/verification/password", json=body)


def test_the_column_keeps_its_enabled_at(api: httpx.Client, mgmt: Running) -> None:
    assert api.get("/sign-in-exp").json()["passwordExpiration"] == {}
    column = _enable(api)
    assert column == {"enabled": True, "validPeriodDays": 30, "enabledAt": column["enabledAt"]}
    mgmt.tenant.clock.advance(60)
    given_at = {"enabled": True, "validPeriodDays": 7, "enabledAt": 1}  # never taken from the body
    again = api.patch("/sign-in-exp", json={"passwordExpiration": given_at}).json()["passwordExpiration"]
    assert again == {"enabled": True, "validPeriodDays": 7, "enabledAt": column["enabledAt"]}
    off = api.patch("/sign-in-exp", json={"passwordExpiration": {"enabled": False, "validPeriodDays": 7}})
    assert off.json()["passwordExpiration"] == {"enabled": False}


@pytest.mark.parametrize(
    "value", [{"enabled": True}, {"enabled": True, "validPeriodDays": 0}, None, {"enabled": None}]
)
def test_the_guard_refuses_a_bad_policy(api: httpx.Client, value: Any) -> None:
    refused = logto_error(
        api.patch("/sign-in-exp", json={"passwordExpiration": value}), 400, "guard.invalid_input"
    )
    assert refused["data"]["issues"][0]["code"] == "invalid_union"


def test_an_enabled_policy_needs_a_way_to_reset(api: httpx.Client) -> None:
    body = {"forgotPasswordMethods": [], "passwordExpiration": {"enabled": True, "validPeriodDays": 3}}
    logto_error(
        api.patch("/sign-in-exp", json=body),
        422,
        "sign_in_experiences.password_expiration_requires_forgot_password",
        "Password expiration requires at least one forgot password method with a valid connector.",
    )
    _enable(api)
    # Every PATCH re-checks the stored policy.
    logto_error(
        api.patch("/sign-in-exp", json={"forgotPasswordMethods": []}),
        422,
        "sign_in_experiences.password_expiration_requires_forgot_password",
    )


def test_a_stored_policy_the_guard_refuses_is_422() -> None:
    with pytest.raises(LogtoError) as caught:
        merged({"enabled": True, "validPeriodDays": 1.5}, {}, 0, True)
    assert (caught.value.status, caught.value.code) == (
        422,
        "sign_in_experiences.password_expiration_invalid_period_days",
    )


def test_expiring_needs_the_policy(api: httpx.Client) -> None:
    user_id = _user_id(api)
    logto_error(
        api.patch(f"/users/{user_id}/password/expiration", json={"isExpired": True}),
        400,
        "sign_in_experiences.password_expiration_not_enabled",
        "Password expiration policy is not enabled. Enable it in the sign-in experience settings before "
        "expiring passwords.",
    )
    assert api.patch(f"/users/{user_id}/password/expiration", json={"isExpired": False}).status_code == 200
    logto_error(
        api.patch(f"/users/{user_id}/password/expiration", json={"isExpired": "yes"}),
        400,
        "guard.invalid_input",
    )
    logto_error(
        api.patch("/users/nobody/password/expiration", json={"isExpired": False}), 404, "entity.not_found"
    )


def test_an_expired_password_is_refused_until_it_is_reset(api: httpx.Client, mgmt: Running) -> None:
    _enable(api)
    user_id = _user_id(api)
    answer = api.patch(f"/users/{user_id}/password/expiration", json={"isExpired": True})
    assert (answer.status_code, answer.json()["id"]) == (200, user_id)
    logto_error(_verify(mgmt), 422, "password.expired", EXPIRED)
    logto_error(_verify(mgmt, "wrong"), 422, "session.invalid_credentials")  # the password is checked first
    assert api.patch(f"/users/{user_id}/password", json={"password": NEW_PASSWORD}).status_code == 200
    assert _verify(mgmt, NEW_PASSWORD).status_code == 200


def test_the_valid_period_runs_on_the_tenant_clock(api: httpx.Client, mgmt: Running) -> None:
    _enable(api, days=1)
    assert _verify(mgmt).status_code == 200
    mgmt.tenant.clock.advance(24 * 3600)
    logto_error(_verify(mgmt), 422, "password.expired", EXPIRED)
    with api_client(mgmt.endpoint) as fresh:  # the first token expired with the day
        fresh.patch(f"/users/{_user_id(fresh)}/password", json={"password": NEW_PASSWORD})  # dates from now
    assert _verify(mgmt, NEW_PASSWORD).status_code == 200
