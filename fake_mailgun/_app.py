"""The app factory: the Mailgun surface, the ``/__harness/`` control API and the inbox UI on one ASGI app."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request

from . import _api, _control, _errors, _paths
from ._settings import Settings
from ._state import State

_pages = Environment(
    loader=FileSystemLoader(Path(__file__).with_name("templates")), autoescape=select_autoescape(["html"])
)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    details = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
    if request.url.path.startswith(_paths.CONTROL):
        return JSONResponse({"error": "invalid_request", "message": details}, status_code=400)
    return JSONResponse({"message": details}, status_code=400)


def create_app(settings: Settings | None = None, *, state: State | None = None) -> FastAPI:
    settings = settings or Settings()
    state = state or State.create(settings)
    app = FastAPI(
        title="fake_mailgun",
        version="0.1.0",
        description="A local Mailgun: the HTTP API, an SMTP capture, one mailbox, and a control API under "
        "/__harness/ for tests (the mailbox control API is the stable contract documented here).",
    )
    app.state.fake_mailgun = state
    for method, path, handler, summary in _api.ROUTES:
        app.add_api_route(
            path, _api.guarded(handler), methods=[method], summary=summary, tags=["Mailgun API"]
        )
    app.include_router(_control.router)
    app.add_exception_handler(_errors.MailgunError, _errors.handle)
    app.add_exception_handler(_control.ControlError, _control.handle_control_error)
    app.add_exception_handler(RequestValidationError, _validation_error)

    @app.get(_paths.INBOX, response_class=HTMLResponse, include_in_schema=False)
    async def inbox() -> HTMLResponse:
        page = _pages.get_template("inbox.html").render(domains=settings.domains)
        return HTMLResponse(page)

    return app
