"""The figures of the benchmark — their names, in the table's order — and the plan of a run (how many
rounds, requests and messages), with the helpers every figure module shares.

The figures themselves live by role: ``_startup`` (cold start, memory), ``_oidc`` (sign-in, token,
discovery, JWKS, the signature floor), ``_mail`` (mail intake, the wait API). Subjects of one figure are
measured in interleaved rounds (round 1: every subject, round 2: every subject in a rotated order, …), so
the paired ratios compare runs that shared the machine's state at that time.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from ._report import Row
from ._subjects import Subject

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


def rotated(items: list[Subject], round_index: int) -> list[Subject]:
    """``items`` started at ``round_index``: each round starts with another subject."""
    shift = round_index % len(items) if items else 0
    return items[shift:] + items[:shift]


def absent(figure: str, subject: Subject, unit: str, higher: bool) -> Row:
    """The row of a subject that could not be run, saying why."""
    return Row(figure, subject.label, unit, higher, status=subject.missing or "not available")
