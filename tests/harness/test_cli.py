"""``python -m fake_mailgun`` and ``harness up`` / ``harness mail`` as processes, over real sockets."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from fake_mailgun import DEFAULT_API_KEY, Running, Settings, serve_in_thread


def _spawn(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=10)


def test_fake_mailgun_module_prints_chosen_ports_and_reads_env(
    processes: list[subprocess.Popen[str]],
) -> None:
    proc = _spawn(
        "-m", "fake_mailgun", "--port", "0", "--smtp-port", "0",
        env={"FAKE_MAILGUN_DOMAINS": "a.example.test,b.example.test", "FAKE_MAILGUN_API_KEY": "key-from-env"},
    )  # fmt: skip
    processes.append(proc)
    assert proc.stdout is not None
    http_line, smtp_line, domains_line = (proc.stdout.readline() for _ in range(3))
    url = re.search(r"http://127\.0\.0\.1:(\d+)", http_line)
    assert url, http_line
    assert int(url.group(1)) > 0, http_line
    assert re.search(r"SMTP\s+127\.0\.0\.1:\d+", smtp_line), smtp_line
    assert "a.example.test, b.example.test" in domains_line
    with httpx.Client(base_url=url.group(0), timeout=10) as client:
        domains = client.get("/v3/domains", auth=("api", "key-from-env")).json()
        assert [d["name"] for d in domains["items"]] == ["a.example.test", "b.example.test"]
        assert client.get("/v3/domains", auth=("api", DEFAULT_API_KEY)).status_code == 401
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=60) == 0


def test_port_in_use_fails_with_a_message_naming_it(processes: list[subprocess.Popen[str]]) -> None:
    with serve_in_thread(Settings(port=0, smtp_port=-1)) as taken:
        proc = _spawn("-m", "fake_mailgun", "--port", str(taken.port), "--smtp-port", "-1")
        processes.append(proc)
        _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 1
    assert f"HTTP port {taken.port} on 127.0.0.1 is already in use" in err


@pytest.mark.parametrize("fake", ["fake_mailgun", "fake_logto"])
def test_a_fake_on_an_address_the_machine_lacks_says_so_in_one_line(
    processes: list[subprocess.Popen[str]], fake: str
) -> None:
    proc = _spawn("-m", fake, "--host", "192.0.2.1", "--port", "0")  # TEST-NET-1: never this machine's
    processes.append(proc)
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 1
    assert err.strip().splitlines() == [
        f"{fake}: {fake} HTTP cannot listen on 192.0.2.1 port 0: Cannot assign requested address"
    ]


def test_harness_up_json_then_ctrl_c(processes: list[subprocess.Popen[str]], tmp_path: Path) -> None:
    run_file = tmp_path / "run.json"
    proc = _spawn(
        "-m", "harness", "up", "--json", "--ports", "free", "--app", "none",
        env={"HARNESS_RUN_FILE": str(run_file)},
    )  # fmt: skip
    processes.append(proc)
    assert proc.stdout is not None
    info = json.loads(proc.stdout.readline())
    contract = {"logto_endpoint", "mailgun_url", "smtp", "inbox_url", "debug_url", "app", "app_url", "env"}
    assert set(info) >= contract
    assert set(info["app"]) == {"id", "secret", "redirect_uri", "post_logout_redirect_uri"}
    assert info["app"]["redirect_uri"] == "http://localhost:3000/callback", "no app: the config's URIs"
    assert info["app_url"] is None
    assert {"LOGTO_ENDPOINT", "LOGTO_APP_ID", "LOGTO_APP_SECRET"} <= set(info["env"])
    assert json.loads(run_file.read_text())["mailgun_url"] == info["mailgun_url"]
    with httpx.Client(timeout=10) as client:
        discovery = client.get(info["logto_endpoint"] + "/oidc/.well-known/openid-configuration").json()
        assert discovery["issuer"] == info["logto_endpoint"] + "/oidc"
        assert client.get(info["mailgun_url"] + "/__harness/health").json()["status"] == "ok"
        assert "<title>" in client.get(info["inbox_url"]).text
    env = {**os.environ, "HARNESS_RUN_FILE": str(run_file)}
    printed = subprocess.run(
        [sys.executable, "-m", "harness", "env"], env=env, capture_output=True, text=True, timeout=30
    )
    assert f"export LOGTO_ENDPOINT={info['logto_endpoint']}" in printed.stdout
    added = subprocess.run(
        [sys.executable, "-m", "harness", "users", "add", "--email", "cli@example.test", "--password", "pw-123456789"],
        env=env, capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    listed = subprocess.run(
        [sys.executable, "-m", "harness", "users", "list"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert "cli@example.test" in listed.stdout
    # `harness users` goes through the Management API with the M2M app `harness env` names.
    assert info["management"] == {
        "app_id": "harness-management",
        "app_secret": "harness-management-secret",
        "resource": "https://default.logto.app/api",
    }
    assert "export LOGTO_M2M_APP_ID=harness-management" in printed.stdout
    user_id = json.loads(added.stdout)["id"]
    with httpx.Client(timeout=10) as client:
        token = client.post(
            info["logto_endpoint"] + "/oidc/token",
            data={
                "grant_type": "client_credentials",
                "resource": info["management"]["resource"],
                "scope": "all",
            },
            auth=(info["management"]["app_id"], info["management"]["app_secret"]),
        ).json()["access_token"]
        mine = client.get(
            f"{info['logto_endpoint']}/api/users/{user_id}", headers={"authorization": f"Bearer {token}"}
        )
        assert mine.json()["primaryEmail"] == "cli@example.test"
    deleted = subprocess.run(
        [sys.executable, "-m", "harness", "users", "delete", user_id],
        env=env, capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert deleted.returncode == 0, deleted.stderr
    refused = subprocess.run(
        [sys.executable, "-m", "harness", "users", "delete", user_id],
        env=env, capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert refused.returncode == 1
    assert f"DELETE /api/users/{user_id} → 404 entity.not_found" in refused.stderr
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=60) == 0
    assert not run_file.exists(), "the run file is removed on exit"
    for url in (info["mailgun_url"] + "/__harness/health", info["logto_endpoint"] + "/oidc/jwks"):
        with pytest.raises(httpx.ConnectError), httpx.Client(timeout=2) as client:
            client.get(url)


def test_harness_up_prints_a_table_and_the_env(
    processes: list[subprocess.Popen[str]], tmp_path: Path
) -> None:
    """Without --json: progress on stderr, then every URL of the run, the app's credentials and the env
    vars an app needs on stdout; Ctrl-C says it stopped."""
    run_file = tmp_path / "run.json"
    proc = _spawn(
        "-m", "harness", "up", "--ports", "free", "--app", "none", env={"HARNESS_RUN_FILE": str(run_file)}
    )  # fmt: skip
    processes.append(proc)
    assert proc.stdout is not None
    assert proc.stderr is not None
    assert proc.stderr.readline().startswith("starting fake_mailgun, fake_logto")
    lines = []
    while not lines or not lines[-1].startswith("Press Ctrl-C"):
        line = proc.stdout.readline()
        assert line, f"harness up ended early: {lines}"
        lines.append(line)
    table = "".join(lines)
    assert re.match(r"logto-harness is up \(\d+\.\d s\)", table)
    info = json.loads(run_file.read_text())
    shown = [
        info["logto_endpoint"],
        f"{info['app']['id']} / {info['app']['secret']}",
        info["app"]["redirect_uri"],
        info["mailgun_url"],
        info["inbox_url"],
        f"{info['smtp']['host']}:{info['smtp']['port']}",
        info["debug_url"],
        info["sign_in_url"],
    ]
    for value in shown:
        assert value in table, value
    for key, value in info["env"].items():
        assert f"export {key}={value}\n" in table
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0
    assert err.strip().endswith("stopped.")


def test_harness_up_without_smtp_and_with_bad_ports_or_host(processes: list[subprocess.Popen[str]]) -> None:
    """`--smtp-port -1` runs without the SMTP capture (no SMTP env vars); a port out of range is a
    config error; an address this machine does not have is named, without a traceback."""
    proc = _spawn("-m", "harness", "up", "--json", "--ports", "free", "--app", "none", "--smtp-port", "-1")
    processes.append(proc)
    assert proc.stdout is not None
    info = json.loads(proc.stdout.readline())
    assert info["smtp"]["port"] is None
    assert "SMTP_PORT" not in info["env"]
    with httpx.Client(timeout=10) as client:
        assert client.get(info["mailgun_url"] + "/__harness/health").json()["status"] == "ok"
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=60) == 0

    run = [sys.executable, "-m", "harness", "up", "--app", "none"]
    out_of_range = subprocess.run([*run, "--smtp-port", "70000"], capture_output=True, text=True, timeout=60)
    assert out_of_range.returncode == 2
    assert "mailgun.smtp_port: must be a port number" in out_of_range.stderr
    # 192.0.2.1 is TEST-NET-1 (RFC 5737): never an address of this machine.
    elsewhere = subprocess.run([*run, "--host", "192.0.2.1"], capture_output=True, text=True, timeout=60)
    assert elsewhere.returncode == 1
    assert "harness: cannot start: fake_mailgun HTTP cannot listen on 192.0.2.1 port 5080" in elsewhere.stderr
    assert "Traceback" not in elsewhere.stderr


def test_harness_up_names_the_port_in_use(processes: list[subprocess.Popen[str]]) -> None:
    with serve_in_thread(Settings(port=0, smtp_port=-1)) as taken:
        proc = _spawn(
            "-m", "harness", "up", "--mailgun-port", str(taken.port), "--logto-port", "0", "--smtp-port", "0"
        )
        processes.append(proc)
        _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 1
    assert f"fake_mailgun HTTP port {taken.port} on 127.0.0.1 is already in use" in err
    with socket.create_server(("127.0.0.1", 0)) as app_port_taken:
        port = app_port_taken.getsockname()[1]
        free = ("--logto-port", "0", "--mailgun-port", "0", "--smtp-port", "0")
        done = subprocess.run(
            [sys.executable, "-m", "harness", "up", "--app", "python", "--app-port", str(port), *free],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert done.returncode == 1
    assert f"harness: python sample app port {port} on 127.0.0.1 is already in use" in done.stderr
    assert "[python app]" not in done.stderr, "named before the app was started"


def test_harness_init_writes_a_config_up_accepts(tmp_path: Path) -> None:
    target = tmp_path / "harness.toml"
    done = subprocess.run(
        [sys.executable, "-m", "harness", "init", str(target)], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    from harness import load_harness_config

    config = load_harness_config(target)
    assert (config.logto_port, config.mailgun_port, config.app_port) == (3001, 5080, 3000)
    tenant = config.tenant_config("http://127.0.0.1:5999")
    assert tenant.connector is not None
    assert tenant.connector.config["endpoint"] == "http://127.0.0.1:5999/.mailgun.net"
    again = subprocess.run(
        [sys.executable, "-m", "harness", "init", str(target)], capture_output=True, text=True, timeout=30
    )
    assert again.returncode == 1
    assert "exists" in again.stderr


def test_harness_token_mints_a_client_credentials_token(tmp_path: Path) -> None:
    config = tmp_path / "harness.toml"
    config.write_text(
        '[[tenant.applications]]\nname = "Web"\ntype = "traditional"\nid = "web"\nsecret = "s"\n'
        'redirect_uris = ["http://localhost:3000/callback"]\n'
        '[[tenant.applications]]\nname = "Jobs"\ntype = "m2m"\nid = "jobs"\nsecret = "jobs-secret"\n'
        '[[tenant.resources]]\nindicator = "https://api.test"\nscopes = ["read"]\n'
    )
    from harness import load_harness_config, start_harness

    with start_harness(load_harness_config(config), free_ports=True) as running:
        done = subprocess.run(
            [sys.executable, "-m", "harness", "token", "--resource", "https://api.test", "--app-id", "jobs",
             "--app-secret", "jobs-secret", "--mailgun-url", running.mailgun_url, "--logto-endpoint", running.logto.url],
            capture_output=True, text=True, timeout=30,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.count(".") == 2, "a JWT"


def test_commands_without_a_running_harness_say_so(tmp_path: Path) -> None:
    env = {**os.environ, "HARNESS_RUN_FILE": str(tmp_path / "none.json")}
    env.pop("HARNESS_MAILGUN_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "harness", "mail", "list"], env=env, capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 1
    assert "no running harness found" in done.stderr


def test_doctor_reports_each_check() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "harness", "doctor"], capture_output=True, text=True, timeout=60
    )
    for name in ("python >= 3.11", "config", "chromium", "fake_logto port 3001"):
        assert name in done.stdout


def test_doctor_skips_a_port_that_is_off() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "harness", "doctor"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "HARNESS_MAILGUN_SMTP_PORT": "-1"},
    )
    assert "Traceback" not in done.stderr
    assert "fake_logto port 3001" in done.stdout
    assert "smtp port" not in done.stdout


def test_harness_mail_code_prints_the_code_of_a_later_message(
    mailgun: Running, api: httpx.Client, address: str, processes: list[subprocess.Popen[str]]
) -> None:
    proc = _spawn(
        "-m", "harness", "mail", "code", address, "--timeout", "10", env={"HARNESS_MAILGUN_URL": mailgun.url}
    )
    processes.append(proc)
    assert proc.stderr is not None
    assert "waiting up to 10 s for a message to" in proc.stderr.readline()
    data = {"from": "a@example.test", "to": address, "subject": "Code 918273", "text": "Your code is 918273"}
    api.post("/v3/mg.example.test/messages", data=data).raise_for_status()
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert out == "918273\n"


def test_harness_mail_code_reads_a_text_message_by_number(mailgun: Running) -> None:
    from fake_mailgun import DEFAULT_TWILIO_ACCOUNT_SID, DEFAULT_TWILIO_AUTH_TOKEN

    number = f"+1201555{uuid.uuid4().int % 10_000:04d}"
    sent = httpx.post(
        f"{mailgun.url}/2010-04-01/Accounts/{DEFAULT_TWILIO_ACCOUNT_SID}/Messages.json",
        data={"To": number, "MessagingServiceSid": "MG" + "0" * 32, "Body": "Your code is 551177."},
        auth=(DEFAULT_TWILIO_ACCOUNT_SID, DEFAULT_TWILIO_AUTH_TOKEN),
    )
    assert sent.status_code == 201, sent.text
    done = subprocess.run(
        [sys.executable, "-m", "harness", "mail", "code", number.removeprefix("+"), "--timeout", "5"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "HARNESS_MAILGUN_URL": mailgun.url},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "551177\n"


def test_harness_mail_code_times_out_clearly(mailgun: Running, address: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "harness", "mail", "code", address, "--timeout", "0.2"],
        env={**os.environ, "HARNESS_MAILGUN_URL": mailgun.url},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 1
    assert f"no message to {address} arrived within 0.2 s" in done.stderr


def test_every_setting_is_a_flag_and_an_env_var() -> None:
    from fakekit import Options, cli_fields, settings_from
    from fakekit import parse_settings as parse

    flags = parse(Settings, "FAKE_MAILGUN", ["--domain", "a.test", "--domain", "b.test", "--port", "0"], "")
    assert (flags.domains, flags.port) == (("a.test", "b.test"), 0)
    environ = {"FAKE_MAILGUN_DOMAINS": "c.test, d.test", "FAKE_MAILGUN_SMTP_PORT": "-1"}
    import argparse

    from_env = settings_from(Settings, "FAKE_MAILGUN", argparse.Namespace(), environ)
    assert (from_env.domains, from_env.smtp_port) == (("c.test", "d.test"), -1)
    names = {f.name for f in cli_fields(Settings)}
    assert names == {
        "host",
        "port",
        "smtp_port",
        "domains",
        "api_key",
        "webhook_signing_key",
        "webhooks",
        "twilio_account_sid",
        "twilio_auth_token",
        "http_sms_authorization",
        "public_url",
    }
    assert {opt.env("FAKE_MAILGUN") for opt in Options(Settings, "FAKE_MAILGUN")} >= {"FAKE_MAILGUN_API_KEY"}


@pytest.mark.parametrize("module", ["fake_logto", "fake_mailgun", "harness"])
def test_each_package_imports_on_its_own(module: str) -> None:
    """Each package alone, and every export it lists (they load on first use)."""
    code = f"import {module}\nfor name in {module}.__all__:\n    assert getattr({module}, name) is not None, name"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_harness_up_binds_before_loading_the_servers() -> None:
    """What `harness up` does before it starts the sample app — parse its flags, read the config (tenant
    included), bind the sockets — loads no web stack: the app's start overlaps the servers' imports."""
    code = """
import sys
from harness._cli import build_parser
from harness._config import load_harness_config
from fakekit import bind
build_parser().parse_args(["up", "--json"])
config = load_harness_config(None)
tenant = config.tenant_config("http://127.0.0.1:5080", "http://localhost:3000")
sock = bind("127.0.0.1", 0, "test")
assert tenant.public_endpoint("", sock.getsockname()[1]).startswith("http://localhost:")
heavy = sorted({"fastapi", "starlette", "uvicorn", "pydantic", "httpx", "joserfc", "jinja2"} & set(sys.modules))
assert not heavy, heavy
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_harness_events_follow_prints_new_events(processes: list[subprocess.Popen[str]]) -> None:
    from harness import load_harness_config, start_harness

    with start_harness(load_harness_config(None), free_ports=True) as running:
        # SIGINT inherited as ignored (as under xdist workers): Ctrl-C must still stop it.
        proc = subprocess.Popen(
            [sys.executable, "-m", "harness", "events", "--follow", "--logto-endpoint", running.logto.url,
             "--mailgun-url", running.mailgun_url],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
        )  # fmt: skip
        processes.append(proc)
        httpx.get(running.logto.url + "/oidc/auth", params={"client_id": "nobody"})
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert "error" in line
        assert "invalid_client" in line
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 0
