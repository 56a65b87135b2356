"""Issue 13 points 9, 10, 11, 13 and 14: the edges of fake_logto's endpoints answer as Logto's do.

Each test names the Logto / node-oidc-provider source it holds the fake to, and asserts the status and
body (or headers) Logto answers: errors as JSON, ``session.not_found``, bodies by content type, CORS, the
response modes, ``max_age`` and ``id_token_hint``, sign-out without a session, the extra parameters,
discovery field for field, unrecognized ``/oidc`` routes, the signed cookies and the ``/consent`` hop.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
import pytest
from logto_support import SPA, WEB, auth_url

from fake_logto import Running, paths
from fake_logto._cookies import sign
from harness._experience import ExperienceClient, callback_params

ISS_SUFFIX = "/oidc"


def _signed_in(
    logto: Running, read_code: Callable[[str], str], address: str | None = None, **extra: str | None
) -> tuple[ExperienceClient, str]:
    """A browser signed in (registered) by email code; returns it and the callback URL."""
    browser = ExperienceClient(logto.endpoint)
    address = address or f"r-{uuid.uuid4().hex[:12]}@example.test"
    callback = browser.email_code_flow(auth_url(logto, **extra), address, read_code, event="Register")  # type: ignore[arg-type]
    return browser, callback


def _id_token(logto: Running, callback: str) -> str:
    code = callback_params(callback)["code"]
    response = httpx.post(
        f"{logto.endpoint}/oidc/token",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": WEB["redirect"]},
        auth=(WEB["id"], WEB["secret"]),
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["id_token"]
    return token


@pytest.fixture
def browser(logto: Running, read_code: Callable[[str], str]) -> Iterator[ExperienceClient]:
    client, _ = _signed_in(logto, read_code)
    with client:
        yield client


# --- point 9: errors at /oidc/auth, its resume and the Experience API ----------------------------------
def test_auth_with_an_unknown_client_answers_json_not_a_page(logto: Running) -> None:
    """authorization_error_handler.js renders via Logto's renderError: the JSON ``out`` (+ code)."""
    response = httpx.get(
        f"{logto.endpoint}/oidc/auth",
        params={
            "client_id": "nobody",
            "redirect_uri": WEB["redirect"],
            "response_type": "code",
            "state": "s1",
        },
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert {k: body[k] for k in ("error", "error_description", "code", "state", "iss")} == {
        "error": "invalid_client",
        "error_description": "client is invalid",
        "code": "oidc.invalid_client",
        "state": "s1",
        "iss": logto.endpoint + ISS_SUFFIX,
    }


def test_resume_without_its_cookie_is_session_not_found(logto: Running) -> None:
    """resume.js: no ``_interaction_resume`` cookie → SessionNotFound, mapped by koaOidcErrorHandler."""
    response = httpx.get(f"{logto.endpoint}/oidc/auth/some-uid")
    assert response.status_code == 400
    assert response.json() == {
        "code": "session.not_found",
        "message": "Session not found. Please go back and sign in again.",
        "error": "invalid_request",
        "error_description": "authorization request has expired",
        "iss": logto.endpoint + ISS_SUFFIX,
    }


def test_experience_api_without_cookie_then_without_put(logto: Running) -> None:
    """koaInteractionDetails: no cookie → 400 session.not_found; cookie but no PUT → 404."""
    nobody = httpx.get(f"{logto.endpoint}{paths.EXPERIENCE_INTERACTION}")
    assert nobody.status_code == 400
    assert nobody.json()["code"] == "session.not_found"
    assert nobody.json()["error_description"] == "interaction session id cookie not found"
    with ExperienceClient(logto.endpoint) as client:
        client.start(auth_url(logto))
        not_started = client.http.get(f"{logto.endpoint}{paths.EXPERIENCE_INTERACTION}")
        assert not_started.status_code == 404
        assert not_started.json()["code"] == "session.interaction_not_found"


# --- point 10: bodies by content type, CORS, /oidc/token JSON, response modes, max_age, id_token_hint ----
def test_api_bodies_are_read_by_content_type(logto: Running) -> None:
    """koa-body: text/plain is a string (the guard refuses it), a form is an object, no type is {}."""
    with ExperienceClient(logto.endpoint) as client:
        client.start(auth_url(logto))
        url = f"{logto.endpoint}{paths.EXPERIENCE}"
        as_text = client.http.put(
            url, content=b'{"interactionEvent":"SignIn"}', headers={"content-type": "text/plain"}
        )
        assert as_text.status_code == 400
        assert as_text.json()["code"] == "guard.invalid_input"
        untyped = client.http.put(url, content=b'{"interactionEvent":"SignIn"}')
        assert untyped.status_code == 400
        assert untyped.json()["code"] == "guard.invalid_input"
        as_form = client.http.put(url, data={"interactionEvent": "SignIn"})
        assert as_form.status_code == 204
        nested = client.http.post(
            f"{logto.endpoint}{paths.EXPERIENCE_CODE_SEND}",
            content=b"identifier[type]=email&identifier[value]=not-an-email&interactionEvent=SignIn",
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        assert nested.json()["data"]["issues"][0]["path"] == ["identifier", "value"]


def test_oidc_preflights_and_client_origins(logto: Running) -> None:
    """lib/shared/cors.js + initialize_app.js; Logto's clientBasedCORS (redirect URI origins)."""
    preflight = httpx.options(
        f"{logto.endpoint}/oidc/token",
        headers={
            "Origin": "http://localhost:5173",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "http://localhost:5173"
    assert preflight.headers["access-control-allow-methods"] == "POST"
    assert preflight.headers["access-control-allow-headers"] == "content-type"
    assert preflight.headers["access-control-max-age"] == "3600"
    discovery = httpx.options(
        f"{logto.endpoint}{paths.DISCOVERY}", headers={"Access-Control-Request-Method": "GET"}
    )
    assert (discovery.status_code, discovery.headers["access-control-allow-origin"]) == (204, "*")
    no_cors = httpx.options(f"{logto.endpoint}/oidc/auth", headers={"Access-Control-Request-Method": "GET"})
    assert no_cors.status_code == 404
    assert (
        no_cors.json()["error_description"] == "unrecognized route or not allowed method (OPTIONS on /auth)"
    )

    form = {
        "grant_type": "authorization_code",
        "code": "nope",
        "client_id": SPA["id"],
        "code_verifier": "x" * 43,
    }
    allowed = httpx.post(
        f"{logto.endpoint}/oidc/token", data=form, headers={"Origin": "http://localhost:5173"}
    )
    assert allowed.headers["access-control-allow-origin"] == "http://localhost:5173"
    assert allowed.headers["access-control-expose-headers"] == "WWW-Authenticate"
    foreign = httpx.post(f"{logto.endpoint}/oidc/token", data=form, headers={"Origin": "https://evil.test"})
    assert foreign.status_code == 400
    assert (
        foreign.json()["error_description"]
        == "origin https://evil.test not allowed for client: bookstore-spa"
    )
    assert "access-control-allow-origin" not in foreign.headers


def test_api_preflight_allows_no_origin(logto: Running) -> None:
    """koaCors in production allows only the admin console's origins (none here); koa-router answers."""
    response = httpx.options(
        f"{logto.endpoint}{paths.EXPERIENCE}",
        headers={"Origin": "https://evil.test", "Access-Control-Request-Method": "PUT"},
    )
    assert response.status_code == 200
    assert response.headers["allow"] == "PUT"
    assert not [h for h in response.headers if h.startswith("access-control-")]


def test_token_endpoint_reads_json_and_refuses_other_types(
    logto: Running, read_code: Callable[[str], str]
) -> None:
    """Logto's body middleware in oidc/init.ts re-labels JSON; selective_body.js refuses other types."""
    browser, callback = _signed_in(logto, read_code)
    browser.close()
    body = {
        "grant_type": "authorization_code",
        "code": callback_params(callback)["code"],
        "redirect_uri": WEB["redirect"],
    }
    as_json = httpx.post(f"{logto.endpoint}/oidc/token", json=body, auth=(WEB["id"], WEB["secret"]))
    assert as_json.status_code == 200, as_json.text
    assert as_json.json()["id_token"]
    as_text = httpx.post(
        f"{logto.endpoint}/oidc/token", content=b"grant_type=x", headers={"content-type": "text/plain"}
    )
    assert as_text.status_code == 400
    assert as_text.json()["error_description"] == (
        "only application/x-www-form-urlencoded content-type bodies are supported on POST /token"
    )
    nul = httpx.post(
        f"{logto.endpoint}/oidc/token",
        content=b"grant_type=a\x00b",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert nul.json()["error_description"] == "null bytes are not allowed in the request body"


@pytest.mark.parametrize("mode", ["form_post", "fragment"])
def test_response_modes_answer_as_advertised(browser: ExperienceClient, logto: Running, mode: str) -> None:
    """response_modes/form_post.js (a self-posting page, 200) and fragment.js (303 with #…)."""
    response = browser.http.get(auth_url(logto, prompt=None, state="rm", response_mode=mode))  # type: ignore[arg-type]
    if mode == "fragment":
        assert response.status_code == 303
        fragment = parse_qs(urlsplit(response.headers["location"]).fragment)
        assert (fragment["state"], fragment["iss"]) == (["rm"], [logto.endpoint + ISS_SUFFIX])
        assert fragment["code"]
    else:
        assert response.status_code == 200
        assert f'<form method="post" action="{WEB["redirect"]}">' in response.text
        assert re.search(r'name="code" value="[^"]+"', response.text)
        assert '<input type="hidden" name="state" value="rm"/>' in response.text


def test_max_age_and_id_token_hint_are_honoured(logto: Running, read_code: Callable[[str], str]) -> None:
    """login.js's max_age and id_token_hint checks; under prompt=none the failed check is the error."""
    first, first_callback = _signed_in(logto, read_code)
    hint = _id_token(logto, first_callback)
    second, _ = _signed_in(logto, read_code)
    with first, second:
        fresh = first.http.get(auth_url(logto, prompt="none", max_age="3600", state="m"))
        assert "code" in callback_params(fresh.headers["location"])
        httpx.post(f"{logto.endpoint}/__harness/clock", json={"advance": 120})
        try:
            stale = callback_params(
                first.http.get(auth_url(logto, prompt="none", max_age="60")).headers["location"]
            )
        finally:
            httpx.post(f"{logto.endpoint}/__harness/clock", json={"advance": -120})
        assert (stale["error"], stale["error_description"]) == (
            "login_required",
            "End-User authentication could not be obtained",
        )
        again = first.http.get(auth_url(logto, max_age="0"))  # max_age=0 is prompt=login
        assert again.headers["location"].startswith("/sign-in?")
        other = callback_params(
            second.http.get(auth_url(logto, prompt="none", id_token_hint=hint)).headers["location"]
        )
        assert (other["error"], other["error_description"]) == (
            "login_required",
            "id_token_hint and authenticated subject do not match",
        )
        same = callback_params(
            first.http.get(auth_url(logto, prompt="none", id_token_hint=hint)).headers["location"]
        )
        assert "code" in same


# --- point 11: sign-out and the extra parameters --------------------------------------------------------
def test_sign_out_without_a_session_posts_its_own_confirm(logto: Running) -> None:
    """end_session.js: no session → form_post to /confirm with xsrf and logout=yes; a
    post_logout_redirect_uri without a client is dropped, so the user lands on the success page."""
    with httpx.Client() as client:
        page = client.get(
            f"{logto.endpoint}/oidc/session/end",
            params={"post_logout_redirect_uri": "http://localhost:3000", "state": "x"},
        )
        assert page.status_code == 200
        assert f'action="{logto.endpoint}/oidc/session/end/confirm"' in page.text
        xsrf = re.search(r'name="xsrf" value="([^"]+)"', page.text)
        assert xsrf is not None
        assert '<input type="hidden" name="logout" value="yes"/>' in page.text
        done = client.post(
            f"{logto.endpoint}/oidc/session/end/confirm", data={"xsrf": xsrf.group(1), "logout": "yes"}
        )
        assert (done.status_code, done.headers["location"]) == (
            303,
            f"{logto.endpoint}/oidc/session/end/success",
        )


@pytest.mark.parametrize(
    "extra", [{"first_screen": "nowhere"}, {"interaction_mode": "signOut"}, {"first_screen": "signUp"}]
)
def test_a_bad_extra_parameter_drops_them_all(logto: Running, extra: dict[str, str]) -> None:
    """init.ts interactions.url: extraParamsObjectGuard fails as a whole → params {} → plain /sign-in;
    good ones all reach the page, in buildLoginPromptUrl's order."""
    good = httpx.get(auth_url(logto, ui_locales="fr", login_hint="x@example.test", interaction_mode="signUp"))
    assert (
        good.headers["location"] == f"/register?app_id={WEB['id']}&ui_locales=fr&login_hint=x%40example.test"
    )
    url = auth_url(logto, ui_locales="fr", login_hint="x@example.test", **extra)
    response = httpx.get(url, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, f"/sign-in?app_id={WEB['id']}")


# --- point 13: discovery, the advertised endpoints, unrecognized routes ----------------------------------
LOGTO_DISCOVERY_KEYS = {
    "authorization_endpoint", "authorization_response_iss_parameter_supported",
    "backchannel_logout_session_supported", "backchannel_logout_supported", "claim_types_supported",
    "claims_parameter_supported", "claims_supported", "code_challenge_methods_supported",
    "device_authorization_endpoint", "end_session_endpoint", "grant_types_supported",
    "id_token_signing_alg_values_supported", "introspection_endpoint", "issuer", "jwks_uri",
    "pushed_authorization_request_endpoint", "request_uri_parameter_supported", "response_modes_supported", "response_types_supported",
    "revocation_endpoint", "scopes_supported", "subject_types_supported", "token_endpoint",
    "token_endpoint_auth_methods_supported", "token_endpoint_auth_signing_alg_values_supported",
    "userinfo_endpoint",
}  # fmt: skip


def test_discovery_is_logtos_without_extra_keys(logto: Running) -> None:
    """packages/integration-tests/src/tests/api/oidc/discovery.test.ts, field for field."""
    document: dict[str, Any] = httpx.get(f"{logto.endpoint}{paths.DISCOVERY}").json()
    assert set(document) == LOGTO_DISCOVERY_KEYS
    assert document["token_endpoint_auth_signing_alg_values_supported"] == [
        "HS256", "RS256", "PS256", "ES256", "Ed25519", "EdDSA",
    ]  # fmt: skip
    assert document["request_uri_parameter_supported"] is False
    for key in ("jwks_uri", "userinfo_endpoint"):
        assert httpx.get(document[key]).status_code != 404
    for key in (
        "token_endpoint",
        "revocation_endpoint",
        "introspection_endpoint",
        "device_authorization_endpoint",
        "pushed_authorization_request_endpoint",
    ):
        assert httpx.post(document[key], data={}).status_code != 404, key


def test_device_authorization_is_served_and_refused(logto: Running) -> None:
    """check_client_grant_type.js: no application here may use the device flow."""
    response = httpx.post(f"{logto.endpoint}{paths.DEVICE_AUTH}", data={"client_id": SPA["id"]})
    assert response.status_code == 400
    assert response.json()["error_description"] == (
        "urn:ietf:params:oauth:grant-type:device_code is not allowed for this client"
    )


@pytest.mark.parametrize(
    ("method", "path"), [("GET", "/oidc/nope"), ("GET", "/oidc/token"), ("DELETE", "/oidc/me")]
)
def test_unrecognized_oidc_routes_are_json_404(logto: Running, method: str, path: str) -> None:
    """koa-oidc-unrecognized-route.ts: InvalidRequest with status 404."""
    response = httpx.request(method, logto.endpoint + path)
    assert response.status_code == 404
    body = response.json()
    below = path.removeprefix("/oidc")
    assert (body["error"], body["code"]) == ("invalid_request", "oidc.invalid_request")
    assert body["error_description"] == f"unrecognized route or not allowed method ({method} on {below})"


# --- point 14: cookies and hops -------------------------------------------------------------------------
def _set_cookies(response: httpx.Response) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.headers.get_list("set-cookie")}


def test_cookies_and_the_consent_hop(logto: Running, read_code: Callable[[str], str], email: str) -> None:
    """interactions.js (cookies, their paths), init.ts interactions.url (relative URLs), koa-auto-consent."""
    with ExperienceClient(logto.endpoint) as client:
        started = client.start(auth_url(logto))
        assert started.headers["location"] == f"/sign-in?app_id={WEB['id']}"
        cookies = _set_cookies(started)
        uid = client.http.cookies.get("_interaction", path="/")
        assert uid
        assert f"_interaction.sig={sign('_interaction', uid)};" in cookies["_interaction.sig"]
        assert f"Path=/oidc/auth/{uid}" in cookies["_interaction_resume"]
        assert f"Path=/oidc/auth/{uid}" in cookies["_interaction_resume.sig"]
        assert all("HttpOnly" in c and "SameSite=lax" in c for c in cookies.values())

        client.set_event("Register")
        verification = client.send_code(email, "Register")
        client.verify_code(email, verification, read_code(email))
        client.identify(verification)
        redirect_to = client.submit()
        assert redirect_to == f"{logto.endpoint}/oidc/auth/{uid}"

        resumed = client.http.get(redirect_to)
        assert (resumed.status_code, resumed.headers["location"]) == (303, f"/consent?app_id={WEB['id']}")
        assert {"_session", "_session.sig"} <= set(_set_cookies(resumed))
        consent = client.http.get(urljoin(redirect_to, resumed.headers["location"]))
        assert consent.status_code == 302
        again = consent.headers["location"]
        assert again.startswith(f"{logto.endpoint}/oidc/auth/")
        assert again != redirect_to  # the consent was an interaction of its own
        done = client.http.get(again)
        assert done.status_code == 303
        assert "code" in callback_params(done.headers["location"])


def test_consent_without_an_interaction_is_session_not_found(logto: Running) -> None:
    response = httpx.get(f"{logto.endpoint}{paths.CONSENT}")
    assert response.status_code == 400
    assert response.json()["code"] == "session.not_found"
