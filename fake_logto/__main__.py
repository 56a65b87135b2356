"""``python -m fake_logto``: serve a Logto tenant until Ctrl-C.

The start (imports, the app) allocates tens of thousands of objects that live as long as the process and
frees almost none, so the cyclic garbage collector is off until the server is up — a full collection in
the middle of the imports was about a tenth of the start (issue 20) — then the start's objects are frozen
out of later collections (:func:`gc.freeze`) and collection is on again.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Sequence

from fakekit import parse_settings as parse


def main(argv: Sequence[str] | None = None) -> int:
    gc.disable()
    from fakekit import serve_until_interrupted

    from ._config import ConfigError
    from ._server import Running, Server
    from ._settings import Settings

    settings = parse(
        Settings, "FAKE_LOGTO", argv, "A local Logto tenant: OIDC + Experience API.", "python -m fake_logto"
    )

    def ready(running: Running) -> None:
        gc.freeze()
        gc.enable()
        tenant = running.tenant
        print(f"fake_logto  {running.url}  issuer {tenant.issuer}", flush=True)
        for app in tenant.config.applications:
            print(f"  app {app.name!r} ({app.type})  id {app.id}  secret {app.secret or '-'}", flush=True)

    try:
        return serve_until_interrupted("fake_logto", lambda: Server(settings), ready, (ConfigError,))
    finally:
        gc.enable()


if __name__ == "__main__":
    sys.exit(main())
