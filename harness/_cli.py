"""The ``harness`` command.

``harness up`` starts the fakes and prints where they answer (``--json``: one JSON object once healthy);
``harness mail`` reads the mailbox of a running harness through fake_mailgun's control API.
The sample apps join ``up`` as they land.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import signal
import sys
import threading
from collections.abc import Sequence
from typing import Any

import httpx

from fake_logto import ConfigError, TenantConfig, load_config
from fake_logto import Settings as LogtoSettings
from fake_logto import serve_in_thread as serve_logto
from fake_logto._config import DEFAULT_MAILGUN_ENDPOINT, Connector
from fake_mailgun import PortInUse, Settings, serve_in_thread

RUN_ENV = "HARNESS_MAILGUN_URL"


def _tenant_config(path: str | None, mailgun_url: str) -> TenantConfig:
    """The tenant, its Mailgun connector pointed at this harness's fake_mailgun unless told otherwise."""
    config = load_config(path)
    connector = config.connector
    if connector is not None and connector.kind == "mailgun":
        endpoint = connector.config.get("endpoint")
        if endpoint in (None, DEFAULT_MAILGUN_ENDPOINT):
            retargeted = {**connector.config, "endpoint": f"{mailgun_url}/.mailgun.net"}
            config = dataclasses.replace(config, connector=Connector(kind="mailgun", config=retargeted))
    return config


def _up(args: argparse.Namespace) -> int:
    settings = Settings(host=args.host, port=args.mailgun_port, smtp_port=args.smtp_port)
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        with serve_in_thread(settings) as mailgun:
            config = _tenant_config(args.config, mailgun.url)
            logto_settings = LogtoSettings(host=args.host, port=args.logto_port, endpoint=args.endpoint or "")
            with serve_logto(logto_settings, config=config) as logto:
                app = config.applications[0]
                connector = config.connector.config if config.connector else {}
                info: dict[str, Any] = {
                    "logto_endpoint": logto.endpoint,
                    "mailgun_url": mailgun.url,
                    "smtp": {"host": mailgun.host, "port": mailgun.smtp_port},
                    "inbox_url": mailgun.url + "/",
                    "debug_url": logto.endpoint + "/__harness/",
                    "app": {
                        "id": app.id,
                        "secret": app.secret,
                        "redirect_uri": app.redirect_uris[0] if app.redirect_uris else None,
                        "post_logout_redirect_uri": (
                            app.post_logout_redirect_uris[0] if app.post_logout_redirect_uris else None
                        ),
                    },
                    "app_url": None,
                    "env": {
                        "LOGTO_ENDPOINT": logto.endpoint,
                        "LOGTO_APP_ID": app.id,
                        "LOGTO_APP_SECRET": app.secret,
                        "MAILGUN_API_URL": mailgun.url,
                        "MAILGUN_DOMAIN": connector.get("domain", settings.domains[0]),
                        "MAILGUN_API_KEY": connector.get("apiKey", settings.api_key),
                        "SMTP_HOST": mailgun.host,
                        "SMTP_PORT": str(mailgun.smtp_port),
                    },
                }
                if args.json:
                    print(json.dumps(info), flush=True)
                else:
                    _table(info)
                stop.wait()
    except PortInUse as exc:
        print(f"harness: {exc.strerror}; pick another port or stop what is using it", file=sys.stderr)
        return 1
    except ConfigError as exc:
        print(f"harness: invalid config: {exc}", file=sys.stderr)
        return 2
    if not args.json:
        print("stopped.", file=sys.stderr)
    return 0


def _table(info: dict[str, Any]) -> None:
    rows = [
        ("Logto endpoint", info["logto_endpoint"]),
        ("App id / secret", f"{info['app']['id']} / {info['app']['secret']}"),
        ("Redirect URI", info["app"]["redirect_uri"]),
        ("Mailgun API", info["mailgun_url"]),
        ("Inbox UI", info["inbox_url"]),
        ("SMTP", f"{info['smtp']['host']}:{info['smtp']['port']}"),
        ("Mailbox API", info["mailgun_url"] + "/__harness/messages"),
    ]
    width = max(len(name) for name, _ in rows)
    print("logto-harness is up\n")
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")
    print("\nEnvironment for your app:\n")
    for key, value in info["env"].items():
        print(f"  export {key}={value}")
    print("\nPress Ctrl-C to stop.", flush=True)


def _mail(args: argparse.Namespace) -> int:
    base = args.mailgun_url or os.environ.get(RUN_ENV) or "http://127.0.0.1:5080"
    with httpx.Client(base_url=base, timeout=args.timeout + 10) as client:
        try:
            if args.action == "list":
                response = client.get("/__harness/messages", params={"to": args.address, "limit": args.limit})
            elif args.action == "show":
                response = client.get("/__harness/messages/latest", params={"to": args.address})
            else:
                print(
                    f"waiting up to {args.timeout:g} s for a message to {args.address}…",
                    file=sys.stderr,
                    flush=True,
                )
                params = {"to": args.address, "timeout": args.timeout}
                if args.after:
                    params["after"] = args.after
                response = client.get("/__harness/messages/wait", params=params)
        except httpx.HTTPError as exc:
            print(f"harness: cannot reach fake_mailgun at {base}: {exc}", file=sys.stderr)
            return 2
    if response.status_code != 200:
        print(f"harness: {response.json().get('message', response.text)}", file=sys.stderr)
        return 1
    body = response.json()
    if args.action == "code":
        if body.get("code") is None:
            print(f"harness: message {body['id']} has no code (subject {body['subject']!r})", file=sys.stderr)
            return 1
        print(body["code"])
    elif args.action == "list":
        for item in body["items"]:
            print(f"{item['id']:>6}  {item['received_at']}  {item['code'] or '-':>8}  {item['subject']}")
        print(f"{body['total']} message(s)", file=sys.stderr)
    else:
        print(json.dumps(body, indent=2))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="harness", description="Local Logto + Mailgun for sign-in tests.")
    commands = parser.add_subparsers(dest="command", required=True)
    up = commands.add_parser("up", help="start the fakes and print their URLs")
    up.add_argument("--host", default="127.0.0.1", help="bind address (loopback by default)")
    up.add_argument("--config", help="tenant config (TOML); default: the seed's Bookstore tenant")
    up.add_argument("--logto-port", type=int, default=3001, help="fake_logto port (0: any free)")
    up.add_argument("--endpoint", help="fake_logto's public URL (default: http://localhost:PORT)")
    up.add_argument("--mailgun-port", type=int, default=5080, help="fake_mailgun HTTP port (0: any free)")
    up.add_argument("--smtp-port", type=int, default=2525, help="SMTP capture port (0: any free)")
    up.add_argument("--json", action="store_true", help="print one JSON object once healthy")
    up.set_defaults(run=_up)
    mail = commands.add_parser("mail", help="read the mailbox of a running harness")
    mail.add_argument("action", choices=["list", "show", "wait", "code"])
    mail.add_argument("address", nargs="?", help="recipient address")
    mail.add_argument("--after", help="only messages newer than this id (wait, code)")
    mail.add_argument("--timeout", type=float, default=30.0, help="seconds to wait (wait, code)")
    mail.add_argument("--limit", type=int, default=20)
    mail.add_argument("--mailgun-url", help=f"fake_mailgun URL [env {RUN_ENV}]")
    mail.set_defaults(run=_mail)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result: int = args.run(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
