"""Package exports that load on first use (PEP 562), for ``fakekit``, ``fake_logto``, ``fake_mailgun`` and
``harness``: reading a config or binding a socket must not import the web stack (``harness up`` starts the
sample app while the servers load)."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(
    package: str, homes: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of ``package``, whose export ``name`` lives in the submodule
    ``homes[name]`` (relative, e.g. ``"._config"``); a loaded export is kept in the package's namespace."""
    namespace = sys.modules[package].__dict__

    def __getattr__(name: str) -> Any:
        if name not in homes:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(homes[name], package), name)
        namespace[name] = value  # later lookups skip this function
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *homes})

    return __getattr__, __dir__
