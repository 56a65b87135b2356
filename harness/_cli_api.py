"""``harness users`` and ``harness token``: the commands that call the running tenant's APIs — the
Management API (``/api/users``, with the tenant's M2M app, ``[management]``) and the token endpoint."""

from __future__ import annotations

import argparse
import json
import os
import sys

from ._errors import UsageError as CommandError
from ._runfile import locate, read_run_file

USERS_PAGE = 100  # Logto's largest page_size (koa-pagination's maxPageSize)


def management_app(args: argparse.Namespace) -> tuple[str, str]:
    """The Management API's M2M app: flags, then env (what ``harness env`` exports), then the run file,
    then the ``[management]`` defaults."""
    from ._management import ManagementSettings

    run = (read_run_file() or {}).get("management") or {}
    default = ManagementSettings()
    app_id = args.m2m_app_id or os.environ.get("LOGTO_M2M_APP_ID") or run.get("app_id") or default.app_id
    secret = (
        args.m2m_app_secret
        or os.environ.get("LOGTO_M2M_APP_SECRET")
        or run.get("app_secret")
        or default.app_secret
    )
    return str(app_id), str(secret)


def users(args: argparse.Namespace) -> int:
    """Through Logto's Management API (``/api/users``), with the tenant's M2M app's token."""
    from ._client import Client

    mailgun, logto = locate(args.mailgun_url, args.logto_url)
    with Client(mailgun, logto, management_app=management_app(args)) as client:
        users = client.management.users
        if args.action == "list":
            page = 1
            while True:
                found = users.list(page=page, page_size=USERS_PAGE)
                for user in found:
                    print(
                        f"{user['id']}  {user['primaryEmail'] or '-'}  {user['username'] or '-'}  {user['name'] or ''}"
                    )
                if len(found) < USERS_PAGE:
                    break
                page += 1
        elif args.action == "add":
            profile = {
                "primaryEmail": args.email,
                "username": args.username,
                "password": args.password,
                "name": args.name,
            }
            print(json.dumps(users.create(**{k: v for k, v in profile.items() if v is not None}), indent=2))
        else:
            users.delete(args.user_id)
            print(f"deleted {args.user_id}", file=sys.stderr)
    return 0


def token(args: argparse.Namespace) -> int:
    """A client_credentials access token for an API resource (an M2M app of the tenant); with
    ``--attack``, a token a correct API must reject (:func:`harness._cli_faults.attack_token`)."""
    import httpx

    if args.attack:
        from ._cli_faults import attack_token

        return attack_token(args)
    if not (args.app_id and args.app_secret):
        raise CommandError("`harness token` needs --app-id and --app-secret (or --attack KIND)")
    from fake_logto import paths as logto_paths

    _mailgun, logto = locate(args.mailgun_url, args.logto_url)
    if not logto:
        raise CommandError("no fake_logto URL known: pass --logto-url")
    data = {"grant_type": "client_credentials", "resource": args.resource}
    if args.scope:
        data["scope"] = args.scope
    with httpx.Client(base_url=logto, timeout=30) as http:
        response = http.post(logto_paths.TOKEN, data=data, auth=(args.app_id, args.app_secret))
    if response.status_code != 200:
        raise CommandError(f"token endpoint answered {response.status_code}: {response.text}")
    body = response.json()
    print(json.dumps(body, indent=2) if args.json else body["access_token"])
    return 0
