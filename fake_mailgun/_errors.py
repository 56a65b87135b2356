"""The one error type of the Mailgun surface, rendered in one place.

Real Mailgun answers most bad input with ``{"message": "..."}`` and a few statuses with a bare text body
(401 ``Forbidden``, 413, 500). See ``reference/mailgun.md``, "POST /v3/{domain}/messages".

A path (or method) Mailgun does not serve answers Go's ``net/http`` default, ``404 page not found`` as
plain text — what clients report from api.mailgun.net (mailgun.js ``details: '404 page not found\\n'`` in
theoomoregbee/US-visa-appointment-notifier#33, Bamboo's ``"404 page not found\\n"`` in helium/console#1230)
— never a framework's ``{"detail": "Not Found"}``; :func:`answer_unknown_routes` installs that.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response


class MailgunError(Exception):
    """An answer Mailgun would give instead of a success: a status and a message."""

    def __init__(
        self, status: int, message: str, *, plain: bool = False, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.plain = plain
        self.headers = dict(headers or {})


def forbidden() -> MailgunError:
    return MailgunError(401, "Forbidden", plain=True)


def bad_request(message: str) -> MailgunError:
    return MailgunError(400, message)


def domain_not_found(domain: str) -> MailgunError:
    return MailgunError(404, f"Domain not found: {domain}")


def not_found(message: str) -> MailgunError:
    return MailgunError(404, message)


def render(error: MailgunError) -> Response:
    if error.plain:
        return PlainTextResponse(error.message, status_code=error.status, headers=error.headers)
    return JSONResponse({"message": error.message}, status_code=error.status, headers=error.headers)


async def handle(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, MailgunError)
    return render(exc)


UNKNOWN_ROUTE = "404 page not found\n"


def answer_unknown_routes(app: Any, control_prefix: str) -> None:
    """Answer an unknown path or method outside ``control_prefix`` as Mailgun does; anything else as the
    handler installed before (the control API's own errors)."""
    previous = app.exception_handlers[HTTPException]

    async def on_http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code in (404, 405) and not request.url.path.startswith(control_prefix):
            return PlainTextResponse(UNKNOWN_ROUTE, status_code=404)
        response: Response = await previous(request, exc)
        return response

    app.add_exception_handler(HTTPException, on_http_error)
