"""OIDC figures against a running ``harness up`` and the OIDC peers: the email-OTP sign-in over HTTP
(latency and rate), the token endpoint's refresh grant, discovery and JWKS rates, and the ES384 floor."""

from __future__ import annotations

import contextlib
import time
from urllib.parse import urlencode

from . import _flows
from ._figures import (
    DISCOVERY,
    ES384,
    JWKS,
    SIGNIN_P50,
    SIGNIN_P99,
    SIGNIN_RATE,
    TOKEN_REFRESH,
    Plan,
    absent,
    rotated,
    say,
)
from ._load import http_load, http_request
from ._proc import LOOPBACK
from ._report import Row
from ._stats import percentile
from ._subjects import Live, Subject


def sign_in(plan: Plan, harness: Live) -> list[Row]:
    p50: list[float] = []
    p99: list[float] = []
    rates: list[float] = []
    for run in range(plan.runs):
        say(f"email-OTP sign-in over HTTP, run {run + 1}/{plan.runs}")
        times = [t * 1000 for t in _flows.timed_flows(harness.info, plan.flows_latency)]
        p50.append(percentile(times, 50))
        p99.append(percentile(times, 99))
        rates.append(_flows.concurrent_flows(harness.info, plan.flows_rate, plan.clients))
    subject = "harness up (ExperienceClient + mailbox wait)"
    return [
        Row(SIGNIN_P50, subject, "ms", False, p50, harness=True, note=f"{plan.flows_latency} flows per run"),
        Row(SIGNIN_P99, subject, "ms", False, p99, harness=True, note=f"{plan.flows_latency} flows per run"),
        Row(
            SIGNIN_RATE,
            f"harness up, {plan.clients} clients",
            "flows/s",
            True,
            rates,
            harness=True,
            note=f"{plan.flows_rate} flows per run",
        ),
    ]


# --- token, discovery, JWKS ---------------------------------------------------------------------------
def _refresh_source(name: str, live: Live) -> bytes:
    form: dict[str, str]
    if name == "harness up":
        token = _flows.harness_refresh_token(live.info)
        app = live.info["app"]
        form, auth = {"grant_type": "refresh_token", "refresh_token": token}, (app["id"], app["secret"])
    elif name == "oidc-provider-mock":
        token = _flows.oidc_provider_mock_refresh_token(f"http://{LOOPBACK}:{live.http_port}")
        form, auth = {"grant_type": "refresh_token", "refresh_token": token}, ("bench", "secret")
    else:  # oauth2-mock-server takes any refresh token
        form, auth = {"grant_type": "refresh_token", "refresh_token": "bench"}, ("bench", "secret")
    return http_request(
        "POST",
        live.paths["token"],
        live.http_port,
        body=urlencode(form).encode(),
        content_type="application/x-www-form-urlencoded",
        basic=auth,
    )


def oidc_rates(plan: Plan, subjects: dict[str, Subject], harness: Live) -> list[Row]:
    names = ["harness up", "oauth2-mock-server", "oidc-provider-mock"]
    figures = [(DISCOVERY, "discovery"), (JWKS, "jwks"), (TOKEN_REFRESH, "token")]
    rates: dict[tuple[str, str], list[float]] = {}
    with contextlib.ExitStack() as stack:
        lives: dict[str, Live] = {"harness up": harness}
        for name in names[1:]:
            start = subjects[name].start
            if start is not None:
                lives[name] = stack.enter_context(start())
        sources = {}
        for name, live in lives.items():
            sources[(name, "token")] = _refresh_source(name, live)
            for _, key in figures[:2]:
                sources[(name, key)] = http_request("GET", live.paths[key], live.http_port)
        present = [subjects[n] for n in names if n in lives]
        for run in range(plan.runs):
            say(f"discovery / JWKS / refresh-grant requests per second, run {run + 1}/{plan.runs}")
            for _, key in figures:
                for subject in rotated(present, run):
                    live = lives[subject.name]
                    result = http_load(
                        live.http_port,
                        sources[(subject.name, key)],
                        plan.http_requests,
                        plan.http_concurrency,
                    ).check(f"{subject.name} {key}")
                    rates.setdefault((subject.name, key), []).append(result.rate)
    rows = []
    for figure, key in figures:
        for name in names:
            subject = subjects[name]
            label = "fake_logto (in harness up)" if name == "harness up" else subject.label
            if (name, key) not in rates:
                rows.append(absent(figure, subject, "req/s", True))
                continue
            note = ""
            if key == "token":
                note = {
                    "harness up": "opaque access token + ES384 ID token",
                    "oauth2-mock-server": "RS256 JWT access token + ID token; any refresh token accepted",
                    "oidc-provider-mock": "opaque access token only, no ID token on refresh",
                }[name]
            rows.append(
                Row(figure, label, "req/s", True, rates[(name, key)], harness=name == "harness up", note=note)
            )
    return rows


def es384(plan: Plan) -> list[Row]:
    from fake_logto import SigningKey

    key = SigningKey.generate()
    now = int(time.time())
    claims = {
        "iss": "http://localhost:3001/oidc",
        "sub": "u1234567890a",
        "aud": "bookstore",
        "exp": now + 3600,
        "iat": now,
        "auth_time": now,
        "at_hash": "x" * 22,
        "email": "someone@example.test",
        "email_verified": True,
    }
    samples = []
    for _ in range(plan.runs):
        started = time.perf_counter()
        for _ in range(plan.sign_tokens):
            key.sign(claims)
        samples.append((time.perf_counter() - started) / plan.sign_tokens * 1e6)
    return [Row(ES384, "joserfc, P-384 (fake_logto's signing key)", "µs", False, samples, harness=True)]
