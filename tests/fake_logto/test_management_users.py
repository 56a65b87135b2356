"""The Management API's guard and its users routes over HTTP (Logto's ``middleware/koa-auth`` and
``routes/admin-user/basics.ts``): the token an M2M app gets by ``client_credentials``, every refusal of the
guard with Logto's status and body, each users route's answer and its errors."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from joserfc import jws, jwt
from joserfc.jwk import ECKey
from logto_support import API, M2M, PASSWORD_USER, auth_url, password_sign_in, tenant_dict

from fake_logto import Running, parse_config
from fake_logto import Settings as LogtoSettings
from fake_logto import serve_in_thread as serve_logto
from fake_logto._keys import SigningKey
from fake_mailgun import Running as MailgunRunning
from harness._experience import ExperienceClient, ExperienceError

MANAGEMENT = "https://default.logto.app/api"
ADMIN = {"id": "admin-m2m", "secret": "admin-secret"}
# userProfileResponseGuard: userInfoSelectFields (packages/schemas/src/types/user.ts) + hasPassword.
USER_KEYS = {
    "id", "username", "primaryEmail", "primaryPhone", "name", "avatar", "customData", "identities",
    "lastSignInAt", "createdAt", "updatedAt", "profile", "applicationId", "cimdClientId", "isSuspended",
    "hasPassword",
}  # fmt: skip


@pytest.fixture(scope="module")
def mgmt(mailgun: MailgunRunning) -> Iterator[Running]:
    data = tenant_dict(mailgun.url)
    data["applications"].append({"name": "Admin", "type": "m2m", **ADMIN, "roles": ["management"]})
    data["roles"].append(
        {"name": "management", "type": "m2m", "scopes": [{"resource": MANAGEMENT, "scope": "all"}]}
    )
    with serve_logto(LogtoSettings(port=0), config=parse_config(data)) as running:
        yield running


def _token(logto: Running, app: dict[str, str], resource: str = MANAGEMENT, scope: str = "all") -> str:
    response = httpx.post(
        f"{logto.endpoint}/oidc/token",
        data={"grant_type": "client_credentials", "resource": resource, "scope": scope},
        auth=(app["id"], app["secret"]),
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


@pytest.fixture(scope="module")
def api(mgmt: Running) -> Iterator[httpx.Client]:
    headers = {"authorization": f"Bearer {_token(mgmt, ADMIN)}"}
    with httpx.Client(base_url=mgmt.endpoint + "/api", headers=headers) as client:
        yield client


def _error(response: httpx.Response, status: int, code: str, message: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert (body["code"], body["message"]) == (code, message)
    return body


# --- the guard ------------------------------------------------------------------------------------------
def test_the_m2m_token_carries_the_management_api_scope(mgmt: Running) -> None:
    response = httpx.post(
        f"{mgmt.endpoint}/oidc/token",
        data={"grant_type": "client_credentials", "resource": MANAGEMENT, "scope": "all"},
        auth=(ADMIN["id"], ADMIN["secret"]),
    )
    assert response.json()["scope"] == "all"


def test_guard_refusals(mgmt: Running) -> None:
    url = f"{mgmt.endpoint}/api/users"
    _error(httpx.get(url), 401, "auth.authorization_header_missing", "Authorization header is missing.")
    body = _error(
        httpx.get(url, headers={"authorization": "Basic abc"}),
        401,
        "auth.authorization_token_type_not_supported",
        "Authorization type is not supported.",
    )
    assert body["data"] == {"supportedTypes": ["Bearer"]}
    unauthorized = "Unauthorized. Please check credentials and its scope."
    other_key = SigningKey(ECKey.generate_key("P-384", private=True))
    foreign = other_key.sign(
        {"sub": ADMIN["id"], "aud": MANAGEMENT, "scope": "all", "iss": mgmt.tenant.issuer}
    )
    wrong_audience = _token(mgmt, M2M, resource=API, scope="read:books")
    for token in ("not-a-jwt", foreign, wrong_audience):
        _error(
            httpx.get(url, headers={"authorization": f"Bearer {token}"}),
            401,
            "auth.unauthorized",
            unauthorized,
        )
    no_sub = mgmt.tenant.keys.sign({"aud": MANAGEMENT, "scope": "all", "iss": mgmt.tenant.issuer})
    response = httpx.get(url, headers={"authorization": f"Bearer {no_sub}"})
    _error(response, 401, "auth.jwt_sub_missing", "Missing `sub` in JWT.")
    # An M2M app without the Management API role gets a token with no scope: 403.
    scopeless = _token(mgmt, M2M)
    response = httpx.get(url, headers={"authorization": f"Bearer {scopeless}"})
    _error(response, 403, "auth.forbidden", "Forbidden. Please check your user roles and permissions.")


def test_tokens_jose_would_refuse_are_refused(mgmt: Running) -> None:
    """As jose's ``jwtVerify`` in koa-auth: a token not yet valid (``nbf``), a non-numeric ``iat``, a ``kid``
    the key set does not hold, claims that are not an object — 401 ``auth.unauthorized``, never a 500; and
    ``sub`` is checked before ``scope`` is parsed."""
    url = f"{mgmt.endpoint}/api/users"
    keys = mgmt.tenant.keys
    base = {"sub": ADMIN["id"], "aud": MANAGEMENT, "scope": "all", "iss": mgmt.tenant.issuer}
    tokens = [
        keys.sign({**base, "nbf": 9_999_999_999}),
        keys.sign({**base, "iat": "x"}),
        jwt.encode({"alg": "ES384", "kid": "another-key"}, base, keys.key, algorithms=["ES384"]),
        jws.serialize_compact({"alg": "ES384", "kid": keys.kid}, b"[1, 2]", keys.key, algorithms=["ES384"]),
    ]
    for token in tokens:
        _error(
            httpx.get(url, headers={"authorization": f"Bearer {token}"}),
            401,
            "auth.unauthorized",
            "Unauthorized. Please check credentials and its scope.",
        )
    no_sub_odd_scope = keys.sign({"aud": MANAGEMENT, "scope": 7, "iss": mgmt.tenant.issuer})
    response = httpx.get(url, headers={"authorization": f"Bearer {no_sub_odd_scope}"})
    _error(response, 401, "auth.jwt_sub_missing", "Missing `sub` in JWT.")


def test_a_caller_cannot_delete_itself(api: httpx.Client, mgmt: Running) -> None:
    """basics.ts: ``DELETE /users/:userId`` with the caller's own id → 400 ``user.cannot_delete_self``."""
    _error(api.delete(f"/users/{ADMIN['id']}"), 400, "user.cannot_delete_self", "You cannot delete yourself.")


def test_an_expired_token_is_refused_on_the_tenant_clock(mgmt: Running) -> None:
    token = _token(mgmt, ADMIN)
    headers = {"authorization": f"Bearer {token}"}
    assert httpx.get(f"{mgmt.endpoint}/api/users", headers=headers).status_code == 200
    clock = f"{mgmt.url}/__harness/clock"
    assert httpx.post(clock, json={"advance": 3601}).status_code == 200
    try:
        response = httpx.get(f"{mgmt.endpoint}/api/users", headers=headers)
        _error(response, 401, "auth.unauthorized", "Unauthorized. Please check credentials and its scope.")
        # A token issued after the advance is not born expired: its life runs on the same tenant clock.
        fresh = {"authorization": f"Bearer {_token(mgmt, ADMIN)}"}
        assert httpx.get(f"{mgmt.endpoint}/api/users", headers=fresh).status_code == 200
    finally:
        httpx.post(clock, json={"advance": -3601})


# --- users ----------------------------------------------------------------------------------------------
def test_list_get_and_search(api: httpx.Client) -> None:
    response = api.get("/users")
    assert response.status_code == 200
    users = response.json()
    assert response.headers["Total-Number"] == str(len(users))
    reader = next(u for u in users if u["primaryEmail"] == PASSWORD_USER["email"])
    assert set(reader) == USER_KEYS
    assert (reader["hasPassword"], reader["isSuspended"], reader["customData"]) == (
        True,
        False,
        {"plan": "gold"},
    )
    assert api.get(f"/users/{reader['id']}").json() == reader
    # The search value is an SQL LIKE pattern, matched case-insensitively (packages/core/src/utils/search.ts:
    # mode `like`, `~~*`); a bare keyword matches a whole value only, as on Logto.
    found = api.get("/users", params={"search": "%READER@example%"})
    assert [u["id"] for u in found.json()] == [reader["id"]]
    assert found.headers["Total-Number"] == "1"
    assert api.get("/users", params={"search": "READER@example"}).json() == []
    assert [u["id"] for u in api.get("/users", params={"search": PASSWORD_USER["email"].upper()}).json()] == [
        reader["id"]
    ]
    assert [u["id"] for u in api.get("/users", params={"search": "r_ader@%"}).json()] == [reader["id"]]
    assert api.get("/users", params={"search": "%no-such-user-anywhere%"}).json() == []


def test_paging(api: httpx.Client) -> None:
    for i in range(3):
        assert api.post("/users", json={"username": f"pager{i}"}).status_code == 200
    page = api.get("/users", params={"search": "pager%", "page": 2, "page_size": 2})
    assert page.headers["Total-Number"] == "3"
    assert [u["username"] for u in page.json()] == ["pager0"]  # newest first
    invalid = "The request pagination value is invalid."
    for params in ({"page": 0}, {"page_size": 101}, {"page": "x"}, {"page_size": -1}):
        _error(api.get("/users", params=params), 400, "guard.invalid_pagination", invalid)


def test_unknown_user(api: httpx.Client) -> None:
    # queries/user.ts findUserById is a plain pool.one: slonik's NotFoundError → entity.not_found
    # (koa-slonik-error-handler.ts), as Logto's admin-user.test.ts "should fail when get user by invalid id"
    message = "The resource does not exist."
    for method, path in (
        ("GET", "/users/nobody"),
        ("PATCH", "/users/nobody"),
        ("DELETE", "/users/nobody"),
        ("GET", "/users/nobody/has-password"),
    ):
        _error(api.request(method, path, json={}), 404, "entity.not_found", message)


def test_create_then_sign_in_material(api: httpx.Client, mgmt: Running) -> None:
    body = {
        "primaryEmail": "created@example.test",
        "username": "created",
        "name": "Created",
        "password": "a long password",
        "customData": {"a": 1},
        "profile": {"nickname": "C"},
    }
    response = api.post("/users", json=body)
    assert response.status_code == 200, response.text
    user = response.json()
    assert set(user) == USER_KEYS
    assert (user["primaryEmail"], user["username"], user["name"], user["hasPassword"]) == (
        "created@example.test", "created", "Created", True,
    )  # fmt: skip
    assert (user["customData"], user["profile"]) == ({"a": 1}, {"nickname": "C"})
    assert mgmt.tenant.store.user_by("email", "created@example.test") is not None  # the sign-in store
    _error(api.post("/users", json={"primaryEmail": "CREATED@example.test"}), 422,
           "user.email_already_in_use", "This email is associated with an existing account.")  # fmt: skip
    _error(api.post("/users", json={"username": "created"}), 422,
           "user.username_already_in_use", "This username is already in use.")  # fmt: skip
    bad = api.post("/users", json={"primaryEmail": "not an email"})
    assert (bad.status_code, bad.json()["code"]) == (400, "guard.invalid_input")


def test_update_custom_data_password_suspend_delete(api: httpx.Client) -> None:
    user = api.post("/users", json={"username": "patchme"}).json()
    path = f"/users/{user['id']}"
    updated = api.patch(path, json={"name": "Patched", "primaryEmail": "patched@example.test", "avatar": ""})
    assert updated.status_code == 200
    assert (updated.json()["name"], updated.json()["primaryEmail"]) == ("Patched", "patched@example.test")
    _error(api.patch(path, json={"username": "reader"}), 422,
           "user.username_already_in_use", "This username is already in use.")  # fmt: skip

    custom = api.patch(f"{path}/custom-data", json={"customData": {"tier": "x"}})
    assert (custom.status_code, custom.json()) == (200, {"tier": "x"})
    assert api.patch(f"{path}/custom-data", json={}).json()["code"] == "guard.invalid_input"

    assert api.get(f"{path}/has-password").json() == {"hasPassword": False}
    invalid = "Incorrect account or password. Please check your input."
    _error(
        api.post(f"{path}/password/verify", json={"password": "x"}),
        422,
        "session.invalid_credentials",
        invalid,
    )
    assert api.patch(f"{path}/password", json={"password": "s3cret pass"}).json()["hasPassword"] is True
    assert api.post(f"{path}/password/verify", json={"password": "s3cret pass"}).status_code == 204
    _error(
        api.post(f"{path}/password/verify", json={"password": "wrong"}),
        422,
        "session.invalid_credentials",
        invalid,
    )
    assert api.patch(f"{path}/password", json={"password": ""}).json()["code"] == "guard.invalid_input"

    suspended = api.patch(f"{path}/is-suspended", json={"isSuspended": True})
    assert suspended.json()["isSuspended"] is True
    assert api.patch(f"{path}/is-suspended", json={"isSuspended": "yes"}).status_code == 400

    assert api.delete(path).status_code == 204
    assert api.get(path).status_code == 404


def test_a_created_user_signs_in_until_suspended(api: httpx.Client, mgmt: Running) -> None:
    """Logto refuses a suspended user at password verification and at identification: 401 user.suspended
    (``experience/classes/verifications/password-verification.ts``, ``experience-interaction.ts``)."""
    user = api.post(
        "/users", json={"primaryEmail": "signer@example.test", "password": "signer pass 1"}
    ).json()
    callback = password_sign_in(mgmt.endpoint, auth_url(mgmt), "signer@example.test", "signer pass 1")
    assert "code=" in callback
    assert api.get(f"/users/{user['id']}").json()["lastSignInAt"] is not None
    suspended = {"code": "user.suspended", "message": "This account is suspended."}
    with ExperienceClient(mgmt.endpoint) as browser:
        browser.start(auth_url(mgmt))
        browser.set_event("SignIn")
        verified = browser.verify_password("email", "signer@example.test", "signer pass 1")
        assert api.patch(f"/users/{user['id']}/is-suspended", json={"isSuspended": True}).status_code == 200
        with pytest.raises(ExperienceError) as at_identification:
            browser.identify(verified)
        with pytest.raises(ExperienceError) as at_password:
            browser.verify_password("email", "signer@example.test", "signer pass 1")
    for refused in (at_identification, at_password):
        assert (refused.value.status, refused.value.body) == (401, suspended)


def test_a_patch_with_nothing_to_set_is_refused(api: httpx.Client) -> None:
    """An empty ``set`` list: slonik's ``InvalidInputError`` → 422 ``entity.invalid_input``
    (``koa-slonik-error-handler.ts``), after the user is found (Logto's admin-user.test.ts)."""
    user_id = api.post("/users", json={"username": "unchanged"}).json()["id"]
    empty = "Invalid input. Value list must not be empty."
    for body in ({}, {"unknownKey": 1}):
        _error(api.patch(f"/users/{user_id}", json=body), 422, "entity.invalid_input", empty)
    _error(api.patch("/users/nobody", json={}), 404, "entity.not_found", "The resource does not exist.")
    assert api.patch(f"/users/{user_id}", json={"name": None}).status_code == 200


@pytest.mark.parametrize(("existing_zero", "national"), [(False, "412345678"), (True, "412345679")])
def test_phones_collide_with_and_without_the_leading_zero(
    api: httpx.Client, existing_zero: bool, national: str
) -> None:
    """``hasUserWithNormalizedPhone`` (``queries/user.ts``): ``61 0412…`` and ``61 412…`` are one number."""
    plain, zero = f"61{national}", f"610{national}"
    existing, other = (zero, plain) if existing_zero else (plain, zero)
    owner = api.post("/users", json={"primaryPhone": existing}).json()
    assert owner["primaryPhone"] == plain  # stored as PhoneNumberParser's internationalNumber
    taken = "This phone number is associated with an existing account."
    _error(api.post("/users", json={"primaryPhone": other}), 422, "user.phone_already_in_use", taken)
    another = api.post("/users", json={"username": f"another{national}"}).json()
    _error(
        api.patch(f"/users/{another['id']}", json={"primaryPhone": other}),
        422,
        "user.phone_already_in_use",
        taken,
    )
    assert api.patch(f"/users/{owner['id']}", json={"primaryPhone": other}).status_code == 200
