"""Typed access to the tenant config's TOML tables (:mod:`._config_file`, :mod:`._config_authz`): every
failure is a :class:`~._config.ConfigError` whose message starts with the field's path, e.g.
``applications[0].type: must be one of …``."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from ._config import ConfigError


class Reader:
    """One TOML table, read key by key; :meth:`done` refuses the keys nobody asked for."""

    def __init__(self, data: Any, path: str) -> None:
        if not isinstance(data, dict):
            raise ConfigError(f"{path or 'config'}: must be a table")
        self.data, self.path = data, path
        self.used: set[str] = set()

    def where(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def get(self, key: str, kind: type | tuple[type, ...], default: Any) -> Any:
        self.used.add(key)
        if key not in self.data:
            return default
        value = self.data[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            raise ConfigError(f"{self.where(key)}: must be a {names}, got {value!r}")
        return value

    def string(self, key: str, default: Any = None, *, required: bool = False) -> Any:
        value = self.get(key, str, default)
        if required and not value:
            raise ConfigError(f"{self.where(key)}: is required")
        return value

    def strings(self, key: str, default: tuple[str, ...] = ()) -> tuple[str, ...]:
        value = self.get(key, list, list(default))
        for i, item in enumerate(value):
            if not isinstance(item, str):
                raise ConfigError(f"{self.where(key)}[{i}]: must be a string, got {item!r}")
        return tuple(value)

    def choice(self, key: str, choices: tuple[str, ...], default: str) -> str:
        value: str = self.string(key, default)
        if value not in choices:
            raise ConfigError(f"{self.where(key)}: must be one of {', '.join(choices)}, got {value!r}")
        return value

    def positive(self, key: str, default: int) -> int:
        value: int = self.get(key, int, default)
        if value <= 0:
            raise ConfigError(f"{self.where(key)}: must be a positive integer, got {value}")
        return value

    def table(self, key: str) -> Reader:
        return Reader(self.get(key, dict, {}), self.where(key))

    def tables(self, key: str) -> list[Reader]:
        return [Reader(item, f"{self.where(key)}[{i}]") for i, item in enumerate(self.get(key, list, []))]

    def pairs(self, key: str) -> tuple[tuple[str, str], ...]:
        """``["left:right", …]`` split at the first colon (role names may contain colons)."""
        found = []
        for i, item in enumerate(self.strings(key)):
            left, sep, right = item.partition(":")
            if not sep or not left or not right:
                raise ConfigError(f"{self.where(key)}[{i}]: must look like 'a:b', got {item!r}")
            found.append((left, right))
        return tuple(found)

    def resource_scopes(self, key: str) -> tuple[tuple[str, str], ...]:
        """``[{resource = "https://api…", scope = "write:books"}, …]`` (scope names contain colons)."""
        found = []
        for item in self.tables(key):
            found.append((item.string("resource", required=True), item.string("scope", required=True)))
            item.done()
        return tuple(found)

    def done(self) -> None:
        unknown = sorted(set(self.data) - self.used)
        if unknown:
            raise ConfigError(f"{self.where(unknown[0])}: unknown setting")


def url(value: str, where: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"{where}: must be an absolute http(s) URL, got {value!r}")
    return value


def unique(names: list[str], where: str, what: str) -> None:
    duplicate = next((n for n in names if names.count(n) > 1), None)
    if duplicate is not None:
        raise ConfigError(f"{where}: the {what} {duplicate!r} is used twice")
