"""Mail figures: intake over each subject's HTTP send API and over SMTP (rate and server CPU per message),
and the wait API's wake-up latency (fake_mailgun's server-side wait; the peers have none)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from urllib.parse import urlencode

from ._figures import (
    MAIL_API,
    MAIL_API_CPU,
    MAIL_SMTP,
    MAIL_SMTP_CPU,
    WAIT,
    Plan,
    absent,
    rotated,
    say,
)
from ._load import LoadResult, http_load, http_request, read_response, smtp_load
from ._proc import LOOPBACK
from ._report import Row
from ._stats import percentile
from ._subjects import Live, Subject

MAILGUN_DOMAIN = "mg.example.test"
MAILGUN_AUTH = ("api", "key-harness")


def mailgun_send(port: int, to: str) -> bytes:
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


def mailpit_send(port: int) -> bytes:
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
            for subject in rotated(present, run):
                live = lives[subject.name]
                source = None
                if subject.name == "fake_mailgun":
                    source = mailgun_send(live.http_port, "user@example.test")
                elif subject.name == "Mailpit":
                    source = mailpit_send(live.http_port)
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
            rows.append(absent(MAIL_API, subject, "sends/s", True))
    for name in names:
        subject = subjects[name]
        if name in smtp:
            rows.append(
                Row(MAIL_SMTP, subject.label, "msg/s", True, smtp[name], harness=name == "fake_mailgun")
            )
        else:
            rows.append(absent(MAIL_SMTP, subject, "msg/s", True))
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
                rows.append(absent(figure, subject, "µs", False))
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
                sender_writer.write(mailgun_send(port, to))
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
