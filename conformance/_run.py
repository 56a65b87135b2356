"""The command: which files, in what order, the servers around them, the table and the document.

Each file starts from the seeded tenants (``POST /__harness/reset`` on both, and an empty records folder),
so a file's result does not depend on the files run before it.
"""

from __future__ import annotations

import argparse
import datetime
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from . import _servers, _suite
from ._report import FileResult, regressions, summary_line, table

# Issue 15's target files (below lib/tests/api/, without .test.js).
TARGETS = (
    "oidc/discovery", "oidc/content-type-json", "oidc/post-authorization-and-logout",
    "oidc/rp-initiated-logout", "oidc/route-post-processing", "oidc/id-token",
    "oidc/always-issue-refresh-token", "oidc/get-access-token", "oidc/client-credentials-grant",
    "oidc/mixed-redirect-uri", "oidc/wildcard-redirect-uri",
    "experience-api/interaction",
    "experience-api/verifications/password-verification", "experience-api/verifications/verification-code",
    "experience-api/verifications/verification-code-rate-limit",
    "experience-api/verifications/verification-code.suppress-delivery",
    "experience-api/sign-in-interaction/password", "experience-api/sign-in-interaction/verification-code",
    "experience-api/register-interaction/username-password",
    "experience-api/register-interaction/verification-code",
    "experience-api/profile/fulfill-user-profiles", "experience-api/profile/reset-password",
    "experience-api/username-case", "experience-api/username-policy", "experience-api/basic-sentinel",
)  # fmt: skip
# The Management API's files: users, roles, resources ...
MANAGEMENT = (
    "admin-user", "admin-user.search", "admin-user.roles",
    "role", "role.application", "role.is-default", "role.scope", "role.user",
    "resource", "resource.scope",
)  # fmt: skip
# ... and issue 14's other files: organizations and webhooks (the document's second table).
ISSUE14 = (
    *MANAGEMENT,
    "organization/organization", "organization/organization-role", "organization/organization-scope",
    "organization/organization-user", "organization/organization-user.roles",
    "organization/organization-application", "organization/organization-invitation.creation",
    "organization/organization-invitation.get", "organization/organization-invitation.status",
    "organization/organization-invitation.rate-limit",
    "hook/hook", "hook/hook.testing", "hook/hook.trigger.data", "hook/hook.trigger.organization",
    "hook/hook.trigger.custom.data",
)  # fmt: skip
# Issue 16's enterprise SSO files (the document's third table).
SSO = (
    "sso-connectors/sso-connectors",
    "experience-api/verifications/enterprise-sso-verification",
    "experience-api/sign-in-interaction/enterprise-sso",
    "experience-api/register-interaction/enterprise-sso",
)  # fmt: skip
SETS = {"targets": TARGETS, "management": MANAGEMENT, "issue14": ISSUE14, "sso": SSO}
DEFAULT = ("targets", "issue14", "sso")  # what the document lists (CI checks the targets only)
DOC = _suite.ROOT / "docs" / "conformance.md"
NOTES = _suite.HERE / "differences.md"  # hand-kept: what the failures need, appended to the document


def _expand(names: Sequence[str], suite: Path) -> list[str]:
    """Set names, files and folders (``organization/``) as test file names, in order, once each."""
    files: list[str] = []
    api = suite / "src" / "tests" / "api"
    for name in names:
        if name in SETS:
            found = list(SETS[name])
        elif (api / name).is_dir():
            found = sorted(
                str(p.relative_to(api))[: -len(".test.ts")] for p in (api / name).rglob("*.test.ts")
            )
        elif (api / f"{name}.test.ts").is_file():
            found = [name]
        else:
            raise _suite.SuiteError(f"no test file or folder {name!r} below {api}")
        files += [f for f in found if f not in files]
    return files


def document(results: list[FileResult], when: datetime.date, seconds: float) -> str:
    """The page: issue 15's target files, then the others run (issue 14's Management API files) in a
    second table, then the hand-kept notes."""
    targets = [r for r in results if r.file in TARGETS]
    sso = [r for r in results if r.file in SSO and r.file not in TARGETS]
    others = [r for r in results if r.file not in TARGETS and r.file not in SSO]
    second = (
        f"\n## The Management API and webhooks (issue 14)\n\n{summary_line(others)}.\n\n{table(others)}"
        if others
        else ""
    )
    second += f"\n## Enterprise SSO (issue 16)\n\n{summary_line(sso)}.\n\n{table(sso)}" if sso else ""
    return (
        "# Conformance: Logto's integration tests against the harness\n\n"
        "<!-- written by `make conformance` (python -m conformance --write-doc); do not edit by hand -->\n\n"
        f"Run on {when.isoformat()} with Logto's `packages/integration-tests` at {_suite.SUITE_COMMIT} "
        f"(unchanged), one jest process per file, in {seconds:.0f} s. How it runs and what each failure "
        "needs: [the harness docs](harness.md#conformance-logtos-own-integration-tests).\n\n"
        "## Issue 15's target files\n\n"
        f"{summary_line(targets)}.\n\n{table(targets)}"
        + second
        + (f"\n{NOTES.read_text(encoding='utf-8')}" if NOTES.is_file() else "")
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m conformance", description=__doc__)
    parser.add_argument(
        "files", nargs="*", default=list(DEFAULT),
        help="test files below tests/api (e.g. oidc/discovery), folders (organization) or sets "
        f"({', '.join(SETS)}); default: {' '.join(DEFAULT)}",
    )  # fmt: skip
    parser.add_argument("--timeout", type=float, default=300, help="seconds per file (default 300)")
    parser.add_argument(
        "--write-doc", action="store_true", help=f"save the table as {DOC.relative_to(_suite.ROOT)}"
    )
    parser.add_argument("--no-build", action="store_true", help="reuse conformance/.build as it is")
    parser.add_argument(
        "--no-regression", action="store_true",
        help=f"exit 0 unless a file passes fewer tests than {DOC.relative_to(_suite.ROOT)} records (CI)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    log: list[str] = []
    try:
        suite = _suite.suite_path()
        files = _expand(args.files, suite)
        _suite.install(log)
        if not (args.no_build and (_suite.BUILD / "lib").is_dir()):
            _suite.build(suite, log)
    except _suite.SuiteError as exc:
        print(f"conformance: {exc}", file=sys.stderr)
        return 2
    for line in log:
        print(f"==> {line}", file=sys.stderr)
    reports = _suite.BUILD / "reports"
    reports.mkdir(exist_ok=True)
    results: list[FileResult] = []
    started = time.monotonic()
    with (
        tempfile.TemporaryDirectory(prefix="logto-mock-messages-") as messages,
        _servers.serve(messages) as running,
    ):
        env = _suite.Environment(running.logto_url, running.console_url, messages)
        for name in files:
            running.reset()
            for leftover in Path(messages).iterdir():
                shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()
            result = _suite.run_file(name, env, args.timeout, reports)
            print(
                f"{name}: {result.passed} passed, {result.failed} failed, {result.skipped} skipped"
                + (f" — {result.error}" if result.error else "") + f" ({result.seconds:.0f} s)",
                file=sys.stderr, flush=True,
            )  # fmt: skip
            results.append(result)
    seconds = time.monotonic() - started
    print(table(results))
    print(summary_line(results))
    if args.no_regression:
        worse = regressions(results, DOC.read_text(encoding="utf-8") if DOC.is_file() else "")
        for line in worse:
            print(f"conformance: regression: {line}", file=sys.stderr)
        return 1 if worse else 0
    if args.write_doc:
        DOC.write_text(document(results, datetime.date.today(), seconds), encoding="utf-8")
    return 0 if all(r.ok for r in results) else 1
