"""``harness.Client`` / ``harness.AsyncClient``: typed access to both control APIs.

- ``client.mailbox`` — fake_mailgun's ``/__harness/messages`` API: ``messages``, ``latest``,
  ``wait_for_message``, ``wait_for_code`` (both block server-side), ``clear``, and
  ``expect_message(to)``, which waits for the message an action sends::

      with client.mailbox.expect_message(to="alice@example.test") as sent:
          page.get_by_role("button", name="Send code").click()
      page.get_by_label("Verification code").fill(sent.code)

- ``client.logto`` — fake_logto's ``/__harness/`` API: ``advance_clock``, ``reset``, ``codes``, ``events``,
  ``wait_for_events``, ``patch_sign_in_experience`` / ``restore_sign_in_experience``, ``users``
  (``create``, ``list``, ``delete``), ``faults`` (``add``, ``list``, ``clear``: :mod:`harness._logto_faults`),
  ``rotate_keys`` and ``attack_token(kind, resource)``.
- ``client.faults`` — fake_mailgun's fault injection: ``mailgun(status=…, count=…)``, ``smtp(…)``, ``list``,
  ``clear``.
- ``client.management`` — Logto's Management API with a real M2M token (:mod:`harness._management_client`):
  ``get``/``post``/``put``/``patch``/``delete`` any ``/api`` route, and ``users``, ``roles``,
  ``organizations``, ``sign_in_exp``; Logto's errors raise :class:`ManagementAPIError`.

Both clients are generated from one description of each operation (:mod:`harness._operations`); the sync
one sends with a blocking ``httpx.Client``, the async one with an ``httpx.AsyncClient``, and their methods
have the same names and signatures (``async def`` on the async one). A wait that times out raises
:class:`MailboxTimeout`, whose message says what was sent instead, and to whom.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import TYPE_CHECKING, Any

from fakekit import async_http_client, http_client

from . import _logto_faults as lf
from . import _management_operations as mops
from . import _operations as ops
from ._errors import APIError, HarnessError
from ._management import MANAGEMENT_API_INDICATOR
from ._management_client import AsyncManagement, Management
from ._operations import AsyncAPI, Message, Operation, Request, SyncAPI, code_of

if TYPE_CHECKING:
    import httpx

JSON = dict[str, Any]
RECENT = 10  # messages a MailboxTimeout lists


class ExpectedMessage:
    """What ``with mailbox.expect_message(to) as sent:`` gives the block. Once the block has ended,
    ``sent.value`` is the first message to ``to`` newer than the newest one there was when it began (the
    one the block's action sent), and ``sent.code`` its one-time code."""

    def __init__(self, to: str, newest: Message | None) -> None:
        self.to = to
        self.after = None if newest is None else str(newest["id"])  # newest id when the block began
        self._value: Message | None = None

    @property
    def value(self) -> Message:
        if self._value is None:
            raise HarnessError(f"the message to {self.to} is known once the expect_message block has ended")
        return self._value

    @property
    def code(self) -> str:
        return code_of(self.value)

    def _wait_after(self) -> str:
        # "0" when the address had no message at all: its first one is new.
        return self.after or "0"


# --- transports -----------------------------------------------------------------------------------------
class _Token:
    """The Management API access token, fetched by ``client_credentials`` and cached until a minute before
    it expires, as @logto/api's ``ClientCredentials`` does (``accessTokenExpiryLeeway``: 60 s)."""

    LEEWAY = 60.0

    def __init__(self, app: tuple[str, str] | None, resource: str) -> None:
        self.app, self.resource = app, resource
        self.value: str | None = None
        self.expires_at = 0.0

    def cached(self) -> str | None:
        return self.value if self.value and time.monotonic() < self.expires_at - self.LEEWAY else None

    def request(self) -> Request[JSON]:
        if self.app is None:
            raise APIError("no Management API app configured for this client (management_app=(id, secret))")
        return mops.token_request(*self.app, resource=self.resource)

    def keep(self, answer: JSON) -> str:
        self.value = str(answer["access_token"])
        self.expires_at = time.monotonic() + float(answer.get("expires_in", 0))
        return self.value


class _Bases:
    def __init__(
        self, mailgun_url: str, logto_url: str | None, management_app: tuple[str, str] | None, resource: str
    ) -> None:
        self.bases = {"mailgun": mailgun_url.rstrip("/"), "logto": (logto_url or "").rstrip("/")}
        self.bases["management"] = self.bases["logto"]
        self.token = _Token(management_app, resource)

    def url(self, request: Request[Any]) -> str:
        base = self.bases[request.service]
        if not base:
            raise APIError(f"no {request.service} URL configured for this client")
        return base + request.path

    @staticmethod
    def options(request: Request[Any], token: str | None = None) -> dict[str, Any]:
        options: dict[str, Any] = {"params": dict(request.params), "timeout": request.timeout}
        if request.form is not None:
            options["data"] = dict(request.form)
        else:
            options["json"] = request.json
        if request.auth is not None:
            options["auth"] = request.auth
        if token is not None:
            options["headers"] = {"authorization": f"Bearer {token}"}
        return options


class _SyncTransport(_Bases):
    def __init__(
        self, mailgun_url: str, logto_url: str | None, management_app: tuple[str, str] | None, resource: str
    ) -> None:
        super().__init__(mailgun_url, logto_url, management_app, resource)
        self.http = http_client(timeout=60)

    def send(self, request: Request[Any]) -> Any:
        if request.service == "management":
            return ops.check(request, self._with_token(request))
        response = self.http.request(request.method, self.url(request), **self.options(request))
        if response.status_code == 408 and request.waits_for is not None:
            raise ops.timeout_error(request, self.send(ops.messages(limit=RECENT)))
        return ops.check(request, response)

    def _with_token(self, request: Request[Any]) -> httpx.Response:
        cached = self.token.cached()
        token = cached or self.token.keep(self.send(self.token.request()))
        response = self.http.request(request.method, self.url(request), **self.options(request, token))
        if response.status_code == 401 and cached:  # expired early (the tenant clock moved): once more
            token = self.token.keep(self.send(self.token.request()))
            response = self.http.request(request.method, self.url(request), **self.options(request, token))
        return response


class _AsyncTransport(_Bases):
    def __init__(
        self, mailgun_url: str, logto_url: str | None, management_app: tuple[str, str] | None, resource: str
    ) -> None:
        super().__init__(mailgun_url, logto_url, management_app, resource)
        self.http = async_http_client(timeout=60)

    async def send(self, request: Request[Any]) -> Any:
        if request.service == "management":
            return ops.check(request, await self._with_token(request))
        response = await self.http.request(request.method, self.url(request), **self.options(request))
        if response.status_code == 408 and request.waits_for is not None:
            raise ops.timeout_error(request, await self.send(ops.messages(limit=RECENT)))
        return ops.check(request, response)

    async def _with_token(self, request: Request[Any]) -> httpx.Response:
        cached = self.token.cached()
        token = cached or self.token.keep(await self.send(self.token.request()))
        response = await self.http.request(request.method, self.url(request), **self.options(request, token))
        if response.status_code == 401 and cached:
            token = self.token.keep(await self.send(self.token.request()))
            response = await self.http.request(
                request.method, self.url(request), **self.options(request, token)
            )
        return response


# --- the sub-APIs: each operation once, then a sync and an async class ---------------------------------
class _MailboxOperations:
    messages = Operation(ops.messages)
    latest = Operation(ops.latest)
    wait_for_message = Operation(ops.wait_for_message)
    wait_for_code = Operation(ops.wait_for_code)
    raw = Operation(ops.raw_message)
    clear = Operation(ops.clear_messages)


class _UsersOperations:
    create = Operation(ops.create_user)
    list = Operation(ops.list_users)
    delete = Operation(ops.delete_user)


class _LogtoOperations:
    advance_clock = Operation(ops.advance_clock)
    reset = Operation(ops.reset)
    patch_sign_in_experience = Operation(ops.patch_sign_in_experience)
    restore_sign_in_experience = Operation(ops.restore_sign_in_experience)
    codes = Operation(ops.codes)
    events = Operation(ops.events)
    wait_for_events = Operation(ops.wait_for_events)
    user_mfa = Operation(ops.user_mfa)
    totp_code = Operation(ops.totp_code)
    preset_social_identity = Operation(ops.preset_social_identity)
    clear_social_identity = Operation(ops.clear_social_identity)
    rotate_keys = Operation(lf.rotate_keys)
    attack_token = Operation(lf.attack_token)


class _LogtoFaultsOperations:
    add = Operation(lf.add_fault)
    list = Operation(lf.list_faults)
    clear = Operation(lf.clear_faults)


class _FaultsOperations:
    mailgun = Operation(ops.mailgun_fault)
    smtp = Operation(ops.smtp_fault)
    list = Operation(ops.list_mailgun_faults)
    clear = Operation(ops.clear_faults)


class Mailbox(_MailboxOperations, SyncAPI):
    """fake_mailgun's mailbox (sync)."""

    @contextmanager
    def expect_message(self, to: str, *, timeout: float = 30) -> Iterator[ExpectedMessage]:
        """Wrap the action that sends a message to ``to``: after the block, ``.value`` is that message
        (the first newer than the newest at the start of the block; waited for server-side up to
        ``timeout`` seconds) and ``.code`` its code. :class:`MailboxTimeout` lists what came instead."""
        expected = ExpectedMessage(to, self.latest(to))
        yield expected
        expected._value = self.wait_for_message(to, expected._wait_after(), timeout)


class AsyncMailbox(_MailboxOperations, AsyncAPI):
    """fake_mailgun's mailbox (async)."""

    @asynccontextmanager
    async def expect_message(self, to: str, *, timeout: float = 30) -> AsyncIterator[ExpectedMessage]:
        """``async with``: as :meth:`Mailbox.expect_message`."""
        expected = ExpectedMessage(to, await self.latest(to))
        yield expected
        expected._value = await self.wait_for_message(to, expected._wait_after(), timeout)


class Users(_UsersOperations, SyncAPI):
    """The tenant's users (sync)."""


class AsyncUsers(_UsersOperations, AsyncAPI):
    """The tenant's users (async)."""


class LogtoFaults(_LogtoFaultsOperations, SyncAPI):
    """fake_logto's fault injection (sync)."""


class AsyncLogtoFaults(_LogtoFaultsOperations, AsyncAPI):
    """fake_logto's fault injection (async)."""


class Logto(_LogtoOperations, SyncAPI):
    """fake_logto's control API (sync)."""

    def __init__(self, send: Callable[[Request[Any]], Any]) -> None:
        super().__init__(send)
        self.users = Users(send)
        self.faults = LogtoFaults(send)


class AsyncLogto(_LogtoOperations, AsyncAPI):
    """fake_logto's control API (async)."""

    def __init__(self, send: Callable[[Request[Any]], Coroutine[Any, Any, Any]]) -> None:
        super().__init__(send)
        self.users = AsyncUsers(send)
        self.faults = AsyncLogtoFaults(send)


class Faults(_FaultsOperations, SyncAPI):
    """fake_mailgun's fault injection (sync)."""


class AsyncFaults(_FaultsOperations, AsyncAPI):
    """fake_mailgun's fault injection (async)."""


class Client:
    """Sync client: ``Client(mailgun_url, logto_url)`` (URLs as ``harness up --json`` prints them);
    ``management_app=(app_id, app_secret)``: an M2M app holding the Management API role, for
    ``client.management`` (``resource``: the Management API's indicator)."""

    def __init__(
        self,
        mailgun_url: str,
        logto_url: str | None = None,
        *,
        management_app: tuple[str, str] | None = None,
        resource: str = MANAGEMENT_API_INDICATOR,
    ) -> None:
        self._transport = _SyncTransport(mailgun_url, logto_url, management_app, resource)
        self.mailbox = Mailbox(self._transport.send)
        self.logto = Logto(self._transport.send)
        self.faults = Faults(self._transport.send)
        self.management = Management(self._transport.send)

    def close(self) -> None:
        self._transport.http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


class AsyncClient:
    """Async client with the same operations (``await client.mailbox.wait_for_code(...)``)."""

    def __init__(
        self,
        mailgun_url: str,
        logto_url: str | None = None,
        *,
        management_app: tuple[str, str] | None = None,
        resource: str = MANAGEMENT_API_INDICATOR,
    ) -> None:
        self._transport = _AsyncTransport(mailgun_url, logto_url, management_app, resource)
        self.mailbox = AsyncMailbox(self._transport.send)
        self.logto = AsyncLogto(self._transport.send)
        self.faults = AsyncFaults(self._transport.send)
        self.management = AsyncManagement(self._transport.send)

    async def aclose(self) -> None:
        await self._transport.http.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()


def operations(api: type[SyncAPI] | type[AsyncAPI]) -> dict[str, Operation[..., Any]]:
    """The operations of a sub-API class, by method name (what the parity test walks)."""
    return {
        name: value
        for klass in reversed(api.__mro__)
        for name, value in vars(klass).items()
        if isinstance(value, Operation)
    }
