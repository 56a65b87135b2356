"""Reading a TOML config file (the tenant's, the harness's), with one-line errors that name the file."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any


class ConfigFileError(ValueError):
    """A config file cannot be read or is not valid TOML; the message names the file."""


def read_toml(path: str | Path) -> dict[str, Any]:
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigFileError(f"{path}: cannot read: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigFileError(f"{path}: not valid TOML: {exc}") from exc
