"""The route of a Logto-compatible handler that takes the request alone (nearly all of them: they read
their input themselves, as Logto's koa handlers do): a plain Starlette route, so FastAPI builds no
dependency tree for it at start (about half of ``create_app``) and solves none on every request."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.routing import Route


class LogtoRoute(Route):
    """Served as FastAPI's route for the handler would be: the one method it is given (FastAPI adds no
    implicit ``HEAD`` for a ``GET``, so the 404/405 answers and the CORS ``Allow`` list stay the same); out of
    FastAPI's generated schema, documented by hand (:func:`._openapi.build`)."""

    def __init__(self, path: str, handler: Callable[..., Any], method: str) -> None:
        super().__init__(path, handler, methods=[method], include_in_schema=False)
        self.methods = {method}


def takes_request_alone(handler: Callable[..., Any]) -> bool:
    """Whether ``handler``'s one parameter is the request (a wrapper is read through ``__wrapped__``)."""
    parameters = list(inspect.signature(handler).parameters.values())
    return len(parameters) == 1 and parameters[0].annotation in ("Request", Request)
