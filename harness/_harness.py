"""One harness: fake_mailgun (HTTP + SMTP) and fake_logto, composed over their public surfaces only.

The Logto tenant's Mailgun connector points at this harness's fake_mailgun over HTTP, as a real Logto
would point at Mailgun. ``start_harness`` is what ``harness up`` and the pytest plugin both use; with
``app="python"|"go"|"spa"`` it also starts that sample app (``e2e/apps/``) signed in as the tenant's first
application (for ``"spa"``, its first single-page app, see ``HarnessConfig.tenant_config``), whose
redirect URIs then name the app's real port.
"""

from __future__ import annotations

import contextlib
import functools
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

from fake_logto import paths as logto_paths
from fake_mailgun import paths as mailgun_paths
from fakekit import bind, cli_fields, url_of

from ._apps import AppKind, AppSettings, RunningApp, check_app, free_port, serve_app
from ._config import HarnessConfig
from ._errors import ConfigError
from ._management import management_env, management_info

if TYPE_CHECKING:  # the servers are imported once the app process is started (see start_harness)
    from fake_logto import Running as LogtoRunning
    from fake_logto import Server as LogtoServer
    from fake_logto import TenantConfig
    from fake_mailgun import Running as MailgunRunning
    from fake_mailgun import Server as MailgunServer

    from ._client import Client


_S = TypeVar("_S")


@dataclass
class Harness:
    config: HarnessConfig
    tenant: TenantConfig
    mailgun: MailgunRunning
    logto: LogtoRunning
    connect: Callable[[], Client] = field(repr=False)  # makes :attr:`client`
    app_url: str | None = None
    app: RunningApp | None = None

    @functools.cached_property
    def client(self) -> Client:
        """A :class:`harness.Client` of both fakes, made on first use (``harness up`` never needs one, and
        it loads the HTTP client) and closed when the harness stops."""
        return self.connect()

    @property
    def mailgun_url(self) -> str:
        return self.mailgun.url

    @property
    def logto_endpoint(self) -> str:
        return self.logto.endpoint

    def info(self) -> dict[str, Any]:
        """The ``harness up --json`` object (a stable contract)."""
        app = self.tenant.applications[0]
        connector = self.tenant.connector.config if self.tenant.connector else {}
        smtp_port = self.mailgun.smtp_port  # None: no SMTP capture (smtp_port -1)
        smtp = {} if smtp_port is None else {"SMTP_HOST": self.mailgun.host, "SMTP_PORT": str(smtp_port)}
        env = {
            "LOGTO_ENDPOINT": self.logto.endpoint,
            "LOGTO_APP_ID": app.id,
            "LOGTO_APP_SECRET": app.secret,
            "MAILGUN_API_URL": self.mailgun.url,
            "MAILGUN_DOMAIN": connector.get("domain", self.config.mailgun.domains[0]),
            "MAILGUN_API_KEY": connector.get("apiKey", self.config.mailgun.api_key),
            **smtp,
            **management_env(self.config),
            "HARNESS_MAILGUN_URL": self.mailgun.url,
            "HARNESS_LOGTO_URL": self.logto.url,
        }
        return {
            "logto_endpoint": self.logto.endpoint,
            "logto_url": self.logto.url,
            "mailgun_url": self.mailgun.url,
            "smtp": {"host": self.mailgun.host, "port": self.mailgun.smtp_port},
            "inbox_url": self.mailgun.url + mailgun_paths.INBOX,
            "debug_url": self.logto.url + logto_paths.DEBUG,
            "sign_in_url": self.logto.url + logto_paths.HARNESS_SIGN_IN,  # POST (see _sign_in_route)
            "app": {
                "id": app.id,
                "secret": app.secret,
                "redirect_uri": app.redirect_uris[0] if app.redirect_uris else None,
                "post_logout_redirect_uri": app.post_logout_redirect_uris[0]
                if app.post_logout_redirect_uris
                else None,
            },
            "app_url": self.app_url,
            "management": management_info(self.config),
            "env": env,
        }


@contextlib.contextmanager
def start_harness(
    config: HarnessConfig,
    *,
    free_ports: bool = False,
    app: AppKind = "none",
    app_output: TextIO | None = None,
) -> Iterator[Harness]:
    """Start both fakes in threads on real sockets (``free_ports``: port 0 everywhere), and the sample app
    ``app`` as a subprocess on ``config.app.port`` (0 or ``free_ports``: a free one), its output echoed to
    ``app_output``; yield once all of them accept connections. The fakes run with the config's own
    settings objects (``config.logto``, ``config.mailgun``), bound to ``config.host`` and the ports bound.

    Every socket is bound first, so every URL is known before anything starts: the first application's
    redirect and post sign-out URIs name the app's own port (``http://localhost:PORT/callback``), and the
    app process starts while the fakes' servers are still loading (each takes most of a second)."""
    if app != "none":
        check_app(app)  # before anything starts: "not built" is the likeliest failure
    given = config  # what Harness.config shows
    if free_ports:
        config = config.with_free_ports()
    with contextlib.ExitStack() as stack:
        sockets = _bind_all(config, stack)
        app_url: str | None = None
        app_port = 0
        if app != "none":
            # Picked while the fakes' sockets are held, so it cannot be one of theirs; a fixed port is
            # checked now, so that a port in use is named at once (not after the app failed to start).
            if config.app.port == 0:
                app_port = free_port(config.host)
            else:
                app_port = config.app.port
                bind(config.host, app_port, f"{app} sample app").close()
            app_url = f"http://localhost:{app_port}"
        mailgun_url = url_of(config.host, sockets.mailgun_http.getsockname()[1])
        tenant = config.tenant_config(mailgun_url, app_url, spa=app == "spa")
        logto_port: int = sockets.logto.getsockname()[1]
        running_app: RunningApp | None = None
        if app != "none":
            application = tenant.applications[0]
            settings = AppSettings(
                name=app,
                logto_endpoint=tenant.public_endpoint(config.logto.endpoint, logto_port),
                app_id=application.id,
                app_secret=application.secret,
                port=app_port,
                host=config.host,
            )
            running_app = stack.enter_context(serve_app(settings, echo=app_output, wait=False))

        from fake_logto import ConfigError as TenantConfigError
        from fake_logto import Server as LogtoServer
        from fake_mailgun import Server as MailgunServer

        from ._sign_in_route import sign_in_routes

        mailgun_settings = _fresh(
            config.mailgun,
            host=config.host,
            port=sockets.mailgun_http.getsockname()[1],
            smtp_port=sockets.mailgun_smtp.getsockname()[1] if sockets.mailgun_smtp else -1,
        )
        mailgun_server = MailgunServer(mailgun_settings, sockets.mailgun_http, sockets.mailgun_smtp)
        mailgun = stack.enter_context(mailgun_server.in_thread())
        logto_settings = _fresh(config.logto, host=config.host, port=logto_port)
        try:
            # POST /__harness/sign-in rides on fake_logto's port (see _sign_in_route).
            routes = sign_in_routes(mailgun.url, tenant.public_endpoint(config.logto.endpoint, logto_port))
            logto_server = LogtoServer(logto_settings, tenant, sockets.logto, routes=routes)
        except TenantConfigError as exc:  # e.g. a keys_file that holds no P-384 key
            raise ConfigError(f"logto.{exc}") from exc
        logto = stack.enter_context(logto_server.in_thread())

        def connect() -> Client:
            from ._client import Client

            return stack.enter_context(Client(mailgun.url, logto.url, management_app=config.management_app()))

        harness = Harness(config=given, tenant=tenant, mailgun=mailgun, logto=logto, connect=connect)
        if running_app is not None:
            running_app.wait_ready()
            harness.app = running_app
            harness.app_url = running_app.url
        stack.callback(_stop_together, mailgun_server, logto_server, running_app)  # runs first on exit
        yield harness


def _fresh(settings: _S, **changes: Any) -> _S:
    """A copy of a fake's ``settings`` with ``changes``, its settings only: what is not a setting (the
    clock) is made new, so two harnesses started from one config never share a clock."""
    kept = {f.name: getattr(settings, f.name) for f in cli_fields(type(settings))}
    return type(settings)(**{**kept, **changes})


def _stop_together(mailgun: MailgunServer, logto: LogtoServer, app: RunningApp | None) -> None:
    """Ask every part to stop at once; the exit stack then joins each in turn, so Ctrl-C is quick."""
    mailgun.stop()
    logto.stop()
    if app is not None:
        app.terminate()


@dataclass
class _Sockets:
    mailgun_http: socket.socket
    mailgun_smtp: socket.socket | None  # None: no SMTP capture (smtp_port -1)
    logto: socket.socket


def _bind_all(config: HarnessConfig, stack: contextlib.ExitStack) -> _Sockets:
    """Bind the listening sockets (closed by ``stack`` if what follows fails; the servers own them
    once started, and closing twice is harmless)."""

    def listen(port: int, what: str) -> socket.socket:
        sock = bind(config.host, port, what)
        stack.callback(sock.close)
        return sock

    smtp_port = config.mailgun.smtp_port
    return _Sockets(
        mailgun_http=listen(config.mailgun.port, "fake_mailgun HTTP"),
        mailgun_smtp=listen(smtp_port, "fake_mailgun SMTP") if smtp_port >= 0 else None,
        logto=listen(config.logto.port, "fake_logto HTTP"),
    )
