"""logto-harness: local fakes of Logto and Mailgun composed for end-to-end tests of sign-in.

- :func:`start_harness` / :class:`Harness` — both fakes on real sockets, in threads.
- :class:`Client` / :class:`AsyncClient` — the control APIs: mailbox waits, clock, users, faults.
- :class:`ExperienceClient` — sign in over HTTP, as the sign-in pages do (no browser).
- The pytest plugin (``harness._plugin``) turns these into fixtures.
"""

from __future__ import annotations

from ._browser import launch_options
from ._client import AsyncClient, Client, HarnessError, MailboxTimeout
from ._config import HarnessConfig, load_harness_config, parse_harness_config
from ._experience import ExperienceClient, ExperienceError, callback_params
from ._harness import Harness, start_harness

__all__ = [
    "AsyncClient",
    "Client",
    "ExperienceClient",
    "ExperienceError",
    "Harness",
    "HarnessConfig",
    "HarnessError",
    "MailboxTimeout",
    "callback_params",
    "launch_options",
    "load_harness_config",
    "parse_harness_config",
    "start_harness",
]
