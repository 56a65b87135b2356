"""Settings once: every harness setting is a ``harness up`` flag, a ``HARNESS_*`` env var, a harness.toml
key and a marker argument of the plugin, all with the same name and the same default (one description:
``HarnessConfig``'s fields and the fakes' own ``Settings``), as oidc-provider-mock's ``misc_test``
compares its signatures. A value given each way reaches the started harness: flag > env > file > default."""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

import fake_logto
import fake_mailgun
from fakekit import Option
from harness import ConfigError, HarnessConfig, load_harness_config, parse_harness_config
from harness._cli import build_parser
from harness._config import OPTIONS, STARTER, settings_from_env

# The names harness.toml, harness up and the plugin answered to before the settings were generated.
DOCUMENTED = {
    "host": ("host", "--host"),
    "logto_port": ("logto.port", "--logto-port"),
    "logto_endpoint": ("logto.endpoint", "--endpoint"),
    "mailgun_port": ("mailgun.port", "--mailgun-port"),
    "mailgun_smtp_port": ("mailgun.smtp_port", "--smtp-port"),
    "mailgun_domains": ("mailgun.domains", None),
    "mailgun_api_key": ("mailgun.api_key", None),
    "app_kind": ("app.kind", "--app"),
    "app_port": ("app.port", "--app-port"),
}


def _up_actions() -> dict[str, argparse.Action]:
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {action.dest: action for action in commands.choices["up"]._actions}


def _sample(opt: Option) -> tuple[Any, str]:
    """A value other than the default, and how it is written as text (env var, ini)."""
    if opt.choices:
        value = next(c for c in reversed(opt.choices) if c != opt.default)
        return value, value
    if opt.kind == "int":
        return 0, "0"
    if opt.kind == "bool":
        return True, "true"
    if opt.kind == "tuple":
        return ("a.test", "b.test"), "a.test, b.test"
    return "http://x.test", "http://x.test"


def test_every_setting_is_a_flag_an_env_var_a_toml_key_and_a_marker_argument() -> None:
    actions = _up_actions()
    starter = tomllib.loads(STARTER)
    for opt in OPTIONS:
        assert opt.name == opt.key.replace(".", "_"), "the flat name is the TOML key"
        flag = "--" + opt.name.replace("_", "-")
        action = actions[opt.name]
        assert action.option_strings[0] == flag
        assert action.default is None, "not given: the env var, the file or the default decides"
        assert opt.env("HARNESS") == "HARNESS_" + opt.name.upper()
        assert f"env {opt.env('HARNESS')}" in (action.help or "")
        assert f"harness.toml {opt.key}" in (action.help or "")
        section, _, key = opt.key.rpartition(".")
        text = STARTER.split(f"[{section}]\n", 1)[1] if section else STARTER
        assert re.search(rf"^(# )?{key} = ", text, re.MULTILINE), f"STARTER mentions {opt.key}"
        assert OPTIONS.find(opt.name) is opt, "the marker argument"
    assert {opt.name for opt in OPTIONS} >= set(DOCUMENTED)
    for name, (key, flag) in DOCUMENTED.items():
        opt = OPTIONS.find(name)
        assert opt is not None
        assert opt.key == key
        if flag:
            assert flag in actions[name].option_strings, "the documented flag keeps working"
    assert set(starter) == {"host", "logto", "mailgun", "app", "management", "tenant"}


def test_every_default_is_written_once() -> None:
    """The defaults of the flags' help, of STARTER, of an empty file and of HarnessConfig() are the
    fakes' own (or the app section's): one place each."""
    defaults = OPTIONS.values_of(HarnessConfig())
    assert OPTIONS.values_of(load_harness_config(None)) == defaults
    assert OPTIONS.values_of(parse_harness_config(tomllib.loads(STARTER))) == defaults
    own = {"logto": fake_logto.Settings(), "mailgun": fake_mailgun.Settings()}
    actions = _up_actions()
    for opt in OPTIONS:
        assert defaults[opt.name] == opt.default
        if opt.section in own:
            assert getattr(own[opt.section], opt.field.name) == opt.default, "the fake's default"
        if opt.default not in ("", ()):
            assert f"(default: {opt.shown(opt.default)})" in (actions[opt.name].help or "")
    assert HarnessConfig().host == fake_logto.Settings().host == fake_mailgun.Settings().host
    assert (defaults["logto_port"], defaults["mailgun_port"], defaults["mailgun_smtp_port"]) == (
        3001,
        5080,
        2525,
    )
    assert (defaults["app_kind"], defaults["app_port"]) == ("python", 3000)


@pytest.mark.parametrize("opt", OPTIONS, ids=lambda opt: opt.name)
def test_a_value_reads_the_same_each_way(opt: Option) -> None:
    """The flag, the env var, the TOML key and the keyword argument give one value for every setting."""
    value, text = _sample(opt)
    raw = [text] if opt.kind != "tuple" else [item for item in value]
    argv = ["up"]
    for item in raw:
        argv += [opt.flags[0]] if opt.kind == "bool" else [opt.flags[0], str(item)]  # --flag / --no-flag
    by_flag = OPTIONS.from_args(build_parser().parse_args(argv))
    by_env = settings_from_env({opt.env("HARNESS"): text})
    section, _, key = opt.key.rpartition(".")
    toml_value = list(value) if isinstance(value, tuple) else value
    by_file = OPTIONS.values_of(
        parse_harness_config({section: {key: toml_value}} if section else {key: toml_value})
    )
    by_keyword = OPTIONS.values_of(HarnessConfig().with_settings(**{opt.name: value}))
    assert by_flag == by_env == {opt.name: value}
    assert by_file[opt.name] == by_keyword[opt.name] == value
    assert getattr(HarnessConfig().with_settings(**{opt.name: value}), opt.name) == value, "config.<name>"


def test_wrong_values_name_the_setting_where_it_was_given() -> None:
    with pytest.raises(ConfigError, match=r"^mailgun\.port: must be an integer, got 'x'$"):
        parse_harness_config({"mailgun": {"port": "x"}})
    with pytest.raises(
        ConfigError, match=r"^mailgun\.port: must be a port number, 0 \(any free\) to 65535; got 70000$"
    ):
        parse_harness_config({"mailgun": {"port": 70000}})
    with pytest.raises(ConfigError, match=r"^mailgun\.domains\[1\]: must be a string, got 2$"):
        parse_harness_config({"mailgun": {"domains": ["a.test", 2]}})
    with pytest.raises(ConfigError, match=r"^app\.kind: must be one of python, go, spa, none, got 'ruby'$"):
        parse_harness_config({"app": {"kind": "ruby"}})
    with pytest.raises(ConfigError, match=r"^logto\.colour: unknown setting$"):
        parse_harness_config({"logto": {"colour": 1}})
    with pytest.raises(
        ConfigError, match=r"^web: unknown section \(expected logto, mailgun, app, management, tenant\)$"
    ):
        parse_harness_config({"web": {}})
    with pytest.raises(ConfigError, match=r"^HARNESS_LOGTO_PORT: must be an integer, got 'x'$"):
        settings_from_env({"HARNESS_LOGTO_PORT": "x"})
    with pytest.raises(
        ConfigError, match=r"^mailgun\.smtp_port: must be a port number, .* or -1 \(no SMTP\)"
    ):
        HarnessConfig().with_settings(smtp_port=-2)
    with pytest.raises(ConfigError, match=r"^colour: unknown setting$"):
        HarnessConfig().with_settings(colour=1)


def test_older_names_still_read() -> None:
    """``--endpoint``, ``--smtp-port``, ``--app`` and the marker's ``app=`` are aliases of the settings."""
    args = build_parser().parse_args(
        ["up", "--endpoint", "http://e.test", "--smtp-port", "-1", "--app", "go"]
    )
    given = OPTIONS.from_args(args)
    assert given == {"logto_endpoint": "http://e.test", "mailgun_smtp_port": -1, "app_kind": "go"}
    config = HarnessConfig().with_settings(app="none", smtp_port=0)
    assert (config.app.kind, config.mailgun.smtp_port, config.smtp_port) == ("none", 0, 0)


def test_a_value_given_each_way_reaches_the_started_harness(tmp_path: Path) -> None:
    """flag > env > file > default, through `harness up --json`: the domain is given all three ways (the
    flag's wins), the API key by env and file (the env's wins), SMTP off by the file alone, and the
    endpoint by none (the default, http://localhost:PORT)."""
    config = tmp_path / "harness.toml"
    config.write_text(
        '[mailgun]\ndomains = ["file.test"]\napi_key = "key-file"\nsmtp_port = -1\n[app]\nkind = "go"\n'
    )
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("HARNESS_")},
        "HARNESS_RUN_FILE": str(tmp_path / "run.json"),
        "HARNESS_CONFIG": str(config),
        "HARNESS_MAILGUN_DOMAINS": "env.test",
        "HARNESS_MAILGUN_API_KEY": "key-env",
        "HARNESS_APP_KIND": "none",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "harness", "up", "--json", "--ports", "free", "--mailgun-domain", "flag.test"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line, proc.stderr.read() if proc.stderr else ""
        info = json.loads(line)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=60)
    assert info["env"]["MAILGUN_DOMAIN"] == "flag.test"
    assert info["env"]["MAILGUN_API_KEY"] == "key-env"
    assert info["smtp"]["port"] is None
    assert info["app_url"] is None, "HARNESS_APP_KIND=none over the file's go"
    assert re.fullmatch(r"http://localhost:\d+", info["logto_endpoint"])


def test_harness_env_exports_no_setting() -> None:
    """``eval "$(harness env)"`` must not change the settings of a later ``harness up`` in that shell:
    the URLs it exports for the CLI (``HARNESS_MAILGUN_URL``, ``HARNESS_LOGTO_URL``) are not settings."""
    from harness import start_harness

    with start_harness(HarnessConfig(), free_ports=True) as running:
        env = running.info()["env"]
    assert {"HARNESS_MAILGUN_URL", "HARNESS_LOGTO_URL"} <= set(env)
    assert settings_from_env(env) == {}


@pytest.mark.parametrize(
    ("given", "named"),
    [({"mailgun_domains": ()}, "mailgun.domains"), ({"host": ""}, "host")],
)
def test_a_setting_that_must_hold_something_refuses_nothing(given: dict[str, Any], named: str) -> None:
    with pytest.raises(ConfigError, match=rf"^{named}: must not be empty$"):
        HarnessConfig().with_settings(**given)
    with pytest.raises(ConfigError, match=r"^mailgun\.domains: must not be empty$"):
        parse_harness_config({"mailgun": {"domains": []}})


def test_an_sms_connector_defaults_to_this_harnesss_stand_ins() -> None:
    from harness import parse_harness_config

    config = parse_harness_config(
        {
            "mailgun": {"twilio_account_sid": "AC" + "1" * 32, "twilio_auth_token": "tok"},
            "tenant": {"sms_connector": {"kind": "twilio", "config": {"fromMessagingServiceSID": "MGx"}}},
        }
    )
    twilio = config.tenant_config("http://127.0.0.1:5999").sms_connector
    assert twilio is not None
    assert twilio.kind == "twilio"
    assert twilio.config["endpoint"] == "http://127.0.0.1:5999"
    assert (twilio.config["accountSID"], twilio.config["authToken"]) == ("AC" + "1" * 32, "tok")
    assert twilio.config["fromMessagingServiceSID"] == "MGx"  # what the file gives wins
    assert {t["usageType"] for t in twilio.config["templates"]} >= {
        "Register",
        "SignIn",
        "ForgotPassword",
        "Generic",
    }

    http = parse_harness_config({"tenant": {"sms_connector": {"kind": "http"}}})
    sms = http.tenant_config("http://127.0.0.1:5999").sms_connector
    assert sms is not None
    assert sms.config == {"endpoint": "http://127.0.0.1:5999/http-sms"}
    assert parse_harness_config({}).tenant_config("http://127.0.0.1:5999").sms_connector is None
