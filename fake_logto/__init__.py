"""fake_logto: a local Logto tenant — OIDC issuer, sign-in experience, Experience API, verification codes
sent through Logto's Mailgun connector, and a test-control API under ``/__harness/``.

Run it alone with ``python -m fake_logto``, or in-process on real sockets::

    from fake_logto import serve_in_thread
    with serve_in_thread() as logto:
        print(logto.endpoint)  # the issuer is endpoint + "/oidc"
"""

from __future__ import annotations

from ._app import create_app
from ._clock import Clock
from ._config import ConfigError, TenantConfig, default_mailgun_config, load_config, parse_config
from ._server import PortInUse, Running, Server, serve_in_thread
from ._settings import Settings

__all__ = [
    "Clock",
    "ConfigError",
    "PortInUse",
    "Running",
    "Server",
    "Settings",
    "TenantConfig",
    "create_app",
    "default_mailgun_config",
    "load_config",
    "parse_config",
    "serve_in_thread",
]
