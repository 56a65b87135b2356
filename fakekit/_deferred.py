"""Parts of a fake's ASGI app that are built on their first request, not at start (issue 20).

A fake answers its service's hot surface from a light Starlette app; what only some requests need (the
control API under ``/__harness/``, the OpenAPI document and its pages — FastAPI and pydantic, about
200 ms and 40 MiB of imports) sits behind a :class:`DeferredApp`: built once, on the first request that
reaches it, in a worker thread so the event loop keeps answering the rest meanwhile; concurrent first
requests wait for the one build.

:func:`http_error_as_fastapi` renders Starlette's 404/405 as FastAPI does (``{"detail": ...}``), so a
light front answers unknown paths exactly as the FastAPI app it stands in front of did, without
loading FastAPI to say so.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["DeferredApp", "http_error_as_fastapi"]


class DeferredApp:
    """An ASGI app made by ``build()`` on its first request (in a thread), then called directly."""

    def __init__(self, build: Callable[[], ASGIApp]) -> None:
        self._build = build
        self._app: ASGIApp | None = None
        self._lock: asyncio.Lock | None = None

    @property
    def built(self) -> bool:
        return self._app is not None

    def build_now(self) -> ASGIApp:
        """Build it here (synchronously) if it is not built yet: for callers outside a request (tests,
        the OpenAPI document asked for in-process)."""
        if self._app is None:
            self._app = self._build()
        return self._app

    async def _load(self) -> ASGIApp:
        if self._lock is None:  # made on the serving loop, by its first request
            self._lock = asyncio.Lock()
        async with self._lock:
            if self._app is None:
                self._app = await asyncio.to_thread(self._build)
        return self._app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        app = self._app or await self._load()
        await app(scope, receive, send)


def _body_allowed(status: int) -> bool:
    return not (status < 200 or status in (204, 205, 304))


async def http_error_as_fastapi(_request: Request, exc: Exception) -> Response:
    """Starlette's HTTP errors as FastAPI's default handler answers them."""
    assert isinstance(exc, HTTPException)
    if not _body_allowed(exc.status_code):
        return Response(status_code=exc.status_code, headers=exc.headers)
    return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
