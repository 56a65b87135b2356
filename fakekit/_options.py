"""Settings dataclass → command-line flags and environment variables, one definition for both.

Each field of a frozen settings dataclass becomes ``--field-name`` (or ``metadata["flag"]``) and
``PREFIX_FIELD_NAME``; the flag
wins over the variable, the variable over the default. Tuple fields are repeatable flags and
comma-separated variables. Fields with ``metadata={"cli": False}`` (the clock) are left out.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

T = TypeVar("T")


def _kind(field: dataclasses.Field[Any]) -> str:
    return str(field.type).replace("typing.", "")


def cli_fields(settings_type: type[Any]) -> list[dataclasses.Field[Any]]:
    return [f for f in dataclasses.fields(settings_type) if f.metadata.get("cli", True)]


def env_name(prefix: str, field: dataclasses.Field[Any]) -> str:
    return f"{prefix}_{field.name.upper()}"


def add_arguments(parser: argparse.ArgumentParser, settings_type: type[Any], prefix: str) -> None:
    for field in cli_fields(settings_type):
        flag = field.metadata.get("flag") or "--" + field.name.replace("_", "-")
        kind = _kind(field)
        help_text = f"{field.metadata.get('help', '')} [env {env_name(prefix, field)}]"
        if kind.startswith("tuple"):
            parser.add_argument(
                flag, action="append", default=None, help=help_text, metavar="VALUE", dest=field.name
            )
        elif kind == "bool":
            parser.add_argument(
                flag, action=argparse.BooleanOptionalAction, default=None, help=help_text, dest=field.name
            )
        else:
            kind_type = int if kind == "int" else str
            parser.add_argument(flag, default=None, help=help_text, type=kind_type, dest=field.name)


def _convert(field: dataclasses.Field[Any], raw: str) -> Any:
    kind = _kind(field)
    if kind.startswith("tuple"):
        return tuple(part.strip() for part in raw.split(",") if part.strip())
    if kind == "int":
        try:
            return int(raw)
        except ValueError as exc:
            raise SystemExit(f"error: {field.name} must be an integer, got {raw!r}") from exc
    if kind == "bool":
        return raw.strip().lower() in ("1", "true", "yes", "on")
    return raw


def settings_from(
    settings_type: type[T], prefix: str, args: argparse.Namespace, environ: Mapping[str, str] | None = None
) -> T:
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for field in cli_fields(settings_type):
        given = getattr(args, field.name, None)
        if given is not None:
            values[field.name] = tuple(given) if isinstance(given, list) else given
        elif env_name(prefix, field) in environ:
            values[field.name] = _convert(field, environ[env_name(prefix, field)])
    return settings_type(**values)


def parse_settings(
    settings_type: type[T], prefix: str, argv: Sequence[str] | None, description: str, prog: str | None = None
) -> T:
    parser = argparse.ArgumentParser(prog=prog, description=description)
    add_arguments(parser, settings_type, prefix)
    return settings_from(settings_type, prefix, parser.parse_args(argv))
