"""fakekit.DeferredApp: built once, on the first request that reaches it, off the event loop; and the
front's 404/405 answered as FastAPI answers them."""

from __future__ import annotations

import asyncio
import threading

import httpx
import pytest
from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route, Router

from fakekit import DeferredApp, http_error_as_fastapi


def _counted() -> tuple[DeferredApp, list[str]]:
    builds: list[str] = []

    def build() -> Starlette:
        builds.append(threading.current_thread().name)

        async def hello(_request: object) -> PlainTextResponse:
            return PlainTextResponse("built")

        return Starlette(routes=[Route("/deferred", hello)])

    return DeferredApp(build), builds


def test_built_once_on_first_request_in_a_worker_thread() -> None:
    deferred, builds = _counted()
    assert not deferred.built

    async def three_concurrent() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=deferred)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return list(await asyncio.gather(*(client.get("/deferred") for _ in range(3))))

    answers = asyncio.run(three_concurrent())
    assert [a.text for a in answers] == ["built"] * 3
    assert len(builds) == 1
    assert builds[0] != threading.main_thread().name
    assert deferred.built


def test_build_now_builds_once() -> None:
    deferred, builds = _counted()
    first = deferred.build_now()
    assert deferred.build_now() is first
    assert len(builds) == 1


@pytest.mark.parametrize(("method", "path"), [("GET", "/nowhere"), ("POST", "/here")])
def test_http_errors_answer_as_fastapi_does(method: str, path: str) -> None:
    async def here(_request: object) -> PlainTextResponse:
        return PlainTextResponse("here")

    front = Starlette(
        routes=[Route("/here", here, methods=["GET"])],
        exception_handlers={404: http_error_as_fastapi, 405: http_error_as_fastapi},
    )
    reference = FastAPI()
    reference.router.routes.append(Route("/here", here, methods=["GET"]))

    async def ask(app: Starlette) -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return await client.request(method, path)

    ours, fastapis = asyncio.run(ask(front)), asyncio.run(ask(reference))
    assert (ours.status_code, ours.content) == (fastapis.status_code, fastapis.content)
    assert ours.headers.get("allow") == fastapis.headers.get("allow")
    assert ours.headers["content-type"] == fastapis.headers["content-type"]


def test_router_default_is_the_deferred_app() -> None:
    """The shape the fakes use: routes the front knows, everything else to the deferred app."""
    deferred, builds = _counted()
    router = Router(routes=[], default=deferred)
    assert router.default is deferred
    assert not builds
