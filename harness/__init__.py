"""logto-harness: local fakes of Logto and Mailgun composed for end-to-end tests of sign-in.

- :func:`start_harness` / :class:`Harness` — both fakes on real sockets, in threads.
- :class:`Client` / :class:`AsyncClient` — the control APIs: mailbox waits, clock, users, faults;
  ``mailbox.expect_message(to)`` (:class:`ExpectedMessage`) waits for the message an action sends;
  ``client.logto`` (:class:`Logto`) with fake_logto's faults (:class:`LogtoFaults`), key rotation and
  attack tokens.
- ``client.management`` (:class:`Management` / :class:`AsyncManagement`) — Logto's Management API through
  the tenant's M2M app (``[management]`` of harness.toml), a real ``client_credentials`` token.
- :class:`WebhookReceiver` — an HTTP server recording webhook deliveries (:class:`Delivery`) a test waits for.
- :class:`ExperienceClient` — sign in over HTTP, as the sign-in pages do (no browser);
  :func:`sign_in_over_http` — through an app's own ``/sign-in``, giving a Playwright ``storage_state``;
  :func:`sign_in_spa_over_http` — as ``@logto/browser`` would, its tokens in the state's ``localStorage``;
  :func:`social_sign_in_over_http` — the same by a social connector's preset identity.
- :mod:`harness.playwright` (also re-exported here: :func:`register`, :func:`sign_in_with_email_code`,
  :func:`sign_in_with_password`, :func:`sign_in_with_social`, :func:`reset_password`) — drive the sign-in pages with Playwright
  (imported on first use: Playwright is a test dependency).
- The exception tree (``HarnessError`` and below, drawn in ``harness/_errors.py``).
- The pytest plugin (entry point ``pytest11``) turns these into fixtures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fakekit import lazy_exports

if TYPE_CHECKING:
    from ._browser import launch_options, system_chromium
    from ._client import AsyncClient, AsyncMailbox, Client, ExpectedMessage, Logto, LogtoFaults, Mailbox
    from ._config import HarnessConfig, load_harness_config, parse_harness_config
    from ._errors import (
        APIError,
        AppError,
        ConfigError,
        ExperienceError,
        HarnessError,
        MailboxTimeout,
        ManagementAPIError,
        SignInFailed,
        UsageError,
        WebhookTimeout,
    )
    from ._experience import ExperienceClient, callback_params
    from ._fast_path import sign_in_over_http, sign_in_spa_over_http, social_sign_in_over_http
    from ._harness import Harness, start_harness
    from ._management_client import AsyncManagement, Management
    from ._playwright import (
        register,
        reset_password,
        sign_in_with_email_code,
        sign_in_with_password,
        sign_in_with_social,
    )
    from ._webhooks import Delivery, WebhookReceiver

# Exports load on first use: reading a config must not import the web stack (harness up starts the
# sample app while the fakes load), and Playwright is a test dependency.
_HOMES = {
    "launch_options": "._browser",
    "system_chromium": "._browser",
    "AsyncClient": "._client",
    "AsyncMailbox": "._client",
    "Client": "._client",
    "ExpectedMessage": "._client",
    "Logto": "._client",
    "LogtoFaults": "._client",
    "APIError": "._errors",
    "AppError": "._errors",
    "ConfigError": "._errors",
    "ExperienceError": "._errors",
    "HarnessError": "._errors",
    "MailboxTimeout": "._errors",
    "ManagementAPIError": "._errors",
    "WebhookTimeout": "._errors",
    "AsyncManagement": "._management_client",
    "Management": "._management_client",
    "Delivery": "._webhooks",
    "WebhookReceiver": "._webhooks",
    "SignInFailed": "._errors",
    "UsageError": "._errors",
    "Mailbox": "._client",
    "sign_in_over_http": "._fast_path",
    "sign_in_spa_over_http": "._fast_path",
    "social_sign_in_over_http": "._fast_path",
    "register": "._playwright",
    "reset_password": "._playwright",
    "sign_in_with_email_code": "._playwright",
    "sign_in_with_password": "._playwright",
    "sign_in_with_social": "._playwright",
    "HarnessConfig": "._config",
    "load_harness_config": "._config",
    "parse_harness_config": "._config",
    "ExperienceClient": "._experience",
    "callback_params": "._experience",
    "Harness": "._harness",
    "start_harness": "._harness",
}


__getattr__, __dir__ = lazy_exports(__name__, _HOMES)

__all__ = [
    "APIError",
    "AppError",
    "AsyncClient",
    "AsyncMailbox",
    "AsyncManagement",
    "Client",
    "ConfigError",
    "Delivery",
    "ExpectedMessage",
    "ExperienceClient",
    "ExperienceError",
    "Harness",
    "HarnessConfig",
    "HarnessError",
    "Logto",
    "LogtoFaults",
    "Mailbox",
    "MailboxTimeout",
    "Management",
    "ManagementAPIError",
    "SignInFailed",
    "UsageError",
    "WebhookReceiver",
    "WebhookTimeout",
    "callback_params",
    "launch_options",
    "load_harness_config",
    "parse_harness_config",
    "register",
    "reset_password",
    "sign_in_over_http",
    "sign_in_spa_over_http",
    "sign_in_with_email_code",
    "sign_in_with_password",
    "sign_in_with_social",
    "social_sign_in_over_http",
    "start_harness",
    "system_chromium",
]
