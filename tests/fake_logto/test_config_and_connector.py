"""Tenant config validation, ``python -m fake_logto``, the public endpoint, and the Mailgun connector's
request compared byte for byte with what Logto's own connector put on the wire."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from joserfc.jwk import ECKey

from fake_logto import ConfigError, parse_config
from fake_logto import Settings as LogtoSettings
from fake_logto import serve_in_thread as serve_logto
from fake_logto._connectors import MailgunConnector

FIXTURES = (
    Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "logto-connector-mailgun-requests.jsonl"
)


def test_defaults_reproduce_the_seed() -> None:
    config = parse_config({})
    (app,) = config.applications
    assert (app.name, app.type) == ("Bookstore", "traditional")
    assert app.redirect_uris == ("http://localhost:3000/callback",)
    assert app.post_logout_redirect_uris == ("http://localhost:3000",)
    assert config.connector is not None
    assert config.connector.kind == "mailgun"
    assert set(config.connector.config) == {"endpoint", "domain", "apiKey", "from", "deliveries"}
    assert config.sign_in_experience.sign_up_identifiers == ("email",)
    assert config.code_policy.length == 6
    assert config.code_policy.expiry == 600


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"applications": [{"name": "A", "type": "desktop", "id": "a"}]}, "applications[0].type"),
        ({"applications": [{"name": "A", "type": "traditional", "id": "a", "redirect_uris": ["http://x.test/cb"]}]}, "applications[0].secret"),
        ({"applications": [{"name": "A", "type": "spa", "id": "a", "redirect_uris": ["not a url"]}]}, "applications[0].redirect_uris"),
        ({"applications": [{"name": "A", "type": "spa", "id": "a", "redirect_uris": ["http://x.test/cb"], "colour": 1}]}, "applications[0].colour"),
        ({"resources": [{"indicator": "https://api.test", "access_token_ttl": -5}]}, "resources[0].access_token_ttl"),
        ({"users": [{"name": "nobody"}]}, "users[0]"),
        ({"users": [{"email": "x@y.test", "roles": ["ghost"]}]}, "users[0].roles"),
        ({"sign_in_experience": {"sign_up": {"identifiers": ["fax"]}}}, "sign_in_experience.sign_up.identifiers[0]"),
        ({"sign_in_experience": {"sign_up": {"verify": False}}}, "sign_in_experience.sign_up.verify"),
        ({"connector": {"kind": "mailgun", "config": {"domain": "d", "apiKey": "k", "from": "f", "deliveries": {}}}}, "connector.config.deliveries"),
        ({"connector": {"kind": "mailgun", "config": {"endpoint": "http://127.0.0.1:5080", "domain": "d", "apiKey": "k", "from": "f", "deliveries": {"SignIn": {"html": "x"}}}}}, "connector.config.endpoint"),
        ({"connector": {"kind": "mailgun", "config": {"domain": "d", "apiKey": "k", "from": "f", "deliveries": {"Login": {"html": "x"}}}}}, "connector.config.deliveries.Login"),
        ({"code_policy": {"length": 2}}, "code_policy.length"),
        ({"endpoint": "localhost:3001"}, "endpoint"),
    ],
)  # fmt: skip
def test_invalid_config_names_the_field(data: dict[str, Any], field: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(data)
    assert str(caught.value).startswith(field + ":"), str(caught.value)


def test_seed_connector_json_is_accepted_verbatim() -> None:
    seed = {
        "Register": {
            "subject": "{{code}} est votre code de vérification",
            "replyTo": "Foo <foo@example.com>",
            "html": "<h1>Bienvenue sur Logto</h1><p>Votre code de vérification est {{code}}.</p>",
            "text": "Bienvenue sur Logto. Votre code de vérification est {{code}}.",
        },
        "SignIn": {"subject": "Bon retour sur Logto", "replyTo": "Foo <foo@example.com>", "template": "logto-sign-in", "variables": {"bar": "baz"}},
    }  # fmt: skip
    raw = json.dumps(
        {"domain": "example.com", "apiKey": "key", "from": "Logto <no-reply@example.com>", "deliveries": seed}
    )
    config = parse_config({"connector": {"kind": "mailgun", "config": raw}})
    assert config.connector is not None
    assert config.connector.config["deliveries"] == seed


@pytest.mark.parametrize("index", [0, 1, 2])
def test_connector_request_matches_logtos_byte_for_byte(index: int) -> None:
    captured = json.loads(FIXTURES.read_text().splitlines()[index])
    config = {
        "endpoint": "http://127.0.0.1:8765/.mailgun.net",
        "domain": "d.test" if index < 2 else "bad.test",
        "apiKey": "key-test",
        "from": "Logto <no-reply@d.test>",
        "deliveries": {
            "Generic": {"template": "logto-code", "variables": {"app": "X"}, "subject": "Code {{code}}", "replyTo": "Help <help@d.test>"},
            "SignIn": {"subject": "Sign in {{code}}", "html": "<p>{{code}}</p>", "text": "code {{code}}"},
        },
    }  # fmt: skip
    usage, code = [("Generic", "123456"), ("SignIn", "654321"), ("SignIn", "1")][index]
    connector = MailgunConnector(config, httpx.AsyncClient())
    url, headers, body, _key = connector.request("u@e.com", usage, {"code": code})
    assert url == f"http://{captured['headers']['Host']}{captured['path']}"
    assert body.decode() == captured["body"]
    for name in ("authorization", "content-type", "user-agent"):
        assert headers[name] == captured["headers"][name]


def test_public_endpoint_is_separate_from_the_bind_address() -> None:
    settings = LogtoSettings(port=0, endpoint="http://auth.example.test:3001")
    with serve_logto(settings) as logto:
        discovery = httpx.get(f"{logto.url}/oidc/.well-known/openid-configuration").json()
    assert logto.url.startswith("http://127.0.0.1:")
    assert discovery["issuer"] == "http://auth.example.test:3001/oidc"
    assert discovery["token_endpoint"] == "http://auth.example.test:3001/oidc/token"


def test_module_runs_and_reports_a_bad_config(tmp_path: Path) -> None:
    bad = tmp_path / "tenant.toml"
    bad.write_text('[[applications]]\nname = "X"\ntype = "desktop"\nid = "x"\n')
    done = subprocess.run(
        [sys.executable, "-m", "fake_logto", "--config", str(bad), "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "applications[0].type: must be one of traditional, spa, native, m2m" in done.stderr

    good = tmp_path / "good.toml"
    good.write_text('endpoint = "http://localhost:3999"\n')
    proc = subprocess.Popen(
        [sys.executable, "-m", "fake_logto", "--config", str(good), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "FAKE_LOGTO_HOST": "127.0.0.1"},
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        assert "issuer http://localhost:3999/oidc" in proc.stdout.readline()
        assert "app 'Bookstore' (traditional)  id bookstore" in proc.stdout.readline()
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=10)
    assert proc.returncode == 0


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('{"kty":', "not a private P-384 JWK: Expecting value"),
        ('{"kty": "oct", "k": "abc"}', "not a private P-384 JWK"),
        (json.dumps(ECKey.generate_key("P-256", private=True).as_dict(private=True)), "ES384 signs with one"),
        (
            json.dumps(ECKey.generate_key("P-384", private=True).as_dict(private=False)),
            "ES384 signs with one",
        ),
    ],
    ids=["not-json", "not-ec", "p-256", "public-only"],
)
def test_a_keys_file_without_a_private_p384_key_is_a_config_error(
    tmp_path: Path, content: str, problem: str
) -> None:
    keys = tmp_path / "keys.jwk"
    keys.write_text(content)
    done = subprocess.run(
        [sys.executable, "-m", "fake_logto", "--keys-file", str(keys), "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.startswith(f"fake_logto: invalid config: keys_file {keys}: ")
    assert problem in done.stderr
    assert "Traceback" not in done.stderr


def test_internal_url_serves_back_channel_endpoints_to_containers() -> None:
    """As in docker-compose: the browser uses the public URL, other containers the internal one, and the
    issuer is one value for both."""
    with serve_logto(LogtoSettings(port=0)) as probe:
        port = probe.port
    settings = LogtoSettings(
        port=port, endpoint=f"http://localhost:{port}", internal_url=f"http://127.0.0.1:{port}"
    )
    with serve_logto(settings) as logto:
        inside = httpx.get(f"http://127.0.0.1:{port}/oidc/.well-known/openid-configuration").json()
        outside = httpx.get(f"http://localhost:{port}/oidc/.well-known/openid-configuration").json()
    assert logto.endpoint == f"http://localhost:{port}"
    assert inside["issuer"] == outside["issuer"] == f"http://localhost:{port}/oidc"
    assert (
        inside["authorization_endpoint"]
        == outside["authorization_endpoint"]
        == f"http://localhost:{port}/oidc/auth"
    )
    assert inside["end_session_endpoint"] == f"http://localhost:{port}/oidc/session/end"
    for key in (
        "token_endpoint",
        "jwks_uri",
        "userinfo_endpoint",
        "revocation_endpoint",
        "introspection_endpoint",
    ):
        assert inside[key].startswith(f"http://127.0.0.1:{port}/oidc/"), key
        assert outside[key].startswith(f"http://localhost:{port}/oidc/"), key
