"""fake_mailgun: a local Mailgun — the HTTP API, an SMTP capture, a Twilio SMS stand-in, one mailbox, a control API and an inbox UI.

Run it alone with ``python -m fake_mailgun``, or in-process::

    from fake_mailgun import serve_in_thread
    with serve_in_thread() as mg:          # free ports, real sockets
        print(mg.url, mg.smtp_port)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fakekit import lazy_exports

if TYPE_CHECKING:
    from ._app import create_app
    from ._errors import MailgunError
    from ._server import PortInUse, Running, Server, serve_in_thread
    from ._settings import (
        DEFAULT_API_KEY,
        DEFAULT_DOMAIN,
        DEFAULT_TWILIO_ACCOUNT_SID,
        DEFAULT_TWILIO_AUTH_TOKEN,
        Settings,
    )

# Exports load on first use: settings and defaults must not import the web stack (see fake_logto).
_HOMES = {
    "create_app": "._app",
    "MailgunError": "._errors",
    "PortInUse": "._server",
    "Running": "._server",
    "Server": "._server",
    "serve_in_thread": "._server",
    "DEFAULT_API_KEY": "._settings",
    "DEFAULT_DOMAIN": "._settings",
    "DEFAULT_TWILIO_ACCOUNT_SID": "._settings",
    "DEFAULT_TWILIO_AUTH_TOKEN": "._settings",
    "Settings": "._settings",
}


__getattr__, __dir__ = lazy_exports(__name__, _HOMES)

__all__ = [
    "DEFAULT_API_KEY",
    "DEFAULT_DOMAIN",
    "DEFAULT_TWILIO_ACCOUNT_SID",
    "DEFAULT_TWILIO_AUTH_TOKEN",
    "MailgunError",
    "PortInUse",
    "Running",
    "Server",
    "Settings",
    "create_app",
    "serve_in_thread",
]
