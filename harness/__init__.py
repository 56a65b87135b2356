"""logto-harness: local fakes of Logto and Mailgun composed for end-to-end tests of sign-in.

- :func:`start_harness` / :class:`Harness` — both fakes on real sockets, in threads.
- :class:`Client` / :class:`AsyncClient` — the control APIs: mailbox waits, clock, users, faults.
- :class:`ExperienceClient` — sign in over HTTP, as the sign-in pages do (no browser).
- :func:`register`, :func:`sign_in_with_email_code`, :func:`sign_in_with_password`, :func:`reset_password`
  — drive the sign-in pages with Playwright (imported on first use: Playwright is a test dependency).
- The pytest plugin (``harness._plugin``) turns these into fixtures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import lazy_exports

if TYPE_CHECKING:
    from ._browser import launch_options
    from ._client import AsyncClient, Client, Mailbox, MailboxTimeout
    from ._config import HarnessConfig, load_harness_config, parse_harness_config
    from ._errors import HarnessError
    from ._experience import ExperienceClient, ExperienceError, callback_params
    from ._harness import Harness, start_harness
    from ._playwright import register, reset_password, sign_in_with_email_code, sign_in_with_password

# Exports load on first use: the fakes import harness's plumbing (harness._serving, harness._options),
# and harness's composition imports the fakes — eager imports here would make that a cycle.
_HOMES = {
    "launch_options": "._browser",
    "AsyncClient": "._client",
    "Client": "._client",
    "HarnessError": "._errors",
    "Mailbox": "._client",
    "MailboxTimeout": "._client",
    "register": "._playwright",
    "reset_password": "._playwright",
    "sign_in_with_email_code": "._playwright",
    "sign_in_with_password": "._playwright",
    "HarnessConfig": "._config",
    "load_harness_config": "._config",
    "parse_harness_config": "._config",
    "ExperienceClient": "._experience",
    "ExperienceError": "._experience",
    "callback_params": "._experience",
    "Harness": "._harness",
    "start_harness": "._harness",
}


__getattr__, __dir__ = lazy_exports(__name__, _HOMES)

__all__ = [
    "AsyncClient",
    "Client",
    "ExperienceClient",
    "ExperienceError",
    "Harness",
    "HarnessConfig",
    "HarnessError",
    "Mailbox",
    "MailboxTimeout",
    "callback_params",
    "launch_options",
    "load_harness_config",
    "parse_harness_config",
    "register",
    "reset_password",
    "sign_in_with_email_code",
    "sign_in_with_password",
    "start_harness",
]
