"""``python -m e2e.apps.python``: bind, serve, say so on stdout once serving; SIGINT / SIGTERM stop it."""

from __future__ import annotations

import socket

import uvicorn

from .app import Settings, create_app


class Server(uvicorn.Server):
    """Prints the ``listening`` line once the socket is served and uvicorn handles SIGINT / SIGTERM."""

    def __init__(self, config: uvicorn.Config, line: str) -> None:
        super().__init__(config)
        self.line = line

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            print(self.line, flush=True)


def main() -> None:
    settings = Settings.from_env()
    family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((settings.host, settings.port))
    except OSError as exc:
        raise SystemExit(
            f"bookstore: cannot listen on {settings.host}:{settings.port}: {exc.strerror}"
        ) from exc
    host, port = sock.getsockname()[:2]
    config = uvicorn.Config(create_app(settings), log_level="info", access_log=True)
    Server(config, f"bookstore listening on {settings.base_url} ({host}:{port})").run(sockets=[sock])


if __name__ == "__main__":
    main()
