"""``python -m e2e.apps.spa``: bind, say so on stdout, serve; SIGINT / SIGTERM stop it."""

from __future__ import annotations

import signal
import threading
from types import FrameType

from .server import Settings, serve


def main() -> None:
    settings = Settings.from_env()
    server = serve(settings)
    host, port = server.server_address[:2]

    def stop(_signum: int, _frame: FrameType | None) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()  # shutdown waits for serve_forever

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"bookstore listening on {settings.base_url} ({host!s}:{port})", flush=True)
    with server:
        server.serve_forever()


if __name__ == "__main__":
    main()
