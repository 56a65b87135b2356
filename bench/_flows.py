"""Whole flows over HTTP: the harness's email-OTP sign-in (``ExperienceClient`` + the mailbox's
server-side wait), and the peers' ways to a refresh token (for the refresh-grant load)."""

from __future__ import annotations

import secrets
import threading
import time
import uuid
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from harness import Client, ExperienceClient, callback_params

SCOPES = "openid offline_access profile email"


def auth_url(info: dict[str, Any]) -> str:
    app = info["app"]
    params = {
        "client_id": app["id"],
        "redirect_uri": app["redirect_uri"],
        "response_type": "code",
        "scope": SCOPES,
        "prompt": "consent",
        "state": secrets.token_urlsafe(8),
    }
    return f"{info['logto_endpoint']}/oidc/auth?{urlencode(params)}"


def exchange(info: dict[str, Any], http: httpx.Client, code: str) -> dict[str, Any]:
    app = info["app"]
    response = http.post(
        f"{info['logto_endpoint']}/oidc/token",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": app["redirect_uri"]},
        auth=(app["id"], app["secret"]),
    )
    if response.status_code != 200:
        raise RuntimeError(f"token endpoint answered {response.status_code}: {response.text[:200]}")
    body: dict[str, Any] = response.json()
    return body


class SignIn:
    """One client's worth of email-OTP sign-ins against a running ``harness up``: a browser-like cookie
    jar (cleared between flows, so every flow is a new browser) and a mailbox client."""

    def __init__(self, info: dict[str, Any]) -> None:
        self.info = info
        self.http = httpx.Client(timeout=30)
        self.harness = Client(info["mailgun_url"], info["logto_url"])

    def close(self) -> None:
        self.http.close()
        self.harness.close()

    def read_code(self, address: str) -> str:
        return self.harness.mailbox.wait_for_code(address, timeout=15)

    def flow(self) -> dict[str, Any]:
        """auth → Experience API (an unknown email registers) → code from the mailbox → token."""
        self.http.cookies.clear()
        email = f"bench-{uuid.uuid4().hex[:16]}@example.test"
        browser = ExperienceClient(self.info["logto_endpoint"], http=self.http)
        callback = browser.email_code_flow(auth_url(self.info), email, self.read_code)
        return exchange(self.info, self.http, callback_params(callback)["code"])


def timed_flows(info: dict[str, Any], count: int) -> list[float]:
    """``count`` sign-ins one after another; each one's seconds."""
    client = SignIn(info)
    try:
        client.flow()  # warm: connections, first-use imports
        times = []
        for _ in range(count):
            started = time.perf_counter()
            client.flow()
            times.append(time.perf_counter() - started)
        return times
    finally:
        client.close()


def concurrent_flows(info: dict[str, Any], total: int, clients: int, time_limit: float = 120) -> float:
    """``total`` sign-ins shared by ``clients`` threads; flows per second."""
    workers = [SignIn(info) for _ in range(clients)]
    remaining = [total]
    lock = threading.Lock()
    errors: list[BaseException] = []
    deadline = time.monotonic() + time_limit
    done = [0]

    def work(client: SignIn) -> None:
        try:
            while time.monotonic() < deadline:
                with lock:
                    if remaining[0] <= 0:
                        return
                    remaining[0] -= 1
                client.flow()
                with lock:
                    done[0] += 1
        except BaseException as exc:  # reported below
            errors.append(exc)

    try:
        for client in workers:
            client.flow()  # warm
        threads = [threading.Thread(target=work, args=(c,)) for c in workers]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(time_limit + 30)
        seconds = time.perf_counter() - started
    finally:
        for client in workers:
            client.close()
    if errors:
        raise RuntimeError(f"a concurrent sign-in failed: {errors[0]!r}") from errors[0]
    return done[0] / seconds


def harness_refresh_token(info: dict[str, Any]) -> str:
    client = SignIn(info)
    try:
        return str(client.flow()["refresh_token"])
    finally:
        client.close()


def oidc_provider_mock_refresh_token(base: str) -> str:
    """oidc-provider-mock: its authorization form (POST ``sub``) → code → token."""
    redirect = "http://localhost/callback"
    query = urlencode(
        {"client_id": "bench", "redirect_uri": redirect, "response_type": "code", "scope": "openid"}
    )
    with httpx.Client(timeout=30) as http:
        answer = http.post(f"{base}/oauth2/authorize?{query}", data={"sub": "bench"})
        if answer.status_code not in (302, 303):
            raise RuntimeError(f"oidc-provider-mock authorize answered {answer.status_code}")
        code = parse_qs(urlsplit(answer.headers["location"]).query)["code"][0]
        token = http.post(
            f"{base}/oauth2/token",
            data={"grant_type": "authorization_code", "code": code, "redirect_uri": redirect},
            auth=("bench", "secret"),
        )
        if token.status_code != 200 or "refresh_token" not in token.json():
            raise RuntimeError(f"oidc-provider-mock token answered {token.status_code}: {token.text[:200]}")
        return str(token.json()["refresh_token"])
