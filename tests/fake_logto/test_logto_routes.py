"""``fake_logto._routing.LogtoRoute``: a Logto handler on a plain Starlette route — the request, and the
path's own ``str`` parameters passed by name, as FastAPI passed them; anything else is refused at once."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.testclient import TestClient

from fake_logto._routing import LogtoRoute


async def _target(request: Request, target: str) -> Response:
    return PlainTextResponse(f"{request.method} {target}")


async def _number(request: Request, target: int) -> Response:
    return PlainTextResponse(str(target))


async def _query(request: Request, other: str) -> Response:
    return PlainTextResponse(other)


async def _nothing() -> Response:
    return PlainTextResponse("")


def test_a_path_parameter_is_passed_by_name() -> None:
    app = Starlette(routes=[LogtoRoute("/social-provider/{target}/token", _target, "POST")])
    with TestClient(app) as client:
        assert client.post("/social-provider/google/token").text == "POST google"
        assert client.get("/social-provider/google/token").status_code == 405  # the one method given


@pytest.mark.parametrize("handler", [_number, _query, _nothing])
def test_any_other_parameter_is_refused(handler: Any) -> None:
    with pytest.raises(TypeError, match="takes the request and the path's str parameters only"):
        LogtoRoute("/social-provider/{target}/token", handler, "POST")
