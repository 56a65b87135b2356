"""The ``harness`` command.

``harness up`` starts the fakes and a sample app (``--app python|go|spa|none``) and prints where they answer
(``--json``: one JSON object once healthy); its settings flags are generated from ``HarnessConfig``
(``harness._config.OPTIONS``), each also a ``HARNESS_*`` env var and a harness.toml key: a flag wins over
the env var, the env var over the file, the file over the default. ``harness mail`` reads the mailbox of
a running harness through fake_mailgun's control API; ``harness users`` lists, adds and deletes users
through Logto's Management API, with the tenant's M2M app (``[management]``); ``harness sign-in`` signs a
user in to an app over HTTP (:mod:`._cli_sign_in`). ``harness faults``, ``harness keys rotate`` and
``harness token --attack`` are in :mod:`harness._cli_faults`.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fake_mailgun import paths as mailgun_paths
from fakekit import PortInUse, SettingError

from ._apps import FAKES_ONLY, apps_installed
from ._cli_api import token as _token
from ._cli_api import users as _users
from ._cli_faults import add_attack_option
from ._cli_faults import add_parsers as add_fault_parsers
from ._cli_sign_in import add_parser as add_sign_in_parser
from ._config import OPTIONS, STARTER, load_harness_config, settings_from_env
from ._doctor import run_checks
from ._errors import AppError, ConfigError, HarnessError
from ._errors import UsageError as CommandError
from ._harness import start_harness
from ._runfile import locate, read_run_file, run_file, run_file_path


def _up(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        # flag > env > file > default
        config = load_harness_config(args.config)
        from_env = settings_from_env()
        given = {**from_env, **OPTIONS.from_args(args)}
        config = config.with_settings(**given)
        app = config.app.kind
        if "app_kind" not in given and app != "none" and not apps_installed():
            # A wheel installed outside a checkout has no sample apps: the fakes alone still serve.
            print(f"harness: {FAKES_ONLY}", file=sys.stderr, flush=True)
            app = "none"
        if not args.json:
            also = f" and the {app} sample app" if app != "none" else ""
            print(f"starting fake_mailgun, fake_logto{also}…", file=sys.stderr, flush=True)
        # Said aloud (on stderr, with --json too), since a setting in a shell's environment is easily
        # forgotten.
        for opt in (opt for opt in OPTIONS if opt.name in from_env):
            shown = f"{opt.env(OPTIONS.prefix)}={opt.shown(from_env[opt.name])}"
            print(f"  from the environment: {shown}", file=sys.stderr, flush=True)
        with start_harness(
            config, free_ports=args.ports == "free", app=app, app_output=sys.stderr
        ) as harness:
            info = harness.info()
            with run_file(info):
                if args.json:
                    print(json.dumps(info), flush=True)
                else:
                    _table(info, time.perf_counter() - started)
                stop.wait()
    except PortInUse as exc:
        print(
            f"harness: {exc.strerror}; pick another port (or --ports free) or stop what uses it",
            file=sys.stderr,
        )
        return 1
    except (ConfigError, SettingError) as exc:
        print(f"harness: invalid config: {exc}", file=sys.stderr)
        return 2
    except AppError as exc:
        print(f"harness: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # e.g. an address this machine does not have
        print(f"harness: cannot start: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except RuntimeError as exc:  # a fake failed while starting (run_in_thread): say why, in one line
        cause = exc.__cause__
        print(
            f"harness: {exc}: {type(cause).__name__}: {cause}" if cause else f"harness: {exc}",
            file=sys.stderr,
        )
        return 1
    if not args.json:
        print("stopped.", file=sys.stderr)
    return 0


def _table(info: dict[str, Any], seconds: float) -> None:
    rows = [
        ("App", info["app_url"] or "none (--app python|go|spa starts a sample app)"),
        ("Logto endpoint", info["logto_endpoint"]),
        ("App id / secret", f"{info['app']['id']} / {info['app']['secret'] or '(none: a public client)'}"),
        ("Redirect URI", info["app"]["redirect_uri"]),
        ("Mailgun API", info["mailgun_url"]),
        ("Inbox UI", info["inbox_url"]),
        ("SMTP", f"{info['smtp']['host']}:{info['smtp']['port']}" if info["smtp"]["port"] else "off"),
        ("Mailbox API", info["mailgun_url"] + mailgun_paths.MAILBOX),
        ("Debug view", info["debug_url"]),
        ("Sign-in endpoint", f"POST {info['sign_in_url']} (or harness sign-in)"),
        ("Management API", _management_row(info)),
    ]
    width = max(len(name) for name, _ in rows)
    print(f"logto-harness is up ({seconds:.1f} s)\n")
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")
    print("\nEnvironment for your app:\n")
    for key, value in info["env"].items():
        print(f"  export {key}={value}")
    print("\nPress Ctrl-C to stop.", flush=True)


def _management_row(info: dict[str, Any]) -> str:
    management = info.get("management")
    if not management:
        return "no M2M app ([management] app_id is empty)"
    return f"{info['logto_endpoint']}/api (M2M app {management['app_id']} / {management['app_secret']})"


def _locate(args: argparse.Namespace) -> tuple[str, str | None]:
    return locate(args.mailgun_url, args.logto_url)


def _mail(args: argparse.Namespace) -> int:
    from ._client import Client
    from ._operations import code_of

    mailgun, logto = _locate(args)
    with Client(mailgun, logto) as client:
        if args.action == "list":
            for item in client.mailbox.messages(args.address, args.limit):
                print(
                    f"{item['id']:>6}  {item['received_at']}  {', '.join(item['to'])}  {item['code'] or '-':>8}  {item['subject']}"
                )
            return 0
        if args.address is None:
            raise CommandError(f"`harness mail {args.action}` needs an address")
        if args.action == "show":
            message = client.mailbox.latest(args.address)
            if message is None:
                raise CommandError(f"no message to {args.address}")
            print(json.dumps(message, indent=2))
            return 0
        print(
            f"waiting up to {args.timeout:g} s for a message to {args.address}…", file=sys.stderr, flush=True
        )
        found = client.mailbox.wait_for_message(args.address, args.after, args.timeout)
        print(code_of(found) if args.action == "code" else json.dumps(found, indent=2))
    return 0


def _env(args: argparse.Namespace) -> int:
    run = read_run_file()
    if run is None:
        raise CommandError(f"no running harness found ({run_file_path()}): start `harness up` first")
    if args.json:
        print(json.dumps(run["env"]))
    else:
        for key, value in run["env"].items():
            print(f"export {key}={value}")
    return 0


def _init(args: argparse.Namespace) -> int:
    path = Path(args.path)
    if path.exists() and not args.force:
        raise CommandError(f"{path} exists (use --force to overwrite)")
    path.write_text(STARTER)
    print(f"wrote {path}: start the harness with `harness up --config {path}`", file=sys.stderr)
    return 0


def _doctor(args: argparse.Namespace) -> int:
    results = run_checks(args.config)
    for check in results:
        print(
            f"  {'ok ' if check.ok else 'FAIL' if check.required else 'warn'}  {check.name:<22} {check.detail}"
        )
    failed = [c for c in results if c.required and not c.ok]
    print(f"\n{len(failed)} problem(s)" if failed else "\nall good", file=sys.stderr)
    return 1 if failed else 0


def _event_line(event: dict[str, Any]) -> str:
    data = event["data"]
    detail = data.get("error") or data.get("step") or data.get("usage_type") or data.get("grant_type") or ""
    when = time.strftime("%H:%M:%S", time.localtime(event["at"]))
    return f"{when}  {event['kind']:<26} {event['email'] or '-':<30} {event['client_id'] or '-':<16} {detail}"


def _events(args: argparse.Namespace) -> int:
    """The debug view's events; ``--follow`` keeps printing new ones (server-side wait) until Ctrl-C."""
    from ._client import Client

    mailgun, logto = _locate(args)
    if not logto:
        raise CommandError("no fake_logto URL known: pass --logto-url")
    after, first = 0, True
    with Client(mailgun, logto) as client:
        while first or args.follow:
            items = client.logto.events() if first else client.logto.wait_for_events(after, timeout=25)
            first = False
            for event in items:
                after = max(after, event["id"])
                if _matches(event, args):
                    print(json.dumps(event) if args.json else _event_line(event), flush=True)
    return 0


def _matches(event: dict[str, Any], args: argparse.Namespace) -> bool:
    return (not args.email or (event["email"] or "").lower() == args.email.lower()) and (
        not args.client or event["client_id"] == args.client
    )


def _with_locate_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--mailgun-url", help="fake_mailgun URL [env HARNESS_MAILGUN_URL; default: the run file]"
    )
    parser.add_argument(
        "--logto-url",
        "--logto-endpoint",
        dest="logto_url",
        help="fake_logto URL [env HARNESS_LOGTO_URL; default: the run file]",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="harness", description="Local Logto + Mailgun for sign-in tests.")
    commands = parser.add_subparsers(dest="command", required=True)
    up = commands.add_parser("up", help="start the fakes and print their URLs")
    up.add_argument(
        "--config",
        help="harness.toml (default: the seed's Bookstore tenant) [env HARNESS_CONFIG]",
        default=os.environ.get("HARNESS_CONFIG"),
    )
    up.add_argument(
        "--ports", choices=["config", "free"], default="config", help="free: any free port for every service"
    )
    settings = up.add_argument_group(
        "settings",
        "each also an env var and a harness.toml key; a flag wins over the env var, the env "
        "var over the file, the file over the default",
    )
    OPTIONS.add_to(settings, where="harness.toml")
    up.add_argument("--json", action="store_true", help="print one JSON object once healthy")
    up.set_defaults(run=_up)
    mail = commands.add_parser("mail", help="read the mailbox of a running harness")
    mail.add_argument("action", choices=["list", "show", "wait", "code"])
    mail.add_argument("address", nargs="?", help="recipient address")
    mail.add_argument("--after", help="only messages newer than this id (wait, code)")
    mail.add_argument("--timeout", type=float, default=30.0, help="seconds to wait (wait, code)")
    mail.add_argument("--limit", type=int, default=20)
    _with_locate_flags(mail)
    mail.set_defaults(run=_mail)
    users = commands.add_parser("users", help="list, add or delete users of the running tenant")
    users_actions = users.add_subparsers(dest="action", required=True)
    users_list = users_actions.add_parser("list")
    users_add = users_actions.add_parser("add")
    users_add.add_argument("--email")
    users_add.add_argument("--username")
    users_add.add_argument("--password")
    users_add.add_argument("--name")
    users_delete = users_actions.add_parser("delete")
    users_delete.add_argument("user_id")
    for sub in (users_list, users_add, users_delete):
        _with_locate_flags(sub)
        sub.add_argument(
            "--m2m-app-id",
            help="the Management API's M2M app [env LOGTO_M2M_APP_ID; default: the run file's]",
        )
        sub.add_argument("--m2m-app-secret", help="its secret [env LOGTO_M2M_APP_SECRET]")
    users.set_defaults(run=_users)
    token = commands.add_parser("token", help="mint an API access token (client_credentials, or --attack)")
    token.add_argument("--resource", required=True, help="API resource indicator")
    token.add_argument("--scope", help="space-separated scopes (default: all of the resource's)")
    token.add_argument("--app-id", help="an M2M application's id (required without --attack)")
    token.add_argument("--app-secret", help="its secret")
    add_attack_option(token)
    token.add_argument("--json", action="store_true", help="print the whole token response")
    _with_locate_flags(token)
    token.set_defaults(run=_token)
    add_sign_in_parser(commands, _with_locate_flags)
    add_fault_parsers(commands, _with_locate_flags)
    env = commands.add_parser("env", help="print the env vars an app needs (of the running harness)")
    env.add_argument("--json", action="store_true")
    env.set_defaults(run=_env)
    events = commands.add_parser("events", help="the auth-flow events of the debug view")
    events.add_argument("--follow", "-f", action="store_true", help="keep printing new events until Ctrl-C")
    events.add_argument("--email", help="only events of flows involving this email")
    events.add_argument("--client", help="only this application's events")
    events.add_argument("--json", action="store_true", help="one JSON object per line")
    _with_locate_flags(events)
    events.set_defaults(run=_events)
    init = commands.add_parser("init", help="write a commented starter harness.toml")
    init.add_argument("path", nargs="?", default="harness.toml")
    init.add_argument("--force", action="store_true")
    init.set_defaults(run=_init)
    doctor = commands.add_parser("doctor", help="check Python, Chromium, ports and config")
    doctor.add_argument("--config", default=os.environ.get("HARNESS_CONFIG"))
    doctor.set_defaults(run=_doctor)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Ctrl-C must stop `events --follow` and `mail wait` even when SIGINT was inherited as ignored (a parent
    # such as an xdist worker or nohup), in which case Python installs no KeyboardInterrupt handler itself.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        result: int = args.run(args)
    except KeyboardInterrupt:
        return 0
    except (CommandError, HarnessError) as exc:
        print(f"harness: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:
        if not _unreachable(exc):
            raise
        print(f"harness: cannot reach the harness: {exc}", file=sys.stderr)
        return 2
    return result


def _unreachable(exc: Exception) -> bool:
    """A connection failure of httpx (imported here: commands that talk HTTP load it themselves, and
    ``harness up`` should not wait for it before starting the app)."""
    import httpx

    return isinstance(exc, httpx.TransportError)


if __name__ == "__main__":
    sys.exit(main())
