"""fakekit's options: one settings dataclass (with sections) → flags, env vars, TOML keys, keywords."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field

import pytest

import fake_logto
import fake_mailgun
from fakekit import Options, SettingError, parse_settings


@dataclass(frozen=True, kw_only=True)
class Inner:
    port: int = field(default=80, metadata={"help": "a port", "port": True, "off": "none"})
    names: tuple[str, ...] = field(default=("a",), metadata={"flag": "--name"})
    colour: str = field(default="red", metadata={"choices": ("red", "blue"), "aliases": ("hue",)})
    hidden: str = ""
    loud: bool = False
    clock: object = field(default=None, metadata={"cli": False})


@dataclass(frozen=True, kw_only=True)
class Outer:
    host: str = "h"
    inner: Inner = field(default_factory=Inner, metadata={"section": True, "exclude": ("hidden",)})


OPTS = Options(Outer, "APP")


def test_sections_name_flags_env_vars_keys_and_aliases() -> None:
    rows = [(o.name, o.key, o.flags, o.env(OPTS.prefix), o.kind) for o in OPTS]
    assert rows == [
        ("host", "host", ("--host",), "APP_HOST", "str"),
        ("inner_port", "inner.port", ("--inner-port",), "APP_INNER_PORT", "int"),
        ("inner_names", "inner.names", ("--inner-names", "--inner-name"), "APP_INNER_NAMES", "tuple"),
        ("inner_colour", "inner.colour", ("--inner-colour", "--hue"), "APP_INNER_COLOUR", "str"),
        ("inner_loud", "inner.loud", ("--inner-loud",), "APP_INNER_LOUD", "bool"),
    ]
    assert OPTS.find("hue") is OPTS.find("inner_colour")


def test_flag_over_env_and_each_source_checked() -> None:
    parser = argparse.ArgumentParser()
    OPTS.add_to(parser, where="app.toml")
    args = parser.parse_args(["--inner-name", "x", "--inner-name", "y", "--inner-loud"])
    env = {"APP_INNER_NAMES": "p, q", "APP_INNER_PORT": "-1", "APP_HOST": "e"}
    values = {**OPTS.from_env(env), **OPTS.from_args(args)}
    assert values == {"inner_names": ("x", "y"), "inner_port": -1, "host": "e", "inner_loud": True}
    settings = OPTS.replace(Outer(), values)
    assert settings.inner == Inner(names=("x", "y"), port=-1, loud=True)
    assert OPTS.values_of(settings)["inner_colour"] == "red"
    assert OPTS.from_table({"inner": {"names": ["t"], "colour": "blue"}}) == {
        "inner_names": ("t",),
        "inner_colour": "blue",
    }
    with pytest.raises(
        SettingError, match=r"^inner\.port: must be a port number.* or -1 \(none\); got 70000"
    ):
        OPTS.from_table({"inner": {"port": 70000}})
    with pytest.raises(SettingError, match=r"^inner\.port: must be an integer, got True$"):
        OPTS.from_table({"inner": {"port": True}})
    with pytest.raises(SettingError, match=r"^inner\.hidden: unknown setting$"):
        OPTS.from_table({"inner": {"hidden": "x"}})
    with pytest.raises(SettingError, match=r"^APP_INNER_COLOUR: must be one of red, blue, got 'green'$"):
        OPTS.from_env({"APP_INNER_COLOUR": "green"})
    assert "(default: 80) [env APP_INNER_PORT; app.toml inner.port]" in " ".join(parser.format_help().split())


def test_the_fakes_commands_keep_their_flags_and_env_vars() -> None:
    logto = parse_settings(
        fake_logto.Settings, "FAKE_LOGTO", ["--port", "0", "--endpoint", "http://e.test"], ""
    )
    assert (logto.port, logto.endpoint) == (0, "http://e.test")
    mailgun = parse_settings(
        fake_mailgun.Settings, "FAKE_MAILGUN", ["--domain", "a.test", "--webhook", "u"], ""
    )
    assert (mailgun.domains, mailgun.webhooks) == (("a.test",), ("u",))
    with pytest.raises(SystemExit, match="smtp_port: must be a port number"):
        parse_settings(fake_mailgun.Settings, "FAKE_MAILGUN", ["--smtp-port", "-2"], "")


def test_a_yes_or_no_setting_refuses_other_words() -> None:
    loud = Options(Outer, "T").find("inner_loud")
    assert loud is not None
    assert [loud.parse(word) for word in ("yes", "ON", "1", "false", "no", "0")] == [True] * 3 + [False] * 3
    with pytest.raises(SettingError, match=r"^T_INNER_LOUD: must be true or false, got 'maybe'$"):
        Options(Outer, "T").from_env({"T_INNER_LOUD": "maybe"})
