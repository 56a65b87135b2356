"""Evidence for a failing test (issue 18 §2): a deliberately failing test, run through ``pytester``, leaves
its auth events, its mails and a timeline page in its output folder and names the last auth hop in its
report; a passing one leaves nothing (unless ``--harness-evidence=all``)."""

from __future__ import annotations

import json
from email import message_from_bytes
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]
# An in-process inner run shares the outer process's garbage collector: an object another test of this
# worker left behind (seen: an unclosed AF_UNIX socket) may be collected during it and reported as the
# inner test's error; the outer session reports such leaks itself, so the inner runs do not.
INNER = ("-p", "no:playwright", "-p", "no:cacheprovider", "-p", "no:xdist", "-p", "no:unraisableexception")

# A sign-in that sends a code and then types a wrong one, as a test with a bug in its code reading would.
FLOW = """
from urllib.parse import urlencode

import pytest

from harness import ExperienceClient, ExperienceError


def wrong_code(harness, email):
    app = harness.tenant.applications[0]
    query = {"client_id": app.id, "redirect_uri": app.redirect_uris[0], "response_type": "code",
             "scope": "openid", "state": "s", "prompt": "consent"}
    with ExperienceClient(harness.logto_endpoint) as experience:
        verification_id = experience.send_email_code(
            f"{harness.logto_endpoint}/oidc/auth?{urlencode(query)}", email, "Register")
        harness.client.mailbox.wait_for_code(email, timeout=10)
        with pytest.raises(ExperienceError):
            experience.verify_code(email, verification_id, "000000")


def test_passes(harness, email_address):
    wrong_code(harness, email_address)


def test_fails(harness, email_address):
    wrong_code(harness, email_address)
    assert False, "the app never showed the signed-in page"
"""


def _folder(pytester: pytest.Pytester, name: str) -> Path:
    folders = [p for p in (pytester.path / "test-results").iterdir() if name.replace("_", "-") in p.name]
    assert len(folders) == 1, folders
    return folders[0]


def test_a_failing_test_leaves_its_events_mails_and_timeline(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_flow=FLOW)
    result = pytester.runpytest(*INNER)  # no pytest-playwright: its default folder, test-results
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*- harness evidence -*",
            "last auth hop: POST /api/experience/verification/verification-code/verify"
            " → 400 verification_code.code_mismatch",
            "events: *, messages: 1",
            "evidence: *test-results*test-fails*",
        ]
    )
    results = pytester.path / "test-results"
    assert [p.name for p in results.iterdir()] == [_folder(pytester, "test_fails").name]  # the passing: none

    folder = _folder(pytester, "test_fails")
    events = json.loads((folder / "harness-events.json").read_text())
    kinds = [e["kind"] for e in events]
    assert kinds[0] == "authorization_request"
    assert "code_sent" in kinds
    assert kinds[-1] == "error"
    assert events[-1]["data"]["error"] == "verification_code.code_mismatch"
    # Only this test's events: the passing test ran before it in the same harness and sent its own code.
    emails = {e["email"] for e in events if e["email"]}
    assert len(emails) == 1
    assert "test-fails" in emails.pop()

    (eml,) = (folder / "messages").glob("*.eml")
    mail = message_from_bytes(eml.read_bytes())
    stored = json.loads(eml.with_suffix(".json").read_text())
    assert mail["To"] == stored["to"][0]
    assert "test-fails" in mail["To"]
    assert stored["code"]
    assert stored["code"] in mail["Subject"]

    page = (folder / "harness.html").read_text()
    assert "verification_code.code_mismatch" in page
    assert stored["subject"] in page
    assert 'href="messages/' in page
    assert "<script" not in page  # readable offline, no script needed


def test_all_mode_writes_for_passing_tests_and_off_writes_nothing(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_flow=FLOW)
    pytester.runpytest(*INNER, "--harness-evidence=all", "-k", "passes").assert_outcomes(passed=1)
    folder = _folder(pytester, "test_passes")
    assert json.loads((folder / "harness-events.json").read_text())[-1]["kind"] == "error"

    pytester.makeini("[pytest]\nharness_evidence = off\n")
    (pytester.path / "test-results").rename(pytester.path / "all-results")
    result = pytester.runpytest(*INNER, "-k", "fails")
    result.assert_outcomes(failed=1)
    assert "harness evidence" not in result.stdout.str()
    assert not (pytester.path / "test-results").exists()


def test_a_bad_mode_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_flow=FLOW)
    pytester.makeini("[pytest]\nharness_evidence = sometimes\n")
    result = pytester.runpytest(*INNER, "-k", "passes")
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*harness_evidence = 'sometimes': one of off, failed, all*"])
