"""The control APIs' errors on FastAPI (``/__harness/`` on both fakes): the body, bad input and Starlette's
refusals; the error type itself and its rendering are light (:mod:`._control_error`).

A control error is ``{"error": code, "message": text}`` with an HTTP status — a stable contract the
harness client, the CLI and the UIs read. Bad bodies are control errors too (``invalid_request``, 400),
never FastAPI's 422, which echoes the input and turns a non-finite number in it into a 500; so are
Starlette's own refusals under the control prefix (an unknown path, a wrong method, a body that cannot be
decoded), never FastAPI's ``{"detail"}``. Outside the control prefix a fake renders bad input in its own
service's shape (``otherwise``) and leaves Starlette's refusals as they are.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response

from ._control_error import ControlError, control_error_response, handle_control_error

Model = TypeVar("Model", bound=BaseModel)
Otherwise = Callable[[Request, str], Awaitable[Response]]
# Starlette's refusals under the control prefix, by status.
_HTTP_ERRORS = {400: "invalid_request", 404: "not_found", 405: "method_not_allowed"}

__all__ = [
    "ControlError",
    "ErrorBody",
    "control_error_response",
    "handle_control_error",
    "install_control_errors",
    "problems",
    "validate",
]


class ErrorBody(BaseModel):
    """What every control error answers (documented in the fakes' OpenAPI)."""

    error: str
    message: str


def problems(errors: Sequence[Any]) -> str:
    """pydantic's errors as one line: ``field.sub: what is wrong; …``."""
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in errors)


def validate(model: type[Model], data: Any) -> Model:
    """``data`` as ``model``, or a 400 ``invalid_request`` naming each problem."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ControlError(400, "invalid_request", problems(exc.errors())) from None


def install_control_errors(app: FastAPI, control_prefix: str, otherwise: Otherwise) -> None:
    """Render :class:`ControlError` everywhere; bodies FastAPI rejects as a control error under
    ``control_prefix``, else as ``otherwise(request, details)`` (the fake's own service shape); and
    Starlette's HTTP errors as control errors under ``control_prefix``, else as FastAPI renders them."""

    async def on_invalid_input(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        details = problems(exc.errors())
        if request.url.path.startswith(control_prefix):
            return control_error_response(ControlError(400, "invalid_request", details))
        return await otherwise(request, details)

    async def on_http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if not request.url.path.startswith(control_prefix):
            return await http_exception_handler(request, exc)
        error = ControlError(
            exc.status_code, _HTTP_ERRORS.get(exc.status_code, "http_error"), str(exc.detail)
        )
        response = control_error_response(error)
        response.headers.update(exc.headers or {})
        return response

    app.add_exception_handler(ControlError, handle_control_error)
    app.add_exception_handler(RequestValidationError, on_invalid_input)
    app.add_exception_handler(HTTPException, on_http_error)
