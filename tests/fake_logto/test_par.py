"""Pushed authorization requests (RFC 9126) as Logto serves them: node-oidc-provider v9's
``pushed_authorization_request`` stack with Logto's configuration (``lib/actions/authorization/index.js``,
``load_pushed_authorization_request.js``, ``process_request_object.js``, ``respond.js``) — the push at
``POST /oidc/request``, its ``request_uri`` at ``/oidc/auth``, every refusal with Logto's status and body."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from logto_support import API, PASSWORD_USER, SPA, WEB, pkce, tenant_dict

from fake_logto import Running, parse_config, paths
from fake_logto import Settings as LogtoSettings
from fake_logto import serve_in_thread as serve_logto
from fake_mailgun import Running as MailgunRunning
from harness._experience import ExperienceClient, callback_params

URN = "urn:ietf:params:oauth:request_uri:"
EXPIRED = "request_uri is invalid, expired, or was already used"
WEB_AUTH = (WEB["id"], WEB["secret"])
PUSHED = {
    "client_id": WEB["id"],
    "redirect_uri": WEB["redirect"],
    "response_type": "code",
    "scope": "openid profile",
    "state": "pushed-state",
    "nonce": "pushed-nonce",
}


def _push(logto: Running, auth: Any = WEB_AUTH, **params: str | None) -> httpx.Response:
    data = {k: v for k, v in {**PUSHED, **params}.items() if v is not None}
    return httpx.post(f"{logto.endpoint}{paths.PAR}", data=data, auth=auth)


def _request_uri(logto: Running, **params: str | None) -> str:
    response = _push(logto, **params)
    assert response.status_code == 201, response.text
    request_uri: str = response.json()["request_uri"]
    return request_uri


def _auth_url(logto: Running, request_uri: str, **extra: str) -> str:
    query = {"client_id": WEB["id"], "request_uri": request_uri, **extra}
    return f"{logto.endpoint}{paths.AUTH}?{urlencode(query)}"


def _sign_in(logto: Running, browser: ExperienceClient, url: str) -> str:
    """The password sign-in from ``url`` to the callback URL."""
    browser.start(url)
    browser.set_event("SignIn")
    browser.identify(browser.verify_password("email", PASSWORD_USER["email"], PASSWORD_USER["password"]))
    redirect_to = browser.submit()
    assert redirect_to is not None
    return browser.finish(redirect_to)


def _error(response: httpx.Response, status: int, error: str, description: str | None) -> dict[str, Any]:
    """Logto's JSON error body (``koa-oidc-error-handler.ts``)."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["code"] == f"oidc.{error}"
    assert isinstance(body["message"], str)
    assert body["error"] == error
    assert body.get("error_description") == description
    return body


def _sent_back(response: httpx.Response, redirect_uri: str = WEB["redirect"]) -> dict[str, str]:
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith(redirect_uri + "?")
    return callback_params(location)


# --- the push ---------------------------------------------------------------------------------------------
def test_a_push_answers_201_with_a_request_uri_for_60_seconds(logto: Running) -> None:
    response = _push(logto)
    assert response.status_code == 201
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert set(body) == {"expires_in", "request_uri"}
    assert body["expires_in"] == 60
    assert body["request_uri"].startswith(URN)
    assert len(body["request_uri"].removeprefix(URN)) == 21  # nanoid()


def test_discovery_advertises_the_served_endpoint(logto: Running) -> None:
    document = httpx.get(f"{logto.endpoint}{paths.DISCOVERY}").json()
    assert document["pushed_authorization_request_endpoint"] == f"{logto.endpoint}/oidc/request"
    assert "require_pushed_authorization_requests" not in document
    assert document["request_uri_parameter_supported"] is False


def test_a_public_client_pushes_with_its_client_id_and_pkce(logto: Running) -> None:
    _verifier, challenge = pkce()
    spa = {"client_id": SPA["id"], "redirect_uri": SPA["redirect"]}
    pushed = _push(logto, None, **spa, code_challenge=challenge, code_challenge_method="S256")
    assert pushed.status_code == 201, pushed.text
    # check_pkce.js, as at /oidc/auth: PKCE is required of a public client.
    refused = _push(logto, None, **spa)
    _error(
        refused,
        400,
        "invalid_request",
        "Authorization Server policy requires PKCE to be used for this request",
    )


def test_the_client_authenticates_as_at_the_token_endpoint(logto: Running) -> None:
    wrong = _push(logto, (WEB["id"], "wrong"))
    _error(wrong, 401, "invalid_client", "client authentication failed")
    assert wrong.headers["www-authenticate"].startswith("Basic ")
    none = _push(logto, None)  # a confidential client that sends no secret
    _error(none, 401, "invalid_client", "client authentication failed")
    unknown = _push(logto, None, client_id="no-such-app")
    _error(unknown, 400, "invalid_client", "invalid client no-such-app")
    other = _push(logto, client_id=SPA["id"])
    _error(other, 400, "invalid_request", "client_id mismatch")
    form = httpx.post(f"{logto.endpoint}{paths.PAR}", content="{", headers={"content-type": "text/plain"})
    _error(
        form,
        400,
        "invalid_request",
        "only application/x-www-form-urlencoded content-type bodies are supported on POST /request",
    )


def test_http_basic_alone_does_not_name_the_client(logto: Running) -> None:
    """oauth_required.js checks the pushed parameters, where Basic put no client_id."""
    _error(_push(logto, client_id=None), 400, "invalid_request", "missing required parameter 'client_id'")
    both = _push(logto, client_id=None, response_type=None)
    _error(both, 400, "invalid_request", "missing required parameters 'response_type' and 'client_id'")


@pytest.mark.parametrize(
    ("params", "error", "description"),
    [
        ({"response_type": "token"}, "unsupported_response_type", "unsupported response_type requested"),
        ({"response_mode": "jwt"}, "unsupported_response_mode", "unsupported response_mode requested"),
        ({"prompt": "select_account"}, "invalid_request", "unsupported prompt value requested"),
        ({"prompt": "none login"}, "invalid_request", "prompt none must only be used alone"),
        ({"scope": "profile"}, "invalid_request", "openid scope must be requested when using the nonce parameter"),
        ({"resource": "https://nowhere.test"}, "invalid_target", "resource indicator is missing, or unknown"),
        ({"code_challenge": "x" * 43}, "invalid_request", "code_challenge_method must be provided"),
        ({"max_age": "-1"}, "invalid_request", "invalid max_age parameter value"),
        ({"id_token_hint": "not-a-jwt"}, "invalid_request", "could not validate id_token_hint"),
    ],
    ids=["response-type", "response-mode", "prompt", "prompt-none", "openid", "resource", "pkce", "max-age", "hint"],
)  # fmt: skip
def test_bad_parameters_answer_the_authorization_endpoints_errors_as_json(
    logto: Running, params: dict[str, str], error: str, description: str
) -> None:
    body = _error(_push(logto, **params), 400, error, description)
    assert not {"state", "iss"} & set(body)  # error_handler.js, not the authorization one
    # The same request at /oidc/auth: the same error, sent back to the redirect_uri.
    query = {**PUSHED, **params}
    at_auth = httpx.get(f"{logto.endpoint}{paths.AUTH}?{urlencode(query)}", follow_redirects=False)
    sent = _sent_back(at_auth)
    assert (sent["error"], sent["error_description"]) == (error, description)


def test_an_unregistered_redirect_uri_is_invalid_request(logto: Running) -> None:
    """pushed_authorization_request_remap_errors.js (allowUnregisteredRedirectUris is off)."""
    response = _push(logto, redirect_uri="http://localhost:3000/evil")
    _error(
        response,
        400,
        "invalid_request",
        "redirect_uri did not match any of the client's registered redirect_uris",
    )


def test_request_objects_and_request_uris_are_refused(logto: Running) -> None:
    """reject_unsupported.js: request objects are off; a request_uri is only for /oidc/auth."""
    body = _error(_push(logto, request="e30.e30."), 400, "request_not_supported", None)
    assert body["message"] == "An OIDC error occurred: oidc.request_not_supported."
    _error(_push(logto, request_uri=URN + "x"), 400, "request_uri_not_supported", None)
    _error(_push(logto, registration="{}"), 400, "registration_not_supported", None)
    # reject_registration.js at /oidc/auth too: sent back, without a description.
    query = urlencode({**PUSHED, "registration": "{}"})
    sent = _sent_back(httpx.get(f"{logto.endpoint}{paths.AUTH}?{query}", follow_redirects=False))
    assert sent == {
        "error": "registration_not_supported",
        "state": "pushed-state",
        "iss": f"{logto.endpoint}/oidc",
    }


def test_a_parameter_given_twice_is_refused_but_resource(logto: Running) -> None:
    body = urlencode([*PUSHED.items(), ("state", "again")])
    headers = {"content-type": "application/x-www-form-urlencoded"}
    dupes = httpx.post(f"{logto.endpoint}{paths.PAR}", content=body, headers=headers, auth=WEB_AUTH)
    _error(dupes, 400, "invalid_request", "'state' parameter must not be provided twice")
    resources = urlencode([*PUSHED.items(), ("resource", API), ("resource", API)])
    many = httpx.post(f"{logto.endpoint}{paths.PAR}", content=resources, headers=headers, auth=WEB_AUTH)
    assert many.status_code == 201, many.text


def test_a_preflight_is_answered_as_at_the_client_endpoints(logto: Running) -> None:
    headers = {"origin": "http://localhost:3000", "access-control-request-method": "POST"}
    response = httpx.options(f"{logto.endpoint}{paths.PAR}", headers=headers)
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "http://localhost:3000"
    assert response.headers["access-control-allow-methods"] == "POST"


# --- the request_uri at /oidc/auth ------------------------------------------------------------------------
def test_push_then_sign_in_then_code_then_tokens(logto: Running) -> None:
    verifier, challenge = pkce()
    request_uri = _request_uri(logto, code_challenge=challenge, code_challenge_method="S256", resource=API)
    # Only the pushed parameters count: a state or scope outside them is ignored (process_request_object.js).
    url = _auth_url(logto, request_uri, state="outside", scope="nonsense")
    with ExperienceClient(logto.endpoint) as browser:
        callback = callback_params(_sign_in(logto, browser, url))
    assert callback["state"] == "pushed-state"
    assert callback["iss"] == f"{logto.endpoint}/oidc"
    data = {
        "grant_type": "authorization_code",
        "code": callback["code"],
        "redirect_uri": WEB["redirect"],
        "code_verifier": verifier,
    }
    tokens = httpx.post(f"{logto.endpoint}{paths.TOKEN}", data=data, auth=WEB_AUTH)
    assert tokens.status_code == 200, tokens.text
    assert set(tokens.json()) >= {"access_token", "id_token", "expires_in", "scope", "token_type"}
    # The code was issued: the request_uri is used up (respond.js consumes it).
    again = httpx.get(url, follow_redirects=False)
    sent = _sent_back(again)
    assert (sent["error"], sent["error_description"]) == ("invalid_request_uri", EXPIRED)


def test_the_redirect_uri_may_be_left_to_the_single_registered_one(logto: Running) -> None:
    """one_redirect_uri_clients.js, at the push too."""
    request_uri = _request_uri(logto, redirect_uri=None)
    with ExperienceClient(logto.endpoint) as browser:
        callback = _sign_in(logto, browser, _auth_url(logto, request_uri))
    assert callback.startswith(WEB["redirect"] + "?code=")


def test_the_request_uri_is_consumed_by_the_first_code_only(logto: Running) -> None:
    """Two interactions from one request_uri: the second to finish is refused at respond.js."""
    url = _auth_url(logto, _request_uri(logto))
    with ExperienceClient(logto.endpoint) as first, ExperienceClient(logto.endpoint) as second:
        second.start(url)
        assert "code" in callback_params(_sign_in(logto, first, url))
        second.set_event("SignIn")
        second.identify(second.verify_password("email", PASSWORD_USER["email"], PASSWORD_USER["password"]))
        redirect_to = second.submit()
        assert redirect_to is not None
        refused = callback_params(second.finish(redirect_to))
    assert refused == {
        "error": "invalid_request_uri",
        "error_description": EXPIRED,
        "state": "pushed-state",
        "iss": f"{logto.endpoint}/oidc",
    }


def test_an_unknown_request_uri_is_sent_back_or_rendered(logto: Running) -> None:
    """authorization_error_handler.js: back to the single registered redirect_uri, with the query's state;
    rendered as JSON when the query names a redirect_uri the client does not know."""
    url = _auth_url(logto, URN + "nope", state="q")
    sent = _sent_back(httpx.get(url, follow_redirects=False))
    assert sent == {
        "error": "invalid_request_uri",
        "error_description": EXPIRED,
        "state": "q",
        "iss": f"{logto.endpoint}/oidc",
    }
    evil = _auth_url(logto, URN + "nope", redirect_uri="http://localhost:3000/evil")
    body = _error(
        httpx.get(evil, follow_redirects=False),
        400,
        "invalid_redirect_uri",
        "redirect_uri did not match any of the client's registered redirect_uris",
    )
    assert body["iss"] == f"{logto.endpoint}/oidc"


def test_the_client_must_be_known_before_the_request_uri(logto: Running) -> None:
    query = urlencode({"client_id": "no-such-app", "request_uri": _request_uri(logto)})
    response = httpx.get(f"{logto.endpoint}{paths.AUTH}?{query}", follow_redirects=False)
    _error(response, 400, "invalid_client", "client is invalid")
    query = urlencode({"request_uri": _request_uri(logto)})
    response = httpx.get(f"{logto.endpoint}{paths.AUTH}?{query}", follow_redirects=False)
    _error(response, 400, "invalid_request", "missing required parameter 'client_id'")


def test_another_client_cannot_use_the_request_uri(logto: Running) -> None:
    """process_request_object.js; the pushed state is the one sent back (it replaced the query's)."""
    query = {"client_id": SPA["id"], "request_uri": _request_uri(logto), "state": "q"}
    response = httpx.get(f"{logto.endpoint}{paths.AUTH}?{urlencode(query)}", follow_redirects=False)
    sent = _sent_back(response, SPA["redirect"])
    assert sent == {
        "error": "invalid_request_object",
        "error_description": "request client_id must equal the one in request parameters",
        "state": "pushed-state",
        "iss": f"{logto.endpoint}/oidc",
    }


def test_a_different_response_type_is_refused(logto: Running) -> None:
    url = _auth_url(logto, _request_uri(logto), response_type="id_token")
    sent = _sent_back(httpx.get(url, follow_redirects=False))
    assert (sent["error"], sent["error_description"]) == (
        "invalid_request_object",
        "request response_type must equal the one in request parameters",
    )


def test_a_request_uri_not_of_a_pushed_request_is_not_supported(logto: Running) -> None:
    """load_pushed_authorization_request.js: RequestUriNotSupported, which has no description."""
    sent = _sent_back(httpx.get(_auth_url(logto, "https://app.test/request.jwt"), follow_redirects=False))
    assert sent == {"error": "request_uri_not_supported", "iss": f"{logto.endpoint}/oidc"}
    evil = _auth_url(logto, "https://app.test/request.jwt", redirect_uri="http://localhost:3000/evil")
    assert httpx.get(evil).json()["error"] == "invalid_redirect_uri"


def test_a_request_object_is_not_supported_at_the_authorization_endpoint(logto: Running) -> None:
    """reject_unsupported.js, before the client is checked: rendered when the client is unknown."""
    query = {**PUSHED, "request": "e30.e30."}
    sent = _sent_back(httpx.get(f"{logto.endpoint}{paths.AUTH}?{urlencode(query)}", follow_redirects=False))
    assert sent == {
        "error": "request_not_supported",
        "state": "pushed-state",
        "iss": f"{logto.endpoint}/oidc",
    }
    query["client_id"] = "no-such-app"
    response = httpx.get(f"{logto.endpoint}{paths.AUTH}?{urlencode(query)}", follow_redirects=False)
    body = _error(response, 400, "request_not_supported", None)
    assert body["state"] == "pushed-state"


@pytest.fixture
def own_logto(mailgun: MailgunRunning) -> Iterator[Running]:
    """A tenant of its own: this test moves its clock."""
    with serve_logto(LogtoSettings(port=0), config=parse_config(tenant_dict(mailgun.url))) as running:
        yield running


def test_a_request_uri_expires_after_60_seconds(own_logto: Running) -> None:
    fresh = _auth_url(own_logto, _request_uri(own_logto))
    own_logto.tenant.clock.advance(59)
    assert httpx.get(fresh, follow_redirects=False).headers["location"].startswith("/sign-in?")
    own_logto.tenant.clock.advance(1)
    sent = _sent_back(httpx.get(fresh, follow_redirects=False))
    assert (sent["error"], sent["error_description"]) == ("invalid_request_uri", EXPIRED)
