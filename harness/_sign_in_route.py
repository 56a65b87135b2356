"""``POST /__harness/sign-in`` as the harness hands it to ``fake_logto.Server(routes=…)`` at start: a light
stand-in for the endpoint of :mod:`._sign_in_endpoint`, which (with FastAPI's body parameter, pydantic,
the HTTP client and the sign-in flow) loads on first use — when fake_logto builds the app that serves the
route and reads the endpoint's signature (``inspect.signature`` and FastAPI follow ``__wrapped__``), or
when the route is first called. ``harness up`` thus starts without them (issue 20)."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from fake_logto import paths as logto_paths


class _OnFirstUse:
    """Stands for ``sign_in_endpoint(mailgun_url, logto_endpoint)``: its signature, name and docstring are
    the endpoint's, and a call runs it; the endpoint is made when one of them is first asked for."""

    def __init__(self, mailgun_url: str, logto_endpoint: str | None) -> None:
        self._mailgun_url = mailgun_url
        self._logto_endpoint = logto_endpoint

    @functools.cached_property
    def __wrapped__(self) -> Callable[..., Awaitable[Any]]:
        from ._sign_in_endpoint import sign_in_endpoint

        return sign_in_endpoint(self._mailgun_url, self._logto_endpoint)

    @property
    def __name__(self) -> str:
        return self.__wrapped__.__name__

    @property
    def __doc__(self) -> str | None:  # type: ignore[override]  # what FastAPI documents the route with
        return self.__wrapped__.__doc__

    async def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return await self.__wrapped__(*args, **kwargs)


def sign_in_routes(mailgun_url: str, logto_endpoint: str | None = None) -> list[tuple[str, str, Any]]:
    """The route to hand ``fake_logto.Server(routes=…)``; codes are read from fake_mailgun at ``mailgun_url``;
    a single-page app signs in against ``logto_endpoint`` (the tenant's public endpoint)."""
    return [("POST", logto_paths.HARNESS_SIGN_IN, _OnFirstUse(mailgun_url, logto_endpoint))]
