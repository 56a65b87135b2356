"""Regressions found in review: each test pins one defect that answered 500 or broke a reference rule."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Iterator

import httpx
import pytest
from logto_support import PASSWORD_USER, WEB, auth_url, tenant_dict

from fake_logto import ConfigError, TenantConfig, parse_config
from fake_logto import Running as LogtoRunning
from fake_logto import Settings as LogtoSettings
from fake_logto import serve_in_thread as serve_logto
from fake_mailgun import Running as MailgunRunning
from harness._experience import ExperienceClient, callback_params

WEB_AUTH = (WEB["id"], WEB["secret"])


@pytest.fixture
def own_logto(tenant_config: TenantConfig) -> Iterator[LogtoRunning]:
    """A tenant of its own, for tests whose failure would leave the shared one broken."""
    with serve_logto(LogtoSettings(port=0), config=tenant_config) as running:
        yield running


def _password_sign_in(browser: ExperienceClient, url: str, identifier: str, password: str) -> str:
    """From the authorization URL to the code (password sign-in, or silent SSO)."""
    started = browser.start(url)
    if "code=" in started.headers["location"]:
        return callback_params(started.headers["location"])["code"]
    browser.set_event("SignIn")
    browser.identify(browser.verify_password("username", identifier, password))
    redirect_to = browser.submit()
    assert redirect_to is not None
    return callback_params(browser.finish(redirect_to))["code"]


def _exchange(logto: LogtoRunning, code: str) -> dict[str, str]:
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": WEB["redirect"]}
    response = httpx.post(f"{logto.endpoint}/oidc/token", data=data, auth=WEB_AUTH)
    assert response.status_code == 200, response.text
    body: dict[str, str] = response.json()
    return body


# --- 500s on odd input ----------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/oidc/token", "/oidc/token/introspection"])
def test_non_ascii_basic_credentials_are_invalid_request(logto: LogtoRunning, path: str) -> None:
    """base64.b64decode raises a bare ValueError (not binascii.Error) on a non-ASCII str."""
    response = httpx.post(
        f"{logto.endpoint}{path}",
        data={"grant_type": "client_credentials", "token": "x"},
        headers={"authorization": "Basic é".encode()},
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_deeply_nested_json_body_is_guard_invalid_input(
    logto: LogtoRunning, browser_client: ExperienceClient
) -> None:
    """json.loads raises RecursionError (not ValueError) on deep nesting."""
    browser_client.start(auth_url(logto))
    response = browser_client.http.put(
        f"{logto.endpoint}/api/experience",
        content=b"[" * 100_000,
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "guard.invalid_input"


def test_clock_advance_that_would_overflow_is_refused(own_logto: LogtoRunning) -> None:
    """Two advances of 1e308 made the offset inf: GET /__harness/clock (and every epoch-ms value) 500."""
    with httpx.Client(base_url=own_logto.url) as client:
        for _ in range(2):
            refused = client.post("/__harness/clock", json={"advance": 1e308})
            assert refused.status_code == 400
            assert refused.json()["error"] == "invalid_request"
        assert client.get("/__harness/clock").json()["offset"] == 0
        assert client.post("/__harness/clock", json={"advance": 3600}).json()["offset"] == 3600
        created = client.post("/__harness/users", json={"username": f"u{uuid.uuid4().hex[:8]}"})
        assert created.status_code == 201


def test_control_user_with_non_finite_custom_data_is_refused(own_logto: LogtoRunning) -> None:
    """NaN custom_data was stored, then every JSON answer carrying it (users list, /oidc/me) was a 500."""
    with httpx.Client(base_url=own_logto.url) as client:
        response = client.post(
            "/__harness/users",
            content=b'{"username": "nan-user", "custom_data": {"x": NaN}}',
            headers={"content-type": "application/json"},
        )
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_request"
        assert client.get("/__harness/users").status_code == 200


@pytest.mark.parametrize("value", [float("nan"), datetime.date(2024, 1, 1)], ids=["nan", "toml-date"])
def test_config_custom_data_must_be_plain_json(mailgun: MailgunRunning, value: object) -> None:
    users = [{"username": "odd", "custom_data": {"x": value}}]
    with pytest.raises(ConfigError, match=r"users\[0\]\.custom_data"):
        parse_config(tenant_dict(mailgun.url, users=users))


# --- sign-out and deleted users: every grant and token goes ---------------------------------------
def test_sign_out_revokes_every_grant_the_session_made(logto: LogtoRunning) -> None:
    """Each authorization makes a grant; the session only remembered the newest per client, so tokens of
    an earlier sign-in in the same session survived sign-out."""
    with ExperienceClient(logto.endpoint) as browser:
        url = auth_url(logto, scope="openid profile")  # no offline_access: sign-out revokes
        first = _exchange(logto, _password_sign_in(browser, url, "reader", PASSWORD_USER["password"]))
        second = _exchange(logto, _password_sign_in(browser, url, "reader", PASSWORD_USER["password"]))
        end = browser.http.get(f"{logto.endpoint}/oidc/session/end", params={"client_id": WEB["id"]})
        xsrf = end.text.split('name="xsrf" value="')[1].split('"')[0]
        confirmed = browser.http.post(
            f"{logto.endpoint}/oidc/session/end/confirm", data={"xsrf": xsrf, "logout": "yes"}
        )
        assert confirmed.status_code == 303
        for tokens in (first, second):
            me = browser.http.get(
                f"{logto.endpoint}/oidc/me", headers={"authorization": f"Bearer {tokens['access_token']}"}
            )
            assert me.status_code == 401


def test_sign_out_keeps_grants_of_a_client_granted_offline_access(logto: LogtoRunning) -> None:
    with ExperienceClient(logto.endpoint) as browser:
        tokens = _exchange(
            logto,
            _password_sign_in(browser, auth_url(logto), "reader", PASSWORD_USER["password"]),
        )
        end = browser.http.get(f"{logto.endpoint}/oidc/session/end", params={"client_id": WEB["id"]})
        xsrf = end.text.split('name="xsrf" value="')[1].split('"')[0]
        browser.http.post(f"{logto.endpoint}/oidc/session/end/confirm", data={"xsrf": xsrf})
    refreshed = httpx.post(
        f"{logto.endpoint}/oidc/token",
        data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        auth=WEB_AUTH,
    )
    assert refreshed.status_code == 200, refreshed.text


def test_deleting_a_user_makes_their_tokens_inactive(logto: LogtoRunning) -> None:
    """delete_user marked grants revoked but not their tokens: introspection still said active."""
    username, password = f"gone{uuid.uuid4().hex[:8]}", "correct horse staple"
    with httpx.Client(base_url=logto.url) as control:
        new = {"username": username, "email": f"{username}@example.test", "password": password}
        user = control.post("/__harness/users", json=new).json()
        with ExperienceClient(logto.endpoint) as browser:
            tokens = _exchange(logto, _password_sign_in(browser, auth_url(logto), username, password))
        assert control.delete(f"/__harness/users/{user['id']}").status_code == 204
    for kind in ("access_token", "refresh_token"):
        introspected = httpx.post(
            f"{logto.endpoint}/oidc/token/introspection", data={"token": tokens[kind]}, auth=WEB_AUTH
        )
        assert introspected.json() == {"active": False}, kind


def test_replay_by_another_client_does_not_revoke(
    logto: LogtoRunning, email: str, read_code: Callable[[str], str]
) -> None:
    with ExperienceClient(logto.endpoint) as browser:
        code = callback_params(browser.email_code_flow(auth_url(logto), email, read_code))["code"]
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": WEB["redirect"]}
    first = httpx.post(f"{logto.endpoint}/oidc/token", data=data, auth=(WEB["id"], WEB["secret"])).json()
    other = httpx.post(f"{logto.endpoint}/oidc/token", data=data, auth=("bookstore-m2m", "m2m-secret"))
    assert other.status_code == 400
    me = httpx.get(f"{logto.endpoint}/oidc/me", headers={"Authorization": f"Bearer {first['access_token']}"})
    assert me.status_code == 200, "another client's replay must not revoke the real client's tokens"


def test_revocation_by_another_client_is_ignored(
    logto: LogtoRunning, email: str, read_code: Callable[[str], str]
) -> None:
    with ExperienceClient(logto.endpoint) as browser:
        code = callback_params(browser.email_code_flow(auth_url(logto), email, read_code))["code"]
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": WEB["redirect"]}
    tokens = httpx.post(f"{logto.endpoint}/oidc/token", data=data, auth=(WEB["id"], WEB["secret"])).json()
    revoked = httpx.post(
        f"{logto.endpoint}/oidc/token/revocation",
        data={"client_id": "bookstore-spa", "token": tokens["refresh_token"]},
    )
    assert revoked.status_code == 200
    refreshed = httpx.post(
        f"{logto.endpoint}/oidc/token",
        data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        auth=(WEB["id"], WEB["secret"]),
    )
    assert refreshed.status_code == 200


def test_organization_data_names_the_organization(logto: LogtoRunning) -> None:
    user = next(u for u in logto.tenant.store.users.values() if u.primary_email == "reader@example.test")
    from fake_logto._claims import userinfo_claims

    claims = userinfo_claims(user, ["openid", "urn:logto:scope:organizations"])
    assert claims["organization_data"] == [{"id": "org-acme", "name": "Acme", "description": None}]
