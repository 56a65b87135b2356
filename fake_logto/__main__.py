"""``python -m fake_logto``: serve a Logto tenant until Ctrl-C."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from fakekit import parse_settings as parse
from fakekit import serve_until_interrupted

from ._config import ConfigError
from ._server import Running, Server
from ._settings import Settings


def main(argv: Sequence[str] | None = None) -> int:
    settings = parse(
        Settings, "FAKE_LOGTO", argv, "A local Logto tenant: OIDC + Experience API.", "python -m fake_logto"
    )

    def ready(running: Running) -> None:
        tenant = running.tenant
        print(f"fake_logto  {running.url}  issuer {tenant.issuer}", flush=True)
        for app in tenant.config.applications:
            print(f"  app {app.name!r} ({app.type})  id {app.id}  secret {app.secret or '-'}", flush=True)

    return serve_until_interrupted("fake_logto", lambda: Server(settings), ready, (ConfigError,))


if __name__ == "__main__":
    sys.exit(main())
