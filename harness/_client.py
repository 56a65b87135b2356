"""``harness.Client`` / ``harness.AsyncClient``: typed access to both control APIs.

- ``client.mailbox`` — fake_mailgun's ``/__harness/messages`` API: ``messages``, ``latest``,
  ``wait_for_message``, ``wait_for_code`` (both block server-side), ``clear``, and
  ``expect_message(to)``, which waits for the message an action sends::

      with client.mailbox.expect_message(to="alice@example.test") as sent:
          page.get_by_role("button", name="Send code").click()
      page.get_by_label("Verification code").fill(sent.code)

- ``client.logto`` — fake_logto's ``/__harness/`` API: ``advance_clock``, ``reset``, ``codes``, ``events``,
  ``wait_for_events``, ``patch_sign_in_experience`` / ``restore_sign_in_experience``, and ``users``
  (``create``, ``list``, ``delete``).
- ``client.faults`` — fake_mailgun's fault injection: ``mailgun(status=…, count=…)``, ``smtp(…)``, ``clear``.

Both clients are generated from one description of each operation (:mod:`harness._operations`); the sync
one sends with a blocking ``httpx.Client``, the async one with an ``httpx.AsyncClient``, and their methods
have the same names and signatures (``async def`` on the async one). A wait that times out raises
:class:`MailboxTimeout`, whose message says what was sent instead, and to whom.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from fakekit import async_http_client, http_client

from . import _operations as ops
from ._errors import APIError, HarnessError
from ._operations import AsyncAPI, Message, Operation, Request, SyncAPI, code_of

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
class _Bases:
    def __init__(self, mailgun_url: str, logto_url: str | None) -> None:
        self.bases = {"mailgun": mailgun_url.rstrip("/"), "logto": (logto_url or "").rstrip("/")}

    def url(self, request: Request[Any]) -> str:
        base = self.bases[request.service]
        if not base:
            raise APIError(f"no {request.service} URL configured for this client")
        return base + request.path

    @staticmethod
    def options(request: Request[Any]) -> dict[str, Any]:
        return {"params": dict(request.params), "json": request.json, "timeout": request.timeout}


class _SyncTransport(_Bases):
    def __init__(self, mailgun_url: str, logto_url: str | None) -> None:
        super().__init__(mailgun_url, logto_url)
        self.http = http_client(timeout=60)

    def send(self, request: Request[Any]) -> Any:
        response = self.http.request(request.method, self.url(request), **self.options(request))
        if response.status_code == 408 and request.waits_for is not None:
            raise ops.timeout_error(request, self.send(ops.messages(limit=RECENT)))
        return ops.check(request, response)


class _AsyncTransport(_Bases):
    def __init__(self, mailgun_url: str, logto_url: str | None) -> None:
        super().__init__(mailgun_url, logto_url)
        self.http = async_http_client(timeout=60)

    async def send(self, request: Request[Any]) -> Any:
        response = await self.http.request(request.method, self.url(request), **self.options(request))
        if response.status_code == 408 and request.waits_for is not None:
            raise ops.timeout_error(request, await self.send(ops.messages(limit=RECENT)))
        return ops.check(request, response)


# --- the sub-APIs: each operation once, then a sync and an async class ---------------------------------
class _MailboxOperations:
    messages = Operation(ops.messages)
    latest = Operation(ops.latest)
    wait_for_message = Operation(ops.wait_for_message)
    wait_for_code = Operation(ops.wait_for_code)
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


class _FaultsOperations:
    mailgun = Operation(ops.mailgun_fault)
    smtp = Operation(ops.smtp_fault)
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


class Logto(_LogtoOperations, SyncAPI):
    """fake_logto's control API (sync)."""

    def __init__(self, send: Callable[[Request[Any]], Any]) -> None:
        super().__init__(send)
        self.users = Users(send)


class AsyncLogto(_LogtoOperations, AsyncAPI):
    """fake_logto's control API (async)."""

    def __init__(self, send: Callable[[Request[Any]], Coroutine[Any, Any, Any]]) -> None:
        super().__init__(send)
        self.users = AsyncUsers(send)


class Faults(_FaultsOperations, SyncAPI):
    """fake_mailgun's fault injection (sync)."""


class AsyncFaults(_FaultsOperations, AsyncAPI):
    """fake_mailgun's fault injection (async)."""


class Client:
    """Sync client: ``Client(mailgun_url, logto_url)`` (URLs as ``harness up --json`` prints them)."""

    def __init__(self, mailgun_url: str, logto_url: str | None = None) -> None:
        self._transport = _SyncTransport(mailgun_url, logto_url)
        self.mailbox = Mailbox(self._transport.send)
        self.logto = Logto(self._transport.send)
        self.faults = Faults(self._transport.send)

    def close(self) -> None:
        self._transport.http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


class AsyncClient:
    """Async client with the same operations (``await client.mailbox.wait_for_code(...)``)."""

    def __init__(self, mailgun_url: str, logto_url: str | None = None) -> None:
        self._transport = _AsyncTransport(mailgun_url, logto_url)
        self.mailbox = AsyncMailbox(self._transport.send)
        self.logto = AsyncLogto(self._transport.send)
        self.faults = AsyncFaults(self._transport.send)

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
