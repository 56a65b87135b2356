"""``python -m fake_mailgun``: serve the Mailgun API, SMTP capture and inbox until Ctrl-C."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from fakekit import parse_settings as parse
from fakekit import serve_until_interrupted

from ._server import Running, Server
from ._settings import Settings


def main(argv: Sequence[str] | None = None) -> int:
    settings = parse(
        Settings,
        "FAKE_MAILGUN",
        argv,
        "A local Mailgun: HTTP API, SMTP capture, inbox UI.",
        "python -m fake_mailgun",
    )

    def ready(running: Running) -> None:
        print(
            f"fake_mailgun HTTP  {running.url}  (Mailgun API, inbox UI, /__harness/ control API)", flush=True
        )
        if running.smtp_port is not None:
            print(f"fake_mailgun SMTP  {running.host}:{running.smtp_port}", flush=True)
        print(f"domains {', '.join(settings.domains)}  api key {settings.api_key}", flush=True)

    return serve_until_interrupted("fake_mailgun", lambda: Server(settings), ready)


if __name__ == "__main__":
    sys.exit(main())
