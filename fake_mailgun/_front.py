"""fake_mailgun as served: a light front on the hot surface, the documented app behind it (issue 20).

What a start and the requests right after it need — the health check ``harness up`` and the bench poll,
the two Mailgun sends (the intake; fake_logto's Mailgun connector), and the mailbox reads a test makes
next (the message list, the server-side wait, one message, emptying the mailbox) — is answered by plain
Starlette routes, so starting loads neither FastAPI nor pydantic nor Jinja. Everything else goes to the
documented app (:func:`._app.create_app`, the Mailgun API's other rooms, the rest of the control API, the
clock, the SMS stand-ins, the inbox page and the OpenAPI document) behind a :class:`fakekit.DeferredApp`:
built on the first request that reaches it, in a worker thread.

A request is the front's only when one of its routes matches it fully: its path, its one method (no
implied ``HEAD``: the documented routes answer ``HEAD`` with 405) and a plain query
(:mod:`._mailbox_reads`). Anything else — another method, a query to validate, an unknown path — reaches
the documented app untouched, so every refusal (Mailgun's ``404 page not found``, the control API's 404
and 405, a bad query's 400) is the one it always gave. The front's own answers go through the same
handlers and renderers as the documented routes (:mod:`._api.sends`, :mod:`._mailbox_reads`,
:func:`._errors.handle`, :func:`fakekit.control_error_response`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.datastructures import QueryParams
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Match, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fakekit import ControlError, DeferredApp, control_error_response

from . import _errors, paths
from . import _mailbox_reads as reads
from ._api.common import guarded
from ._api.sends import send_message, send_mime
from ._settings import Settings
from ._state import State

if TYPE_CHECKING:
    from fastapi import FastAPI

Endpoint = Callable[[Request], Awaitable[Response]]
PlainQuery = Callable[[QueryParams], object]  # None: not plain, the documented route's to validate


class EndWaitOnDisconnect:
    """Ends a ``/__harness/messages/wait`` long-poll as soon as its client goes away.

    The inbox UI keeps one such request open per tab; without this an abandoned one (a closed tab, a
    finished browser test) would hold its waiter, and delay server shutdown, until its timeout ran out.
    Both the front and the documented app are wrapped in it: each serves some waits.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != paths.MAILBOX_WAIT:
            await self.app(scope, receive, send)
            return
        inbox: asyncio.Queue[Message] = asyncio.Queue()
        handler = asyncio.ensure_future(self.app(scope, inbox.get, send))
        gone = False

        async def watch() -> None:
            nonlocal gone
            while True:
                message = await receive()
                inbox.put_nowait(message)
                if message["type"] == "http.disconnect":
                    gone = True
                    handler.cancel()
                    return

        watcher = asyncio.ensure_future(watch())
        try:
            await handler
        except asyncio.CancelledError:
            if not gone:  # we were cancelled ourselves, not the handler for a departed client
                raise
        finally:
            watcher.cancel()


class _FrontRoute(Route):
    """A route of the front: its path with its one method (no implied ``HEAD``), and a plain query."""

    def __init__(self, method: str, path: str, endpoint: Endpoint, plain: PlainQuery | None = None) -> None:
        super().__init__(path, endpoint, methods=[method])
        self.methods = {method}
        self._plain = plain

    def _plain_query(self, scope: Scope) -> bool:
        return self._plain is None or self._plain(QueryParams(scope["query_string"])) is not None

    def claims(self, scope: Scope) -> bool | None:
        """None: not this route's request; True: the front's to answer; False: this route's request, but
        with a query only the documented route may judge."""
        if super().matches(scope)[0] is not Match.FULL:
            return None
        return self._plain_query(scope)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        match, child = super().matches(scope)
        if match is Match.FULL and self._plain_query(scope):
            return match, child
        return Match.NONE, {}


def _front_serves(scope: Scope) -> bool:
    """Whether the front answers this request: the first route that fully matches it decides, as the
    documented app's first full match would (the wait with a query to judge is not then taken for one
    message whose id is "wait")."""
    for route in ROUTES:
        claim = route.claims(scope)
        if claim is not None:
            return claim
    return False


def _state(request: Request) -> State:
    state: State = request.app.state.fake_mailgun
    return state


async def _health(request: Request) -> Response:
    return JSONResponse(reads.health(_state(request)))


async def _list(request: Request) -> Response:
    query = request.query_params
    limit = reads.plain_limit(query)
    assert limit is not None  # the route matched a plain query only
    return JSONResponse(reads.listing(_state(request), query.get("to"), limit))


async def _wait(request: Request) -> Response:
    query = request.query_params
    timeout = reads.plain_timeout(query)
    assert timeout is not None  # the route matched a plain query only
    return await reads.wait(_state(request), query.get("to"), query.get("after"), timeout)


async def _message(request: Request) -> Response:
    message_id = str(request.path_params["message_id"])
    return reads.answer(reads.message(_state(request), message_id, request.query_params.get("to")))


async def _clear(request: Request) -> Response:
    return JSONResponse(reads.clear(_state(request)))


# In the documented app's order (the wait before one message, whose path would take "wait" as an id).
ROUTES: list[_FrontRoute] = [
    _FrontRoute("POST", paths.MESSAGES, guarded(send_message)),
    _FrontRoute("POST", paths.MESSAGES_MIME, guarded(send_mime)),
    _FrontRoute("GET", paths.HEALTH, _health),
    _FrontRoute("GET", paths.MAILBOX, _list, reads.plain_limit),
    _FrontRoute("GET", paths.MAILBOX_WAIT, _wait, reads.plain_timeout),
    _FrontRoute("GET", paths.MAILBOX_MESSAGE, _message),
    _FrontRoute("DELETE", paths.MAILBOX, _clear),
]


async def _control_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ControlError)
    return control_error_response(exc)


class Front:
    """The ASGI app ``Server`` serves: the front's routes (``hot``) for the requests they match fully,
    the documented app (``documented``, built on first use) for every other."""

    def __init__(self, settings: Settings, state: State) -> None:
        def build() -> FastAPI:
            from ._app import create_app  # FastAPI and the rest: on first use only

            return create_app(settings, state=state)

        self.state = state
        self.documented = DeferredApp(build)
        self.hot = Starlette(
            routes=ROUTES,
            middleware=[Middleware(EndWaitOnDisconnect)],
            exception_handlers={_errors.MailgunError: _errors.handle, ControlError: _control_error},
        )
        self.hot.state.fake_mailgun = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _front_serves(scope):
            await self.hot(scope, receive, send)
        else:
            await self.documented(scope, receive, send)


def create_front(settings: Settings | None = None, *, state: State | None = None) -> Front:
    """fake_mailgun's app as served; answers exactly as :func:`._app.create_app`'s, which it builds on
    the first request only it can answer."""
    settings = settings or Settings()
    return Front(settings, state or State.create(settings))
