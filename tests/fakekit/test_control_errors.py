"""fakekit's control errors: one body, one handler, for bad input and Starlette's own refusals alike,
under the control prefix only; elsewhere the fake's own shape (``otherwise``) or FastAPI's."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import Body, FastAPI, Request
from pydantic import BaseModel, Field
from starlette.responses import JSONResponse, Response

from fakekit import ControlError, ReadyUvicorn, bind, install_control_errors, run_in_thread, url_of, validate


class Clock(BaseModel):
    advance: int = Field(ge=0)


async def _service_shape(_request: Request, details: str) -> Response:
    return JSONResponse({"message": details}, status_code=400)


BODY = Body(None)  # any JSON: validated by the handler, as the fakes' control routes do


def _app() -> FastAPI:
    app = FastAPI()
    install_control_errors(app, "/__harness", _service_shape)

    @app.post("/__harness/clock")
    async def clock(data: Any = BODY) -> dict[str, int]:
        return {"advanced": validate(Clock, data).advance}

    @app.get("/__harness/users/{user_id}")
    async def user(user_id: str) -> dict[str, str]:
        raise ControlError(404, "not_found", f"no user with id {user_id!r}")

    @app.post("/__harness/typed")
    async def typed(body: Clock) -> dict[str, int]:
        return {"advanced": body.advance}

    @app.post("/v3/typed")
    async def service(body: Clock) -> dict[str, int]:
        return {"advanced": body.advance}

    return app


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    sock = bind("127.0.0.1", 0, "test app")
    server = ReadyUvicorn(_app())
    url = url_of("127.0.0.1", sock.getsockname()[1])
    with (
        sock,
        run_in_thread(
            "test app",
            lambda ready: server.serve_until_stopped(sock, ready),
            lambda: setattr(server, "should_exit", True),
            url,
        ),
        httpx.Client(base_url=url) as client,
    ):
        yield client


def test_a_control_error_is_its_status_and_body(http: httpx.Client) -> None:
    answer = http.get("/__harness/users/u1")
    assert (answer.status_code, answer.json()) == (
        404,
        {"error": "not_found", "message": "no user with id 'u1'"},
    )


def test_validate_names_each_problem(http: httpx.Client) -> None:
    answer = http.post("/__harness/clock", json={"advance": -1})
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_request"
    assert answer.json()["message"].startswith("advance: ")
    assert http.post("/__harness/clock", json={"advance": 5}).json() == {"advanced": 5}


def test_bodies_fastapi_rejects_are_control_errors_under_the_prefix(http: httpx.Client) -> None:
    answer = http.post("/__harness/typed", content=b"{not json", headers={"content-type": "application/json"})
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_request"
    assert "detail" not in answer.json()


def test_elsewhere_bad_input_is_the_service_shape(http: httpx.Client) -> None:
    answer = http.post("/v3/typed", json={"advance": "soon"})
    assert answer.status_code == 400
    assert set(answer.json()) == {"message"}


@pytest.mark.parametrize(
    ("method", "path", "status", "error"),
    [
        ("GET", "/__harness/nowhere", 404, "not_found"),
        ("DELETE", "/__harness/clock", 405, "method_not_allowed"),
    ],
)
def test_starlette_refusals_under_the_prefix_are_control_errors(
    http: httpx.Client, method: str, path: str, status: int, error: str
) -> None:
    answer = http.request(method, path)
    assert (answer.status_code, answer.json()["error"]) == (status, error)
    assert set(answer.json()) == {"error", "message"}


def test_starlette_refusals_elsewhere_stay_as_fastapi_writes_them(http: httpx.Client) -> None:
    answer = http.get("/v3/nowhere")
    assert (answer.status_code, answer.json()) == (404, {"detail": "Not Found"})
