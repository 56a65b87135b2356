"""Every figure of the benchmark, each a function from the plan (and the subjects) to report rows.

Subjects of one figure are measured in interleaved rounds (round 1: every subject, round 2: every subject
in a rotated order, …), so the paired ratios compare runs that shared the machine's state at that time.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import time
import uuid
from dataclasses import dataclass
from urllib.parse import urlencode

from . import _flows
from ._load import LoadResult, http_load, http_request, read_response, smtp_load
from ._proc import LOOPBACK
from ._report import Row
from ._stats import percentile
from ._subjects import HARNESS, Live, Subject

# Figure names: the rows of the table, in order (tests/test_bench.py checks every one is there).
COLD_DISCOVERY = "Cold start: process → discovery answering"
COLD_HARNESS = "Cold start: `harness up` → both fakes healthy"
COLD_MAIL = "Cold start: mail side (HTTP API + SMTP answering)"
SIGNIN_P50 = "Email-OTP sign-in over HTTP, 1 client: p50"
SIGNIN_P99 = "Email-OTP sign-in over HTTP, 1 client: p99"
SIGNIN_RATE = "Email-OTP sign-in over HTTP, concurrent clients"
TOKEN_REFRESH = "Token endpoint, refresh grant"
DISCOVERY = "Discovery document"
JWKS = "JWKS"
ES384 = "ES384 signature per token (joserfc): the floor"
MAIL_API = "Mail intake: HTTP send API"
MAIL_SMTP = "Mail intake: SMTP"
MAIL_API_CPU = "Mail intake: HTTP send API, server CPU per message"
MAIL_SMTP_CPU = "Mail intake: SMTP, server CPU per message"
WAIT = "Wait API: send → waiter woken, p50"
BROWSER = "Browser: register → sign-in → sign-out (headless Chromium)"
E2E_1 = "e2e suite, -n 1"
E2E_4 = "e2e suite, -n 4"
MEMORY_IDLE = "Memory: peak RSS, idle"
MEMORY_LOADED = "Memory: peak RSS after {n} SMTP messages"

FIGURES = (
    COLD_DISCOVERY,
    COLD_HARNESS,
    COLD_MAIL,
    SIGNIN_P50,
    SIGNIN_P99,
    SIGNIN_RATE,
    TOKEN_REFRESH,
    DISCOVERY,
    JWKS,
    ES384,
    MAIL_API,
    MAIL_SMTP,
    MAIL_API_CPU,
    MAIL_SMTP_CPU,
    WAIT,
    BROWSER,
    E2E_1,
    E2E_4,
    MEMORY_IDLE,
    MEMORY_LOADED,
)

MAILGUN_DOMAIN = "mg.example.test"
MAILGUN_AUTH = ("api", "key-harness")


@dataclass(frozen=True)
class Plan:
    quick: bool
    rounds: int  # cold-start rounds
    runs: int  # runs of every throughput / latency figure
    http_requests: int  # per run, per subject
    http_concurrency: int
    flows_latency: int  # sign-ins per latency run
    flows_rate: int  # sign-ins per throughput run
    clients: int
    mail_messages: int  # per intake run, per subject
    mail_concurrency: int
    wait_iterations: int
    sign_tokens: int
    memory_messages: int
    memory_runs: int
    browser_tests: int

    @classmethod
    def make(cls, quick: bool) -> Plan:
        if quick:
            return cls(True, 1, 2, 200, 8, 8, 12, 4, 200, 4, 10, 200, 500, 1, 0)
        return cls(False, 5, 5, 2000, 8, 60, 120, 4, 2000, 4, 100, 2000, 10_000, 2, 5)


def say(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def _rotated(items: list[Subject], round_index: int) -> list[Subject]:
    shift = round_index % len(items) if items else 0
    return items[shift:] + items[:shift]


def _absent(figure: str, subject: Subject, unit: str, higher: bool) -> Row:
    return Row(figure, subject.label, unit, higher, status=subject.missing or "not available")


# --- cold start and idle memory ----------------------------------------------------------------------
def cold_start(plan: Plan, subjects: dict[str, Subject]) -> list[Row]:
    groups = [
        (COLD_DISCOVERY, ["fake_logto", "oauth2-mock-server", "oidc-provider-mock"]),
        (COLD_HARNESS, ["harness up"]),
        (COLD_MAIL, ["fake_mailgun", "maildev", "Mailpit"]),
    ]
    order = [subjects[name] for _, names in groups for name in names]
    startable = [s for s in order if s.start is not None]
    cold: dict[str, list[float]] = {s.name: [] for s in order}
    rss: dict[str, list[float]] = {s.name: [] for s in order}
    for round_index in range(plan.rounds):
        say(f"cold start, round {round_index + 1}/{plan.rounds}")
        for subject in _rotated(startable, round_index):
            assert subject.start is not None
            with subject.start() as live:
                cold[subject.name].append(live.cold_start_ms)
                rss[subject.name].append(live.proc.peak_rss_mib())
    rows: list[Row] = []
    for figure, names in groups:
        for name in names:
            subject = subjects[name]
            if subject.start is None:
                rows.append(_absent(figure, subject, "ms", False))
            else:
                rows.append(
                    Row(figure, subject.label, "ms", False, cold[name], harness=subject.role == HARNESS)
                )
    versus = {
        "harness up": None,
        "fake_logto": None,
        "fake_mailgun": None,
        "oauth2-mock-server": "fake_logto",
        "oidc-provider-mock": "fake_logto",
        "maildev": "fake_mailgun",
        "Mailpit": "fake_mailgun",
    }
    for name in [
        "harness up",
        "fake_logto",
        "fake_mailgun",
        "oauth2-mock-server",
        "oidc-provider-mock",
        "maildev",
        "Mailpit",
    ]:
        subject = subjects[name]
        if subject.start is None:
            rows.append(_absent(MEMORY_IDLE, subject, "MiB", False))
        else:
            rows.append(
                Row(
                    MEMORY_IDLE,
                    subject.label,
                    "MiB",
                    False,
                    rss[name],
                    harness=subject.role == HARNESS,
                    versus=versus[name],
                )
            )
    return rows


# --- sign-in over HTTP ---------------------------------------------------------------------------------
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
                for subject in _rotated(present, run):
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
                rows.append(_absent(figure, subject, "req/s", True))
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
    from fake_logto._keys import SigningKey

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


# --- mail intake --------------------------------------------------------------------------------------
def _mailgun_send(port: int, to: str) -> bytes:
    form = {
        "from": f"Bench <bench@{MAILGUN_DOMAIN}>",
        "to": to,
        "subject": "123456 is your sign-in code",
        "text": "Your sign-in code is 123456.",
    }
    return http_request(
        "POST",
        f"/v3/{MAILGUN_DOMAIN}/messages",
        port,
        body=urlencode(form).encode(),
        content_type="application/x-www-form-urlencoded",
        basic=MAILGUN_AUTH,
    )


def _mailpit_send(port: int) -> bytes:
    body = {
        "From": {"Email": "bench@example.test", "Name": "Bench"},
        "To": [{"Email": "user@example.test"}],
        "Subject": "123456 is your sign-in code",
        "Text": "Your sign-in code is 123456.",
    }
    return http_request(
        "POST", "/api/v1/send", port, body=json.dumps(body).encode(), content_type="application/json"
    )


def mail(plan: Plan, subjects: dict[str, Subject]) -> list[Row]:
    names = ["fake_mailgun", "Mailpit", "maildev"]
    api: dict[str, list[float]] = {}
    smtp: dict[str, list[float]] = {}
    api_cpu: dict[str, list[float]] = {}
    smtp_cpu: dict[str, list[float]] = {}
    wake: list[float] = []
    with contextlib.ExitStack() as stack:
        lives: dict[str, Live] = {}
        for name in names:
            start = subjects[name].start
            if start is not None:
                lives[name] = stack.enter_context(start())
        present = [subjects[n] for n in names if n in lives]
        for run in range(plan.runs):
            say(f"mail intake (HTTP API, SMTP, wait API), run {run + 1}/{plan.runs}")
            for subject in _rotated(present, run):
                live = lives[subject.name]
                source = None
                if subject.name == "fake_mailgun":
                    source = _mailgun_send(live.http_port, "user@example.test")
                elif subject.name == "Mailpit":
                    source = _mailpit_send(live.http_port)
                if source is not None:
                    cpu = live.proc.cpu_seconds()
                    result = http_load(live.http_port, source, plan.mail_messages, plan.mail_concurrency)
                    api.setdefault(subject.name, []).append(result.check(f"{subject.name} send API").rate)
                    api_cpu.setdefault(subject.name, []).append(_per(live.proc.cpu_seconds() - cpu, result))
                assert live.smtp_port is not None
                cpu = live.proc.cpu_seconds()
                result = smtp_load(live.smtp_port, plan.mail_messages, plan.mail_concurrency)
                smtp.setdefault(subject.name, []).append(result.check(f"{subject.name} SMTP").rate)
                smtp_cpu.setdefault(subject.name, []).append(_per(live.proc.cpu_seconds() - cpu, result))
            wake.append(percentile(wait_latencies(lives["fake_mailgun"].http_port, plan.wait_iterations), 50))
    rows = []
    for name in names:
        subject = subjects[name]
        label = {
            "fake_mailgun": "fake_mailgun (Mailgun API)",
            "Mailpit": f"{subject.label} (its own /api/v1/send)",
        }
        if name == "maildev":
            rows.append(
                Row(MAIL_API, subject.label, "sends/s", True, status="n/a: maildev has no HTTP send API")
            )
        elif name in api:
            rows.append(
                Row(MAIL_API, label[name], "sends/s", True, api[name], harness=name == "fake_mailgun")
            )
        else:
            rows.append(_absent(MAIL_API, subject, "sends/s", True))
    for name in names:
        subject = subjects[name]
        if name in smtp:
            rows.append(
                Row(MAIL_SMTP, subject.label, "msg/s", True, smtp[name], harness=name == "fake_mailgun")
            )
        else:
            rows.append(_absent(MAIL_SMTP, subject, "msg/s", True))
    for figure, found in ((MAIL_API_CPU, api_cpu), (MAIL_SMTP_CPU, smtp_cpu)):
        for name in names:
            subject = subjects[name]
            if name in found:
                rows.append(
                    Row(figure, subject.label, "µs", False, found[name], harness=name == "fake_mailgun")
                )
            elif name == "maildev" and figure == MAIL_API_CPU:
                rows.append(
                    Row(figure, subject.label, "µs", False, status="n/a: maildev has no HTTP send API")
                )
            else:
                rows.append(_absent(figure, subject, "µs", False))
    rows.append(
        Row(
            WAIT,
            "fake_mailgun /__harness/messages/wait",
            "ms",
            False,
            wake,
            harness=True,
            note=f"{plan.wait_iterations} sends per run; from the send request to the parked waiter's answer",
        )
    )
    for name in ("Mailpit", "maildev"):
        rows.append(
            Row(
                WAIT,
                subjects[name].label,
                "ms",
                False,
                status="n/a: no server-side wait (tests poll its API)",
            )
        )
    return rows


def _per(cpu_seconds: float, result: LoadResult) -> float:
    """Microseconds of server CPU per completed message."""
    return cpu_seconds / max(result.done, 1) * 1e6


def wait_latencies(port: int, iterations: int) -> list[float]:
    """Milliseconds from issuing a Mailgun API send to the answer of a waiter parked for that address.

    The waiter is parked first (its request written, then a health request on the sender's connection
    answered: an event barrier, no sleep), so each sample is the wake-up path, not an immediate hit."""

    async def main() -> list[float]:
        waiter_reader, waiter_writer = await asyncio.open_connection(LOOPBACK, port)
        sender_reader, sender_writer = await asyncio.open_connection(LOOPBACK, port)
        health = http_request("GET", "/__harness/health", port)
        samples = []
        try:
            for _ in range(iterations):
                to = f"wait-{uuid.uuid4().hex[:12]}@example.test"
                waiter_writer.write(http_request("GET", f"/__harness/messages/wait?to={to}&timeout=10", port))
                await waiter_writer.drain()
                sender_writer.write(health)
                await read_response(sender_reader)
                started = time.perf_counter()
                sender_writer.write(_mailgun_send(port, to))
                status, body, _ = await read_response(sender_reader)
                if status != 200:
                    raise RuntimeError(f"send answered {status}: {body[:200]!r}")
                status, body, _ = await read_response(waiter_reader)
                woken = time.perf_counter()
                if status != 200 or to.encode() not in body:
                    raise RuntimeError(f"waiter answered {status}: {body[:200]!r}")
                samples.append((woken - started) * 1000)
        finally:
            waiter_writer.close()
            sender_writer.close()
        return samples

    return asyncio.run(main())


# --- memory under load --------------------------------------------------------------------------------
def memory_loaded(plan: Plan, subjects: dict[str, Subject]) -> list[Row]:
    figure = MEMORY_LOADED.format(n=f"{plan.memory_messages:,}".replace(",", " "))
    names = ["harness up", "fake_mailgun", "maildev", "Mailpit"]
    present = [subjects[n] for n in names if subjects[n].start is not None]
    if plan.quick:  # the harness as users run it, once
        present = [subjects["harness up"]]
    peaks: dict[str, list[float]] = {}
    for run in range(plan.memory_runs):
        say(f"peak RSS after {plan.memory_messages} SMTP messages, run {run + 1}/{plan.memory_runs}")
        for subject in _rotated(present, run):
            assert subject.start is not None
            with subject.start() as live:
                assert live.smtp_port is not None
                smtp_load(live.smtp_port, plan.memory_messages, plan.mail_concurrency).check(subject.name)
                peaks.setdefault(subject.name, []).append(live.proc.peak_rss_mib())
    rows = []
    for name in names:
        subject = subjects[name]
        if name not in peaks:
            if plan.quick and subject.start is not None:
                rows.append(Row(figure, subject.label, "MiB", False, status="not run (--quick)"))
            else:
                rows.append(_absent(figure, subject, "MiB", False))
            continue
        versus = None if subject.role == HARNESS else "fake_mailgun"
        rows.append(
            Row(
                figure,
                subject.label,
                "MiB",
                False,
                peaks[name],
                harness=subject.role == HARNESS,
                versus=versus,
            )
        )
    return rows
