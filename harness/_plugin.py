"""The pytest plugin (entry point ``pytest11``): the harness as fixtures.

- ``harness`` (session-wide by default) — both fakes started in threads, real sockets; its settings are
  harness up's (``HarnessConfig``), by the same names: a harness.toml from ``--harness-config``, the
  ``harness_config`` ini option or a test's ``@pytest.mark.harness(config="…")``, then each setting as
  an ini option (``harness_logto_endpoint``), a command-line option (``--harness-logto-endpoint``) and a
  marker argument (``@pytest.mark.harness(mailgun_smtp_port=-1)``) — the marker wins over the option, the
  option over the ini, the ini over the file, the file over the default. A marked test gets a harness of
  its own, shared by the tests whose marker and options give the same settings.
  Two things differ from ``harness up``, so that parallel runs never collide and tests start only what
  they use: every port not given explicitly is a free one, and no sample app starts unless ``app_kind``
  (or its older name ``app``) is given. The ``HARNESS_*`` env vars are ``harness up``'s: a shell that
  ran ``eval "$(harness env)"`` must not move a test run.
- ``harness_client`` (``harness.Client``), ``mailbox``, ``logto_control``, ``faults`` (fake_mailgun's),
  ``logto_faults`` (fake_logto's; both cleared after each test).
- ``sign_in_experience`` — call it with Logto's ``PATCH /api/sign-in-exp`` fields to change the tenant's
  sign-in experience for this test (fake_logto's ``PATCH /__harness/sign-in-exp``, the same checks and the
  same effect); the configured experience is back after the test.
- ``tenant_settings`` — call it with ``[tenant]`` tables (``sign_in_experience=…``, ``code_policy=…``,
  ``hooks=…``, as harness.toml writes them) to change those settings for this test; after it the tenant's
  settings are what they were before it (Management API changes to them included), so the next test sees
  the configured tenant.
- ``management_api`` — ``harness.client.management``: Logto's Management API with the harness's M2M app's
  token (``[management]``).
- ``webhook_receiver`` — a :class:`~harness.WebhookReceiver` on a free loopback port for this test:
  ``.register(*events)`` makes it a hook of the tenant (removed after the test), ``.wait(event=…)`` waits
  for a delivery, whose raw ``body`` and ``headers`` are kept.
- ``email_address`` — unique per test and per xdist worker: tests never read each other's codes.
- ``totp_code`` — ``totp_code(user)`` (a user id or an email address): the TOTP code an authenticator app
  shows now, on the tenant clock, for the user's bound TOTP or the one its binding page shows.
- With pytest-playwright, a system Chromium is used when Playwright's own is not installed.

Evidence (:mod:`._evidence`): when a test that uses a harness (any fixture value that is a ``Harness``)
fails, its auth events, its messages (``.eml`` + JSON) and a one-page timeline are written to its output
folder beside pytest-playwright's trace, and the report gets a ``harness evidence`` section naming the last
auth hop. ``--harness-evidence=failed`` (the default; ini ``harness_evidence``), ``all`` or ``off``.
"""

from __future__ import annotations

import contextlib
import os
import re
import uuid
from collections.abc import Callable, Generator, Iterator
from typing import Any, cast

import pytest

# The servers load with the plugin, not on the first fixture: `harness up` defers these imports to start
# the sample app sooner, but a test run must not first import them inside a scope that is later undone
# (pytester's in-process runs drop the modules they imported; cryptography's Rust core then keeps
# references to classes that a re-import replaces — "curve must be an EllipticCurve instance").
from fake_logto import Server as _LogtoServer  # noqa: F401
from fake_mailgun import Server as _MailgunServer  # noqa: F401
from fakekit import Option, SettingError

from . import _evidence, _tenant_settings
from ._apps import AppKind
from ._client import Client, Faults, Logto, LogtoFaults, Mailbox
from ._config import OPTIONS, load_harness_config
from ._errors import UsageError
from ._harness import Harness, start_harness
from ._management_client import Management
from ._webhooks import WebhookReceiver

MARKER = "harness"


def _ini_name(name: str) -> str:
    return f"harness_{name}"


def _flag(name: str) -> str:
    return "--harness-" + name.replace("_", "-")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("harness", "logto-harness")
    group.addoption(
        "--harness-config",
        dest="harness_config",
        default=None,
        help="harness.toml for the fakes the fixtures start",
    )
    parser.addini("harness_config", "harness.toml for the fakes the fixtures start", default="")
    evidence_help = "write a test's auth events, mails and timeline to its output folder: " + "/".join(
        _evidence.MODES
    )
    group.addoption(
        "--harness-evidence",
        dest="harness_evidence",
        choices=_evidence.MODES,
        default=None,
        help=evidence_help,
    )
    parser.addini("harness_evidence", evidence_help + " (default: failed)", default="failed")
    for opt in OPTIONS:
        help_text = f"{opt.help} (harness.toml {opt.key})"
        kwargs: dict[str, Any] = {"dest": _ini_name(opt.name), "default": None, "help": help_text}
        if opt.kind == "tuple":
            kwargs["action"] = "append"
        elif opt.kind == "int":
            kwargs["type"] = int
        group.addoption(*(_flag(name) for name in opt.names), **kwargs)
        for name in opt.names:
            parser.addini(_ini_name(name), help_text, default="")


def pytest_configure(config: pytest.Config) -> None:
    names = ", ".join(f"{opt.name}=…" for opt in OPTIONS)
    config.addinivalue_line(
        "markers",
        f"{MARKER}(config=None, {names}): run this test against a harness with these settings "
        "(harness.toml keys, flat: logto_port is [logto] port; app_kind or app: python, go, spa or none)",
    )
    if config.pluginmanager.hasplugin("playwright"):
        # Registered now, after every entry-point plugin, so this override wins over pytest-playwright's.
        from . import _playwright_launch

        config.pluginmanager.register(_playwright_launch, "harness-playwright-launch")


_MARKS = pytest.StashKey[list[_evidence.Mark]]()


def _evidence_mode(config: pytest.Config) -> str:
    mode = config.getoption("harness_evidence") or config.getini("harness_evidence") or "failed"
    if mode not in _evidence.MODES:
        raise pytest.UsageError(f"harness_evidence = {mode!r}: one of {', '.join(_evidence.MODES)}")
    return str(mode)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    """Mark where each harness the test uses stands, just before its body runs."""
    if _evidence_mode(item.config) != "off":
        funcargs: dict[str, Any] = getattr(item, "funcargs", {})
        harnesses = {id(v): v for v in funcargs.values() if isinstance(v, Harness)}
        email = funcargs.get("email_address")
        with contextlib.suppress(Exception):  # a harness already down leaves no evidence, never an error
            item.stash[_MARKS] = [_evidence.mark(h, email) for h in harnesses.values()]
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report: pytest.TestReport = yield
    marks = item.stash.get(_MARKS, None)
    if report.when == "call" and marks:
        mode = _evidence_mode(item.config)
        if report.failed or mode == "all":
            evidence = _evidence.merge([_evidence.collect(m) for m in marks])
            output = item.config.getoption("--output", None)
            folder = _evidence.output_folder(output, item.nodeid)
            _evidence.write(folder, evidence, item.nodeid, report.outcome)
            if report.failed:
                report.sections.append(("harness evidence", _evidence.summary(evidence, folder)))
    return report


Key = tuple[str | None, tuple[tuple[str, Any], ...]]


class _Harnesses:
    """Harnesses of this session, one per config path and settings given, started on first use and
    stopped at the end."""

    def __init__(self) -> None:
        self.stack = contextlib.ExitStack()
        self.by_key: dict[Key, Harness] = {}

    def get(self, path: str | None, given: dict[str, Any]) -> Harness:
        key: Key = (path, tuple(sorted(given.items())))
        if key not in self.by_key:
            # No sample app unless asked (the file's [app] kind is for `harness up`); a port not given is
            # a free one.
            app = cast(AppKind, given.get("app_kind", "none"))
            config = load_harness_config(path).with_settings(**{**given, "app_kind": app})
            started = start_harness(config.with_free_ports(keep=given), app=app)
            self.by_key[key] = self.stack.enter_context(started)
        return self.by_key[key]


@pytest.fixture(scope="session")
def _harnesses() -> Iterator[_Harnesses]:
    harnesses = _Harnesses()
    with harnesses.stack:
        yield harnesses


def _given(config: pytest.Config, marked: dict[str, Any]) -> dict[str, Any]:
    """The settings the ini options, the command-line options and the marker give, in that order."""
    given: dict[str, Any] = {}

    def put(opt: Option, value: Any, where: str, text: bool = False) -> None:
        try:
            given[opt.name] = opt.parse(value, where) if text else opt.check(value, where)
        except SettingError as exc:
            raise pytest.UsageError(str(exc)) from None

    for opt in OPTIONS:
        for name in reversed(opt.names):  # the setting's own name wins over an older one
            raw = config.getini(_ini_name(name))
            if raw:
                put(opt, raw, f"ini {_ini_name(name)}", text=True)
        value = config.getoption(_ini_name(opt.name))
        if value is not None:
            put(opt, value, _flag(opt.name))
    for name, value in marked.items():
        found = OPTIONS.find(name)
        if found is None:
            raise pytest.UsageError(
                f"@pytest.mark.{MARKER}({name}=…): no such setting; the settings are config, "
                + ", ".join(opt.name for opt in OPTIONS)
            )
        put(found, value, f"@pytest.mark.{MARKER}({name}=…)")
    return given


@pytest.fixture
def harness(request: pytest.FixtureRequest, _harnesses: _Harnesses) -> Harness:
    """The running harness: ``.mailgun_url``, ``.logto_endpoint``, ``.client``, ``.info()``."""
    marker = request.node.get_closest_marker(MARKER)
    marked = dict(marker.kwargs) if marker else {}
    path = marked.pop("config", None) or request.config.getoption("harness_config")
    path = path or request.config.getini("harness_config") or None
    return _harnesses.get(str(path) if path else None, _given(request.config, marked))


@pytest.fixture
def harness_client(harness: Harness) -> Client:
    return harness.client


@pytest.fixture
def mailbox(harness: Harness) -> Mailbox:
    """``mailbox.wait_for_code(address)`` blocks server-side until the email lands."""
    return harness.client.mailbox


@pytest.fixture
def logto_control(harness: Harness) -> Logto:
    """fake_logto's test control: ``advance_clock``, ``reset``, ``users``."""
    return harness.client.logto


@pytest.fixture
def faults(harness: Harness) -> Iterator[Faults]:
    """Mailgun fault injection, cleared after the test."""
    yield harness.client.faults
    harness.client.faults.clear()


@pytest.fixture
def logto_faults(harness: Harness) -> Iterator[LogtoFaults]:
    """fake_logto fault injection (``logto_faults.add(endpoint="token", status=503, count=1)``), cleared
    after the test."""
    yield harness.client.logto.faults
    harness.client.logto.faults.clear()


@pytest.fixture
def sign_in_experience(harness: Harness) -> Iterator[Callable[[dict[str, Any]], dict[str, Any]]]:
    """``sign_in_experience({"signIn": {"methods": [...]}})``: change the sign-in experience for this test
    (answers the ``sign_in_experiences`` row); restored after it, so the next test sees the configured one."""
    logto = harness.client.logto
    try:
        yield logto.patch_sign_in_experience
    finally:
        logto.restore_sign_in_experience()


@pytest.fixture
def tenant_settings(harness: Harness) -> Iterator[Callable[..., Any]]:
    """``tenant_settings(sign_in_experience={"sign_in": [...]}, code_policy={"expiry": 60})``: these
    ``[tenant]`` tables of harness.toml for this test; the tenant's settings as before it afterwards."""
    before = _tenant_settings.current(harness)
    try:
        yield lambda **tables: _tenant_settings.change(harness, **tables)
    finally:
        _tenant_settings.put_back(harness, before)


@pytest.fixture
def management_api(harness: Harness) -> Management:
    """Logto's Management API (``users``, ``roles``, ``organizations``, ``sign_in_exp``, ``get``/``post``/…)
    through a ``client_credentials`` token of the tenant's M2M app (``[management] app_id``)."""
    if harness.config.management_app() is None:
        raise UsageError("the harness has no Management API app: [management] app_id is empty")
    return harness.client.management


@pytest.fixture
def webhook_receiver(harness: Harness) -> Iterator[WebhookReceiver]:
    """A webhook receiver for this test; ``.register("PostRegister", …)`` makes it a hook of the tenant
    until the test ends."""
    with WebhookReceiver(harness, host="127.0.0.1") as receiver:
        yield receiver


@pytest.fixture
def email_address(request: pytest.FixtureRequest) -> str:
    """An address no other test (nor xdist worker) uses."""
    name = re.sub(r"[^a-z0-9]+", "-", request.node.name.lower()).strip("-")[:24]
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"{name}-{worker}-{uuid.uuid4().hex[:8]}@example.test"


@pytest.fixture
def totp_code(harness: Harness) -> Callable[[str], str]:
    """``totp_code("reader@example.test")`` or ``totp_code(user_id)``: the code an authenticator app holding
    the user's TOTP secret shows now (the bound one, else the one being bound), on the tenant clock."""
    return lambda user: harness.client.logto.totp_code(_user_id(harness.client.logto, user))


def _user_id(logto: Logto, user: str) -> str:
    """A user id as given, or the id of the user whose primary email is ``user``."""
    if "@" not in user:
        return user
    found = [u["id"] for u in logto.users.list() if (u.get("primaryEmail") or "").lower() == user.lower()]
    if not found:
        raise UsageError(f"no user has the email address {user!r}")
    user_id: str = found[0]
    return user_id
