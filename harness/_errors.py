"""Every exception the harness raises, in one tree (kept free of heavy imports so the CLI can catch them
without loading httpx)::

    HarnessError                      anything the harness refuses or could not do
    ├── ConfigError (ValueError)      a harness.toml key, tenant field or flag value is wrong (named)
    ├── APIError                      a control API answered an error, or no URL is configured for it
    │   ├── MailboxTimeout (TimeoutError)   no message came in time; says what the mailbox holds instead
    │   └── ManagementAPIError        the Management API (or its token request) answered Logto's error:
    │                                 ``status``, ``code`` (``entity.not_exists_with_id``, ``oidc.invalid_client``),
    │                                 ``data``, ``body``
    ├── WebhookTimeout (TimeoutError) a webhook receiver got no delivery of the event in time; lists those it got
    ├── AppError                      a sample app cannot start (not built, not installed, exited, hung)
    ├── UsageError                    a CLI command was given something it cannot use
    ├── SignInFailed (AssertionError) the sign-in pages did not get where a Playwright helper expected
    └── ExperienceError (AssertionError)  the Experience API answered an error (``status``, Logto's ``code``)

The two ``AssertionError`` ones fail a test as an assertion would; every one is a ``HarnessError``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx


class HarnessError(Exception):
    """Anything the harness refuses or could not do."""


class ConfigError(HarnessError, ValueError):
    """A harness.toml key, a tenant field or a flag value is wrong; the message names it."""


class APIError(HarnessError):
    """A control API answered an error, or no URL is configured for the service."""


class MailboxTimeout(APIError, TimeoutError):
    """No message arrived in time; the message lists what the mailbox holds instead."""


class ManagementAPIError(APIError):
    """The Management API answered Logto's error body ``{code, message, data?}`` (its token request:
    the OAuth ``{error, error_description}``): ``status``, ``code``, ``data`` and the whole ``body``."""

    def __init__(self, method: str, path: str, status: int, body: Any) -> None:
        if not isinstance(body, dict):
            body = {"message": body}
        self.status = status
        self.body: dict[str, Any] = body
        self.code: str | None = body.get("code") or body.get("error")
        self.data: Any = body.get("data")
        message = body.get("message") or body.get("error_description") or body.get("detail") or ""
        super().__init__(f"{method} {path} → {status} {self.code}: {message}")


class WebhookTimeout(HarnessError, TimeoutError):
    """A webhook receiver got no delivery of the awaited event in time; the message lists what it got."""


class AppError(HarnessError):
    """A sample app cannot start: not built, not in this installation, or it exited or hung at start."""


class UsageError(HarnessError):
    """A CLI command was given something it cannot use."""


class SignInFailed(HarnessError, AssertionError):
    """The flow did not leave the sign-in UI in time; the message says where it stopped and what the
    page's alert said."""


class ExperienceError(HarnessError, AssertionError):
    """The Experience API answered an error: ``status`` and Logto's ``code``."""

    def __init__(self, response: httpx.Response) -> None:
        try:
            body = response.json()
        except ValueError:
            body = {"code": None, "message": response.text}
        self.status = response.status_code
        self.code: str | None = body.get("code")
        self.body: dict[str, Any] = body
        super().__init__(
            f"{response.request.method} {response.request.url.path} → {self.status} {self.code}: {body.get('message')}"
        )
