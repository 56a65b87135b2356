"""Every operation of the harness client, written once, as data.

Each function here describes one control-API call as a :class:`Request`: which fake, which method, which
path — always one of the fakes' own path constants (:mod:`fake_mailgun.paths`, :mod:`fake_logto.paths`),
never a string of our own — which query or body, and how to read the answer. :class:`Operation` turns one
into a method of both facades in :mod:`harness._client`: a plain method on the sync API classes, an
``async def`` on the async ones, with the builder's own signature and docstring. So ``Client`` and
``AsyncClient`` cannot drift apart: there is nothing to write twice.

Also here: :func:`code_of`, the one place a one-time code is read out of a message, and
:func:`timeout_error`, which turns a wait's 408 into a :class:`MailboxTimeout` listing what the mailbox
holds instead.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Literal, ParamSpec, TypeVar, cast, overload
from urllib.parse import quote

import pyotp

from fake_logto import paths as logto_paths
from fake_mailgun import paths as mailgun_paths

from ._errors import APIError, MailboxTimeout, ManagementAPIError

if TYPE_CHECKING:
    import httpx

# "management": fake_logto's Management API (``/api/*``), sent with the M2M app's access token.
Service = Literal["mailgun", "logto", "management"]
Message = dict[str, Any]
JSON = dict[str, Any]
T = TypeVar("T")
P = ParamSpec("P")
WAIT_GRACE = 10.0  # seconds the HTTP read waits beyond a server-side wait's own timeout


@dataclass(frozen=True)
class Request(Generic[T]):
    """One control-API call: ``route`` is a path constant of the fake, filled from ``path_params``."""

    service: Service
    method: str
    route: str
    parse: Callable[[httpx.Response], T]
    path_params: Mapping[str, str] = field(default_factory=dict)
    params: Mapping[str, Any] = field(default_factory=dict)
    json: Any = None
    form: Mapping[str, str] | None = None  # an application/x-www-form-urlencoded body (the token request)
    auth: tuple[str, str] | None = None  # HTTP Basic credentials (client_secret_basic)
    waits_for: str | None = None  # a mailbox wait's address: its 408 becomes a MailboxTimeout
    timeout: float = 30.0

    @property
    def path(self) -> str:
        if not self.path_params:
            return self.route  # a path given as is (the Management API's generic calls)
        return self.route.format(**{k: quote(v, safe="") for k, v in self.path_params.items()})


# --- reading answers ------------------------------------------------------------------------------------
def _json(response: httpx.Response) -> JSON:
    return cast(JSON, response.json())


def _items(response: httpx.Response) -> list[JSON]:
    return cast(list[JSON], response.json()["items"])


def _first(response: httpx.Response) -> JSON | None:
    items = _items(response)
    return items[0] if items else None


def _nothing(_response: httpx.Response) -> None:
    return None


def _code(response: httpx.Response) -> str:
    return code_of(_json(response))


def code_of(message: Message) -> str:
    """The one-time code fake_mailgun read out of ``message``; :class:`APIError` when it has none."""
    if not message.get("code"):
        raise APIError(f"message #{message['id']} to {message['to']} has no code: {message['subject']!r}")
    return str(message["code"])


def _params(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def check(request: Request[T], response: httpx.Response) -> T:
    """The parsed answer, or :class:`APIError` with the control API's own message
    (:class:`ManagementAPIError` with Logto's ``code`` for the Management API and its token request)."""
    if response.status_code >= 400:
        try:
            body = response.json()
        except ValueError:
            body = {"message": response.text}
        if request.service == "management" or request.route == logto_paths.TOKEN:
            raise ManagementAPIError(request.method, request.path, response.status_code, body)
        message = body.get("message", body) if isinstance(body, dict) else body
        raise APIError(f"{request.method} {request.path} → {response.status_code}: {message}")
    return request.parse(response)


def timeout_error(request: Request[Any], recent: list[Message]) -> MailboxTimeout:
    """What a mailbox wait that timed out raises: what was awaited, and what came instead."""
    after = request.params.get("after")
    since = f" after #{after}" if after not in (None, "0") else ""
    lines = [f"no message to {request.waits_for} arrived within {request.params.get('timeout'):g} s{since}."]
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


# --- fake_mailgun's mailbox -----------------------------------------------------------------------------
def messages(to: str | None = None, limit: int = 50) -> Request[list[Message]]:
    """Messages (to ``to``, if given), newest first."""
    return Request("mailgun", "GET", mailgun_paths.MAILBOX, _items, params=_params(to=to, limit=limit))


def latest(to: str | None = None) -> Request[Message | None]:
    """The newest message (to ``to``, if given), or ``None``."""
    return Request("mailgun", "GET", mailgun_paths.MAILBOX, _first, params=_params(to=to, limit=1))


def wait_for_message(to: str, after: str | None = None, timeout: float = 30) -> Request[Message]:
    """The first message to ``to`` newer than message id ``after`` (without ``after``: the newest to ``to``,
    at once if there is one), waiting server-side up to ``timeout`` seconds."""
    params = _params(to=to, after=after, timeout=timeout)
    return Request(
        "mailgun",
        "GET",
        mailgun_paths.MAILBOX_WAIT,
        _json,
        params=params,
        waits_for=to,
        timeout=timeout + WAIT_GRACE,
    )


def wait_for_code(to: str, after: str | None = None, timeout: float = 30) -> Request[str]:
    """The one-time code of :meth:`wait_for_message`'s message."""
    wait = wait_for_message(to, after, timeout)
    return Request(
        wait.service, wait.method, wait.route, _code, params=wait.params, waits_for=to, timeout=wait.timeout
    )


def _bytes(response: httpx.Response) -> bytes:
    return response.content


def raw_message(message_id: str) -> Request[bytes]:
    """A message's raw MIME source (what an ``.eml`` file holds)."""
    return Request(
        "mailgun", "GET", mailgun_paths.MAILBOX_RAW, _bytes, path_params={"message_id": message_id}
    )


def clear_messages() -> Request[None]:
    """Empty the mailbox (message ids keep counting up)."""
    return Request("mailgun", "DELETE", mailgun_paths.MAILBOX, _nothing)


# --- fake_mailgun's faults ------------------------------------------------------------------------------
def mailgun_fault(status: int | None = None, count: int | None = None, **spec: Any) -> Request[JSON]:
    """Make the next ``count`` Mailgun API sends fail with ``status`` (and/or ``latency_ms``, ``rate``,
    ``retry_after``, ``message``); 429s carry ``Retry-After``."""
    body = _params(target="api", status=status, count=count, **spec)
    return Request("mailgun", "POST", mailgun_paths.FAULTS, _json, json=body)


def smtp_fault(status: int, count: int | None = None, **spec: Any) -> Request[JSON]:
    """Make the next ``count`` SMTP sends fail with the SMTP reply ``status`` (4xx/5xx)."""
    body = _params(target="smtp", status=status, count=count, **spec)
    return Request("mailgun", "POST", mailgun_paths.FAULTS, _json, json=body)


def list_mailgun_faults() -> Request[list[JSON]]:
    """The active fault rules of fake_mailgun, oldest first."""
    return Request("mailgun", "GET", mailgun_paths.FAULTS, _items)


def clear_faults() -> Request[None]:
    """Remove every fault rule."""
    return Request("mailgun", "DELETE", mailgun_paths.FAULTS, _nothing)


class _HarnessTotp(pyotp.TOTP):
    """Logto imports secrets of 16 base32 characters (80 bits); pyotp's default minimum is 112."""

    min_secret_length_bits = 80


# --- fake_logto's tenant --------------------------------------------------------------------------------
def advance_clock(seconds: float) -> Request[JSON]:
    """Move the tenant clock: codes, sessions and tokens the fake checks expire without sleeping."""
    return Request("logto", "POST", logto_paths.CLOCK, _json, json={"advance": seconds})


def reset() -> Request[None]:
    """Forget every user, interaction, session, token and code; re-seed the config's users."""
    return Request("logto", "POST", logto_paths.RESET, _nothing)


def patch_sign_in_experience(fields: Mapping[str, Any]) -> Request[JSON]:
    """Change the sign-in experience as the Management API's ``PATCH /api/sign-in-exp`` does (``signIn``,
    ``signUp``, ``signInMode``, ``forgotPasswordMethods``, in Logto's shape), at once; answers the row."""
    return Request("logto", "PATCH", logto_paths.CONTROL_SIGN_IN_EXP, _json, json=dict(fields))


def restore_sign_in_experience() -> Request[JSON]:
    """Put the configured sign-in experience back; answers the row."""
    return Request("logto", "DELETE", logto_paths.CONTROL_SIGN_IN_EXP, _json)


def codes(to: str | None = None, limit: int = 20) -> Request[list[JSON]]:
    """Verification codes the tenant sent (to ``to``, if given), newest first."""
    return Request("logto", "GET", logto_paths.CODES, _items, params=_params(to=to, limit=limit))


def events(after: int = 0, last: int | None = None) -> Request[list[JSON]]:
    """The debug view's events with an id above ``after``, oldest first (only the newest ``last``, if given)."""
    return Request("logto", "GET", logto_paths.EVENTS, _items, params=_params(after=after, last=last))


def wait_for_events(after: int = 0, timeout: float = 25) -> Request[list[JSON]]:
    """Events with an id above ``after``, waiting server-side up to ``timeout`` seconds for the first
    (an empty list when none came)."""
    params = {"after": after, "timeout": timeout}
    return Request(
        "logto", "GET", logto_paths.EVENTS_WAIT, _items, params=params, timeout=timeout + WAIT_GRACE
    )


def create_user(**profile: Any) -> Request[JSON]:
    """A user (``email``, ``username``, ``phone``, ``password``, ``name``, ``custom_data``)."""
    return Request("logto", "POST", logto_paths.USERS, _json, json=_params(**profile))


def list_users() -> Request[list[JSON]]:
    """Every user of the tenant."""
    return Request("logto", "GET", logto_paths.USERS, _items)


def delete_user(user_id: str) -> Request[None]:
    """Delete the user ``user_id``."""
    return Request("logto", "DELETE", logto_paths.USER, _nothing, path_params={"user_id": user_id})


def user_mfa(user_id: str) -> Request[JSON]:
    """A user's MFA factors with their secrets: ``{totp_secret, pending_totp_secret, backup_codes: [{code,
    usedAt?}], passkeys: [{id, credentialId, rpId, counter, …}], now, step}`` (``now``: the tenant clock;
    ``pending_totp_secret``: one being bound)."""
    return Request("logto", "GET", logto_paths.USER_MFA, _json, path_params={"user_id": user_id})


def _totp_code(response: httpx.Response) -> str:
    body = _json(response)
    secret = body["totp_secret"] or body.get("pending_totp_secret")
    if not secret:
        raise APIError(f"no TOTP is bound to this user, nor being bound: {body}")
    totp = _HarnessTotp(secret, interval=body["step"])
    return totp.at(body["now"])


def totp_code(user_id: str) -> Request[str]:
    """The TOTP code an authenticator app holding the user's bound secret shows now, on the tenant clock
    (so it is valid for fake_logto even after ``advance_clock``); while a TOTP is being bound (the binding
    page's QR code), the code of that new secret."""
    return Request("logto", "GET", logto_paths.USER_MFA, _totp_code, path_params={"user_id": user_id})


def preset_social_identity(target: str, **identity: Any) -> Request[JSON]:
    """Who the social provider stand-in of ``target`` (``google``, ``github``) answers with from now on,
    without its page: ``id``, ``email``, ``email_verified`` (default true), ``name``, ``avatar``, ``phone``,
    ``raw``; or ``deny=True`` for the provider's ``access_denied``."""
    path = {"target": target}
    return Request("logto", "PUT", logto_paths.SOCIAL_IDENTITY, _json, json=identity, path_params=path)


def clear_social_identity(target: str) -> Request[None]:
    """Forget ``target``'s preset identity: the stand-in's page asks again."""
    path = {"target": target}
    return Request("logto", "DELETE", logto_paths.SOCIAL_IDENTITY, _nothing, path_params=path)


# --- one description, two facades -----------------------------------------------------------------------
class SyncAPI:
    """A sync sub-API: its :class:`Operation` attributes send through ``send`` and return the answer."""

    def __init__(self, send: Callable[[Request[Any]], Any]) -> None:
        self._send = send


class AsyncAPI:
    """An async sub-API: its :class:`Operation` attributes are coroutine functions."""

    def __init__(self, send: Callable[[Request[Any]], Coroutine[Any, Any, Any]]) -> None:
        self._send = send


class Operation(Generic[P, T]):
    """A method of a sub-API, built from a request builder: sync on a :class:`SyncAPI`, ``async def`` on an
    :class:`AsyncAPI`, with the builder's signature and docstring either way."""

    def __init__(self, build: Callable[P, Request[T]]) -> None:
        self.build = build
        self.name = build.__name__

    def __set_name__(self, owner: type[Any], name: str) -> None:
        self.name = name

    @overload
    def __get__(self, api: None, owner: type[Any] | None = None) -> Operation[P, T]: ...
    @overload
    def __get__(self, api: SyncAPI, owner: type[Any] | None = None) -> Callable[P, T]: ...
    @overload
    def __get__(
        self, api: AsyncAPI, owner: type[Any] | None = None
    ) -> Callable[P, Coroutine[Any, Any, T]]: ...
    def __get__(self, api: SyncAPI | AsyncAPI | None, owner: type[Any] | None = None) -> Any:
        if api is None:
            return self
        method = (
            _async_method(api, self.build) if isinstance(api, AsyncAPI) else _sync_method(api, self.build)
        )
        functools.update_wrapper(method, self.build)
        # What the method returns is what the request parses to: "Request[X]" reads "X".
        answer = str(self.build.__annotations__.get("return", "Request[Any]"))
        if answer.startswith("Request[") and answer.endswith("]"):
            answer = answer[len("Request[") : -1]
        method.__annotations__ = {**self.build.__annotations__, "return": answer}
        method.__signature__ = inspect.signature(self.build).replace(  # type: ignore[attr-defined]
            return_annotation=answer
        )
        method.__name__ = self.name
        method.__qualname__ = f"{type(api).__name__}.{self.name}"
        api.__dict__[self.name] = method  # bound once per instance
        return method


def _sync_method(api: SyncAPI, build: Callable[..., Request[Any]]) -> Callable[..., Any]:
    send = api._send

    def method(*args: Any, **kwargs: Any) -> Any:
        return send(build(*args, **kwargs))

    return method


def _async_method(api: AsyncAPI, build: Callable[..., Request[Any]]) -> Callable[..., Any]:
    send = api._send

    async def method(*args: Any, **kwargs: Any) -> Any:
        return await send(build(*args, **kwargs))

    return method
