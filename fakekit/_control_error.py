"""The control APIs' one error type and its rendering, without the web framework: what a fake's light front
raises and renders at start (a Logto- or Mailgun-compatible handler may raise :class:`ControlError` too: the
social and SSO stand-ins do), which must not import FastAPI or pydantic to say so (issue 20). The FastAPI
side — bad bodies, Starlette's refusals under the control prefix — is :mod:`._control_errors`."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response


class ControlError(Exception):
    """A refused control request: ``status``, a short ``error`` code, a human ``message``."""

    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.status, self.error, self.message = status, error, message


def control_error_response(exc: ControlError) -> JSONResponse:
    """A control error's answer: ``{"error": code, "message": text}`` with its status."""
    return JSONResponse({"error": exc.error, "message": exc.message}, status_code=exc.status)


async def handle_control_error(_request: Request, exc: Exception) -> Response:
    """A Starlette exception handler for :class:`ControlError`: ``{"error": code, "message": text}``."""
    assert isinstance(exc, ControlError)
    return control_error_response(exc)
