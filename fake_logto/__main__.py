"""``python -m fake_logto``: serve a Logto tenant until Ctrl-C."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Sequence

from fakekit import parse_settings as parse

from ._config import ConfigError
from ._server import PortInUse, Running, Server
from ._settings import Settings


def main(argv: Sequence[str] | None = None) -> int:
    settings = parse(
        Settings, "FAKE_LOGTO", argv, "A local Logto tenant: OIDC + Experience API.", "python -m fake_logto"
    )
    try:
        server = Server(settings)
    except PortInUse as exc:
        print(f"fake_logto: {exc.strerror}", file=sys.stderr)
        return 1
    except ConfigError as exc:
        print(f"fake_logto: invalid config: {exc}", file=sys.stderr)
        return 2

    def ready(running: Running) -> None:
        tenant = running.tenant
        print(f"fake_logto  {running.url}  issuer {tenant.issuer}", flush=True)
        for app in tenant.config.applications:
            print(f"  app {app.name!r} ({app.type})  id {app.id}  secret {app.secret or '-'}", flush=True)

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(server.serve(ready))
    return 0


if __name__ == "__main__":
    sys.exit(main())
