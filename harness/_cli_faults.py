"""``harness faults``, ``harness keys`` and ``harness token --attack``: fault injection on either fake,
signing-key rotation and attack tokens of a running harness, through the harness client.

- ``harness faults add logto --endpoint token --grant-type refresh_token --error invalid_grant --count 1``,
  ``harness faults add mailgun --status 429 --count 1``; ``harness faults list`` / ``clear`` (both fakes,
  or the one named);
- ``harness keys rotate [--drop-previous]``;
- ``harness token --attack expired --resource https://api.example.test`` prints a token a correct API
  must reject (``--json``: with the check it fails on).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any

from ._errors import UsageError as CommandError
from ._logto_faults import ATTACK_KINDS
from ._runfile import locate

FAKES = ("logto", "mailgun")
_LOGTO_ONLY = ("endpoint", "path", "method", "grant_type", "error", "error_description", "code", "drop")
_MAILGUN_ONLY = ("target", "retry_after", "message", "limit")


def _client(args: argparse.Namespace) -> Any:
    from ._client import Client

    mailgun, logto = locate(args.mailgun_url, args.logto_url)
    if not logto:
        raise CommandError("no fake_logto URL known: pass --logto-url")
    return Client(mailgun, logto)


def _spec(args: argparse.Namespace, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(args, name) for name in names if getattr(args, name) not in (None, False)}


def faults(args: argparse.Namespace) -> int:
    with _client(args) as client:
        if args.action == "add":
            common = _spec(args, ("status", "count", "rate", "seed"))
            if args.fake == "logto":
                misplaced = _spec(args, _MAILGUN_ONLY)
                spec = {**common, **_spec(args, _LOGTO_ONLY), "delay_ms": args.delay_ms or 0}
                add: Callable[..., Any] = client.logto.faults.add
            else:
                misplaced = _spec(args, _LOGTO_ONLY)
                spec = {**common, **_spec(args, _MAILGUN_ONLY), "latency_ms": args.delay_ms or 0}
                add = client.faults.mailgun
            if misplaced:
                flags = ", ".join("--" + name.replace("_", "-") for name in misplaced)
                raise CommandError(f"{flags}: not a fault option of fake_{args.fake}")
            print(json.dumps(add(**spec), indent=2))
            return 0
        for fake in [args.fake] if args.fake else FAKES:
            api = client.logto.faults if fake == "logto" else client.faults
            if args.action == "clear":
                api.clear()
                print(f"cleared the faults of fake_{fake}")
            else:
                for item in api.list():
                    print(json.dumps({"fake": fake, **item}))
    return 0


def keys(args: argparse.Namespace) -> int:
    with _client(args) as client:
        print(json.dumps(client.logto.rotate_keys(keep_previous=not args.drop_previous), indent=2))
    return 0


def attack_token(args: argparse.Namespace) -> int:
    with _client(args) as client:
        minted = client.logto.attack_token(args.attack, args.resource, args.scope)
    print(json.dumps(minted, indent=2) if args.json else minted["token"])
    return 0


def add_parsers(commands: Any, with_locate_flags: Callable[[argparse.ArgumentParser], None]) -> None:
    """The ``faults`` and ``keys`` commands (``token --attack`` is an option of ``token``)."""
    faults_parser = commands.add_parser("faults", help="inject faults into fake_logto or fake_mailgun")
    actions = faults_parser.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="add a fault rule")
    add.add_argument("fake", choices=FAKES)
    where = add.add_argument_group("where (logto)")
    where.add_argument("--endpoint", help="token, jwks, userinfo, discovery, authorization, experience, …")
    where.add_argument("--path", help="or a path glob, e.g. '/api/experience/verification/*'")
    where.add_argument("--method", help="only this HTTP method")
    where.add_argument("--grant-type", help="token endpoint: only this grant_type (refresh_token)")
    what = add.add_argument_group("what")
    what.add_argument("--status", type=int, help="an HTTP status (mailgun smtp/delivery: an SMTP code)")
    what.add_argument("--error", help="logto: an OAuth error of an OIDC endpoint (invalid_grant)")
    what.add_argument("--error-description", help="logto: replaces the error's description")
    what.add_argument("--code", help="logto: a Logto error code of an /api route")
    what.add_argument("--drop", action="store_true", help="logto: close the connection, no answer")
    what.add_argument("--delay-ms", type=int, help="logto: hold on the tenant clock; mailgun: latency")
    what.add_argument("--target", choices=["api", "smtp", "delivery"], help="mailgun: where")
    what.add_argument("--retry-after", type=int, help="mailgun: Retry-After of a 429")
    what.add_argument("--message", help="mailgun: the error text")
    what.add_argument("--limit", choices=["request", "recipient", "bytes"], help="mailgun: a 429's limit")
    when = add.add_argument_group("how often (default: every request until cleared)")
    when.add_argument("--count", type=int, help="the next N requests")
    when.add_argument("--rate", type=float, help="a fraction of the requests")
    when.add_argument("--seed", type=int, help="seed a rate rule's random choice")
    for name in ("list", "clear"):
        sub = actions.add_parser(name, help=f"{name} the fault rules (of both fakes unless one is named)")
        sub.add_argument("fake", nargs="?", choices=FAKES)
    for sub in actions.choices.values():
        with_locate_flags(sub)
    faults_parser.set_defaults(run=faults)
    keys_parser = commands.add_parser("keys", help="fake_logto's signing keys")
    keys_actions = keys_parser.add_subparsers(dest="action", required=True)
    rotate = keys_actions.add_parser("rotate", help="a new signing key (new kid); the old one kept")
    rotate.add_argument("--drop-previous", action="store_true", help="drop the old key from the JWKS")
    with_locate_flags(rotate)
    keys_parser.set_defaults(run=keys)


def add_attack_option(token: argparse.ArgumentParser) -> None:
    token.add_argument(
        "--attack",
        choices=ATTACK_KINDS,
        help="mint a token a correct API must reject (valid: one it must accept); needs only --resource",
    )
