"""``python -m bench [--quick] [--output PATH]``: run every figure, print the table, write the report.

The full run writes the committed report, ``docs/benchmarks.md``; a quick run writes
``.bench-cache/quick.md`` (never committed) unless ``--output`` says where."""

from __future__ import annotations

import argparse
import compileall
import datetime
import os
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from . import _figures, _machine, _mail, _oidc, _peers, _profile, _startup, _suite
from ._browser import browser_tests, harness_with_app
from ._figures import FIGURES, Plan, say
from ._report import Row, compare, table
from ._subjects import Subject, harness_subjects, harness_up, peer_subjects

QUICK_SKIP = "not run (--quick measures the harness alone)"
FINDINGS = Path(__file__).with_name("findings.md")
REPORT = _peers.ROOT / "docs" / "benchmarks.md"  # the full run's, committed
QUICK_REPORT = _peers.CACHE / "quick.md"  # a quick run's numbers must not replace the full report


def _guard(figures: Sequence[str], section: Callable[[], list[Row]]) -> list[Row]:
    """Run one section; if it fails, its figures say so (the rest of the run goes on)."""
    try:
        return section()
    except Exception as exc:
        traceback.print_exc()
        reason = f"failed: {type(exc).__name__}: {str(exc).splitlines()[0][:160] if str(exc) else ''}"
        return [Row(figure, "harness", "", False, status=reason) for figure in figures]


def _browser_rows(plan: Plan) -> list[Row]:
    if plan.quick:
        return [Row(_figures.BROWSER, "harness up + Chromium", "s", False, status=QUICK_SKIP)]
    say(f"browser: {plan.browser_tests} tests in headless Chromium")
    try:
        with harness_with_app() as live:
            times, launch = browser_tests(live.info, plan.browser_tests)
    except Exception as exc:
        first = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
        return [
            Row(
                _figures.BROWSER,
                "harness up + Chromium",
                "s",
                False,
                status=f"pending: the sign-in pages could not be driven yet ({first})",
            )
        ]
    return [
        Row(
            _figures.BROWSER,
            "harness up + Chromium, per test",
            "s",
            False,
            times,
            harness=True,
            note=f"browser launch once per session: {launch:.2f} s, not included",
        )
    ]


def _suite_rows(plan: Plan) -> list[Row]:
    paths = _suite.suite_paths()
    figures = [(_figures.E2E_1, 1), (_figures.E2E_4, 4)]
    if not paths:
        status = "pending: no e2e suite in the tree yet (tests/e2e*)"
        return [Row(figure, "pytest", "s", False, status=status) for figure, _ in figures]
    if plan.quick:
        return [Row(figure, "pytest", "s", False, status=QUICK_SKIP) for figure, _ in figures]
    rows = []
    for figure, workers in figures:
        samples, notes = [], []
        for run in range(2):
            say(f"e2e suite at -n {workers}, run {run + 1}/2")
            seconds, summary = _suite.run_suite(paths, workers)
            samples.append(seconds)
            notes.append(summary)
        rows.append(
            Row(figure, f"pytest -n {workers}", "s", False, samples, harness=True, note="; ".join(notes))
        )
    return rows


def _order(row: Row) -> int:
    for index, figure in enumerate(FIGURES):
        if row.figure == figure or (
            figure.endswith("{n} SMTP messages") and row.figure.startswith(figure[:24])
        ):
            return index
    return len(FIGURES)


def measure(plan: Plan, subjects: dict[str, Subject]) -> list[Row]:
    rows: list[Row] = []
    rows += _guard(
        [_figures.COLD_DISCOVERY, _figures.COLD_HARNESS, _figures.COLD_MAIL, _figures.MEMORY_IDLE],
        lambda: _startup.cold_start(plan, subjects),
    )

    def with_harness() -> list[Row]:
        with harness_up() as live:
            found = _oidc.sign_in(plan, live)
            found += _guard(
                [_figures.TOKEN_REFRESH, _figures.DISCOVERY, _figures.JWKS],
                lambda: _oidc.oidc_rates(plan, subjects, live),
            )
            return found

    rows += _guard(
        [
            _figures.SIGNIN_P50,
            _figures.SIGNIN_P99,
            _figures.SIGNIN_RATE,
            _figures.TOKEN_REFRESH,
            _figures.DISCOVERY,
            _figures.JWKS,
        ],
        with_harness,
    )
    rows += _guard([_figures.ES384], lambda: _oidc.es384(plan))
    rows += _guard(
        [_figures.MAIL_API, _figures.MAIL_SMTP, _figures.MAIL_API_CPU, _figures.MAIL_SMTP_CPU, _figures.WAIT],
        lambda: _mail.mail(plan, subjects),
    )
    rows += _guard([_figures.BROWSER], lambda: _browser_rows(plan))
    rows += _guard([_figures.E2E_1, _figures.E2E_4], lambda: _suite_rows(plan))
    loaded = _figures.MEMORY_LOADED.format(n=plan.memory_messages)
    rows += _guard([loaded], lambda: _startup.memory_loaded(plan, subjects))
    rows.sort(key=_order)
    compare(rows)
    return rows


def behind(rows: list[Row]) -> dict[str, list[str]]:
    """Peers ahead of the harness on cold start and mail intake: {figure: [peer, …]}."""
    watched = (
        _figures.COLD_DISCOVERY,
        _figures.COLD_HARNESS,
        _figures.COLD_MAIL,
        _figures.MAIL_API,
        _figures.MAIL_SMTP,
        _figures.MAIL_API_CPU,
        _figures.MAIL_SMTP_CPU,
    )
    found: dict[str, list[str]] = {}
    for row in rows:
        if row.figure in watched and row.ratio is not None and row.ratio < 1:
            found.setdefault(row.figure, []).append(f"{row.subject} ({row.ratio:.2f}x)")
    return found


def render(
    plan: Plan,
    rows: list[Row],
    subjects: dict[str, Subject],
    machine: list[tuple[str, str]],
    profiles: list[_profile.Profile | _peers.Missing],
    lagging: dict[str, list[str]],
    seconds: float,
) -> str:
    today = datetime.date.today().isoformat()
    mode = "quick (`--quick`: the harness alone, fewer runs)" if plan.quick else "full"
    out = [
        "# Benchmarks",
        "",
        f"Generated by `python -m bench` ({mode}) on {today}; the run took {seconds:.0f} s.",
        "Rerun from the repository root:",
        "",
        "```sh",
        "python -m bench            # everything, peers side by side (installs them into .bench-cache/)",
        "python -m bench --quick    # the harness alone, under a minute, no installs (to .bench-cache/quick.md)",
        "```",
        "",
        "## Machine",
        "",
        *[f"- {name}: {value}" for name, value in machine],
        "",
        "## Results",
        "",
        "Median of several runs, with the spread (min-max) over those runs. Subjects of one figure were run in",
        "interleaved rounds (every subject once per round, the order rotated), so each **harness advantage** is",
        "the median, over those paired rounds, of how many times better the harness did than that peer in the",
        "same round: above 1 the harness is ahead, below 1 the peer is. A ratio marked *vs X* compares with that",
        "harness row of the figure.",
        "",
        table(rows),
        "",
        "### What each figure measures",
        "",
        *_explanations(plan),
        "",
    ]
    notes = [row for row in rows if row.note]
    if notes:
        out += ["### Notes on rows", ""]
        out += [f"- {row.figure} — {row.subject}: {row.note}" for row in notes]
        out.append("")
    out += [
        "## Peers",
        "",
        "Installed by the bench into `.bench-cache/` (never committed); each listens on 127.0.0.1 only.",
        "",
    ]
    for subject in subjects.values():
        if subject.role != "peer":
            continue
        if subject.start is None:
            out.append(f"- **{subject.name}**: {subject.missing}")
        else:
            out.append(f"- **{subject.label}**: `{subject.how}`")
    out += ["", *_peer_flags(), ""]
    gaps = [row for row in rows if row.status is not None]
    if gaps:
        out += ["## Gaps", "", "Rows without a number, and why:", ""]
        out += [f"- {row.figure} — {row.subject}: {row.status}" for row in gaps]
        out.append("")
    out += ["## Where the harness is behind, and why", ""]
    if plan.quick:
        out += ["Not assessed in quick mode (no peers).", ""]
    elif not lagging:
        out += ["On this run the harness is ahead of every peer on cold start and mail intake.", ""]
    else:
        out += ["Peers ahead of the harness on this run:", ""]
        out += [f"- {figure}: {', '.join(peers)}" for figure, peers in lagging.items()]
        out.append("")
        if FINDINGS.exists():
            out += [FINDINGS.read_text().strip(), ""]
    for found in profiles:
        if isinstance(found, _peers.Missing):
            out += [f"A profile could not be taken: {found.reason}", ""]
            continue
        out += [f"### Profile: {found.title}", "", f"{found.what}.", "", "```text", found.text, "```", ""]
    return "\n".join(out).rstrip() + "\n"


def _explanations(plan: Plan) -> list[str]:
    return [
        f"- **Cold start**: from spawning the process to its discovery document (OIDC) or its HTTP API *and* SMTP "
        f"greeting (mail) answering 200/220 on 127.0.0.1; `harness up` until Logto discovery, the Mailgun API's "
        f"health and SMTP all answer (`--app none`; *+ Python app*: `--app python`, whose JSON line waits for the "
        f"sample app too, so that row includes the app's own start). Each start waits for the process's readiness line, then connect-retries "
        f"with a bound. {plan.rounds} rounds.",
        f"- **Email-OTP sign-in over HTTP**: `harness.ExperienceClient` from `/oidc/auth` through the Experience API "
        f"(an unknown email registers), the code read through the mailbox's server-side wait, to the code exchange "
        f"at `/oidc/token`; a new cookie jar per flow. p50/p99 over {plan.flows_latency} flows one after another "
        f"per run (at that count p99 is close to the slowest flow); flows/s with {plan.clients} client threads sharing {plan.flows_rate} flows per run. The clients "
        f"run in the bench's process, on the same 2 cores as the server.",
        f"- **Token / discovery / JWKS**: {plan.http_requests} requests per run over {plan.http_concurrency} "
        f"keep-alive connections from a raw-socket asyncio load generator (the same one for every subject). The "
        f"refresh grant reuses one refresh token (none of the three rotates it for a confidential client).",
        f"- **ES384 floor**: `SigningKey.sign` of fake_logto (joserfc, P-384) on an ID token's claims, "
        f"{plan.sign_tokens} signatures per run, in the bench's process: no token endpoint that signs one ID token "
        f"per response can beat 1 / this.",
        f"- **Mail intake**: {plan.mail_messages} messages per run over {plan.mail_concurrency} connections. HTTP: "
        f"the Mailgun API `POST /v3/<domain>/messages` (form) for fake_mailgun, Mailpit's own `POST /api/v1/send` "
        f"(JSON); SMTP: one message after another per session (MAIL, RCPT, DATA; no pipelining), as mailers send. "
        f"*Server CPU per message* is the server process's user + system CPU time (all threads, from /proc) over "
        f"the run divided by the messages: it holds still when the load generator, not the server, is the limit, "
        f"and when other work shares the machine.",
        f"- **Wait API**: a waiter parked on `GET /__harness/messages/wait?to=…` (its request sent, then a health "
        f"request answered on the other connection as a barrier), then a Mailgun API send to that address; "
        f"milliseconds from issuing the send to the waiter's answer. p50 of {plan.wait_iterations} per run.",
        "- **Browser**: Playwright (sync) driving Debian's Chromium headless through fake_logto's sign-in pages: "
        "register by email code, sign out, sign in with a new code, sign out; a fresh browser context per test, "
        "a stand-in app on 127.0.0.1 answering the redirect URIs.",
        "- **e2e suite**: wall time of `pytest tests/e2e* -n N`.",
        f"- **Memory**: peak RSS (VmHWM) of the one process; idle = at readiness in the cold-start runs; loaded = "
        f"after {plan.memory_messages} SMTP messages ({plan.mail_concurrency} sessions). `harness up` holds both "
        f"fakes in one process, so the OIDC peers compare with fake_logto alone and the mail peers with "
        f"fake_mailgun alone.",
    ]


def _peer_flags() -> list[str]:
    return [
        "Flags used: oauth2-mock-server `-a 127.0.0.1 -p 0`; oidc-provider-mock `-H 127.0.0.1 -p 0`; maildev "
        "`--ip 127.0.0.1 --web-ip 127.0.0.1 -s PORT -w PORT` (in-memory store); Mailpit `--listen 127.0.0.1:PORT "
        "--smtp 127.0.0.1:PORT --database <tmp>/mailpit.db --max 0 --disable-version-check --smtp-disable-rdns` "
        "(`--max 0` keeps every message, as the harness does; its default prunes to 500).",
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="the harness alone, fewer runs, under a minute")
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help=f"where to write the report (default: {REPORT.relative_to(_peers.ROOT)}; with --quick, "
        f"{QUICK_REPORT.relative_to(_peers.ROOT)})",
    )
    args = parser.parse_args(argv)
    output: Path = args.output or (QUICK_REPORT if args.quick else REPORT)
    started = time.perf_counter()
    # As an installed wheel has them (pip compiles on install): bytecode for the project's packages, else
    # under PYTHONDONTWRITEBYTECODE every cold start would measure compiling them.
    for package in ("fakekit", "fake_logto", "fake_mailgun", "harness"):
        compileall.compile_dir(_peers.ROOT / package, quiet=1)
    plan = Plan.make(args.quick)
    machine = _machine.describe()
    subjects = {**harness_subjects(), **peer_subjects(install=not args.quick, skipped_reason=QUICK_SKIP)}
    rows = measure(plan, subjects)
    lagging = {} if plan.quick else behind(rows)
    profiles: list[_profile.Profile | _peers.Missing] = []
    if lagging:
        say("a peer is ahead: profiling the harness (pyinstrument)")
        if any(f.startswith("Cold start") for f in lagging):
            profiles.append(_profile.startup())
        if any(f.startswith("Mail intake") for f in lagging):
            profiles.append(_profile.mail_intake(min(plan.mail_messages, 1000)))
    seconds = time.perf_counter() - started
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    machine.append(("Load average at the end (1, 5, 15 min)", load))
    report = render(plan, rows, subjects, machine, profiles, lagging, seconds)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(report)
    print(table(rows))
    print(f"\nwrote {output} ({seconds:.0f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
