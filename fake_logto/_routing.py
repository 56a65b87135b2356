"""The route of a Logto-compatible handler: a plain Starlette route. The handlers read their input
themselves, as Logto's koa handlers do: they take the request, and at most the path's own parameters as
strings (the social stand-in's ``target``) — what FastAPI passed them unchanged (a ``str`` path parameter
is never refused). So the Logto surface needs no FastAPI: no dependency tree built at start, none solved
on every request, and the framework not even imported until a control request (issue 20)."""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

_PLACEHOLDER = re.compile(r"{(\w+)(?::\w+)?}")


class LogtoRoute(Route):
    """Served as FastAPI's route for the handler was: the one method it is given (FastAPI adds no
    implicit ``HEAD`` for a ``GET``, so the 404/405 answers and the CORS ``Allow`` list stay the same); out of
    FastAPI's generated schema, documented by hand (:func:`._openapi.build`)."""

    def __init__(self, path: str, handler: Callable[..., Any], method: str) -> None:
        super().__init__(path, _taking_request(path, handler), methods=[method], include_in_schema=False)
        self.methods = {method}


def _taking_request(path: str, handler: Callable[..., Any]) -> Callable[[Request], Awaitable[Response]]:
    """``handler`` as an endpoint of the request alone: its other parameters are ``path``'s, passed by name
    (a wrapper is read through ``__wrapped__``); any other parameter is a mistake, refused here."""
    parameters = list(inspect.signature(handler).parameters.values())
    rest, named = parameters[1:], set(_PLACEHOLDER.findall(path))
    if (
        not parameters
        or parameters[0].annotation not in ("Request", Request)
        or any(p.name not in named or p.annotation not in ("str", str) for p in rest)
    ):
        raise TypeError(f"{path}: a Logto handler takes the request and the path's str parameters only")
    if not rest:
        return handler
    names = [p.name for p in rest]

    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        response: Response = await handler(request, **{n: request.path_params[n] for n in names})
        return response

    return endpoint
