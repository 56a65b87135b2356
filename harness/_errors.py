"""The harness's error type (kept apart from the HTTP client so the CLI can catch it without loading httpx)."""

from __future__ import annotations


class HarnessError(Exception):
    """A control API answered an error."""
