"""fakekit: the plumbing under the local fakes (``fake_logto``, ``fake_mailgun``) and the ``harness``.

Everything here is protocol-free and imported *downward* only — the fakes and the harness import fakekit,
fakekit imports neither:

- sockets bound before any server exists (:func:`bind`, :func:`url_of`, :class:`PortInUse`);
- uvicorn with a readiness event, a thread runner, and the servers' shared base (:class:`ReadyUvicorn`,
  :func:`run_in_thread`, :class:`ServedApp`, :func:`serve_until_interrupted` for ``python -m``);
- one settings dataclass → CLI flags, env vars, TOML keys and keyword arguments (:class:`Options`,
  :class:`Option`, :class:`SettingError`; for a fake's own command :func:`parse_settings`,
  :func:`add_arguments`, :func:`settings_from`, :func:`cli_fields`);
- package exports that load on first use (:func:`lazy_exports`);
- loopback httpx clients (:func:`http_client`, :func:`async_http_client`), and a hot path's plain ``POST``
  through one over connections of its own (:func:`kept_post`; the client closes them);
- one TOML reader for config files (:func:`read_toml`, :class:`ConfigFileError`);
- the server-side wait (:class:`Waiters`);
- fault rules' schedule and a dropped connection (:class:`Rule`, :class:`RuleBook`, :func:`drop_connection`);
- parts of an app built on their first request, off the event loop (:class:`DeferredApp`), and
  Starlette's 404/405 in FastAPI's shape (:func:`http_error_as_fastapi`);
- the control APIs' one error type, its body and its one handler (:class:`ControlError`,
  :class:`ErrorBody`, :func:`validate`, :func:`install_control_errors`).

Exports load on first use, so binding a socket or parsing flags never imports uvicorn or httpx.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import lazy_exports

if TYPE_CHECKING:
    from ._control_errors import ControlError, ErrorBody, install_control_errors, problems, validate
    from ._deferred import DeferredApp, http_error_as_fastapi
    from ._faults import Rule, RuleBook, drop_connection, schedule_problem
    from ._http import async_http_client, http_client
    from ._kept_posts import kept_post
    from ._options import (
        Option,
        Options,
        SettingError,
        add_arguments,
        cli_fields,
        parse_settings,
        settings_from,
    )
    from ._serving import ReadyUvicorn, ServedApp, run_in_thread, serve_until_interrupted
    from ._sockets import PortInUse, bind, url_of
    from ._toml import ConfigFileError, read_toml
    from ._waiting import Waiters

_HOMES = {
    "ControlError": "._control_errors",
    "ErrorBody": "._control_errors",
    "install_control_errors": "._control_errors",
    "problems": "._control_errors",
    "validate": "._control_errors",
    "DeferredApp": "._deferred",
    "http_error_as_fastapi": "._deferred",
    "Rule": "._faults",
    "RuleBook": "._faults",
    "drop_connection": "._faults",
    "schedule_problem": "._faults",
    "async_http_client": "._http",
    "http_client": "._http",
    "kept_post": "._kept_posts",
    "Option": "._options",
    "Options": "._options",
    "SettingError": "._options",
    "add_arguments": "._options",
    "cli_fields": "._options",
    "parse_settings": "._options",
    "settings_from": "._options",
    "ReadyUvicorn": "._serving",
    "run_in_thread": "._serving",
    "ServedApp": "._serving",
    "serve_until_interrupted": "._serving",
    "PortInUse": "._sockets",
    "bind": "._sockets",
    "url_of": "._sockets",
    "Waiters": "._waiting",
    "ConfigFileError": "._toml",
    "read_toml": "._toml",
}

__getattr__, __dir__ = lazy_exports(__name__, _HOMES)

__all__ = [
    "ConfigFileError",
    "ControlError",
    "DeferredApp",
    "ErrorBody",
    "Option",
    "Options",
    "PortInUse",
    "ReadyUvicorn",
    "Rule",
    "RuleBook",
    "ServedApp",
    "SettingError",
    "Waiters",
    "add_arguments",
    "async_http_client",
    "bind",
    "cli_fields",
    "drop_connection",
    "http_client",
    "http_error_as_fastapi",
    "install_control_errors",
    "kept_post",
    "lazy_exports",
    "parse_settings",
    "problems",
    "read_toml",
    "run_in_thread",
    "schedule_problem",
    "serve_until_interrupted",
    "settings_from",
    "url_of",
    "validate",
]
