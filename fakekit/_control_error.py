"""The control APIs' one error type and its body, without the web framework: what a fake's light front
raises and renders at start (issue 20); the handlers that also render FastAPI's own refusals as control
errors are :mod:`._control_errors`."""

from __future__ import annotations

from starlette.responses import JSONResponse


class ControlError(Exception):
    """A refused control request: ``status``, a short ``error`` code, a human ``message``."""

    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.status, self.error, self.message = status, error, message


def control_error_response(exc: ControlError) -> JSONResponse:
    """A control error's answer: ``{"error": code, "message": text}`` with its status."""
    return JSONResponse({"error": exc.error, "message": exc.message}, status_code=exc.status)
