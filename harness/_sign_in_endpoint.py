"""``POST /__harness/sign-in``: :func:`._sign_in.sign_in` over HTTP, for a Node ``globalSetup``, a Cypress
``cy.request`` or ``curl``, while ``harness up`` (or the pytest plugin) runs.

Where it lives: on fake_logto's port, beside its other control routes, but defined here — the harness
hands the route to ``fake_logto.Server(routes=…)``, so fake_logto never imports the harness, and no new
port (nor setting) is needed. The body's keys are :class:`~._sign_in.SignInRequest`'s fields, as the
command's flags are; the answer is what ``harness sign-in --json`` prints. The flow runs in a worker
thread: it calls fake_logto itself over HTTP, which this server's event loop answers meanwhile.

This module (FastAPI's body parameter, pydantic, the HTTP client, the flow) loads on the endpoint's first
use: at start the harness hands fake_logto the light stand-in of :mod:`._sign_in_route`.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import anyio.to_thread
from fastapi import Body
from pydantic import TypeAdapter, ValidationError
from starlette.responses import JSONResponse, Response

from fakekit import ControlError, problems

from ._client import Client
from ._sign_in import SignInError, sign_in
from ._sign_in_request import SignInRequest

_FIELDS = {f.name for f in dataclasses.fields(SignInRequest)}
_ADAPTER: TypeAdapter[SignInRequest] = TypeAdapter(SignInRequest)
FAILED = 422  # the harness understood the request; the app or Logto refused a hop (named in the body)


def parse_request(body: Any) -> SignInRequest:
    """The body as a :class:`SignInRequest`, or a 400 ``invalid_request`` control error naming the problem."""
    if not isinstance(body, dict):
        raise ControlError(400, "invalid_request", "the body must be a JSON object")
    unknown = sorted(set(body) - _FIELDS)
    if unknown:
        raise ControlError(400, "invalid_request", f"unknown field(s): {', '.join(unknown)}")
    try:
        return _ADAPTER.validate_python(body)
    except ValidationError as exc:
        raise ControlError(400, "invalid_request", problems(exc.errors())) from None


def _run(request: SignInRequest, mailgun_url: str, logto_endpoint: str | None) -> dict[str, Any]:
    with Client(mailgun_url) as client:
        return sign_in(request, client.mailbox, logto_endpoint=logto_endpoint)


def sign_in_endpoint(
    mailgun_url: str, logto_endpoint: str | None = None
) -> Callable[..., Awaitable[Response]]:
    """The endpoint; codes are read from fake_mailgun at ``mailgun_url``; a single-page app signs in
    against ``logto_endpoint`` (the tenant's public endpoint)."""

    async def harness_sign_in(
        body: Annotated[Any, Body(json_schema_extra=_ADAPTER.json_schema())],
    ) -> Response:
        """Sign a user in to an app over HTTP (harness only): 200 ``{app_url, email, event, callback,
        storage_state}``; a hop refused: 422 ``{error: "sign_in_failed", message, hop, status, code}``."""
        parsed = parse_request(body)
        try:
            result = await anyio.to_thread.run_sync(
                functools.partial(_run, parsed, mailgun_url, logto_endpoint)
            )
        except SignInError as exc:
            return JSONResponse(exc.body(), status_code=FAILED)
        return JSONResponse(result)

    return harness_sign_in
