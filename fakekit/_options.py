"""Settings dataclasses → command-line flags, environment variables, TOML keys and keyword arguments:
one description for all of them.

A frozen settings dataclass *is* the description. Each field is a setting, its default written once, on
the field; its metadata says the rest:

- ``help``: one line for ``--help`` and commented config files;
- ``flag``: the flag when it is not ``--field-name`` (``--domain`` for ``domains``);
- ``cli: False``: not a setting (the clock);
- ``choices``: the values allowed; ``nonempty: True``: ``""`` or ``()`` is refused;
  ``port: True``: a port number, 0 (any free) to 65535, and
  ``off``: what -1 means when it is allowed too ("no SMTP");
- ``aliases``: older names the setting also answers to (``("app",)`` for ``app_kind``);
- ``section: True``: the field holds another settings dataclass (its ``default_factory``) whose
  settings are this one's under the section's name — ``[logto] port`` ↔ ``--logto-port`` ↔
  ``PREFIX_LOGTO_PORT`` ↔ ``logto_port=``; with ``exclude`` (its fields that are not settings here)
  and ``aliases`` (``{field: names}``).

Values come as flags (typed by argparse), as text (environment variables, ini files: :meth:`Option.parse`)
or as Python values (TOML, keyword arguments: :meth:`Option.check`); a wrong one raises
:class:`SettingError` naming where it came from. The flag wins over the variable, the variable over a
file, the file over the default. Tuple settings are repeatable flags, comma-separated text, lists in TOML.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
from collections.abc import Collection, Mapping, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
_KINDS = {"int": "an integer", "str": "a string", "bool": "true or false", "tuple": "a list of strings"}


_BOOLS = {
    "1": True,
    "true": True,
    "yes": True,
    "on": True,
    "0": False,
    "false": False,
    "no": False,
    "off": False,
}


class SettingError(ValueError):
    """A setting's value is wrong; the message names the setting (``mailgun.port: must be …``)."""


@dataclasses.dataclass(frozen=True)
class Option:
    """One setting: a field of a settings dataclass, at the top level or in a section."""

    field: dataclasses.Field[Any]
    section: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """``logto_port``: the keyword argument, and (upper-cased, with a prefix) the env var."""
        return f"{self.section}_{self.field.name}" if self.section else self.field.name

    @property
    def key(self) -> str:
        """``logto.port``: the key in a TOML file (``port`` in the table ``[logto]``)."""
        return f"{self.section}.{self.field.name}" if self.section else self.field.name

    @property
    def names(self) -> tuple[str, ...]:
        """The name, then its aliases (keyword arguments)."""
        return (self.name, *self.aliases)

    @property
    def flags(self) -> tuple[str, ...]:
        """``--logto-port`` first, then the flags of the aliases."""
        own = self.field.metadata.get("flag")
        if own and not self.section:
            return (own,)
        return tuple("--" + name.replace("_", "-") for name in self.names)

    def env(self, prefix: str) -> str:
        return f"{prefix}_{self.name.upper()}"

    @property
    def kind(self) -> str:
        """``int``, ``str``, ``bool`` or ``tuple`` (of strings)."""
        written = str(self.field.type).replace("typing.", "")
        if written.startswith("tuple"):
            return "tuple"
        return written if written in ("int", "bool") else "str"

    @property
    def default(self) -> Any:
        if self.field.default_factory is not dataclasses.MISSING:
            return self.field.default_factory()
        return self.field.default

    @property
    def help(self) -> str:
        return str(self.field.metadata.get("help", ""))

    @property
    def choices(self) -> tuple[str, ...] | None:
        choices = self.field.metadata.get("choices")
        return tuple(choices) if choices else None

    def parse(self, raw: str, where: str | None = None) -> Any:
        """The value written as text (an environment variable, an ini option)."""
        kind = self.kind
        if kind == "tuple":
            return self.check(tuple(part.strip() for part in raw.split(",") if part.strip()), where)
        if kind == "int":
            try:
                return self.check(int(raw), where)
            except ValueError:
                raise SettingError(f"{where or self.key}: must be an integer, got {raw!r}") from None
        if kind == "bool":
            word = raw.strip().lower()
            if word not in _BOOLS:
                raise SettingError(f"{where or self.key}: must be true or false, got {raw!r}")
            return _BOOLS[word]
        return self.check(raw, where)

    def check(self, value: Any, where: str | None = None) -> Any:
        """``value`` (from TOML or a keyword argument) if it fits, a list made a tuple; else SettingError."""
        where = where or self.key
        kind = self.kind
        if self.field.metadata.get("nonempty") and value in ("", (), []):
            raise SettingError(f"{where}: must not be empty")
        if kind == "tuple" and isinstance(value, list | tuple):
            for i, item in enumerate(value):
                if not isinstance(item, str):
                    raise SettingError(f"{where}[{i}]: must be a string, got {item!r}")
            return tuple(value)
        wanted = {"int": int, "bool": bool, "str": str}.get(kind)
        if wanted is None or not isinstance(value, wanted) or (kind == "int" and isinstance(value, bool)):
            raise SettingError(f"{where}: must be {_KINDS[kind]}, got {value!r}")
        choices = self.choices
        if choices is not None and value not in choices:
            raise SettingError(f"{where}: must be one of {', '.join(choices)}, got {value!r}")
        if self.field.metadata.get("port") and isinstance(value, int):
            off = self.field.metadata.get("off")
            lowest = -1 if off else 0
            if not lowest <= value <= 65535:
                also = f" or -1 ({off})" if off else ""
                raise SettingError(
                    f"{where}: must be a port number, 0 (any free) to 65535{also}; got {value}"
                )
        return value

    def shown(self, value: Any) -> str:
        """A value as a flag takes it (tuples comma-separated)."""
        return ",".join(value) if isinstance(value, tuple) else str(value)


def _walk(settings_type: type[Any]) -> tuple[Option, ...]:
    found: list[Option] = []
    for field in dataclasses.fields(settings_type):
        meta = field.metadata
        if meta.get("section"):
            inner_type = field.default_factory
            if not isinstance(inner_type, type):
                raise TypeError(f"section {field.name}: needs a default_factory (its settings type)")
            excluded = set(meta.get("exclude", ()))
            aliases: Mapping[str, tuple[str, ...]] = meta.get("aliases", {})
            for inner in _walk(inner_type):
                if inner.field.name not in excluded:
                    extra = (*aliases.get(inner.field.name, ()), *inner.aliases)
                    own = inner.field.metadata.get("flag")
                    if own:  # the fake's own flag (--domain), under the section (--mailgun-domain)
                        extra = (*extra, f"{field.name}_{own.removeprefix('--').replace('-', '_')}")
                    found.append(Option(inner.field, field.name, extra))
        elif meta.get("cli", True):
            found.append(Option(field, "", tuple(meta.get("aliases", ()))))
    return tuple(found)


class Options(tuple[Option, ...]):
    """The settings of one dataclass (sections included, in field order) and their env var prefix."""

    prefix: str

    def __new__(cls, settings_type: type[Any], prefix: str) -> Options:
        made = super().__new__(cls, _walk(settings_type))
        made.prefix = prefix
        return made

    def find(self, name: str) -> Option | None:
        """The option ``name`` (or one of its aliases) names."""
        return next((opt for opt in self if name in opt.names), None)

    def values_of(self, settings: Any) -> dict[str, Any]:
        """Every setting's value in ``settings``, by name."""
        return {opt.name: _get(settings, opt) for opt in self}

    def check(self, settings: Any) -> None:
        """Raise :class:`SettingError` for the first value of ``settings`` that does not fit."""
        for opt in self:
            opt.check(_get(settings, opt))

    def replace(self, settings: T, values: Mapping[str, Any]) -> T:
        """``settings`` with ``values`` (by name or alias) in place, sections rebuilt."""
        top: dict[str, Any] = {}
        sections: dict[str, dict[str, Any]] = {}
        for name, value in values.items():
            opt = self.find(name)
            if opt is None:
                raise SettingError(f"{name}: unknown setting")
            if opt.section:
                sections.setdefault(opt.section, {})[opt.field.name] = value
            else:
                top[opt.field.name] = value
        for section, changes in sections.items():
            top[section] = dataclasses.replace(getattr(settings, section), **changes)
        return dataclasses.replace(settings, **top)  # type: ignore[type-var]

    def from_args(self, args: argparse.Namespace) -> dict[str, Any]:
        """The settings given as flags (added by :meth:`add_to`), checked."""
        given = {opt: getattr(args, opt.name, None) for opt in self}
        return {opt.name: opt.check(v) for opt, v in given.items() if v is not None}

    def from_env(self, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
        """The settings given as ``PREFIX_NAME`` environment variables, checked."""
        environ = os.environ if environ is None else environ
        return {
            opt.name: opt.parse(environ[opt.env(self.prefix)], opt.env(self.prefix))
            for opt in self
            if opt.env(self.prefix) in environ
        }

    def from_table(self, data: Mapping[str, Any], others: Collection[str] = ()) -> dict[str, Any]:
        """The settings a TOML document gives (``others``: its other top-level keys, left alone), checked."""
        sections = list(dict.fromkeys(opt.section for opt in self if opt.section))
        known_top = {opt.field.name for opt in self if not opt.section}
        unknown = sorted(set(data) - known_top - set(sections) - set(others))
        if unknown:
            expected = ", ".join([*sections, *others])
            raise SettingError(f"{unknown[0]}: unknown section (expected {expected})")
        for section in sections:
            table = data.get(section, {})
            if not isinstance(table, dict):
                raise SettingError(f"{section}: must be a table")
            extra = sorted(set(table) - {opt.field.name for opt in self if opt.section == section})
            if extra:
                raise SettingError(f"{section}.{extra[0]}: unknown setting")
        values: dict[str, Any] = {}
        for opt in self:
            table = data.get(opt.section, {}) if opt.section else data
            if opt.field.name in table:
                values[opt.name] = opt.check(table[opt.field.name])
        return values

    def add_to(self, parser: argparse.ArgumentParser | argparse._ArgumentGroup, *, where: str = "") -> None:
        """A flag per option (default ``None``: not given), its help naming the default, the env var and,
        with ``where`` (a file's name), the option's key in that file."""
        for opt in self:
            default = opt.default
            shown = f" (default: {opt.shown(default)})" if default not in ("", ()) else ""
            in_file = f"; {where} {opt.key}" if where else ""
            help_text = f"{opt.help}{shown} [env {opt.env(self.prefix)}{in_file}]".strip()
            kind = opt.kind
            common: dict[str, Any] = {"default": None, "help": help_text, "dest": opt.name}
            if kind == "tuple":
                parser.add_argument(*opt.flags, action="append", metavar="VALUE", **common)
            elif opt.choices:
                parser.add_argument(*opt.flags, choices=opt.choices, **common)
            elif kind == "bool":
                parser.add_argument(*opt.flags, action=argparse.BooleanOptionalAction, **common)
            else:
                kind_type = int if kind == "int" else str
                parser.add_argument(*opt.flags, type=kind_type, metavar=opt.field.name.upper(), **common)

    def markdown(self, *, where: str = "") -> str:
        """The settings as a Markdown table (flag, env var, default, what it is; with ``where``, a file's
        name, also each one's key there): the docs show this very table, and a test keeps them equal."""
        head = ["flag", "env var", "default", ""]
        if where:
            head.insert(0, f"{where} key")
        rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for opt in self:
            default = f"`{opt.shown(opt.default)}`" if opt.default not in ("", ()) else ""
            cells = [", ".join(f"`{flag}`" for flag in opt.flags), f"`{opt.env(self.prefix)}`", default]
            cells.append(opt.help.replace("|", "\\|"))
            if where:
                cells.insert(0, f"`{opt.key}`")
            rows.append("| " + " | ".join(cells) + " |")
        return "\n".join(rows) + "\n"


def _get(settings: Any, opt: Option) -> Any:
    holder = getattr(settings, opt.section) if opt.section else settings
    return getattr(holder, opt.field.name)


# The same, for one settings dataclass without sections (the fakes' ``python -m`` commands).


def cli_fields(settings_type: type[Any]) -> list[dataclasses.Field[Any]]:
    return [f for f in dataclasses.fields(settings_type) if f.metadata.get("cli", True)]


def add_arguments(parser: argparse.ArgumentParser, settings_type: type[Any], prefix: str) -> None:
    Options(settings_type, prefix).add_to(parser)


def settings_from(
    settings_type: type[T], prefix: str, args: argparse.Namespace, environ: Mapping[str, str] | None = None
) -> T:
    opts = Options(settings_type, prefix)
    try:
        values = {**opts.from_env(environ), **opts.from_args(args)}
    except SettingError as exc:
        raise SystemExit(f"error: {exc}") from exc
    return settings_type(**values)


def parse_settings(
    settings_type: type[T], prefix: str, argv: Sequence[str] | None, description: str, prog: str | None = None
) -> T:
    parser = argparse.ArgumentParser(prog=prog, description=description)
    add_arguments(parser, settings_type, prefix)
    return settings_from(settings_type, prefix, parser.parse_args(argv))
