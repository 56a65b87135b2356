"""Registered by the plugin after pytest-playwright, so its ``browser_type_launch_args`` wins: a system
Chromium (Debian's ``chromium``) when Playwright's own browser is not installed."""

from __future__ import annotations

from typing import Any

import pytest

from ._browser import launch_options


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return launch_options(**browser_type_launch_args)
