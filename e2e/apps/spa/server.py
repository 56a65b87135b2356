"""The sample single-page app's static server: ``index.html`` (for each of the Go and Python apps' routes,
``/``, ``/sign-in``, ``/register``, the redirect URI ``/callback``, ``/profile``, ``/sign-out``: the page's
script does what the route does) with the Logto endpoint and app id put in, and the bundle ``dist/app.js``
that ``scripts/setup`` builds from ``src/main.js`` and the pinned ``@logto/browser`` with esbuild.

Everything else happens in the browser: the SDK talks to Logto cross-origin (Logto's CORS for this app's
origin) and keeps its tokens in ``localStorage``. Configured by the environment, as the other sample apps:
``LOGTO_ENDPOINT``, ``LOGTO_APP_ID``, ``BASE_URL``, ``HOST``, ``PORT``.
"""

from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
BUNDLE = HERE / "dist" / "app.js"
PAGES = frozenset({"/", "/sign-in", "/register", "/callback", "/profile", "/sign-out"})


@dataclass(frozen=True)
class Settings:
    endpoint: str
    app_id: str
    base_url: str = "http://localhost:3000"
    host: str = "0.0.0.0"
    port: int = 3000

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if environ is None else environ)
        missing = [name for name in ("LOGTO_ENDPOINT", "LOGTO_APP_ID") if not env.get(name)]
        if missing:
            raise SystemExit(f"bookstore: set {' and '.join(missing)}")
        return cls(
            endpoint=env["LOGTO_ENDPOINT"],
            app_id=env["LOGTO_APP_ID"],
            base_url=(env.get("BASE_URL") or "http://localhost:3000").rstrip("/"),
            host=env.get("HOST") or "0.0.0.0",
            port=int(env.get("PORT") or 3000),
        )


def page(settings: Settings) -> bytes:
    """``index.html`` with the SDK's configuration as JSON (``<`` escaped: it sits in a script element)."""
    config = json.dumps({"endpoint": settings.endpoint, "appId": settings.app_id}).replace("<", "\\u003c")
    return (HERE / "index.html").read_text().replace("__LOGTO_CONFIG__", config).encode()


def handler(settings: Settings) -> type[BaseHTTPRequestHandler]:
    html, bundle = page(settings), BUNDLE.read_bytes()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path in PAGES:
                self._send(200, "text/html; charset=utf-8", html)
            elif path == "/app.js":
                self._send(200, "text/javascript; charset=utf-8", bundle)
            else:
                self._send(404, "text/plain; charset=utf-8", b"Not Found")

        def _send(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            print(f"{self.address_string()} {format % args}", flush=True)

    return Handler


def serve(settings: Settings) -> ThreadingHTTPServer:
    """The server bound and listening (``serve_forever`` serves it)."""
    if not BUNDLE.is_file():
        raise SystemExit(
            f"bookstore: {BUNDLE} is missing: run scripts/setup (it bundles the SPA with esbuild)"
        )

    class Server(ThreadingHTTPServer):
        address_family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
        daemon_threads = True

    try:
        return Server((settings.host, settings.port), handler(settings))
    except OSError as exc:
        raise SystemExit(
            f"bookstore: cannot listen on {settings.host}:{settings.port}: {exc.strerror}"
        ) from exc
