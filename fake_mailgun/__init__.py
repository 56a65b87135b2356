"""fake_mailgun: a local Mailgun — the HTTP API, an SMTP capture, one mailbox, a control API and an inbox UI.

Run it alone with ``python -m fake_mailgun``, or in-process::

    from fake_mailgun import serve_in_thread
    with serve_in_thread() as mg:          # free ports, real sockets
        print(mg.url, mg.smtp_port)
"""

from __future__ import annotations

from ._app import create_app
from ._errors import MailgunError
from ._server import PortInUse, Running, Server, serve_in_thread
from ._settings import DEFAULT_API_KEY, DEFAULT_DOMAIN, Settings

__all__ = [
    "DEFAULT_API_KEY",
    "DEFAULT_DOMAIN",
    "MailgunError",
    "PortInUse",
    "Running",
    "Server",
    "Settings",
    "create_app",
    "serve_in_thread",
]
