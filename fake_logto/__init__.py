"""fake_logto: a local Logto tenant — OIDC issuer, sign-in experience, Experience API, verification codes
sent through Logto's Mailgun connector, and a test-control API under ``/__harness/``.

Run it alone with ``python -m fake_logto``, or in-process on real sockets::

    from fake_logto import serve_in_thread
    with serve_in_thread() as logto:
        print(logto.endpoint)  # the issuer is endpoint + "/oidc"
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fakekit import lazy_exports

if TYPE_CHECKING:
    from ._app import create_app
    from ._clock import Clock
    from ._config import ConfigError, TenantConfig
    from ._config_file import load_config, parse_config
    from ._connector_config import default_mailgun_config
    from ._keys import SigningKey
    from ._server import PortInUse, Running, Server, serve_in_thread
    from ._settings import Settings
    from ._sms_connector_config import default_twilio_config

# Exports load on first use: reading a config (``_config``, ``_config_file``, ``_settings``) must not
# import the web stack, so that ``harness up`` can start the sample app while the servers are still loading.
_HOMES = {
    "create_app": "._app",
    "Clock": "._clock",
    "ConfigError": "._config",
    "TenantConfig": "._config",
    "default_mailgun_config": "._connector_config",
    "default_twilio_config": "._sms_connector_config",
    "load_config": "._config_file",
    "parse_config": "._config_file",
    "SigningKey": "._keys",
    "PortInUse": "._server",
    "Running": "._server",
    "Server": "._server",
    "serve_in_thread": "._server",
    "Settings": "._settings",
}


__getattr__, __dir__ = lazy_exports(__name__, _HOMES)

__all__ = [
    "Clock",
    "ConfigError",
    "PortInUse",
    "Running",
    "Server",
    "Settings",
    "SigningKey",
    "TenantConfig",
    "create_app",
    "default_mailgun_config",
    "default_twilio_config",
    "load_config",
    "parse_config",
    "serve_in_thread",
]
