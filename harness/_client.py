"""``harness.Client`` / ``harness.AsyncClient``: typed access to both control APIs.

- ``client.mailbox`` — fake_mailgun's ``/__harness/messages`` API: ``messages``, ``wait_for_message``,
  ``wait_for_code`` (both block server-side), ``clear``.
- ``client.logto`` — fake_logto's ``/__harness/`` API: ``advance_clock``, ``reset``, ``users``, ``codes``.
- ``client.faults`` — fake_mailgun's fault injection: ``mailgun(status=…, count=…)``, ``smtp(…)``, ``clear``.

Every operation is one :class:`Call` built by a function of :mod:`harness._client`; the sync and async
clients only differ in how they send it. A wait that times out raises :class:`MailboxTimeout`, whose
message says what was sent instead, and to whom.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from fakekit import async_http_client, http_client

from ._errors import APIError, MailboxTimeout

Message = dict[str, Any]


@dataclass(frozen=True)
class Call:
    service: str  # "mailgun" | "logto"
    method: str
    path: str
    params: dict[str, Any] = field(default_factory=dict)
    json: Any = None
    parse: Callable[[httpx.Response], Any] = lambda r: r.json()
    waits_for: str | None = None  # the address of a wait, for the timeout message
    timeout: float = 30.0


def _explain_timeout(call: Call, recent: list[Message]) -> MailboxTimeout:
    lines = [f"no message to {call.waits_for} arrived within {call.params.get('timeout')} s."]
    if not recent:
        lines.append(
            "The mailbox is empty: nothing was sent at all (is the app's Logto connector pointed here?)."
        )
    else:
        lines.append("The mailbox holds, newest first:")
        for m in recent:
            code = f" code {m['code']}" if m.get("code") else ""
            lines.append(f"  #{m['id']} to {', '.join(m['to'] + m['cc'] + m['bcc'])}: {m['subject']!r}{code}")
    lines.append("See the inbox UI for the full messages.")
    return MailboxTimeout("\n".join(lines))


def _check(call: Call, response: httpx.Response) -> Any:
    if response.status_code >= 400:
        try:
            body = response.json()
        except ValueError:
            body = {"message": response.text}
        raise APIError(f"{call.method} {call.path} → {response.status_code}: {body.get('message', body)}")
    return call.parse(response)


# --- the calls ------------------------------------------------------------------------------------------
def _params(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def messages_call(to: str | None = None, limit: int = 50) -> Call:
    return Call(
        "mailgun",
        "GET",
        "/__harness/messages",
        _params(to=to, limit=limit),
        parse=lambda r: r.json()["items"],
    )


def wait_call(to: str, after: str | None, timeout: float) -> Call:
    return Call(
        "mailgun",
        "GET",
        "/__harness/messages/wait",
        _params(to=to, after=after, timeout=timeout),
        waits_for=to,
        timeout=timeout + 10,
    )


def code_of(message: Message) -> str:
    if message.get("code") is None:
        raise APIError(f"message #{message['id']} to {message['to']} has no code: {message['subject']!r}")
    return str(message["code"])


class Calls:
    """Every operation, as data."""

    clear = Call("mailgun", "DELETE", "/__harness/messages")
    faults_clear = Call("mailgun", "DELETE", "/__harness/faults")
    reset = Call("logto", "POST", "/__harness/reset")
    users_list = Call("logto", "GET", "/__harness/users", parse=lambda r: r.json()["items"])

    @staticmethod
    def fault(target: str, **spec: Any) -> Call:
        return Call("mailgun", "POST", "/__harness/faults", json=_params(target=target, **spec))

    @staticmethod
    def advance_clock(seconds: float) -> Call:
        return Call("logto", "POST", "/__harness/clock", json={"advance": seconds})

    @staticmethod
    def users_create(**profile: Any) -> Call:
        return Call("logto", "POST", "/__harness/users", json=_params(**profile))

    @staticmethod
    def users_delete(user_id: str) -> Call:
        return Call("logto", "DELETE", f"/__harness/users/{user_id}", parse=lambda r: None)

    @staticmethod
    def codes(to: str | None = None, limit: int = 20) -> Call:
        return Call(
            "logto", "GET", "/__harness/codes", _params(to=to, limit=limit), parse=lambda r: r.json()["items"]
        )


# --- sync -----------------------------------------------------------------------------------------------
class _Sync:
    def __init__(self, mailgun_url: str, logto_url: str | None) -> None:
        self.http = http_client(timeout=60)
        self.bases = {"mailgun": mailgun_url.rstrip("/"), "logto": (logto_url or "").rstrip("/")}

    def run(self, call: Call) -> Any:
        if not self.bases[call.service]:
            raise APIError(f"no {call.service} URL configured for this client")
        response = self.http.request(
            call.method,
            self.bases[call.service] + call.path,
            params=call.params,
            json=call.json,
            timeout=call.timeout,
        )
        if response.status_code == 408 and call.waits_for is not None:
            raise _explain_timeout(call, self.run(messages_call(limit=10)))
        return _check(call, response)


class Mailbox:
    def __init__(self, run: Callable[[Call], Any]) -> None:
        self._run = run

    def messages(self, to: str | None = None, limit: int = 50) -> list[Message]:
        """Messages (to ``to``, if given), newest first."""
        result: list[Message] = self._run(messages_call(to, limit))
        return result

    def wait_for_message(self, to: str, after: str | None = None, timeout: float = 30) -> Message:
        """The first message to ``to`` newer than message id ``after`` (without ``after``: the newest to ``to``,
        at once if there is one), waiting server-side up to ``timeout`` seconds."""
        result: Message = self._run(wait_call(to, after, timeout))
        return result

    def wait_for_code(self, to: str, after: str | None = None, timeout: float = 30) -> str:
        """The one-time code of :meth:`wait_for_message`'s message."""
        return code_of(self.wait_for_message(to, after, timeout))

    def clear(self) -> None:
        self._run(Calls.clear)


class Users:
    def __init__(self, run: Callable[[Call], Any]) -> None:
        self._run = run

    def create(self, **profile: Any) -> dict[str, Any]:
        """A user (``email``, ``username``, ``phone``, ``password``, ``name``, ``custom_data``)."""
        result: dict[str, Any] = self._run(Calls.users_create(**profile))
        return result

    def list(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._run(Calls.users_list)
        return result

    def delete(self, user_id: str) -> None:
        self._run(Calls.users_delete(user_id))


class Logto:
    def __init__(self, run: Callable[[Call], Any]) -> None:
        self._run = run
        self.users = Users(run)

    def advance_clock(self, seconds: float) -> dict[str, Any]:
        """Move the tenant clock: codes, sessions and tokens the fake checks expire without sleeping."""
        result: dict[str, Any] = self._run(Calls.advance_clock(seconds))
        return result

    def reset(self) -> None:
        self._run(Calls.reset)

    def codes(self, to: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._run(Calls.codes(to, limit))
        return result


class Faults:
    def __init__(self, run: Callable[[Call], Any]) -> None:
        self._run = run

    def mailgun(self, status: int | None = None, count: int | None = None, **spec: Any) -> dict[str, Any]:
        """Make the next ``count`` Mailgun API sends fail with ``status`` (and/or ``latency_ms``, ``rate``,
        ``retry_after``); 429s carry ``Retry-After``."""
        result: dict[str, Any] = self._run(Calls.fault("api", status=status, count=count, **spec))
        return result

    def smtp(self, status: int, count: int | None = None, **spec: Any) -> dict[str, Any]:
        result: dict[str, Any] = self._run(Calls.fault("smtp", status=status, count=count, **spec))
        return result

    def clear(self) -> None:
        self._run(Calls.faults_clear)


class Client:
    """Sync client: ``Client(mailgun_url, logto_url)`` (URLs as ``harness up --json`` prints them)."""

    def __init__(self, mailgun_url: str, logto_url: str | None = None) -> None:
        self._sync = _Sync(mailgun_url, logto_url)
        self.mailbox = Mailbox(self._sync.run)
        self.logto = Logto(self._sync.run)
        self.faults = Faults(self._sync.run)

    def close(self) -> None:
        self._sync.http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


# --- async ----------------------------------------------------------------------------------------------
class _Async:
    def __init__(self, mailgun_url: str, logto_url: str | None) -> None:
        self.http = async_http_client(timeout=60)
        self.bases = {"mailgun": mailgun_url.rstrip("/"), "logto": (logto_url or "").rstrip("/")}

    async def run(self, call: Call) -> Any:
        if not self.bases[call.service]:
            raise APIError(f"no {call.service} URL configured for this client")
        response = await self.http.request(
            call.method,
            self.bases[call.service] + call.path,
            params=call.params,
            json=call.json,
            timeout=call.timeout,
        )
        if response.status_code == 408 and call.waits_for is not None:
            raise _explain_timeout(call, await self.run(messages_call(limit=10)))
        return _check(call, response)


class AsyncMailbox:
    def __init__(self, run: Callable[[Call], Any]) -> None:
        self._run = run

    async def messages(self, to: str | None = None, limit: int = 50) -> list[Message]:
        result: list[Message] = await self._run(messages_call(to, limit))
        return result

    async def wait_for_message(self, to: str, after: str | None = None, timeout: float = 30) -> Message:
        result: Message = await self._run(wait_call(to, after, timeout))
        return result

    async def wait_for_code(self, to: str, after: str | None = None, timeout: float = 30) -> str:
        return code_of(await self.wait_for_message(to, after, timeout))

    async def clear(self) -> None:
        await self._run(Calls.clear)


class AsyncLogto:
    def __init__(self, run: Callable[[Call], Any]) -> None:
        self._run = run

    async def advance_clock(self, seconds: float) -> dict[str, Any]:
        result: dict[str, Any] = await self._run(Calls.advance_clock(seconds))
        return result

    async def reset(self) -> None:
        await self._run(Calls.reset)

    async def create_user(self, **profile: Any) -> dict[str, Any]:
        result: dict[str, Any] = await self._run(Calls.users_create(**profile))
        return result


class AsyncFaults:
    def __init__(self, run: Callable[[Call], Any]) -> None:
        self._run = run

    async def mailgun(
        self, status: int | None = None, count: int | None = None, **spec: Any
    ) -> dict[str, Any]:
        result: dict[str, Any] = await self._run(Calls.fault("api", status=status, count=count, **spec))
        return result

    async def clear(self) -> None:
        await self._run(Calls.faults_clear)


class AsyncClient:
    """Async client with the same operations (``await client.mailbox.wait_for_code(...)``)."""

    def __init__(self, mailgun_url: str, logto_url: str | None = None) -> None:
        self._async = _Async(mailgun_url, logto_url)
        self.mailbox = AsyncMailbox(self._async.run)
        self.logto = AsyncLogto(self._async.run)
        self.faults = AsyncFaults(self._async.run)

    async def aclose(self) -> None:
        await self._async.http.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()
