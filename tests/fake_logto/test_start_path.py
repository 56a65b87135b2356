"""What fake_logto's start loads (``python -m fake_logto`` → discovery answering): the web stack, not what
only some requests need — the HTTP client (connector and webhooks: made on the first send) and the pages'
Jinja environment (made for the first page)."""

from __future__ import annotations

import subprocess
import sys


def test_the_start_leaves_the_http_client_and_the_pages_templates_unloaded() -> None:
    code = """
import sys
from fake_logto import Server, Settings
server = Server(Settings(port=0))
server.sock.close()
loaded = sorted({"httpx", "jinja2", "phonenumbers"} & set(sys.modules))
assert not loaded, loaded
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
