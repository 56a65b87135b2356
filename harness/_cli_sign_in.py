"""``harness sign-in``: sign a user in to any app over HTTP (:mod:`._sign_in`) and write Playwright's
``storageState`` JSON, for test tools that are not Python (Playwright Test's ``globalSetup``, Cypress,
``curl``). Its flags are :class:`~._sign_in.SignInRequest`'s fields (the endpoint's body keys).

Each hop is said on stderr as it starts; a refusal is one line naming the hop and Logto's error code, and
exit status 1. Exit status 0: signed in; 1: a hop failed; 2: bad flags, or no harness to read mail from.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ._errors import UsageError
from ._sign_in_request import SignInRequest

EXIT_FAILED = 1
EXIT_USAGE = 2


def add_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    with_locate_flags: Callable[[argparse.ArgumentParser], None],
) -> None:
    """The ``sign-in`` subcommand; one flag per :class:`SignInRequest` field."""
    parser = commands.add_parser(
        "sign-in", help="sign a user in to an app over HTTP; write Playwright's storageState"
    )
    for f in dataclasses.fields(SignInRequest):
        flag = "--" + f.name.replace("_", "-")
        help_text = f.metadata["help"]
        if f.type == "bool":
            parser.add_argument(flag, action="store_true", help=help_text)
        elif f.default is dataclasses.MISSING:
            parser.add_argument(flag, required=True, help=help_text)
        else:
            default = f.default
            parser.add_argument(
                flag,
                type=float if f.type == "float" else str,
                default=default,
                help=help_text + (f" (default: {default})" if default is not None else ""),
            )
    parser.add_argument("--storage-state", metavar="FILE", help="write Playwright's storageState JSON here")
    parser.add_argument(
        "--json", action="store_true", help="print the result (cookies in storage_state) as JSON"
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="say nothing on stderr but errors")
    with_locate_flags(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ._client import Client
    from ._runfile import locate, read_run_file
    from ._sign_in import SignInError, sign_in

    if not args.storage_state and not args.json:
        print("harness: `harness sign-in` needs --storage-state FILE, --json, or both", file=sys.stderr)
        return EXIT_USAGE
    names = [f.name for f in dataclasses.fields(SignInRequest)]
    try:
        request = SignInRequest(**{name: getattr(args, name) for name in names})
    except ValueError as exc:
        print(f"harness: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        mailgun, logto = locate(args.mailgun_url, args.logto_url)
        if not args.logto_url:  # the tenant's public endpoint (its issuer), which a single-page app is given
            logto = (read_run_file() or {}).get("logto_endpoint") or logto
    except UsageError as exc:
        print(f"harness: {exc}", file=sys.stderr)
        return EXIT_USAGE

    def say(line: str) -> None:
        if not args.quiet:
            print(f"  {line}", file=sys.stderr, flush=True)

    try:
        with Client(mailgun) as client:
            result = sign_in(request, client.mailbox, say, logto_endpoint=logto)
    except SignInError as exc:
        print(f"harness: {exc}", file=sys.stderr)
        return EXIT_FAILED
    _write(args, result)
    return 0


def _write(args: argparse.Namespace, result: dict[str, Any]) -> None:
    if args.storage_state:
        path = Path(args.storage_state)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(result["storage_state"], indent=2) + "\n")
        if not args.quiet:
            print(f"wrote {path}", file=sys.stderr)
    if args.json:
        print(json.dumps(result, indent=2))
