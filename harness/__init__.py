"""logto-harness: local fakes of Logto and Mailgun composed for end-to-end tests of sign-in."""

from __future__ import annotations

__all__: list[str] = []
