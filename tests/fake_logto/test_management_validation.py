"""The Management API never more lenient than Logto: each refusal of Logto's zod guards (``koaGuard``
before the handler, so before the entity lookup), of ``utils/search.ts``, of ``koa-auth`` (jose's error
as ``data``), with Logto's status and body; the users routes Logto has and the default roles every new
user gets (``libraries/user.ts`` ``insertUser``)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from logto_support import API, M2M, PASSWORD_USER, WEB, auth_url, tenant_dict
from management_support import api_client, logto_error, m2m_token, with_admin

from fake_logto import Running, parse_config
from fake_logto import Settings as LogtoSettings
from fake_logto import serve_in_thread as serve_logto
from fake_mailgun import Running as MailgunRunning
from harness import ExperienceClient, callback_params

BODY = "The request body is invalid."


@pytest.fixture(scope="module")
def shared(mailgun: MailgunRunning) -> Iterator[Running]:
    """One tenant for the refusal matrix (refusals change nothing)."""
    config = parse_config(with_admin(tenant_dict(mailgun.url)))
    with serve_logto(LogtoSettings(port=0), config=config) as running:
        yield running


@pytest.fixture(scope="module")
def client(shared: Running) -> Iterator[httpx.Client]:
    with api_client(shared.endpoint) as api:
        yield api


def _issue(response: httpx.Response, *, where: str = "body") -> dict[str, Any]:
    body = logto_error(response, 400, "guard.invalid_input", f"The request {where} is invalid.")
    assert body["data"]["name"] == "ZodError", body
    issue: dict[str, Any] = body["data"]["issues"][0]
    path = ".".join(str(p) for p in issue["path"])
    assert body["details"].startswith(f'Error in key path "{path}": ({issue["code"]}) '), body
    return issue


def _null(path: list[str | int], expected: str = "string") -> dict[str, Any]:
    message = f"Expected {expected}, received null"
    return {
        "code": "invalid_type",
        "expected": expected,
        "received": "null",
        "path": path,
        "message": message,
    }


# --- the users' bodies (admin-user/basics.ts) -------------------------------------------------------------
UNION = [
    {"issues": [{"code": "invalid_type", "expected": "string", "received": "number", "path": ["avatar"],
                 "message": "Expected string, received number"}], "name": "ZodError"},
    {"issues": [{"received": 5, "code": "invalid_literal", "expected": "", "path": ["avatar"],
                 "message": 'Invalid literal value, expected ""'}], "name": "ZodError"},
]  # fmt: skip
USER_BODIES: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
    ("POST", "/users", {"name": None}, _null(["name"])),  # .partial(): optional, not nullable
    ("POST", "/users", {"primaryPhone": None}, _null(["primaryPhone"])),
    ("POST", "/users", {"customData": None}, _null(["customData"], "object")),
    ("POST", "/users", {"customData": []}, {"expected": "object", "received": "array"}),
    ("POST", "/users", {"avatar": "not a url"}, {"code": "invalid_string", "validation": "url"}),
    ("POST", "/users", {"avatar": 5}, {"code": "invalid_union", "unionErrors": UNION}),
    ("POST", "/users", {"primaryPhone": "+1 555"}, {"code": "invalid_string", "validation": "regex"}),
    ("POST", "/users", {"primaryPhone": "123\n"}, {"code": "invalid_string", "path": ["primaryPhone"]}),
    ("POST", "/users", {"profile": {"nickname": 1}}, {"path": ["profile", "nickname"], "received": "number"}),
    ("POST", "/users", {"profile": {"address": None}}, _null(["profile", "address"], "object")),
    ("POST", "/users", {"profile": {"address": {"country": 1}}}, {"path": ["profile", "address", "country"]}),
    (
        "POST",
        "/users",
        {"passwordAlgorithm": "rot13"},
        {
            "code": "invalid_enum_value",
            "options": ["Argon2i", "Argon2id", "Argon2d", "SHA1", "SHA256", "MD5", "Bcrypt", "Legacy"],
        },
    ),
    # The guard runs before the lookup: a bad body on an unknown user is a 400, never a 404.
    ("PATCH", "/users/nobody", {"name": 5}, {"path": ["name"], "code": "invalid_union"}),
    ("PATCH", "/users/nobody", {"customData": None}, _null(["customData"], "object")),
    ("PATCH", "/users/nobody", {"profile": None}, _null(["profile"], "object")),
    ("PATCH", "/users/nobody/custom-data", {}, {"path": ["customData"], "message": "Required"}),
    ("PATCH", "/users/nobody/profile", {"profile": None}, _null(["profile"], "object")),
    ("PATCH", "/users/nobody/profile", {}, {"path": ["profile"], "message": "Required"}),
    ("PATCH", "/users/nobody/password", {"password": ""}, {"code": "too_small", "minimum": 1}),
    ("POST", "/users/nobody/password/verify", {"password": None}, _null(["password"])),
    ("PATCH", "/users/nobody/is-suspended", {"isSuspended": "true"}, {"expected": "boolean"}),
    ("POST", "/users/nobody/roles", {"roleIds": [""]}, {"path": ["roleIds", 0], "code": "too_small"}),
    ("PUT", "/users/nobody/roles", {"roleIds": None}, _null(["roleIds"], "array")),
]


@pytest.mark.parametrize(("method", "path", "body", "issue"), USER_BODIES)
def test_user_bodies_are_refused_as_zod_refuses(
    client: httpx.Client, method: str, path: str, body: dict[str, Any], issue: dict[str, Any]
) -> None:
    found = _issue(client.request(method, path, json=body))
    assert found | issue == found, found


def test_password_digest_refusals(client: httpx.Client) -> None:
    both = {"password": "x", "passwordDigest": "y", "passwordAlgorithm": "MD5"}
    logto_error(
        client.post("/users", json=both),
        400,
        "user.password_and_digest",
        "You cannot set both plain text password and password digest.",
    )
    logto_error(
        client.post("/users", json={"passwordDigest": "y"}),
        400,
        "user.password_algorithm_required",
        "Password algorithm is required.",
    )


def test_phones_are_parsed_stored_and_unique(api: httpx.Client) -> None:
    """``PhoneNumberParser``: an unparsable number → 422 ``user.invalid_phone`` (data: libphonenumber's
    ``ParseError``); the stored form drops the national prefix (``610412345678`` → ``61412345678``,
    ``packages/shared/src/utils/phone.test.ts``); a taken phone → 422 ``user.phone_already_in_use``."""
    invalid = logto_error(
        api.post("/users", json={"primaryPhone": "1"}), 422, "user.invalid_phone", "Invalid phone number."
    )
    assert invalid["data"] == {"name": "ParseError"}
    created = api.post("/users", json={"primaryPhone": "610412345678"})
    assert created.status_code == 200, created.text
    assert created.json()["primaryPhone"] == "61412345678"
    taken = "This phone number is associated with an existing account."
    logto_error(
        api.post("/users", json={"primaryPhone": "61412345678"}), 422, "user.phone_already_in_use", taken
    )
    other = api.post("/users", json={"username": "other"}).json()["id"]
    logto_error(
        api.patch(f"/users/{other}", json={"primaryPhone": "61412345678"}),
        422,
        "user.phone_already_in_use",
        taken,
    )


def test_update_semantics(api: httpx.Client) -> None:
    """``PATCH /users/:id`` replaces ``customData``/``profile`` and stores ``''`` as given; ``null`` clears
    a nullable column; the profile keeps ``userProfileGuard``'s keys only (zod strips the rest). The
    ``custom-data`` and ``profile`` routes merge at the top level (``jsonb ||``)."""
    user_id = api.get("/users", params={"search": PASSWORD_USER["email"]}).json()[0]["id"]
    assert api.get(f"/users/{user_id}/custom-data").json() == {"plan": "gold"}
    merged = api.patch(f"/users/{user_id}/custom-data", json={"customData": {"seats": 3}})
    assert merged.json() == {"plan": "gold", "seats": 3}
    profile = {"nickname": "R", "extra": 1, "address": {"country": "NZ", "planet": "Earth"}}
    answer = api.patch(f"/users/{user_id}", json={"name": "", "avatar": None, "profile": profile}).json()
    assert (answer["name"], answer["avatar"]) == ("", None)
    assert answer["profile"] == {"nickname": "R", "address": {"country": "NZ"}}
    merged = api.patch(f"/users/{user_id}/profile", json={"profile": {"locale": "en-NZ"}})
    assert merged.json() == {"nickname": "R", "address": {"country": "NZ"}, "locale": "en-NZ"}
    replaced = api.patch(f"/users/{user_id}", json={"customData": {"only": True}}).json()
    assert replaced["customData"] == {"only": True}


def test_users_paths_that_logto_has(api: httpx.Client) -> None:
    user_id = api.get("/users").json()[0]["id"]
    logto_error(
        api.delete(f"/users/{user_id}/identities/github"),
        404,
        "user.identity_not_exist",
        "The social account has not been registered yet.",
    )
    logto_error(api.get("/users/nobody/custom-data"), 404, "entity.not_found")
    logto_error(api.patch("/users/nobody/profile", json={"profile": {}}), 404, "entity.not_found")


# --- the list's search (utils/search.ts) ------------------------------------------------------------------
SEARCH_REFUSALS = [
    ({"search": ""}, "Search value cannot be empty."),
    ({"search": ["a", "b"]}, "Only one search value is allowed when search mode is not `exact`."),
    ({"mode": "glob", "search": "a"}, "Search match mode `glob` is not valid, expect one of exact, like, "
     "similar_to, posix."),
    ({"mode.name": "glob"}, "Search match mode `glob` for field `name` is not valid, expect one of exact, "
     "like, similar_to, posix."),
    ({"joint": "xor"}, "Search joint mode `xor` is not valid, expect one of or, and."),
    ({"search.a.b": "x"}, "Unsupported nested search field path `a.b` detected. Only the first level field "
     "is supported."),
    ({"search.email": "x"}, "Search field `email` is not valid, expect one of id, primary_email, "
     "primary_phone, username, name."),
    ({"mode": "similar_to", "search": "x"}, "Cannot use case-insensitive match for `similar to`."),
]  # fmt: skip


@pytest.mark.parametrize(("query", "details"), SEARCH_REFUSALS)
def test_search_refusals(client: httpx.Client, query: dict[str, Any], details: str) -> None:
    body = logto_error(
        client.get("/users", params=query), 400, "request.invalid_input", f"Input is invalid. {details}"
    )
    assert body["data"] == {}  # the TypeError, as JSON


def test_exclusions_together_are_refused(client: httpx.Client) -> None:
    body = logto_error(
        client.get("/users", params={"excludeRoleId": "a", "excludeOrganizationId": "b"}),
        400,
        "request.invalid_input",
        "Input is invalid. Parameter `excludeRoleId` and `excludeOrganizationId` cannot be used at the "
        "same time.",
    )
    assert "data" not in body


def test_search_modes(client: httpx.Client) -> None:
    def names(**query: str) -> list[str | None]:
        response = client.get("/users", params=query)
        assert response.status_code == 200, response.text
        return [u["username"] for u in response.json()]

    assert names(**{"search.primaryEmail": PASSWORD_USER["email"].upper(), "mode": "exact"}) == ["reader"]
    assert names(search="%READ%", isCaseSensitive="true") == []
    assert names(search="%READ%") == ["reader"]
    assert names(search="^rea", mode="posix") == ["reader"]
    assert names(search="(rea|xyz)%", mode="similar_to", isCaseSensitive="true") == ["reader"]
    both = {"search.username": "reader", "search.name": "Nobody", "mode": "exact"}
    assert names(**both) == ["reader"]
    assert names(**both, joint="and") == []
    librarian = next(r for r in client.get("/roles").json() if r["name"] == "librarian")
    assert names(excludeRoleId=librarian["id"]) == []
    assert names(excludeOrganizationId="org-acme") == []


# --- roles (routes/role.ts, role.scope.ts) ---------------------------------------------------------------
ROLE_BODIES: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
    ("POST", "/roles", {"name": "x" * 129, "description": "d"}, {"code": "too_big", "maximum": 128}),
    ("POST", "/roles", {"name": "n", "description": "d" * 129}, {"path": ["description"], "code": "too_big"}),
    ("POST", "/roles", {"name": "n"}, {"path": ["description"], "message": "Required"}),
    ("POST", "/roles", {"name": "n", "description": "d", "type": None}, {"expected": "'User' | 'MachineToMachine'"}),
    (
        "POST",
        "/roles",
        {"name": "n", "description": "d", "type": "Admin"},
        {"message": "Invalid enum value. Expected 'User' | 'MachineToMachine', received 'Admin'"},
    ),
    ("POST", "/roles", {"name": "n", "description": "d", "isDefault": None}, _null(["isDefault"], "boolean")),
    ("POST", "/roles", {"name": "n", "description": "d", "scopeIds": None}, _null(["scopeIds"], "array")),
    ("PATCH", "/roles/nothing", {"name": ""}, {"code": "too_small", "path": ["name"]}),
    ("PATCH", "/roles/nothing", {"description": None}, _null(["description"])),
    ("POST", "/roles/nothing/scopes", {"scopeIds": []}, {"code": "too_small", "type": "array"}),
]  # fmt: skip


@pytest.mark.parametrize(("method", "path", "body", "issue"), ROLE_BODIES)
def test_role_bodies_are_refused_as_zod_refuses(
    client: httpx.Client, method: str, path: str, body: dict[str, Any], issue: dict[str, Any]
) -> None:
    found = _issue(client.request(method, path, json=body))
    assert found | issue == found, found


def test_roles_list_query(client: httpx.Client) -> None:
    issue = _issue(client.get("/roles", params={"type": "Admin"}), where="query")
    assert issue["code"] == "invalid_enum_value"
    listed = client.get("/roles", params={"search": "%sync%"}).json()
    assert [r["name"] for r in listed] == ["catalogue-sync"]
    reader = client.get("/users", params={"search": PASSWORD_USER["email"]}).json()[0]["id"]
    not_held = [r["name"] for r in client.get("/roles", params={"excludeUserId": reader}).json()]
    assert "librarian" not in not_held
    assert "catalogue-sync" in not_held
    not_jobs = [r["name"] for r in client.get("/roles", params={"excludeApplicationId": M2M["id"]}).json()]
    assert "catalogue-sync" not in not_jobs
    mine = client.get(f"/users/{reader}/roles", params={"search.name": "nope", "mode": "exact"})
    assert mine.json() == []
    assert mine.headers["Total-Number"] == "0"
    logto_error(
        client.get(f"/users/{reader}/roles", params={"search.type": "User"}),
        400,
        "request.invalid_input",
        "Input is invalid. Search field `type` is not valid, expect one of id, name, description.",
    )


# --- default roles (libraries/user.ts insertUser) ---------------------------------------------------------
def _default_reader_role(api: httpx.Client) -> str:
    read_books = next(
        s["id"]
        for r in api.get("/roles").json()
        if r["name"] == "catalogue-sync"
        for s in api.get(f"/roles/{r['id']}/scopes").json()
        if s["name"] == "read:books"
    )
    created = api.post(
        "/roles",
        json={"name": "starter", "description": "new users", "isDefault": True, "scopeIds": [read_books]},
    )
    assert created.status_code == 200, created.text
    role_id: str = created.json()["id"]
    return role_id


def test_a_user_created_by_the_api_gets_the_default_roles(api: httpx.Client) -> None:
    role_id = _default_reader_role(api)
    user_id = api.post("/users", json={"username": "newbie"}).json()["id"]
    assert [r["id"] for r in api.get(f"/users/{user_id}/roles").json()] == [role_id]


def test_a_registered_user_gets_the_default_roles_in_the_token(
    mgmt: Running, api: httpx.Client, email: str, read_code: Callable[[str], str]
) -> None:
    """Registration through the Experience API goes through ``insertUser`` too: the new user's access
    token for the resource carries the default role's scope."""
    _default_reader_role(api)
    url = auth_url(mgmt, scope="openid read:books write:books") + "&" + urlencode({"resource": API})
    with ExperienceClient(mgmt.endpoint) as browser:
        callback = browser.email_code_flow(url, email, read_code, event="Register")
    code = callback_params(callback)["code"]
    tokens = httpx.post(
        f"{mgmt.endpoint}/oidc/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": WEB["redirect"],
            "resource": API,
        },
        auth=(WEB["id"], WEB["secret"]),
    )
    assert tokens.status_code == 200, tokens.text
    assert tokens.json()["scope"] == "read:books"


# --- koa-auth: jose's error as data ----------------------------------------------------------------------
def test_unauthorized_carries_joses_error(shared: Running) -> None:
    url = f"{shared.endpoint}/api/users"

    def data(token: str) -> Any:
        response = httpx.get(url, headers={"authorization": f"Bearer {token}"})
        return logto_error(
            response, 401, "auth.unauthorized", "Unauthorized. Please check credentials and its scope."
        )["data"]

    assert data("abc") == {"code": "ERR_JWS_INVALID", "name": "JWSInvalid"}
    token = m2m_token(shared.endpoint)
    head, payload, signature = token.split(".")
    assert data(f"{head}.{payload}.{signature[:-4]}AAAA") == {
        "code": "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
        "name": "JWSSignatureVerificationFailed",
    }
    tenant = shared.tenant
    claims = {"iss": tenant.issuer, "aud": "https://other.test", "sub": "x", "exp": time.time() + 60}
    wrong_audience = data(tenant.keys.sign(claims))
    assert wrong_audience == {
        "code": "ERR_JWT_CLAIM_VALIDATION_FAILED",
        "name": "JWTClaimValidationFailed",
        "claim": "aud",
        "reason": "check_failed",
        "payload": claims,
    }
    expired = {**claims, "aud": "https://default.logto.app/api", "exp": 1}
    assert data(tenant.keys.sign(expired))["name"] == "JWTExpired"
    no_issuer = {k: v for k, v in claims.items() if k != "iss"}
    assert data(tenant.keys.sign(no_issuer))["reason"] == "missing"


# --- the sign-in experience (routes/sign-in-experience/index.ts): Logto's first error first ---------------
def test_sign_in_exp_refusals_come_in_logtos_order(client: httpx.Client) -> None:
    """The guard walks the columns in the table's order (``sign_in`` before ``sign_up``); the route then
    runs ``validateSignUp``, ``validateSignIn`` and the forgot-password connectors, in that order."""
    assert _issue(client.patch("/sign-in-exp", json={"signUp": 5, "signIn": 5}))["path"] == ["signIn"]
    sign_up = {"identifiers": ["email", "email"], "password": True, "verify": True}
    logto_error(
        client.patch(
            "/sign-in-exp", json={"forgotPasswordMethods": ["PhoneVerificationCode"], "signUp": sign_up}
        ),
        400,
        "sign_in_experiences.duplicated_sign_up_identifiers",
        "Duplicate sign-up identifiers detected.",
    )
    method = {"identifier": "email", "password": False, "verificationCode": False, "isPasswordPrimary": True}
    logto_error(
        client.patch(
            "/sign-in-exp",
            json={"forgotPasswordMethods": ["PhoneVerificationCode"], "signIn": {"methods": [method]}},
        ),
        400,
        "sign_in_experiences.at_least_one_authentication_factor",
    )
    # A column the fake does not apply is refused even as null (Logto refuses null for most of them).
    logto_error(client.patch("/sign-in-exp", json={"color": None}), 400, "guard.invalid_input")
