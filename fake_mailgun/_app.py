"""The app factory: the Mailgun surface, the ``/__harness/`` control API and the inbox UI on one ASGI app."""

from __future__ import annotations

import asyncio
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fakekit import install_control_errors

from . import _api, _clock_api, _control, _errors, _sms, paths
from ._settings import Settings
from ._state import State

_pages = Environment(
    loader=FileSystemLoader(Path(__file__).with_name("templates")), autoescape=select_autoescape(["html"])
)


async def _bad_input(_request: Request, details: str) -> Response:
    """Bad input outside the control API, in Mailgun's own shape."""
    return JSONResponse({"message": details}, status_code=400)


class _EndWaitOnDisconnect:
    """Ends a ``/__harness/messages/wait`` long-poll as soon as its client goes away.

    The inbox UI keeps one such request open per tab; without this an abandoned one (a closed tab, a
    finished browser test) would hold its waiter, and delay server shutdown, until its timeout ran out.
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


def create_app(settings: Settings | None = None, *, state: State | None = None) -> FastAPI:
    settings = settings or Settings()
    state = state or State.create(settings)
    app = FastAPI(
        title="fake_mailgun",
        version="0.1.0",
        description="A local Mailgun: the HTTP API, an SMTP capture, a Twilio SMS stand-in, one mailbox, and "
        "a control API under /__harness/ for tests (the mailbox control API is the stable contract documented "
        "here).",
    )
    app.state.fake_mailgun = state
    _api.install(app)
    app.include_router(_control.router)
    app.include_router(_clock_api.router)
    app.include_router(_sms.router)
    app.add_exception_handler(_errors.MailgunError, _errors.handle)
    install_control_errors(app, paths.CONTROL, _bad_input)
    _errors.answer_unknown_routes(app, paths.CONTROL)
    app.add_middleware(_EndWaitOnDisconnect)

    @app.get(paths.INBOX, response_class=HTMLResponse, include_in_schema=False)
    async def inbox() -> HTMLResponse:
        page = _pages.get_template("inbox.html").render(domains=settings.domains)
        return HTMLResponse(page)

    return app
