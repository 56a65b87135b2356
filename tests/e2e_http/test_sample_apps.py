"""The sample apps (``e2e/apps/go``: the Logto tutorial's gin app; ``e2e/apps/python``: its FastAPI port),
each a real process started by ``start_harness(…, app=…)``, driven over HTTP as a browser drives them:
one cookie jar for the app and fake_logto, the sign-in pages' Experience API calls made by
:class:`ExperienceClient` on that same client. No browser yet: the Playwright suites come with the pages.
"""

from __future__ import annotations

import html
import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
import pytest

from harness import load_harness_config
from harness._experience import ExperienceClient
from harness._harness import Harness, start_harness

APPS = ["python", "go"]


@pytest.fixture(scope="module", params=APPS)
def running(request: pytest.FixtureRequest) -> Iterator[Harness]:
    """A harness on free ports with the sample app ``request.param`` started against it."""
    with start_harness(load_harness_config(None), free_ports=True, app=request.param) as harness:
        yield harness


class Form(HTMLParser):
    """The first form of a page: its action and its inputs' values."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self._done = False
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "form" and self.action is None:
            self.action = values.get("action", "")
        elif tag == "input" and self.action is not None and not self._done and "name" in values:
            self.fields[values["name"]] = values.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._done = True


def tables(page: str) -> dict[str, dict[str, str]]:
    """The profile page's tables (``id-token-claims``, ``userinfo``): claim → the text shown."""
    found = {}
    for table_id, body in re.findall(r'<table id="([^"]+)">(.*?)</table>', page, re.S):
        rows = re.findall(r"<tr><th>(.*?)</th><td>(.*?)</td></tr>", body, re.S)
        found[table_id] = {html.unescape(k): html.unescape(v) for k, v in rows}
    return found


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


class Visitor:
    """One browser: a cookie jar shared by the app and fake_logto (both on host "localhost")."""

    def __init__(self, harness: Harness) -> None:
        assert harness.app_url is not None
        self.harness = harness
        self.app = harness.app_url
        self.http = httpx.Client(timeout=30)
        self.experience = ExperienceClient(harness.logto_endpoint, http=self.http)
        self.last_message: str | None = None

    def close(self) -> None:
        self.http.close()

    def page(self, path: str) -> httpx.Response:
        return self.http.get(self.app + path, follow_redirects=True)

    def to_logto(self, path: str) -> str:
        """GET an app route that sends the browser to Logto; returns the authorization URL."""
        response = self.http.get(self.app + path, follow_redirects=False)
        assert response.status_code == 307, response.text
        location = response.headers["location"]
        assert location.startswith(self.harness.logto_endpoint + "/oidc/auth?"), location
        params = query(location)
        assert params["client_id"] == self.harness.tenant.applications[0].id
        assert params["redirect_uri"] == self.app + "/callback"
        return str(location)

    def code(self, email: str) -> str:
        """The code of the next email to ``email`` (newer than the last one read)."""
        message = self.harness.client.mailbox.wait_for_message(email, after=self.last_message)
        self.last_message = message["id"]
        return str(message["code"])

    def by_email_code(self, authorization_url: str, email: str, event: str) -> httpx.Response:
        """The sign-in page's steps, from the authorization URL to the app's home page after its callback."""
        self.experience.start(authorization_url)
        assert self.experience.landing is not None
        assert urlsplit(self.experience.landing).path == ("/register" if event == "Register" else "/sign-in")
        self.experience.set_event(event)
        verification_id = self.experience.send_code(email, event)
        self.experience.verify_code(email, verification_id, self.code(email))
        self.experience.identify(verification_id)
        redirect_to = self.experience.submit()
        assert redirect_to is not None
        callback = self.experience.finish(redirect_to)
        assert callback.startswith(self.app + "/callback?"), callback
        home = self.http.get(callback, follow_redirects=True)
        assert home.status_code == 200, home.text
        assert str(home.url) == self.app + "/"
        return home

    def register(self, email: str) -> httpx.Response:
        return self.by_email_code(self.to_logto("/register"), email, "Register")

    def sign_out(self) -> httpx.Response:
        """The app's /sign-out → Logto's end-session page → its form, posted → back on the app."""
        response = self.http.get(self.app + "/sign-out", follow_redirects=False)
        assert response.status_code == 307, response.text
        end_session = response.headers["location"]
        assert end_session.startswith(self.harness.logto_endpoint + "/oidc/session/end?"), end_session
        assert query(end_session)["post_logout_redirect_uri"] == self.app
        confirm = self.http.get(end_session)
        assert confirm.status_code == 200, confirm.text
        form = Form(confirm.text)
        assert form.action, confirm.text
        done = self.http.post(urljoin(str(confirm.url), form.action), data=form.fields)
        assert done.status_code == 303, done.text
        assert done.headers["location"] == self.app
        return self.page("/")


@pytest.fixture
def visitor(running: Harness) -> Iterator[Visitor]:
    visitor = Visitor(running)
    yield visitor
    visitor.close()


def test_register_profile_sign_out_and_sign_in_again(
    running: Harness, visitor: Visitor, email_address: str
) -> None:
    assert "You are not signed in." in visitor.page("/").text

    home = visitor.register(email_address)
    assert "You are signed in." in home.text
    assert f'<span id="email">{email_address}</span>' in home.text

    profile = visitor.page("/profile")
    assert profile.status_code == 200
    shown = tables(profile.text)
    claims, userinfo = shown["id-token-claims"], shown["userinfo"]
    (user,) = [u for u in running.client.logto.users.list() if u["primaryEmail"] == email_address]
    assert claims["sub"] == userinfo["sub"] == user["id"]
    assert claims["email"] == userinfo["email"] == email_address
    assert claims["email_verified"] == userinfo["email_verified"] == "true"
    assert claims["aud"] == running.tenant.applications[0].id
    assert claims["iss"] == running.logto_endpoint + "/oidc"
    assert 'id="userinfo-note"' not in profile.text, "a fresh access token needs no refresh"

    home = visitor.sign_out()
    assert "You are not signed in." in home.text
    assert visitor.page("/profile").status_code == 401, "the app's session has no tokens left"
    assert "_session" not in visitor.http.cookies, "the Logto session's cookie is gone"

    # Signing in again goes through the sign-in page (no silent SSO) and asks for a new code.
    authorization_url = visitor.to_logto("/sign-in")
    home = visitor.by_email_code(authorization_url, email_address, "SignIn")
    assert f'<span id="email">{email_address}</span>' in home.text
    assert tables(visitor.page("/profile").text)["id-token-claims"]["sub"] == user["id"]


def test_two_visitors_have_their_own_sessions(running: Harness, email_address: str) -> None:
    alice, bob = Visitor(running), Visitor(running)
    try:
        alice.register(email_address)
        assert "You are signed in." in alice.page("/").text
        assert "You are not signed in." in bob.page("/").text
        assert bob.page("/profile").status_code == 401
    finally:
        alice.close()
        bob.close()


def test_profile_refreshes_the_access_token_once_logto_expired_it(
    running: Harness, visitor: Visitor, email_address: str
) -> None:
    visitor.register(email_address)
    before = tables(visitor.page("/profile").text)["userinfo"]
    # The access token (1 h) expires on Logto's clock; the app's SDK still holds it as valid by its own.
    running.client.logto.advance_clock(3700)
    profile = visitor.page("/profile")
    assert profile.status_code == 200
    assert "The access token was rejected: refreshed it and retried." in profile.text
    after = tables(profile.text)["userinfo"]
    assert after["sub"] == before["sub"]
    assert after["email"] == email_address
    # The refreshed token is cached: the next call uses it without another refresh.
    assert 'id="userinfo-note"' not in visitor.page("/profile").text


@pytest.mark.parametrize("app", APPS)
def test_harness_up_starts_the_app_on_a_free_port(app: str, tmp_path: Path) -> None:
    env = {**os.environ, "HARNESS_RUN_FILE": str(tmp_path / "run.json")}
    command = [sys.executable, "-m", "harness", "up", "--app", app, "--ports", "free", "--json"]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line, proc.communicate(timeout=30)[1]
        info = json.loads(line)
        app_url = info["app_url"]
        assert re.fullmatch(r"http://localhost:\d+", app_url), app_url
        assert app_url != "http://localhost:3000"
        assert info["app"]["redirect_uri"] == app_url + "/callback"
        assert info["app"]["post_logout_redirect_uri"] == app_url
        with httpx.Client(timeout=30) as http:
            assert "You are not signed in." in http.get(app_url + "/").text
            sign_in = http.get(app_url + "/sign-in")
            assert sign_in.status_code == 307
            location = sign_in.headers["location"]
            assert location.startswith(info["logto_endpoint"] + "/oidc/auth?")
            assert query(location)["redirect_uri"] == app_url + "/callback"
            to_page = http.get(location)  # the harness's Logto accepts the app's redirect URI
            assert to_page.status_code == 303, to_page.text
            assert urlsplit(to_page.headers["location"]).path == "/sign-in"
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=30)
        assert proc.returncode == 0, err
        assert f"[{app} app] bookstore listening on {app_url}" in err
        with pytest.raises(httpx.ConnectError), httpx.Client(timeout=5) as http:
            http.get(app_url + "/")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate(timeout=10)
