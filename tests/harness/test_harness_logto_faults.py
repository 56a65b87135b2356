"""fake_logto's faults, key rotation and attack tokens through the harness: the client
(``client.logto.faults``, ``rotate_keys``, ``attack_token``), the ``logto_faults`` fixture (cleared after
each test) and the CLI (``harness faults``, ``harness keys rotate``, ``harness token --attack``)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from fake_logto import paths
from harness import APIError, Client, Harness, load_harness_config, start_harness
from harness._cli import main

pytest_plugins = ["pytester"]
# An in-process inner run shares the outer process's garbage collector: an object another test of this
# worker left behind (seen: an unclosed AF_UNIX socket) may be collected during it and reported as the
# inner test's error; the outer session reports such leaks itself, so the inner runs do not.
INNER = ("-p", "no:playwright", "-p", "no:cacheprovider", "-p", "no:xdist", "-p", "no:unraisableexception")
RESOURCE = "https://api.test"
CONFIG = (
    '[[tenant.applications]]\nname = "Web"\ntype = "traditional"\nid = "web"\nsecret = "s"\n'
    'redirect_uris = ["http://localhost:3000/callback"]\n'
    f'[[tenant.resources]]\nindicator = "{RESOURCE}"\nscopes = ["read", "write"]\n'
)


def test_the_client_adds_lists_and_clears_logto_faults(harness: Harness) -> None:
    faults = harness.client.logto.faults
    try:
        rule = faults.add("jwks", status=503, count=1)
        assert (rule["endpoint"], rule["status"], rule["remaining"]) == ("jwks", 503, 1)
        assert [f["id"] for f in faults.list()] == [rule["id"]]
        assert httpx.get(harness.logto.url + paths.JWKS).status_code == 503
        assert faults.list() == []
        with pytest.raises(APIError, match="a fault needs a status, an error, a code, drop or a delay_ms"):
            faults.add("jwks")
    finally:
        faults.clear()


def test_the_client_rotates_keys_and_mints_attack_tokens(harness: Harness) -> None:
    rotated = harness.client.logto.rotate_keys()
    assert rotated["kids"][0] == rotated["kid"]
    jwks = httpx.get(harness.logto.url + paths.JWKS).json()
    assert [k["kid"] for k in jwks["keys"]] == rotated["kids"]
    minted = harness.client.logto.attack_token("expired", "https://default.logto.app/api")
    assert (minted["kind"], minted["rejected_by"]) == ("expired", "exp")
    assert minted["token"].count(".") == 2


def test_the_logto_faults_fixture_clears_after_each_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
def test_adds_a_rule(logto_faults):
    logto_faults.add("token", status=503)
    assert len(logto_faults.list()) == 1

def test_starts_without_it(harness):
    assert harness.client.logto.faults.list() == []
"""
    )
    pytester.runpytest(*INNER).assert_outcomes(passed=2)


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    config = tmp_path_factory.mktemp("cli") / "harness.toml"
    config.write_text(CONFIG)
    with start_harness(load_harness_config(config), free_ports=True, app="none") as started:
        yield started


def _run(capsys: pytest.CaptureFixture[str], running: Harness, *argv: str) -> tuple[int, str, str]:
    where = ("--mailgun-url", running.mailgun_url, "--logto-url", running.logto.url)
    code = main([*argv, *where])
    out, err = capsys.readouterr()
    return code, out, err


def test_harness_faults_add_list_and_clear_on_both_fakes(
    capsys: pytest.CaptureFixture[str], running: Harness
) -> None:
    code, out, _err = _run(
        capsys, running, "faults", "add", "logto", "--endpoint", "token", "--grant-type", "refresh_token",
        "--error", "invalid_grant", "--count", "1",
    )  # fmt: skip
    assert code == 0
    assert json.loads(out)["error"] == "invalid_grant"
    code, out, _err = _run(capsys, running, "faults", "add", "mailgun", "--status", "429", "--count", "1")
    assert code == 0
    assert json.loads(out)["status"] == 429
    code, out, _err = _run(capsys, running, "faults", "list")
    assert [(item["fake"], item["status"]) for item in map(json.loads, out.splitlines())] == [
        ("logto", None),
        ("mailgun", 429),
    ]
    code, out, _err = _run(capsys, running, "faults", "clear", "logto")
    assert out == "cleared the faults of fake_logto\n"
    with Client(running.mailgun_url, running.logto.url) as client:
        assert client.logto.faults.list() == []
        assert len(client.faults.list()) == 1
    code, out, _err = _run(capsys, running, "faults", "clear")
    assert out.splitlines() == ["cleared the faults of fake_logto", "cleared the faults of fake_mailgun"]


def test_harness_faults_refuses_another_fakes_options(
    capsys: pytest.CaptureFixture[str], running: Harness
) -> None:
    code, _out, err = _run(capsys, running, "faults", "add", "mailgun", "--status", "503", "--drop")
    assert code == 1
    assert "--drop: not a fault option of fake_mailgun" in err
    code, _out, err = _run(capsys, running, "faults", "add", "logto", "--endpoint", "jwks")
    assert code == 1
    assert "a fault needs a status" in err


def test_harness_keys_rotate_and_token_attack(capsys: pytest.CaptureFixture[str], running: Harness) -> None:
    code, out, _err = _run(capsys, running, "keys", "rotate", "--drop-previous")
    assert code == 0
    rotated = json.loads(out)
    assert rotated["kids"] == [rotated["kid"]]
    code, out, _err = _run(
        capsys, running, "token", "--attack", "wrong-audience", "--resource", RESOURCE, "--json"
    )
    assert code == 0
    assert json.loads(out)["rejected_by"] == "aud"
    code, out, _err = _run(capsys, running, "token", "--attack", "valid", "--resource", RESOURCE)
    assert out.count(".") == 2
    code, _out, err = _run(capsys, running, "token", "--resource", RESOURCE)
    assert code == 1
    assert "needs --app-id and --app-secret (or --attack KIND)" in err


def test_harness_token_attack_refuses_an_unknown_resource(
    capsys: pytest.CaptureFixture[str], running: Harness
) -> None:
    code, _out, err = _run(capsys, running, "token", "--attack", "expired", "--resource", "https://nope.test")
    assert code == 1
    assert "no API resource 'https://nope.test'" in err
