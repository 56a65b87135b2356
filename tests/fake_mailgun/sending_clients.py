"""What the sending-side tests share: the official clients pointed at a fake, and a webhook receiver.

``sdk`` is the Python ``mailgun`` SDK (1.10.0, unmodified; no retries, so an error comes back at once);
``mailgunjs`` runs a few lines of ESM against the installed mailgun.js (``tests/compat/node``) and returns
what they printed; ``Receiver`` is a webhook endpoint on a free port that a test waits on (no sleeps).
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from mailgun import Client
from mailgun.config import RetryPolicy

from fake_mailgun import DEFAULT_API_KEY, DEFAULT_DOMAIN, Running

DOMAIN = DEFAULT_DOMAIN
SENDER = f"Shop <no-reply@{DOMAIN}>"
NODE_DIR = Path(__file__).parents[1] / "compat" / "node"


def new_address(label: str = "user") -> str:
    return f"{label}-{uuid.uuid4().hex[:12]}@example.test"


@contextmanager
def sdk(mailgun: Running) -> Iterator[Client]:
    policy = RetryPolicy(max_retries=0)
    with Client(
        auth=("api", DEFAULT_API_KEY), api_url=mailgun.url, timeout=(5.0, 30.0), retry_policy=policy
    ) as c:
        yield c


def mailgunjs(mailgun: Running, body: str) -> Any:
    """Run ``body`` (ESM; ``mg`` is a mailgun.js client, ``domain`` the domain; ``return`` a value) and
    give back the value, or ``{"thrown": ...}`` with the APIError's status, message and details."""
    node = shutil.which("node")
    assert node, "`node` is not on PATH: the mailgun.js tests need Node.js 20+"
    script = (
        "import FormData from 'form-data'; import Mailgun from 'mailgun.js';\n"
        "const mg = new Mailgun(FormData).client({username: 'api', key: process.env.MG_KEY, url: process.env.MG_URL});\n"
        "const domain = process.env.MG_DOMAIN;\n"
        f"async function main() {{ {body} }}\n"
        "main().then((v) => console.log(JSON.stringify({value: v ?? null})), (e) => {\n"
        "  if (e?.type !== 'MailgunAPIError') { console.error(e); process.exit(1); }\n"
        "  console.log(JSON.stringify({thrown: {status: e.status, message: e.message, details: e.details}}));\n"
        "});\n"
    )
    env = {**os.environ, "MG_URL": mailgun.url, "MG_KEY": DEFAULT_API_KEY, "MG_DOMAIN": DOMAIN}
    proc = subprocess.run(
        [node, "--input-type=module", "-e", script],
        cwd=NODE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result.get("value", result)


class Receiver:
    """A webhook endpoint on a free port; :meth:`next` waits for the next delivery (bounded)."""

    def __init__(self) -> None:
        self.posts: queue.Queue[dict[str, Any]] = queue.Queue()
        posts = self.posts

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                posts.put(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def next(self) -> dict[str, Any]:
        return self.posts.get(timeout=10)

    def events(self, count: int) -> list[dict[str, Any]]:
        """The event-data of the next ``count`` deliveries."""
        return [self.next()["event-data"] for _ in range(count)]


@contextmanager
def receiver() -> Iterator[Receiver]:
    hook = Receiver()
    thread = threading.Thread(target=hook.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield hook
    finally:
        hook.server.shutdown()
        hook.server.server_close()
