"""The conformance runner's own logic: jest's JSON report to counts, the table, the file lists, the
tenants it starts (Logto's seed shape, dev mode on) — without npm or jest."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import httpx
import pytest

from conformance import _run, _servers, _suite
from conformance._report import (
    FileResult,
    first_line,
    parse_report,
    read_report,
    recorded_passes,
    regressions,
    summary_line,
    table,
)

# A trimmed jest --json report: one passing, one failing (with colours), one skipped test.
REPORT = {
    "numFailedTests": 1,
    "numPassedTests": 1,
    "testResults": [
        {
            "name": "/x/lib/tests/api/oidc/id-token.test.js",
            "status": "failed",
            "message": "",
            "assertionResults": [
                {"fullName": "ID token has roles", "status": "passed", "failureMessages": []},
                {
                    "fullName": "ID token has orgs",
                    "status": "failed",
                    "failureMessages": [
                        "\n\x1b[31mError: expect(received).toBe(expected)\x1b[39m\n\n  at x.js:1"
                    ],
                },
                {"fullName": "ID token later", "status": "pending", "failureMessages": []},
            ],
        }
    ],
}
# The file could not run: jest.setup.api.js threw before any test.
SETUP_FAILED = {
    "testResults": [
        {
            "status": "failed",
            "assertionResults": [],
            "message": "  ● Test suite failed to run\n\n    HTTPError: Request failed with status code 404 Not Found\n",
        }
    ]
}


def test_counts_and_first_lines() -> None:
    result = parse_report("oidc/id-token", REPORT)
    assert (result.passed, result.failed, result.skipped, result.error) == (1, 1, 1, "")
    assert [(f.test, f.line) for f in result.failures] == [
        ("ID token has orgs", "Error: expect(received).toBe(expected)")
    ]
    assert not result.ok


def test_a_file_that_failed_to_run_is_an_error_with_its_reason() -> None:
    result = parse_report("oidc/discovery", SETUP_FAILED)
    assert result.error == "HTTPError: Request failed with status code 404 Not Found"
    assert (result.passed, result.failed) == (0, 0)
    assert not result.ok
    assert first_line("") == ""


def test_a_missing_or_broken_report_is_an_error(tmp_path: Path) -> None:
    assert read_report("a", tmp_path / "none.json").error == "no jest report (FileNotFoundError)"
    (tmp_path / "bad.json").write_text("{")
    assert read_report("a", tmp_path / "bad.json").error == "no jest report (JSONDecodeError)"
    (tmp_path / "ok.json").write_text(json.dumps(REPORT))
    assert read_report("a", tmp_path / "ok.json").passed == 1


def test_the_table_and_the_document() -> None:
    results = [
        parse_report("oidc/id-token", REPORT),
        FileResult("oidc/discovery", passed=2),
        FileResult("oidc/slow", error="timed out after 300 s"),
    ]
    text = table(results)
    lines = text.splitlines()
    assert lines[0] == "| file | passed | failed | skipped | first failures |"
    assert (
        lines[2]
        == "| `oidc/id-token` | 1 | 1 | 1 | ID token has orgs: Error: expect(received).toBe(expected) |"
    )
    assert lines[3] == "| `oidc/discovery` | 2 | 0 | 0 |  |"
    assert lines[4] == "| `oidc/slow` | 0 | 0 | 0 | **file error**: timed out after 300 s |"
    assert lines[5] == "| **total** (1/3 files pass) | 3 | 1 | 1 | |"
    assert summary_line(results) == "1/3 files pass; tests: 3 passed, 1 failed, 1 skipped; 1 file errors"
    doc = _run.document(results, datetime.date(2026, 12, 2), 42)
    assert "Run on 2026-12-02" in doc
    assert _suite.SUITE_COMMIT in doc
    # issue 15's target files first; the others run (issue 14's files) in a second table
    targets, others = doc.split("## The Management API and webhooks (issue 14)")
    assert table(results[:2]) in targets
    assert table(results[2:]) in others
    assert "## The Management API" not in _run.document(results[:2], datetime.date(2026, 12, 2), 1)


def test_a_pipe_in_a_failure_does_not_break_the_table() -> None:
    result = FileResult(
        "a", failed=1, failures=(parse_report("a", REPORT).failures[0].__class__("t", "a | b"),)
    )
    assert "t: a \\| b" in table([result])


def test_file_lists(tmp_path: Path) -> None:
    api = tmp_path / "src" / "tests" / "api"
    (api / "hook").mkdir(parents=True)
    for name in ("hook/b.test.ts", "hook/a.test.ts", "role.test.ts"):
        (api / name).write_text("")
    assert _run._expand(["role", "hook", "role"], tmp_path) == ["role", "hook/a", "hook/b"]
    with pytest.raises(_suite.SuiteError, match="no test file or folder 'nope'"):
        _run._expand(["nope"], tmp_path)
    assert _suite.test_file("oidc/discovery") == "lib/tests/api/oidc/discovery.test.js"
    assert len(_run.TARGETS) == len(set(_run.TARGETS)) == 25
    assert len(_run.ISSUE14) == len(set(_run.ISSUE14)) == 25
    assert set(_run.MANAGEMENT) < set(_run.ISSUE14)
    assert not set(_run.ISSUE14) & set(_run.TARGETS)
    assert len(_run.SSO) == len(set(_run.SSO)) == 4
    assert not set(_run.SSO) & (set(_run.TARGETS) | set(_run.ISSUE14))
    assert _run.DEFAULT == ("targets", "issue14", "sso")


def test_the_suite_is_found_or_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CONFORMANCE_SUITE", str(tmp_path))
    with pytest.raises(_suite.SuiteError, match="Logto's integration tests not found"):
        _suite.suite_path()
    (tmp_path / "src" / "tests" / "api").mkdir(parents=True)
    assert _suite.suite_path() == tmp_path


def test_the_jest_environment() -> None:
    env = _suite.Environment("http://127.0.0.1:1", "http://127.0.0.1:2", "/tmp/m").variables()
    assert env["INTEGRATION_TESTS_LOGTO_URL"] == "http://127.0.0.1:1"
    assert env["INTEGRATION_TESTS_LOGTO_CONSOLE_URL"] == "http://127.0.0.1:2"
    assert env["MOCK_CONNECTOR_MESSAGE_DIR"] == "/tmp/m"
    assert "--experimental-vm-modules" in env["NODE_OPTIONS"]
    assert env["PUPPETEER_SKIP_DOWNLOAD"] == "1"


def test_the_tenants_are_logtos_seed_in_dev_mode(tmp_path: Path) -> None:
    """The suite's set-up answered: the admin tenant's PATCH, the demo app, no connector, a reset."""
    header = {"development-user-id": "integration-test-admin-user"}
    with _servers.serve(str(tmp_path)) as running:
        patch = {"signInMode": "SignInAndRegister", "sentinelPolicy": {}}
        assert httpx.patch(f"{running.console_url}/api/sign-in-exp", json=patch, headers=header).is_success
        assert httpx.get(f"{running.logto_url}/api/connectors", headers=header).json() == []
        sign_up = httpx.get(f"{running.logto_url}/api/sign-in-exp", headers=header).json()["signUp"]
        assert sign_up == {"identifiers": ["username"], "password": True, "verify": False}
        query = {"client_id": "demo-app", "redirect_uri": f"{running.logto_url}/demo-app", "response_type": "code",
                 "scope": "openid", "state": "s", "code_challenge": "x" * 43, "code_challenge_method": "S256"}  # fmt: skip
        assert httpx.get(f"{running.logto_url}/oidc/auth", params=query).status_code == 303
        running.reset()


def test_regressions_against_the_recorded_table() -> None:
    recorded = table([FileResult("oidc/a", passed=3, failed=1), FileResult("oidc/b", passed=2)])
    assert recorded_passes(recorded) == {"oidc/a": 3, "oidc/b": 2}
    now = [
        FileResult("oidc/a", passed=4),
        FileResult("oidc/b", error="timed out after 300 s"),
        FileResult("c"),
    ]
    assert regressions(now, recorded) == ["oidc/b: 0 passed, 2 recorded (timed out after 300 s)"]
