"""The Logto the suite expects, made of fake_logto: a user tenant and an admin tenant, both in dev mode.

Logto's integration tests run against a fresh OSS Logto (``.scripts/integration/run.sh``): the default
tenant on ``INTEGRATION_TESTS_LOGTO_URL`` and the admin tenant (the Console's) on
``INTEGRATION_TESTS_LOGTO_CONSOLE_URL``, both started with ``INTEGRATION_TEST=true`` so that the
Management API takes ``development-user-id`` (``packages/core/src/middleware/koa-auth/index.ts``). Here:

- the user tenant is Logto's seed (``packages/schemas/src/seeds``): the SPA ``demo-app`` ("Live Preview",
  ``demoAppApplicationId``) whose redirect and post sign-out URI is ``<endpoint>/demo-app``
  (``packages/core/src/oidc/adapter.ts``), the OSS default sign-in experience (username and password,
  ``createDefaultSignInExperience(…, isCloud=false)``) and no connector: the tests create Logto's mock
  email and SMS connectors through ``POST /api/connectors``, which write their records to ``message_dir``;
- the admin tenant is a second fake_logto with the Console's SPA (``admin-console``, redirect
  ``<console>/console/callback``): the suite only sends it ``PATCH /api/sign-in-exp`` before each file
  (``jest.setup.api.js``), answered by fake_logto's own sign-in experience route.

Both bind 127.0.0.1 on free ports and are named by ``127.0.0.1`` URLs (Node's ``localhost`` may be ``::1``).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from fake_logto import Server, Settings, parse_config
from fake_logto import paths as logto_paths
from fakekit import bind

HOST = "127.0.0.1"
_PASSWORD_SIGN_IN = {
    "sign_up": {"enabled": True, "identifiers": ["username"], "password": True, "verify": False},
    "sign_in": [{"identifier": "username", "password": True, "verification_code": False}],
}


def user_tenant(endpoint: str) -> dict[str, Any]:
    """Logto's seeded default tenant, as fake_logto's tenant config."""
    demo = f"{endpoint}/demo-app"
    return {
        "endpoint": endpoint,
        "applications": [
            {
                "name": "Live Preview",
                "type": "spa",
                "id": "demo-app",
                "redirect_uris": [demo],
                "post_logout_redirect_uris": [demo],
            }
        ],
        "sign_in_experience": {"app_name": "Logto", **_PASSWORD_SIGN_IN},
    }


def admin_tenant(endpoint: str) -> dict[str, Any]:
    """The admin tenant as far as the suite's API files reach it: its sign-in experience."""
    return {
        "endpoint": endpoint,
        "applications": [
            {
                "name": "Admin Console",
                "type": "spa",
                "id": "admin-console",
                "redirect_uris": [f"{endpoint}/console/callback"],
                "post_logout_redirect_uris": [f"{endpoint}/console"],
            }
        ],
        "sign_in_experience": {"app_name": "Logto Console", **_PASSWORD_SIGN_IN},
    }


@dataclass(frozen=True)
class Running:
    logto_url: str
    console_url: str
    message_dir: str

    def reset(self) -> None:
        """Both tenants as they started (``POST /__harness/reset``): each file starts from the seed."""
        for url in (self.logto_url, self.console_url):
            httpx.post(url + logto_paths.RESET, timeout=30).raise_for_status()


@contextlib.contextmanager
def serve(message_dir: str) -> Iterator[Running]:
    """Both tenants in threads, in dev mode (the header is accepted: never expose these ports)."""
    with contextlib.ExitStack() as stack:
        urls: list[str] = []
        for make in (user_tenant, admin_tenant):
            sock = bind(HOST, 0, "fake_logto HTTP (conformance)")
            stack.callback(sock.close)
            port = sock.getsockname()[1]
            endpoint = f"http://{HOST}:{port}"
            settings = Settings(
                host=HOST, port=port, endpoint=endpoint, dev_mode=True, mock_connector_dir=message_dir
            )
            tenant = dataclasses.replace(parse_config(make(endpoint)), connector=None)  # Logto seeds none
            server = Server(settings, tenant, sock)
            stack.enter_context(server.in_thread())
            urls.append(endpoint)
        yield Running(logto_url=urls[0], console_url=urls[1], message_dir=message_dir)
