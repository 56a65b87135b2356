"""One harness: fake_mailgun (HTTP + SMTP) and fake_logto, composed over their public surfaces only.

The Logto tenant's Mailgun connector points at this harness's fake_mailgun over HTTP, as a real Logto
would point at Mailgun. ``start_harness`` is what ``harness up`` and the pytest plugin both use; with
``app="python"|"go"`` it also starts that sample app (``e2e/apps/``) signed in as the tenant's first
application, whose redirect URIs then name the app's real port.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TextIO

from fake_logto import Running as LogtoRunning
from fake_logto import Settings as LogtoSettings
from fake_logto import TenantConfig
from fake_logto import serve_in_thread as serve_logto
from fake_mailgun import Running as MailgunRunning
from fake_mailgun import Settings as MailgunSettings
from fake_mailgun import serve_in_thread as serve_mailgun

from ._apps import AppSettings, RunningApp, check_app, free_port, serve_app
from ._client import Client
from ._config import AppKind, HarnessConfig


@dataclass
class Harness:
    config: HarnessConfig
    tenant: TenantConfig
    mailgun: MailgunRunning
    logto: LogtoRunning
    client: Client
    app_url: str | None = None
    app: RunningApp | None = None

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
        env = {
            "LOGTO_ENDPOINT": self.logto.endpoint,
            "LOGTO_APP_ID": app.id,
            "LOGTO_APP_SECRET": app.secret,
            "MAILGUN_API_URL": self.mailgun.url,
            "MAILGUN_DOMAIN": connector.get("domain", self.config.mailgun_domains[0]),
            "MAILGUN_API_KEY": connector.get("apiKey", self.config.mailgun_api_key),
            "SMTP_HOST": self.mailgun.host,
            "SMTP_PORT": str(self.mailgun.smtp_port),
            "HARNESS_MAILGUN_URL": self.mailgun.url,
            "HARNESS_LOGTO_ENDPOINT": self.logto.url,
        }
        return {
            "logto_endpoint": self.logto.endpoint,
            "logto_url": self.logto.url,
            "mailgun_url": self.mailgun.url,
            "smtp": {"host": self.mailgun.host, "port": self.mailgun.smtp_port},
            "inbox_url": self.mailgun.url + "/",
            "debug_url": self.logto.url + "/__harness/",
            "app": {
                "id": app.id,
                "secret": app.secret,
                "redirect_uri": app.redirect_uris[0] if app.redirect_uris else None,
                "post_logout_redirect_uri": app.post_logout_redirect_uris[0]
                if app.post_logout_redirect_uris
                else None,
            },
            "app_url": self.app_url,
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
    """Start both fakes in threads on real sockets (``free_ports``: port 0 everywhere), then the sample app
    ``app`` as a subprocess on ``config.app_port`` (``free_ports``: a free one), its output echoed to
    ``app_output``. The app's port is known before the tenant is built, so that the first application's
    redirect and post sign-out URIs are the app's own (``http://localhost:PORT/callback``)."""
    app_url: str | None = None
    app_port = 0
    if app != "none":
        check_app(app)  # before anything starts: "not built" is the likeliest failure
        app_port = free_port(config.host) if free_ports else config.app_port
        app_url = f"http://localhost:{app_port}"
    mailgun_settings = MailgunSettings(
        host=config.host,
        port=0 if free_ports else config.mailgun_port,
        smtp_port=0 if free_ports else config.smtp_port,
        domains=config.mailgun_domains,
        api_key=config.mailgun_api_key,
    )
    with contextlib.ExitStack() as stack:
        mailgun = stack.enter_context(serve_mailgun(mailgun_settings))
        tenant = config.tenant_config(mailgun.url, app_url)
        logto_settings = LogtoSettings(
            host=config.host, port=0 if free_ports else config.logto_port, endpoint=config.logto_endpoint
        )
        logto = stack.enter_context(serve_logto(logto_settings, config=tenant))
        client = stack.enter_context(Client(mailgun.url, logto.url))
        harness = Harness(config=config, tenant=tenant, mailgun=mailgun, logto=logto, client=client)
        if app != "none":
            application = tenant.applications[0]
            settings = AppSettings(
                name=app,
                logto_endpoint=logto.endpoint,
                app_id=application.id,
                app_secret=application.secret,
                port=app_port,
                host=config.host,
            )
            harness.app = stack.enter_context(serve_app(settings, echo=app_output))
            harness.app_url = harness.app.url
        yield harness
