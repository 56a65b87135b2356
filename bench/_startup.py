"""Figures of a process's life: cold start (spawn to answering) with the idle peak RSS it leaves, and the
peak RSS after a load of SMTP messages."""

from __future__ import annotations

from ._figures import (
    COLD_DISCOVERY,
    COLD_HARNESS,
    COLD_MAIL,
    MEMORY_IDLE,
    MEMORY_LOADED,
    Plan,
    absent,
    rotated,
    say,
)
from ._load import smtp_load
from ._report import Row
from ._subjects import HARNESS, Subject


def cold_start(plan: Plan, subjects: dict[str, Subject]) -> list[Row]:
    groups = [
        (COLD_DISCOVERY, ["fake_logto", "oauth2-mock-server", "oidc-provider-mock"]),
        (COLD_HARNESS, ["harness up", "harness up + Python app"]),
        (COLD_MAIL, ["fake_mailgun", "maildev", "Mailpit"]),
    ]
    order = [subjects[name] for _, names in groups for name in names]
    startable = [s for s in order if s.start is not None]
    cold: dict[str, list[float]] = {s.name: [] for s in order}
    rss: dict[str, list[float]] = {s.name: [] for s in order}
    for round_index in range(plan.rounds):
        say(f"cold start, round {round_index + 1}/{plan.rounds}")
        for subject in rotated(startable, round_index):
            assert subject.start is not None
            with subject.start() as live:
                cold[subject.name].append(live.cold_start_ms)
                rss[subject.name].append(live.proc.peak_rss_mib())
    rows: list[Row] = []
    for figure, names in groups:
        for name in names:
            subject = subjects[name]
            if subject.start is None:
                rows.append(absent(figure, subject, "ms", False))
            else:
                rows.append(
                    Row(figure, subject.label, "ms", False, cold[name], harness=subject.role == HARNESS)
                )
    versus = {
        "harness up": None,
        "harness up + Python app": None,
        "fake_logto": None,
        "fake_mailgun": None,
        "oauth2-mock-server": "fake_logto",
        "oidc-provider-mock": "fake_logto",
        "maildev": "fake_mailgun",
        "Mailpit": "fake_mailgun",
    }
    for name in [
        "harness up",
        "harness up + Python app",
        "fake_logto",
        "fake_mailgun",
        "oauth2-mock-server",
        "oidc-provider-mock",
        "maildev",
        "Mailpit",
    ]:
        subject = subjects[name]
        if subject.start is None:
            rows.append(absent(MEMORY_IDLE, subject, "MiB", False))
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


def memory_loaded(plan: Plan, subjects: dict[str, Subject]) -> list[Row]:
    figure = MEMORY_LOADED.format(n=f"{plan.memory_messages:,}".replace(",", " "))
    names = ["harness up", "fake_mailgun", "maildev", "Mailpit"]
    present = [subjects[n] for n in names if subjects[n].start is not None]
    if plan.quick:  # the harness as users run it, once
        present = [subjects["harness up"]]
    peaks: dict[str, list[float]] = {}
    for run in range(plan.memory_runs):
        say(f"peak RSS after {plan.memory_messages} SMTP messages, run {run + 1}/{plan.memory_runs}")
        for subject in rotated(present, run):
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
                rows.append(absent(figure, subject, "MiB", False))
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
