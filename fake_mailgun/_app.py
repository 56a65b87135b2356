"""The app factory: the Mailgun surface, the ``/__harness/`` control API and the inbox UI on one documented
FastAPI app. A server builds it on first use, behind the light front that answers its hot routes at start
(:mod:`._front`)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request

from fakekit import install_control_errors

from . import _clock_api, _control, _errors, _sms, paths
from ._api.routes import install as install_mailgun_api
from ._front import EndWaitOnDisconnect
from ._settings import Settings
from ._state import State

_pages = Environment(
    loader=FileSystemLoader(Path(__file__).with_name("templates")), autoescape=select_autoescape(["html"])
)


async def _bad_input(_request: Request, details: str) -> Response:
    """Bad input outside the control API, in Mailgun's own shape."""
    return JSONResponse({"message": details}, status_code=400)


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
    install_mailgun_api(app)
    app.include_router(_control.router)
    app.include_router(_clock_api.router)
    app.include_router(_sms.router)
    app.add_exception_handler(_errors.MailgunError, _errors.handle)
    install_control_errors(app, paths.CONTROL, _bad_input)
    _errors.answer_unknown_routes(app, paths.CONTROL)
    app.add_middleware(EndWaitOnDisconnect)

    @app.get(paths.INBOX, response_class=HTMLResponse, include_in_schema=False)
    async def inbox() -> HTMLResponse:
        page = _pages.get_template("inbox.html").render(domains=settings.domains)
        return HTMLResponse(page)

    return app
