"""The one error type of the Mailgun surface, rendered in one place.

Real Mailgun answers most bad input with ``{"message": "..."}`` and a few statuses with a bare text body
(401 ``Forbidden``, 413, 500). See ``reference/mailgun.md``, "POST /v3/{domain}/messages".
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel
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


class MailgunErrorBody(BaseModel):
    """Mailgun's error body."""

    message: str


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
