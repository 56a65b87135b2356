"""What Logto's koa stack adds around an answer (:mod:`fake_logto._post_processing`): the ETag and 304 on
``GET /oidc/*`` (``koa-body-etag.ts``), helmet's basic security headers on the mounted apps
(``koa-security-headers.ts``), compression (``koaCompress``); and the sign-out pages Logto configures
(``logoutSource``, ``postLogoutSuccessSource`` in ``packages/core/src/oidc/init.ts``)."""

from __future__ import annotations

import re

import httpx
import pytest
from logto_support import PASSWORD_USER, WEB, auth_url, password_sign_in

from fake_logto import Running
from fake_logto._post_processing import BASIC_SECURITY_HEADERS, etag
from harness import callback_params
from harness._experience import ExperienceClient


@pytest.fixture(scope="module")
def access_token(logto: Running) -> str:
    url = auth_url(logto, scope="openid profile")
    callback = password_sign_in(logto.endpoint, url, PASSWORD_USER["email"], PASSWORD_USER["password"])
    tokens = httpx.post(
        f"{logto.endpoint}/oidc/token",
        data={"grant_type": "authorization_code", "code": callback_params(callback)["code"]},
        auth=(WEB["id"], WEB["secret"]),
    )
    assert tokens.status_code == 200, tokens.text
    token: str = tokens.json()["access_token"]
    return token


def test_the_etag_package_format() -> None:
    # node: '"' + len.toString(16) + '-' + sha1(entity).base64.substring(0, 27) + '"'
    assert etag(b'{"a":1}', "application/json") == '"7-n4nHQM60bXQYySSnisV5QdXpZSA"'
    assert re.fullmatch(r'"[0-9a-f]+-[A-Za-z0-9+/]{27}"', etag(b"<p>x</p>", "text/html"))


def test_userinfo_etag_and_conditional_get(logto: Running, access_token: str) -> None:
    me = f"{logto.endpoint}/oidc/me"
    auth = {"authorization": f"Bearer {access_token}"}
    first = httpx.get(me, headers=auth)
    assert first.status_code == 200
    tag = first.headers["etag"]
    assert re.fullmatch(r'"[0-9a-f]+-.{27}"', tag)
    again = httpx.get(me, headers={**auth, "if-none-match": tag, "cache-control": "max-age=0"})
    assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", tag)
    assert "content-type" not in again.headers
    weak = httpx.get(me, headers={**auth, "if-none-match": f"W/{tag}"})
    assert weak.status_code == 304
    # A revalidation the client forces (Cache-Control: no-cache) and a stale ETag get the body.
    forced = httpx.get(me, headers={**auth, "if-none-match": tag, "cache-control": "no-cache"})
    assert forced.status_code == 200
    stale = httpx.get(me, headers={**auth, "if-none-match": '"not-the-current-etag"'})
    assert stale.status_code == 200
    assert stale.json()["sub"]
    # POST /oidc/me and errors are never 304; a POST gets no ETag.
    posted = httpx.post(me, headers={**auth, "if-none-match": tag})
    assert posted.status_code == 200
    assert "etag" not in posted.headers
    refused = httpx.get(me, headers={"authorization": "Bearer nope", "if-none-match": "*"})
    assert refused.status_code == 401


def test_security_headers_on_mounted_apps_only(logto: Running) -> None:
    token = httpx.post(f"{logto.endpoint}/oidc/token", data={"grant_type": "refresh_token"})
    api = httpx.get(f"{logto.endpoint}/api/users")
    for response in (token, api):
        assert response.status_code in (400, 401)
        for name, value in BASIC_SECURITY_HEADERS.items():
            assert response.headers[name] == value
        assert "content-security-policy" not in response.headers
        assert "cross-origin-opener-policy" not in response.headers
    assert BASIC_SECURITY_HEADERS["X-Frame-Options"] == "SAMEORIGIN"
    control = httpx.get(f"{logto.endpoint}/__harness/health")
    assert "x-frame-options" not in control.headers


def test_compression_by_accept_encoding(logto: Running) -> None:
    discovery = f"{logto.endpoint}/oidc/.well-known/openid-configuration"
    gzipped = httpx.get(discovery, headers={"accept-encoding": "gzip"})
    assert gzipped.headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in gzipped.headers["vary"]
    assert gzipped.json()["issuer"] == f"{logto.endpoint}/oidc"
    deflated = httpx.get(discovery, headers={"accept-encoding": "gzip;q=0.5, deflate"})
    assert deflated.headers["content-encoding"] == "deflate"
    assert deflated.json()["issuer"]
    for refused in ("identity", "gzip;q=0, deflate;q=0", "br"):
        plain = httpx.get(discovery, headers={"accept-encoding": refused})
        assert "content-encoding" not in plain.headers, refused
    small = httpx.get(f"{logto.endpoint}/oidc/me", headers={"accept-encoding": "gzip"})
    assert "content-encoding" not in small.headers  # under koa-compress's 1024-byte threshold


def test_logout_confirmation_is_logtos_page_for_get_and_form_post(logto: Running) -> None:
    with ExperienceClient(logto.endpoint) as browser:
        browser.start(auth_url(logto, prompt="login"))
        browser.set_event("SignIn")
        browser.identify(browser.verify_password("email", PASSWORD_USER["email"], PASSWORD_USER["password"]))
        redirect_to = browser.submit()
        assert redirect_to is not None
        browser.finish(redirect_to)
        end = f"{logto.endpoint}/oidc/session/end"
        got = browser.http.get(end, params={"state": "s"})
        posted = browser.http.post(end, data={"state": "s"})
        assert got.status_code == posted.status_code == 200

        def normal(text: str) -> str:
            return re.sub(r'name="xsrf" value="[^"]+"', 'name="xsrf" value="x"', text)

        assert normal(got.text) == normal(posted.text)
        assert "etag" in got.headers
        assert "etag" not in posted.headers
        assert "<title>Sign Out</title>" in got.text
        assert """onload="document.getElementById('op.logoutForm').submit();\"""" in got.text
        assert f'<form id="op.logoutForm" method="post" action="{end}/confirm">' in got.text
        assert '<input type="hidden" form="op.logoutForm" value="yes" name="logout" />' in got.text
        xsrf = re.search(r'name="xsrf" value="([^"]+)"', got.text)
        assert xsrf is not None
        confirmed = browser.http.post(f"{end}/confirm", data={"xsrf": xsrf.group(1), "logout": "yes"})
        assert (confirmed.status_code, confirmed.headers["location"]) == (303, f"{end}/success")


@pytest.mark.parametrize(
    ("headers", "query", "message"),
    [
        ({"accept-language": "en"}, "", "You have successfully signed out."),
        ({"accept-language": "de-CH, de;q=0.9"}, "", "Sie haben sich erfolgreich abgemeldet."),
        ({"accept-language": "fr-CA"}, "", "You have successfully signed out."),  # no base-language fallback
        ({"accept-language": "en;q=0.1, pt-br"}, "", "Você saiu com sucesso."),
        ({"accept-language": "de"}, "?locale=ja", "正常にログアウトしました。"),
        ({}, "", "You have successfully signed out."),
    ],
)
def test_the_success_page_is_localized(
    logto: Running, headers: dict[str, str], query: str, message: str
) -> None:
    page = httpx.get(f"{logto.endpoint}/oidc/session/end/success{query}", headers=headers)
    assert page.status_code == 200
    assert "<title>Sign Out</title>" in page.text
    assert message in page.text
